"""The questionnaire engine's answers: validation messages, the helpers that read answers
back (role, goals, capacity, check-in day and time, time zone search), their properties, and
what directors see of free text.
"""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.questionnaire import (
    AnswerError,
    Answers,
    Question,
    capacity_of,
    checkin_of,
    format_weekday_time,
    goals_from,
    parse_questionnaire,
    parse_weekday_time,
    resolve_timezone,
    role_of,
    search_timezones,
    split_weekday_time,
    summary,
    timezone_of,
    validate,
)
from tests.unit.questionnaire_flow import SHIPPED, Q, error_of, question, small_questionnaire

# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("qid", "raw", "fragment"),
    [
        ("goals", "", "Please write something for “Your goals”"),
        ("goals", "   \n  ", "Please write something for “Your goals”"),
        ("goals", "\u200b\u200d", "What you wrote for “Your goals” shows nothing"),
        ("goals", "\ufeff\n\u3164\n", "What you wrote for “Your goals” shows nothing"),
        ("goals", "x" * 2001, "Your answer to “Your goals” is 2,001 characters"),
        ("goals", "- \n* \n", "Please write at least one goal"),
        ("goals", "\n".join(f"goal {i}" for i in range(11)), "You wrote 11 goals"),
        ("goals", "short\n" + "g" * 201, "Goal 2 is 201 characters"),
        ("bio", "b" * 4012, "is 4,012 characters; please keep it under 200"),
        ("role", "admin", "'admin' isn't one of the options"),
        ("role", ["mentee", "mentor"], "Please pick just one option"),
        ("role", [], "Please pick an option"),
        ("role", "", "Please pick an option"),
        ("role", 7, "Please pick from the menu"),
        ("areas", [], "Please pick at least 1 option for “Your areas” (you picked 0)"),
        (
            "areas",
            ["data", "design", "product", "writing", "marketing", "leadership"],
            "Please pick at most 5 options for “Your areas” (you picked 6)",
        ),
        ("areas", ["data", "astrology"], "'astrology' isn't one of the options"),
        ("capacity", "9", "'9' isn't one of the options"),
        ("consent", "decline", "agree to the privacy notice"),
        (
            "timezone",
            "Mars/Olympus",
            "I don't know the time zone 'Mars/Olympus'. Use a name like Europe/London or "
            "America/New_York.",
        ),
        ("timezone", "Europe/Londn", "Did you mean Europe/London?"),
        ("timezone", "", "Please write your time zone"),
        ("timezone", ["a", "b"], "as text"),
        ("timezone", "istanbull", "Did you mean Europe/Istanbul?"),
        ("checkin", "Funday 09:00", "I couldn't read 'Funday' as a day of the week"),
        ("checkin", "mon 25:00", "I couldn't read '25:00' as a time"),
        ("checkin", ["mon", "9:60"], "I couldn't read '9:60' as a time"),
        ("checkin", ["Funday", "9am"], "'Funday'"),
        ("checkin", ["mon", ""], "Please give a time, like 09:00"),
        ("checkin", ["", "09:00"], "Please give a day of the week"),
        ("checkin", "monday", "Please give a day and a time"),
        ("checkin", "", "Please give a day and a time"),
        ("checkin", "mon 13pm", "'13pm'"),
        ("checkin", "mon 0am", "'0am'"),
        ("checkin", "m 09:00", "'m'"),
    ],
)
def test_invalid_input_gets_a_specific_message(qid: str, raw: object, fragment: str) -> None:
    message = error_of(qid, raw)
    assert fragment in message
    assert "\n" not in message


def test_timezone_with_several_cities_asks_for_full_name() -> None:
    q = question("timezone")
    # Both America/Argentina/Buenos_Aires and America/Buenos_Aires exist; only one is
    # canonical, so it is accepted.
    assert validate(q, "Buenos Aires") == "America/Argentina/Buenos_Aires"
    with pytest.raises(AnswerError, match="matches several time zones"):
        resolve_timezone("Eastern")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("  EUROPE/LONDON ", "Europe/London"),
        ("London", "Europe/London"),
        ("new york", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("tokyo", "Asia/Tokyo"),
        ("Asia/Calcutta", "Asia/Calcutta"),
        (["Europe/Paris"], "Europe/Paris"),
    ],
)
def test_timezone_accepted(raw: object, expected: str) -> None:
    assert validate(question("timezone"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Monday 09:00", "mon 09:00"),
        ("mon 09:00", "mon 09:00"),
        ("Mon 9:00", "mon 09:00"),
        ("mon 9am", "mon 09:00"),
        ("Tue 9:30 pm", "tue 21:30"),
        ("wed 21:30", "wed 21:30"),
        ("Thursday at 6pm", "thu 18:00"),
        ("fri 12am", "fri 00:00"),
        ("sat 12pm", "sat 12:00"),
        ("sun noon", "sun 12:00"),
        ("Sundays 7.15", "sun 07:15"),
        ("TUES 0930", "tue 09:30"),
        ("mon 9 a.m.", "mon 09:00"),
        ("sun 0:00", "sun 00:00"),
        ("sun 23:59", "sun 23:59"),
        (["Monday", "9am"], "mon 09:00"),
        ([" wed ", " 18:45 "], "wed 18:45"),
    ],
)
def test_weekday_time_accepted(raw: object, expected: str) -> None:
    assert validate(question("checkin"), raw) == expected


