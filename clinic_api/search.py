"""Search parameters of the embedded FHIR server: what each one indexes and how it matches.

Every resource is indexed on write into rows ``(param, sys, val, raw, lo, hi)``:

* ``string``: ``val`` is the value without case and accents (FHIR: prefix match by default,
  ``:exact`` compares ``raw``, ``:contains`` matches anywhere);
* ``token``: ``sys`` is the system, ``val`` the code (``system|code``, ``|code``, ``system|`` and
  ``code`` are understood); phone numbers are indexed and searched as E.164, so any spelling works;
* ``reference``: ``val`` is ``Type/id`` (``id`` alone, ``Type/id`` or an absolute URL may be used);
* ``date``: ``[lo, hi]`` is the value's range at its precision, in UTC, and searches take the
  prefixes ``eq ne gt lt ge le``.

Unknown parameters and modifiers are rejected with 400 (as with ``Prefer: handling=strict``):
silently ignoring a mistyped filter could return other patients' data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from actions.phone import normalize_phone


class SearchError(ValueError):
    """A search request the server cannot honour (HTTP 400). Never contains values."""


@dataclass(frozen=True)
class IndexRow:
    param: str
    sys: str = ""
    val: str = ""
    raw: str = ""
    lo: str = ""
    hi: str = ""


Extractor = Callable[[dict[str, Any]], Iterable[IndexRow]]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # string | token | reference | date
    extract: Callable[[dict[str, Any]], Iterable[Any]]
    # token: normalise codes (index and search) with this function
    normalize: Callable[[str], str] | None = None
    # reference: allowed target types (first one is the default for bare ids)
    targets: tuple[str, ...] = ()


# --- value helpers ---------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case- and accent-insensitive form for string search."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _fmt(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_DATE_RE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def date_range(value: str) -> tuple[str, str]:
    """A FHIR date/dateTime/instant -> ``(lo, hi)`` in UTC at its precision (ValueError if bad).

    Values without a time zone are taken as UTC."""
    match = _DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError("not a FHIR date")
    year, month, day, hour, minute, second, frac, zone = match.groups()
    tz = timezone.utc
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    if month is None:
        lo = datetime(int(year), 1, 1, tzinfo=tz)
        hi = datetime(int(year) + 1, 1, 1, tzinfo=tz)
    elif day is None:
        lo = datetime(int(year), int(month), 1, tzinfo=tz)
        hi = (lo.replace(day=28) + timedelta(days=4)).replace(day=1)
    elif hour is None:
        lo = datetime(int(year), int(month), int(day), tzinfo=tz)
        hi = lo + timedelta(days=1)
    elif second is None:
        lo = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=tz)
        hi = lo + timedelta(minutes=1)
    else:
        micro = int((frac or ".0")[1:7].ljust(6, "0"))
        lo = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz
        )
        hi = lo + (timedelta(microseconds=1) if frac else timedelta(seconds=1))
    return _fmt(lo), _fmt(hi - timedelta(microseconds=1))


def phone_key(value: str) -> str:
    return normalize_phone(value) or re.sub(r"\D", "", value) or value


def _bool_key(value: str) -> str:
    return str(value).strip().lower()


# --- extractors ------------------------------------------------------------------------------


def _names(res: dict[str, Any]) -> list[dict[str, Any]]:
    names = res.get("name")
    return [n for n in names if isinstance(n, dict)] if isinstance(names, list) else []


def _family(res: dict[str, Any]) -> list[str]:
    return [n["family"] for n in _names(res) if n.get("family")]


def _given(res: dict[str, Any]) -> list[str]:
    return [g for n in _names(res) for g in n.get("given") or []]


def _human_name(res: dict[str, Any]) -> list[str]:
    out = []
    for n in _names(res):
        out += [*(n.get("prefix") or []), *(n.get("given") or []), *(n.get("suffix") or [])]
        out += [n[k] for k in ("family", "text") if n.get(k)]
    return out


def _codings(concepts: Any) -> list[tuple[str, str]]:
    out = []
    for concept in concepts if isinstance(concepts, list) else [concepts] if concepts else []:
        for coding in (concept or {}).get("coding") or []:
            if coding.get("code"):
                out.append((coding.get("system") or "", str(coding["code"])))
    return out


def _identifiers(res: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (i.get("system") or "", str(i["value"]))
        for i in res.get("identifier") or []
        if i.get("value")
    ]


def _phones(res: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("", t["value"])
        for t in res.get("telecom") or []
        if t.get("value") and t.get("system") in ("phone", "sms")
    ]


def _telecom(res: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for t in res.get("telecom") or []:
        if t.get("value"):
            is_phone = t.get("system") in ("phone", "sms", "fax")
            out.append(("", phone_key(t["value"]) if is_phone else str(t["value"]).lower()))
    return out


def _refs(*paths: str, only: str | None = None) -> Callable[[dict[str, Any]], list[str]]:
    def extract(res: dict[str, Any]) -> list[str]:
        found: list[str] = []
        for path in paths:
            items: list[Any] = [res]
            for part in path.split("."):
                nxt: list[Any] = []
                for item in items:
                    value = item.get(part) if isinstance(item, dict) else None
                    nxt += value if isinstance(value, list) else [value] if value else []
                items = nxt
            found += [i["reference"] for i in items if isinstance(i, dict) and i.get("reference")]
        refs = [normalize_reference(r) for r in found]
        return [r for r in refs if r and (only is None or r.startswith(only + "/"))]

    return extract


def _field(name: str) -> Callable[[dict[str, Any]], list[str]]:
    return lambda res: [res[name]] if res.get(name) else []


def _status(res: dict[str, Any]) -> list[tuple[str, str]]:
    return [("", str(res["status"]))] if res.get("status") else []


def normalize_reference(value: str, default_type: str | None = None) -> str:
    """``http://x/fhir/Patient/1`` / ``Patient/1/_history/2`` / ``1`` -> ``Patient/1``."""
    parts = [p for p in str(value).split("/") if p]
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2:
        return f"{parts[-2]}/{parts[-1]}"
    if len(parts) == 1 and default_type:
        return f"{default_type}/{parts[0]}"
    return ""


