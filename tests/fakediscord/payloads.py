"""World objects → the JSON Discord would send (the fields discord.py 2.7.1 actually reads)."""

from __future__ import annotations

from typing import Any

from .world import Attachment, Channel, Guild, Member, Message, Role, Thread, User, World, iso

JSON = dict[str, Any]


def user(u: User) -> JSON:
    return {
        "id": str(u.id),
        "username": u.name,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "bot": u.bot,
        "public_flags": 0,
        "flags": 0,
    }


def bot_user(u: User) -> JSON:
    return {**user(u), "verified": True, "mfa_enabled": False, "locale": "en-US", "email": None}


def role(r: Role) -> JSON:
    data: JSON = {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": 0,
        "colors": {"primary_color": 0},
        "hoist": r.hoist,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "flags": 0,
        "icon": None,
        "unicode_emoji": None,
    }
    if r.bot_id is not None:
        data["tags"] = {"bot_id": str(r.bot_id)}
    return data


def member(m: Member, *, permissions: int | None = None, with_user: bool = True) -> JSON:
    data: JSON = {
        "roles": [str(r) for r in m.role_ids],
        "joined_at": iso(m.joined_at),
        "nick": m.nick,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "avatar": None,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user(m.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel(c: Channel, *, permissions: int | None = None, world: World | None = None) -> JSON:
    if isinstance(c, Thread):
        return thread(c, permissions=permissions)
    if c.is_dm:
        data: JSON = {
            "id": str(c.id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [],
        }
        if world is not None and c.recipient_id in world.users:
            data["recipients"] = [user(world.users[c.recipient_id])]
        return data
    data = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "parent_id": str(c.parent_id) if c.parent_id else None,
        "topic": c.topic,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
        "default_auto_archive_duration": 1440,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in c.overwrites
        ],
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def thread(t: Thread, *, permissions: int | None = None) -> JSON:
    data: JSON = {
        "id": str(t.id),
        "type": t.type,
        "guild_id": str(t.guild_id),
        "name": t.name,
        "parent_id": str(t.parent_id),
        "owner_id": str(t.owner_id),
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
        "message_count": 0,
        "total_message_sent": 0,
        "member_count": min(len(t.member_ids), 50),
        "thread_metadata": {
            "archived": t.archived,
            "locked": t.locked,
            "invitable": t.invitable,
            "auto_archive_duration": t.auto_archive_duration,
            "archive_timestamp": iso(t.created_at),
            "create_timestamp": iso(t.created_at),
        },
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def thread_member(t: Thread, user_id: int) -> JSON:
    return {
        "id": str(t.id),
        "user_id": str(user_id),
        "join_timestamp": iso(t.created_at),
        "flags": 0,
    }


def guild(g: Guild, *, members: list[Member], with_channels: bool = True) -> JSON:
    data: JSON = {
        "id": str(g.id),
        "name": g.name,
        "owner_id": str(g.owner_id),
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "features": list(g.features),
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": g.locale,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "vanity_url_code": None,
        "premium_progress_bar_enabled": False,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "member_count": len(g.members),
        "large": False,
        "unavailable": False,
        "members": [member(m) for m in members],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": iso(g.members[g.world.bot.id].joined_at)
        if g.world.bot.id in g.members
        else None,
    }
    if with_channels:
        data["channels"] = [channel(c) for c in g.channels.values()]
        data["threads"] = [thread(t) for t in g.threads.values() if not t.archived]
    return data


def message(m: Message, world: World) -> JSON:
    data: JSON = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": 0 if m.interaction_id is None else 20,
        "author": user(m.author),
        "content": m.content,
        "embeds": m.embeds,
        "components": m.components,
        "flags": m.flags,
        "timestamp": iso(m.created_at),
        "edited_timestamp": iso(m.edited_at) if m.edited_at else None,
        "tts": False,
        "mention_everyone": m.pings_everyone,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(a, m.channel_id) for a in m.attachments],
        "pinned": False,
        "nonce": m.nonce,
    }
    if m.webhook_id is not None:
        data["webhook_id"] = str(m.webhook_id)
        data["application_id"] = str(m.webhook_id)
    data["mentions"] = [
        user(world.users[u]) for u in sorted(m.pinged_user_ids()) if u in world.users
    ]
    data["mention_roles"] = [str(r) for r in sorted(m.pinged_role_ids())]
    return data


def application(world: World) -> JSON:
    app = world.application
    return {
        "id": str(app.id),
        "name": app.name,
        "icon": None,
        "description": app.description,
        "summary": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": app_flags(world),
        "owner": user(world.app_owner),
        "team": None,
        "rpc_origins": [],
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": len(world.guilds),
        "bot": user(world.bot),
        "integration_types_config": {"0": {}},
    }


def app_flags(world: World) -> int:
    """GATEWAY_*_LIMITED flags mirror the portal's privileged-intent toggles."""
    app = world.application
    flags = app.flags
    if app.members_intent_enabled:
        flags |= 1 << 15  # GATEWAY_GUILD_MEMBERS_LIMITED
    if app.message_content_intent_enabled:
        flags |= 1 << 19  # GATEWAY_MESSAGE_CONTENT_LIMITED
    return flags


def attachment(a: Attachment, channel_id: int) -> dict[str, Any]:
    url = f"https://cdn.fakediscord.invalid/attachments/{channel_id}/{a.id}/{a.filename}"
    return {
        "id": str(a.id),
        "filename": a.filename,
        "size": len(a.content),
        "url": url,
        "proxy_url": url,
    }
