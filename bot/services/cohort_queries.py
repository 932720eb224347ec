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

Speed (bench/cohort_status.py): a big cohort's year of check-ins is hundreds of thousands
of rows, so they are never grouped row by row. Check-in figures are range counts over the
partial index `checkin_periods_rated` (rows that count for a response rate only), per week
and per window, for the whole server; the prompts of members outside the cohort's mentees
(few: who left, who is in another cohort) are counted the same way and subtracted, which
gives exactly the cohort's figures.
"""

from __future__ import annotations

from typing import Final


# A prompt that counts for a response rate: sent, settled (answered or missed), and either
# scheduled or an answered `/checkin now`. The same condition defines the partial index
# `checkin_periods_rated` in migration 0006; SQLite uses the index only while they agree
# (a unit test checks the plan).
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
# (sessions carry their match's cohort, so a match's sessions count with it) and whether its
# mentee asked for another mentor by then.
_CMATCH = """
cmatch AS MATERIALIZED (
    SELECT ma.id, ma.mentee_id, ma.mentor_id, ma.created_at,
           ma.intro_thread_id IS NOT NULL AS introduced,
           COALESCE(ma.met_at <= :as_of, 0) AS said_met,
           ma.intro_thread_id IS NOT NULL AND (ma.ended_at IS NULL OR ma.ended_at > :as_of)
               AS active,
           (SELECT MAX(s.session_date) FROM sessions s
            WHERE s.match_id = ma.id AND s.session_date <= :as_of_day) AS last_on,
           COALESCE((SELECT fa.rematch_asked_at <= :as_of FROM fit_answers fa
                     WHERE fa.match_id = ma.id), 0) AS rematch
    FROM matches ma
    WHERE ma.guild_id = :guild AND (ma.cohort_id = :cohort OR ma.cohort_id IS NULL)
      AND ma.created_at <= :as_of
)"""

# Per onboarded mentee: the funnel stages, their match active at as_of, and the risk rank
# (0–3 in `RiskReason` order; NULL when not at risk or the cohort is closed).
_MENTEE_STATE = """
mentee_side AS (
    SELECT c.mentee_id AS user_id, MAX(c.introduced) AS introduced,
           MAX(c.said_met OR c.last_on IS NOT NULL) AS met, MAX(c.last_on) AS last_on,
           MAX(CASE WHEN c.active THEN c.mentor_id END) AS mentor_id,
           MAX(CASE WHEN c.active THEN c.created_at END) AS active_since,
           MAX(CASE WHEN c.active THEN c.said_met OR c.last_on IS NOT NULL END) AS active_met,
           MAX(CASE WHEN c.active THEN c.last_on END) AS active_last_on,
           MAX(c.rematch) AS rematch
    FROM cmatch c GROUP BY c.mentee_id
),
mentee_state AS (
    SELECT p.user_id, ms.user_id IS NOT NULL AS matched,
           COALESCE(ms.introduced, 0) AS introduced, COALESCE(ms.met, 0) AS met,
           COALESCE(ms.met AND ms.last_on >= :recent_from, 0) AS active,
           ms.mentor_id, COALESCE(ms.rematch, 0) AS rematch,
           CASE WHEN :open THEN CASE
               WHEN instr(ck.at_risk_reason, :missed) > 0 THEN 0
               WHEN instr(ck.at_risk_reason, :stuck) > 0 THEN 1
               WHEN ms.mentor_id IS NOT NULL AND NOT ms.active_met
                    AND ms.active_since <= :not_met_before THEN 2
               WHEN ms.mentor_id IS NOT NULL
                    AND (ms.active_last_on IS NULL OR ms.active_last_on < :recent_from)
                    AND ms.active_since <= :no_session_before THEN 3
           END END AS risk_rank,
           ms.active_since, ms.active_last_on
    FROM people p
    LEFT JOIN mentee_side ms ON ms.user_id = p.user_id
    LEFT JOIN (SELECT user_id, at_risk_reason FROM checkin_members
               WHERE guild_id = :guild AND at_risk_reason IS NOT NULL) ck
           ON ck.user_id = p.user_id
    WHERE p.is_mentee
),
risk AS (
    SELECT user_id, risk_rank,
           CAST(CASE risk_rank
                WHEN 2 THEN :as_of_jd - julianday(substr(active_since, 1, 19))
                WHEN 3 THEN COALESCE(julianday(:as_of_day) - julianday(active_last_on),
                                     :as_of_jd - julianday(substr(active_since, 1, 19)))
           END AS INTEGER) AS risk_days
    FROM mentee_state WHERE risk_rank IS NOT NULL
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
    FROM cmatch c JOIN people p ON p.user_id = c.mentee_id
    CROSS JOIN sessions s ON s.match_id = c.id
    WHERE s.session_date <= :as_of_day
)"""

_BASE = f"WITH {_PEOPLE},\n{_CMATCH},\n{_MENTEE_STATE},\n{_MENTOR_LOAD},\n{_CSESS}"

STATUS: Final = (
    _BASE  # noqa: S608 - this module's fragments; every value is a parameter
    + """
