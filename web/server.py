"""A tiny static server for the widget and the demo page (aiohttp, already installed by Rasa).

The widget's only dependency, the Socket.IO browser client, is served from ``web/node_modules``
(installed by ``make`` with ``npm ci``), never from a CDN. The demo page is filled in from
``clinic.yml`` and sent with a strict Content-Security-Policy, which the widget works under.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from actions.settings import get_clinic

HERE = Path(__file__).resolve().parent
WIDGET_FILES = {
    "clinic-chat.js": HERE / "widget" / "clinic-chat.js",
    "clinic-chat.css": HERE / "widget" / "clinic-chat.css",
    "socket.io.min.js": HERE / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
}
NO_CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def content_security_policy(server_url: str) -> str:
    """Scripts and styles from this server only; connections to the chat server only."""
    parts = urlsplit(server_url)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    origin = f"{parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {origin} {ws_scheme}://{parts.netloc}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
    )


def render_demo(server_url: str, widget_base: str) -> str:
    info = get_clinic().clinic
    values = {
        "CLINIC_NAME": info.name,
        "MAIN_PHONE": info.main_phone,
        "EMERGENCY_NUMBER": info.emergency_number,
        "CRISIS_LINE": info.crisis_line,
        "CHAT_SERVER_URL": server_url,
        "WIDGET_BASE": widget_base,
    }
    page = (HERE / "demo" / "index.html").read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", html.escape(value, quote=True))
    return page


def create_app(server_url: str) -> web.Application:
    """The demo page at ``/``, the widget under ``/widget/``, ``/health`` for the launcher."""
    server_url = server_url.rstrip("/")
    csp = content_security_policy(server_url)

    async def demo(request: web.Request) -> web.Response:
        base = f"{request.scheme}://{request.host}"
        return web.Response(
            text=render_demo(server_url, base),
            content_type="text/html",
            headers={**NO_CACHE, "Content-Security-Policy": csp, "Referrer-Policy": "no-referrer"},
        )

    async def widget(request: web.Request) -> web.StreamResponse:
        path = WIDGET_FILES.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        if not path.exists():
            raise web.HTTPServiceUnavailable(text=f"{path.name} missing: run `make run` (npm ci)")
        # Any site may embed the widget: allow cross-origin loading of these files.
        return web.FileResponse(path, headers={**NO_CACHE, "Access-Control-Allow-Origin": "*"})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/", demo)
    app.router.add_get("/health", health)
    app.router.add_get("/widget/{name}", widget)
    app.router.add_static("/demo/", HERE / "demo", show_index=False)
    return app
