"""Rasa event broker that forwards patient and bot messages to the staff console, live.

Configured in endpoints.yml::

    event_broker:
      type: addons.console_events.ConsoleEventBroker
      url: ${CONSOLE_EVENTS_URL}
      secret: ${HANDOFF_SECRET}

Rasa calls :meth:`publish` synchronously while it saves a tracker, so publishing only drops the
event into a bounded in-memory queue; a background task posts batches to the console with the
shared secret. A console that is down or slow costs dropped live updates (the transcript is
always read from the tracker), never a delayed or failed patient turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from asyncio import AbstractEventLoop
from typing import Any

import aiohttp
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

FORWARDED_EVENTS = {"user", "bot"}
FORWARDED_KEYS = ("sender_id", "event", "text", "timestamp", "input_channel", "metadata")


class ConsoleEventBroker(EventBroker):
    """Posts ``user`` and ``bot`` events to the console's ``/api/rasa-events``."""

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float = 3.0,
        max_queue: int = 1000,
        max_batch: int = 50,
    ) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.max_queue = max_queue
        self.max_batch = max_batch
        self._queue: asyncio.Queue[dict[str, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._last_warning = 0.0
        self.dropped = 0

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: AbstractEventLoop | None = None,
    ) -> ConsoleEventBroker | None:
        url = (broker_config.url or "").strip() if broker_config else ""
        if not url:
            logger.info("no console events URL: live updates to the staff console are off")
            return None
        kwargs = broker_config.kwargs or {}
        return cls(
            url,
            str(kwargs.get("secret") or ""),
            timeout=float(kwargs.get("timeout", 3.0)),
            max_queue=int(kwargs.get("max_queue", 1000)),
        )

    def publish(self, event: dict[str, Any]) -> None:
        """Queue a message event for the console; never blocks, never raises."""
        try:
            if event.get("event") not in FORWARDED_EVENTS:
                return
            slim = {key: event.get(key) for key in FORWARDED_KEYS if key in event}
            queue = self._ensure_worker()
            if queue is None:
                return
            queue.put_nowait(slim)
        except asyncio.QueueFull:
            self._drop("the console is not keeping up")
        except Exception:  # a broker must never break the conversation
            logger.exception("console event broker: could not queue an event")

    def _ensure_worker(self) -> asyncio.Queue[dict[str, Any]] | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None  # not inside Rasa's event loop (e.g. a CLI tool): nothing to forward to
        if self._queue is None:
            self._queue = asyncio.Queue(self.max_queue)
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._run())
        return self._queue

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._post(batch)

    async def _post(self, batch: list[dict[str, Any]]) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, 2.0))
            )
        try:
            async with self._session.post(
                self.url, json=batch, headers={"Authorization": f"Bearer {self.secret}"}
            ) as response:
                if not 200 <= response.status < 300:
                    self._drop(f"the console answered HTTP {response.status}", len(batch))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._drop(f"the console is not reachable ({type(exc).__name__})", len(batch))

    def _drop(self, why: str, count: int = 1) -> None:
        self.dropped += count
        now = time.monotonic()
        if now - self._last_warning > 60:  # one line a minute, not one per message
            self._last_warning = now
            logger.warning(
                "console event broker: %s; %d live update(s) dropped so far", why, self.dropped
            )

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
        if self._session is not None:
            await self._session.close()