def _string(name: str, fn: Callable[[dict[str, Any]], list[str]]) -> Param:
    return Param(name, "string", fn)


def _token(
    name: str,
    fn: Callable[[dict[str, Any]], list[tuple[str, str]]],
    normalize: Callable[[str], str] | None = None,
) -> Param:
    return Param(name, "token", fn, normalize)


def _date(name: str, fn: Callable[[dict[str, Any]], list[str]]) -> Param:
    return Param(name, "date", fn)


def _ref(name: str, fn: Callable[[dict[str, Any]], list[str]], *targets: str) -> Param:
    return Param(name, "reference", fn, targets=targets)


_COMMON = [
    _token("_id", lambda r: [("", str(r["id"]))] if r.get("id") else []),
    _date(
        "_lastUpdated",
        lambda r: (
            [(r.get("meta") or {}).get("lastUpdated")]
            if (r.get("meta") or {}).get("lastUpdated")
            else []
        ),
    ),
]

PARAMS: dict[str, dict[str, Param]] = {
    "Patient": {
        p.name: p
        for p in [
            _string("family", _family),
            _string("given", _given),
            _string("name", _human_name),
            _date("birthdate", _field("birthDate")),
            _token("phone", _phones, phone_key),
            _token(
                "telecom", _telecom, lambda v: phone_key(v) if normalize_phone(v) else v.lower()
            ),
            _token("identifier", _identifiers),
            _token("active", lambda r: [("", str(r.get("active", True)).lower())], _bool_key),
        ]
    },
    "Practitioner": {
        p.name: p
        for p in [
            _string("name", _human_name),
            _string("family", _family),
            _string("given", _given),
            _token("identifier", _identifiers),
        ]
    },
    "Location": {
        p.name: p
        for p in [
            _string(
                "name", lambda r: [r["name"]] * bool(r.get("name")) + list(r.get("alias") or [])
            ),
            _token("identifier", _identifiers),
            _token("status", _status),
        ]
    },
    "Schedule": {
        p.name: p
        for p in [
            _ref("actor", _refs("actor"), "Practitioner", "Location", "Patient"),
            _token("active", lambda r: [("", str(r.get("active", True)).lower())], _bool_key),
            _token("identifier", _identifiers),
            _token("service-type", lambda r: _codings(r.get("serviceType"))),
            _token("specialty", lambda r: _codings(r.get("specialty"))),
        ]
    },
    "Slot": {
        p.name: p
        for p in [
            _ref("schedule", _refs("schedule"), "Schedule"),
            _token("status", _status),
            _date("start", _field("start")),
            _token("service-type", lambda r: _codings(r.get("serviceType"))),
            _token("specialty", lambda r: _codings(r.get("specialty"))),
            _token("identifier", _identifiers),
        ]
    },
    "Appointment": {
        p.name: p
        for p in [
            _ref("patient", _refs("participant.actor", only="Patient"), "Patient"),
            _ref("practitioner", _refs("participant.actor", only="Practitioner"), "Practitioner"),
            _ref("location", _refs("participant.actor", only="Location"), "Location"),
            _ref("actor", _refs("participant.actor"), "Patient", "Practitioner", "Location"),
            _date("date", _field("start")),
            _token("status", _status),
            _ref("slot", _refs("slot"), "Slot"),
            _token("service-type", lambda r: _codings(r.get("serviceType"))),
            _token("identifier", _identifiers),
        ]
    },
    "Invoice": {
        p.name: p
        for p in [
            _ref("subject", _refs("subject"), "Patient"),
            _ref("patient", _refs("subject", only="Patient"), "Patient"),
            _token("status", _status),
            _date("date", _field("date")),
            _token("identifier", _identifiers),
        ]
    },
}
for _params in PARAMS.values():
    _params.update({p.name: p for p in _COMMON})

