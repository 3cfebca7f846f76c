"""FHIR servers for the tests: the embedded backend (in a thread, temp SQLite file) and the
Medplum peer (Node, in-memory), each on a free loopback port, seeded from clinic.yml.

Import the fixtures into a test module (``from tests.support.fhir_servers import ...``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from actions.clients.fhir import FhirClient
from actions.clinic_config import ClinicConfig
from actions.settings import PROJECT_ROOT, get_clinic
from clinic_api.app import BackgroundServer
from clinic_api.seed import seed_over_http, seed_store
from clinic_api.store import Store

MEDPLUM_DIR = PROJECT_ROOT / "tests" / "peer" / "medplum"
TOKEN = "test-fhir-token"
# Seeded slot window for tests: enough for every scenario, small enough to seed in a second.
TEST_WEEKS = 2


@dataclass
class FhirServer:
    """A running FHIR server the tests can talk to."""

    name: str
    base_url: str
    token: str
    clinic: ClinicConfig
    db_path: Path | None = None

    def client(self, **kwargs: object) -> FhirClient:
        options: dict[str, object] = {
            "token": self.token,
            "clinic": self.clinic,
            "timeout": 10.0,
            "backoff": 0.05,
        }
        options.update(kwargs)
        return FhirClient(self.base_url, **options)  # type: ignore[arg-type]

    def headers(self, **extra: str) -> dict[str, str]:
        out = {"Accept": "application/fhir+json", **extra}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out


def seeded_db(
    path: Path, clinic: ClinicConfig, weeks: int = TEST_WEEKS, now: datetime | None = None
) -> Path:
    """Create and seed an embedded-backend database at ``path``."""
    store = Store(path)
    try:
        seed_store(store, clinic, weeks=weeks, now=now)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def embedded_fhir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FhirServer]:
    """The embedded backend, seeded, with a bearer token (one per test module)."""
    clinic = get_clinic()
    db = seeded_db(tmp_path_factory.mktemp("fhir") / "clinic_api.sqlite3", clinic)
    with BackgroundServer(db, token=TOKEN, clinic=clinic) as server:
        yield FhirServer("embedded", server.base_url, TOKEN, clinic, db)


class MedplumPeer:
    """``node tests/peer/medplum/server.mjs 0``: Medplum's FhirRouter + MemoryRepository."""

    def __init__(self, token: str = "") -> None:
        self.token = token
        self.process: subprocess.Popen[str] | None = None
        self.port = 0
        self._output: list[str] = []

    @staticmethod
    def ensure_installed() -> None:
        node, npm = shutil.which("node"), shutil.which("npm")
        if not node or not npm:
            pytest.fail(
                "The Medplum conformance peer needs Node.js 20.19+ and npm on PATH "
                "(apt-get install nodejs npm, or see README). It is not optional."
            )
        if not (MEDPLUM_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=MEDPLUM_DIR,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if result.returncode != 0:
                pytest.fail(f"npm ci in {MEDPLUM_DIR} failed:\n{result.stderr[-3000:]}")

    def start(self) -> MedplumPeer:
        self.ensure_installed()
        env = {**os.environ, "MEDPLUM_PEER_TOKEN": self.token}
        self.process = subprocess.Popen(
            ["node", "server.mjs", "0"],
            cwd=MEDPLUM_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self._output.append(line)
                if line.startswith("listening ") and not ready.is_set():
                    self.port = int(line.split()[1])
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(60):
            self.stop()
            pytest.fail("Medplum peer did not start:\n" + "".join(self._output[-40:]))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base_url}/metadata", timeout=2).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        pytest.fail("Medplum peer is not answering:\n" + "".join(self._output[-40:]))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


@pytest.fixture(scope="module")
def medplum_fhir() -> Iterator[FhirServer]:
    """The Medplum peer, seeded over HTTP with the same clinic.yml and demo patients."""
    clinic = get_clinic()
    peer = MedplumPeer(token=TOKEN).start()
    try:
        seed_over_http(
            peer.base_url, clinic, token=TOKEN, weeks=TEST_WEEKS, now=datetime.now(timezone.utc)
        )
        yield FhirServer("medplum", peer.base_url, TOKEN, clinic)
    finally:
        peer.stop()
