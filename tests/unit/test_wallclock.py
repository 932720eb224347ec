"""The wall-clock module: friendly forms, refusals, how moments and dates are shown, and the
tzdata data it reads."""

from __future__ import annotations

import importlib.resources
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import wallclock
from bot.domain.wallclock import (
    DAY_CODES,
    DAY_NAMES,
    WallClockError,
    day_name,
    discord_timestamp,
    format_weekday_time,
    is_timezone,
    local_date,
    month_name,
    parse_date,
    parse_day,
    parse_time,
    parse_weekday_time,
    resolve_timezone,
    show_date,
    show_time,
    show_weekday_time,
    split_weekday_time,
    tzdata_links,
    zone,
)
from bot.i18n import language

TODAY = date(2026, 11, 2)  # a Monday


# --------------------------------------------------------------------------- days and times


def test_one_list_of_day_names() -> None:
    assert DAY_NAMES[date(2026, 11, 2).weekday()] == "Monday"
    assert DAY_CODES == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert [parse_day(name) for name in DAY_NAMES] == list(range(7))
    assert [parse_day(code) for code in DAY_CODES] == list(range(7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weds", 2),
        ("Weds.", 2),
        ("tues", 1),
        ("thurs", 3),
        ("Thur", 3),
        ("Mondays", 0),
        ("sundays", 6),
        ("Fri,", 4),
        ("su", 6),
        ("sa", 5),
    ],
)
def test_friendly_days(text: str, expected: int) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9)),
        ("09", time(9)),
        ("21", time(21)),
        ("0", time(0)),
        ("9h30", time(9, 30)),
        ("9h", time(9)),
        ("21h", time(21)),
        ("21h05", time(21, 5)),
        ("21.30", time(21, 30)),
        ("0930", time(9, 30)),
        ("930pm", time(21, 30)),
        ("9am", time(9)),
        ("9 A.M.", time(9)),
        ("9:30 pm", time(21, 30)),
        ("9.30pm", time(21, 30)),
        ("noon", time(12)),
        ("Midday", time(12)),
        ("midnight", time(0)),
        ("at 6pm", time(18)),
        ("At 09:00", time(9)),
    ],
)
def test_friendly_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give a time, like 09:00, 9am or 21:30."),
        ("nine", "I couldn't read 'nine' as a time. Try 09:00, 9am, 9:30 pm or 21:30."),
        (
            "25:00",
            "I couldn't read '25:00' as a time. Hours go from 0 to 23 on a 24-hour clock; "
            "try something like 21:30.",
        ),
        (
            "9:75",
            "I couldn't read '9:75' as a time. Minutes go from 00 to 59; try something like 9:30.",
        ),
        (
            "0am",
            "I couldn't read '0am' as a time. With am or pm, hours go from 1 to 12; try 9am.",
        ),
        ("9:", "I couldn't read '9:' as a time. Try 09:00, 9am, 9:30 pm or 21:30."),
    ],
)
def test_time_refusals_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(WallClockError) as caught:
        parse_time(text)
    assert str(caught.value) == message


def test_day_refusals_say_what_is_wrong() -> None:
    with pytest.raises(WallClockError, match=r"^Please give a day of the week, like Monday"):
        parse_day("  ")
    with pytest.raises(WallClockError) as caught:
        parse_day("Funday")
    assert str(caught.value) == (
        "I couldn't read 'Funday' as a day of the week. Try a day like Monday, Tue or Weds."
    )


def test_refusals_quote_a_short_piece_of_long_input() -> None:
    with pytest.raises(WallClockError) as caught:
        parse_time("x" * 500)
    assert "x" * 32 + "…" in str(caught.value)
    assert "x" * 33 not in str(caught.value)


