"""The console's HTTP handlers. Each declares who may call it with :func:`access`; the
``authorize`` middleware in :mod:`console.app` enforces it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from console import auth
from console.rasa_api import CSAT_INTENT, RasaError, transcript
from console.schemas import HandoffIn, LoginIn, RatingIn, ReplyIn, WithdrawIn
from console.service import Console, iso
from console.store import CLOSED_STATUSES, OPEN_STATUSES, STAFF_HOLDS_STATUSES, Session, User

logger = logging.getLogger("console")

STATIC_DIR = Path(__file__).resolve().parent / "static"
# After this many failed logins to one account within the window, refuse it for a while.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_S = 900.0
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def access(level: str) -> Callable[[Handler], Handler]:
    """Declare who may call a handler: public, session, login, staff, admin or machine."""

    def mark(handler: Handler) -> Handler:
        handler.access = level  # type: ignore[attr-defined]
        return handler

    return mark


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


# --- helpers -------------------------------------------------------------------------------------


def _console(request: web.Request) -> Console:
    return request.app["console"]


def _user(request: web.Request) -> User:
    user = request.get("user")
    assert user is not None  # guaranteed by the middleware for staff routes
    return user


async def _body(request: web.Request, model: type[BaseModel]) -> Any:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "expected a JSON body"}), content_type="application/json"
        ) from None
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise web.HTTPBadRequest(
            text=json.dumps({"error": problems}), content_type="application/json"
        ) from None


async def _item_or_404(request: web.Request) -> dict[str, Any]:
    console = _console(request)
    item = await console.db(console.store.item, request.match_info["item_id"])
    if item is None:
        raise web.HTTPNotFound(
            text=json.dumps({"error": "no such conversation"}), content_type="application/json"
        )
    return item


def _set_session_cookie(response: web.Response, console: Console, token: str) -> None:
    response.set_cookie(
        auth.COOKIE_NAME,
        auth.sign(token, console.config.secret_key),
        httponly=True,
        samesite="Strict",
        secure=console.config.secure_cookies,
        path="/",
        max_age=int(console.config.session_max_idle),
    )


async def _new_session(console: Console, user_id: int | None) -> tuple[str, str]:
    token, csrf = auth.new_token(), auth.new_token()
    await console.db(console.store.create_session, auth.session_id(token), csrf, user_id)
    return token, csrf


async def _changed(console: Console, item_id: str) -> dict[str, Any]:
    console.hub.publish("queue", item_id=item_id)
    item = await console.db(console.store.item, item_id)
    assert item is not None
    return console.public_item(item)


# --- pages and session ---------------------------------------------------------------------------


@access("public")
async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


@access("public")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@access("session")
async def session_info(request: web.Request) -> web.Response:
    """Who is logged in, and the CSRF token the page must send back (creates a session)."""
    console = _console(request)
    session: Session | None = request.get("session")
    user: User | None = request.get("user")
    if session is None:
        token, csrf = await _new_session(console, None)
        response = web.json_response({"user": None, "csrf_token": csrf})
        _set_session_cookie(response, console, token)
        return response
    return web.json_response(
        {"user": user.public() if user else None, "csrf_token": session.csrf_token}
    )


@access("login")
async def login(request: web.Request) -> web.Response:
    console = _console(request)
    body: LoginIn = await _body(request, LoginIn)
    name = body.username.strip()
    since = time.time() - LOGIN_FAILURE_WINDOW_S
    if await console.db(console.store.failed_logins, name, since) >= LOGIN_FAILURE_LIMIT:
        return error(429, "Too many failed attempts. Wait 15 minutes or ask an admin.")
    user = await console.db(console.store.user_by_name, name)
    stored = user.password_hash if user is not None and not user.disabled else None
    ok = await console.db(auth.verify_or_waste_time, body.password, stored)
    if not ok or user is None:
        await console.db(console.store.log, user, "login_failed")
        return error(401, "Wrong user name or password.")
    old: Session | None = request.get("session")
    if old is not None:
        # A new session id at login: a session planted before login is worthless after it.
        await console.db(console.store.delete_session, old.id)
    token, csrf = await _new_session(console, user.id)
    await console.db(console.store.log, user, "login")
    response = web.json_response({"user": user.public(), "csrf_token": csrf})
    _set_session_cookie(response, console, token)
    return response


@access("staff")
async def logout(request: web.Request) -> web.Response:
    console = _console(request)
    session: Session = request["session"]
    await console.db(console.store.delete_session, session.id)
    await console.db(console.store.log, _user(request), "logout")
    response = web.json_response({"ok": True})
    response.del_cookie(auth.COOKIE_NAME, path="/")
    return response


# --- the queue -----------------------------------------------------------------------------------


@access("staff")
async def list_handoffs(request: web.Request) -> web.Response:
    console = _console(request)
    closed = request.query.get("state") == "closed"
    items = await console.db(console.store.queue, closed)
    if closed:
        items = [i for i in items if i["status"] in CLOSED_STATUSES]
    now = time.time()
    return web.json_response({"items": [console.public_item(i, now) for i in items]})


@access("machine")
async def receive_handoff(request: web.Request) -> web.Response:
    """From the action server: store once per handoff_id, raise an open item, tell the pages."""
    console = _console(request)
    record: HandoffIn = await _body(request, HandoffIn)
    receipt = await console.db(console.store.receive, record.stored())
    item = receipt.item
    if not receipt.duplicate:
        console.hub.publish(
            "queue", item_id=item["id"], priority=item["priority"], new=receipt.created
        )
        logger.info(
            "handoff %s received (item=%s, reason=%s, priority=%s, %s)",
            record.handoff_id,
            item["id"],
            record.reason,
            item["priority"],
            "new" if receipt.created else "raised existing",
        )
    status = 201 if receipt.created else 200
    return web.json_response(
        {"id": item["id"], "created": receipt.created, "duplicate": receipt.duplicate},
        status=status,
    )


@access("staff")
async def get_handoff(request: web.Request) -> web.Response:
    """One conversation: item, live transcript from Rasa, staff replies, appointments."""
    console = _console(request)
    item = await _item_or_404(request)
    user = _user(request)
    await console.db(console.store.log_view, user, item)
    out: dict[str, Any] = {"item": console.public_item(item)}
    try:
        tracker = await console.rasa.tracker(item["conversation_id"])
        out["transcript"] = transcript(tracker)
        out["paused"] = bool(tracker.get("paused"))
    except RasaError as exc:
        out["transcript"] = None
        out["transcript_error"] = f"The transcript is not available right now ({exc})."
    staff = await console.db(console.store.staff_messages_for, item["conversation_id"])
    out["staff_messages"] = [
        {"staff_name": m["staff_name"], "text": m["text"], "at": iso(m["sent_at"])} for m in staff
    ]
    out["appointments"], out["appointments_error"] = await _appointments(console, item)
    return web.json_response(out)


async def _appointments(
    console: Console, item: dict[str, Any]
) -> tuple[list[dict[str, Any]] | None, str | None]:
    patient = item.get("patient") or {}
    if not patient.get("verified") or not patient.get("patient_id"):
        return None, None
    try:
        found = await asyncio.wait_for(
            console.db(console.config.appointments, str(patient["patient_id"])),
            console.config.appointments_timeout,
        )
        return found, None
    except Exception as exc:  # the scheduling system being down must not break the page
        logger.warning("appointments for item %s unavailable: %s", item["id"], type(exc).__name__)
        return None, "The scheduling system is not answering; appointments are not shown."


@access("staff")
async def claim(request: web.Request) -> web.Response:
    console = _console(request)
    user = _user(request)
    item = await console.db(console.store.claim, request.match_info["item_id"], user)
    await console.db(console.store.log, user, "claim", item)
    return web.json_response(await _changed(console, item["id"]))


@access("staff")
async def release(request: web.Request) -> web.Response:
    console = _console(request)
    user = _user(request)
    item = await console.db(console.store.release, request.match_info["item_id"], user)
    await console.db(console.store.log, user, "release", item)
    return web.json_response(await _changed(console, item["id"]))


@access("staff")
async def reply(request: web.Request) -> web.Response:
    """Send a staff message to the patient's own channel, stored with the staff member's name."""
    console = _console(request)
    user = _user(request)
    body: ReplyIn = await _body(request, ReplyIn)
    before = await _item_or_404(request)
    item = await console.db(console.store.check_can_act, before["id"], user, "reply")
    if before["status"] == "waiting":
        await console.db(console.store.log, user, "claim", item)
    try:
        await console.rasa.send_staff_message(item["conversation_id"], body.text, user.display_name)
    except RasaError as exc:
        await console.db(console.store.log, user, "reply_failed", item, str(exc))
        return error(502, f"Not sent: {exc}. Try again in a moment.")
    await console.db(console.store.add_staff_message, item, user, body.text)
    await console.db(console.store.log, user, "reply", item)
    console.hub.publish("message", item_id=item["id"], conversation_id=item["conversation_id"])
    return web.json_response(await _changed(console, item["id"]))


@access("staff")
async def hand_back(request: web.Request) -> web.Response:
    """Resume the assistant and tell the patient; the item stays listed until resolved."""
    console = _console(request)
    user = _user(request)
    item = await _item_or_404(request)
    item = await console.db(console.store.check_can_act, item["id"], user, "hand_back")
    try:
        await console.rasa.hand_back(item["conversation_id"])
    except RasaError as exc:
        return error(502, f"Not handed back: {exc}. Try again in a moment.")
    await console.db(
        console.store.set_status, item["id"], user, "handed_back", STAFF_HOLDS_STATUSES
    )
    await console.db(console.store.log, user, "hand_back", item)
    return web.json_response(await _changed(console, item["id"]))


@access("staff")
async def resolve(request: web.Request) -> web.Response:
    """Close the item; the patient gets the assistant back and one satisfaction question."""
    console = _console(request)
    user = _user(request)
    item = await _item_or_404(request)
    item = await console.db(console.store.check_can_act, item["id"], user, "resolve")
    conversation_id = item["conversation_id"]
    if item["status"] in STAFF_HOLDS_STATUSES:
        try:
            await console.rasa.resume(conversation_id)
        except RasaError as exc:
            return error(502, f"Not resolved: {exc}. Try again in a moment.")
    await console.db(console.store.set_status, item["id"], user, "resolved", OPEN_STATUSES)
    try:
        await console.rasa.trigger_intent(conversation_id, CSAT_INTENT)
        csat = "rating question sent"
    except RasaError as exc:
        csat = f"rating question not sent: {exc}"
        logger.warning("item %s resolved; %s", item["id"], csat)
    await console.db(console.store.log, user, "resolve", item, csat)
    result = await _changed(console, item["id"])
    return web.json_response({**result, "csat": csat})


@access("machine")
async def rating(request: web.Request) -> web.Response:
    """From the action server: the patient's 1-5 rating and optional comment."""
    console = _console(request)
    body: RatingIn = await _body(request, RatingIn)
    item = await console.db(console.store.find_item, request.match_info["key"])
    if item is None or (body.conversation_id and body.conversation_id != item["conversation_id"]):
        return error(404, "no such conversation")
    comment = (body.comment or "").strip() or None
    await console.db(console.store.record_rating, item["id"], body.score, comment)
    logger.info("rating stored for item %s", item["id"])
    console.hub.publish("queue", item_id=item["id"])
    return web.json_response({"ok": True, "id": item["id"]})


