"""SQLite storage of the embedded FHIR server: resources as FHIR JSON, a search index, and the
scheduling rules, each write in one ``BEGIN IMMEDIATE`` transaction.

Booking is atomic across connections, threads and processes: creating (or re-activating) an
Appointment that references a Slot succeeds only if no other active Appointment references that
Slot, and marks the Slot busy in the same transaction; cancelling frees it in the same
transaction. A Slot that an active Appointment holds cannot be set free (409).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from clinic_api.search import (
    PARAMS,
    RESOURCE_TYPES,
    build_filter,
    build_order,
    date_range,
    index_rows,
    normalize_reference,
)

INACTIVE_APPOINTMENT = frozenset({"cancelled", "noshow", "entered-in-error"})
_ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (type, id)
);
CREATE TABLE IF NOT EXISTS idx (
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    param TEXT NOT NULL,
    sys TEXT NOT NULL DEFAULT '',
    val TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL DEFAULT '',
    lo TEXT NOT NULL DEFAULT '',
    hi TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_by_resource ON idx (type, id, param);
CREATE INDEX IF NOT EXISTS idx_by_value ON idx (type, param, val);
CREATE INDEX IF NOT EXISTS idx_by_date ON idx (type, param, lo);
"""

_ENUMS = {
    "Slot": {"busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"},
    "Appointment": {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    },
    "Invoice": {"draft", "issued", "balanced", "cancelled", "entered-in-error"},
}


