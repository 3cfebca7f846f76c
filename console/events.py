"""Live updates for open console pages: server-sent events, one queue per connected page.

Events carry ids and kinds only (``queue`` changed, a ``message`` arrived in conversation X);
the page then fetches what it shows through the authenticated API. So nothing sensitive is
pushed, and a page that missed an event is correct again after the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

KEEPALIVE_SECONDS = 15.0


class EventHub:
    """Fan-out of small JSON events to every subscribed page."""

    def __init__(self, max_pending: int = 100) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self._max_pending = max_pending

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, kind: str, **data: Any) -> None:
        event = {"type": kind, **data}
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                # A page that stopped reading loses events, not the server its memory.
                queue.put_nowait(event)

    async def close(self) -> None:
        """End every stream (at shutdown, so the server does not wait for open pages)."""
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    async def stream(self) -> AsyncIterator[bytes]:
        """SSE frames for one page until it disconnects or the server shuts down."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(self._max_pending)
        self._subscribers.add(queue)
        try:
            yield b"retry: 3000\n: connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    yield b": keep-alive\n\n"
                    continue
                if event is None:
                    return
                yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
        finally:
            self._subscribers.discard(queue)
