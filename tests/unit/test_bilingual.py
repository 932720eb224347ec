"""A pair's thread speaks the language the two share, or both when they differ, and a post
in both languages still fits Discord's limits."""

from __future__ import annotations

from bot.db.database import Database
from bot.i18n import LANGUAGES, _, current_language
from bot.services.languages import LanguageService
from bot.ui import bilingual
from tests.support import FakeClock
from tests.unit.support import GUILD, MENTEE, MENTOR, add_guild_settings, add_member


async def test_the_pair_reads_the_language_they_share_else_both(
    db: Database, clock: FakeClock
) -> None:
    await add_guild_settings(db, clock)
    await add_member(db, clock, MENTEE)
    await add_member(db, clock, MENTOR, role="mentor")
    languages = LanguageService(db)
    assert await bilingual.pair_languages(languages, GUILD, MENTEE, MENTOR) == ("en",)
    await languages.set_member(GUILD, MENTEE, "zh-CN")
    assert await bilingual.pair_languages(languages, GUILD, MENTEE, MENTOR) == LANGUAGES
    await languages.set_member(GUILD, MENTOR, "zh-CN")
    assert await bilingual.pair_languages(languages, GUILD, MENTEE, MENTOR) == ("zh-CN",)


def test_each_part_is_built_in_its_language_and_the_whole_fits() -> None:
    assert bilingual.each(LANGUAGES, current_language) == ["en", "zh-CN"]
    assert current_language() == "en", "the language in use is given back"
    both = bilingual.blocks(LANGUAGES, lambda: _("Mentee") + "x" * 3000, limit=2000)
    assert len(both) <= 2000 and both.startswith("Mentee") and "\n\n学员" in both
    assert bilingual.joined(LANGUAGES, lambda: _("Mark as read"), limit=80) == (
        "Mark as read / 标记为已读"
    )
    same = bilingual.joined(LANGUAGES, lambda: "y" * 100, limit=80)
    assert len(same) == 80 and " / " not in same, "a text the same in both is shown once"
    assert len(bilingual.joined(LANGUAGES, lambda: _("Apply") + "z" * 100, limit=80)) <= 80