class StoreError(Exception):
    """A request the store refuses: HTTP ``status``, OperationOutcome issue ``code``, and a
    message that names fields and ids only (never values)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def now_instant() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_if_match(header: str | None) -> str | None:
    """``W/"3"`` / ``"3"`` / ``3`` -> ``3`` (None if absent or ``*``)."""
    if header is None or header.strip() == "*":
        return None  # "*": any current version (the resource must exist)
    match = re.search(r'"([^"]*)"', header)
    return (match.group(1) if match else header).strip()


def _require(resource: dict[str, Any], field: str, rtype: str) -> None:
    if not resource.get(field):
        raise StoreError(422, "required", f"{rtype}.{field} is required")


def _check_date(resource: dict[str, Any], field: str, rtype: str) -> None:
    if field in resource:
        try:
            date_range(str(resource[field]))
        except ValueError:
            raise StoreError(422, "value", f"{rtype}.{field} is not a valid FHIR date") from None


def validate(resource: Any, rtype: str) -> dict[str, Any]:
    """Basic structural checks (400 for the wrong kind of body, 422 for an invalid resource)."""
    if not isinstance(resource, dict):
        raise StoreError(400, "structure", "Body must be a FHIR resource (JSON object)")
    if resource.get("resourceType") != rtype:
        raise StoreError(400, "structure", f"resourceType must be {rtype}")
    status = resource.get("status")
    if rtype in _ENUMS and status is not None and status not in _ENUMS[rtype]:
        raise StoreError(422, "code-invalid", f"{rtype}.status is not a valid code")
    for field in ("birthDate", "start", "end", "date"):
        _check_date(resource, field, rtype)
    if rtype == "Slot":
        for field in ("status", "start", "end"):
            _require(resource, field, rtype)
        if not (resource.get("schedule") or {}).get("reference"):
            raise StoreError(422, "required", "Slot.schedule is required")
        if date_range(resource["end"])[0] <= date_range(resource["start"])[0]:
            raise StoreError(422, "invariant", "Slot.end must be after Slot.start")
    elif rtype == "Appointment":
        _require(resource, "status", rtype)
        participants = resource.get("participant")
        if not isinstance(participants, list) or not participants:
            raise StoreError(422, "required", "Appointment.participant is required")
        for part in participants:
            if not isinstance(part, dict) or not part.get("status"):
                raise StoreError(422, "required", "Appointment.participant.status is required")
    elif rtype == "Schedule":
        if not isinstance(resource.get("actor"), list) or not resource["actor"]:
            raise StoreError(422, "required", "Schedule.actor is required")
    elif rtype == "Invoice":
        _require(resource, "status", rtype)
    list_fields = ["telecom", "identifier", "participant", "slot", "actor"]
    if rtype in ("Patient", "Practitioner"):
        list_fields.append("name")
    for list_field in list_fields:
        if list_field in resource and not isinstance(resource[list_field], list):
            raise StoreError(422, "structure", f"{rtype}.{list_field} must be a list")
    return resource


class Store:
    """Thread-safe access to one SQLite database (one connection per thread)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self._conn()
        conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``: one writer at a time, no lost updates)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same data."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # --- low level ------------------------------------------------------------------------

    @staticmethod
    def _get(conn: sqlite3.Connection, rtype: str, rid: str) -> dict[str, Any] | None:
        row = conn.execute(
            "SELECT body FROM resources WHERE type = ? AND id = ?", (rtype, rid)
        ).fetchone()
        return json.loads(row[0]) if row else None

    @staticmethod
    def _put(conn: sqlite3.Connection, resource: dict[str, Any], version: int) -> dict[str, Any]:
        rtype, rid = resource["resourceType"], resource["id"]
        stamp = now_instant()
        meta = dict(resource.get("meta") or {})
        meta.update(versionId=str(version), lastUpdated=stamp)
        resource = {**resource, "meta": meta}
        conn.execute(
            "INSERT INTO resources (type, id, version, last_updated, body) VALUES (?,?,?,?,?) "
            "ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, "
            "last_updated = excluded.last_updated, body = excluded.body",
            (rtype, rid, version, stamp, json.dumps(resource, separators=(",", ":"))),
        )
        conn.execute("DELETE FROM idx WHERE type = ? AND id = ?", (rtype, rid))
        conn.executemany(
            "INSERT INTO idx (type, id, param, sys, val, raw, lo, hi) VALUES (?,?,?,?,?,?,?,?)",
            [(rtype, rid, r.param, r.sys, r.val, r.raw, r.lo, r.hi) for r in index_rows(resource)],
        )
        return resource

    @staticmethod
    def _version(conn: sqlite3.Connection, rtype: str, rid: str) -> int | None:
        row = conn.execute(
            "SELECT version FROM resources WHERE type = ? AND id = ?", (rtype, rid)
        ).fetchone()
        return int(row[0]) if row else None

    # --- interactions ---------------------------------------------------------------------

    def read(self, rtype: str, rid: str) -> dict[str, Any]:
        resource = self._get(self._conn(), rtype, rid)
        if resource is None:
            raise StoreError(404, "not-found", f"{rtype}/{rid} not found")
        return resource

    def create(self, rtype: str, resource: Any) -> dict[str, Any]:
        """Create (server-assigned id); Appointment rules apply."""
        resource = validate(resource, rtype)
        resource = {**resource, "id": str(uuid.uuid4())}
        with self.transaction() as conn:
            if rtype == "Appointment":
                self._appointment_rules(conn, resource, None)
            return self._put(conn, resource, 1)

    def create_many(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create several resources in one transaction (used by the seed)."""
        out = []
        with self.transaction() as conn:
            for resource in resources:
                rtype = resource.get("resourceType", "")
                resource = {**validate(resource, rtype), "id": str(uuid.uuid4())}
                if rtype == "Appointment":
                    self._appointment_rules(conn, resource, None)
                out.append(self._put(conn, resource, 1))
        return out

    def update(
        self, rtype: str, rid: str, resource: Any, if_match: str | None = None
    ) -> dict[str, Any]:
        """Update an existing resource (404 if there is none: ids are server-assigned).
        ``if_match`` is the expected version (412 if the resource has moved on)."""
        resource = validate(resource, rtype)
        if resource.get("id") != rid:
            raise StoreError(400, "invalid", "Resource id must match the id in the URL")
        with self.transaction() as conn:
            old = self._get(conn, rtype, rid)
            if old is None:
                raise StoreError(404, "not-found", f"{rtype}/{rid} not found")
            version = int(old["meta"]["versionId"])
            if if_match is not None and if_match != str(version):
                raise StoreError(
                    412, "conflict", f"{rtype}/{rid} is at another version (If-Match failed)"
                )
            if rtype == "Appointment":
                self._appointment_rules(conn, resource, old)
            elif rtype == "Slot":
                self._slot_rules(conn, resource, old)
            return self._put(conn, resource, version + 1)

    def search(
        self,
        rtype: str,
        params: list[tuple[str, str]],
        sort: str | None,
        count: int,
        offset: int,
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, page)`` of a search (``SearchError`` for bad parameters)."""
        where, args = build_filter(rtype, params)
        order, order_args = build_order(rtype, sort)
        with self.snapshot() as conn:
            total = conn.execute(
                f"SELECT COUNT(*) FROM resources r WHERE r.type = ? AND {where}",  # noqa: S608
                [rtype, *args],
            ).fetchone()[0]
            rows = []
            if count > 0:
                rows = conn.execute(
                    f"SELECT r.body FROM resources r WHERE r.type = ? AND {where} "  # noqa: S608
                    f"ORDER BY {order} LIMIT ? OFFSET ?",
                    [rtype, *args, *order_args, count, offset],
                ).fetchall()
        return total, [json.loads(row[0]) for row in rows]

    def find_ids(self, rtype: str, param: str, value: str, sys: str = "") -> list[str]:
        """Ids of ``rtype`` whose index has ``param`` = ``value`` (exact; for the seed)."""
        rows = (
            self._conn()
            .execute(
                "SELECT DISTINCT id FROM idx WHERE type = ? AND param = ? AND sys = ? AND val = ?",
                (rtype, param, sys, value),
            )
            .fetchall()
        )
        return [row[0] for row in rows]

    def count(self, rtype: str) -> int:
        return (
            self._conn()
            .execute("SELECT COUNT(*) FROM resources WHERE type = ?", (rtype,))
            .fetchone()[0]
        )

    # --- scheduling rules -----------------------------------------------------------------

    @staticmethod
    def _slot_refs(resource: dict[str, Any] | None) -> set[str]:
        if not resource or resource.get("status") in INACTIVE_APPOINTMENT:
            return set()
        refs = {
            normalize_reference(s.get("reference", ""), "Slot")
            for s in resource.get("slot") or []
            if isinstance(s, dict)
        }
        return {r for r in refs if r.startswith("Slot/")}

    @staticmethod
    def _active_holders(conn: sqlite3.Connection, slot_ref: str, exclude: str = "") -> list[str]:
        """Ids of active Appointments that reference ``slot_ref`` (other than ``exclude``)."""
        rows = conn.execute(
            "SELECT s.id FROM idx s WHERE s.type = 'Appointment' AND s.param = 'slot' "
            "AND s.val = ? AND s.id != ? AND NOT EXISTS (SELECT 1 FROM idx st WHERE "
            "st.type = 'Appointment' AND st.id = s.id AND st.param = 'status' AND st.val IN "
            "('cancelled', 'noshow', 'entered-in-error'))",
            (slot_ref, exclude),
        ).fetchall()
        return [row[0] for row in rows]

    def _set_slot_status(self, conn: sqlite3.Connection, slot_ref: str, status: str) -> None:
        slot_id = slot_ref.split("/", 1)[1]
        slot = self._get(conn, "Slot", slot_id)
        if slot is not None and slot.get("status") != status:
            self._put(conn, {**slot, "status": status}, int(slot["meta"]["versionId"]) + 1)

    def _appointment_rules(
        self, conn: sqlite3.Connection, new: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        """Hold the new appointment's slots (409 if another active appointment has one) and
        release slots it no longer holds. Runs inside the write transaction."""
        held, had = self._slot_refs(new), self._slot_refs(old)
        for slot_ref in sorted(held):
            if self._get(conn, "Slot", slot_ref.split("/", 1)[1]) is None:
                raise StoreError(422, "invalid", f"Appointment.slot: {slot_ref} does not exist")
            if self._active_holders(conn, slot_ref, exclude=new["id"]):
                raise StoreError(409, "conflict", f"{slot_ref} is already booked")
        for slot_ref in sorted(held):
            self._set_slot_status(conn, slot_ref, "busy")
        for slot_ref in sorted(had - held):
            if not self._active_holders(conn, slot_ref, exclude=new["id"]):
                self._set_slot_status(conn, slot_ref, "free")

    def _slot_rules(
        self, conn: sqlite3.Connection, new: dict[str, Any], old: dict[str, Any]
    ) -> None:
        if new.get("status") == "free" and old.get("status") != "free":
            slot_ref = f"Slot/{new['id']}"
            if self._active_holders(conn, slot_ref):
                raise StoreError(409, "conflict", f"{slot_ref} is held by an active appointment")


def valid_id(rid: str) -> bool:
    return bool(_ID_RE.match(rid))


def known_type(rtype: str) -> bool:
    return rtype in RESOURCE_TYPES


def search_params_of(rtype: str) -> list[tuple[str, str]]:
    """``(name, type)`` of every search parameter of ``rtype`` (for the CapabilityStatement)."""
    return [(p.name, p.kind) for p in PARAMS[rtype].values()]
