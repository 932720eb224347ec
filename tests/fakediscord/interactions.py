"""Interactions: the INTERACTION_CREATE payloads a member's client would cause, and the
record (``Interaction``) a test holds to read the bot's answer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads
from .world import Channel, Guild, Member, Message, P, Role, Thread, User

if TYPE_CHECKING:
    from .server import FakeServer

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5

# Callback types (what the bot answers with).
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Application command option types.
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11
OPTION_TYPE_NAMES = {
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}


@dataclass(eq=False)
class Interaction:
    """One interaction sent to the bot, and everything the bot answered to it."""

    server: FakeServer = field(repr=False)
    id: int
    token: str
    type: int
    name: str  # for messages: "/setup show", "button 'Start'", "modal 'onboarding'"
    user: User
    guild: Guild | None
    channel: Channel
    created: float  # fake clock
    source_message: Message | None = None
    payload: dict[str, Any] = field(default_factory=dict, repr=False)
    response_type: int | None = None
    response_data: dict[str, Any] | None = field(default=None, repr=False)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    late_responses: list[float] = field(default_factory=list)
    source_edits: int = 0  # edits of ``source_message`` before this interaction

    def __post_init__(self) -> None:
        if self.source_message is not None:
            self.source_edits = self.source_message.edits

    # -- state the REST routes update -------------------------------------------------------
    @property
    def answered(self) -> bool:
        return self.response_type is not None

    def age(self) -> float:
        return self.server.now() - self.created

    # -- reading the answer -----------------------------------------------------------------
    async def response(self, timeout: float | None = None) -> Interaction:
        """Wait for the initial callback (reply, defer, modal, …); returns ``self``."""
        timeout = timeout if timeout is not None else self.server.interaction_deadline + 2

        def check() -> bool:
            return self.answered or bool(self.late_responses)

        try:
            await self.server.wait_until(check, timeout=timeout, what=f"an answer to {self.name}")
        except AssertionError:
            raise AssertionError(
                f"the bot did not answer {self.name} within {timeout:g} s"
            ) from None
        if not self.answered:
            raise AssertionError(
                f"the bot answered {self.name} too late ({self.late_responses[0]:.2f} s after "
                f"it was created); Discord rejected it with 10062 Unknown interaction"
            )
        return self

    async def answer(self, timeout: float | None = None) -> Message:
        """The message the member ends up seeing: the reply, or after a defer the edited
        original / first follow-up, or the updated component message."""
        await self.response(timeout)
        if self.response_type == MODAL:
            raise AssertionError(f"the bot answered {self.name} with a modal, not a message")
        if self.response_type == AUTOCOMPLETE_RESULT:
            raise AssertionError(f"{self.name} was an autocomplete; use its choices")

        def check() -> Message | None:
            original = self.message
            if self.response_type in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                return original
            if original is not None and (
                original.edits > self._edits_before(original)
                or (self.response_type == DEFERRED_CHANNEL_MESSAGE and not original.loading)
            ):
                return original
            return self.followups[0] if self.followups else None

        return await self.server.wait_until(
            check, timeout=timeout, what=f"the bot to finish answering {self.name}"
        )

    def _edits_before(self, message: Message) -> int:
        source = self.source_message
        return self.source_edits if source is not None and source.id == message.id else 0

    @property
    def deferred(self) -> bool:
        return self.response_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    @property
    def ephemeral(self) -> bool:
        data = self.response_data or {}
        return bool((data.get("flags") or 0) & 64)

    @property
    def message(self) -> Message | None:
        """The original response (after edits), or the component message a type 6/7 updated."""
        if self.original_message_id is None:
            return None
        return self.server.world.find_message(self.original_message_id)

    @property
    def modal(self) -> dict[str, Any] | None:
        if self.response_type != MODAL:
            return None
        return self.response_data

    @property
    def choices(self) -> list[dict[str, Any]]:
        if self.response_type != AUTOCOMPLETE_RESULT or self.response_data is None:
            return []
        return list(self.response_data.get("choices", []))

    @property
    def followups(self) -> list[Message]:
        found = (self.server.world.find_message(i) for i in self.followup_ids)
        return [m for m in found if m is not None]

    async def followup(self, index: int = 0, timeout: float | None = None) -> Message:
        """Wait for the ``index``-th follow-up message (0-based)."""
        return await self.server.wait_until(
            lambda: self.followups[index] if len(self.followups) > index else None,
            timeout=timeout,
            what=f"follow-up #{index} to {self.name}",
        )

    @property
    def text(self) -> str:
        """Text of the answer message (and follow-ups) for easy ``in`` asserts."""
        parts = [m.text for m in [self.message, *self.followups] if m is not None]
        return "\n".join(parts)


def new_token() -> str:
    return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)


def base_payload(
    server: FakeServer,
    interaction_id: int,
    token: str,
    kind: int,
    user: User,
    guild: Guild | None,
    channel: Channel,
) -> dict[str, Any]:
    """Fields every interaction carries, for a guild (``member``) or a DM (``user``)."""
    world = server.world
    data: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application.id),
        "type": kind,
        "token": token,
        "version": 1,
        "locale": user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel_id": str(channel.id),
    }
    if guild is not None:
        member = guild.members.get(user.id)
        if member is None:
            raise AssertionError(f"{user.name} is not a member of {guild.name}")
        perms = guild.permissions_in(user.id, channel)
        data |= {
            "guild_id": str(guild.id),
            "guild_locale": guild.locale,
            "guild": {"id": str(guild.id), "locale": guild.locale, "features": guild.features},
            "member": payloads.member(member, permissions=perms),
            "app_permissions": str(guild.permissions_in(world.bot.id, channel)),
            "channel": payloads.channel(channel, permissions=perms),
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
        }
    else:
        data |= {
            "user": payloads.user(user),
            "context": 1,
            "channel": payloads.channel(channel, world=world),
            "app_permissions": str(_DM_APP_PERMISSIONS),
            "authorizing_integration_owners": {"0": "0"},
        }
    return data


_DM_APP_PERMISSIONS = (
    P.VIEW_CHANNEL
    | P.SEND_MESSAGES
    | P.EMBED_LINKS
    | P.ATTACH_FILES
    | P.READ_MESSAGE_HISTORY
    | P.ADD_REACTIONS
    | P.USE_EXTERNAL_EMOJIS
)


# -- application command data ---------------------------------------------------------------
OptionValue = User | Member | Role | Channel | str | int | float | bool | None


def find_command(server: FakeServer, name: str, guild: Guild | None) -> dict[str, Any]:
    """The registered (synced) command ``name``'s first word names, guild commands first."""
    top = name.split()[0]
    pools = []
    if guild is not None:
        pools.append(server.guild_commands.get(guild.id, []))
    pools.append(server.global_commands)
    for pool in pools:
        for cmd in pool:
            if cmd["name"] == top and cmd.get("type", 1) == 1:
                return cmd
    known = sorted({c["name"] for p in pools for c in p})
    raise AssertionError(
        f"/{top} is not registered with Discord (synced commands: {known}); "
        f"did the bot call tree.sync()?"
    )


