"""The aiohttp server that discord.py talks to, and the state REST and gateway share."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import yarl
from aiohttp import web

from . import errors, gateway
from .errors import ApiError
from .world import World

if TYPE_CHECKING:
    from .interactions import Interaction
    from .rest import Rest

T = TypeVar("T")

#: Shaped like a real bot token (base64 id . timestamp . hmac), as the production config checks.
FAKE_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GabcDE.ZmFrZS10b2tlbi1mb3ItdGVzdHMtb25seQ"
API_PREFIX = "/api/v10"
#: Where the middleware leaves the parsed JSON body for the route handlers.
BODY: web.RequestKey[Any] = web.RequestKey("fakediscord_body", object)
UPLOADS = "_uploads"
"""Where a multipart body keeps its file parts (by form name, e.g. ``files[0]``)."""


@dataclass
class RequestRecord:
    """One REST request the bot made."""

    method: str
    path: str  # without /api/v10, e.g. "/channels/123/messages"
    route: str  # the matched template, e.g. "/channels/{channel_id}/messages"
    json: Any
    query: dict[str, str]
    at: float
    status: int = 0

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} → {self.status}>"


@dataclass
class _InjectedFailure:
    method: str
    path: str
    times: int
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, record: RequestRecord) -> bool:
        return self.method == record.method and self.path in (record.path, record.route)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """``Content-Type`` exactly ``application/json``: discord.py compares it for equality."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


