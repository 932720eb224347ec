"""The fake Discord's state: users, guilds, roles, channels, threads, members and messages.

Plain dataclasses with int ids. Tests build a world (see ``standard_world``), hand it to
``FakeDiscord`` and may keep mutating it; the REST routes and the gateway read it live.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    """Time-based, strictly increasing ids, so discord.py's ``created_at`` looks current."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, now)
        return self._last


def _flag(name: str) -> int:
    return int(discord.Permissions.VALID_FLAGS[name])


class P:
    """Permission bits with Discord's real values (``P.SEND_MESSAGES | P.VIEW_CHANNEL``)."""

    CREATE_INSTANT_INVITE = _flag("create_instant_invite")
    KICK_MEMBERS = _flag("kick_members")
    BAN_MEMBERS = _flag("ban_members")
    ADMINISTRATOR = _flag("administrator")
    MANAGE_CHANNELS = _flag("manage_channels")
    MANAGE_GUILD = _flag("manage_guild")
    ADD_REACTIONS = _flag("add_reactions")
    VIEW_AUDIT_LOG = _flag("view_audit_log")
    VIEW_CHANNEL = _flag("view_channel")
    SEND_MESSAGES = _flag("send_messages")
    MANAGE_MESSAGES = _flag("manage_messages")
    EMBED_LINKS = _flag("embed_links")
    ATTACH_FILES = _flag("attach_files")
    READ_MESSAGE_HISTORY = _flag("read_message_history")
    MENTION_EVERYONE = _flag("mention_everyone")
    USE_EXTERNAL_EMOJIS = _flag("use_external_emojis")
    CHANGE_NICKNAME = _flag("change_nickname")
    MANAGE_NICKNAMES = _flag("manage_nicknames")
    MANAGE_ROLES = _flag("manage_roles")
    USE_APPLICATION_COMMANDS = _flag("use_application_commands")
    MANAGE_THREADS = _flag("manage_threads")
    CREATE_PUBLIC_THREADS = _flag("create_public_threads")
    CREATE_PRIVATE_THREADS = _flag("create_private_threads")
    SEND_MESSAGES_IN_THREADS = _flag("send_messages_in_threads")
    MODERATE_MEMBERS = _flag("moderate_members")
    ALL = discord.Permissions.all().value
    #: Roughly what @everyone gets in a new server.
    EVERYONE_DEFAULT = (
        CREATE_INSTANT_INVITE
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | SEND_MESSAGES_IN_THREADS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | EMBED_LINKS
        | ATTACH_FILES
        | ADD_REACTIONS
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
    )


class ChannelType:
    GUILD_TEXT = 0
    DM = 1
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12


class MessageFlags:
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    IS_COMPONENTS_V2 = 1 << 15


