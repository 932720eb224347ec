-- Migration bookkeeping and per-server settings.

CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    applied_at  TEXT    NOT NULL
);

-- Small key/value facts about the bot itself (e.g. the hash of the synced command tree).
CREATE TABLE app_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- One row per server once a director runs /setup; a missing row means "all defaults".
CREATE TABLE guild_settings (
    guild_id                     INTEGER PRIMARY KEY,
    director_role_id             INTEGER,
    mentor_role_id               INTEGER,
    mentee_role_id               INTEGER,
    introductions_channel_id     INTEGER,
    sessions_channel_id          INTEGER,
    checkin_fallback_channel_id  INTEGER,
    director_log_channel_id      INTEGER,
    match_followup_days          INTEGER NOT NULL DEFAULT 7 CHECK (match_followup_days BETWEEN 1 AND 60),
    checkin_grace_hours          INTEGER NOT NULL DEFAULT 12 CHECK (checkin_grace_hours BETWEEN 0 AND 72),
    updated_at                   TEXT    NOT NULL,
    updated_by                   INTEGER
);
