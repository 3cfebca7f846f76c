"""The console's durable store: staff, sessions, the queue with its history, replies, audit.

SQLAlchemy 1.4 Core, so the same code runs on SQLite (default, one file in ``DATA_DIR``) and on
PostgreSQL (``CONSOLE_DB_URL``). Every decision that two requests could race on is one
conditional ``UPDATE`` or a unique constraint, never read-then-write:

- a handoff is stored once per ``handoff_id`` (primary key of ``receipts``);
- a conversation has at most one open item (partial unique index), so a second escalation
  raises the existing item instead of adding a duplicate;
- a claim succeeds only ``WHERE status = 'waiting'``, so two staff cannot both claim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from console.queue import PRIORITY_RANK, sort_key

T = TypeVar("T")

# waiting: in the queue, nobody has it. claimed: a staff member has it. handed_back: the
# assistant has it again (still listed until resolved). resolved: closed by staff. withdrawn:
# closed by the patient ("never mind") before anyone picked it up.
OPEN_STATUSES = ("waiting", "claimed", "handed_back")
# The open statuses in which staff hold the conversation and the assistant is paused.
STAFF_HOLDS_STATUSES = ("waiting", "claimed")
CLOSED_STATUSES = ("resolved", "withdrawn")

metadata = MetaData()

users = Table(
    "console_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

sessions = Table(
    "console_sessions",
    metadata,
    # sha256 of the cookie's random token: a leaked database does not leak live sessions.
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("console_users.id"), nullable=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)

items = Table(
    "console_items",
    metadata,
    Column("id", String(64), primary_key=True),  # the first handoff_id of this item
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("team", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("patient", Text, nullable=False),  # JSON {verified, patient_id?, name?}
    Column("created_at", Float, nullable=False),
    Column("waiting_since", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("escalations", Integer, nullable=False, default=1),
    Column("claimed_by", Integer, ForeignKey("console_users.id"), nullable=True),
    Column("claimed_at", Float, nullable=True),
    Column("closed_at", Float, nullable=True),
    Column("closed_by", Integer, ForeignKey("console_users.id"), nullable=True),
    Column("last_notice_at", Float, nullable=True),
    Column("rating_score", Integer, nullable=True),
    Column("rating_comment", Text, nullable=True),
    Column("rated_at", Float, nullable=True),
)
Index(
    "uq_console_items_open_conversation",
    items.c.conversation_id,
    unique=True,
    sqlite_where=items.c.closed_at.is_(None),
    postgresql_where=items.c.closed_at.is_(None),
)

receipts = Table(
    "console_receipts",
    metadata,
    Column("handoff_id", String(64), primary_key=True),
    Column("item_id", String(64), ForeignKey("console_items.id"), nullable=False, index=True),
    Column("received_at", Float, nullable=False),
    Column("body", Text, nullable=False),
)

staff_messages = Table(
    "console_staff_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(64), ForeignKey("console_items.id"), nullable=False, index=True),
    Column("conversation_id", String(255), nullable=False),
    Column("user_id", Integer, ForeignKey("console_users.id"), nullable=False),
    Column("staff_name", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", Float, nullable=False),
)

audit = Table(
    "console_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("user_id", Integer, nullable=True),
    Column("username", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("item_id", String(64), nullable=True),
    Column("conversation_id", String(255), nullable=True),
    Column("detail", Text, nullable=False, default=""),
)


class StoreError(Exception):
    """A request the current state does not allow (the message says why, for staff)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class User:
    id: int
    username: str
    display_name: str
    role: str
    password_hash: str = field(repr=False)
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
        }


@dataclass
class Session:
    id: str
    user_id: int | None
    csrf_token: str
    created_at: float
    last_seen: float


@dataclass
class Receipt:
    """What :meth:`Store.receive` did with one handoff record."""

    item: dict[str, Any]
    created: bool  # a new queue item
    duplicate: bool  # this handoff_id was already received: nothing changed