def build_command_data(
    server: FakeServer,
    command: dict[str, Any],
    path: list[str],
    guild: Guild | None,
    channel: Channel,
    options: dict[str, OptionValue],
    focused: str | None = None,
) -> dict[str, Any]:
    """``data`` for an APPLICATION_COMMAND/AUTOCOMPLETE: nested sub-commands, typed option
    values and the ``resolved`` users/members/roles/channels."""
    resolved: dict[str, dict[str, Any]] = {}
    leaf_defs: list[dict[str, Any]] = command.get("options", [])
    wrappers: list[dict[str, Any]] = []
    label = "/" + command["name"]
    for part in path[1:]:
        sub = next((o for o in leaf_defs if o["name"] == part and o["type"] in (1, 2)), None)
        if sub is None:
            subs = [o["name"] for o in leaf_defs if o["type"] in (1, 2)]
            raise AssertionError(f"{label} has no subcommand {part!r}; it has {subs}")
        label += f" {part}"
        wrappers.append({"name": part, "type": sub["type"], "options": []})
        leaf_defs = sub.get("options", [])
    if any(o["type"] in (1, 2) for o in leaf_defs):
        subs = [o["name"] for o in leaf_defs if o["type"] in (1, 2)]
        raise AssertionError(f"{label} needs a subcommand: one of {subs}")

    by_name = {o["name"]: o for o in leaf_defs}
    leaf: list[dict[str, Any]] = []
    for key, value in options.items():
        if key not in by_name:
            raise AssertionError(f"{label} has no option {key!r}; it has {sorted(by_name)}")
        if value is None:
            continue
        definition = by_name[key]
        if key == focused:
            leaf.append(
                {"name": key, "type": definition["type"], "value": str(value), "focused": True}
            )
            continue
        leaf.append(
            {
                "name": key,
                "type": definition["type"],
                "value": _option_value(server, label, definition, value, guild, resolved),
            }
        )
    given = {o["name"] for o in leaf}
    missing = [o["name"] for o in leaf_defs if o.get("required") and o["name"] not in given]
    if missing and focused is None:
        raise AssertionError(f"{label} is missing required option(s) {missing}")

    nested: list[dict[str, Any]] = leaf
    for wrapper in reversed(wrappers):
        wrapper["options"] = nested
        nested = [wrapper]
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "options": nested,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _option_value(
    server: FakeServer,
    label: str,
    definition: dict[str, Any],
    value: OptionValue,
    guild: Guild | None,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    kind, name = definition["type"], definition["name"]
    want = OPTION_TYPE_NAMES.get(kind, str(kind))
    world = server.world

    def wrong() -> AssertionError:
        return AssertionError(f"{label} option {name!r} is a {want} option; got {value!r}")

    if kind in (USER, MENTIONABLE) and isinstance(value, User | Member):
        user = value.user if isinstance(value, Member) else value
        resolved.setdefault("users", {})[str(user.id)] = payloads.user(user)
        member = guild.members.get(user.id) if guild else None
        if member is not None and guild is not None:
            resolved.setdefault("members", {})[str(user.id)] = payloads.member(
                member, permissions=guild.base_permissions(user.id), with_user=False
            )
        return str(user.id)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = payloads.role(value)
        return str(value.id)
    if kind == CHANNEL and isinstance(value, Channel):
        perms = guild.permissions_in(world.bot.id, value) if guild else 0
        resolved.setdefault("channels", {})[str(value.id)] = _resolved_channel(value, perms)
        allowed = definition.get("channel_types")
        if allowed and value.type not in allowed:
            raise AssertionError(
                f"{label} option {name!r} accepts channel types {allowed}; "
                f"#{value.name} has type {value.type}"
            )
        return str(value.id)
    if (
        kind in (USER, ROLE, CHANNEL, MENTIONABLE)
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        found = _lookup_id(server, guild, value)
        if found is None:
            return str(value)
        return _option_value(server, label, definition, found, guild, resolved)
    scalar_types: dict[int, tuple[type, ...]] = {
        STRING: (str,),
        INTEGER: (int,),
        NUMBER: (int, float),
        BOOLEAN: (bool,),
    }
    accepted = scalar_types.get(kind)
    is_bool = isinstance(value, bool)
    if accepted is None or not isinstance(value, accepted) or (is_bool and kind != BOOLEAN):
        raise wrong()
    result: Any = value
    choices = definition.get("choices")
    if choices and result not in [c["value"] for c in choices]:
        raise AssertionError(
            f"{label} option {name!r} must be one of "
            f"{[c['value'] for c in choices]}; got {result!r}"
        )
    return result


def _lookup_id(
    server: FakeServer, guild: Guild | None, object_id: int
) -> User | Role | Channel | None:
    if object_id in server.world.users:
        return server.world.users[object_id]
    if guild is not None:
        return guild.roles.get(object_id) or guild.resolve_channel(object_id)
    return None


def _resolved_channel(channel: Channel, permissions: int) -> dict[str, Any]:
    data = payloads.channel(channel, permissions=permissions)
    if isinstance(channel, Thread):
        data["thread_metadata"] = payloads.thread(channel)["thread_metadata"]
    return data


# -- modal submit data ----------------------------------------------------------------------
def build_modal_components(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """Mirror the modal discord.py sent (Label or action-row wrapped inputs) with values.

    ``values`` keys may be an input's custom_id or its label; select inputs take a list.
    """
    remaining = dict(values)
    out: list[dict[str, Any]] = []
    title = modal.get("title")

    def fill(item: dict[str, Any], label: str | None) -> dict[str, Any]:
        custom_id = item.get("custom_id", "")
        key = custom_id if custom_id in remaining else label if label in remaining else None
        value = remaining.pop(key) if key is not None else None
        if item.get("type") == 4:
            text = value if value is not None else item.get("value") or ""
            if not isinstance(text, str):
                raise AssertionError(f"text input {label or custom_id!r} takes a str")
            _check_text_input(title, item, label, text)
            return {"type": 4, "custom_id": custom_id, "value": text, "id": item.get("id", 0)}
        chosen = value if isinstance(value, list) else [] if value is None else [value]
        return {
            "type": item["type"],
            "custom_id": custom_id,
            "values": [str(v) for v in chosen],
            "id": item.get("id", 0),
        }

    for comp in modal.get("components", []):
        if comp.get("type") == 18:
            inner = comp["component"]
            out.append(
                {"type": 18, "id": comp.get("id", 0), "component": fill(inner, comp.get("label"))}
            )
        elif comp.get("type") == 1:
            out.append(
                {
                    "type": 1,
                    "id": comp.get("id", 0),
                    "components": [fill(c, c.get("label")) for c in comp.get("components", [])],
                }
            )
    if remaining:
        raise AssertionError(f"modal {title!r} has no input(s) {sorted(remaining)}")
    return out


def _check_text_input(title: Any, item: dict[str, Any], label: str | None, text: str) -> None:
    """Discord's client refuses to submit these, so a test asking for them is wrong."""
    name = label or item.get("custom_id")
    if item.get("required", True) and not text:
        raise AssertionError(f"modal {title!r}: {name!r} is required")
    if text and len(text) < (item.get("min_length") or 0):
        raise AssertionError(f"modal {title!r}: {name!r} needs ≥ {item['min_length']} chars")
    if len(text) > (item.get("max_length") or 4000):
        raise AssertionError(f"modal {title!r}: {name!r} allows ≤ {item.get('max_length')} chars")
