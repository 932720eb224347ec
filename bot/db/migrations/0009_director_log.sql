-- Lines for the director log channel, written in the same transaction as the event each one
-- reports (a sign-up, a flag, an at-risk change, …) and posted afterwards, so a crash in
-- between no longer loses the line. Posting follows check-in prompts: the line is claimed
-- for a channel (`channel_id`, `claimed_at`) before it is posted and marked sent after
-- (`message_id`, `sent_at`); a claimed line not marked sent is looked for in its channel
-- before it is posted again, so each is posted once. `dropped_at`/`dropped_why`: it will
-- never be posted (no director log channel set, or the bot may not post there).
-- `text` holds ids as mentions, counts and fixed words only, never what members wrote.
CREATE TABLE director_log_lines (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    text         TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    created_at   TEXT    NOT NULL CHECK (length(created_at) = 32 AND created_at
                     GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*+00:00'),
    channel_id   INTEGER,
    claimed_at   TEXT,
    message_id   INTEGER,
    sent_at      TEXT,
    dropped_at   TEXT,
    dropped_why  TEXT CHECK (dropped_why IN ('no_channel', 'channel_missing', 'forbidden',
                     'server_gone'))
);

CREATE INDEX director_log_lines_unsent ON director_log_lines (id)
    WHERE sent_at IS NULL AND dropped_at IS NULL;