def iso(dt: datetime) -> str:
    return dt.isoformat()


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    dms_closed: bool = False
    global_name: str | None = None
    locale: str = "en-US"
    """The language of the member's Discord client, sent with each of their interactions."""

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    bot_id: int | None = None
    mentionable: bool = False
    hoist: bool = False

    @property
    def is_everyone(self) -> bool:
        return self.id == self.guild_id

    @property
    def mention(self) -> str:
        return "@everyone" if self.is_everyone else f"<@&{self.id}>"


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` is 0 for a role, 1 for a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    @classmethod
    def for_(cls, target: Role | User | Member, *, allow: int = 0, deny: int = 0) -> Overwrite:
        if isinstance(target, Role):
            return cls(target.id, 0, allow, deny)
        return cls(target.id, 1, allow, deny)


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: int = ChannelType.GUILD_TEXT
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_id: int | None = None  # DM channels only

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)

    @property
    def is_dm(self) -> bool:
        return self.type == ChannelType.DM


@dataclass(eq=False)
class Thread(Channel):
    owner_id: int = 0
    member_ids: set[int] = field(default_factory=set)
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    created_at: datetime = field(default_factory=utcnow)

    @property
    def private(self) -> bool:
        return self.type == ChannelType.PRIVATE_THREAD


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: datetime = field(default_factory=utcnow)
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id


@dataclass(frozen=True)
class Attachment:
    """A file the bot attached to a message, as uploaded."""

    id: int
    filename: str
    content: bytes

    @property
    def text(self) -> str:
        """The file as a member's client would show a text file."""
        return self.content.decode("utf-8", errors="replace")


@dataclass(eq=False)
class Message:
    """A message as the fake stored it, after any edits; ``deleted`` keeps history readable."""

    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    nonce: str | int | None = None
    guild_id: int | None = None
    interaction_id: int | None = None
    webhook_id: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    edited_at: datetime | None = None
    edits: int = 0
    deleted: bool = False
    #: True for interaction responses and follow-ups: Discord's default mention parsing differs.
    via_interaction: bool = False
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlags.EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & MessageFlags.LOADING)

    @property
    def text(self) -> str:
        """Content plus embed titles/descriptions/fields/footers, flattened for easy asserts."""
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            parts += [str(embed[k]) for k in ("title", "description") if embed.get(k)]
            for f in embed.get("fields", []):
                parts += [str(f.get("name", "")), str(f.get("value", ""))]
            if embed.get("footer", {}).get("text"):
                parts.append(embed["footer"]["text"])
        parts += [
            str(c.get("content", ""))
            for c in walk_components(self.components)
            if c.get("type") == 10
        ]
        return "\n".join(parts)

    # -- components -------------------------------------------------------------------------
    def all_components(self) -> list[dict[str, Any]]:
        return list(walk_components(self.components))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") == 2]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    @property
    def button_labels(self) -> list[str]:
        return [b.get("label", "") for b in self.buttons]

    def button(self, label: str | None = None, *, custom_id: str | None = None) -> dict[str, Any]:
        return _find_component(self, self.buttons, "button", label, custom_id)

    def select(
        self, custom_id: str | None = None, *, placeholder: str | None = None
    ) -> dict[str, Any]:
        candidates = [
            s for s in self.selects if placeholder is None or s.get("placeholder") == placeholder
        ]
        return _find_component(self, candidates, "select", None, custom_id)

    # -- mentions ---------------------------------------------------------------------------
    def _parse_set(self) -> tuple[set[str], list[str], list[str]]:
        am = self.allowed_mentions
        if am is None:
            default = {"users"} if self.via_interaction else {"users", "roles", "everyone"}
            return default, [], []
        return set(am.get("parse", [])), list(am.get("users", [])), list(am.get("roles", []))

    @property
    def pings_everyone(self) -> bool:
        """Would ``@everyone``/``@here`` in the content ping, given allowed_mentions?"""
        parse, _, _ = self._parse_set()
        return ("@everyone" in self.content or "@here" in self.content) and "everyone" in parse

    def pinged_user_ids(self) -> set[int]:
        parse, users, _ = self._parse_set()
        mentioned = {int(m) for m in re.findall(r"<@!?(\d+)>", self.content)}
        if "users" in parse:
            return mentioned
        return mentioned & {int(u) for u in users}

    def pinged_role_ids(self) -> set[int]:
        parse, _, roles = self._parse_set()
        mentioned = {int(m) for m in re.findall(r"<@&(\d+)>", self.content)}
        if "roles" in parse:
            return mentioned
        return mentioned & {int(r) for r in roles}

    @property
    def mentions_allowed(self) -> bool:
        """True if sending this message pings anyone (everyone, a role or a user)."""
        return self.pings_everyone or bool(self.pinged_user_ids() or self.pinged_role_ids())


def walk_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first over action rows, labels, containers and sections."""
    for c in components:
        yield c
        yield from walk_components(c.get("components", []))
        if isinstance(c.get("component"), dict):
            yield from walk_components([c["component"]])
        if isinstance(c.get("accessory"), dict):
            yield from walk_components([c["accessory"]])


def _find_component(
    message: Message,
    items: list[dict[str, Any]],
    kind: str,
    label: str | None,
    custom_id: str | None,
) -> dict[str, Any]:
    for item in items:
        if custom_id is not None and item.get("custom_id") != custom_id:
            continue
        if label is not None and item.get("label") != label:
            continue
        return item
    summary = [(c.get("label") or c.get("placeholder"), c.get("custom_id")) for c in items]
    raise AssertionError(
        f"no {kind} with label={label!r} custom_id={custom_id!r} on message {message.id}; "
        f"it has: {summary}"
    )


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    world: World = field(repr=False)
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    locale: str = "en-US"
    """The server's preferred locale (Community servers set one)."""

    # -- builders ---------------------------------------------------------------------------
    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def add_role(
        self,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        managed: bool = False,
        bot_id: int | None = None,
    ) -> Role:
        """Add a role; without ``position`` it goes on top of the existing ones."""
        if position is None:
            position = max((r.position for r in self.roles.values()), default=0) + 1
        role = Role(self.world.ids.next(), self.id, name, permissions, position, managed, bot_id)
        self.roles[role.id] = role
        return role

    def add_category(self, name: str, *, overwrites: Iterable[Overwrite] = ()) -> Channel:
        return self._add_channel(name, ChannelType.GUILD_CATEGORY, None, overwrites, None)

    def add_text_channel(
        self,
        name: str,
        *,
        overwrites: Iterable[Overwrite] = (),
        category: Channel | None = None,
        topic: str | None = None,
    ) -> Channel:
        parent = category.id if category else None
        return self._add_channel(name, ChannelType.GUILD_TEXT, parent, overwrites, topic)

    def add_announcement_channel(
        self, name: str, *, overwrites: Iterable[Overwrite] = ()
    ) -> Channel:
        """A news channel: messages yes, private threads no (Discord answers 50024)."""
        return self._add_channel(name, ChannelType.GUILD_ANNOUNCEMENT, None, overwrites, None)

    def _add_channel(
        self,
        name: str,
        type_: int,
        parent_id: int | None,
        overwrites: Iterable[Overwrite],
        topic: str | None,
    ) -> Channel:
        channel = Channel(
            self.world.ids.next(),
            name,
            type_,
            self.id,
            len(self.channels),
            parent_id,
            topic,
            list(overwrites),
        )
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: Channel,
        name: str,
        *,
        owner: User,
        private: bool = True,
        invitable: bool = True,
        members: Iterable[User] = (),
    ) -> Thread:
        thread = Thread(
            self.world.ids.next(),
            name,
            ChannelType.PRIVATE_THREAD if private else ChannelType.PUBLIC_THREAD,
            self.id,
            0,
            parent.id,
            owner_id=owner.id,
            invitable=invitable,
            member_ids={owner.id, *(u.id for u in members)},
        )
        self.threads[thread.id] = thread
        return thread

    def add_member(
        self, user: User, *, roles: Iterable[Role] = (), joined_at: datetime | None = None
    ) -> Member:
        member = Member(user, self.id, [r.id for r in roles], joined_at or utcnow())
        self.members[user.id] = member
        return member

    # -- lookups ----------------------------------------------------------------------------
    def channel(self, name: str) -> Channel:
        for c in self.channels.values():
            if c.name == name:
                return c
        raise KeyError(f"no channel #{name} in {self.name}")

    def role(self, name: str) -> Role:
        for r in self.roles.values():
            if r.name == name:
                return r
        raise KeyError(f"no role {name!r} in {self.name}")

    def resolve_channel(self, channel_id: int) -> Channel | None:
        return self.channels.get(channel_id) or self.threads.get(channel_id)

    def bot_role(self) -> Role | None:
        return next((r for r in self.roles.values() if r.bot_id == self.world.bot.id), None)

    # -- permissions (Discord's algorithm) --------------------------------------------------
    def top_position(self, user_id: int) -> int:
        member = self.members[user_id]
        return max((self.roles[r].position for r in member.role_ids if r in self.roles), default=0)

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return P.ALL
        member = self.members.get(user_id)
        if member is None:
            return 0
        perms = self.everyone.permissions
        for role_id in member.role_ids:
            if role_id in self.roles:
                perms |= self.roles[role_id].permissions
        return P.ALL if perms & P.ADMINISTRATOR else perms

    def can_view(self, user_id: int, channel: Channel) -> bool:
        """Whether the member sees the channel at all (a private thread: only its members and
        those with Manage Threads; a member who left sees nothing)."""
        if user_id not in self.members:
            return False
        return bool(self.permissions_in(user_id, channel) & P.VIEW_CHANNEL)

    def may_add_to_thread(self, adder_id: int, thread: Thread) -> bool:
        """Discord's rule for a member adding someone to a thread: they must see it and be
        able to talk in it; in a private thread with ``invitable`` off only moderators
        (Manage Threads) may add anyone."""
        perms = self.permissions_in(adder_id, thread)
        if not perms & P.VIEW_CHANNEL or not perms & P.SEND_MESSAGES_IN_THREADS:
            return False
        if perms & P.MANAGE_THREADS:
            return True
        return not thread.private or (thread.invitable and adder_id in thread.member_ids)

    def permissions_in(self, user_id: int, channel: Channel) -> int:
        """Effective permissions of a member in a channel (threads use their parent's)."""
        if isinstance(channel, Thread):
            parent = self.channels[channel.parent_id] if channel.parent_id else channel
            perms = self.permissions_in(user_id, parent)
            if (
                channel.private
                and user_id not in channel.member_ids
                and not perms & P.MANAGE_THREADS
            ):
                perms &= ~P.VIEW_CHANNEL
            return perms
        perms = self.base_permissions(user_id)
        if perms == P.ALL:
            return perms
        overwrites = {o.id: o for o in channel.overwrites}
        if (ow := overwrites.get(self.id)) is not None:
            perms = (perms & ~ow.deny) | ow.allow
        member = self.members.get(user_id)
        role_ids = member.role_ids if member else []
        allow = deny = 0
        for role_id in role_ids:
            if (ow := overwrites.get(role_id)) is not None and ow.type == 0:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        if (ow := overwrites.get(user_id)) is not None and ow.type == 1:
            perms = (perms & ~ow.deny) | ow.allow
        if not perms & P.VIEW_CHANNEL:
            return 0
        return perms


@dataclass(eq=False)
class Application:
    id: int
    name: str
    #: The Developer Portal's "Server Members Intent" toggle.
    members_intent_enabled: bool = True
    message_content_intent_enabled: bool = True
    presence_intent_enabled: bool = False
    owner_id: int = 0
    description: str = ""
    flags: int = 0


class World:
    """Everything the fake Discord knows. Build it before or after the bot connects."""

    def __init__(self, *, bot_name: str = "mentorbot", app_name: str | None = None) -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}  # by recipient user id
        self.messages: dict[int, list[Message]] = {}  # by channel id
        self.bot = self.add_user(bot_name, bot=True)
        self.app_owner = self.add_user("app-owner")
        self.application = Application(
            self.bot.id, app_name or bot_name, owner_id=self.app_owner.id
        )

    def add_user(self, name: str, *, bot: bool = False, dms_closed: bool = False) -> User:
        user = User(self.ids.next(), name, bot=bot, dms_closed=dms_closed)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: User,
        bot_permissions: int = 0,
        everyone_permissions: int = P.EVERYONE_DEFAULT,
    ) -> Guild:
        """A guild with @everyone, the bot's managed role (on top) and owner + bot as members."""
        guild = Guild(self.ids.next(), name, owner.id, self)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", everyone_permissions, 0)
        bot_role = guild.add_role(
            self.bot.name, permissions=bot_permissions, managed=True, bot_id=self.bot.id
        )
        guild.add_member(owner)
        guild.add_member(self.bot, roles=[bot_role])
        self.guilds[guild.id] = guild
        return guild

    def user(self, name: str) -> User:
        for u in self.users.values():
            if u.name == name:
                return u
        raise KeyError(f"no user named {name!r}")

    def guild(self, name: str) -> Guild:
        for g in self.guilds.values():
            if g.name == name:
                return g
        raise KeyError(f"no guild named {name!r}")

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user`` (created on first use, stable id)."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.ids.next(), "", ChannelType.DM, recipient_id=user.id)
            self.dm_channels[user.id] = channel
        return channel

    def find_channel(self, channel_id: int) -> tuple[Channel, Guild | None] | None:
        for guild in self.guilds.values():
            if (channel := guild.resolve_channel(channel_id)) is not None:
                return channel, guild
        for channel in self.dm_channels.values():
            if channel.id == channel_id:
                return channel, None
        return None

    def all_messages(self) -> Iterator[Message]:
        return itertools.chain.from_iterable(self.messages.values())

    def find_message(self, message_id: int) -> Message | None:
        return next((m for m in self.all_messages() if m.id == message_id), None)
