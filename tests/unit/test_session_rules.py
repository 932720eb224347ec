"""The pure session rules: dates, minutes, topics, thread names, reflection forms, sharing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import sessions as rules
from bot.domain.sessions import SessionInputError
from bot.i18n import LANGUAGES, Language, language

TODAY = date(2026, 1, 12)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("on", "today", "ok"),
    [
        (TODAY, TODAY, True),
        (date(2026, 1, 11), TODAY, True),
        (date(2026, 1, 13), TODAY, False),  # tomorrow where the member lives
        (date(2025, 1, 12), TODAY, True),  # exactly a year back
        (date(2025, 1, 11), TODAY, False),  # a day more than a year
        (date(2023, 2, 28), date(2024, 2, 29), True),  # a year before a 29 February
        (date(2023, 2, 27), date(2024, 2, 29), False),
    ],
)
def test_session_date(on: date, today: date, ok: bool) -> None:
    if ok:
        assert rules.check_session_date(on, today) == on
    else:
        with pytest.raises(SessionInputError):
            rules.check_session_date(on, today)


def test_date_messages_say_what_to_do() -> None:
    with pytest.raises(SessionInputError, match="hasn't happened yet"):
        rules.check_session_date(date(2026, 1, 13), TODAY)
    with pytest.raises(SessionInputError, match="pick 12 Jan 2025 or later"):
        rules.check_session_date(date(2024, 6, 1), TODAY)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", TODAY),
        ("yesterday", date(2026, 1, 11)),
        (" Yesterday ", date(2026, 1, 11)),
        ("tomorrow", date(2026, 1, 13)),  # ahead: check_session_date refuses it
        ("12 Jan", TODAY),
        ("10 jan", date(2026, 1, 10)),
        ("Jan 13", date(2025, 1, 13)),  # the latest 13 January, not the next one
        ("3 Dec", date(2025, 12, 3)),
        ("2026-01-05", date(2026, 1, 5)),
        ("13 Jan 2026", date(2026, 1, 13)),  # a year given is kept, ahead or not
        ("2027-01-01", date(2027, 1, 1)),
    ],
)
def test_session_date_as_typed(typed: str, expected: date) -> None:
    assert rules.parse_session_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["", "someday", "12/01/2026", "31 Feb"])
def test_session_date_unreadable(typed: str) -> None:
    with pytest.raises(SessionInputError):
        rules.parse_session_date(typed, TODAY)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)), st.integers(0, 400))
def test_a_date_without_a_year_is_never_ahead_within_a_year(today: date, back: int) -> None:
    """Any day and month of the past year typed without a year reads as that past day (the
    day a year back reads as today, which has the same day and month)."""
    on = today - timedelta(days=back)
    if on < rules.earliest_session_date(today) or (on.month, on.day) == (2, 29):
        return
    if (on.month, on.day) == (today.month, today.day):
        on = today
    typed = rules.short_date(on, today=on)  # "12 Jan"
    assert rules.parse_session_date(typed, today) == on


@pytest.mark.parametrize(
    ("minutes", "ok"),
    [(5, True), (4, False), (600, True), (601, False), (0, False), (-30, False), (60, True)],
)
def test_minutes(minutes: int, ok: bool) -> None:
    if ok:
        assert rules.check_minutes(minutes) == minutes
    else:
        with pytest.raises(SessionInputError, match="5 to 600 minutes"):
            rules.check_minutes(minutes)


def test_minutes_refuses_non_numbers() -> None:
    with pytest.raises(SessionInputError):
        rules.check_minutes(True)
    with pytest.raises(SessionInputError):
        rules.check_minutes("60")  # type: ignore[arg-type]


def test_short_date_and_reminder() -> None:
    assert rules.short_date(date(2026, 1, 12), today=TODAY) == "12 Jan"
    assert rules.short_date(date(2025, 12, 3), today=TODAY) == "3 Dec 2025"
    logged = datetime(2026, 1, 12, 18, 30, tzinfo=UTC)
    assert rules.reminder_due(logged) == datetime(2026, 1, 14, 18, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- topics


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("Career plan", "Career plan"),
        ("  Career\n plan\t ", "Career plan"),
        ("Cafe\u0301 chat", "Café chat"),  # NFC
        ("\u200bCareer plan\u200b", "Career plan"),  # zero-width edges trimmed
        ("👩\u200d💻 pairing", "👩\u200d💻 pairing"),  # a joiner inside an emoji is kept
        ("a" * rules.TOPIC_MAX, "a" * rules.TOPIC_MAX),
    ],
)
def test_topic_cleaned(raw: str | None, expected: str | None) -> None:
    assert rules.clean_topic(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "\n\t",
        "\u200b\u200c\u200d",  # zero-width space, non-joiner, joiner
        "\ufeff\u2060",  # BOM, word joiner
        "\u3164",  # Hangul filler: a "letter" that draws nothing
        "\u2800 \u115f",  # braille blank, Hangul choseong filler
        "\x00\x07",  # control characters only
    ],
)
def test_topic_with_nothing_visible_is_empty(raw: str) -> None:
    with pytest.raises(SessionInputError, match="topic in a few words"):
        rules.clean_topic(raw)


def test_topic_too_long() -> None:
    with pytest.raises(SessionInputError, match="keep it to 100"):
        rules.clean_topic("a" * (rules.TOPIC_MAX + 1))


@given(st.text())
def test_topic_only_ever_cleans_or_refuses(raw: str) -> None:
    try:
        topic = rules.clean_topic(raw)
    except SessionInputError as exc:
        assert exc.message
        return
    assert topic is not None
    assert 1 <= len(topic) <= rules.TOPIC_MAX
    assert "\n" not in topic and topic == topic.strip()
    assert rules.has_visible_text(topic)
    assert rules.clean_topic(topic) == topic  # idempotent


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\u200b\u3164\ufeff\n")))
def test_answers_only_ever_clean_or_refuse(raw: str) -> None:
    for form in (rules.MENTEE_FORM, rules.MENTOR_FORM):
        first = form.fields[0].id
        try:
            answers = rules.clean_answers(form, {first: raw, "unknown": raw})
        except SessionInputError as exc:
            assert exc.message
            continue
        assert set(answers) == {first}
        assert rules.has_visible_text(answers[first])
        assert len(answers[first]) <= form.fields[0].max_length


# --------------------------------------------------------------------------- thread names


def test_thread_name_as_in_the_spec() -> None:
    name = rules.thread_name(3, "Mei", "Max", date(2026, 1, 12), today=TODAY)
    assert name == "Session 3 · Mei & Max · 12 Jan"


@pytest.mark.parametrize(
    ("mentee", "mentor"),
    [
        ("M" * 200, "Max"),
        ("Mei", "X" * 200),
        ("M" * 80, "X" * 80),
        ("🙂" * 90, "Max"),  # astral characters count twice in UTF-16
        ("\u200b", "Max\nPower"),  # nothing visible; a line break
    ],
)
def test_thread_name_clips_names_never_number_or_date(mentee: str, mentor: str) -> None:
    name = rules.thread_name(1234, mentee, mentor, date(2025, 12, 3), today=TODAY)
    assert len(name.encode("utf-16-le")) // 2 <= rules.THREAD_NAME_MAX
    assert name.startswith("Session 1234 · ")
    assert name.endswith(" · 3 Dec 2025")
    assert "\n" not in name
    assert " & " in name


def test_thread_name_is_fair_to_a_short_name() -> None:
    name = rules.thread_name(2, "Mei", "X" * 200, date(2026, 1, 12), today=TODAY)
    assert "Mei & X" in name and name.count("…") == 1
    assert len(name) == rules.THREAD_NAME_MAX


@given(st.text(), st.text(), st.integers(min_value=1, max_value=10**6))
def test_thread_name_always_fits(mentee: str, mentor: str, seq: int) -> None:
    name = rules.thread_name(seq, mentee, mentor, TODAY, today=TODAY)
    assert 1 <= len(name.encode("utf-16-le")) // 2 <= rules.THREAD_NAME_MAX
    assert name.startswith(f"Session {seq} · ") and name.endswith(" · 12 Jan")


def test_blank_display_name_becomes_member() -> None:
    assert rules.clean_display_name("\u3164\u200b") == "member"


# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form", [rules.MENTEE_FORM, rules.MENTOR_FORM])
def test_forms_fit_a_discord_modal(form: rules.ReflectionForm, lang: Language) -> None:
    assert len(form.fields) + 1 <= rules.MODAL_INPUTS_MAX  # + the share choice
    with language(lang):
        for item in form.fields:
            assert 1 <= len(str(item.label)) <= rules.MODAL_LABEL_MAX
            assert len(str(item.placeholder)) <= rules.PLACEHOLDER_MAX
            assert 1 <= item.max_length <= 1024  # a shared answer is one embed field
        assert form.fields[0].required
        assert len(str(rules.SHARE_LABEL)) <= rules.MODAL_LABEL_MAX
        assert [value for value, _ in rules.SHARE_CHOICES] == ["private", "shared"]
        assert all(len(str(label)) <= 100 for _, label in rules.SHARE_CHOICES)
        assert len(rules.modal_title(10**9)) <= rules.MODAL_TITLE_MAX


def test_forms_per_role() -> None:
    assert [f.id for f in rules.form_for("mentee").fields] == ["stood_out", "next_step", "by_when"]
    assert [f.id for f in rules.form_for("mentor").fields] == ["went_well", "learned"]
    # The next step becomes a goal title, so it is one line within a goal's length.
    step = rules.MENTEE_FORM.field("next_step")
    assert step is not None and not step.paragraph


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"stood_out": " A lot \r\n of ideas "}, {"stood_out": "A lot \n of ideas"}),
        (
            {"stood_out": "x", "next_step": " Ship\nit ", "by_when": ""},
            {"stood_out": "x", "next_step": "Ship it"},
        ),
        ({"stood_out": "x", "next_step": "\u200b", "by_when": None}, {"stood_out": "x"}),
        ({"stood_out": "\ud800ok"}, {"stood_out": "ok"}),  # a lone surrogate cannot be stored
    ],
)
def test_mentee_answers(raw: dict[str, str | None], expected: dict[str, str]) -> None:
    assert rules.clean_answers(rules.MENTEE_FORM, raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"stood_out": "  "}, "What stood out"),
        ({}, "What stood out"),
        ({"stood_out": "x" * 1001}, "keep it to 1,000"),
        ({"stood_out": "x", "by_when": "2026-02-01"}, "no next step"),
        ({"stood_out": "x", "next_step": "y" * 201}, "keep it to 200"),
    ],
)
def test_mentee_answers_refused(raw: dict[str, str | None], message: str) -> None:
    with pytest.raises(SessionInputError, match=message):
        rules.clean_answers(rules.MENTEE_FORM, raw)


def test_mentor_answers() -> None:
    assert rules.clean_answers(rules.MENTOR_FORM, {"went_well": "Listening", "stood_out": "x"}) == {
        "went_well": "Listening"
    }
    with pytest.raises(SessionInputError, match="What went well"):
        rules.clean_answers(rules.MENTOR_FORM, {"learned": "Patience"})


# --------------------------------------------------------------------------- sharing


@pytest.mark.parametrize(
    ("exists", "shared", "read", "want", "changed", "action"),
    [
        (False, False, False, False, True, "none"),  # new and private: nothing in the thread
        (False, False, False, True, True, "post"),  # new and shared
        (True, False, False, True, False, "post"),  # shared later
        (True, False, False, False, True, "none"),  # private edit
        (True, True, False, True, True, "edit"),  # shared edit
        (True, True, False, True, False, "none"),
        (True, True, False, False, False, "remove"),  # private again before it was read
        (True, True, True, True, True, "edit"),  # read: still editable
    ],
)
def test_share_action(
    exists: bool, shared: bool, read: bool, want: bool, changed: bool, action: str
) -> None:
    assert (
        rules.share_action(
            exists=exists, shared=shared, read=read, want_shared=want, text_changed=changed
        )
        == action
    )


def test_read_reflection_cannot_be_made_private() -> None:
    with pytest.raises(SessionInputError, match="already read"):
        rules.share_action(
            exists=True, shared=True, read=True, want_shared=False, text_changed=False
        )


def test_the_earliest_date_holds_at_the_start_of_the_calendar() -> None:
    """The first year has no year before it: a date there is checked, never a crash."""
    assert rules.earliest_session_date(date(1, 1, 1)) == date.min
    assert rules.check_session_date(date(1, 1, 1), date(1, 1, 2)) == date(1, 1, 1)


def test_a_session_date_reads_chinese_day_words() -> None:
    today = date(2026, 11, 29)
    assert rules.parse_session_date("今天", today) == today
    assert rules.parse_session_date("昨天", today) == date(2026, 11, 28)
    assert rules.parse_session_date("11月2日", today) == date(2026, 11, 2)
