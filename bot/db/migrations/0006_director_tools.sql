-- Director tools: cohort names unique in a server, and the indexes `/cohort status`,
-- `/cohort members` and the "who takes part" checks of the schedulers read.

-- No command could name two cohorts alike before this version; should a database still hold
-- such a pair, the later one gets its id appended so the unique index below can be built.
UPDATE cohorts SET name = name || ' (' || id || ')'
WHERE EXISTS (SELECT 1 FROM cohorts earlier WHERE earlier.guild_id = cohorts.guild_id
              AND earlier.name = cohorts.name COLLATE NOCASE AND earlier.id < cohorts.id);
CREATE UNIQUE INDEX cohorts_name_per_guild ON cohorts (guild_id, name COLLATE NOCASE);

-- A member's enrollments: who is waiting for a cohort, who finished one (every check-in and
-- follow-up due-row query asks this per member).
CREATE INDEX cohort_members_by_member ON cohort_members (guild_id, user_id, cohort_id);

-- Every match of a mentee, whatever its status (the status reads a cohort's pairs by mentee).
CREATE INDEX matches_by_mentee ON matches (guild_id, mentee_id, created_at);

-- The check-in response rate and its weekly series read only these columns: served from the
-- index alone, a 5,000-member cohort's year of prompts is read without touching the table.
CREATE INDEX checkin_periods_report ON checkin_periods
    (guild_id, user_id, due_at, status, kind, sent_at);
