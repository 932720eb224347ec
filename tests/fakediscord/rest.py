"""REST routes (API v10). Each handler reads/mutates the world and answers like Discord.

To add an endpoint: write an ``async def`` method on ``Rest`` taking the request, raise
``ApiError`` for failures, return ``json_response(...)``/``no_content()``, and add a line to
the ``ROUTES`` table at the bottom.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors, limits, payloads
from .errors import ApiError
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    Interaction,
)
from .server import API_PREFIX, BODY, UPLOADS, json_response, no_content
from .world import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    MessageFlags,
    P,
    Thread,
    User,
    World,
    utcnow,
)

if TYPE_CHECKING:
    from .server import FakeServer

NONCE_WINDOW_SECONDS = 5 * 60


class Rest:
    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        #: Next N message sends to DM channels fail with 40003 (see FakeDiscord.fail_next_dms).
        self.dm_failures = 0

    @property
    def world(self) -> World:
        return self.server.world

    # -- lookups ----------------------------------------------------------------------------
    def guild(self, request: web.Request) -> Guild:
        guild = self.world.guilds.get(_id(request, "guild_id"))
        if guild is None or self.world.bot.id not in guild.members:
            raise errors.unknown(errors.UNKNOWN_GUILD)
        return guild

    def channel(self, request: web.Request) -> tuple[Channel, Guild | None]:
        found = self.world.find_channel(_id(request, "channel_id"))
        if found is None:
            raise errors.unknown(errors.UNKNOWN_CHANNEL)
        channel, guild = found
        if (
            guild is not None
            and not guild.permissions_in(self.world.bot.id, channel) & P.VIEW_CHANNEL
        ):
            raise errors.missing_access()
        return channel, guild

    def member(self, guild: Guild, user_id: int) -> Member:
        member = guild.members.get(user_id)
        if member is None:
            raise errors.unknown(errors.UNKNOWN_MEMBER)
        return member

    def bot_perms(self, guild: Guild, channel: Channel | None = None) -> int:
        bot = self.world.bot.id
        return guild.permissions_in(bot, channel) if channel else guild.base_permissions(bot)

    def body(self, request: web.Request) -> Any:
        return request.get(BODY) or {}

    def message_json(self, message: Message) -> dict[str, Any]:
        return payloads.message(message, self.world)

    # -- login / gateway --------------------------------------------------------------------
    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(payloads.bot_user(self.world.bot))

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response(payloads.application(self.world))

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.server.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return json_response(
            {"url": self.server.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    # -- application commands ---------------------------------------------------------------
    def _commands(self, request: web.Request) -> list[dict[str, Any]]:
        if _id(request, "application_id") != self.world.application.id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" in request.match_info:
            return self.server.guild_commands.setdefault(self.guild(request).id, [])
        return self.server.global_commands

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self._commands(request))

    async def put_commands(self, request: web.Request) -> web.Response:
        current = self._commands(request)
        body = request.get(BODY)
        if not isinstance(body, list):
            raise errors.invalid_form(
                {"_errors": [{"code": "BASE_TYPE_LIST", "message": "Must be an array."}]}
            )
        limits.validate_commands(body)
        self.server.command_syncs += 1
        old = {(c.get("type", 1), c["name"]): c for c in current}
        guild_id = request.match_info.get("guild_id")
        stored = []
        for cmd in body:
            kind = cmd.get("type", 1)
            previous = old.get((kind, cmd["name"]))
            stored.append(
                _command_response(
                    cmd,
                    self.world.application.id,
                    guild_id,
                    previous["id"] if previous else str(self.world.ids.next()),
                )
            )
        current[:] = stored
        return json_response(stored)

    # -- interactions -----------------------------------------------------------------------
    def _interaction(self, interaction_id: int | None, token: str) -> Interaction:
        if interaction_id is not None:
            found = self.server.interactions.get(interaction_id)
        else:
            found = next((i for i in self.server.interactions.values() if i.token == token), None)
        if found is None or found.token != token:
            raise errors.unknown(
                errors.UNKNOWN_INTERACTION if interaction_id else errors.UNKNOWN_WEBHOOK
            )
        return found

    async def interaction_callback(self, request: web.Request) -> web.Response:
        interaction = self._interaction(_id(request, "interaction_id"), request.match_info["token"])
        if interaction.age() > self.server.interaction_deadline:
            interaction.late_responses.append(interaction.age())
            raise errors.unknown(errors.UNKNOWN_INTERACTION)
        if interaction.answered:
            raise errors.already_acknowledged()
        body = self.body(request)
        kind, data = body.get("type"), body.get("data") or {}
        if UPLOADS in body:
            data = {**data, UPLOADS: body[UPLOADS]}
        self._check_callback_allowed(interaction, kind)
        message: Message | None = None
        if kind == CHANNEL_MESSAGE:
            limits.validate_message(data)
            message = self._interaction_message(interaction, data, data.get("flags") or 0)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = (data.get("flags") or 0) & MessageFlags.EPHEMERAL
            message = self._interaction_message(interaction, {}, flags | MessageFlags.LOADING)
        elif kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            message = interaction.source_message
            if message is None:
                raise errors.invalid_form(
                    {
                        "type": {
                            "_errors": [
                                {
                                    "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                                    "message": "This interaction has no message to update",
                                }
                            ]
                        }
                    }
                )
            if kind == UPDATE_MESSAGE:
                limits.validate_message(data, edit=True)
                _apply_edit(message, data, self.world)
            interaction.original_message_id = message.id
        elif kind == AUTOCOMPLETE_RESULT:
            limits.validate_autocomplete(data)
        elif kind == MODAL:
            limits.validate_modal(data)
        interaction.response_type = kind
        interaction.response_data = data
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        info = {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
        resource: dict[str, Any] = {"type": kind}
        if message is not None and kind != DEFERRED_UPDATE_MESSAGE:
            resource["message"] = self.message_json(message)
        return json_response({"interaction": info, "resource": resource})

    def _check_callback_allowed(self, interaction: Interaction, kind: Any) -> None:
        allowed = {
            APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            MESSAGE_COMPONENT: {
                CHANNEL_MESSAGE,
                DEFERRED_CHANNEL_MESSAGE,
                DEFERRED_UPDATE_MESSAGE,
                UPDATE_MESSAGE,
                MODAL,
            },
            MODAL_SUBMIT: {
                CHANNEL_MESSAGE,
                DEFERRED_CHANNEL_MESSAGE,
                DEFERRED_UPDATE_MESSAGE,
                UPDATE_MESSAGE,
            },
            AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
        }[interaction.type]
        if kind not in allowed:
            raise errors.invalid_form(
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                                "message": (
                                    f"Callback type {kind} is not valid for "
                                    f"interaction type {interaction.type}"
                                ),
                            }
                        ]
                    }
                }
            )

    def _interaction_message(
        self, interaction: Interaction, data: dict[str, Any], flags: int
    ) -> Message:
        message = self._store_message(
            interaction.channel,
            interaction.guild,
            data,
            flags=flags,
            interaction_id=interaction.id,
            webhook_id=self.world.application.id,
        )
        interaction.original_message_id = message.id
        return message

    def _store_message(
        self,
        channel: Channel,
        guild: Guild | None,
        data: dict[str, Any],
        *,
        flags: int,
        interaction_id: int | None = None,
        webhook_id: int | None = None,
    ) -> Message:
        message = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author=self.world.bot,
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            flags=flags,
            allowed_mentions=data.get("allowed_mentions"),
            nonce=data.get("nonce"),
            guild_id=guild.id if guild else None,
            interaction_id=interaction_id,
            webhook_id=webhook_id,
            via_interaction=interaction_id is not None,
            attachments=attachments_of(data, self.world),
        )
        self.world.messages.setdefault(channel.id, []).append(message)
        return message

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        if _id(request, "application_id") != self.world.application.id:
            raise errors.unknown(errors.UNKNOWN_WEBHOOK)
        interaction = self._interaction(None, request.match_info["token"])
        if interaction.age() > self.server.token_lifetime:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return interaction

    def _webhook_message(self, request: web.Request, interaction: Interaction) -> Message:
        raw = request.match_info["message_id"]
        message_id = interaction.original_message_id if raw == "@original" else int(raw)
        ours = {interaction.original_message_id, *interaction.followup_ids}
        message = self.world.find_message(message_id) if message_id in ours else None
        if message is None or message.deleted:
            raise errors.unknown(errors.UNKNOWN_MESSAGE)
        return message

    async def execute_webhook(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        if not interaction.answered:
            raise errors.unknown(errors.UNKNOWN_WEBHOOK)
        data = self.body(request)
        limits.validate_message(data)
        original = interaction.message
        if original is not None and original.loading and not (original.edits or original.deleted):
            # Discord: the first follow-up after a "thinking" defer edits the original.
            _apply_edit(original, data, self.world)
            message = original
        else:
            flags = (data.get("flags") or 0) & (MessageFlags.EPHEMERAL | (1 << 2) | (1 << 12))
            message = self._store_message(
                interaction.channel,
                interaction.guild,
                data,
                flags=flags,
                interaction_id=interaction.id,
                webhook_id=self.world.application.id,
            )
            interaction.followup_ids.append(message.id)
        if request.query.get("wait") not in ("1", "true", "True"):
            return no_content()
        return json_response(self.message_json(message))

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        return json_response(self.message_json(self._webhook_message(request, interaction)))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        message = self._webhook_message(request, interaction)
        data = self.body(request)
        limits.validate_message(data, edit=True)
        _apply_edit(message, data, self.world)
        return json_response(self.message_json(message))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        self._webhook_message(request, interaction).deleted = True
        return no_content()

    # -- DMs and channel messages -----------------------------------------------------------
    async def create_dm(self, request: web.Request) -> web.Response:
        recipient = self.world.users.get(int(self.body(request).get("recipient_id", 0)))
        if recipient is None:
            raise errors.unknown(errors.UNKNOWN_USER)
        channel = self.world.dm_channel(recipient)
        return json_response(payloads.channel(channel, world=self.world))

    def _check_can_send(self, channel: Channel, guild: Guild | None) -> None:
        if guild is None:
            recipient = self.world.users[channel.recipient_id or 0]
            if self.dm_failures > 0:
                self.dm_failures -= 1
                raise errors.dm_too_fast()
            if recipient.dms_closed:
                raise errors.cannot_dm()
            if not any(
                recipient.id in g.members and self.world.bot.id in g.members
                for g in self.world.guilds.values()
            ):
                raise ApiError(
                    403, 50278, "Cannot send messages to this user due to having no mutual guilds"
                )
            return
        perms = self.bot_perms(guild, channel)
        if isinstance(channel, Thread):
            if channel.locked and not perms & P.MANAGE_THREADS:
                raise errors.thread_locked()
            if not perms & P.SEND_MESSAGES_IN_THREADS:
                raise errors.missing_permissions()
            channel.archived = False
        elif not perms & P.SEND_MESSAGES:
            raise errors.missing_permissions()

    async def create_message(self, request: web.Request) -> web.Response:
        channel, guild = self.channel(request)
        if channel.type == ChannelType.GUILD_CATEGORY:
            raise errors.wrong_channel_type()
        data = self.body(request)
        limits.validate_message(data)
        nonce = data.get("nonce")
        key = (channel.id, str(nonce))
        if nonce is not None and data.get("enforce_nonce") and key in self._nonces:
            at, message_id = self._nonces[key]
            earlier = self.world.find_message(message_id)
            if earlier is not None and time.monotonic() - at < NONCE_WINDOW_SECONDS:
                return json_response(self.message_json(earlier))
        self._check_can_send(channel, guild)
        flags = (data.get("flags") or 0) & ((1 << 2) | (1 << 12) | (1 << 15))
        message = self._store_message(channel, guild, data, flags=flags)
        if nonce is not None:
            self._nonces[key] = (time.monotonic(), message.id)
        event = self.message_json(message)
        if guild is not None:
            event |= {"guild_id": str(guild.id)}
        await self.server.dispatch("MESSAGE_CREATE", event, wait=False)
        return json_response(self.message_json(message))

    def _message(self, request: web.Request, channel: Channel) -> Message:
        message_id = _id(request, "message_id")
        for message in self.world.messages.get(channel.id, []):
            if message.id == message_id and not message.deleted and not message.ephemeral:
                return message
        raise errors.unknown(errors.UNKNOWN_MESSAGE)

    async def get_messages(self, request: web.Request) -> web.Response:
        channel, guild = self.channel(request)
        if guild is not None and not self.bot_perms(guild, channel) & P.READ_MESSAGE_HISTORY:
            return json_response([])
        found = [
            m for m in self.world.messages.get(channel.id, []) if not m.deleted and not m.ephemeral
        ]
        if "before" in request.query:
            found = [m for m in found if m.id < int(request.query["before"])]
        if "after" in request.query:
            found = [m for m in found if m.id > int(request.query["after"])]
        limit = int(request.query.get("limit", 50))
        newest_first = sorted(found, key=lambda m: m.id, reverse=True)[:limit]
        return json_response([self.message_json(m) for m in newest_first])

    async def get_message(self, request: web.Request) -> web.Response:
        channel, _ = self.channel(request)
        return json_response(self.message_json(self._message(request, channel)))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel, _ = self.channel(request)
        message = self._message(request, channel)
        if message.author.id != self.world.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        data = self.body(request)
        limits.validate_message(data, edit=True)
        _apply_edit(message, data, self.world)
        return json_response(self.message_json(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel, guild = self.channel(request)
        message = self._message(request, channel)
        if message.author.id != self.world.bot.id and not (
            guild and self.bot_perms(guild, channel) & P.MANAGE_MESSAGES
        ):
            raise errors.missing_permissions()
        message.deleted = True
        return no_content()

    # -- channels and threads ---------------------------------------------------------------
    async def get_channel(self, request: web.Request) -> web.Response:
        channel, _ = self.channel(request)
        return json_response(payloads.channel(channel, world=self.world))

    async def edit_channel(self, request: web.Request) -> web.Response:
        channel, guild = self.channel(request)
        data = self.body(request)
        if guild is None:
            raise errors.wrong_channel_type()
        perms = self.bot_perms(guild, channel)
        if isinstance(channel, Thread):
            limits.validate_thread_edit(data)
            mod_only = {"locked", "invitable"} & data.keys()
            if (mod_only or channel.owner_id != self.world.bot.id) and not perms & P.MANAGE_THREADS:
                raise errors.missing_permissions()
            for key in ("name", "archived", "locked", "invitable", "auto_archive_duration"):
                if key in data:
                    setattr(channel, key, data[key])
            payload = payloads.thread(channel) | {"guild_id": str(guild.id)}
            await self.server.dispatch("THREAD_UPDATE", payload, wait=False)
            return json_response(payload)
        if not perms & P.MANAGE_CHANNELS:
            raise errors.missing_permissions()
        for key in ("name", "topic", "position"):
            if key in data:
                setattr(channel, key, data[key])
        payload = payloads.channel(channel)
        await self.server.dispatch("CHANNEL_UPDATE", payload, wait=False)
        return json_response(payload)

    async def create_thread(self, request: web.Request) -> web.Response:
        channel, guild = self.channel(request)
        data = self.body(request)
        if guild is None or channel.type != ChannelType.GUILD_TEXT:
            raise errors.wrong_channel_type()
        limits.validate_thread(data)
        kind = data.get("type", ChannelType.PRIVATE_THREAD)
        needed = (
            P.CREATE_PRIVATE_THREADS
            if kind == ChannelType.PRIVATE_THREAD
            else P.CREATE_PUBLIC_THREADS
        )
        if not self.bot_perms(guild, channel) & needed:
            raise errors.missing_permissions()
        thread = guild.add_thread(
            channel,
            data["name"],
            owner=self.world.bot,
            private=kind == ChannelType.PRIVATE_THREAD,
            invitable=data.get("invitable", True),
        )
        thread.auto_archive_duration = data.get("auto_archive_duration", 1440)
        payload = payloads.thread(thread) | {
            "member": payloads.thread_member(thread, self.world.bot.id)
        }
        event = payload | {"newly_created": True}
        await self.server.dispatch("THREAD_CREATE", event, wait=False)
        return json_response(payload, status=201)

    def _thread(self, request: web.Request) -> tuple[Thread, Guild]:
        channel, guild = self.channel(request)
        if not isinstance(channel, Thread) or guild is None:
            raise errors.wrong_channel_type()
        return channel, guild

    async def add_thread_member(self, request: web.Request) -> web.Response:
        thread, guild = self._thread(request)
        user_id = _id(request, "user_id")
        if thread.archived:
            raise errors.thread_archived()
        perms = self.bot_perms(guild, thread)
        if thread.locked and not perms & P.MANAGE_THREADS:
            raise errors.thread_locked()
        if not perms & P.SEND_MESSAGES_IN_THREADS:
            raise errors.missing_permissions()
        self.member(guild, user_id)
        if user_id not in thread.member_ids:
            thread.member_ids.add(user_id)
            await self.server.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(guild.id),
                    "member_count": len(thread.member_ids),
                    "added_members": [
                        payloads.thread_member(thread, user_id)
                        | {"member": payloads.member(guild.members[user_id])}
                    ],
                },
                wait=False,
            )
        return no_content()

    async def remove_thread_member(self, request: web.Request) -> web.Response:
        thread, guild = self._thread(request)
        user_id = _id(request, "user_id")
        if thread.archived:
            raise errors.thread_archived()
        creator = thread.private and thread.owner_id == self.world.bot.id
        if (
            user_id != self.world.bot.id
            and not creator
            and not self.bot_perms(guild, thread) & P.MANAGE_THREADS
        ):
            raise errors.missing_permissions()
        if user_id in thread.member_ids:
            thread.member_ids.discard(user_id)
            await self.server.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(guild.id),
                    "member_count": len(thread.member_ids),
                    "removed_member_ids": [str(user_id)],
                },
                wait=False,
            )
        return no_content()

    async def get_thread_member(self, request: web.Request) -> web.Response:
        thread, _ = self._thread(request)
        user_id = _id(request, "user_id")
        if user_id not in thread.member_ids:
            raise errors.unknown(errors.UNKNOWN_MEMBER)
        return json_response(payloads.thread_member(thread, user_id))

    async def list_thread_members(self, request: web.Request) -> web.Response:
        thread, _ = self._thread(request)
        return json_response([payloads.thread_member(thread, u) for u in sorted(thread.member_ids)])

    async def active_threads(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        threads = [t for t in guild.threads.values() if not t.archived]
        members = [
            payloads.thread_member(t, self.world.bot.id)
            for t in threads
            if self.world.bot.id in t.member_ids
        ]
        return json_response(
            {
                "threads": [payloads.thread(t) | {"guild_id": str(guild.id)} for t in threads],
                "members": members,
            }
        )

    # -- guilds, members, roles, users ------------------------------------------------------
    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        data = payloads.guild(guild, members=[], with_channels=False)
        for key in (
            "members",
            "voice_states",
            "presences",
            "member_count",
            "large",
            "unavailable",
            "joined_at",
        ):
            data.pop(key, None)
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        return json_response([payloads.channel(c) for c in guild.channels.values()])

    async def get_roles(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        return json_response([payloads.role(r) for r in guild.roles.values()])

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        if not self.world.application.members_intent_enabled:
            raise errors.missing_access()
        after = int(request.query.get("after", 0))
        limit = int(request.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return json_response([payloads.member(m) for m in members[:limit]])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        return json_response(payloads.member(self.member(guild, _id(request, "user_id"))))

    def _check_role_manageable(self, guild: Guild, role_id: int) -> None:
        role = guild.roles.get(role_id)
        if role is None:
            raise errors.unknown(errors.UNKNOWN_ROLE)
        bot = self.world.bot.id
        if not self.bot_perms(guild) & P.MANAGE_ROLES or role.managed or role.is_everyone:
            raise errors.missing_permissions()
        if guild.owner_id != bot and role.position >= guild.top_position(bot):
            raise errors.missing_permissions()

    async def add_member_role(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        member = self.member(guild, _id(request, "user_id"))
        role_id = _id(request, "role_id")
        self._check_role_manageable(guild, role_id)
        if role_id not in member.role_ids:
            member.role_ids.append(role_id)
            await self._member_updated(guild, member)
        return no_content()

    async def remove_member_role(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        member = self.member(guild, _id(request, "user_id"))
        role_id = _id(request, "role_id")
        self._check_role_manageable(guild, role_id)
        if role_id in member.role_ids:
            member.role_ids.remove(role_id)
            await self._member_updated(guild, member)
        return no_content()

    async def edit_member(self, request: web.Request) -> web.Response:
        guild = self.guild(request)
        member = self.member(guild, _id(request, "user_id"))
        data = self.body(request)
        if "roles" in data:
            new = [int(r) for r in data["roles"]]
            for role_id in set(new) ^ set(member.role_ids):
                self._check_role_manageable(guild, role_id)
            member.role_ids = new
        if "nick" in data:
            if not self.bot_perms(guild) & P.MANAGE_NICKNAMES:
                raise errors.missing_permissions()
            member.nick = data["nick"]
        await self._member_updated(guild, member)
        return json_response(payloads.member(member))

    async def _member_updated(self, guild: Guild, member: Member) -> None:
        payload = payloads.member(member) | {"guild_id": str(guild.id)}
        await self.server.dispatch("GUILD_MEMBER_UPDATE", payload, wait=False)

    async def get_user(self, request: web.Request) -> web.Response:
        user: User | None = self.world.users.get(_id(request, "user_id"))
        if user is None:
            raise errors.unknown(errors.UNKNOWN_USER)
        return json_response(payloads.user(user))

    async def unknown_route(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(API_PREFIX)
        raise ApiError(
            404,
            0,
            f"fakediscord has no route {request.method} {path} "
            f"(add it to tests/fakediscord/rest.py ROUTES)",
        )


def _id(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise ApiError(
            400,
            50035,
            "Invalid Form Body",
            {
                key: {
                    "_errors": [
                        {"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}
                    ]
                }
            },
        ) from None


def attachments_of(data: dict[str, Any], world: World) -> list[Attachment]:
    """The files a message body uploads: each entry of ``attachments`` with the file part
    ``files[<id>]`` of the same multipart request."""
    uploads: dict[str, tuple[str, bytes]] = data.get(UPLOADS) or {}
    found = []
    for entry in data.get("attachments") or []:
        upload = uploads.get(f"files[{entry.get('id')}]")
        if upload is not None:
            filename = str(entry.get("filename") or upload[0])
            found.append(Attachment(world.ids.next(), filename, upload[1]))
    return found


def _apply_edit(message: Message, data: dict[str, Any], world: World) -> None:
    for key in ("content", "embeds", "components", "allowed_mentions"):
        if key in data:
            value = data[key]
            setattr(message, key, value if value is not None else ("" if key == "content" else []))
    if data.get(UPLOADS):
        message.attachments = attachments_of(data, world)
    if "flags" in data and data["flags"] is not None:
        keep = message.flags & (MessageFlags.EPHEMERAL | MessageFlags.IS_COMPONENTS_V2)
        message.flags = keep | (data["flags"] & ~MessageFlags.EPHEMERAL)
    message.flags &= ~MessageFlags.LOADING
    message.edits += 1
    message.edited_at = utcnow()


def _command_response(
    cmd: dict[str, Any], app_id: int, guild_id: str | None, command_id: str
) -> dict[str, Any]:
    data = {
        "id": command_id,
        "application_id": str(app_id),
        "version": command_id,
        "type": cmd.get("type", 1),
        "name": cmd["name"],
        "description": cmd.get("description", ""),
        "options": cmd.get("options", []),
        "default_member_permissions": cmd.get("default_member_permissions"),
        "dm_permission": cmd.get("dm_permission", True),
        "nsfw": cmd.get("nsfw", False),
        "contexts": cmd.get("contexts"),
        "integration_types": cmd.get("integration_types", [0]),
        "name_localizations": cmd.get("name_localizations"),
        "description_localizations": cmd.get("description_localizations"),
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
    return data


def build_routes(server: FakeServer, app: web.Application) -> None:
    rest = server.rest
    routes: list[tuple[str, str, Any]] = [
        ("GET", "/users/@me", rest.get_me),
        ("POST", "/users/@me/channels", rest.create_dm),
        ("GET", "/users/{user_id}", rest.get_user),
        ("GET", "/oauth2/applications/@me", rest.get_application),
        ("GET", "/gateway", rest.get_gateway),
        ("GET", "/gateway/bot", rest.get_gateway_bot),
        ("GET", "/applications/{application_id}/commands", rest.get_commands),
        ("PUT", "/applications/{application_id}/commands", rest.put_commands),
        ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", rest.get_commands),
        ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", rest.put_commands),
        ("POST", "/interactions/{interaction_id}/{token}/callback", rest.interaction_callback),
        ("POST", "/webhooks/{application_id}/{token}", rest.execute_webhook),
        (
            "GET",
            "/webhooks/{application_id}/{token}/messages/{message_id}",
            rest.get_webhook_message,
        ),
        (
            "PATCH",
            "/webhooks/{application_id}/{token}/messages/{message_id}",
            rest.edit_webhook_message,
        ),
        (
            "DELETE",
            "/webhooks/{application_id}/{token}/messages/{message_id}",
            rest.delete_webhook_message,
        ),
        ("GET", "/channels/{channel_id}", rest.get_channel),
        ("PATCH", "/channels/{channel_id}", rest.edit_channel),
        ("GET", "/channels/{channel_id}/messages", rest.get_messages),
        ("POST", "/channels/{channel_id}/messages", rest.create_message),
        ("GET", "/channels/{channel_id}/messages/{message_id}", rest.get_message),
        ("PATCH", "/channels/{channel_id}/messages/{message_id}", rest.edit_message),
        ("DELETE", "/channels/{channel_id}/messages/{message_id}", rest.delete_message),
        ("POST", "/channels/{channel_id}/threads", rest.create_thread),
        ("GET", "/channels/{channel_id}/thread-members", rest.list_thread_members),
        ("GET", "/channels/{channel_id}/thread-members/{user_id}", rest.get_thread_member),
        ("PUT", "/channels/{channel_id}/thread-members/{user_id}", rest.add_thread_member),
        ("DELETE", "/channels/{channel_id}/thread-members/{user_id}", rest.remove_thread_member),
        ("GET", "/guilds/{guild_id}", rest.get_guild),
        ("GET", "/guilds/{guild_id}/channels", rest.get_guild_channels),
        ("GET", "/guilds/{guild_id}/roles", rest.get_roles),
        ("GET", "/guilds/{guild_id}/threads/active", rest.active_threads),
        ("GET", "/guilds/{guild_id}/members", rest.list_members),
        ("GET", "/guilds/{guild_id}/members/{user_id}", rest.get_member),
        ("PATCH", "/guilds/{guild_id}/members/{user_id}", rest.edit_member),
        ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", rest.add_member_role),
        ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", rest.remove_member_role),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, API_PREFIX + path, handler)
    app.router.add_route("*", API_PREFIX + "/{tail:.*}", rest.unknown_route)
