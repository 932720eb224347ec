"""The SQL behind `/cohort status`, `/cohort members` and `/cohort export`.

Each query implements the definitions in `bot.domain.cohort_status` set-wise; the pieces
(`_PEOPLE`, `_CMATCH`, …) are shared, so the status, the member list and the export count
the same way. Named parameters (filled by `CohortStatusService`):

    guild, cohort, open (1/0)       the cohort, and whether it is open
    as_of, as_of_day, as_of_jd      the report's moment (stored instant, date, julian day)
    recent_from                     first day of "the last 30 days"
    resp_from, prev_from            starts of the last 4 weeks and of the 4 weeks before
    not_met_before                  latest introduction that can be "not met"
    no_session_before               latest introduction that can be "no session"
    missed, stuck                   the check-in rules' at-risk reasons
    start_at, start_day, start_jd   the cohort's first day (instant, date, julian day)

Speed (bench/cohort_status.py: 5,000 mentees, a year of weekly check-ins, 20,000
sessions): the status is one statement, so the people are found once, and nothing is
grouped row by row that an index or a kept count can give.

* Check-ins: a cohort's year of prompts is hundreds of thousands of rows. Whole UTC days
  come from `checkin_rated_days` (the rated prompts per server and due day, kept by
  triggers on `checkin_periods` in the writer's own transaction, migration 0012); the part
  days at a span's ends are range counts in the partial index `checkin_periods_rated`.
  These are the server's prompts: those of members who are not the cohort's onboarded
  mentees (few: who left, who is in another cohort) are counted one by one and taken off,
  which gives exactly the cohort's figures.
* Sessions: they carry their match's cohort (copied when logged), so the cohort's and the
  cohort-less ones are read in date order from `sessions_cohort_days`, and those of the
  matches that do not count are taken off.
* Matches, members and flags are read from covering or partial indexes of one server
  (`matches_by_cohort`, `members_present`, `checkin_members_at_risk`).

The rated condition lives here once (`rated`); migrations 0008 (the index) and 0012 (the
triggers) state the same condition, and tests/unit/test_cohort_checkin_days.py checks the
kept counts against it.
"""

from __future__ import annotations

from typing import Final


# A prompt that counts for a response rate: sent, settled (answered or missed), and either
# scheduled or an answered `/checkin now`. The same condition defines the partial index
# `checkin_periods_rated` in migration 0008 (SQLite uses the index only while they agree; a
# unit test checks the plan) and the triggers that keep `checkin_rated_days` (0012).
def rated(alias: str) -> str:
    """The condition, on the periods table under `alias`, of a prompt that counts."""
    return (
        f"{alias}.sent_at IS NOT NULL AND {alias}.status IN ('answered', 'missed') "
        f"AND ({alias}.kind = 'scheduled' OR {alias}.status = 'answered')"
    )


RATED: Final = rated("cp")

# The cohort's people (see the domain module): enrolled and still in the server, plus, for
# the open cohort, members who have not finished sign-up and are in no cohort.
_PEOPLE = """
people AS MATERIALIZED (
    SELECT m.user_id, m.status, COALESCE(m.role, cm.role) AS role,
           CASE WHEN COALESCE(m.role, cm.role) = 'mentor' THEN COALESCE(m.capacity, 1) END
               AS capacity,
           cm.user_id IS NOT NULL AS enrolled,
           m.status = 'onboarded' AND COALESCE(m.role, cm.role) = 'mentee' AS is_mentee,
           m.status = 'onboarded' AND COALESCE(m.role, cm.role) = 'mentor' AS is_mentor
    FROM members m
    LEFT JOIN cohort_members cm ON cm.cohort_id = :cohort AND cm.user_id = m.user_id
    WHERE m.guild_id = :guild AND m.left_at IS NULL
      AND (cm.user_id IS NOT NULL
           OR (:open AND m.status <> 'onboarded' AND NOT EXISTS (
                   SELECT 1 FROM cohort_members x
                   WHERE x.guild_id = m.guild_id AND x.user_id = m.user_id)))
)"""

