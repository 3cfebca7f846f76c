"""The SMS channel (Twilio), replacing Rasa 3.6.21's, which trusts unsigned requests, fails on a
picture without text, sends synchronously and loses the turn when Twilio is unreachable.

Configured in ``credentials.yml`` as ``addons.twilio_channel.TwilioInput`` (name ``twilio`` →
``POST /webhooks/twilio/webhook``). Settings come from the environment (``actions.settings``):
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM_NUMBER``, ``TWILIO_API_BASE``,
``TWILIO_WEBHOOK_URL`` and ``PHONE_HASH_SECRET``; without them the webhook answers 503.

A webhook request is checked (``X-Twilio-Signature`` over the public URL), the sender's number
becomes a pseudonymous conversation id (``sms-`` + keyed hash) with ``phone_hash`` in the
message metadata, carrier keywords (STOP/START/HELP) are answered here, a numbered answer is
mapped to the button's payload, and the message is written to the inbox before the webhook
answers with empty TwiML at once. Rasa handles it in the background; replies go through the
durable outbox (:mod:`addons.sms_outbox`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from actions.phone import seal_phone
from actions.settings import Settings, get_clinic, get_settings
from addons import sms_text
from addons.card_numbers import redact_card_numbers
from addons.sms_outbox import SmsOutbox, TwilioMessages
from addons.sms_store import Contact, InboxItem, SmsStore

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class FormParams(dict):
    """Form fields as lists, blanks kept: Twilio signs ``Body=`` too, Sanic's form drops it."""

    def getall(self, name: str) -> list[str]:
        return list(self[name])

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name) or [default]
        return values[0]


def parse_form(body: bytes) -> FormParams:
    return FormParams(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))


class Texts:
    """What the channel itself says (carrier keywords, pictures); the clinic from clinic.yml."""

    @staticmethod
    def help() -> str:
        info = get_clinic().clinic
        return (
            f"{info.name}: patient support by text. Call us at {info.main_phone}. "
            f"Emergency: call {info.emergency_number}. Crisis: call or text {info.crisis_line}. "
            "Msg & data rates may apply. Reply STOP to opt out."
        )

    @staticmethod
    def opted_out(word: str) -> str:
        info = get_clinic().clinic
        text = (
            f"You're unsubscribed from {info.name} texts and will get no more messages. "
            "Reply START to subscribe again."
        )
        if word == "CANCEL":
            text += (
                ' If you meant to cancel an appointment, reply START, then "cancel my appointment".'
            )
        return text

    @staticmethod
    def how_to_stop() -> str:
        return (
            "Sorry for the texts. To get no more messages from "
            f"{get_clinic().clinic.name}, reply STOP (just that word). You can reply START "
            "any time to get them again."
        )

    @staticmethod
    def opted_in() -> str:
        return (
            f"You're subscribed again to {get_clinic().clinic.name} texts. "
            "Reply HELP for help, STOP to opt out."
        )

    @staticmethod
    def no_text(num_media: int) -> str:
        if num_media:
            return (
                "Thanks. I can only read text, so I can't open pictures or files. Please tell "
                "me in words what you need. If staff need to see something, they'll tell you "
                "how to share it safely."
            )
        return "Your message seemed to be empty. How can I help? You can write in your own words."

    @staticmethod
    def picture_ignored() -> str:
        return "(I can't open pictures or files, so I've read only your text.)"

    @staticmethod
    def failed() -> str:
        return (
            "Sorry, something went wrong on our side. Please try again in a moment, or call "
            f"us at {get_clinic().clinic.main_phone}."
        )


