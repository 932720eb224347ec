"""The `/setup show` health check: what the bot will need, what is missing, how to fix it.

The Discord layer turns the live server into the plain facts below; the rules that decide
what is a problem, and the one-sentence fix for each, live here so they are tested without
Discord. The report is written in the current language (the server's: `/setup` is a
directors' screen); permission names are Discord's own, as its settings show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from bot.i18n import N_, Text, _, n_


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


CHANNEL_LABELS: dict[ChannelPurpose, Text] = {
    ChannelPurpose.INTRODUCTIONS: N_("introductions"),
    ChannelPurpose.SESSIONS: N_("sessions"),
    ChannelPurpose.CHECKIN_FALLBACK: N_("check-in fallback"),
    ChannelPurpose.DIRECTOR_LOG: N_("director log"),
}
"""How a channel's purpose is named in a sentence."""

ROLE_LABELS: dict[RolePurpose, Text] = {
    RolePurpose.DIRECTOR: N_("Director"),
    RolePurpose.MENTOR: N_("Mentor"),
    RolePurpose.MENTEE: N_("Mentee"),
}
"""How a programme role is named."""

_PERMISSIONS: dict[str, Text] = {
    "View Channel": N_("View Channel"),
    "Send Messages": N_("Send Messages"),
    "Embed Links": N_("Embed Links"),
    "Create Private Threads": N_("Create Private Threads"),
    "Send Messages in Threads": N_("Send Messages in Threads"),
}
"""Discord's permission names, as its channel settings show them in each language."""


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
    # Sessions logged whose private thread is not made yet (channel or permission missing).
    sessions_waiting_for_thread: int = 0


Topic = Literal["setup", "intent", "channel", "role", "delivery", "sessions"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    subject: str
    message: str
    fix: str = ""
    topic: Topic = "setup"
    """What the finding is about, whatever language its words are in."""


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
    findings.extend(_session_thread_findings(facts))
    return HealthReport(tuple(findings))


def _setup_findings(facts: ServerFacts) -> list[Finding]:
    findings = []
    if not facts.roles_configured:
        findings.append(
            Finding(
                Severity.PROBLEM,
                _("Roles"),
                _("The Director, Mentor and Mentee roles are not set."),
                _("Run `/setup roles` and pick the three roles."),
            )
        )
    if not facts.channels_configured:
        findings.append(
            Finding(
                Severity.PROBLEM,
                _("Channels"),
                _("The introductions and sessions channels are not set."),
                _(
                    "Run `/setup channels` and pick at least the introductions and sessions "
                    "channels."
                ),
            )
        )
    return findings


def _intent_findings(facts: ServerFacts) -> list[Finding]:
    subject = _("Server Members intent")
    if facts.members_intent:
        return [
            Finding(Severity.OK, subject, _("Enabled: new members are greeted."), topic="intent")
        ]
    return [
        Finding(
            Severity.PROBLEM,
            subject,
            _("The bot is not receiving member joins, so new members are not greeted."),
            _(
                "In the Discord Developer Portal open your app → Bot → Privileged Gateway "
                "Intents, turn on Server Members Intent, then restart the bot."
            ),
            topic="intent",
        )
    ]


def _channel_findings(channel: ChannelFacts) -> list[Finding]:
    purpose = str(CHANNEL_LABELS[channel.purpose])
    subject = (
        _("#{channel} ({purpose})", channel=channel.name, purpose=purpose)
        if channel.name
        else purpose
    )
    if channel.name is None:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                _("The configured channel no longer exists."),
                _("Run `/setup channels` again and pick an existing text channel."),
                topic="channel",
            )
        ]
    if not channel.is_text:
        return [
            Finding(
                Severity.PROBLEM,
                subject,
                _("Private threads can only be created in text channels."),
                _("Run `/setup channels` again and pick a text channel."),
                topic="channel",
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
            _("The bot is missing **{permission}** here.", permission=_PERMISSIONS[permission]),
            _(
                "Edit #{channel} → Permissions and allow {permission} for the bot's role.",
                channel=channel.name,
                permission=_PERMISSIONS[permission],
            ),
            topic="channel",
        )
        for permission, granted in needed
        if not granted
    ]
    if not findings:
        findings.append(
            Finding(
                Severity.OK, subject, _("The bot has every permission it needs."), topic="channel"
            )
        )
    if channel.purpose in CONFIDENTIAL_CHANNELS and channel.thread_readers:
        readers = _(", ").join(
            _("{role} ({permission})", role=name, permission=via)
            for name, via in channel.thread_readers
        )
        findings.append(
            Finding(
                Severity.WARNING,
                subject,
                _(
                    "These roles can read every private thread here: {roles}. "
                    "That breaks the confidentiality a mentoring pair expects.",
                    roles=readers,
                ),
                _(
                    "Give those roles only to people the pairs have agreed may read them, or "
                    "deny Manage Threads to them in #{channel}.",
                    channel=channel.name,
                ),
                topic="channel",
            )
        )
    return findings


