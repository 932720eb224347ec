"""The `/setup show` rules: each problem is found, and each comes with a fix."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.domain.health import (
    ChannelFacts,
    ChannelPurpose,
    Finding,
    RoleFacts,
    RolePurpose,
    ServerFacts,
    Severity,
    check_health,
)
from bot.i18n import language


def facts(**changes: object) -> ServerFacts:
    healthy = ServerFacts(
        bot_can_manage_roles=True,
        bot_top_role_name="mentorbot",
        bot_top_role_position=10,
        members_intent=True,
        roles=(
            RoleFacts(RolePurpose.DIRECTOR, 1, "Director", position=12),
            RoleFacts(RolePurpose.MENTOR, 2, "Mentor", position=3),
            RoleFacts(RolePurpose.MENTEE, 3, "Mentee", position=2),
        ),
        channels=(
            ChannelFacts(ChannelPurpose.INTRODUCTIONS, 10, "introductions"),
            ChannelFacts(ChannelPurpose.SESSIONS, 11, "sessions"),
            ChannelFacts(ChannelPurpose.DIRECTOR_LOG, 12, "director-log"),
        ),
    )
    return dataclasses.replace(healthy, **changes)  # type: ignore[arg-type]


def with_channel(purpose: ChannelPurpose, **changes: object) -> ServerFacts:
    base = facts()
    channels = tuple(
        dataclasses.replace(c, **changes) if c.purpose is purpose else c  # type: ignore[arg-type]
        for c in base.channels
    )
    return dataclasses.replace(base, channels=channels)


def test_healthy_server_has_no_problems() -> None:
    report = check_health(facts())
    assert report.healthy
    assert all(f.severity is Severity.OK for f in report.findings)
    # The director role sits above the bot: that is normal, the bot never assigns it.
    assert any("Director" in f.subject for f in report.findings)


@pytest.mark.parametrize(
    ("purpose", "field", "permission"),
    [
        (ChannelPurpose.INTRODUCTIONS, "create_private_threads", "Create Private Threads"),
        (ChannelPurpose.SESSIONS, "send_in_threads", "Send Messages in Threads"),
        (ChannelPurpose.SESSIONS, "send_messages", "Send Messages"),
        (ChannelPurpose.INTRODUCTIONS, "view", "View Channel"),
        (ChannelPurpose.DIRECTOR_LOG, "send_messages", "Send Messages"),
        (ChannelPurpose.DIRECTOR_LOG, "embed_links", "Embed Links"),
    ],
)
def test_missing_channel_permission(purpose: ChannelPurpose, field: str, permission: str) -> None:
    report = check_health(with_channel(purpose, **{field: False}))
    [problem] = report.problems
    assert permission in problem.message
    assert purpose.value in problem.subject
    assert permission in problem.fix and problem.fix.endswith(".")


def test_director_log_needs_no_thread_permissions() -> None:
    report = check_health(with_channel(ChannelPurpose.DIRECTOR_LOG, create_private_threads=False))
    assert report.problems == ()


def test_deleted_and_non_text_channels() -> None:
    report = check_health(with_channel(ChannelPurpose.SESSIONS, name=None))
    assert "no longer exists" in report.problems[0].message
    report = check_health(with_channel(ChannelPurpose.SESSIONS, is_text=False))
    assert "text channels" in report.problems[0].message


def test_role_above_the_bot() -> None:
    base = facts()
    roles = (base.roles[0], dataclasses.replace(base.roles[1], position=11), base.roles[2])
    [problem] = check_health(dataclasses.replace(base, roles=roles)).problems
    assert "@Mentor" in problem.subject
    assert "above the bot's highest role" in problem.message
    assert "drag @mentorbot above @Mentor" in problem.fix


def test_role_at_same_position_as_bot_is_a_problem() -> None:
    base = facts()
    roles = (base.roles[0], base.roles[1], dataclasses.replace(base.roles[2], position=10))
    assert len(check_health(dataclasses.replace(base, roles=roles)).problems) == 1


def test_missing_manage_roles_reported_per_assigned_role() -> None:
    report = check_health(facts(bot_can_manage_roles=False))
    assert len(report.problems) == 2
    assert all("Manage Roles" in p.message for p in report.problems)


def test_managed_and_deleted_roles() -> None:
    base = facts()
    roles = (
        base.roles[0],
        dataclasses.replace(base.roles[1], managed=True),
        dataclasses.replace(base.roles[2], name=None),
    )
    problems = check_health(dataclasses.replace(base, roles=roles)).problems
    assert {p.message for p in problems} == {
        "This role belongs to an integration, so nobody can assign it.",
        "The configured role no longer exists.",
    }


def test_missing_members_intent() -> None:
    [problem] = check_health(facts(members_intent=False)).problems
    assert "Server Members Intent" in problem.fix


def test_not_configured() -> None:
    report = check_health(
        facts(roles=(), channels=(), roles_configured=False, channels_configured=False)
    )
    fixes = " ".join(p.fix for p in report.problems)
    assert "/setup roles" in fixes and "/setup channels" in fixes


def test_thread_readers_warned_only_for_confidential_channels() -> None:
    readers = (("@Moderators", "Manage Threads"), ("@Admin", "Administrator"))
    report = check_health(with_channel(ChannelPurpose.SESSIONS, thread_readers=readers))
    [warning] = report.warnings
    assert "@Moderators (Manage Threads)" in warning.message
    assert "@Admin (Administrator)" in warning.message
    assert "confidentiality" in warning.message
    assert warning.fix
    report = check_health(with_channel(ChannelPurpose.DIRECTOR_LOG, thread_readers=readers))
    assert report.warnings == ()


def test_every_problem_has_a_one_sentence_fix() -> None:
    worst = ServerFacts(
        bot_can_manage_roles=False,
        bot_top_role_name="mentorbot",
        bot_top_role_position=1,
        members_intent=False,
        roles=(RoleFacts(RolePurpose.MENTOR, 2, "Mentor", position=5),),
        channels=tuple(
            ChannelFacts(
                purpose,
                i,
                f"c{i}",
                view=False,
                send_messages=False,
                embed_links=False,
                create_private_threads=False,
                send_in_threads=False,
                thread_readers=(("@Mods", "Manage Threads"),),
            )
            for i, purpose in enumerate(ChannelPurpose)
        ),
        roles_configured=False,
        sessions_waiting_for_thread=3,
    )
    report = check_health(worst)
    assert len(report.problems) > 10
    for finding in (*report.problems, *report.warnings):
        assert finding.fix, finding
        assert finding.fix.rstrip(".").count(". ") == 0, finding.fix


def sessions_findings(waiting: int) -> list[Finding]:
    report = check_health(facts(sessions_waiting_for_thread=waiting))
    return [f for f in report.findings if f.topic == "sessions"]


def test_sessions_waiting_for_their_thread_are_counted_with_what_fixes_them() -> None:
    assert sessions_findings(0) == []
    [one] = sessions_findings(1)
    assert one.severity is Severity.WARNING
    assert one.subject == "Session threads"
    assert one.message == "1 session is still waiting for its private thread."
    assert "Create Private Threads" in one.fix and "`/setup channels`" in one.fix
    assert "made as soon as" in one.fix
    [three] = sessions_findings(3)
    assert three.message == "3 sessions are still waiting for their private threads."
    with language("zh-CN"):
        [chinese] = sessions_findings(3)
    assert chinese.message == "3 场会面仍在等待其私密讨论串。"
    assert "`/setup channels`" in chinese.fix and chinese.fix.endswith("。")


def test_the_report_is_written_in_the_current_language() -> None:
    base = facts(bot_can_manage_roles=False, members_intent=False)
    readers = (("@Mods", "管理子区"),)
    channels = tuple(
        dataclasses.replace(c, send_messages=False, thread_readers=readers) for c in base.channels
    )
    with language("zh-CN"):
        report = check_health(dataclasses.replace(base, channels=channels))
    assert report.problems and report.warnings
    for finding in report.findings:
        for text in (finding.subject, finding.message, finding.fix):
            # Names the server chose and Discord's developer settings (English only) aside.
            rest = re.sub(
                r"[#@][\w-]+|Server Members Intent|Discord Developer Portal|Bot|"
                r"Privileged Gateway Intents|mentorbot",
                "",
                text,
            )
            assert not re.search(r"[A-Za-z]{3,}", rest), text
        if finding.fix:
            assert finding.fix.endswith("。") and finding.fix.count("。") == 1, finding.fix
    [subject] = {f.subject for f in report.findings if f.topic == "channel" and "会面" in f.subject}
    assert subject == "#sessions（会面）"
