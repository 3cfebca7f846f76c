"""``python -m web --port 8081``: serve the demo clinic page and the chat widget."""

from __future__ import annotations

import argparse

from aiohttp import web as aiohttp_web

from actions.settings import get_settings
from web.server import create_app


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.web_port)
    parser.add_argument(
        "--server-url",
        default=settings.chat_server_url,
        help="the Rasa server's URL as browsers reach it (CHAT_SERVER_URL)",
    )
    args = parser.parse_args()
    aiohttp_web.run_app(
        create_app(args.server_url), host=args.host, port=args.port, print=None, access_log=None
    )


if __name__ == "__main__":
    main()