def test_text_is_trimmed_newlines_kept_and_mentions_stored_as_written() -> None:
    assert validate(question("bio"), "  @everyone hello  ") == "@everyone hello"
    goals = validate(question("goals"), "\n first\r\n  second \n")
    assert goals == "first\n  second"  # line endings made plain
    assert goals_from({"role": "mentee", "goals": goals}) == ["first", "second"]


def test_text_is_stored_nfc_and_invisible_lines_are_no_goals() -> None:
    assert validate(question("bio"), "\u200bCafe\u0301\ufeff") == "Café"
    goals = validate(question("goals"), "- Lead a team\n- \u200b\u200d\n\u3164\n• Cafe\u0301 talk")
    assert goals_from({"role": "mentee", "goals": goals}) == ["Lead a team", "Café talk"]
    assert validate(question("goals"), goals) == goals  # canonical forms validate to themselves


@pytest.mark.parametrize("raw", ["\u200b\u200d", "\ufeff", "\u3164 \u2060"])
def test_an_optional_answer_with_nothing_visible_is_skipped(raw: str) -> None:
    assert validate(question("bio"), raw) == ""


def test_optional_questions_may_be_skipped() -> None:
    assert validate(question("bio"), "   ") == ""
    assert validate(question("experience"), []) == ""


def test_min_length_message() -> None:
    q = small_questionnaire(
        '[[questions]]\nid = "why"\nkind = "long_text"\nlabel = "Why"\nprompt = "Why?"\n'
        "min_length = 10\n"
    )
    why = q.question("why")
    assert why is not None
    with pytest.raises(AnswerError, match="is 3 characters; please write at least 10"):
        validate(why, "abc")
    assert validate(why, "because so") == "because so"


def test_choice_values_are_canonicalised() -> None:
    areas = question("areas")
    assert validate(areas, ["writing", "data", "writing"]) == ["data", "writing"]
    assert validate(areas, "Data") == ["data"]
    assert validate(question("role"), ["Mentor"]) == "mentor"
    assert validate(question("consent"), "agree") == "agree"


# --------------------------------------------------------------------------- helpers


def test_role_of() -> None:
    assert role_of({}) is None
    assert role_of({"role": "mentee"}) == "mentee"
    assert role_of({"role": "mentor"}) == "mentor"
    assert role_of({"role": "admin"}) is None
    assert role_of({"role": ["mentee"]}) is None


def test_goals_from() -> None:
    text = "1. Speak up in meetings\n\n  • Write a blog post  \n2) Find a sponsor\n-not a bullet"
    assert goals_from({"role": "mentee", "goals": text}) == [
        "Speak up in meetings",
        "Write a blog post",
        "Find a sponsor",
        "-not a bullet",
    ]
    assert goals_from({"role": "mentor", "goals": text}) == []
    assert goals_from({"role": "mentee"}) == []


def test_capacity_of() -> None:
    assert capacity_of({"role": "mentor", "capacity": "4"}) == 4
    assert capacity_of({"role": "mentee", "capacity": "4"}) is None
    assert capacity_of({"role": "mentor", "capacity": "lots"}) is None
    assert capacity_of({"role": "mentor"}) is None


def test_weekday_time_helpers() -> None:
    assert parse_weekday_time("mon 09:00") == (0, time(9, 0))
    assert parse_weekday_time("sun 23:30") == (6, time(23, 30))
    assert format_weekday_time(4, time(7, 5)) == "fri 07:05"
    assert split_weekday_time("thu 18:30") == ("Thursday", "18:30")
    with pytest.raises(AnswerError):
        parse_weekday_time("someday")
    assert checkin_of({"checkin": "garbage"}) is None
    assert timezone_of({"timezone": "Mars/Olympus"}) is None


def test_search_timezones() -> None:
    assert search_timezones("london")[0] == "Europe/London"
    assert search_timezones("LON")[0] == "Europe/London"
    assert search_timezones("new york") == ["America/New_York"]
    assert search_timezones("york") == ["America/New_York"]
    assert search_timezones("zzzz") == []
    assert len(search_timezones("a")) == 25
    assert len(search_timezones("a", limit=100)) == 25
    assert len(search_timezones("a", limit=3)) == 3
    assert all("america" in z.lower() for z in search_timezones("america"))
    assert len(search_timezones("")) > 0
    assert all(z for z in search_timezones("", limit=25))
    assert search_timezones("kolkata")[0] == "Asia/Kolkata"


