"""The language machinery: lookups, plurals, later translation, numbers, the stored choice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.i18n import (
    N_,
    Nn_,
    _,
    _core,
    current_language,
    duration,
    from_locale,
    language,
    n_,
    number,
    percent,
    set_language,
)
from bot.i18n._core import translations
from bot.services.languages import LanguageService
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, MENTOR, add_member


def test_a_message_is_answered_in_the_current_language() -> None:
    assert _("Sign up for the mentoring programme") == "Sign up for the mentoring programme"
    with language("zh-CN"):
        assert _("Sign up for the mentoring programme") == "报名参加导师计划"
    assert current_language() == "en"


def test_a_message_without_a_translation_falls_back_to_english() -> None:
    with language("zh-CN"):
        assert _("No such message: {x}", x=1) == "No such message: 1"


def test_plural_forms_follow_the_language() -> None:
    assert n_("{count} goal", "{count} goals", 1) == "1 goal"
    assert n_("{count} goal", "{count} goals", 2) == "2 goals"
    with language("zh-CN"):
        # Chinese has one form; without a catalogue entry the English forms are used.
        assert n_("{count} goal", "{count} goals", 0) == "0 goals"
    assert translations("zh-CN").plural(5) == 0  # type: ignore[attr-defined]


def test_a_kept_message_is_translated_when_shown() -> None:
    kept = N_("Sign up for the mentoring programme")
    many = Nn_("{count} goal", "{count} goals", 3)
    with language("zh-CN"):
        assert str(kept) == "报名参加导师计划"
    assert str(kept) == "Sign up for the mentoring programme"
    assert str(many) == "3 goals"
    assert _("{what} now", what=kept) == "Sign up for the mentoring programme now"


def test_discord_locales_map_to_our_two_languages() -> None:
    assert from_locale("zh-CN") == "zh-CN"
    assert from_locale("en-GB") == "en"
    assert from_locale("zh-TW") == "en"
    assert from_locale(None) == "en"


async def test_the_language_belongs_to_the_task_that_set_it() -> None:
    async def speak(lang: str) -> str:
        set_language(lang)  # type: ignore[arg-type]
        await asyncio.sleep(0)
        return current_language()

    results = await asyncio.gather(speak("zh-CN"), speak("en"), speak("zh-CN"))
    assert results == ["zh-CN", "en", "zh-CN"]
    assert current_language() == "en"


def test_numbers_and_durations_are_written_for_the_language() -> None:
    assert number(1234.56) == "1,234.6"
    assert percent(0.834) == "83%"
    assert duration(timedelta(hours=2)) == "2 hours"
    with language("zh-CN"):
        assert duration(timedelta(hours=2)) == "2小时"
        assert duration(timedelta(days=3)) == "3天"


async def test_a_members_choice_is_stored_and_read(db: Database, clock: FakeClock) -> None:
    languages = LanguageService(db)
    await add_member(db, clock, MENTEE)
    assert await languages.of_member(GUILD, MENTEE) is None
    assert await languages.for_member(GUILD, MENTEE) == "en"
    await languages.set_member(GUILD, MENTEE, "zh-CN")
    assert await languages.of_member(GUILD, MENTEE) == "zh-CN"
    assert await languages.of_user(MENTEE) == "zh-CN"
    assert await languages.of_user(MENTEE + 1) is None


async def test_the_servers_language_is_english_until_set(db: Database, clock: FakeClock) -> None:
    languages = LanguageService(db)
    await add_member(db, clock, MENTEE)
    await add_member(db, clock, MENTOR)
    await languages.set_member(GUILD, MENTOR, "en")
    assert await languages.of_server(GUILD) == "en"
    assert await languages.for_member(GUILD, MENTEE) == "en"
    await db.execute(
        "INSERT INTO guild_settings (guild_id, language, updated_at) VALUES (?, 'zh-CN', '')",
        (GUILD,),
    )
    assert await languages.of_server(GUILD) == "zh-CN"
    # A member without a choice reads the server's language; a choice wins over it.
    assert await languages.for_member(GUILD, MENTEE) == "zh-CN"
    assert await languages.for_member(GUILD, MENTOR) == "en"
    assert await languages.for_member(GUILD, 404) == "zh-CN"


async def test_only_our_two_languages_can_be_stored(db: Database, clock: FakeClock) -> None:
    await add_member(db, clock, MENTEE)
    with pytest.raises(Exception, match="CHECK"):
        await db.execute("UPDATE members SET language = 'fr' WHERE user_id = ?", (MENTEE,))


def test_an_entry_still_to_translate_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "zh_CN"
    folder.mkdir()
    (folder / "common.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "{count} apple"\nmsgid_plural "{count} apples"\nmsgstr[0] ""\n\n'
        'msgid "Hello"\nmsgstr ""\n\n'
        'msgid "Bye"\nmsgstr "再见"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(_core, "LOCALES", tmp_path)
    translations.cache_clear()
    try:
        with language("zh-CN"):
            assert n_("{count} apple", "{count} apples", 3) == "3 apples"
            assert _("Hello") == "Hello"
            assert _("Bye") == "再见"
    finally:
        monkeypatch.undo()
        translations.cache_clear()