@access("machine")
async def withdraw(request: web.Request) -> web.Response:
    """From the action server: a waiting patient wrote "never mind". Always 200 with the
    outcome (``withdrawn``, or why not: ``urgent``, ``claimed``, ...), for the patient's reply."""
    console = _console(request)
    body: WithdrawIn = await _body(request, WithdrawIn)
    item = await console.db(console.store.find_item, request.match_info["key"])
    if item is None or (body.conversation_id and body.conversation_id != item["conversation_id"]):
        return error(404, "no such conversation")
    outcome = await console.db(console.store.withdraw, item["id"])
    if outcome == "withdrawn":
        await console.db(
            console.store.log, None, "withdraw", item, "no longer needs staff", "patient"
        )
        console.hub.publish("queue", item_id=item["id"])
    logger.info("withdrawal for item %s: %s", item["id"], outcome)
    return web.json_response({"id": item["id"], "outcome": outcome})


@access("staff")
async def canned_replies(request: web.Request) -> web.Response:
    return web.json_response({"replies": _console(request).canned_replies()})


@access("admin")
async def audit_log(request: web.Request) -> web.Response:
    console = _console(request)
    item_id = request.query.get("item") or None
    entries = await console.db(console.store.audit_log, 500, item_id)
    return web.json_response(
        {
            "entries": [
                {
                    "at": iso(e["at"]),
                    "username": e["username"],
                    "action": e["action"],
                    "item_id": e["item_id"],
                    "conversation_id": e["conversation_id"],
                    "detail": e["detail"],
                }
                for e in entries
            ]
        }
    )


@access("staff")
async def live_events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the page refreshes what changed (no reload)."""
    console = _console(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    try:
        async for chunk in console.hub.stream():
            await response.write(chunk)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


@access("machine")
async def rasa_events(request: web.Request) -> web.Response:
    """From the Rasa event broker (addons/console_events.py): answered at once, handled after."""
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error(400, "expected a JSON body")
    events = data if isinstance(data, list) else [data]
    events = [e for e in events if isinstance(e, dict)][:500]
    console = _console(request)
    console.background(console.on_rasa_events(events))
    return web.json_response({"accepted": len(events)}, status=202)