RESOURCE_TYPES = tuple(PARAMS)
# Parameters that steer a search rather than filter it.
CONTROL_PARAMS = frozenset({"_count", "_sort", "_format", "_pretty", "_total"})


def index_rows(resource: dict[str, Any]) -> list[IndexRow]:
    """Every search index row of ``resource``."""
    rows: list[IndexRow] = []
    for param in PARAMS[resource["resourceType"]].values():
        for value in param.extract(resource):
            if param.kind == "string":
                rows.append(IndexRow(param.name, val=fold(value), raw=str(value)))
            elif param.kind == "token":
                sys, code = value
                code = param.normalize(code) if param.normalize else code
                rows.append(IndexRow(param.name, sys=sys, val=code))
            elif param.kind == "reference":
                rows.append(IndexRow(param.name, val=value))
            elif param.kind == "date":
                try:
                    lo, hi = date_range(value)
                except ValueError:
                    continue
                rows.append(IndexRow(param.name, lo=lo, hi=hi))
    return rows


# --- building SQL ----------------------------------------------------------------------------


def split_values(value: str) -> list[str]:
    """Comma means OR; ``\\,`` is a literal comma."""
    parts = re.split(r"(?<!\\),", value)
    return [p.replace("\\,", ",") for p in parts]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")


def _value_clause(param: Param, modifier: str, value: str) -> tuple[str, list[Any]]:
    if param.kind == "string":
        if modifier == "exact":
            return "i.raw = ?", [value]
        if modifier == "contains":
            return "i.val LIKE ? ESCAPE '\\'", [f"%{_like_escape(fold(value))}%"]
        return "i.val LIKE ? ESCAPE '\\'", [f"{_like_escape(fold(value))}%"]
    if param.kind == "token":
        norm = param.normalize or (lambda v: v)
        if "|" in value:
            sys, code = value.split("|", 1)
            if not code:
                return "i.sys = ?", [sys]
            return "i.sys = ? AND i.val = ?", [sys, norm(code)]
        return "i.val = ?", [norm(value)]
    if param.kind == "reference":
        target = modifier or None
        if target and target not in param.targets:
            raise SearchError(f"Unsupported modifier ':{modifier}' on '{param.name}'")
        ref = normalize_reference(value, target)
        if ref:
            return "i.val = ?", [ref]
        if not value:
            raise SearchError(f"Empty value for '{param.name}'")
        return "i.val LIKE ? ESCAPE '\\'", [f"%/{_like_escape(value)}"]
    # date
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    raw = value[2:] if value[:2] in _PREFIXES else value
    try:
        lo, hi = date_range(raw)
    except ValueError:
        raise SearchError(f"Invalid date value for '{param.name}'") from None
    return {
        "eq": ("i.lo >= ? AND i.hi <= ?", [lo, hi]),
        "ne": ("NOT (i.lo >= ? AND i.hi <= ?)", [lo, hi]),
        "gt": ("i.hi > ?", [hi]),
        "lt": ("i.lo < ?", [lo]),
        "ge": ("i.hi >= ?", [lo]),
        "le": ("i.lo <= ?", [hi]),
    }[prefix]