def _role_findings(role: RoleFacts, facts: ServerFacts) -> list[Finding]:
    purpose = ROLE_LABELS[role.purpose]
    subject = (
        _("@{role} ({purpose} role)", role=role.name, purpose=purpose)
        if role.name
        else _("{purpose} role", purpose=purpose)
    )

    def finding(severity: Severity, message: str, fix: str = "") -> list[Finding]:
        return [Finding(severity, subject, message, fix, topic="role")]

    if role.name is None:
        return finding(
            Severity.PROBLEM,
            _("The configured role no longer exists."),
            _("Run `/setup roles` again and pick an existing role."),
        )
    if role.purpose not in ASSIGNED_ROLES:
        return finding(Severity.OK, _("Members with this role can use director commands."))
    if role.managed:
        return finding(
            Severity.PROBLEM,
            _("This role belongs to an integration, so nobody can assign it."),
            _("Run `/setup roles` again and pick an ordinary role for Mentors.")
            if role.purpose is RolePurpose.MENTOR
            else _("Run `/setup roles` again and pick an ordinary role for Mentees."),
        )
    if not facts.bot_can_manage_roles:
        return finding(
            Severity.PROBLEM,
            _("The bot lacks **Manage Roles**, so it cannot give this role after onboarding."),
            _("Server Settings → Roles → the bot's role: turn on Manage Roles."),
        )
    if role.position >= facts.bot_top_role_position:
        return finding(
            Severity.PROBLEM,
            _(
                "This role is above the bot's highest role (@{bot_role}), so the bot cannot "
                "give it.",
                bot_role=facts.bot_top_role_name,
            ),
            _(
                "Server Settings → Roles: drag @{bot_role} above @{role}.",
                bot_role=facts.bot_top_role_name,
                role=role.name,
            ),
        )
    return finding(Severity.OK, _("The bot can give this role."))


UNDELIVERABLE_SHOWN = 10


def _delivery_findings(facts: ServerFacts) -> list[Finding]:
    """Mentees who get no check-ins at all: their DMs are closed and there was no fallback."""
    ids = facts.undeliverable_member_ids
    if not ids:
        return []
    shown = _(", ").join(f"<@{member_id}>" for member_id in ids[:UNDELIVERABLE_SHOWN])
    if len(ids) > UNDELIVERABLE_SHOWN:
        shown = _("{members} and {count} more", members=shown, count=len(ids) - UNDELIVERABLE_SHOWN)
    return [
        Finding(
            Severity.WARNING,
            _("Check-in delivery"),
            n_(
                "{count} member did not get their last check-in: their DMs are closed and "
                "there was no check-in fallback channel: {members}.",
                "{count} members did not get their last check-in: their DMs are closed and "
                "there was no check-in fallback channel: {members}.",
                len(ids),
                members=shown,
            ),
            _(
                "Run `/setup channels` and pick a check-in fallback channel, or ask them to "
                "allow direct messages from this server."
            ),
            topic="delivery",
        )
    ]


def _session_thread_findings(facts: ServerFacts) -> list[Finding]:
    """Sessions without their private thread: the pair has nowhere to share reflections
    until the sessions channel lets the bot make it (it is made once that is fixed)."""
    waiting = facts.sessions_waiting_for_thread
    if not waiting:
        return []
    return [
        Finding(
            Severity.WARNING,
            _("Session threads"),
            n_(
                "{count} session is still waiting for its private thread.",
                "{count} sessions are still waiting for their private threads.",
                waiting,
            ),
            _(
                "Give the bot {view}, {create} and {send} in the sessions channel, or pick "
                "another sessions channel with `/setup channels`: the waiting threads are made "
                "as soon as the bot can.",
                view=_PERMISSIONS["View Channel"],
                create=_PERMISSIONS["Create Private Threads"],
                send=_PERMISSIONS["Send Messages in Threads"],
            ),
            topic="sessions",
        )
    ]
