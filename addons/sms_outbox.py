"""Sending SMS through Twilio's Messages REST API without blocking Rasa, and without losing any.

Replies are queued in the durable outbox (:class:`addons.sms_store.SmsStore`) first; one
asyncio task in the Rasa server delivers them in order per conversation with aiohttp. A send
that fails for a reason that may pass (network, timeout, 429, 5xx) is retried with exponential
backoff; a refusal that will not pass (4xx, e.g. 21610 "recipient unsubscribed") is dropped and
logged. Messages older than ``SMS_MAX_AGE_HOURS`` are dropped as stale. Phone numbers are never
logged: only the pseudonymous conversation id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import aiohttp

from addons.sms_store import OutboxItem, SmsStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    permanent: bool = False
    detail: str = ""


class TwilioMessages:
    """``POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json`` with HTTP Basic auth."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str = "https://api.twilio.com",
        timeout: float = 10.0,
    ) -> None:
        self.url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.from_number = from_number
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self._session: aiohttp.ClientSession | None = None

    async def send(self, to: str, body: str) -> SendResult:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(
                self.url,
                data={"To": to, "From": self.from_number, "Body": body},
                auth=self.auth,
            ) as response:
                status = response.status
                payload = await response.json(content_type=None) if status >= 400 else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            return SendResult(False, detail=type(exc).__name__)
        if 200 <= status < 300:
            return SendResult(True)
        code = payload.get("code") if isinstance(payload, dict) else None
        detail = f"HTTP {status}" + (f", Twilio error {code}" if code else "")
        return SendResult(False, permanent=400 <= status < 500 and status != 429, detail=detail)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class SmsOutbox:
    """Delivers the store's outbox; :meth:`wake` after queueing, :meth:`run` as a task."""

    def __init__(
        self,
        store: SmsStore,
        messages: TwilioMessages,
        retry_seconds: float = 5.0,
        retry_max_seconds: float = 300.0,
        max_age_seconds: float = 86400.0,
    ) -> None:
        self.store = store
        self.messages = messages
        self.retry_seconds = retry_seconds
        self.retry_max_seconds = retry_max_seconds
        self.max_age_seconds = max_age_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Forever: deliver what is due, then sleep until the next retry or a wake-up."""
        while True:
            try:
                next_due = await self.deliver_due()
            except Exception:  # keep the loop alive whatever one round met
                logger.exception("SMS outbox round failed; retrying")
                next_due = time.time() + self.retry_seconds
            self._wake.clear()
            delay = max(0.05, next_due - time.time()) if next_due else None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def deliver_due(self) -> float | None:
        """One pass in queue order; returns when the earliest waiting message is due, if any."""
        blocked: set[str] = set()  # conversations whose earlier message is still waiting
        next_due: float | None = None
        for item in self.store.outbox_pending():
            now = time.time()
            if item.conversation_id in blocked:
                continue
            if now - item.created > self.max_age_seconds:
                logger.error(
                    "SMS for conversation %s dropped: undeliverable for %.0f h",
                    item.conversation_id,
                    self.max_age_seconds / 3600,
                )
                self.store.outbox_remove(item.id)
                continue
            if item.next_attempt > now:
                blocked.add(item.conversation_id)
                next_due = min(next_due or item.next_attempt, item.next_attempt)
                continue
            if not await self._deliver(item):
                blocked.add(item.conversation_id)
                retry_at = time.time() + min(
                    self.retry_seconds * 2**item.attempts, self.retry_max_seconds
                )
                self.store.outbox_retry_at(item.id, retry_at)
                next_due = min(next_due or retry_at, retry_at)
        return next_due

    async def _deliver(self, item: OutboxItem) -> bool:
        """True when the item is done (sent or dropped for good), False to retry later."""
        contact = self.store.contact(item.conversation_id)
        if contact is None:
            logger.error("SMS for conversation %s dropped: no number on file", item.conversation_id)
            self.store.outbox_remove(item.id)
            return True
        if not item.compliance and self.store.opted_out(contact.phone_hash):
            logger.info(
                "SMS for conversation %s not sent: the patient opted out (STOP)",
                item.conversation_id,
            )
            self.store.outbox_remove(item.id)
            return True
        result = await self.messages.send(contact.phone, item.body)
        if result.ok:
            self.store.outbox_remove(item.id)
            return True
        if result.permanent:
            logger.error(
                "SMS for conversation %s refused by Twilio (%s); dropped",
                item.conversation_id,
                result.detail,
            )
            self.store.outbox_remove(item.id)
            return True
        logger.warning(
            "SMS for conversation %s not sent (%s, attempt %d); will retry",
            item.conversation_id,
            result.detail,
            item.attempts + 1,
        )
        return False
