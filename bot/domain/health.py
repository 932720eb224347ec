"""The `/setup show` health check: what the bot will need, what is missing, how to fix it.

The Discord layer turns the live server into the plain facts below; the rules that decide
what is a problem, and the one-sentence fix for each, live here so they are tested without
Discord.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


class ChannelPurpose(StrEnum):
    INTRODUCTIONS = "introductions"
    SESSIONS = "sessions"
    CHECKIN_FALLBACK = "check-in fallback"
    DIRECTOR_LOG = "director log"


class RolePurpose(StrEnum):
    DIRECTOR = "Director"
    MENTOR = "Mentor"
    MENTEE = "Mentee"


# Channels where the bot opens private threads; the director log only receives posts.
THREAD_CHANNELS = frozenset(
    {ChannelPurpose.INTRODUCTIONS, ChannelPurpose.SESSIONS, ChannelPurpose.CHECKIN_FALLBACK}
)
# Roles the bot hands out at the end of onboarding.
ASSIGNED_ROLES = frozenset({RolePurpose.MENTOR, RolePurpose.MENTEE})
# Channels whose private threads hold a pair's words.
CONFIDENTIAL_CHANNELS = frozenset({ChannelPurpose.INTRODUCTIONS, ChannelPurpose.SESSIONS})


@dataclass(frozen=True)
class ChannelFacts:
    """The bot's effective permissions in one configured channel."""

    purpose: ChannelPurpose
    channel_id: int
    name: str | None  # None: the channel no longer exists
    is_text: bool = True
    view: bool = True
    send_messages: bool = True
    embed_links: bool = True
    create_private_threads: bool = True
    send_in_threads: bool = True
    # Roles that can read every private thread here, with the permission that allows it.
    thread_readers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RoleFacts:
    purpose: RolePurpose
    role_id: int
    name: str | None  # None: the role no longer exists
    position: int = 0
    managed: bool = False


@dataclass(frozen=True)
class ServerFacts:
    bot_can_manage_roles: bool
    bot_top_role_name: str
    bot_top_role_position: int
    members_intent: bool
    roles: tuple[RoleFacts, ...] = ()
    channels: tuple[ChannelFacts, ...] = ()
    roles_configured: bool = True
    channels_configured: bool = True
    # Members whose latest check-in prompt could not be delivered (DMs closed, no fallback).
    undeliverable_member_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Finding:
    severity: Severity
    subject: str
    message: str
    fix: str = ""


@dataclass(frozen=True)
class HealthReport:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.PROBLEM)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def healthy(self) -> bool:
        return not self.problems and not self.warnings


def check_health(facts: ServerFacts) -> HealthReport:
    findings: list[Finding] = []
    findings.extend(_setup_findings(facts))
    findings.extend(_intent_findings(facts))
    for channel in facts.channels:
        findings.extend(_channel_findings(channel))
    for role in facts.roles:
        findings.extend(_role_findings(role, facts))
    findings.extend(_delivery_findings(facts))
    return HealthReport(tuple(findings))


def _setup_findings(facts: ServerFacts) -> list[Finding]:
    findings = []
    if not facts.roles_configured:
        findings.append(
            Finding(
                Severity.PROBLEM,
                "Roles",
                "The Director, Mentor and Mentee roles are not set.",
                "Run `/setup roles` and pick the three roles.",
            )
        )
    if not facts.channels_configured:
        findings.append(
            Finding(
                Severity.PROBLEM,
                "Channels",
                "The introductions and sessions channels are not set.",
                "Run `/setup channels` and pick at least the introductions and sessions channels.",
            )
        )
    return findings


def _intent_findings(facts: ServerFacts) -> list[Finding]:
    if facts.members_intent:
        return [Finding(Severity.OK, "Server Members intent", "Enabled: new members are greeted.")]
    return [
        Finding(
            Severity.PROBLEM,
            "Server Members intent",
            "The bot is not receiving member joins, so new members are not greeted.",
            "In the Discord Developer Portal open your app → Bot → Privileged Gateway Intents, "
            "turn on Server Members Intent, then restart the bot.",
        )
    ]


