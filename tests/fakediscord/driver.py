"""``FakeDiscord``: the fake server plus the API a test uses to play the members."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from . import payloads
from .errors import ApiError
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Interaction,
    OptionValue,
    base_payload,
    build_command_data,
    build_modal_components,
    find_command,
    new_token,
)
from .server import FakeServer
from .world import Channel, Guild, Member, Message, Overwrite, Role, Thread, User

MessagePredicate = Callable[[Message], bool]


class FakeDiscord(FakeServer):
    """A fake Discord for one test. ``async with FakeDiscord(world) as fake:`` starts it on a
    free port and points discord.py at it; the test then starts its bot with ``fake.token``.
    """

    # -- members use the bot ----------------------------------------------------------------
    async def slash(
        self,
        user: User,
        guild: Guild | None,
        command: str,
        *,
        channel: Channel | None = None,
        **options: OptionValue,
    ) -> Interaction:
        """Run ``/command`` (e.g. ``"setup channels"``) as ``user``; ``guild=None`` is a DM.

        Option values may be world objects (User/Member/Role/Channel) or raw ids/scalars;
        ``None`` means "not given". The command must have been synced by the bot.
        """
        path = command.lstrip("/").split()
        definition = find_command(self, path[0], guild)
        channel = self._where(user, guild, channel)
        self._require_visible(user, channel)
        data = build_command_data(self, definition, path, guild, channel, options)
        return await self._interact(
            APPLICATION_COMMAND, f"/{' '.join(path)}", user, guild, channel, data
        )

    async def autocomplete(
        self,
        user: User,
        guild: Guild | None,
        command: str,
        *,
        option: str,
        value: str = "",
        channel: Channel | None = None,
        **options: OptionValue,
    ) -> list[dict[str, Any]]:
        """Type into ``option`` of ``/command``; returns the choices the bot offered."""
        path = command.lstrip("/").split()
        definition = find_command(self, path[0], guild)
        channel = self._where(user, guild, channel)
        data = build_command_data(
            self, definition, path, guild, channel, {**options, option: value}, focused=option
        )
        interaction = await self._interact(
            AUTOCOMPLETE,
            f"autocomplete /{' '.join(path)} {option}={value!r}",
            user,
            guild,
            channel,
            data,
        )
        await interaction.response()
        return interaction.choices

    async def click(
        self,
        user: User,
        message: Message | int,
        label: str | None = None,
        *,
        custom_id: str | None = None,
    ) -> Interaction:
        """Press a button (found by label or custom_id) on a DM, channel or ephemeral message."""
        message = self._current(message)
        button = message.button(label, custom_id=custom_id)
        if button.get("disabled"):
            raise AssertionError(f"button {button.get('label')!r} is disabled")
        if "custom_id" not in button:
            raise AssertionError(f"button {button.get('label')!r} is a link button")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(user, message, data, f"button {button.get('label')!r}")

    async def select(
        self,
        user: User,
        message: Message | int,
        values: Iterable[str],
        *,
        custom_id: str | None = None,
        placeholder: str | None = None,
    ) -> Interaction:
        """Choose ``values`` in a string select (checked against its options and min/max)."""
        message = self._current(message)
        menu = message.select(custom_id, placeholder=placeholder)
        chosen = [str(v) for v in values]
        if menu.get("disabled"):
            raise AssertionError(f"select {menu.get('custom_id')!r} is disabled")
        if menu.get("type") == 3:
            offered = [o["value"] for o in menu.get("options", [])]
            unknown = [v for v in chosen if v not in offered]
            if unknown:
                raise AssertionError(
                    f"select {menu['custom_id']!r} has no option(s) {unknown}; it offers {offered}"
                )
        lo, hi = menu.get("min_values", 1), menu.get("max_values", 1)
        if not lo <= len(chosen) <= hi:
            raise AssertionError(
                f"select {menu['custom_id']!r} takes {lo}..{hi} values, got {len(chosen)}"
            )
        data = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": chosen}
        return await self._component(user, message, data, f"select {menu['custom_id']!r}")

    async def submit_modal(
        self, user: User, source: Interaction, values: dict[str, Any]
    ) -> Interaction:
        """Fill and submit the modal the bot opened in answer to ``source``.

        ``values`` maps an input's custom_id or label to its text (a list for selects).
        """
        await source.response()
        modal = source.modal
        if modal is None:
            raise AssertionError(
                f"the bot answered {source.name} without a modal "
                f"(callback type {source.response_type})"
            )
        data = {
            "custom_id": modal["custom_id"],
            "components": build_modal_components(modal, values),
        }
        return await self._interact(
            MODAL_SUBMIT,
            f"modal {modal.get('title')!r}",
            user,
            source.guild,
            source.channel,
            data,
            source_message=source.source_message,
        )

    async def say(self, user: User, channel: Channel, content: str) -> Message:
        """A member writes in a guild channel or thread (MESSAGE_CREATE)."""
        return await self._user_message(user, channel, content)

    async def dm_bot(self, user: User, content: str) -> Message:
        """A member writes to the bot in DMs (MESSAGE_CREATE, needs DIRECT_MESSAGES)."""
        return await self._user_message(user, self.world.dm_channel(user), content)

    # -- reading what the bot did -----------------------------------------------------------
    def dms(self, user: User) -> list[Message]:
        """The bot's DMs to ``user``, oldest first."""
        channel = self.world.dm_channels.get(user.id)
        if channel is None:
            return []
        return [m for m in self.messages(channel) if m.author.id == self.world.bot.id]

    async def wait_for_dm(
        self,
        user: User,
        predicate: MessagePredicate | None = None,
        *,
        after: Message | None = None,
        timeout: float | None = None,
    ) -> Message:
        """The first DM to ``user`` (after ``after``) matching ``predicate``; waits for it."""
        return await self.wait_until(
            lambda: _first(self.dms(user), predicate, after),
            timeout=timeout,
            what=f"a DM to {user.name}" + (" matching the predicate" if predicate else ""),
        )

    def messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in a channel/thread/DM, oldest first (deleted ones left out)."""
        return [
            m
            for m in self.world.messages.get(channel.id, [])
            if not m.deleted and (include_ephemeral or not m.ephemeral)
        ]

    async def wait_for_message(
        self,
        channel: Channel,
        predicate: MessagePredicate | None = None,
        *,
        after: Message | None = None,
        timeout: float | None = None,
    ) -> Message:
        return await self.wait_until(
            lambda: _first(self.messages(channel), predicate, after),
            timeout=timeout,
            what=f"a message in #{channel.name or channel.id}",
        )

    def threads(self, channel: Channel) -> list[Thread]:
        """Threads under a text channel (private and public, archived included)."""
        guild = self.world.guilds.get(channel.guild_id or 0)
        if guild is None:
            return []
        return [t for t in guild.threads.values() if t.parent_id == channel.id]

    def can_read(self, user: User, channel: Channel) -> bool:
        """Whether ``user`` can read ``channel``: their own DM, or a guild channel or thread
        they can view (a private thread only once added, unless they have Manage Threads)."""
        if channel.is_dm:
            return channel.recipient_id == user.id
        guild = self.world.guilds.get(channel.guild_id or 0)
        return guild is not None and guild.can_view(user.id, channel)

    def readable_by(self, user: User) -> list[Message]:
        """Every message ``user`` could read anywhere right now: channels, threads and DMs
        they can see, and the ephemeral answers to their own interactions only."""
        found: list[Message] = []
        for channel_id, messages in self.world.messages.items():
            located = self.world.find_channel(channel_id)
            if located is None:
                continue
            channel, _ = located
            for message in messages:
                if message.deleted:
                    continue
                if message.ephemeral:
                    owner = self.interactions.get(message.interaction_id or 0)
                    if owner is not None and owner.user.id == user.id:
                        found.append(message)
                elif self.can_read(user, channel):
                    found.append(message)
        return found

    def visible_text(self, user: User) -> str:
        """All text ``user`` could see: readable messages and the files attached to them,
        the names of threads they can see and every modal the bot opened for them
        (pre-filled values included), for privacy asserts like
        ``secret not in fake.visible_text(director)``."""
        parts = [m.text for m in self.readable_by(user)]
        parts += [a.text for m in self.readable_by(user) for a in m.attachments]
        for guild in self.world.guilds.values():
            parts += [t.name for t in guild.threads.values() if guild.can_view(user.id, t)]
        for interaction in self.interactions.values():
            if interaction.user.id == user.id and interaction.modal is not None:
                parts.append(json.dumps(interaction.modal, ensure_ascii=False))
        return "\n".join(parts)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """Commands the bot synced: global ones, or a guild's with ``guild=``."""
        if guild is None:
            return list(self.global_commands)
        return list(self.guild_commands.get(guild.id, []))

    def command_names(self, guild: Guild | None = None) -> list[str]:
        return sorted(c["name"] for c in self.commands(guild))

    # -- the world changes (announced over the gateway like Discord does) -------------------
    async def member_join(self, guild: Guild, user: User, *, roles: Iterable[Role] = ()) -> Member:
        member = guild.add_member(user, roles=roles)
        await self.dispatch(
            "GUILD_MEMBER_ADD", payloads.member(member) | {"guild_id": str(guild.id)}
        )
        return member

    async def member_leave(self, guild: Guild, user: User) -> None:
        guild.members.pop(user.id, None)
        for thread in guild.threads.values():
            thread.member_ids.discard(user.id)
        await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": payloads.user(user)}
        )

    async def set_member_roles(self, guild: Guild, user: User, roles: Iterable[Role]) -> None:
        member = guild.members[user.id]
        member.role_ids = [r.id for r in roles]
        await self.dispatch(
            "GUILD_MEMBER_UPDATE", payloads.member(member) | {"guild_id": str(guild.id)}
        )

    async def update_role(
        self,
        role: Role,
        *,
        name: str | None = None,
        permissions: int | None = None,
        position: int | None = None,
    ) -> None:
        if name is not None:
            role.name = name
        if permissions is not None:
            role.permissions = permissions
        if position is not None:
            role.position = position
        await self.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": payloads.role(role)}
        )

    async def set_channel_overwrite(
        self, channel: Channel, target: Role | User | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Replace the overwrite for ``target`` on ``channel`` (CHANNEL_UPDATE)."""
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(Overwrite.for_(target, allow=allow, deny=deny))
        await self.dispatch("CHANNEL_UPDATE", payloads.channel(channel))

    async def add_text_channel(
        self, guild: Guild, name: str, *, overwrites: Iterable[Overwrite] = ()
    ) -> Channel:
        channel = guild.add_text_channel(name, overwrites=overwrites)
        await self.dispatch("CHANNEL_CREATE", payloads.channel(channel))
        return channel

    async def archive_thread(self, thread: Thread) -> None:
        """Discord archives a thread after its ``auto_archive_duration`` without activity."""
        thread.archived = True
        await self.dispatch("THREAD_UPDATE", payloads.thread(thread))

    async def member_adds_to_thread(self, by: User, thread: Thread, user: User) -> None:
        """``by`` adds ``user`` to ``thread`` from their client, as Discord allows it or not:
        in a private thread with invitable off only moderators can (else 403 / 50013)."""
        guild = self.world.guilds[thread.guild_id or 0]
        if user.id not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        if thread.archived:
            raise ApiError(400, 50083, "Thread is archived")
        if not guild.may_add_to_thread(by.id, thread):
            raise ApiError(403, 50013, "Missing Permissions")
        if user.id not in thread.member_ids:
            thread.member_ids.add(user.id)
            await self.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(guild.id),
                    "member_count": len(thread.member_ids),
                    "added_members": [
                        payloads.thread_member(thread, user.id)
                        | {"member": payloads.member(guild.members[user.id])}
                    ],
                },
            )

    # -- failure injection ------------------------------------------------------------------
    def fail_next_dms(self, count: int = 1) -> None:
        """The next ``count`` DM sends get 403 / 40003 "opening direct messages too fast"."""
        self.rest.dm_failures += count

    # -- internals --------------------------------------------------------------------------
    def _where(self, user: User, guild: Guild | None, channel: Channel | None) -> Channel:
        if channel is not None:
            return channel
        if guild is None:
            return self.world.dm_channel(user)
        text = [c for c in guild.channels.values() if c.type == 0]
        preferred = [c for c in text if c.name == "general"]
        if not (preferred or text):
            raise AssertionError(f"{guild.name} has no text channel to run a command in")
        return (preferred or text)[0]

    def _require_visible(self, user: User, channel: Channel) -> None:
        """A member's client shows nothing of a channel they cannot view (e.g. a private
        thread they were not added to): they cannot click, type or run a command there."""
        if channel.guild_id is not None and not self.can_read(user, channel):
            raise AssertionError(f"{user.name} cannot see #{channel.name or channel.id}")

    def _current(self, message: Message | int) -> Message:
        message_id = message if isinstance(message, int) else message.id
        found = self.world.find_message(message_id)
        if found is None or found.deleted:
            raise AssertionError(f"message {message_id} does not exist (deleted?)")
        return found

    async def _component(
        self, user: User, message: Message, data: dict[str, Any], name: str
    ) -> Interaction:
        found = self.world.find_channel(message.channel_id)
        if found is None:
            raise AssertionError(f"the channel of message {message.id} is gone")
        channel, guild = found
        if guild is None and channel.recipient_id != user.id:
            raise AssertionError(f"{user.name} cannot see the DM message {message.id}")
        self._require_visible(user, channel)
        if message.ephemeral:
            owner = self.interactions.get(message.interaction_id or 0)
            if owner is not None and owner.user.id != user.id:
                raise AssertionError(
                    f"{user.name} cannot see ephemeral message {message.id} "
                    f"(it was shown to {owner.user.name})"
                )
        return await self._interact(
            MESSAGE_COMPONENT, name, user, guild, channel, data, source_message=message
        )

    async def _interact(
        self,
        kind: int,
        name: str,
        user: User,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        *,
        source_message: Message | None = None,
    ) -> Interaction:
        if not any(c.identified for c in self.connections):
            raise AssertionError(f"cannot send {name}: the bot is not connected to the gateway")
        interaction = Interaction(
            self,
            self.world.ids.next(),
            new_token(),
            kind,
            name,
            user,
            guild,
            channel,
            self.now(),
            source_message,
        )
        payload = base_payload(self, interaction.id, interaction.token, kind, user, guild, channel)
        payload["data"] = data
        if source_message is not None:
            payload["message"] = payloads.message(source_message, self.world)
        interaction.payload = payload
        self.interactions[interaction.id] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def _user_message(self, user: User, channel: Channel, content: str) -> Message:
        self._require_visible(user, channel)
        guild = self.world.guilds.get(channel.guild_id or 0)
        message = Message(
            self.world.ids.next(), channel.id, user, content, guild_id=guild.id if guild else None
        )
        self.world.messages.setdefault(channel.id, []).append(message)
        event = payloads.message(message, self.world)
        if guild is not None:
            event |= {
                "guild_id": str(guild.id),
                "member": payloads.member(guild.members[user.id], with_user=False),
            }
        await self.dispatch("MESSAGE_CREATE", event)
        return message


def _first(
    messages: list[Message], predicate: MessagePredicate | None, after: Message | None
) -> Message | None:
    for message in messages:
        if after is not None and message.id <= after.id:
            continue
        if predicate is None or predicate(message):
            return message
    return None
