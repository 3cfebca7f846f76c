"""The HTTP layer of the FHIR client: :class:`FhirTransport`, the base of ``FhirClient``.

One ``requests.Session`` with connect/read timeouts; reads (``GET`` and ``POST _search``) are
retried on connection errors, timeouts and 502/503/504, writes are sent exactly once; HTTP statuses
map onto the exceptions of :mod:`actions.clients.fhir_model`; searches follow Bundle ``next``
links on the same server only; updates carry ``If-Match``. Log lines and error messages name
resources by id only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from actions.clients.fhir_model import (
    FHIR_JSON,
    BackendUnavailable,
    FhirError,
    NotFound,
    SlotTaken,
    _etag_version,
    redact,
    ref_id,
)

logger = logging.getLogger(__name__)

_RETRY_STATUSES = frozenset({502, 503, 504})
_PAGE_LIMIT = 50  # never follow more Bundle `next` links than this in one search


class FhirTransport:
    """Sends FHIR requests to one server over one ``requests.Session`` (see the module docstring).

    ``FhirClient`` adds the domain operations on top; nothing here knows about patients, slots or
    clinic.yml.
    """

    def __init__(
        self,
        base_url: str,
        token: str = "",
        timeout: float = 5.0,
        retries: int = 2,
        session: requests.Session | None = None,
        backoff: float = 0.2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(3.05, float(timeout)), float(timeout))
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.session = session or requests.Session()
        self.session.headers.update(
            {"Accept": FHIR_JSON, "User-Agent": "clinic-assistant-fhir-client/1"}
        )
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    def _url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path}"

    def _request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        safe: bool,
        params: Sequence[tuple[str, str]] | None = None,
        form: Sequence[tuple[str, str]] | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One HTTP exchange. ``safe`` requests (reads) are retried on connection errors,
        timeouts and 502/503/504; others are sent exactly once. ``what`` names the request in
        logs and errors (resource type and id only)."""
        hdrs = dict(headers or {})
        data: Any = None
        if body is not None:
            data = json.dumps(body)
            hdrs["Content-Type"] = FHIR_JSON
        elif form is not None:
            data = list(form)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        attempts = 1 + self.retries if safe else 1
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    self._url(path),
                    params=list(params) if params else None,
                    data=data,
                    headers=hdrs,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                logger.warning(
                    "FHIR %s %s: %s (attempt %d/%d)", method, what, kind, attempt, attempts
                )
                if attempt < attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise BackendUnavailable(f"FHIR {method} {what}: {kind}") from None
            except requests.RequestException as exc:
                raise BackendUnavailable(f"FHIR {method} {what}: {type(exc).__name__}") from None
            logger.debug(
                "FHIR %s %s -> %s (%.0f ms)",
                method,
                what,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            if response.status_code in _RETRY_STATUSES and attempt < attempts:
                logger.warning(
                    "FHIR %s %s -> %s, retrying (attempt %d/%d)",
                    method,
                    what,
                    response.status_code,
                    attempt,
                    attempts,
                )
                time.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(
        self,
        response: requests.Response,
        what: str,
        *,
        slot_conflict: bool = False,
        sensitive: Iterable[str] = (),
    ) -> None:
        """Map an HTTP status onto the client's exceptions (2xx returns)."""
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in (404, 410):
            raise NotFound(f"FHIR {what}: not found ({status})", status)
        if slot_conflict and status in (409, 412):
            raise SlotTaken(f"FHIR {what}: slot no longer free ({status})", status)
        if status >= 500 or status == 429:
            raise BackendUnavailable(f"FHIR {what}: server error {status}", status)
        if status in (401, 403):
            raise FhirError(
                f"FHIR {what}: not authorised ({status}); check FHIR_BEARER_TOKEN", status
            )
        detail = self._outcome_text(response, sensitive)
        raise FhirError(f"FHIR {what}: HTTP {status}" + (f": {detail}" if detail else ""), status)

    @staticmethod
    def _outcome_text(response: requests.Response, sensitive: Iterable[str]) -> str:
        try:
            outcome = response.json()
        except ValueError:
            return ""
        if not isinstance(outcome, dict) or outcome.get("resourceType") != "OperationOutcome":
            return ""
        texts = []
        for issue in outcome.get("issue") or []:
            text = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or ""
            texts.append(f"{issue.get('code', 'error')}: {text}".strip(": "))
        return redact("; ".join(texts), sensitive)

    @staticmethod
    def _json(response: requests.Response, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            data = response.json(**kwargs)
        except ValueError:
            raise BackendUnavailable(f"FHIR {what}: response is not JSON") from None
        if not isinstance(data, dict):
            raise BackendUnavailable(f"FHIR {what}: response is not a FHIR resource")
        return data

    def _read(self, resource_type: str, resource_id: str) -> tuple[dict[str, Any], str]:
        """GET one resource; returns it and its version (meta.versionId, else the ETag)."""
        if not resource_id or "/" in resource_id:
            raise NotFound(f"FHIR {resource_type}: invalid id")
        what = f"{resource_type}/{resource_id}"
        response = self._request("GET", what, what, safe=True)
        self._check(response, what)
        resource = self._json(response, what)
        version = str((resource.get("meta") or {}).get("versionId") or "") or _etag_version(
            response.headers.get("ETag")
        )
        return resource, version

    def _written(
        self, response: requests.Response, resource_type: str, what: str, known_id: str = ""
    ) -> tuple[dict[str, Any], str]:
        """The resource a successful create/update returned (read back if the body is empty,
        e.g. ``201``/``204`` with ``Prefer: return=minimal`` servers)."""
        resource: dict[str, Any] | None = None
        if response.content:
            try:
                data = response.json()
                if isinstance(data, dict) and data.get("resourceType") == resource_type:
                    resource = data
            except ValueError:
                resource = None
        if resource is None:
            new_id = (
                ref_id(
                    response.headers.get("Location") or response.headers.get("Content-Location"),
                    resource_type,
                )
                or known_id
            )
            if not new_id:
                raise FhirError(f"FHIR {what}: server returned neither the resource nor Location")
            return self._read(resource_type, new_id)
        version = str((resource.get("meta") or {}).get("versionId") or "") or _etag_version(
            response.headers.get("ETag")
        )
        return resource, version

    def _create(
        self,
        resource: dict[str, Any],
        *,
        slot_conflict: bool = False,
        sensitive: Iterable[str] = (),
    ) -> dict[str, Any]:
        rtype = resource["resourceType"]
        what = f"create {rtype}"
        response = self._request("POST", rtype, what, safe=False, body=resource)
        self._check(response, what, slot_conflict=slot_conflict, sensitive=sensitive)
        return self._written(response, rtype, what)[0]

    def _update(
        self, resource: dict[str, Any], version: str | None, *, slot_conflict: bool = False
    ) -> tuple[dict[str, Any], str]:
        rtype, rid = resource["resourceType"], resource["id"]
        what = f"{rtype}/{rid}"
        headers = {"If-Match": f'W/"{version}"'} if version else None
        response = self._request(
            "PUT", what, f"update {what}", safe=False, body=resource, headers=headers
        )
        self._check(response, f"update {what}", slot_conflict=slot_conflict)
        return self._written(response, rtype, f"update {what}", known_id=rid)

    def _search(
        self,
        resource_type: str,
        params: Sequence[tuple[str, str]],
        *,
        post: bool = False,
        json_kwargs: dict[str, Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Matches of a search, following Bundle ``next`` links (same server only)."""
        for page in self._search_pages(resource_type, params, post=post, json_kwargs=json_kwargs):
            yield from page

    def _search_pages(
        self,
        resource_type: str,
        params: Sequence[tuple[str, str]],
        *,
        post: bool = False,
        json_kwargs: dict[str, Any] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of matches of a search, following Bundle ``next`` links (same server only)."""
        what = f"search {resource_type}"
        if post:
            response = self._request(
                "POST", f"{resource_type}/_search", what, safe=True, form=params
            )
        else:
            response = self._request("GET", resource_type, what, safe=True, params=params)
        base = urlsplit(self.base_url)
        for _page in range(_PAGE_LIMIT):
            self._check(response, what, sensitive=[v for _, v in params] if post else ())
            bundle = self._json(response, what, **(json_kwargs or {}))
            if bundle.get("resourceType") != "Bundle":
                raise BackendUnavailable(f"FHIR {what}: response is not a Bundle")
            page = []
            for entry in bundle.get("entry") or []:
                resource = entry.get("resource") or {}
                mode = (entry.get("search") or {}).get("mode", "match")
                if resource.get("resourceType") == resource_type and mode == "match":
                    page.append(resource)
            yield page
            next_url = next(
                (
                    link.get("url")
                    for link in bundle.get("link") or []
                    if link.get("relation") == "next" and link.get("url")
                ),
                None,
            )
            if not next_url:
                return
            target = urlsplit(next_url)
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                logger.warning("FHIR %s: next link points to another server; not followed", what)
                return
            response = self._request("GET", next_url, what, safe=True)
        logger.warning("FHIR %s: stopped after %d pages", what, _PAGE_LIMIT)
