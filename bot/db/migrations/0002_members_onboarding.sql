-- Members, their questionnaire answers, cohorts, first goals, and the director audit trail.

-- One row per member of a server the bot has seen: joined, signing up, or signed up.
-- `answers` is the questionnaire so far as JSON, saved after every step; `drafts` keeps a
-- rejected text answer so the member can shorten it instead of typing it again.
CREATE TABLE members (
    guild_id               INTEGER NOT NULL,
    user_id                INTEGER NOT NULL,
    status                 TEXT    NOT NULL DEFAULT 'joined'
                               CHECK (status IN ('joined', 'onboarding', 'onboarded')),
    role                   TEXT    CHECK (role IN ('mentee', 'mentor')),
    answers                TEXT    NOT NULL DEFAULT '{}',
    drafts                 TEXT    NOT NULL DEFAULT '{}',
    timezone               TEXT,
    capacity               INTEGER CHECK (capacity IS NULL OR capacity > 0),
    checkin_weekday        INTEGER CHECK (checkin_weekday IS NULL OR checkin_weekday BETWEEN 0 AND 6),
    checkin_time           TEXT,
    consent_at             TEXT,
    role_assigned          INTEGER NOT NULL DEFAULT 0,
    dm_channel_id          INTEGER,
    dm_closed              INTEGER NOT NULL DEFAULT 0,
    joined_at              TEXT,
    onboarding_started_at  TEXT,
    onboarded_at           TEXT,
    left_at                TEXT,
    updated_at             TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX members_by_status ON members (guild_id, status, role);

-- A programme run. At most one active cohort per server.
CREATE TABLE cohorts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    starts_on   TEXT,
    ends_on     TEXT,
    status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at  TEXT    NOT NULL,
    created_by  INTEGER,
    closed_at   TEXT
);
CREATE UNIQUE INDEX one_active_cohort_per_guild ON cohorts (guild_id) WHERE status = 'active';

CREATE TABLE cohort_members (
    cohort_id    INTEGER NOT NULL REFERENCES cohorts (id),
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('mentee', 'mentor')),
    enrolled_at  TEXT    NOT NULL,
    PRIMARY KEY (cohort_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);

-- A mentee's goals, in their words. Directors only ever see counts and statuses.
CREATE TABLE goals (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    target_date   TEXT,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    source        TEXT    NOT NULL DEFAULT 'command' CHECK (source IN ('onboarding', 'command')),
    created_at    TEXT    NOT NULL,
    completed_at  TEXT,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX goals_by_owner ON goals (guild_id, user_id, status);

-- Every director action, kept even when the director log channel is not set.
-- `detail` holds ids and statuses only, never member-written text.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    target_id   INTEGER,
    detail      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
);
CREATE INDEX audit_by_guild ON audit_log (guild_id, created_at);