def _channel_findings(channel: ChannelFacts) -> list[Finding]:
    subject = f"#{channel.name} ({channel.purpose})" if channel.name else str(channel.purpose)
    if channel.name is None:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                "The configured channel no longer exists.",
                "Run `/setup channels` again and pick an existing text channel.",
            )
        ]
    if not channel.is_text:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                "Private threads can only be created in text channels.",
                "Run `/setup channels` again and pick a text channel.",
            )
        ]
    needed = [("View Channel", channel.view), ("Send Messages", channel.send_messages)]
    if channel.purpose is ChannelPurpose.DIRECTOR_LOG:
        needed.append(("Embed Links", channel.embed_links))
    if channel.purpose in THREAD_CHANNELS:
        needed += [
            ("Create Private Threads", channel.create_private_threads),
            ("Send Messages in Threads", channel.send_in_threads),
        ]
    findings = [
        Finding(
            Severity.PROBLEM,
            subject,
            f"The bot is missing **{permission}** here.",
            f"Edit #{channel.name} → Permissions and allow {permission} for the bot's role.",
        )
        for permission, granted in needed
        if not granted
    ]
    if not findings:
        findings.append(Finding(Severity.OK, subject, "The bot has every permission it needs."))
    if channel.purpose in CONFIDENTIAL_CHANNELS and channel.thread_readers:
        readers = ", ".join(f"{name} ({via})" for name, via in channel.thread_readers)
        findings.append(
            Finding(
                Severity.WARNING,
                subject,
                f"These roles can read every private thread here: {readers}. "
                "That breaks the confidentiality a mentoring pair expects.",
                "Give those roles only to people the pairs have agreed may read them, or deny "
                f"Manage Threads to them in #{channel.name}.",
            )
        )
    return findings


def _role_findings(role: RoleFacts, facts: ServerFacts) -> list[Finding]:
    subject = f"@{role.name} ({role.purpose} role)" if role.name else f"{role.purpose} role"
    if role.name is None:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                "The configured role no longer exists.",
                "Run `/setup roles` again and pick an existing role.",
            )
        ]
    if role.purpose not in ASSIGNED_ROLES:
        return [Finding(Severity.OK, subject, "Members with this role can use director commands.")]
    if role.managed:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                "This role belongs to an integration, so nobody can assign it.",
                f"Run `/setup roles` again and pick an ordinary role for {role.purpose}s.",
            )
        ]
    if not facts.bot_can_manage_roles:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                "The bot lacks **Manage Roles**, so it cannot give this role after onboarding.",
                "Server Settings → Roles → the bot's role: turn on Manage Roles.",
            )
        ]
    if role.position >= facts.bot_top_role_position:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                f"This role is above the bot's highest role (@{facts.bot_top_role_name}), so the "
                "bot cannot give it.",
                f"Server Settings → Roles: drag @{facts.bot_top_role_name} above @{role.name}.",
            )
        ]
    return [Finding(Severity.OK, subject, "The bot can give this role.")]


UNDELIVERABLE_SHOWN = 10


def _delivery_findings(facts: ServerFacts) -> list[Finding]:
    """Mentees who get no check-ins at all: their DMs are closed and there was no fallback."""
    ids = facts.undeliverable_member_ids
    if not ids:
        return []
    shown = ", ".join(f"<@{member_id}>" for member_id in ids[:UNDELIVERABLE_SHOWN])
    more = f" and {len(ids) - UNDELIVERABLE_SHOWN} more" if len(ids) > UNDELIVERABLE_SHOWN else ""
    return [
        Finding(
            Severity.WARNING,
            "Check-in delivery",
            f"{len(ids)} member(s) did not get their last check-in: their DMs are closed and "
            f"there was no check-in fallback channel: {shown}{more}.",
            "Run `/setup channels` and pick a check-in fallback channel, or ask them to allow "
            "direct messages from this server.",
        )
    ]
