-- Every stored instant in one form, `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, so instants compare
-- and sort correctly as text. Earlier versions also wrote `…SS+00:00` (no microseconds when
-- they were zero: settings, members, goals, cohort enrolment, the audit log) and `…SS.sssZ`
-- (schema_migrations). Each distinct value that is not already in the one form is converted
-- once in `instant_fix`, then written back to every column that holds it. A value SQLite
-- cannot read as a time is left as it is.

CREATE TEMP TABLE instant_fix (old TEXT PRIMARY KEY, tz TEXT, new TEXT);

INSERT INTO instant_fix (old)
SELECT v FROM (
    SELECT applied_at AS v FROM schema_migrations
    UNION SELECT updated_at FROM guild_settings
    UNION SELECT consent_at FROM members
    UNION SELECT joined_at FROM members
    UNION SELECT onboarding_started_at FROM members
    UNION SELECT onboarded_at FROM members
    UNION SELECT left_at FROM members
    UNION SELECT updated_at FROM members
    UNION SELECT created_at FROM cohorts
    UNION SELECT closed_at FROM cohorts
    UNION SELECT enrolled_at FROM cohort_members
    UNION SELECT created_at FROM goals
    UNION SELECT completed_at FROM goals
    UNION SELECT created_at FROM audit_log
    UNION SELECT created_at FROM matches
    UNION SELECT met_at FROM matches
    UNION SELECT flagged_at FROM matches
    UNION SELECT ended_at FROM matches
    UNION SELECT due_at FROM match_followups
    UNION SELECT claimed_at FROM match_followups
    UNION SELECT sent_at FROM match_followups
    UNION SELECT answered_at FROM match_followups
    UNION SELECT created_at FROM match_proposals
    UNION SELECT decided_at FROM match_proposals
    UNION SELECT next_due_at FROM checkin_members
    UNION SELECT dm_help_sent_at FROM checkin_members
    UNION SELECT at_risk_since FROM checkin_members
    UNION SELECT updated_at FROM checkin_members
    UNION SELECT due_at FROM checkin_periods
    UNION SELECT claimed_at FROM checkin_periods
    UNION SELECT sent_at FROM checkin_periods
    UNION SELECT reminder_due_at FROM checkin_periods
    UNION SELECT reminded_at FROM checkin_periods
    UNION SELECT answered_at FROM checkin_periods
    UNION SELECT note_sent_to_mentor FROM checkin_periods
    UNION SELECT created_at FROM checkin_periods
    UNION SELECT answered_at FROM checkin_answers
    UNION SELECT mentor_notified_at FROM checkin_answers
)
WHERE v IS NOT NULL
  AND NOT (length(v) = 32 AND substr(v, 20, 1) = '.' AND substr(v, 27) = '+00:00');

-- The offset written after the time: `Z`, `+HH:MM` / `-HH:MM`, or none (read as UTC).
UPDATE instant_fix SET tz = CASE
    WHEN old LIKE '%Z' THEN 'Z'
    WHEN length(old) > 19 AND substr(old, -6, 1) IN ('+', '-') THEN substr(old, -6)
    ELSE ''
END;

-- Whole seconds converted to UTC by SQLite (without the fraction, which it would round to
-- milliseconds), then the fraction's own digits padded or cut to six.
UPDATE instant_fix SET new =
    strftime('%Y-%m-%dT%H:%M:%S', substr(old, 1, 19) || tz)
    || '.'
    || substr(
        CASE WHEN substr(old, 20, 1) = '.'
             THEN substr(old, 21, length(old) - 20 - length(tz))
             ELSE '' END || '000000',
        1, 6)
    || '+00:00';

DELETE FROM instant_fix WHERE new IS NULL OR new = old;

UPDATE schema_migrations SET applied_at = (SELECT new FROM instant_fix WHERE old = applied_at)
    WHERE applied_at IN (SELECT old FROM instant_fix);
UPDATE guild_settings SET updated_at = (SELECT new FROM instant_fix WHERE old = updated_at)
    WHERE updated_at IN (SELECT old FROM instant_fix);
UPDATE members SET consent_at = (SELECT new FROM instant_fix WHERE old = consent_at)
    WHERE consent_at IN (SELECT old FROM instant_fix);
UPDATE members SET joined_at = (SELECT new FROM instant_fix WHERE old = joined_at)
    WHERE joined_at IN (SELECT old FROM instant_fix);
UPDATE members SET onboarding_started_at = (
        SELECT new FROM instant_fix WHERE old = onboarding_started_at)
    WHERE onboarding_started_at IN (SELECT old FROM instant_fix);
UPDATE members SET onboarded_at = (SELECT new FROM instant_fix WHERE old = onboarded_at)
    WHERE onboarded_at IN (SELECT old FROM instant_fix);
UPDATE members SET left_at = (SELECT new FROM instant_fix WHERE old = left_at)
    WHERE left_at IN (SELECT old FROM instant_fix);
UPDATE members SET updated_at = (SELECT new FROM instant_fix WHERE old = updated_at)
    WHERE updated_at IN (SELECT old FROM instant_fix);
UPDATE cohorts SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE cohorts SET closed_at = (SELECT new FROM instant_fix WHERE old = closed_at)
    WHERE closed_at IN (SELECT old FROM instant_fix);
UPDATE cohort_members SET enrolled_at = (SELECT new FROM instant_fix WHERE old = enrolled_at)
    WHERE enrolled_at IN (SELECT old FROM instant_fix);
UPDATE goals SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE goals SET completed_at = (SELECT new FROM instant_fix WHERE old = completed_at)
    WHERE completed_at IN (SELECT old FROM instant_fix);
UPDATE audit_log SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE matches SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE matches SET met_at = (SELECT new FROM instant_fix WHERE old = met_at)
    WHERE met_at IN (SELECT old FROM instant_fix);
UPDATE matches SET flagged_at = (SELECT new FROM instant_fix WHERE old = flagged_at)
    WHERE flagged_at IN (SELECT old FROM instant_fix);
UPDATE matches SET ended_at = (SELECT new FROM instant_fix WHERE old = ended_at)
    WHERE ended_at IN (SELECT old FROM instant_fix);
UPDATE match_followups SET due_at = (SELECT new FROM instant_fix WHERE old = due_at)
    WHERE due_at IN (SELECT old FROM instant_fix);
UPDATE match_followups SET claimed_at = (SELECT new FROM instant_fix WHERE old = claimed_at)
    WHERE claimed_at IN (SELECT old FROM instant_fix);
UPDATE match_followups SET sent_at = (SELECT new FROM instant_fix WHERE old = sent_at)
    WHERE sent_at IN (SELECT old FROM instant_fix);
UPDATE match_followups SET answered_at = (SELECT new FROM instant_fix WHERE old = answered_at)
    WHERE answered_at IN (SELECT old FROM instant_fix);
UPDATE match_proposals SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE match_proposals SET decided_at = (SELECT new FROM instant_fix WHERE old = decided_at)
    WHERE decided_at IN (SELECT old FROM instant_fix);
UPDATE checkin_members SET next_due_at = (SELECT new FROM instant_fix WHERE old = next_due_at)
    WHERE next_due_at IN (SELECT old FROM instant_fix);
UPDATE checkin_members SET dm_help_sent_at = (
        SELECT new FROM instant_fix WHERE old = dm_help_sent_at)
    WHERE dm_help_sent_at IN (SELECT old FROM instant_fix);
UPDATE checkin_members SET at_risk_since = (SELECT new FROM instant_fix WHERE old = at_risk_since)
    WHERE at_risk_since IN (SELECT old FROM instant_fix);
UPDATE checkin_members SET updated_at = (SELECT new FROM instant_fix WHERE old = updated_at)
    WHERE updated_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET due_at = (SELECT new FROM instant_fix WHERE old = due_at)
    WHERE due_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET claimed_at = (SELECT new FROM instant_fix WHERE old = claimed_at)
    WHERE claimed_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET sent_at = (SELECT new FROM instant_fix WHERE old = sent_at)
    WHERE sent_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET reminder_due_at = (
        SELECT new FROM instant_fix WHERE old = reminder_due_at)
    WHERE reminder_due_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET reminded_at = (SELECT new FROM instant_fix WHERE old = reminded_at)
    WHERE reminded_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET answered_at = (SELECT new FROM instant_fix WHERE old = answered_at)
    WHERE answered_at IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET note_sent_to_mentor = (
        SELECT new FROM instant_fix WHERE old = note_sent_to_mentor)
    WHERE note_sent_to_mentor IN (SELECT old FROM instant_fix);
UPDATE checkin_periods SET created_at = (SELECT new FROM instant_fix WHERE old = created_at)
    WHERE created_at IN (SELECT old FROM instant_fix);
UPDATE checkin_answers SET answered_at = (SELECT new FROM instant_fix WHERE old = answered_at)
    WHERE answered_at IN (SELECT old FROM instant_fix);
UPDATE checkin_answers SET mentor_notified_at = (
        SELECT new FROM instant_fix WHERE old = mentor_notified_at)
    WHERE mentor_notified_at IN (SELECT old FROM instant_fix);

DROP TABLE temp.instant_fix;
