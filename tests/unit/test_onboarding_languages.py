"""The sign-up's language: the answer is the member's choice, a sign-up from before the
question keeps a language, and what the service shows follows the current language."""

from __future__ import annotations

import pytest

from bot.db.database import Database
from bot.domain import questionnaire as qn
from bot.i18n import language
from bot.services.languages import LanguageService
from bot.services.members import dump_json
from bot.services.onboarding import OnboardingService
from tests.support import FakeClock
from tests.unit.support import MENTEE_STEPS, QUESTIONNAIRE, walk_signup

GUILD = 1100000000000000100
ALICE = 1100000000000000201

WHOLE_SIGNUP: dict[str, object] = {k: v for step in MENTEE_STEPS[1:] for k, v in step.items()}
"""Every answer but the language, as a sign-up from before the question gave them."""


@pytest.fixture
def service(db: Database, clock: FakeClock) -> OnboardingService:
    return OnboardingService(db, clock, QUESTIONNAIRE)


async def test_the_language_is_asked_first_and_stored_as_the_members_choice(
    service: OnboardingService, db: Database
) -> None:
    languages = LanguageService(db)
    screen = await service.start(GUILD, ALICE)
    assert screen.step is not None and screen.step.questions[0].id == qn.LANGUAGE_QUESTION
    assert await languages.of_member(GUILD, ALICE) is None
    screen = await service.answer(GUILD, ALICE, {qn.LANGUAGE_QUESTION: ["zh-CN"]})
    assert await languages.of_member(GUILD, ALICE) == "zh-CN"
    assert screen.step is not None and screen.step.questions[0].id == "role"
    with language("zh-CN"):
        assert str(screen.step.progress) == "第 2 步，共 8 步"
        step = (await service.screen(GUILD, ALICE)).step
        assert step is not None and step.questions[0].label == "学员还是导师？"


async def test_answers_from_before_the_question_keep_the_language_they_are_given_in(
    service: OnboardingService, db: Database
) -> None:
    await service.start(GUILD, ALICE)
    with language("zh-CN"):
        screen = await service.answer(GUILD, ALICE, WHOLE_SIGNUP)
    assert screen.complete, "not sent back to the language question"
    assert screen.answers[qn.LANGUAGE_QUESTION] == "zh-CN"
    assert await LanguageService(db).of_member(GUILD, ALICE) == "zh-CN"
    await service.complete(GUILD, ALICE)
    record = await service.get(GUILD, ALICE)
    assert record is not None and record.answers[qn.LANGUAGE_QUESTION] == "zh-CN"


async def test_a_stored_choice_stands_for_a_missing_answer(
    service: OnboardingService, db: Database
) -> None:
    """A member who signed up before the question: their answers lack it."""
    await walk_signup(service, GUILD, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    await service.set_role_assigned(GUILD, ALICE, True)
    record = await service.get(GUILD, ALICE)
    assert record is not None
    before = {k: v for k, v in record.answers.items() if k != qn.LANGUAGE_QUESTION}
    await db.execute(
        "UPDATE members SET answers = ?, language = 'zh-CN' WHERE user_id = ?",
        (dump_json(before), ALICE),
    )
    screen = await service.screen(GUILD, ALICE)  # answered in English
    assert screen.complete and screen.answers[qn.LANGUAGE_QUESTION] == "zh-CN"
    assert not await service.needs_completion(GUILD, ALICE)


async def test_the_profile_and_the_export_follow_the_readers_language(
    service: OnboardingService,
) -> None:
    await walk_signup(service, GUILD, ALICE, MENTEE_STEPS)
    await service.complete(GUILD, ALICE)
    profile = await service.profile(GUILD, ALICE, viewer="self")
    assert profile is not None and ("Language", "English") in profile.rows
    with language("zh-CN"):
        profile = await service.profile(GUILD, ALICE, viewer="director")
        assert profile is not None
        rows = dict(profile.rows)
        assert rows["你的领域"] == "领导力、产品"
        assert rows["你的目标"].startswith("2 个目标")
        [part] = await service.export_member(GUILD, ALICE)
        assert part.title == "你的报名"
    [part] = await service.export_member(GUILD, ALICE)
    assert isinstance(part.content, dict) and part.content["Answers"]["Language"] == "English"
