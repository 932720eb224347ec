"""The gateway websocket: HELLO → IDENTIFY → READY + GUILD_CREATEs, heartbeats, RESUME, op 8.

Frames are compressed the way the client asked (``compress=zlib-stream``, or ``zstd-stream``
when a zstd module is importable), one shared compression context per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import zlib
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import WSMsgType, web

from . import payloads

if TYPE_CHECKING:
    from .server import FakeServer

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15

HEARTBEAT_INTERVAL_MS = 41250

#: Which intent a dispatch needs; events not listed are always sent (e.g. INTERACTION_CREATE).
EVENT_INTENTS: dict[str, int] = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    "THREAD_MEMBER_UPDATE": GUILDS,
    "THREAD_MEMBERS_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
}

#: Privileged intents and the portal toggle (attribute of ``Application``) that unlocks each.
PRIVILEGED: dict[int, str] = {
    GUILD_MEMBERS: "members_intent_enabled",
    GUILD_PRESENCES: "presence_intent_enabled",
    MESSAGE_CONTENT: "message_content_intent_enabled",
}


class _Compressor(Protocol):
    def __call__(self, data: bytes) -> bytes: ...


def _zlib_stream() -> _Compressor:
    ctx = zlib.compressobj()
    return lambda data: ctx.compress(data) + ctx.flush(zlib.Z_SYNC_FLUSH)


def _zstd_stream() -> _Compressor | None:
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:
            return None
        cz = zstd.ZstdCompressor()
        return lambda data: cz.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK)
    cobj = zstandard.ZstdCompressor().compressobj()
    return lambda data: cobj.compress(data) + cobj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


class GatewayConnection:
    """One client websocket."""

    def __init__(self, server: FakeServer, ws: web.WebSocketResponse, compress: str | None):
        self.server = server
        self.ws = ws
        self.compress: _Compressor | None = None
        if compress == "zlib-stream":
            self.compress = _zlib_stream()
        elif compress == "zstd-stream":
            self.compress = _zstd_stream()
        self.seq = 0
        self.intents = 0
        self.session_id: str | None = None
        self.identified = False
        self.received: list[dict[str, Any]] = []
        self._barriers: list[asyncio.Future[None]] = []
        self._asked_seq = -1
        """The last event a heartbeat request (op 1) was sent after."""
        self._synced_seq = -1
        """The last event the client is known to have parsed (it answered a request after it)."""

    async def send(self, payload: dict[str, Any]) -> None:
        if self.ws.closed:
            return
        raw = json.dumps(payload).encode()
        if self.compress is not None:
            await self.ws.send_bytes(self.compress(raw))
        else:
            await self.ws.send_str(raw.decode())

    async def barrier(self, timeout: float = 2.0) -> None:
        """Ask for a heartbeat (op 1) and wait for it: discord.py handles frames in order, so
        once it answers, everything sent before has been parsed.

        discord.py answers through its gateway rate limiter (110 frames a minute), so a
        request is sent only when an event was sent since the last one: with nothing new,
        the client has already parsed everything; with a request already on its way after
        the latest event, this barrier waits for that answer."""
        if self._synced_seq >= self.seq:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._barriers.append(future)
        if self._asked_seq < self.seq:
            self._asked_seq = self.seq
            await self.send({"op": 1, "d": self.seq, "s": None, "t": None})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(future, timeout)

    async def dispatch(self, event: str, data: Any) -> None:
        if event == "MESSAGE_CREATE":
            data = self._hide_content(data)
        self.seq += 1
        await self.send({"op": 0, "t": event, "s": self.seq, "d": data})

    def _hide_content(self, data: dict[str, Any]) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, guild messages arrive empty unless they mention the bot."""
        bot_id = str(self.server.world.bot.id)
        if (
            self.intents & MESSAGE_CONTENT
            or not data.get("guild_id")
            or data["author"]["id"] == bot_id
            or any(u["id"] == bot_id for u in data.get("mentions", []))
        ):
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    def wants(self, event: str, data: Any) -> bool:
        """Does this connection's intent set allow ``event`` (as Discord would filter it)?"""
        if event == "MESSAGE_CREATE":
            needed = GUILD_MESSAGES if data.get("guild_id") else DIRECT_MESSAGES
            return bool(self.intents & needed)
        if event == "GUILD_MEMBER_UPDATE" and int(data["user"]["id"]) == self.server.world.bot.id:
            return True
        if event == "THREAD_MEMBERS_UPDATE":
            others = [
                m
                for m in data.get("added_members", [])
                if int(m["user_id"]) != self.server.world.bot.id
            ]
            if others or data.get("removed_member_ids"):
                return bool(self.intents & GUILD_MEMBERS)
        needed = EVENT_INTENTS.get(event)
        return needed is None or bool(self.intents & needed)

    # -- protocol ---------------------------------------------------------------------------
    async def run(self) -> None:
        await self.send(
            {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
        )
        async for msg in self.ws:
            if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                payload = json.loads(msg.data)
                self.received.append(payload)
                await self.handle(payload)
            else:
                break

    async def handle(self, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == 1:
            await self.send({"op": 11, "d": None, "s": None, "t": None})
            if self._barriers and isinstance(d, int):
                # The client's heartbeat carries the last event it received.
                self._synced_seq = max(self._synced_seq, min(d, self._asked_seq))
            for future in self._barriers:
                if not future.done():
                    future.set_result(None)
            self._barriers.clear()
        elif op == 2:
            await self.identify(d)
        elif op == 6:
            await self.resume(d)
        elif op == 8:
            await self.request_members(d)

    async def identify(self, d: dict[str, Any]) -> None:
        world = self.server.world
        if d.get("token") != self.server.token:
            await self.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(d.get("intents", 0))
        for bit, toggle in PRIVILEGED.items():
            if intents & bit and not getattr(world.application, toggle):
                await self.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
        self.intents = intents
        self.session_id = secrets.token_hex(16)
        self.identified = True
        guilds = [g for g in world.guilds.values() if world.bot.id in g.members]
        ready: dict[str, Any] = {
            "v": 10,
            "user": payloads.bot_user(world.bot),
            "session_id": self.session_id,
            "resume_gateway_url": self.server.gateway_url,
            "session_type": "normal",
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "application": {"id": str(world.application.id), "flags": payloads.app_flags(world)},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if d.get("shard") is not None:
            ready["shard"] = d["shard"]
        await self.dispatch("READY", ready)
        for guild in guilds:
            bot_member = guild.members[world.bot.id]
            await self.dispatch("GUILD_CREATE", payloads.guild(guild, members=[bot_member]))
        self.server.on_identified(self)

    async def resume(self, d: dict[str, Any]) -> None:
        known = self.server.sessions.get(d.get("session_id", ""))
        if d.get("token") != self.server.token or known is None:
            await self.send({"op": 9, "d": False, "s": None, "t": None})
            return
        self.session_id, self.intents, self.seq = known.session_id, known.intents, known.seq
        self.identified = True
        await self.dispatch("RESUMED", {})
        self.server.on_identified(self)

    async def request_members(self, d: dict[str, Any]) -> None:
        guild = self.server.world.guilds.get(int(d["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if d.get("user_ids"):
            ids = d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]]
            members = [m for m in members if str(m.id) in {str(i) for i in ids}]
        elif d.get("query"):
            prefix = str(d["query"]).lower()
            members = [m for m in members if m.user.name.lower().startswith(prefix)]
        if d.get("limit"):
            members = members[: int(d["limit"])]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [payloads.member(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)


async def handle_gateway(server: FakeServer, request: web.Request) -> web.StreamResponse:
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    conn = GatewayConnection(server, ws, request.query.get("compress"))
    server.connections.append(conn)
    try:
        await conn.run()
    finally:
        server.connections.remove(conn)
    return ws