class FakeServer:
    """REST + gateway on 127.0.0.1:<random port>; ``FakeDiscord`` adds the test-facing API."""

    #: Discord's initial-response window, measured on the fake's clock (see ``advance_time``).
    interaction_deadline: float = 3.0
    #: Interaction token lifetime for follow-ups / edits.
    token_lifetime: float = 15 * 60.0
    #: How long driver waits (``h.response()``, ``wait_for_dm``…) last by default.
    wait_timeout: float = 5.0
    #: discord.py always waits ``guild_ready_timeout`` after the last GUILD_CREATE before
    #: on_ready; while patched, that wait is capped to this many seconds.
    guild_ready_timeout: float = 0.05

    def __init__(
        self, world: World | None = None, *, token: str = FAKE_TOKEN, port: int = 0
    ) -> None:
        """``port`` 0 picks a free one; a test may name the port a bot is already trying."""
        from .standard import standard_world

        self.world = world if world is not None else standard_world()
        self.token = token
        self.requests: list[RequestRecord] = []
        self.connections: list[gateway.GatewayConnection] = []
        self.sessions: dict[str, gateway.GatewayConnection] = {}
        self.interactions: dict[int, Interaction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs = 0
        self._failures: list[_InjectedFailure] = []
        self._time_offset = 0.0
        self._waiters: set[asyncio.Event] = set()
        self._runner: web.AppRunner | None = None
        self._identified = asyncio.Event()
        self._patches: list[Callable[[], None]] = []
        self.port = port
        from .rest import Rest

        self.rest: Rest = Rest(self)

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        from .rest import build_routes

        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/", self._gateway)
        build_routes(self, app)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.unpatch_discord()

    async def __aenter__(self) -> FakeServer:
        await self.start()
        self.patch_discord()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def patch_discord(self) -> None:
        """Point discord.py at this server (undone by ``unpatch_discord``/``stop``)."""
        import discord.gateway
        import discord.http
        import discord.state

        route, ws_cls, state_cls = (
            discord.http.Route,
            discord.gateway.DiscordWebSocket,
            discord.state.ConnectionState,
        )
        old_base, old_gateway, old_parse_ready = (
            route.BASE,
            ws_cls.DEFAULT_GATEWAY,
            state_cls.parse_ready,
        )
        cap = self.guild_ready_timeout

        def parse_ready(state: discord.state.ConnectionState, data: Any) -> None:
            state.guild_ready_timeout = min(state.guild_ready_timeout, cap)
            old_parse_ready(state, data)

        route.BASE = self.api_url
        ws_cls.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        state_cls.parse_ready = parse_ready  # type: ignore[method-assign]

        def restore() -> None:
            route.BASE = old_base
            ws_cls.DEFAULT_GATEWAY = old_gateway
            state_cls.parse_ready = old_parse_ready  # type: ignore[method-assign]

        self._patches.append(restore)

    def unpatch_discord(self) -> None:
        while self._patches:
            self._patches.pop()()

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        self.patch_discord()
        try:
            yield
        finally:
            self.unpatch_discord()

    # -- clock ------------------------------------------------------------------------------
    def now(self) -> float:
        """Monotonic seconds, shifted by ``advance_time`` (for interaction deadlines/tokens)."""
        return time.monotonic() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        self._time_offset += seconds

    # -- waiting ----------------------------------------------------------------------------
    def notify(self) -> None:
        for event in self._waiters:
            event.set()

    async def wait_until(
        self,
        check: Callable[[], T | None],
        *,
        timeout: float | None = None,
        what: str = "a condition",
    ) -> T:
        """Re-run ``check`` after each request/dispatch until it returns something truthy."""
        timeout = self.wait_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
            event = asyncio.Event()
            self._waiters.add(event)
            try:
                await asyncio.wait_for(event.wait(), min(remaining, 0.25))
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(event)

    async def wait_until_identified(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._identified.wait(), timeout or self.wait_timeout)

    def on_identified(self, conn: gateway.GatewayConnection) -> None:
        if conn.session_id:
            self.sessions[conn.session_id] = conn
        self._identified.set()
        self.notify()

    # -- gateway ----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        return await gateway.handle_gateway(self, request)

    async def dispatch(self, event: str, data: Any, *, wait: bool = True) -> None:
        """Send a gateway event to every identified connection whose intents allow it.

        With ``wait`` it returns once discord.py has parsed the event (so its cache is
        up to date); listeners it schedules (``on_member_join``…) may still be running.
        """
        targets = [c for c in self.connections if c.identified and c.wants(event, data)]
        for conn in targets:
            await conn.dispatch(event, data)
        if wait:
            await asyncio.gather(*(c.barrier() for c in targets))
        self.notify()

    # -- REST plumbing ----------------------------------------------------------------------
    def inject_failure(
        self,
        method: str,
        path: str,
        *,
        status: int,
        body: dict[str, Any],
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._failures.append(
            _InjectedFailure(method.upper(), path, times, status, body, headers or {})
        )

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        times: int = 1,
        retry_after: float = 0.01,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a 429 discord.py will retry.

        ``path`` is either a concrete path ("/channels/1/messages") or a route template
        ("/channels/{channel_id}/messages"), both without the /api/v10 prefix.
        """
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if not is_global:
            headers |= {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fakebucket",
            }
        self.inject_failure(method, path, status=429, body=body, times=times, headers=headers)

    def requests_to(
        self, method: str | None = None, path: str | None = None
    ) -> list[RequestRecord]:
        """Recorded requests; ``path`` matches a concrete path, a template, or a regex."""
        out = []
        for r in self.requests:
            if method is not None and r.method != method.upper():
                continue
            if (
                path is not None
                and path not in (r.path, r.route)
                and not re.fullmatch(path, r.path)
            ):
                continue
            out.append(r)
        return out

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        resource = request.match_info.route.resource
        template = resource.canonical if resource is not None else request.path
        record = RequestRecord(
            request.method,
            request.path.removeprefix(API_PREFIX),
            template.removeprefix(API_PREFIX),
            None,
            dict(request.query),
            self.now(),
        )
        self.requests.append(record)
        try:
            response = await self._respond(request, record, handler)
        finally:
            self.notify()
        record.status = response.status
        return response

    async def _respond(
        self,
        request: web.Request,
        record: RequestRecord,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        for failure in self._failures:
            if failure.times > 0 and failure.matches(record):
                failure.times -= 1
                return json_response(failure.body, failure.status, failure.headers)
        try:
            record.json = request[BODY] = await _read_body(request)
            if (
                _needs_bot_auth(record.route)
                and request.headers.get("Authorization") != f"Bot {self.token}"
            ):
                raise errors.unauthorized()
            return await handler(request)
        except ApiError as exc:
            return json_response(exc.body(), exc.status)


def _needs_bot_auth(route: str) -> bool:
    """Interaction callbacks and interaction webhooks authenticate by their token instead."""
    return not (route.startswith("/interactions/") or route.startswith("/webhooks/"))


async def _read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        body = json.loads(str(raw)) if raw is not None else {}
        uploads = {
            name: (value.filename, value.file.read())
            for name, value in form.items()
            if isinstance(value, web.FileField)
        }
        if uploads and isinstance(body, dict):
            body[UPLOADS] = uploads  # matched to `attachments` by rest.attachments_of
        return body
    text = await request.text()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
