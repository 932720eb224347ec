-- Mentor–mentee matches with their history, the "Have you met yet?" follow-ups, and
-- cohort-wide proposals waiting for a director's approval.

-- Matching weights are per server; NULL means the defaults in code.
ALTER TABLE guild_settings ADD COLUMN match_weight_area REAL;
ALTER TABLE guild_settings ADD COLUMN match_weight_timezone REAL;
ALTER TABLE guild_settings ADD COLUMN match_weight_capacity REAL;

-- Every pair ever made. A mentee has at most one active match (partial unique index);
-- ended matches stay for history and so that earlier pairs are not suggested again.
-- `met_at` is set when either member answers "Yes" to "Have you met yet?"; `flagged_at`
-- when the pair needs a director (flag_reason 'need_help' or 'not_met').
CREATE TABLE matches (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    cohort_id         INTEGER REFERENCES cohorts (id),
    mentee_id         INTEGER NOT NULL,
    mentor_id         INTEGER NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    created_at        TEXT    NOT NULL,
    created_by        INTEGER NOT NULL,
    intro_thread_id   INTEGER,
    met_at            TEXT,
    flagged_at        TEXT,
    flag_reason       TEXT CHECK (flag_reason IS NULL OR flag_reason IN ('need_help', 'not_met')),
    ended_at          TEXT,
    ended_by          INTEGER,
    end_reason        TEXT CHECK (end_reason IS NULL OR end_reason IN
                          ('goals_achieved', 'lack_of_contact', 'needs_changed',
                           'not_a_good_fit', 'other')),
    CHECK (mentee_id <> mentor_id),
    CHECK ((status = 'ended') = (ended_at IS NOT NULL)),
    CHECK ((flagged_at IS NULL) = (flag_reason IS NULL)),
    FOREIGN KEY (guild_id, mentee_id) REFERENCES members (guild_id, user_id),
    FOREIGN KEY (guild_id, mentor_id) REFERENCES members (guild_id, user_id)
);
CREATE UNIQUE INDEX one_active_match_per_mentee ON matches (guild_id, mentee_id)
    WHERE status = 'active';
CREATE INDEX matches_by_mentor ON matches (guild_id, mentor_id, status);

-- One row per member asked per round ("Have you met yet?"); the key makes each prompt
-- exactly once. A sender claims a row (`claimed_at`, `claimed_by` = its run id) in a
-- transaction before sending, then records `sent_at` and how it was delivered.
-- `delivery`: 'dm'; 'thread' (DMs closed: asked in the intro thread); 'unreachable';
-- 'lost' (the sender stopped between claim and send and it is too late to retry safely).
CREATE TABLE match_followups (
    match_id     INTEGER NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL,
    round        INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
    due_at       TEXT    NOT NULL,
    claimed_at   TEXT,
    claimed_by   TEXT,
    sent_at      TEXT,
    delivery     TEXT CHECK (delivery IS NULL OR delivery IN
                     ('dm', 'thread', 'unreachable', 'lost')),
    answered_at  TEXT,
    answer       TEXT CHECK (answer IS NULL OR answer IN ('yes', 'not_yet', 'need_help')),
    PRIMARY KEY (match_id, member_id, round)
);
CREATE INDEX match_followups_due ON match_followups (claimed_at, due_at);

-- A whole-cohort proposal shown to a director; applied only when they press Apply.
-- `pairs` is a JSON list of [mentee_id, mentor_id].
CREATE TABLE match_proposals (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    pairs       TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'applied', 'cancelled')),
    decided_at  TEXT,
    decided_by  INTEGER
);