# Matches that count for the cohort, made by as_of, each with the date of its latest session
# (sessions carry their match's cohort, so a match's sessions count with it), whether its
# mentee asked for another mentor by then, and which of the pair are the cohort's people:
# `of_mentee` / `of_mentor`, an onboarded mentee / mentor is; `counted`, the mentee is one
# of the people at all (its sessions count).
_CMATCH = """
cmatch AS MATERIALIZED (
    SELECT ma.id, ma.mentee_id, ma.mentor_id, ma.created_at,
           ma.intro_thread_id IS NOT NULL AS introduced,
           COALESCE(ma.met_at <= :as_of, 0) AS said_met,
           ma.intro_thread_id IS NOT NULL AND (ma.ended_at IS NULL OR ma.ended_at > :as_of)
               AS active,
           (SELECT MAX(s.session_date) FROM sessions s
            WHERE s.match_id = ma.id AND s.session_date <= :as_of_day) AS last_on,
           ma.id IN (SELECT fa.match_id FROM fit_answers fa
                     WHERE fa.guild_id = :guild AND fa.rematch_asked_at <= :as_of) AS rematch,
           ma.mentee_id IN (SELECT user_id FROM people WHERE is_mentee) AS of_mentee,
           ma.mentor_id IN (SELECT user_id FROM people WHERE is_mentor) AS of_mentor
    FROM matches ma
    WHERE ma.guild_id = :guild AND (ma.cohort_id = :cohort OR ma.cohort_id IS NULL)
      AND ma.created_at <= :as_of
),
cmatch_counted AS (
    SELECT *, of_mentee OR mentee_id IN (SELECT user_id FROM people WHERE NOT is_mentee)
                  AS counted
    FROM cmatch
)"""

# Per onboarded mentee with a match that counts: the funnel stages and their match active
# at as_of (a mentee without one is in no stage past "onboarded"). Then the at-risk mentees
# with their rank (0–3 in `RiskReason` order; none when the cohort is closed): the check-in
# rules' flags first, then the active match's rules for the mentees not flagged.
_MENTEE_STATE = """
mentee_side AS MATERIALIZED (
    SELECT c.mentee_id AS user_id, MAX(c.introduced) AS introduced,
           MAX(c.said_met OR c.last_on IS NOT NULL) AS met, MAX(c.last_on) AS last_on,
           MAX(CASE WHEN c.active THEN c.mentor_id END) AS mentor_id,
           MAX(CASE WHEN c.active THEN c.created_at END) AS active_since,
           MAX(CASE WHEN c.active THEN c.said_met OR c.last_on IS NOT NULL END) AS active_met,
           MAX(CASE WHEN c.active THEN c.last_on END) AS active_last_on,
           MAX(c.rematch) AS rematch
    FROM cmatch c WHERE c.of_mentee GROUP BY c.mentee_id
),
flagged AS MATERIALIZED (
    SELECT ck.user_id,
           CASE WHEN instr(ck.at_risk_reason, :missed) > 0 THEN 0
                WHEN instr(ck.at_risk_reason, :stuck) > 0 THEN 1 END AS risk_rank
    FROM checkin_members ck
    WHERE :open AND ck.guild_id = :guild AND ck.at_risk_reason IS NOT NULL
      AND ck.user_id IN (SELECT user_id FROM people WHERE is_mentee)
),
matched_risk AS (
    SELECT user_id, active_since, active_last_on,
           CASE WHEN NOT active_met AND active_since <= :not_met_before THEN 2
                WHEN (active_last_on IS NULL OR active_last_on < :recent_from)
                     AND active_since <= :no_session_before THEN 3 END AS risk_rank
    FROM mentee_side
    WHERE :open AND mentor_id IS NOT NULL
      AND user_id NOT IN (SELECT user_id FROM flagged WHERE risk_rank IS NOT NULL)
),
risk AS MATERIALIZED (
    SELECT user_id, risk_rank, NULL AS risk_days FROM flagged WHERE risk_rank IS NOT NULL
    UNION ALL
    SELECT user_id, risk_rank,
           CAST(CASE risk_rank
                WHEN 2 THEN :as_of_jd - julianday(substr(active_since, 1, 19))
                WHEN 3 THEN COALESCE(julianday(:as_of_day) - julianday(active_last_on),
                                     :as_of_jd - julianday(substr(active_since, 1, 19)))
           END AS INTEGER)
    FROM matched_risk WHERE risk_rank IS NOT NULL
)"""