def test_weekday_time_forms() -> None:
    assert parse_weekday_time("mon 09:00") == (0, time(9))
    assert parse_weekday_time("Weds, 9h30") == (2, time(9, 30))
    assert parse_weekday_time("Thursdays at 6pm") == (3, time(18))
    assert parse_weekday_time("tues 9") == (1, time(9))
    assert format_weekday_time(4, time(7, 5)) == "fri 07:05"
    assert split_weekday_time("thu 18:30") == ("Thursday", "18:30")
    assert show_weekday_time(6, time(21, 0)) == "Sunday 21:00"
    assert show_time(time(7, 5)) == "07:05"
    with pytest.raises(WallClockError, match="Please give a day and a time"):
        parse_weekday_time("monday")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        (" 2027-1-5 ", date(2027, 1, 5)),
        ("2027/01/05", date(2027, 1, 5)),
        ("today", TODAY),
        ("Tomorrow", TODAY + timedelta(days=1)),
        ("12 Jan", date(2027, 1, 12)),  # January has passed this year: next January
        ("Jan 12", date(2027, 1, 12)),
        ("12 January 2027", date(2027, 1, 12)),
        ("Jan 12, 2027", date(2027, 1, 12)),
        ("12th of January", date(2027, 1, 12)),
        ("January 12th", date(2027, 1, 12)),
        ("1st Dec", date(2026, 12, 1)),  # still ahead this year
        ("2 Nov", TODAY),  # on or after today: today itself
        ("1 Nov", date(2027, 11, 1)),
        ("Sept 3", date(2027, 9, 3)),
        ("sep. 3", date(2027, 9, 3)),
        ("29 Feb", date(2028, 2, 29)),  # the next 29 February
        ("12jan", date(2027, 1, 12)),
        ("12 Jan 2020", date(2020, 1, 12)),  # the past is the caller's rule
    ],
)
def test_friendly_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give a date, like 2027-01-12, 12 Jan or tomorrow."),
        (
            "next week",
            "I couldn't read 'next week' as a date. Try YYYY-MM-DD (like 2027-01-12), 12 Jan, "
            "Jan 12 2027, today or tomorrow.",
        ),
        (
            "12/01/2027",
            "I can't tell the day from the month in '12/01/2027'. Write the month as a word, "
            "like 12 Jan 2027, or use YYYY-MM-DD, like 2027-01-12.",
        ),
        ("31/12/2026", "I can't tell the day from the month in '31/12/2026'."),
        ("2026-02-30", "'2026-02-30' is not a real date: February 2026 has 28 days."),
        ("2028-02-30", "'2028-02-30' is not a real date: February 2028 has 29 days."),
        ("30 Feb", "'30 Feb' is not a real date: February has at most 29 days."),
        ("2026-13-01", "'2026-13-01' is not a real date: months go from 1 to 12."),
        ("0000-01-01", "'0000-01-01' is not a real date: years go from 1 to 9999."),
        ("ja 12", "I couldn't read 'ja 12' as a date."),  # too short to name a month
        ("ju 12", "I couldn't read 'ju 12' as a date."),
    ],
)
def test_date_refusals_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(WallClockError) as caught:
        parse_date(text, TODAY)
    assert str(caught.value).startswith(message)


def test_dates_at_the_end_of_the_calendar() -> None:
    assert parse_date("9999-12-31", TODAY) == date.max
    with pytest.raises(WallClockError, match="too far ahead"):
        parse_date("tomorrow", date.max)
    assert parse_date("today", date.max) == date.max


@given(st.dates(), st.dates(max_value=date(9990, 12, 31)))
def test_iso_and_written_forms_mean_the_same_date(d: date, today: date) -> None:
    month = wallclock.MONTH_NAMES[d.month - 1]
    forms = [
        d.isoformat(),
        f"{d.year:04d}/{d.month}/{d.day}",
        f"{d.day} {month} {d.year:04d}",
        f"{month[:3]} {d.day}, {d.year:04d}",
    ]
    assert {parse_date(form, today) for form in forms} == {d}
    written = parse_date(f"{d.day} {month}", today)
    assert (written.month, written.day) == (d.month, d.day)
    assert today <= written < today.replace(day=1) + timedelta(days=366 * 8)


# --------------------------------------------------------------------------- showing


def test_discord_timestamp() -> None:
    moment = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert discord_timestamp(moment) == "<t:1793610000:f>"
    assert discord_timestamp(moment, "R") == "<t:1793610000:R>"
    elsewhere = moment.astimezone(timezone(timedelta(hours=-5)))
    assert discord_timestamp(elsewhere, "D") == "<t:1793610000:D>"
    with pytest.raises(ValueError, match="timezone-aware"):
        discord_timestamp(datetime(2026, 11, 2, 9, 0))  # noqa: DTZ001 - the point of the test


def test_show_date_is_a_calendar_date() -> None:
    assert show_date(date(2027, 1, 12)) == "Tue 12 Jan 2027"
    assert show_date(date(2026, 11, 2)) == "Mon 2 Nov 2026"