def _item_dict(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["patient"] = json.loads(out["patient"] or "{}")
    return out


class Store:
    """All reads and writes of the console. Methods are synchronous (run them in a thread)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock at BEGIN, so what it reads
        cannot change before it writes (PostgreSQL: the reads that matter say FOR UPDATE)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn

    def _retry(self, fn: Callable[[], T], attempts: int = 3) -> T:
        """Re-run ``fn`` when a unique constraint lost a race (the loser then sees the winner)."""
        for attempt in range(attempts):
            try:
                return fn()
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    # --- staff accounts -----------------------------------------------------------------------

    def create_user(self, username: str, display_name: str, role: str, password_hash: str) -> User:
        if role not in ("staff", "admin"):
            raise ValueError("role must be staff or admin")
        try:
            with self._tx() as conn:
                result = conn.execute(
                    users.insert().values(
                        username=username,
                        display_name=display_name,
                        role=role,
                        password_hash=password_hash,
                        created_at=time.time(),
                        disabled=False,
                    )
                )
                user_id = int(result.inserted_primary_key[0])
        except IntegrityError:
            raise StoreError(f"user {username!r} already exists") from None
        user = self.user_by_id(user_id)
        assert user is not None
        return user

    def set_password(self, username: str, password_hash: str) -> bool:
        with self._tx() as conn:
            result = conn.execute(
                users.update()
                .where(users.c.username == username)
                .values(password_hash=password_hash)
            )
            if result.rowcount:
                # A new password logs out every session of that user.
                ids = select(users.c.id).where(users.c.username == username).scalar_subquery()
                conn.execute(sessions.delete().where(sessions.c.user_id == ids))
            return bool(result.rowcount)

    def user_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).fetchall()
        return [User(**{k: v for k, v in r._mapping.items() if k != "created_at"}) for r in rows]

    def user_by_name(self, username: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return _user(row)

    def user_by_id(self, user_id: int) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        return _user(row)

    # --- sessions -----------------------------------------------------------------------------

    def create_session(self, session_id: str, csrf_token: str, user_id: int | None) -> None:
        now = time.time()
        with self._tx() as conn:
            conn.execute(
                sessions.insert().values(
                    id=session_id,
                    user_id=user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    last_seen=now,
                )
            )

    def get_session(self, session_id: str, max_idle: float) -> Session | None:
        """The session if it exists and was used within ``max_idle`` seconds (then touched)."""
        now = time.time()
        with self._tx() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).first()
            if row is None:
                return None
            if row.last_seen < now - max_idle:
                conn.execute(sessions.delete().where(sessions.c.id == session_id))
                return None
            if now - row.last_seen > 60:
                conn.execute(
                    sessions.update().where(sessions.c.id == session_id).values(last_seen=now)
                )
            return Session(**row._mapping)

    def delete_session(self, session_id: str) -> None:
        with self._tx() as conn:
            conn.execute(sessions.delete().where(sessions.c.id == session_id))

    def purge_sessions(self, max_idle: float, anonymous_max_idle: float = 3600.0) -> int:
        """Forget expired sessions, and sessions that never logged in after an hour."""
        now = time.time()
        with self._tx() as conn:
            result = conn.execute(
                sessions.delete().where(
                    or_(
                        sessions.c.last_seen < now - max_idle,
                        and_(
                            sessions.c.user_id.is_(None),
                            sessions.c.last_seen < now - anonymous_max_idle,
                        ),
                    )
                )
            )
            return int(result.rowcount or 0)

    # --- receiving handoffs -------------------------------------------------------------------

    def receive(self, record: dict[str, Any], now: float | None = None) -> Receipt:
        """Store a validated handoff record exactly once; raise an open item rather than add one."""
        return self._retry(lambda: self._receive(record, now or time.time()))

    def _receive(self, record: dict[str, Any], now: float) -> Receipt:
        with self._tx() as conn:
            seen = conn.execute(
                select(receipts.c.item_id).where(receipts.c.handoff_id == record["handoff_id"])
            ).first()
            if seen is not None:
                item = self._item(conn, seen.item_id)
                assert item is not None
                return Receipt(item=item, created=False, duplicate=True)
            # Locked: a concurrent escalation must not raise the item from a stale copy (it
            # could lower an urgent priority back, or lose a count).
            current = conn.execute(
                select(items)
                .where(
                    and_(
                        items.c.conversation_id == record["conversation_id"],
                        items.c.closed_at.is_(None),
                    )
                )
                .with_for_update()
            ).first()
            if current is None:
                item_id = record["handoff_id"]
                conn.execute(
                    items.insert().values(
                        id=item_id,
                        conversation_id=record["conversation_id"],
                        status="waiting",
                        reason=record["reason"],
                        priority=record["priority"],
                        team=record["team"],
                        channel=record["channel"],
                        summary=record["summary"],
                        patient=json.dumps(record["patient"]),
                        created_at=now,
                        waiting_since=now,
                        updated_at=now,
                        escalations=1,
                    )
                )
                created = True
            else:
                item_id = current.id
                changes = _raised(current, record, now)
                conn.execute(items.update().where(items.c.id == item_id).values(**changes))
                created = False
            conn.execute(
                receipts.insert().values(
                    handoff_id=record["handoff_id"],
                    item_id=item_id,
                    received_at=now,
                    body=json.dumps(record),
                )
            )
            item = self._item(conn, item_id)
            assert item is not None
            return Receipt(item=item, created=created, duplicate=False)

    def received_records(self) -> list[dict[str, Any]]:
        """Every handoff record as received, oldest first (tests and exports read this)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(receipts.c.body).order_by(receipts.c.received_at)).fetchall()
        return [json.loads(r.body) for r in rows]

    # --- the queue ----------------------------------------------------------------------------

    def _item(self, conn: Connection, item_id: str) -> dict[str, Any] | None:
        row = conn.execute(
            select(items, users.c.display_name.label("claimed_by_name"))
            .select_from(items.outerjoin(users, users.c.id == items.c.claimed_by))
            .where(items.c.id == item_id)
        ).first()
        return _item_dict(row) if row is not None else None

    def item(self, item_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return self._item(conn, item_id)

    def find_item(self, key: str) -> dict[str, Any] | None:
        """An item by its id, by any handoff_id it received, or by conversation id (latest)."""
        with self.engine.connect() as conn:
            item = self._item(conn, key)
            if item is not None:
                return item
            row = conn.execute(
                select(receipts.c.item_id).where(receipts.c.handoff_id == key)
            ).first()
            if row is not None:
                return self._item(conn, row.item_id)
            row = conn.execute(
                select(items.c.id)
                .where(items.c.conversation_id == key)
                .order_by(items.c.closed_at.is_(None).desc(), items.c.created_at.desc())
                .limit(1)
            ).first()
            return self._item(conn, row.id) if row is not None else None

    def open_item_for(self, conversation_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(items.c.id).where(
                    and_(items.c.conversation_id == conversation_id, items.c.closed_at.is_(None))
                )
            ).first()
            return self._item(conn, row.id) if row is not None else None

    def queue(self, include_closed: bool = False, limit: int = 200) -> list[dict[str, Any]]:
        """Open items in the order staff should take them (see :func:`console.queue.sort_key`)."""
        query = select(items, users.c.display_name.label("claimed_by_name")).select_from(
            items.outerjoin(users, users.c.id == items.c.claimed_by)
        )
        if include_closed:
            query = query.order_by(items.c.updated_at.desc()).limit(limit)
        else:
            query = query.where(items.c.closed_at.is_(None))
        with self.engine.connect() as conn:
            rows = [_item_dict(r) for r in conn.execute(query).fetchall()]
        return rows if include_closed else sorted(rows, key=sort_key)

    def waiting_position(self, item_id: str) -> int | None:
        """1-based place of a waiting item among all waiting items; None if not waiting."""
        waiting = [i for i in self.queue() if i["status"] == "waiting"]
        for index, item in enumerate(waiting):
            if item["id"] == item_id:
                return index + 1
        return None

    def claim(self, item_id: str, user: User) -> dict[str, Any]:
        """Atomically take a waiting item. Claiming your own item again is fine."""
        now = time.time()
        with self._tx() as conn:
            result = conn.execute(
                items.update()
                .where(and_(items.c.id == item_id, items.c.status == "waiting"))
                .values(status="claimed", claimed_by=user.id, claimed_at=now, updated_at=now)
            )
            item = self._item(conn, item_id)
        if item is None:
            raise StoreError("no such conversation", 404)
        if result.rowcount == 1 or (item["status"] == "claimed" and item["claimed_by"] == user.id):
            return item
        if item["status"] == "claimed":
            raise StoreError(f"already claimed by {item['claimed_by_name']}")
        raise StoreError(f"cannot claim: the conversation is {item['status'].replace('_', ' ')}")

    def release(self, item_id: str, user: User) -> dict[str, Any]:
        """Put a claimed item back in the queue (its owner or an admin)."""
        now = time.time()
        conditions = [items.c.id == item_id, items.c.status == "claimed"]
        if not user.is_admin:
            conditions.append(items.c.claimed_by == user.id)
        with self._tx() as conn:
            result = conn.execute(
                items.update()
                .where(and_(*conditions))
                .values(status="waiting", claimed_by=None, claimed_at=None, updated_at=now)
            )
            item = self._item(conn, item_id)
        if item is None:
            raise StoreError("no such conversation", 404)
        if result.rowcount != 1:
            raise StoreError("only the staff member who claimed it (or an admin) can release it")
        return item

    def check_can_act(self, item_id: str, user: User, action: str) -> dict[str, Any]:
        """The item, if ``user`` may reply to / hand back / resolve it now; else StoreError.

        Replying to a waiting item claims it first (atomically), so a reply is never sent to a
        conversation somebody else has.
        """
        item = self.item(item_id)
        if item is None:
            raise StoreError("no such conversation", 404)
        status = item["status"]
        if status == "resolved":
            raise StoreError("this conversation is resolved")
        if status == "withdrawn":
            raise StoreError("the patient withdrew this request; the assistant has it again")
        if action == "reply":
            if status == "handed_back":
                raise StoreError("the assistant has this conversation again; it is not paused")
            if status == "waiting":
                return self.claim(item_id, user)
        if action == "hand_back" and status == "handed_back":
            raise StoreError("already handed back to the assistant")
        if status == "claimed" and item["claimed_by"] != user.id and not user.is_admin:
            raise StoreError(f"claimed by {item['claimed_by_name']}")
        return item

    def set_status(self, item_id: str, user: User, status: str, expect: tuple[str, ...]) -> None:
        """Move an item to ``status`` if it is still in one of ``expect`` (else StoreError).

        A claimed item moves only for the staff member who holds it (or an admin), checked in
        the same statement, so nobody hands back or resolves a chat claimed meanwhile.
        """
        now = time.time()
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if status == "handed_back":
            values.update(claimed_by=None, claimed_at=None)
        if status == "resolved":
            values.update(closed_at=now, closed_by=user.id)
        unowned = [s for s in expect if s != "claimed"]
        allowed = items.c.status.in_(unowned)
        if "claimed" in expect:
            mine = items.c.status == "claimed"
            if not user.is_admin:
                mine = and_(mine, items.c.claimed_by == user.id)
            allowed = or_(allowed, mine)
        with self._tx() as conn:
            result = conn.execute(
                items.update().where(and_(items.c.id == item_id, allowed)).values(**values)
            )
        if result.rowcount != 1:
            raise StoreError("the conversation changed meanwhile; reload and try again")

    def withdraw(self, item_id: str) -> str:
        """The patient no longer needs staff: closes the item if it still waits for somebody.

        Returns what happened: ``withdrawn``; or why not: ``urgent`` (an emergency or crisis is
        checked on regardless), ``claimed`` (a staff member has it and is about to write),
        ``handed_back``, ``resolved`` / ``withdrawn`` (already closed), ``unknown``.
        """
        now = time.time()
        with self._tx() as conn:
            result = conn.execute(
                items.update()
                .where(
                    and_(
                        items.c.id == item_id,
                        items.c.status == "waiting",
                        items.c.priority != "urgent",
                    )
                )
                .values(status="withdrawn", closed_at=now, updated_at=now)
            )
        if result.rowcount == 1:
            return "withdrawn"
        item = self.item(item_id)
        if item is None:
            return "unknown"
        if item["status"] == "waiting":
            return "urgent"
        return str(item["status"])

    def take_notice_turn(self, item_id: str, every: float, now: float | None = None) -> bool:
        """True at most once per ``every`` seconds per item: rate-limits queue notices."""
        now = now or time.time()
        with self._tx() as conn:
            result = conn.execute(
                items.update()
                .where(
                    and_(
                        items.c.id == item_id,
                        items.c.status == "waiting",
                        or_(
                            items.c.last_notice_at.is_(None),
                            items.c.last_notice_at <= now - every,
                        ),
                    )
                )
                .values(last_notice_at=now)
            )
            return result.rowcount == 1

    def record_rating(self, item_id: str, score: int, comment: str | None) -> None:
        with self._tx() as conn:
            conn.execute(
                items.update()
                .where(items.c.id == item_id)
                .values(rating_score=score, rating_comment=comment, rated_at=time.time())
            )

    # --- staff replies and audit --------------------------------------------------------------

    def add_staff_message(self, item: dict[str, Any], user: User, text_: str) -> dict[str, Any]:
        now = time.time()
        with self._tx() as conn:
            conn.execute(
                staff_messages.insert().values(
                    item_id=item["id"],
                    conversation_id=item["conversation_id"],
                    user_id=user.id,
                    staff_name=user.display_name,
                    text=text_,
                    sent_at=now,
                )
            )
        return {"staff_name": user.display_name, "text": text_, "sent_at": now}

    def staff_messages_for(self, conversation_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(staff_messages)
                .where(staff_messages.c.conversation_id == conversation_id)
                .order_by(staff_messages.c.sent_at)
            ).fetchall()
        return [dict(r._mapping) for r in rows]

    def log(
        self,
        user: User | None,
        action: str,
        item: dict[str, Any] | None = None,
        detail: str = "",
        actor: str = "-",
    ) -> None:
        """One audit line: who did what to which conversation (ids only, never patient data).
        ``actor`` names who acted when it was not a staff member (e.g. the patient)."""
        with self._tx() as conn:
            conn.execute(
                audit.insert().values(
                    at=time.time(),
                    user_id=user.id if user else None,
                    username=user.username if user else actor,
                    action=action,
                    item_id=item["id"] if item else None,
                    conversation_id=item["conversation_id"] if item else None,
                    detail=detail,
                )
            )

    def failed_logins(self, username: str, since: float) -> int:
        """Failed logins to this account since ``since`` and since its last good login or new
        password: what slows down password guessing, kept in the audit log so that a restart
        does not reset it and every console process sees the same count."""
        with self.engine.connect() as conn:
            name = func.lower(audit.c.username) == username.strip().lower()
            last_login = conn.execute(
                select(func.max(audit.c.at)).where(
                    and_(name, audit.c.action.in_(("login", "password_set")))
                )
            ).scalar_one()
            after = max(since, last_login or 0.0)
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(audit)
                    .where(and_(name, audit.c.action == "login_failed", audit.c.at > after))
                ).scalar_one()
            )

    def log_view(self, user: User, item: dict[str, Any], within: float = 600.0) -> None:
        """Audit a view once per ``within`` seconds per person and conversation (the page
        re-reads an open conversation on every new message)."""
        since = time.time() - within
        with self.engine.connect() as conn:
            seen = conn.execute(
                select(audit.c.id)
                .where(
                    and_(
                        audit.c.user_id == user.id,
                        audit.c.item_id == item["id"],
                        audit.c.action == "view",
                        audit.c.at >= since,
                    )
                )
                .limit(1)
            ).first()
        if seen is None:
            self.log(user, "view", item)

    def audit_log(self, limit: int = 500, item_id: str | None = None) -> list[dict[str, Any]]:
        query = select(audit).order_by(audit.c.at.desc(), audit.c.id.desc()).limit(limit)
        if item_id:
            query = query.where(audit.c.item_id == item_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query).fetchall()]


def _raised(current: Any, record: dict[str, Any], now: float) -> dict[str, Any]:
    """How a second escalation of an open conversation changes its item."""
    higher = PRIORITY_RANK[record["priority"]] < PRIORITY_RANK[current.priority]
    patient = json.loads(current.patient or "{}")
    if record["patient"].get("verified"):
        patient = record["patient"]
    values: dict[str, Any] = {
        "priority": record["priority"] if higher else current.priority,
        "reason": record["reason"] if higher else current.reason,
        "team": record["team"] if higher else current.team,
        "channel": record["channel"],
        "summary": record["summary"],
        "patient": json.dumps(patient),
        "updated_at": now,
        "escalations": current.escalations + 1,
    }
    if current.status == "handed_back":
        # Back with the assistant, then escalated again: it needs staff again, from now.
        values.update(status="waiting", waiting_since=now, last_notice_at=None)
    return values


def _user(row: Any) -> User | None:
    if row is None:
        return None
    data = dict(row._mapping)
    data.pop("created_at", None)
    return User(**data)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, future=True, connect_args={"timeout": 30, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # SQLAlchemy, not the sqlite3 module, decides when a transaction begins: sqlite3
            # would begin it only at the first write, after the reads it depends on.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)