# Per mentor: the places their matches active at as_of take.
_MENTOR_LOAD = """
mentor_load AS (
    SELECT mentor_id AS user_id, SUM(active) AS mentees FROM cmatch GROUP BY mentor_id
)"""

# Sessions that count for the cohort: of its pairs, with the mentee one of its people.
_CSESS = """
csess AS (
    SELECT c.mentee_id, c.mentor_id, s.session_date, s.minutes
    FROM cmatch_counted c CROSS JOIN sessions s ON s.match_id = c.id
    WHERE c.counted AND s.session_date <= :as_of_day
)"""

_BASE = f"WITH {_PEOPLE},\n{_CMATCH},\n{_MENTEE_STATE},\n{_MENTOR_LOAD},\n{_CSESS}"

# Check-in counts per cohort week (n ≥ 0), for the last 4 weeks (n = -1) and the 4 before
# (n = -2): the server's rated prompts in each span, minus those of members who are not the
# cohort's onboarded mentees (few: who left, who is in another cohort). A span's whole UTC
# days are added up in `checkin_rated_days` (kept by triggers, migration 0012); the part
# days at its ends (`edges`) are range counts in `checkin_periods_rated`.
_DAY_START: Final = "'T00:00:00.000000+00:00'"
_CHECKINS = f"""
weeks(n, lo, hi) AS (
    SELECT 0, :start_at,
           min(:as_of, strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', :start_at, '+7 days'))
    WHERE :start_at < :as_of
    UNION ALL
    SELECT n + 1, hi, min(:as_of, strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', hi, '+7 days'))
    FROM weeks WHERE hi < :as_of
),
spans(n, lo, hi, first_day, end_day) AS MATERIALIZED (
    SELECT n, lo, hi,
           CASE WHEN substr(lo, 11) = {_DAY_START} THEN substr(lo, 1, 10)
                ELSE date(substr(lo, 1, 10), '+1 day') END,
           substr(hi, 1, 10)
    FROM (SELECT n, lo, hi FROM weeks
          UNION ALL SELECT -1, :resp_from, :as_of
          UNION ALL SELECT -2, :prev_from, :resp_from)
),
edges(n, lo, hi) AS (
    SELECT n, lo, min(hi, first_day || {_DAY_START}) FROM spans
    UNION ALL
    SELECT n, max(lo, end_day || {_DAY_START}), hi FROM spans WHERE first_day <= end_day
),
part_days AS (
    SELECT e.n,
           SUM((SELECT COUNT(*) FROM checkin_periods cp WHERE cp.guild_id = :guild
                AND cp.status = 'answered' AND cp.due_at >= e.lo AND cp.due_at < e.hi
                AND {RATED})) AS answered,
           SUM((SELECT COUNT(*) FROM checkin_periods cp WHERE cp.guild_id = :guild
                AND cp.status = 'missed' AND cp.due_at >= e.lo AND cp.due_at < e.hi
                AND {RATED})) AS missed
    FROM edges e WHERE e.lo < e.hi GROUP BY e.n
),
outside AS (
    SELECT cp.status, cp.due_at
    FROM members m CROSS JOIN checkin_periods cp
         ON cp.guild_id = m.guild_id AND cp.user_id = m.user_id
    WHERE m.guild_id = :guild
      AND m.user_id NOT IN (SELECT user_id FROM people WHERE is_mentee)
      AND cp.due_at >= min(:start_at, :prev_from) AND cp.due_at < :as_of AND {RATED}
),
outside_spans AS (
    SELECT n, SUM(status = 'answered') AS answered, SUM(status = 'missed') AS missed
    FROM (SELECT CAST(julianday(substr(due_at, 1, 10)) - :start_jd AS INTEGER) / 7 AS n, status
          FROM outside WHERE due_at >= :start_at
          UNION ALL SELECT -1, status FROM outside WHERE due_at >= :resp_from
          UNION ALL SELECT -2, status FROM outside
          WHERE due_at >= :prev_from AND due_at < :resp_from)
    GROUP BY n
),
checkin_spans AS (
    SELECT sp.n,
           (SELECT COALESCE(SUM(r.answered), 0) FROM checkin_rated_days r
            WHERE r.guild_id = :guild AND r.day >= sp.first_day AND r.day < sp.end_day)
           + COALESCE(pd.answered, 0) - COALESCE(o.answered, 0) AS answered,
           (SELECT COALESCE(SUM(r.missed), 0) FROM checkin_rated_days r
            WHERE r.guild_id = :guild AND r.day >= sp.first_day AND r.day < sp.end_day)
           + COALESCE(pd.missed, 0) - COALESCE(o.missed, 0) AS missed
    FROM spans sp
    LEFT JOIN part_days pd ON pd.n = sp.n
    LEFT JOIN outside_spans o ON o.n = sp.n
)"""  # noqa: S608