# --------------------------------------------------------------------------- time zones


def test_zone_helpers() -> None:
    assert is_timezone("Europe/London")
    assert not is_timezone("europe/london")  # stored names are exact
    assert not is_timezone("Mars/Olympus")
    assert not is_timezone(None)
    assert zone("Asia/Tokyo") == zoneinfo.ZoneInfo("Asia/Tokyo")
    with pytest.raises(WallClockError, match="I don't know the time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")
    late = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    assert local_date(late, "Pacific/Auckland") == date(2026, 11, 3)
    assert local_date(late, "Pacific/Honolulu") == date(2026, 11, 2)
    assert local_date(late.replace(hour=23), None) == date(2026, 11, 2)
    assert local_date(late.replace(hour=23), "Gone/Away") == date(2026, 11, 2)


def test_resolve_timezone_reads_cities_and_suggests() -> None:
    assert resolve_timezone("new york") == "America/New_York"
    assert resolve_timezone("Asia/Calcutta") == "Asia/Calcutta"  # a link is still valid
    assert resolve_timezone("kolkata") == "Asia/Kolkata"
    with pytest.raises(WallClockError, match="Did you mean Europe/London"):
        resolve_timezone("Europe/Londn")


# --------------------------------------------------------------------------- tzdata


def test_the_tzdata_links_the_bot_reads_are_pinned() -> None:
    """Ranking relies on tzdata's compact file listing links as ``L <target> <link>``. If
    the package stops shipping it or changes its shape, this fails instead of every link
    quietly ranking as a canonical name."""
    resource = importlib.resources.files("tzdata").joinpath(wallclock.TZDATA_LINKS_FILE)
    text = resource.read_text(encoding="utf-8")
    assert text.startswith("# version "), "tzdata.zi no longer starts with its version line"
    link_lines = [line for line in text.splitlines() if line.startswith("L ")]
    assert len(link_lines) > 100
    assert all(len(line.split()) == 3 for line in link_lines)

    links = tzdata_links()
    assert len(links) == len(link_lines)
    assert links["Asia/Calcutta"] == "Asia/Kolkata"
    assert links["US/Eastern"] == "America/New_York"
    assert links["Europe/Kiev"] == "Europe/Kyiv"
    known = zoneinfo.available_timezones()
    assert set(links) <= known, "every link the bot ranks is a zone a member can choose"
    assert set(links.values()) <= known
    zones = {line.split()[1] for line in text.splitlines() if line.startswith("Z ")}
    assert zones and not zones & set(links), "a name is either a zone or a link"


def test_tzdata_of_an_unknown_shape_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeFile:
        def __init__(self, text: str) -> None:
            self.text = text

        def joinpath(self, _: str) -> FakeFile:
            return self

        def read_text(self, encoding: str) -> str:
            return self.text

    for text, problem in [
        ("# version 2099a\nZ Etc/UTC 0 - UTC\n", "lists no zone links"),
        ("# version 2099a\nL Asia/Kolkata\n", "unknown shape"),
    ]:
        monkeypatch.setattr(importlib.resources, "files", lambda _, t=text: FakeFile(t))
        tzdata_links.cache_clear()
        try:
            with pytest.raises(RuntimeError, match=problem):
                tzdata_links()
        finally:
            monkeypatch.undo()
            tzdata_links.cache_clear()

    def missing(_: str) -> FakeFile:
        raise ModuleNotFoundError("No module named 'tzdata'")

    monkeypatch.setattr(importlib.resources, "files", missing)
    tzdata_links.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"cannot read zoneinfo/tzdata\.zi"):
            tzdata_links()
    finally:
        monkeypatch.undo()
        tzdata_links.cache_clear()
    assert tzdata_links()["Asia/Calcutta"] == "Asia/Kolkata"


# --------------------------------------------------------------------------- in Chinese


@pytest.mark.parametrize(
    ("text", "weekday"),
    [
        ("周一", 0),
        ("星期二", 1),
        ("礼拜三", 2),
        ("每周四", 3),
        ("星期五。", 4),
        ("周六", 5),
        ("周日", 6),
        ("星期天", 6),
        ("礼拜天", 6),
    ],
)
def test_chinese_weekdays_are_read(text: str, weekday: int) -> None:
    assert parse_day(text) == weekday