class TwilioOutput(OutputChannel):
    """Queues SMS replies in the outbox: plain text, numbered options, split when long."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, store: SmsStore, outbox: SmsOutbox) -> None:
        self.store = store
        self.outbox = outbox

    def queue(
        self,
        recipient_id: str,
        text: str,
        options: list[sms_text.Option] | None = None,
        compliance: bool = False,
        **kwargs: Any,
    ) -> bool:
        """Render and queue one message; False (and a log line, without the number) if not."""
        contact = self.store.contact(recipient_id)
        if contact is None:
            logger.warning("SMS for conversation %s not sent: no number on file", recipient_id)
            return False
        if not compliance and self.store.opted_out(contact.phone_hash):
            logger.info(
                "SMS for conversation %s not sent: the patient opted out (STOP)", recipient_id
            )
            return False
        if options:
            self.store.set_options(recipient_id, options)
        staff = str(kwargs.get("staff_name") or "") if kwargs.get("from_staff") else None
        body = sms_text.render(text or "", options, staff)
        if not body:
            return False
        self.store.outbox_add(recipient_id, sms_text.split(body), compliance=compliance)
        self.outbox.wake()
        return True

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.queue(recipient_id, text, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.queue(recipient_id, text, sms_text.options_from_buttons(buttons), **kwargs)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        self.queue(recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, str):
            self.queue(recipient_id, attachment, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        lines = [str(e.get("title", "")) for e in elements if isinstance(e, dict)]
        self.queue(recipient_id, "\n".join(line for line in lines if line), **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        if isinstance(json_message.get("text"), str):
            self.queue(recipient_id, json_message["text"], **kwargs)


class TwilioInput(InputChannel):
    """Signed Twilio webhook → Rasa, answered at once; see the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings from the environment; credentials.yml may override any of them."""
        values = {k: v for k, v in (credentials or {}).items() if v not in (None, "")}
        return cls(get_settings(), **values)

    def __init__(self, settings: Settings, **overrides: Any) -> None:
        self.account_sid = str(overrides.get("account_sid", settings.twilio_account_sid))
        self.auth_token = str(overrides.get("auth_token", settings.twilio_auth_token))
        self.from_number = str(overrides.get("twilio_number", settings.twilio_from_number))
        self.webhook_url = str(overrides.get("webhook_url", settings.twilio_webhook_url))
        api_base = str(overrides.get("api_base", settings.twilio_api_base))
        secret = settings.phone_hash_secret
        # (Settings.sms_enabled, with credentials.yml's values)
        self.enabled = all((self.account_sid, self.auth_token, self.from_number, secret))
        self.store: SmsStore | None = None
        self.outbox: SmsOutbox | None = None
        self._tasks: set[asyncio.Task] = set()
        if not self.enabled:
            logger.warning(
                "SMS channel off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER "
                "and PHONE_HASH_SECRET to receive texts"
            )
            return
        self.validator = RequestValidator(self.auth_token)
        self.store = SmsStore(settings.sms_store_path, secret)
        self.outbox = SmsOutbox(
            self.store,
            TwilioMessages(
                self.account_sid,
                self.auth_token,
                self.from_number,
                api_base,
                settings.twilio_timeout_seconds,
            ),
            retry_seconds=settings.sms_retry_seconds,
            retry_max_seconds=settings.sms_retry_max_seconds,
            max_age_seconds=settings.sms_max_age_hours * 3600,
        )

    def get_output_channel(self) -> OutputChannel | None:
        if self.store is None or self.outbox is None:
            return None
        return TwilioOutput(self.store, self.outbox)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def signed(self, request: Request, params: FormParams) -> bool:
        """``X-Twilio-Signature`` over the public URL Twilio called (TWILIO_WEBHOOK_URL)."""
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.webhook_url or request.url
        return bool(signature) and self.validator.validate(url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            if self.outbox is None or self.store is None:
                return
            self._spawn(self.outbox.run())
            pending = self.store.inbox_pending()
            if pending:
                logger.info("SMS: handling %d message(s) left from the last run", len(pending))
                self._spawn(self._drain(pending, on_new_message))

        @webhook.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            for task in list(self._tasks):
                task.cancel()
            if self.outbox is not None:
                await self.outbox.messages.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("SMS is not configured", status=503)
            params = parse_form(request.body or b"")
            if not self.signed(request, params):
                logger.warning("SMS webhook refused: missing or invalid X-Twilio-Signature")
                return response.text("invalid signature", status=403)
            if params.first("AccountSid") != self.account_sid:
                logger.warning("SMS webhook refused: signed for another Twilio account")
                return response.text("wrong account", status=403)
            assert self.store is not None
            contact = self.store.remember(params.first("From"))
            if contact is None:
                return response.text("sender is not a phone number", status=400)
            item = self.accept(contact, params)
            if item is not None:
                self._spawn(self._handle(item, on_new_message))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    def accept(self, contact: Contact, params: FormParams) -> InboxItem | None:
        """Answer keywords and empty messages here; an ordinary message goes to the inbox."""
        assert self.store is not None
        output = self.get_output_channel()
        assert isinstance(output, TwilioOutput)
        conversation = contact.conversation_id
        text = params.first("Body").strip()
        try:
            num_media = int(params.first("NumMedia", "0") or 0)
        except ValueError:
            num_media = 0
        opted_out = self.store.opted_out(contact.phone_hash)
        kind = sms_text.classify_keyword(text, opted_out)
        if kind == "opt_out":
            word = sms_text.keyword(text)
            self.store.opt_out(contact.phone_hash, word)
            logger.info("SMS conversation %s opted out (%s)", conversation, word)
            output.queue(conversation, Texts.opted_out(word), compliance=True)
            return None
        if kind == "opt_in":
            self.store.opt_in(contact.phone_hash)
            logger.info("SMS conversation %s opted in again", conversation)
            output.queue(conversation, Texts.opted_in(), compliance=True)
            return None
        if kind == "help":
            output.queue(conversation, Texts.help(), compliance=True)
            return None
        if kind == "how_to_stop":
            output.queue(conversation, Texts.how_to_stop())  # not to a number opted out
            return None
        if not text:
            output.queue(conversation, Texts.no_text(num_media))
            return None
        if num_media:
            output.queue(conversation, Texts.picture_ignored())
        text = text[: sms_text.INBOUND_MAX_CHARS].replace("¡", "@")  # GSM carriers mangle @
        # Not even the inbox keeps a card number; the NLU still sees that one was sent.
        text = redact_card_numbers(text)
        payload = sms_text.match_option(text, self.store.take_options(conversation))
        item = InboxItem(
            message_sid=params.first("MessageSid") or params.first("SmsSid") or "",
            conversation_id=conversation,
            text=payload or text,
            # sealed: "this number" at a new patient's phone question (see actions.phone)
            metadata={
                "phone_hash": contact.phone_hash,
                "phone_sealed": seal_phone(contact.phone, self.store.secret),
            },
        )
        if not item.message_sid:
            return None
        return item if self.store.inbox_add(item) else None

    async def _drain(
        self, items: list[InboxItem], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        for item in items:
            await self._handle(item, on_new_message)

    async def _handle(
        self, item: InboxItem, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Let Rasa answer; the inbox entry goes only once that is done (or failed for good)."""
        assert self.store is not None
        output = self.get_output_channel()
        assert isinstance(output, TwilioOutput)
        try:
            await on_new_message(
                UserMessage(
                    item.text,
                    output,
                    item.conversation_id,
                    input_channel=self.name(),
                    metadata=item.metadata,
                )
            )
        except asyncio.CancelledError:
            raise  # shutting down: the inbox keeps it for the next start
        except Exception:
            logger.exception("SMS turn of conversation %s failed", item.conversation_id)
            output.queue(item.conversation_id, Texts.failed())
        self.store.inbox_done(item.message_sid)