# The counted sessions by date, for the totals, the last 30 days and the weekly series.
# Sessions carry their match's cohort (copied when logged, so director totals need no join):
# the cohort's and the cohort-less sessions are read by date from `sessions_cohort_days`,
# then those of matches that do not count (`dropped`: made after as_of, or with a mentee who
# is not one of the people) are taken off again.
_SESSION_DAYS = """
dropped AS (
    SELECT id FROM cmatch_counted WHERE NOT counted
    UNION ALL
    SELECT ma.id FROM matches ma
    WHERE ma.guild_id = :guild AND (ma.cohort_id = :cohort OR ma.cohort_id IS NULL)
      AND ma.created_at > :as_of
),
session_days AS MATERIALIZED (
    SELECT day, SUM(n) AS n, SUM(minutes) AS minutes
    FROM (SELECT s.session_date AS day, COUNT(*) AS n, SUM(s.minutes) AS minutes
          FROM sessions s WHERE s.guild_id = :guild AND s.cohort_id = :cohort
              AND s.session_date <= :as_of_day
          GROUP BY s.session_date
          UNION ALL
          SELECT s.session_date, COUNT(*), SUM(s.minutes)
          FROM sessions s WHERE s.guild_id = :guild AND s.cohort_id IS NULL
              AND s.session_date <= :as_of_day
          GROUP BY s.session_date
          UNION ALL
          SELECT s.session_date, -COUNT(*), -SUM(s.minutes)
          FROM dropped d CROSS JOIN sessions s ON s.match_id = d.id
          WHERE s.session_date <= :as_of_day
          GROUP BY s.session_date)
    GROUP BY day
)"""

# Every figure in one row; the lists (at risk, weekly sessions, check-in spans) as JSON.
STATUS: Final = (
    f"{_BASE},\n{_SESSION_DAYS},\n{_CHECKINS}"  # noqa: S608 - this module's fragments
    + """
SELECT pp.*, f.*, cap.*, ss.*,
       (SELECT json_group_array(json_array(user_id, risk_rank, risk_days))
        FROM (SELECT * FROM risk ORDER BY risk_rank, user_id)) AS at_risk,
       (SELECT json_group_array(json_array(week, n, minutes)) FROM (
            SELECT CAST(julianday(day) - :start_jd AS INTEGER) / 7 AS week,
                   SUM(n) AS n, SUM(minutes) AS minutes
            FROM session_days WHERE day >= :start_day GROUP BY week)) AS weekly_sessions,
       (SELECT json_group_array(json_array(n, answered, missed)) FROM checkin_spans)
           AS checkins
FROM (SELECT COUNT(*) AS joined, COALESCE(SUM(status = 'onboarded'), 0) AS onboarded,
             COALESCE(SUM(is_mentee), 0) AS mentees, COALESCE(SUM(is_mentor), 0) AS mentors,
             COALESCE(SUM(CASE WHEN is_mentor THEN capacity END), 0) AS places
      FROM people) pp,
     (SELECT COUNT(*) AS matched, COALESCE(SUM(introduced), 0) AS introduced,
             COALESCE(SUM(met), 0) AS met,
             COALESCE(SUM(met AND last_on >= :recent_from), 0) AS active,
             COUNT(mentor_id) AS matched_now, COALESCE(SUM(rematch), 0) AS rematch
      FROM mentee_side) f,
     (SELECT COALESCE(SUM(active), 0) AS places_taken FROM cmatch WHERE of_mentor) cap,
     (SELECT COALESCE(SUM(n), 0) AS sessions_total, COALESCE(SUM(minutes), 0) AS minutes_total,
             COALESCE(SUM(CASE WHEN day >= :recent_from THEN n END), 0) AS sessions_30d,
             COALESCE(SUM(CASE WHEN day >= :recent_from THEN minutes END), 0) AS minutes_30d
      FROM session_days) ss"""
)

