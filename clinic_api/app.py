"""HTTP layer of the embedded FHIR server (aiohttp), base path ``/fhir``.

Interactions: ``GET /fhir/metadata``; read ``GET /fhir/{type}/{id}``; search ``GET /fhir/{type}``
and ``POST /fhir/{type}/_search`` (form body); create ``POST /fhir/{type}``; update
``PUT /fhir/{type}/{id}`` (``If-Match`` honoured atomically). Errors are OperationOutcomes.

Paging: ``_count`` (default 50, at most 1000); the ``next`` link is an opaque server-side cursor
(``_getpages``), so search values (names, birth dates, phones) never end up in a URL, even for
``POST _search``. Cursors live in memory for 10 minutes (410 Gone after that or a restart).

Auth: with a token configured every request except ``GET /fhir/metadata`` needs
``Authorization: Bearer <token>`` (401 otherwise). The access log has method, path without the
query string, status and time; bodies and queries are never logged.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from clinic_api.search import CONTROL_PARAMS, SearchError
from clinic_api.store import (
    Store,
    StoreError,
    known_type,
    parse_if_match,
    search_params_of,
    valid_id,
)

if TYPE_CHECKING:
    from actions.clinic_config import ClinicConfig

logger = logging.getLogger("clinic_api")
access_logger = logging.getLogger("clinic_api.access")

FHIR_JSON = "application/fhir+json"
BASE = "/fhir"
DEFAULT_COUNT = 50
MAX_COUNT = 1000
CURSOR_TTL = 600.0
CURSOR_MAX = 1000

STORE_KEY: web.AppKey[Store] = web.AppKey("store", Store)
EXECUTOR_KEY: web.AppKey[ThreadPoolExecutor] = web.AppKey("executor", ThreadPoolExecutor)


class AccessLogger(AbstractAccessLogger):
    """``GET /fhir/Slot 200 3.1ms``: no query string, no body, no client address."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1fms", request.method, request.path, response.status, time * 1000
        )


def outcome(code: str, text: str, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }


def fhir_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, separators=(",", ":")).encode(),
        content_type=FHIR_JSON,
        charset="utf-8",
        headers=headers,
    )


def error(status: int, code: str, text: str, headers: dict[str, str] | None = None) -> web.Response:
    return fhir_response(outcome(code, text), status, headers)


@dataclass
class _Cursor:
    rtype: str
    params: list[tuple[str, str]]
    sort: str | None
    created: float