SELECT f.*, pp.*, cap.*, ss.*,
       (SELECT json_group_array(json_array(user_id, risk_rank, risk_days))
        FROM (SELECT * FROM risk ORDER BY risk_rank, user_id)) AS at_risk,
       (SELECT json_group_array(json_array(week, n, minutes)) FROM (
            SELECT CAST(julianday(day) - :start_jd AS INTEGER) / 7 AS week,
                   SUM(n) AS n, SUM(minutes) AS minutes
            FROM (SELECT session_date AS day, COUNT(*) AS n, SUM(minutes) AS minutes
                  FROM csess WHERE session_date >= :start_day GROUP BY session_date)
            GROUP BY week)) AS weekly_sessions
FROM (SELECT COUNT(*) AS mentees, COALESCE(SUM(matched), 0) AS matched,
             COALESCE(SUM(introduced), 0) AS introduced, COALESCE(SUM(met), 0) AS met,
             COALESCE(SUM(active), 0) AS active, COUNT(mentor_id) AS matched_now,
             COALESCE(SUM(rematch), 0) AS rematch
      FROM mentee_state) f,
     (SELECT COUNT(*) AS joined, COALESCE(SUM(status = 'onboarded'), 0) AS onboarded,
             COALESCE(SUM(is_mentor), 0) AS mentors FROM people) pp,
     (SELECT COALESCE(SUM(p.capacity), 0) AS places,
             COALESCE(SUM(ml.mentees), 0) AS places_taken
      FROM people p LEFT JOIN mentor_load ml ON ml.user_id = p.user_id
      WHERE p.is_mentor) cap,
     (SELECT COUNT(*) AS sessions_total, COALESCE(SUM(minutes), 0) AS minutes_total,
             COALESCE(SUM(session_date >= :recent_from), 0) AS sessions_30d,
             COALESCE(SUM(CASE WHEN session_date >= :recent_from THEN minutes END), 0)
                 AS minutes_30d
      FROM csess) ss"""
)

# Check-in counts per cohort week (n ≥ 0), for the last 4 weeks (n = -1) and the 4 before
# (n = -2): the server's rated prompts in each span, minus those of members who are not
# the cohort's onboarded mentees.
CHECKINS: Final = f"""
WITH RECURSIVE {_PEOPLE},
weeks(n, lo, hi) AS (
    SELECT 0, :start_at,
           min(:as_of, strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', :start_at, '+7 days'))
    WHERE :start_at < :as_of
    UNION ALL
    SELECT n + 1, hi, min(:as_of, strftime('%Y-%m-%dT%H:%M:%S.000000+00:00', hi, '+7 days'))
    FROM weeks WHERE hi < :as_of
),
spans(n, lo, hi) AS (
    SELECT n, lo, hi FROM weeks
    UNION ALL SELECT -1, :resp_from, :as_of
    UNION ALL SELECT -2, :prev_from, :resp_from
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
)
SELECT sp.n,
       (SELECT COUNT(*) FROM checkin_periods cp WHERE cp.guild_id = :guild
            AND cp.status = 'answered' AND cp.due_at >= sp.lo AND cp.due_at < sp.hi AND {RATED})
       - COALESCE(o.answered, 0) AS answered,
       (SELECT COUNT(*) FROM checkin_periods cp WHERE cp.guild_id = :guild
            AND cp.status = 'missed' AND cp.due_at >= sp.lo AND cp.due_at < sp.hi AND {RATED})
       - COALESCE(o.missed, 0) AS missed
FROM spans sp LEFT JOIN outside_spans o ON o.n = sp.n"""  # noqa: S608

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
checkin_side AS (
    SELECT cp.user_id, COUNT(*) AS asked, SUM(cp.status = 'answered') AS answered
    FROM checkin_periods cp
    WHERE cp.guild_id = :guild AND cp.status IN ('answered', 'missed')
      AND cp.due_at >= :resp_from AND cp.due_at < :as_of AND {RATED}
    GROUP BY cp.user_id
),
roster AS (
    SELECT p.user_id, p.role, p.status, p.enrolled, p.is_mentee, p.is_mentor, p.capacity,
           st.mentor_id,
           CASE WHEN p.is_mentor THEN COALESCE(ml.mentees, 0) ELSE 0 END AS mentees,
           COALESCE(st.met, 0) AS met,
           COALESCE(ss.sessions, 0) AS sessions, COALESCE(ss.minutes, 0) AS minutes,
           ss.last_on,
           CASE WHEN p.is_mentee THEN COALESCE(ck.answered, 0) ELSE 0 END AS checkins_answered,
           CASE WHEN p.is_mentee THEN COALESCE(ck.asked, 0) ELSE 0 END AS checkins_asked,
           r.risk_rank, r.risk_days,
           COALESCE(st.rematch, 0) AS rematch
    FROM people p
    LEFT JOIN mentee_state st ON st.user_id = p.user_id
    LEFT JOIN mentor_load ml ON ml.user_id = p.user_id
    LEFT JOIN session_side ss ON ss.user_id = p.user_id
    LEFT JOIN checkin_side ck ON ck.user_id = p.user_id
    LEFT JOIN risk r ON r.user_id = p.user_id
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