# Each filter is a set of ids from the index (by value or date); sorting looks up each row's own
# index entry (forced: without ANALYZE statistics SQLite may pick the by-value index there).
_PARAM_ROWS = "i.type = ? AND i.param = ?"
_BY_RESOURCE = (
    "idx i INDEXED BY idx_by_resource WHERE i.type = r.type AND i.id = r.id AND i.param = ?"
)
_MODIFIERS = {"string": {"", "exact", "contains"}, "token": {""}, "date": {""}}


def build_filter(resource_type: str, params: list[tuple[str, str]]) -> tuple[str, list[Any]]:
    """SQL ``WHERE`` fragment (on ``resources r``) for the filtering parameters."""
    known = PARAMS[resource_type]
    clauses: list[str] = []
    args: list[Any] = []
    for key, value in params:
        if key in CONTROL_PARAMS:
            continue
        name, _, modifier = key.partition(":")
        param = known.get(name)
        if param is None:
            raise SearchError(f"Unknown search parameter '{name}' for {resource_type}")
        if param.kind != "reference" and modifier not in _MODIFIERS[param.kind]:
            raise SearchError(f"Unsupported modifier ':{modifier}' on '{name}'")
        ors, or_args = [], []
        for one in split_values(value):
            sql, sql_args = _value_clause(param, modifier, one)
            ors.append(f"({sql})")
            or_args += sql_args
        # Only fixed SQL fragments are joined here; every value is a bound parameter.
        match_any = " OR ".join(ors)
        clauses.append(f"r.id IN (SELECT i.id FROM idx i WHERE {_PARAM_ROWS} AND ({match_any}))")  # noqa: S608
        args += [resource_type, name, *or_args]
    return (" AND ".join(clauses) or "1"), args


def build_order(resource_type: str, sort: str | None) -> tuple[str, list[Any]]:
    """SQL ``ORDER BY`` for ``_sort`` (comma-separated, ``-`` for descending)."""
    if not sort:
        return "r.last_updated, r.id", []
    terms, args = [], []
    for key in sort.split(","):
        descending = key.startswith("-")
        name = key.lstrip("-")
        param = PARAMS[resource_type].get(name)
        if param is None or param.kind == "reference":
            raise SearchError(f"Cannot sort {resource_type} by '{name}'")
        column = {"date": "lo", "string": "val", "token": "val"}[param.kind]
        agg = "MAX" if descending else "MIN"
        direction = "DESC" if descending else "ASC"
        terms.append(f"(SELECT {agg}(i.{column}) FROM {_BY_RESOURCE}) {direction}")  # noqa: S608
        args.append(name)
    return ", ".join(terms) + ", r.id", args