# One row per person with everything `/cohort members` and the export show.
_ROSTER = (
    _BASE  # noqa: S608
    + f""",
session_side AS (
    SELECT user_id, COUNT(*) AS sessions, SUM(minutes) AS minutes, MAX(session_date) AS last_on
    FROM (SELECT mentee_id AS user_id, session_date, minutes FROM csess
          UNION ALL SELECT mentor_id, session_date, minutes FROM csess)
    GROUP BY user_id
),
checkin_rows AS MATERIALIZED (
    SELECT cp.user_id, cp.status FROM checkin_periods cp
    WHERE cp.guild_id = :guild AND cp.status IN ('answered', 'missed')
      AND cp.due_at >= :resp_from AND cp.due_at < :as_of AND {RATED}
),
checkin_side AS (
    SELECT user_id, COUNT(*) AS asked, SUM(status = 'answered') AS answered
    FROM checkin_rows GROUP BY user_id
),
roster AS (
    SELECT user_id, MAX(role) AS role, MAX(status) AS status, MAX(enrolled) AS enrolled,
           MAX(is_mentee) AS is_mentee, MAX(is_mentor) AS is_mentor, MAX(capacity) AS capacity,
           MAX(mentor_id) AS mentor_id,
           CASE WHEN MAX(is_mentor) THEN COALESCE(MAX(mentees), 0) ELSE 0 END AS mentees,
           COALESCE(MAX(met), 0) AS met,
           COALESCE(MAX(sessions), 0) AS sessions, COALESCE(MAX(minutes), 0) AS minutes,
           MAX(last_on) AS last_on,
           CASE WHEN MAX(is_mentee) THEN COALESCE(MAX(answered), 0) ELSE 0 END
               AS checkins_answered,
           CASE WHEN MAX(is_mentee) THEN COALESCE(MAX(asked), 0) ELSE 0 END AS checkins_asked,
           MAX(risk_rank) AS risk_rank, MAX(risk_days) AS risk_days,
           COALESCE(MAX(rematch), 0) AS rematch
    FROM (SELECT user_id, role, status, enrolled, is_mentee, is_mentor, capacity,
                 NULL AS mentor_id, NULL AS mentees, NULL AS met, NULL AS sessions,
                 NULL AS minutes, NULL AS last_on, NULL AS answered, NULL AS asked,
                 NULL AS risk_rank, NULL AS risk_days, NULL AS rematch
          FROM people
          UNION ALL
          SELECT user_id, NULL, NULL, NULL, NULL, NULL, NULL, mentor_id, NULL, met, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, rematch
          FROM mentee_side
          UNION ALL
          SELECT user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, mentees, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL
          FROM mentor_load
          UNION ALL
          SELECT user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sessions,
                 minutes, last_on, NULL, NULL, NULL, NULL, NULL
          FROM session_side
          UNION ALL
          SELECT user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, answered, asked, NULL, NULL, NULL
          FROM checkin_side
          UNION ALL
          SELECT user_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, risk_rank, risk_days, NULL
          FROM risk)
    GROUP BY user_id HAVING COUNT(status) > 0
)"""  # noqa: S608
)

ROSTER_COLUMNS: Final = (
    "user_id, role, status, enrolled, mentor_id, mentees, capacity, met, sessions, minutes, "
    "last_on, checkins_answered, checkins_asked, risk_rank, risk_days, rematch"
)
ROSTER_ORDER: Final = (
    "ORDER BY risk_rank IS NULL, risk_rank, status = 'onboarded' DESC, role, user_id"
)


def roster_rows(where: str, *, paged: bool) -> str:
    """The roster rows a `/cohort members` filter (an SQL condition on the roster) lists,
    most urgent first. Paged: `:limit` rows from `:offset`, each with the list's `total`."""
    select = f"SELECT {ROSTER_COLUMNS}"
    if paged:
        select += ", COUNT(*) OVER () AS total"
    sql = f"{_ROSTER}\n{select} FROM roster WHERE {where} {ROSTER_ORDER}"
    return sql + " LIMIT :limit OFFSET :offset" if paged else sql
