"""The staff console's HTTP server (aiohttp): static page, JSON API, live events.

Who may call what is declared per handler (:func:`access`) and enforced in one middleware:

- ``public``: the page itself, static files, ``/health``;
- ``session``: ``GET /api/session`` (creates an anonymous session with a CSRF token);
- ``login``: needs the anonymous session's CSRF token;
- ``staff`` / ``admin``: a logged-in session (401 without), and for every state-changing call
  the session's CSRF token in ``X-CSRF-Token`` (403 without);
- ``machine``: the action server and the Rasa event broker, ``Authorization: Bearer
  $HANDOFF_SECRET``.

Logs carry ids only: never patient names, dates of birth, phone numbers or message text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlparse

from aiohttp import web

from console import auth
from console.handlers import (
    STATIC_DIR,
    Handler,
    audit_log,
    canned_replies,
    claim,
    error,
    get_handoff,
    hand_back,
    health,
    index,
    list_handoffs,
    live_events,
    login,
    logout,
    rasa_events,
    rating,
    receive_handoff,
    release,
    reply,
    resolve,
    session_info,
    withdraw,
)
from console.service import Console, ConsoleConfig
from console.store import Session, Store, StoreError, User

logger = logging.getLogger("console")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; media-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# --- middleware ---------------------------------------------------------------------------------


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    if not response.prepared:  # a live-event stream has sent its headers already
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/") or request.path == "/":
            response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _origin_ok(request: web.Request) -> bool:
    """A browser's cross-site POST carries a foreign Origin: refuse it (defence in depth)."""
    origin = request.headers.get("Origin")
    return origin is None or urlparse(origin).netloc == request.host


@web.middleware
async def authorize(request: web.Request, handler: Handler) -> web.StreamResponse:
    console: Console = request.app["console"]
    level = getattr(request.match_info.handler, "access", "public")
    if level == "machine":
        if not auth.bearer_ok(request.headers.get("Authorization"), console.config.handoff_secret):
            return error(401, "missing or wrong shared secret")
        return await handler(request)
    if level == "public":
        return await handler(request)
    session, user = await _load_session(request, console)
    request["session"], request["user"] = session, user
    if level in ("staff", "admin"):
        if user is None:
            return error(401, "log in first")
        if level == "admin" and not user.is_admin:
            return error(403, "admins only")
    if level in ("login", "staff", "admin") and request.method not in SAFE_METHODS:
        token = session.csrf_token if session else None
        if not _origin_ok(request) or not auth.csrf_ok(
            token, request.headers.get(auth.CSRF_HEADER)
        ):
            return error(403, "missing or wrong CSRF token; reload the page")
    return await handler(request)


async def _load_session(
    request: web.Request, console: Console
) -> tuple[Session | None, User | None]:
    token = auth.unsign(request.cookies.get(auth.COOKIE_NAME), console.config.secret_key)
    if token is None:
        return None, None
    session = await console.db(
        console.store.get_session, auth.session_id(token), console.config.session_max_idle
    )
    if session is None or session.user_id is None:
        return session, None
    user = await console.db(console.store.user_by_id, session.user_id)
    if user is None or user.disabled:
        return session, None
    return session, user


# --- errors and wiring ---------------------------------------------------------------------------


@web.middleware
async def store_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StoreError as exc:
        return error(exc.status, str(exc))


def create_app(config: ConsoleConfig, store: Store | None = None) -> web.Application:
    """The console as an aiohttp application (``python -m console serve`` runs it)."""
    app = web.Application(
        middlewares=[security_headers, authorize, store_errors], client_max_size=256 * 1024
    )
    console = Console(config, store)
    app["console"] = console

    async def purge_sessions_hourly(_app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    await console.db(console.store.purge_sessions, config.session_max_idle)
                except Exception:
                    logger.exception("could not purge old sessions")
                await asyncio.sleep(3600)

        task = asyncio.ensure_future(loop())
        yield
        task.cancel()

    async def on_shutdown(_app: web.Application) -> None:
        await console.hub.close()

    async def on_cleanup(_app: web.Application) -> None:
        await console.shutdown()

    app.cleanup_ctx.append(purge_sessions_hourly)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)

    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_static("/static", STATIC_DIR, append_version=False)
    app.router.add_get("/api/session", session_info)
    app.router.add_post("/api/login", login)
    app.router.add_post("/api/logout", logout)
    app.router.add_get("/api/handoffs", list_handoffs)
    app.router.add_post("/api/handoffs", receive_handoff)
    app.router.add_get("/api/handoffs/{item_id}", get_handoff)
    app.router.add_post("/api/handoffs/{item_id}/claim", claim)
    app.router.add_post("/api/handoffs/{item_id}/release", release)
    app.router.add_post("/api/handoffs/{item_id}/reply", reply)
    app.router.add_post("/api/handoffs/{item_id}/handback", hand_back)
    app.router.add_post("/api/handoffs/{item_id}/resolve", resolve)
    app.router.add_post("/api/handoffs/{key}/rating", rating)
    app.router.add_post("/api/handoffs/{key}/withdraw", withdraw)
    app.router.add_get("/api/canned-replies", canned_replies)
    app.router.add_get("/api/audit", audit_log)
    app.router.add_get("/api/events", live_events)
    app.router.add_post("/api/rasa-events", rasa_events)
    return app