class Cursors:
    """Search state behind ``next`` links (bounded, expiring)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, _Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, cursor: _Cursor) -> str:
        token = uuid.uuid4().hex
        with self._lock:
            self._items[token] = cursor
            while len(self._items) > CURSOR_MAX:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> _Cursor | None:
        with self._lock:
            cursor = self._items.get(token)
            if cursor and time.monotonic() - cursor.created > CURSOR_TTL:
                del self._items[token]
                return None
            return cursor


CURSORS_KEY: web.AppKey[Cursors] = web.AppKey("cursors", Cursors)


def _base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}{BASE}"


async def _run(request: web.Request, fn: Any, *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app[EXECUTOR_KEY], partial(fn, *args))


def _with_etag(
    resource: dict[str, Any], status: int = 200, location: str | None = None
) -> web.Response:
    meta = resource.get("meta") or {}
    headers = {"ETag": f'W/"{meta.get("versionId")}"'}
    if meta.get("lastUpdated"):
        headers["Last-Modified"] = meta["lastUpdated"]
    if location:
        headers["Location"] = location
    return fhir_response(resource, status, headers)


async def _json_body(request: web.Request) -> Any:
    ctype = request.content_type
    if ctype not in (FHIR_JSON, "application/json"):
        raise StoreError(415, "not-supported", "Send the resource as application/fhir+json")
    try:
        return json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise StoreError(400, "structure", "Body is not valid JSON") from None


def _resource_type(request: web.Request) -> str:
    rtype = request.match_info["type"]
    if not known_type(rtype):
        raise StoreError(404, "not-supported", f"Resource type {rtype} is not supported")
    return rtype


def _resource_id(request: web.Request) -> str:
    rid = request.match_info["id"]
    if not valid_id(rid):
        raise StoreError(400, "value", "Invalid resource id")
    return rid


# --- handlers ----------------------------------------------------------------------------------


async def metadata(request: web.Request) -> web.Response:
    resources = []
    for rtype in (
        "Patient",
        "Practitioner",
        "Location",
        "Schedule",
        "Slot",
        "Appointment",
        "Invoice",
    ):
        resources.append(
            {
                "type": rtype,
                "versioning": "versioned-update",
                "readHistory": False,
                "updateCreate": False,
                "conditionalCreate": False,
                "conditionalUpdate": False,
                "interaction": [{"code": c} for c in ("read", "search-type", "create", "update")],
                "searchParam": [{"name": n, "type": t} for n, t in search_params_of(rtype)],
            }
        )
    return fhir_response(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-01-01",
            "kind": "instance",
            "software": {"name": "clinic-assistant embedded FHIR backend", "version": "1"},
            "implementation": {
                "description": "Clinic scheduling and billing API",
                "url": _base_url(request),
            },
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": "Unknown search parameters are rejected (400).",
                    "security": {"description": "Bearer token when FHIR_BEARER_TOKEN is set"},
                    "resource": resources,
                }
            ],
        }
    )


async def read(request: web.Request) -> web.Response:
    rtype, rid = _resource_type(request), _resource_id(request)
    resource = await _run(request, request.app[STORE_KEY].read, rtype, rid)
    return _with_etag(resource)


async def create(request: web.Request) -> web.Response:
    rtype = _resource_type(request)
    body = await _json_body(request)
    resource = await _run(request, request.app[STORE_KEY].create, rtype, body)
    location = f"{_base_url(request)}/{rtype}/{resource['id']}/_history/1"
    return _with_etag(resource, 201, location)


async def update(request: web.Request) -> web.Response:
    rtype, rid = _resource_type(request), _resource_id(request)
    body = await _json_body(request)
    if_match = parse_if_match(request.headers.get("If-Match"))
    resource = await _run(request, request.app[STORE_KEY].update, rtype, rid, body, if_match)
    return _with_etag(resource)


def _count(params: list[tuple[str, str]]) -> int:
    values = [v for k, v in params if k == "_count"]
    if not values:
        return DEFAULT_COUNT
    try:
        count = int(values[-1])
    except ValueError:
        raise SearchError("_count must be a whole number") from None
    if count < 0:
        raise SearchError("_count must not be negative")
    return min(count, MAX_COUNT)


async def _search(
    request: web.Request, rtype: str, params: list[tuple[str, str]], self_url: str
) -> web.Response:
    cursors = request.app[CURSORS_KEY]
    offset = 0
    pages = [v for k, v in params if k == "_getpages"]
    if pages:
        cursor = cursors.get(pages[-1])
        if cursor is None or cursor.rtype != rtype:
            raise StoreError(410, "expired", "This page link has expired; search again")
        count = _count(params)
        try:
            offset = max(0, int(dict(params).get("_getpagesoffset", "0")))
        except ValueError:
            raise SearchError("_getpagesoffset must be a whole number") from None
        filters, sort = cursor.params, cursor.sort
    else:
        for key, _ in params:
            if (
                key.startswith("_")
                and key not in CONTROL_PARAMS
                and key.split(":")[0] not in ("_id", "_lastUpdated")
            ):
                raise SearchError(f"Unsupported search parameter '{key}'")
        count = _count(params)
        sorts = [v for k, v in params if k == "_sort"]
        sort = sorts[-1] if sorts else None
        filters = [(k, v) for k, v in params if k not in CONTROL_PARAMS]
    total, page = await _run(
        request, request.app[STORE_KEY].search, rtype, filters, sort, count, offset
    )
    base = _base_url(request)
    links = [{"relation": "self", "url": self_url}]
    if count and offset + len(page) < total:
        token = pages[-1] if pages else cursors.put(_Cursor(rtype, filters, sort, time.monotonic()))
        links.append(
            {
                "relation": "next",
                "url": f"{base}/{rtype}?_getpages={token}&_getpagesoffset={offset + count}"
                f"&_count={count}",
            }
        )
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {"fullUrl": f"{base}/{rtype}/{res['id']}", "resource": res, "search": {"mode": "match"}}
            for res in page
        ],
    }
    return fhir_response(bundle)


async def search_get(request: web.Request) -> web.Response:
    rtype = _resource_type(request)
    params = list(request.query.items())
    query = f"?{request.query_string}" if request.query_string else ""
    return await _search(request, rtype, params, f"{_base_url(request)}/{rtype}{query}")


async def search_post(request: web.Request) -> web.Response:
    rtype = _resource_type(request)
    if request.content_type != "application/x-www-form-urlencoded":
        raise StoreError(
            415, "not-supported", "POST _search takes application/x-www-form-urlencoded"
        )
    body = (await request.read()).decode("utf-8", errors="replace")
    params = list(request.query.items()) + parse_qsl(body, keep_blank_values=True)
    # The self link names the search endpoint only: its values (PHI) stay out of URLs.
    return await _search(request, rtype, params, f"{_base_url(request)}/{rtype}/_search")


# --- middleware --------------------------------------------------------------------------------


def _auth_middleware(token: str) -> Any:
    expected = f"Bearer {token}".encode()

    @web.middleware
    async def check(request: web.Request, handler: Any) -> web.StreamResponse:
        if token and not (request.method == "GET" and request.path == f"{BASE}/metadata"):
            given = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return error(
                    401,
                    "login",
                    "Missing or wrong bearer token",
                    {"WWW-Authenticate": 'Bearer realm="fhir"'},
                )
        return await handler(request)

    return check


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except StoreError as exc:
        return error(exc.status, exc.code, str(exc))
    except SearchError as exc:
        return error(400, "invalid", str(exc))
    except web.HTTPMethodNotAllowed as exc:
        return error(
            405,
            "not-supported",
            f"{request.method} is not supported here",
            {"Allow": ",".join(sorted(exc.allowed_methods))},
        )
    except web.HTTPNotFound:
        return error(404, "not-found", "Unknown path")
    except web.HTTPException as exc:
        return error(exc.status, "processing", exc.reason)
    except Exception:
        logger.exception("internal error on %s %s", request.method, request.path)
        return error(500, "exception", "Internal server error")


# --- factory -----------------------------------------------------------------------------------


async def _close(app: web.Application) -> None:
    app[EXECUTOR_KEY].shutdown(wait=True)
    app[STORE_KEY].close()


def _top_up_every(seconds: float, clinic: ClinicConfig | None) -> Any:
    """A background task that tops the slot window up while the server runs (days-long runs
    keep ``weeks_ahead`` weeks of slots)."""

    async def loop(app: web.Application) -> Any:
        from clinic_api.seed import seed_store

        async def run() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await asyncio.get_running_loop().run_in_executor(
                        app[EXECUTOR_KEY], partial(seed_store, app[STORE_KEY], clinic)
                    )
                except Exception:
                    logger.exception("periodic seed top-up failed")

        task = asyncio.create_task(run())
        yield
        task.cancel()

    return loop


def create_app(
    db_path: str | Path,
    token: str | None = None,
    clinic: ClinicConfig | None = None,
    seed: bool = False,
    workers: int = 4,
    top_up_seconds: float = 0,
) -> web.Application:
    """The FHIR server as an aiohttp app. ``token`` (default: ``FHIR_BEARER_TOKEN``) guards
    every request but ``GET /fhir/metadata``; ``seed`` tops up the demo data from ``clinic``
    (default: clinic.yml) before serving, and again every ``top_up_seconds`` (0 = never)."""
    if token is None:
        from actions.settings import get_settings

        token = get_settings().fhir_bearer_token
    store = Store(db_path)
    if seed:
        from clinic_api.seed import seed_store

        seed_store(store, clinic)
    app = web.Application(
        middlewares=[_errors, _auth_middleware(token)], client_max_size=2 * 1024 * 1024
    )
    app[STORE_KEY] = store
    app[EXECUTOR_KEY] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fhir-db")
    app[CURSORS_KEY] = Cursors()
    app.router.add_get(f"{BASE}/metadata", metadata)
    app.router.add_post(BASE + "/{type}/_search", search_post)
    app.router.add_get(BASE + "/{type}", search_get)
    app.router.add_post(BASE + "/{type}", create)
    app.router.add_get(BASE + "/{type}/{id}", read)
    app.router.add_put(BASE + "/{type}/{id}", update)
    app.on_cleanup.append(_close)
    if seed and top_up_seconds > 0:
        app.cleanup_ctx.append(_top_up_every(top_up_seconds, clinic))
    return app


class BackgroundServer:
    """The server on a free loopback port in a thread (tests and the benchmark).

    ``with BackgroundServer(db) as server: server.base_url``"""

    def __init__(
        self,
        db_path: str | Path,
        token: str = "",
        clinic: ClinicConfig | None = None,
        seed: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.db_path, self.token, self.clinic, self.seed = db_path, token, clinic, seed
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{BASE}"

    def start(self) -> BackgroundServer:
        self._thread = threading.Thread(target=self._main, name="fhir-server", daemon=True)
        self._thread.start()
        self._ready.wait(60)
        if self._error is not None:
            raise self._error
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            app = create_app(self.db_path, token=self.token, clinic=self.clinic, seed=self.seed)
            self._runner = web.AppRunner(
                app, access_log_class=AccessLogger, access_log=access_logger
            )
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.host, self.port)
            loop.run_until_complete(site.start())
            self.port = self._runner.addresses[0][1]
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)
            self._loop = None

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
