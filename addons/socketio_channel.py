"""The web-chat channel: Rasa's socket.io channel, made safe for patients.

Configured in ``credentials.yml`` as ``addons.socketio_channel.SecureSocketIOInput``; its name
stays ``socketio`` so ``output_channel=latest`` (staff replies) finds it. What it fixes in
Rasa 3.6.21's channel:

- ``enter_room`` is awaited when python-socketio makes it a coroutine (5.10+); with the pinned
  5.9 it is a plain call. Either way the browser joins its room and receives replies.
- Sessions are bound to a signed token (:mod:`addons.chat_tokens`). A browser that presents a
  session id without its token gets a new, empty session; messages always go to the session
  the server bound to the socket, never to a ``session_id`` the client writes in the message.
- A returning browser gets the session's transcript from the tracker store.
- Client-sent metadata is dropped: it must not be able to claim an SMS ``phone_hash``.
- Empty messages are ignored; long ones are cut to ``CHAT_MAX_MESSAGE_CHARS`` with a note.
- Staff replies carry ``from_staff`` and ``staff_name`` to the widget.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from actions.settings import get_settings
from addons.chat_tokens import SessionSigner
from addons.chat_transcript import transcript_messages

logger = logging.getLogger(__name__)

STAFF_FIELDS = ("from_staff", "staff_name")


def staff_fields(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``from_staff``/``staff_name`` from the message Rasa merged the event metadata into."""
    if not kwargs.get("from_staff"):
        return {}
    return {"from_staff": True, "staff_name": str(kwargs.get("staff_name") or "")}


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class SecureSocketIOOutput(SocketIOOutput):
    """Sends to the session's room; whole messages (the widget keeps line breaks)."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, namespace: str | None = None):
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(
            self.bot_message_evt, response, room=socket_id, namespace=self.namespace
        )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip(), **staff_fields(kwargs)})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_message(
            recipient_id,
            {
                "text": (text or "").strip(),
                "quick_replies": [
                    {
                        "content_type": "text",
                        "title": str(button.get("title", "")),
                        "payload": str(button.get("payload", "")),
                    }
                    for button in buttons
                ],
                **staff_fields(kwargs),
            },
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            await self._send_message(
                recipient_id,
                {"attachment": {"type": "template", "payload": {"elements": element}}},
            )

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # The stock channel spreads custom JSON into emit()'s keyword arguments, which lets a
        # response choose the room. Here it is data, sent to this conversation only.
        await self._send_message(recipient_id, {"custom": json_message})


class SecureSocketIOInput(SocketIOInput):
    """socket.io input with signed, server-issued sessions (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            namespace=credentials.get("namespace"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        socketio_path: str = "/socket.io",
        signer: SessionSigner | None = None,
        max_message_chars: int | None = None,
    ) -> None:
        super().__init__(
            user_message_evt, bot_message_evt, namespace, True, socketio_path, None, "HS256"
        )
        settings = get_settings()
        if signer is None:
            if not settings.socketio_secret:
                logger.warning(
                    "SOCKETIO_SECRET is not set: web-chat sessions will not survive a restart"
                )
            signer = SessionSigner(settings.socketio_secret, settings.chat_session_max_age_seconds)
        self.signer = signer
        self.max_message_chars = max_message_chars or settings.chat_max_message_chars
        self.app: Sanic | None = None
        # socket id -> the one session the server bound to it.
        self._bound: dict[str, str] = {}

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return None
        return SecureSocketIOOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        channel = self

        class _Blueprint(SocketBlueprint):
            def register(self, app: Sanic, options: dict[str, Any]) -> None:
                channel.app = app  # to read transcripts from the agent's tracker store
                super().register(app, options)

        webhook = _Blueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        ns = self.namespace

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=ns)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            return True

        @sio.on("disconnect", namespace=ns)
        async def disconnect(sid: str) -> None:
            self._bound.pop(sid, None)

        @sio.on("session_request", namespace=ns)
        async def session_request(sid: str, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            requested, token = data.get("session_id"), data.get("token")
            resumed = self.signer.verify(requested, token)
            if resumed:
                session_id = str(requested)
            else:
                if requested:
                    logger.info("web chat: session resume refused (missing or invalid token)")
                session_id, token = self.signer.issue()
            previous = self._bound.get(sid)
            if previous and previous != session_id:
                await _maybe_await(sio.leave_room(sid, previous, namespace=ns))
            await _maybe_await(sio.enter_room(sid, session_id, namespace=ns))
            self._bound[sid] = session_id
            await sio.emit(
                "session_confirm",
                {"session_id": session_id, "token": token, "resumed": resumed},
                room=sid,
                namespace=ns,
            )
            messages = await self._transcript(session_id) if resumed else []
            await sio.emit("session_transcript", {"messages": messages}, room=sid, namespace=ns)

        @sio.on(self.user_message_evt, namespace=ns)
        async def handle_message(sid: str, data: Any = None) -> None:
            session_id = self._bound.get(sid)
            if session_id is None:
                logger.debug("web chat: message before session_request ignored")
                return
            raw = data.get("message") if isinstance(data, dict) else None
            text = raw.strip() if isinstance(raw, str) else ""
            if not text:
                return
            output = SecureSocketIOOutput(sio, self.bot_message_evt, ns)
            if len(text) > self.max_message_chars:
                text = text[: self.max_message_chars]
                await sio.emit(
                    self.bot_message_evt,
                    {
                        "text": (
                            "Your message was long, so I only read the first "
                            f"{self.max_message_chars} characters."
                        ),
                        "notice": True,
                    },
                    room=sid,
                    namespace=ns,
                )
            await on_new_message(
                UserMessage(text, output, session_id, input_channel=self.name(), metadata={})
            )

        return webhook

    async def _transcript(self, session_id: str) -> list[dict[str, Any]]:
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        try:
            tracker = await store.retrieve(session_id)
        except Exception:  # a transcript is a courtesy: never break the session over it
            logger.exception("web chat: could not read the transcript")
            return []
        if tracker is None:
            return []
        return transcript_messages([event.as_dict() for event in tracker.events])
