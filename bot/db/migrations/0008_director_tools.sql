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

-- A pair's sessions by date, with their length: the latest session of each match and the
-- cohort's session totals are read from the index alone.
CREATE INDEX sessions_by_match ON sessions (match_id, session_date, minutes);

-- The check-in prompts that count for a response rate (sent, settled, scheduled or an answered
-- /checkin now), by status and due time: per-week and 4-week counts are range counts here,
-- never a pass over a cohort's every prompt, read from the index alone (kind and sent_at are
-- in it so the condition needs no table row). The condition is the one the status queries
-- state (bot/services/cohort_queries.py, `rated`); SQLite uses the index only while they agree.
CREATE INDEX checkin_periods_rated ON checkin_periods
    (guild_id, status, due_at, user_id, kind, sent_at)
    WHERE sent_at IS NOT NULL AND status IN ('answered', 'missed')
    AND (kind = 'scheduled' OR status = 'answered');
