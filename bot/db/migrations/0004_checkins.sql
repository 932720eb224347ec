-- Check-ins: each mentee's schedule and check-in state, one row per prompt period, and the
-- per-goal answers. Times are UTC ISO strings of one fixed shape, so they compare as text.

-- Per member: the chosen schedule (all NULL until one is set), the next period not yet
-- written to checkin_periods, the fallback thread for closed DMs, and the at-risk flag.
CREATE TABLE checkin_members (
    guild_id             INTEGER NOT NULL,
    user_id              INTEGER NOT NULL,
    weekday              INTEGER CHECK (weekday IS NULL OR weekday BETWEEN 0 AND 6),
    local_time           TEXT,
    timezone             TEXT,
    cadence              TEXT    NOT NULL DEFAULT 'weekly' CHECK (cadence IN ('weekly', 'fortnightly')),
    anchor               TEXT,
    paused_until         TEXT,
    paused_indefinitely  INTEGER NOT NULL DEFAULT 0,
    next_key             TEXT,
    next_due_at          TEXT,
    fallback_thread_id   INTEGER,
    dm_help_sent_at      TEXT,
    at_risk_reason       TEXT,
    at_risk_since        TEXT,
    updated_at           TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    CHECK ((weekday IS NULL) = (local_time IS NULL)
           AND (weekday IS NULL) = (timezone IS NULL)
           AND (weekday IS NULL) = (anchor IS NULL)),
    CHECK ((next_key IS NULL) = (next_due_at IS NULL)),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX checkin_members_due ON checkin_members (next_due_at) WHERE next_due_at IS NOT NULL;

-- One row per prompt. UNIQUE (guild, member, period) is what makes a prompt exactly once:
-- a period is inserted once, claimed (claimed_at, channel_id) before the send and marked
-- sent after it. `goal_ids` is the JSON list of goals the prompt quotes, fixed at the claim.
CREATE TABLE checkin_periods (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    period_key       TEXT    NOT NULL,
    kind             TEXT    NOT NULL DEFAULT 'scheduled' CHECK (kind IN ('scheduled', 'manual')),
    due_at           TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'answered', 'missed', 'undeliverable')),
    goal_ids         TEXT,
    claimed_at       TEXT,
    send_attempts    INTEGER NOT NULL DEFAULT 0,
    channel_id       INTEGER,
    delivery         TEXT    CHECK (delivery IS NULL OR delivery IN ('dm', 'thread')),
    message_id       INTEGER,
    sent_at          TEXT,
    reminder_due_at  TEXT,
    reminded_at      TEXT,
    answered_at      TEXT,
    note             TEXT,
    note_shared      INTEGER NOT NULL DEFAULT 0,
    note_sent_to_mentor TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, period_key),
    CHECK (sent_at IS NULL OR claimed_at IS NOT NULL),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX checkin_periods_unsent ON checkin_periods (due_at) WHERE status = 'pending' AND sent_at IS NULL;
CREATE INDEX checkin_periods_reminders ON checkin_periods (reminder_due_at)
    WHERE status = 'pending' AND reminded_at IS NULL AND reminder_due_at IS NOT NULL;
CREATE INDEX checkin_periods_by_member ON checkin_periods (guild_id, user_id, due_at);

-- What the mentee answered for each goal the prompt quoted; directors see only these statuses.
CREATE TABLE checkin_answers (
    period_id           INTEGER NOT NULL REFERENCES checkin_periods (id) ON DELETE CASCADE,
    goal_id             INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    status              TEXT    NOT NULL CHECK (status IN ('on_track', 'stuck', 'done')),
    answered_at         TEXT    NOT NULL,
    mentor_notified_at  TEXT,
    PRIMARY KEY (period_id, goal_id)
);