@pytest.mark.parametrize("text", ["周八", "星期", "每", "周一二"])
def test_not_quite_a_chinese_weekday_is_refused(text: str) -> None:
    with pytest.raises(WallClockError):
        parse_day(text)


def test_a_chinese_weekday_and_time_need_no_space_between() -> None:
    assert parse_weekday_time("周一9:00") == (0, time(9, 0))
    assert parse_weekday_time("星期三 6pm") == (2, time(18, 0))
    assert parse_weekday_time("每周日 21:30") == (6, time(21, 30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", TODAY),
        ("明天", TODAY + timedelta(days=1)),
        ("1月12日", date(2027, 1, 12)),
        ("11月2号", TODAY),
        ("12月25", date(2026, 12, 25)),
        ("2028年2月29日", date(2028, 2, 29)),
        ("2027 年 3 月 1 日", date(2027, 3, 1)),
    ],
)
def test_chinese_dates_are_read(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_chinese_dates_that_do_not_exist_are_refused_in_the_readers_language() -> None:
    with language("zh-CN"):
        with pytest.raises(WallClockError) as raised:
            parse_date("2027年2月29日", TODAY)
        assert str(raised.value) == "“2027年2月29日”不是有效日期：2027年二月只有 28 天。"
        with pytest.raises(WallClockError) as raised:
            parse_date("13月1日", TODAY)
        assert "月份应在 1 到 12 之间" in str(raised.value)
    with pytest.raises(WallClockError) as raised:
        parse_date("13月1日", TODAY)
    assert str(raised.value) == "'13月1日' is not a real date: months go from 1 to 12."


def test_refusals_are_in_the_current_language() -> None:
    with language("zh-CN"):
        with pytest.raises(WallClockError) as day:
            parse_day("Funday")
        with pytest.raises(WallClockError) as at:
            parse_time("25:00")
        with pytest.raises(WallClockError) as zone_error:
            resolve_timezone("Europe/Londn")
    assert (
        str(day.value)
        == "我无法把“Funday”识别为星期几。请试试 Monday、Tue、周一或星期一这样的写法。"
    )
    assert str(at.value).startswith("我无法把“25:00”识别为时间。")
    assert "Europe/London" in str(zone_error.value) and "我不认识时区" in str(zone_error.value)
    with pytest.raises(WallClockError, match="as a day of the week"):
        parse_day("Funday")


def test_days_and_dates_are_shown_in_the_current_language() -> None:
    tuesday = date(2027, 1, 12)
    assert show_date(tuesday) == "Tue 12 Jan 2027"
    assert show_weekday_time(0, time(9)) == "Monday 09:00"
    assert split_weekday_time("wed 18:30") == ("Wednesday", "18:30")
    with language("zh-CN"):
        assert show_date(tuesday) == "2027年1月12日 周二"
        assert show_weekday_time(0, time(9)) == "星期一 09:00"
        assert split_weekday_time("wed 18:30") == ("星期三", "18:30")
        assert [day_name(n) for n in range(7)][-1] == "星期日"
        assert month_name(2) == "二月"
        # What is shown is read back: a day shown in Chinese is accepted as typed.
        assert parse_weekday_time(show_weekday_time(6, time(21, 30))) == (6, time(21, 30))
    assert [day_name(n) for n in range(7)] == list(DAY_NAMES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9点", time(9, 0)),
        ("9点半", time(9, 30)),
        ("9点05分", time(9, 5)),
        ("21点", time(21, 0)),
        ("上午 9 点", time(9, 0)),
        ("下午6点", time(18, 0)),
        ("下午6点半", time(18, 30)),
        ("晚上9点15分", time(21, 15)),
        ("下午6:30", time(18, 30)),
        ("中午", time(12, 0)),
        ("中午1点", time(13, 0)),
        ("凌晨12点", time(0, 0)),
    ],
)
def test_chinese_times_are_read(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25点", "9点61", "晚上", "下午abc", "9:5", "9:"])
def test_not_quite_a_chinese_time_is_refused(text: str) -> None:
    with pytest.raises(WallClockError, match="as a time"):
        parse_time(text)


def test_a_chinese_day_and_time_in_one_line() -> None:
    assert parse_weekday_time("周三下午6点") == (2, time(18, 0))
    assert parse_weekday_time("星期五 晚上8点半") == (4, time(20, 30))
