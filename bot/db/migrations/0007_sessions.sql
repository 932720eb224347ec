-- Mentoring sessions, the reflections members write about them, the one reminder each member
-- may get to reflect, and the mentee's answer to the fit question after a pair's first session.
-- Instants are UTC text of one shape (2026-01-12T09:00:00.000000+00:00) so they compare as
-- text; calendar dates are YYYY-MM-DD.

-- One row per logged session. `mentee_id`, `mentor_id` and `cohort_id` are copied from the
-- match so the per-member lists and the director totals need no join. `seq` numbers a pair's
-- sessions in the order they were logged ("Session 3"). `topic` is the member's own words:
-- shown to the pair only, never to directors (they see counts, dates and minutes).
--
-- The thread: `thread_id` is set once Discord has created it and `thread_ready_at` once the
-- pair were added and the prompts posted; until then the session is kept and the thread can
-- be made later. `thread_claimed_at` marks a creation in progress (so two attempts never make
-- two threads); `thread_problem` says why the last attempt failed, for the director.
CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    match_id           INTEGER NOT NULL REFERENCES matches (id),
    cohort_id          INTEGER REFERENCES cohorts (id),
    mentee_id          INTEGER NOT NULL,
    mentor_id          INTEGER NOT NULL,
    seq                INTEGER NOT NULL CHECK (seq >= 1),
    session_date       TEXT    NOT NULL CHECK (length(session_date) = 10 AND session_date
                           GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    minutes            INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 600),
    topic              TEXT    CHECK (topic IS NULL OR length(topic) BETWEEN 1 AND 100),
    created_by         INTEGER NOT NULL,
    created_at         TEXT    NOT NULL CHECK (length(created_at) = 32 AND created_at
                           GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*+00:00'),
    thread_id          INTEGER,
    thread_ready_at    TEXT,
    thread_claimed_at  TEXT,
    thread_problem     TEXT    CHECK (thread_problem IS NULL OR thread_problem IN
                           ('no_channel', 'channel_unavailable', 'missing_permission')),
    thread_problem_at  TEXT,
    UNIQUE (match_id, seq),
    CHECK (mentee_id <> mentor_id),
    CHECK (created_by IN (mentee_id, mentor_id)),
    CHECK (thread_ready_at IS NULL OR thread_id IS NOT NULL),
    CHECK ((thread_problem IS NULL) = (thread_problem_at IS NULL))
);
-- A member's sessions (`/session list`), newest first, whichever side of the pair they are.
CREATE INDEX sessions_by_mentee ON sessions (guild_id, mentee_id, session_date);
CREATE INDEX sessions_by_mentor ON sessions (guild_id, mentor_id, session_date);
-- Director totals: per cohort, and sessions in a window (e.g. the last 30 days). Per pair
-- uses the (match_id, seq) key above.
CREATE INDEX sessions_by_cohort ON sessions (guild_id, cohort_id, session_date);
CREATE INDEX sessions_by_date ON sessions (guild_id, session_date);
-- Sessions still waiting for their thread (a permission was missing when they were logged).
CREATE INDEX sessions_without_thread ON sessions (guild_id) WHERE thread_ready_at IS NULL;

-- One reflection per member per session, in the form for their role. `answers` is a JSON
-- object of the form's fields. Private unless `shared`; a shared one is posted in the thread
-- (`posted_message_id`). Once the partner has read it (`partner_read_at`) it stays shared:
-- the CHECK makes "private again after it was read" impossible, not merely refused.
-- `goal_id` is the goal made from the mentee's next step, so a second click makes no second goal.
CREATE TABLE reflections (
    session_id         INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    author_id          INTEGER NOT NULL,
    role               TEXT    NOT NULL CHECK (role IN ('mentee', 'mentor')),
    answers            TEXT    NOT NULL CHECK (json_valid(answers)),
    shared             INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    shared_at          TEXT,
    posted_message_id  INTEGER,
    partner_read_at    TEXT,
    goal_id            INTEGER REFERENCES goals (id) ON DELETE SET NULL,
    created_at         TEXT    NOT NULL,
    edited_at          TEXT,
    PRIMARY KEY (session_id, author_id),
    CHECK ((shared = 1) = (shared_at IS NOT NULL)),
    CHECK (partner_read_at IS NULL OR shared = 1),
    CHECK (posted_message_id IS NULL OR shared = 1),
    CHECK (goal_id IS NULL OR role = 'mentee')
);

-- "You have not reflected yet", at most one per member per session. A sender claims a row in
-- a transaction before sending (`claimed_at`, `claimed_by` = its run id) and records how it
-- went: 'thread', 'dm', 'skipped' (they had reflected by then, or could not be reached),
-- 'lost' (a sender stopped between claim and send, too long ago to retry safely).
CREATE TABLE session_reminders (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    due_at      TEXT    NOT NULL,
    claimed_at  TEXT,
    claimed_by  TEXT,
    sent_at     TEXT,
    delivery    TEXT    CHECK (delivery IS NULL OR delivery IN ('thread', 'dm', 'skipped', 'lost')),
    PRIMARY KEY (session_id, member_id),
    CHECK (sent_at IS NULL OR claimed_at IS NOT NULL)
);
CREATE INDEX session_reminders_due ON session_reminders (due_at) WHERE claimed_at IS NULL;

-- The fit question, asked once per match after its first session, to the mentee only. The
-- mentor is never told the answer; directors see only `rematch_asked_at` (no reason text
-- exists to show). `asked_at` is set when the question is claimed for sending.
CREATE TABLE fit_answers (
    match_id          INTEGER PRIMARY KEY REFERENCES matches (id),
    guild_id          INTEGER NOT NULL,
    mentee_id         INTEGER NOT NULL,
    session_id        INTEGER NOT NULL REFERENCES sessions (id),
    created_at        TEXT    NOT NULL,
    asked_at          TEXT,
    answer            TEXT    CHECK (answer IS NULL OR answer IN ('good', 'deciding', 'not_good')),
    answered_at       TEXT,
    rematch_asked_at  TEXT,
    CHECK ((answer IS NULL) = (answered_at IS NULL)),
    CHECK (rematch_asked_at IS NULL OR answer = 'not_good')
);
CREATE INDEX fit_answers_rematch ON fit_answers (guild_id, rematch_asked_at)
    WHERE rematch_asked_at IS NOT NULL;
CREATE INDEX fit_answers_by_mentee ON fit_answers (guild_id, mentee_id);
