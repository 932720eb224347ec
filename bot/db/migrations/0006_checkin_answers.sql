-- A mentee's check-in schedule and their sign-up's check-in and time-zone answers are one
-- fact. Before, `/checkin schedule` changed only the schedule (a changed answer always
-- moved the schedule), so where the two differ the schedule is the later choice: the
-- answers, and the columns derived from them, are brought up to it.

UPDATE members
SET answers = json_set(
        CASE WHEN json_valid(members.answers) THEN members.answers ELSE '{}' END,
        '$.checkin', substr('montuewedthufrisatsun', c.weekday * 3 + 1, 3) || ' ' || c.local_time,
        '$.timezone', c.timezone),
    timezone = c.timezone,
    checkin_weekday = c.weekday,
    checkin_time = c.local_time
FROM checkin_members AS c
WHERE c.guild_id = members.guild_id
  AND c.user_id = members.user_id
  AND c.weekday IS NOT NULL
  AND members.role = 'mentee'
  AND members.status = 'onboarded'
  AND (c.weekday IS NOT members.checkin_weekday
       OR c.local_time IS NOT members.checkin_time
       OR c.timezone IS NOT members.timezone);
