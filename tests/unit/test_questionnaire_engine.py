"""The questionnaire engine: paths through the flow, validation messages and helpers."""

from __future__ import annotations

import copy
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.questionnaire import (
    AnswerError,
    Answers,
    Question,
    Questionnaire,
    StepKind,
    answer,
    answer_step,
    applicable,
    areas_of,
    capacity_of,
    checkin_of,
    clean_answers,
    format_weekday_time,
    goals_from,
    is_complete,
    load_questionnaire,
    next_question,
    next_step,
    parse_questionnaire,
    parse_weekday_time,
    resolve_timezone,
    role_of,
    search_timezones,
    split_weekday_time,
    steps,
    summary,
    timezone_of,
    validate,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "questionnaire.toml"
Q = load_questionnaire(SHIPPED)


def question(qid: str) -> Question:
    found = Q.question(qid)
    assert found is not None
    return found


def error_of(qid: str, raw: object) -> str:
    with pytest.raises(AnswerError) as info:
        validate(question(qid), raw)
    assert info.value.question_id == qid
    return str(info.value)


START: Answers = {"language": "en"}
"""The language question comes first; the tests below start after it."""

MENTEE_RAW: dict[str, object] = {
    "language": "en",
    "role": ["mentee"],
    "areas": ["product", "leadership"],
    "goals": "  Give a talk at a meetup\n\n- Learn to delegate  \n",
    "bio": "Backend developer, learning to lead",
    "experience": ["3-5"],
    "timezone": "europe/london",
    "checkin": ["Monday", "9am"],
    "consent": ["agree"],
}

MENTOR_RAW: dict[str, object] = {
    "language": ["zh-CN"],
    "role": "mentor",
    "areas": ["engineering"],
    "capacity": "3",
    "bio": "",
    "experience": [],
    "timezone": "America/New_York",
    "checkin": "thu 6:30 pm",
    "consent": "agree",
}


def walk(raws: dict[str, object]) -> tuple[Answers, list[tuple[StepKind, list[str], str]]]:
    """Answer every step the engine offers, the way the UI would."""
    answers: Answers = {}
    seen: list[tuple[StepKind, list[str], str]] = []
    while (step := next_step(Q, answers)) is not None:
        seen.append((step.kind, [x.id for x in step.questions], step.progress))
        answers = answer_step(Q, answers, {x.id: raws[x.id] for x in step.questions})
        assert len(seen) < 20
    return answers, seen


# --------------------------------------------------------------------------- paths


def test_mentee_path() -> None:
    answers, seen = walk(MENTEE_RAW)
    assert [(kind, ids) for kind, ids, _ in seen] == [
        (StepKind.CHOICE, ["language"]),
        (StepKind.CHOICE, ["role"]),
        (StepKind.CHOICE, ["areas"]),
        (StepKind.TEXT, ["goals", "bio"]),
        (StepKind.CHOICE, ["experience"]),
        (StepKind.TIMEZONE, ["timezone"]),
        (StepKind.WEEKDAY_TIME, ["checkin"]),
        (StepKind.CHOICE, ["consent"]),
    ]
    assert seen[-1][2] == "Step 8 of 8"
    assert seen[3][2] == "Step 4 of 8"
    assert is_complete(Q, answers)
    assert next_question(Q, answers) is None
    assert answers == {
        "language": "en",
        "role": "mentee",
        "areas": ["leadership", "product"],  # order of the choices, not of the clicks
        "goals": "Give a talk at a meetup\n\n- Learn to delegate",
        "bio": "Backend developer, learning to lead",
        "experience": "3-5",
        "timezone": "Europe/London",
        "checkin": "mon 09:00",
        "consent": "agree",
    }
    assert role_of(answers) == "mentee"
    assert goals_from(answers) == ["Give a talk at a meetup", "Learn to delegate"]
    assert capacity_of(answers) is None
    assert timezone_of(answers) == "Europe/London"
    assert checkin_of(answers) == (0, time(9, 0))
    assert areas_of(answers) == ["leadership", "product"]


def test_mentor_path() -> None:
    answers, seen = walk(MENTOR_RAW)
    assert [ids for _, ids, _ in seen] == [
        ["language"],
        ["role"],
        ["areas"],
        ["capacity"],
        ["bio"],
        ["experience"],
        ["timezone"],
        ["checkin"],
        ["consent"],
    ]
    assert [p for _, _, p in seen][2:] == [f"Step {n} of 9" for n in range(3, 10)]
    assert answers["language"] == "zh-CN"
    assert is_complete(Q, answers)
    assert answers["bio"] == "" and answers["experience"] == ""  # optional, skipped
    assert role_of(answers) == "mentor"
    assert capacity_of(answers) == 3
    assert goals_from(answers) == []
    assert checkin_of(answers) == (3, time(18, 30))


def test_first_step_before_any_answer() -> None:
    step = next_step(Q, {})
    assert step is not None
    assert step.kind is StepKind.CHOICE and [x.id for x in step.questions] == ["language"]
    assert step.number == 1
    assert not is_complete(Q, {})
    assert next_question(Q, {}) == question("language")
    assert next_question(Q, START) == question("role")


def test_branch_switching_ignores_stale_answers() -> None:
    answers = answer(Q, START, "role", "mentee")
    answers = answer(Q, answers, "areas", ["data"])
    answers = answer(Q, answers, "goals", "Ship a side project")
    assert "goals" in [x.id for x in applicable(Q, answers)]
    answers = answer(Q, answers, "role", "mentor")
    ids = [x.id for x in applicable(Q, answers)]
    assert "goals" not in ids and "capacity" in ids
    assert next_question(Q, answers) == question("capacity")
    assert goals_from(answers) == []
    assert answers["goals"] == "Ship a side project"  # kept, so switching back restores it
    assert "goals" not in clean_answers(Q, answers)
    assert all(label != "Your goals" for label, _ in summary(Q, answers))
    back = answer(Q, answers, "role", "mentee")
    assert goals_from(back) == ["Ship a side project"]
    assert next_question(Q, back) == question("bio")


def test_next_step_keeps_answered_neighbours_in_a_modal() -> None:
    answers = answer_step(Q, START, {"role": "mentee", "areas": ["data"], "bio": "Hi there"})
    step = next_step(Q, answers)
    assert step is not None
    assert [x.id for x in step.questions] == ["goals", "bio"]


def test_answer_never_mutates_its_input() -> None:
    answers: Answers = {"role": "mentee", "areas": ["data"]}
    before = copy.deepcopy(answers)
    updated = answer(Q, answers, "areas", ["design", "data"])
    assert answers == before
    assert updated["areas"] == ["design", "data"]
    areas = updated["areas"]
    assert isinstance(areas, list)
    areas.append("x")
    assert answers == before


def test_answer_step_is_all_or_nothing() -> None:
    answers = answer(Q, START, "role", "mentee")
    with pytest.raises(AnswerError) as info:
        answer_step(Q, answers, {"goals": "A fine goal", "bio": "b" * 201})
    assert info.value.question_id == "bio"
    assert answers == {**START, "role": "mentee"}


def test_answer_rejects_inapplicable_and_unknown_questions() -> None:
    answers = answer(Q, START, "role", "mentee")
    with pytest.raises(AnswerError, match="doesn't apply"):
        answer(Q, answers, "capacity", "2")
    with pytest.raises(AnswerError, match="no longer part"):
        answer(Q, answers, "favourite_colour", "blue")


def test_stored_answer_no_longer_valid_is_asked_again() -> None:
    answers, _ = walk(MENTEE_RAW)
    answers["areas"] = ["basket_weaving"]
    assert not is_complete(Q, answers)
    assert next_question(Q, answers) == question("areas")


def test_garbage_in_stored_answers_is_treated_as_unanswered() -> None:
    answers: dict[str, object] = {**START, "role": 3, "areas": {"x": 1}}
    assert next_question(Q, answers) == question("role")
    assert role_of(answers) is None
    assert areas_of(answers) == []


def test_summary() -> None:
    answers, _ = walk(MENTEE_RAW)
    rows = dict(summary(Q, answers))
    assert rows["Mentee or mentor?"] == "Mentee"
    assert rows["Your areas"] == "Leadership, Product"
    assert rows["Check-in day and time"] == "Monday 09:00"
    assert rows["Your time zone"] == "Europe/London"
    assert rows["Years of experience"] == "3–5 years"
    assert rows["Privacy notice"] == "I agree"
    assert "How many mentees?" not in rows
    assert list(rows)[:2] == ["Language", "Mentee or mentor?"]
    assert rows["Language"] == "English"

    mentor, _ = walk(MENTOR_RAW)
    rows = dict(summary(Q, mentor))
    assert rows["How many mentees?"] == "3 mentees"
    assert rows["A line about you"] == "—"
    assert rows["Check-in day and time"] == "Thursday 18:30"
    assert "Your goals" not in rows


def test_summary_of_partial_answers_marks_unanswered() -> None:
    rows = dict(summary(Q, {"role": "mentor"}))
    assert rows["Mentee or mentor?"] == "Mentor"
    assert rows["Your time zone"] == "—"


# --------------------------------------------------------------------------- grouping

TEXTS = "\n".join(
    f'[[questions]]\nid = "t{i}"\nkind = "short_text"\nlabel = "T{i}"\nprompt = "P{i}"\n'
    for i in range(7)
)


def small_questionnaire(extra: str) -> Questionnaire:
    text = (SHIPPED.read_text(encoding="utf-8")) + "\n" + extra
    return parse_questionnaire(text, "test")


def test_text_questions_group_into_modals_of_at_most_five() -> None:
    q = small_questionnaire(TEXTS)
    groups = [[x.id for x in s.questions] for s in steps(q, {"role": "mentor"}) if s.kind == "text"]
    assert groups == [["bio"], ["t0", "t1", "t2", "t3", "t4"], ["t5", "t6"]]


def test_conditions_on_multi_choice_and_chains() -> None:
    q = small_questionnaire(
        '[[questions]]\nid = "speaker"\nkind = "short_text"\nlabel = "Talks"\n'
        'prompt = "Talks?"\nwhen = { areas = ["public_speaking", "writing"], role = ["mentor"] }\n'
    )
    base = {"role": "mentor", "areas": ["data", "writing"]}
    assert "speaker" in [x.id for x in applicable(q, base)]
    assert "speaker" not in [x.id for x in applicable(q, {**base, "role": "mentee"})]
    assert "speaker" not in [x.id for x in applicable(q, {**base, "areas": ["data"]})]
    assert "speaker" not in [x.id for x in applicable(q, {"areas": ["writing"]})]


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