# --------------------------------------------------------------------------- properties


@given(st.sampled_from(Q.questions), st.text(max_size=300))
def test_validate_only_raises_answer_error(q: Question, raw: str) -> None:
    try:
        value = validate(q, raw)
    except AnswerError as exc:
        assert str(exc)
        assert exc.question_id == q.id
    else:
        assert validate(q, value) == value  # canonical forms are fixed points


@given(st.sampled_from(Q.questions), st.lists(st.text(max_size=30), max_size=4))
def test_validate_lists_only_raises_answer_error(q: Question, raw: list[str]) -> None:
    try:
        value = validate(q, raw)
    except AnswerError:
        return
    assert validate(q, value) == value


@given(st.text(max_size=80))
def test_search_timezones_never_more_than_25(query: str) -> None:
    found = search_timezones(query)
    assert len(found) <= 25
    # Any run of whitespace (not only spaces) stands for the underscore in a zone name.
    key = "_".join(query.split()).lower()
    assert all(key in z.lower() for z in found if query)


DAY_FORMS = [
    ("Monday", "mon", "Mon", "MONDAY"),
    ("Tuesday", "tue", "Tue", "tues"),
    ("Wednesday", "wed", "Wed", "WEDNESDAY"),
    ("Thursday", "thu", "Thur", "thurs"),
    ("Friday", "fri", "Fri", "FRIDAY"),
    ("Saturday", "sat", "Sat", "SATURDAY"),
    ("Sunday", "sun", "Sun", "SUNDAY"),
]


@given(
    st.integers(0, 6),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 3),
    st.sampled_from(["24h", "24h-short", "ampm", "ampm-space"]),
)
def test_weekday_time_round_trips(day: int, hour: int, minute: int, form: int, style: str) -> None:
    canonical = format_weekday_time(day, time(hour, minute))
    assert validate(question("checkin"), canonical) == canonical
    assert parse_weekday_time(canonical) == (day, time(hour, minute))
    if style == "24h":
        typed_time = f"{hour:02d}:{minute:02d}"
    elif style == "24h-short":
        typed_time = f"{hour}:{minute:02d}"
    else:
        h12 = hour % 12 or 12
        sep = " " if style == "ampm-space" else ""
        typed_time = f"{h12}:{minute:02d}{sep}{'am' if hour < 12 else 'pm'}"
    typed = f"{DAY_FORMS[day][form]} {typed_time}"
    assert validate(question("checkin"), typed) == canonical
    assert validate(question("checkin"), [DAY_FORMS[day][form], typed_time]) == canonical
    day_name, at = split_weekday_time(canonical)
    assert validate(question("checkin"), [day_name, at]) == canonical


@given(st.lists(st.sampled_from([c.value for c in question("areas").choices]), max_size=8))
def test_multi_choice_canonical_order(picked: list[str]) -> None:
    areas = question("areas")
    try:
        value = validate(areas, picked)
    except AnswerError:
        assert not 1 <= len(set(picked)) <= 5
        return
    order = [c.value for c in areas.choices]
    assert value == [v for v in order if v in set(picked)]


def test_directors_see_that_free_text_was_answered_never_the_words() -> None:
    """PRODUCT.md §5: goals, the bio and any free-text question a director adds are the
    member's words; a director's summary says only that they were answered."""
    extra = (
        SHIPPED.read_text(encoding="utf-8")
        + '\n[[questions]]\nid = "hopes"\nkind = "long_text"\nrequired = false\n'
        'label = "What you hope for"\nprompt = "What do you hope to get from the programme?"\n'
    )
    q = parse_questionnaire(extra, "extra.toml")
    answers: Answers = {
        "role": "mentee",
        "areas": ["leadership"],
        "goals": "Lead my first team\nSpeak at a meetup",
        "bio": "Backend developer in Lisbon",
        "hopes": "Confidence to speak up",
        "timezone": "Europe/London",
    }
    own = dict(summary(q, answers))
    assert own["A line about you"] == "Backend developer in Lisbon"
    assert own["What you hope for"] == "Confidence to speak up"

    hidden = dict(summary(q, answers, words_hidden=True))
    shown = " ".join(hidden.values())
    for words in ("Lead my first team", "Backend developer", "Confidence to speak up"):
        assert words not in shown
    assert hidden["Your goals"].startswith("2 goals")
    assert hidden["A line about you"].startswith("Answered")
    assert hidden["What you hope for"].startswith("Answered")
    assert hidden["Your time zone"] == own["Your time zone"] == "Europe/London"
