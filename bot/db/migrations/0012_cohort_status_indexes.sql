-- `/cohort status` on a big cohort (bench/cohort_status.py: 5,000 mentees, a year of weekly
-- check-ins): a day-by-day count of the prompts that rate, kept by triggers, and indexes
-- that let the status read the cohort's members and matches without a pass over the server.

-- Per server and UTC day of `due_at`: how many check-in prompts that count for a response
-- rate (the condition of `checkin_periods_rated`, migration 0008) were answered and missed.
-- A cohort's weekly and 4-week counts then add up whole days here (a few hundred rows for a
-- year) instead of counting each prompt; only the part days at a span's ends are counted in
-- `checkin_periods_rated`. The triggers keep it in the same transaction as every write to
-- the prompts, whichever statement makes it (an answer, a late answer, a prompt marked
-- missed, `/privacy delete`, a member's rows deleted with them), so it is never behind.
CREATE TABLE checkin_rated_days (
    guild_id  INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    answered  INTEGER NOT NULL DEFAULT 0,
    missed    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
) WITHOUT ROWID;

INSERT INTO checkin_rated_days (guild_id, day, answered, missed)
SELECT guild_id, substr(due_at, 1, 10), SUM(status = 'answered'), SUM(status = 'missed')
FROM checkin_periods
WHERE sent_at IS NOT NULL AND status IN ('answered', 'missed')
  AND (kind = 'scheduled' OR status = 'answered')
GROUP BY guild_id, substr(due_at, 1, 10);

CREATE TRIGGER checkin_rated_days_insert AFTER INSERT ON checkin_periods
WHEN NEW.sent_at IS NOT NULL AND NEW.status IN ('answered', 'missed')
     AND (NEW.kind = 'scheduled' OR NEW.status = 'answered')
BEGIN
    INSERT INTO checkin_rated_days (guild_id, day, answered, missed)
    VALUES (NEW.guild_id, substr(NEW.due_at, 1, 10), NEW.status = 'answered',
            NEW.status = 'missed')
    ON CONFLICT (guild_id, day) DO UPDATE
    SET answered = answered + excluded.answered, missed = missed + excluded.missed;
END;

CREATE TRIGGER checkin_rated_days_delete AFTER DELETE ON checkin_periods
WHEN OLD.sent_at IS NOT NULL AND OLD.status IN ('answered', 'missed')
     AND (OLD.kind = 'scheduled' OR OLD.status = 'answered')
BEGIN
    UPDATE checkin_rated_days
    SET answered = answered - (OLD.status = 'answered'), missed = missed - (OLD.status = 'missed')
    WHERE guild_id = OLD.guild_id AND day = substr(OLD.due_at, 1, 10);
END;

-- A change of any column the condition or the day reads takes the old row out and puts the
-- new one in (either may not count).
CREATE TRIGGER checkin_rated_days_update
AFTER UPDATE OF guild_id, due_at, status, kind, sent_at ON checkin_periods
WHEN (OLD.sent_at IS NOT NULL AND OLD.status IN ('answered', 'missed')
      AND (OLD.kind = 'scheduled' OR OLD.status = 'answered'))
  OR (NEW.sent_at IS NOT NULL AND NEW.status IN ('answered', 'missed')
      AND (NEW.kind = 'scheduled' OR NEW.status = 'answered'))
BEGIN
    UPDATE checkin_rated_days
    SET answered = answered - (OLD.status = 'answered'), missed = missed - (OLD.status = 'missed')
    WHERE guild_id = OLD.guild_id AND day = substr(OLD.due_at, 1, 10)
      AND OLD.sent_at IS NOT NULL AND OLD.status IN ('answered', 'missed')
      AND (OLD.kind = 'scheduled' OR OLD.status = 'answered');
    INSERT INTO checkin_rated_days (guild_id, day, answered, missed)
    SELECT NEW.guild_id, substr(NEW.due_at, 1, 10), NEW.status = 'answered',
           NEW.status = 'missed'
    WHERE NEW.sent_at IS NOT NULL AND NEW.status IN ('answered', 'missed')
      AND (NEW.kind = 'scheduled' OR NEW.status = 'answered')
    ON CONFLICT (guild_id, day) DO UPDATE
    SET answered = answered + excluded.answered, missed = missed + excluded.missed;
END;

-- The cohort's sessions by date with their length, read from the index alone: the status's
-- session totals and weekly series in date order, with no sort.
CREATE INDEX sessions_cohort_days ON sessions (guild_id, cohort_id, session_date, minutes);

-- The people of a cohort are read from the members still in the server, and a member row
-- carries the sign-up answers: this index holds just what the status reads of them.
CREATE INDEX members_present ON members (guild_id, user_id, status, role, capacity, left_at)
    WHERE left_at IS NULL;

-- The matches of a cohort (and the cohort-less ones) by when they were made, with every
-- column the status reads of them.
CREATE INDEX matches_by_cohort ON matches
    (guild_id, cohort_id, created_at, mentee_id, mentor_id, intro_thread_id, met_at, ended_at);

-- The few members the check-in rules flagged as at risk.
CREATE INDEX checkin_members_at_risk ON checkin_members (guild_id, user_id, at_risk_reason)
    WHERE at_risk_reason IS NOT NULL;
