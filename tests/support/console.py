"""Driving the staff console in tests: start it on a free port, make accounts, act as staff."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from console.store import Store
from launcher.stack import ROOT, StackConfig, free_port

STAFF_PASSWORD = "correct horse battery"


def create_user(
    env: dict[str, str],
    name: str,
    role: str = "staff",
    password: str = STAFF_PASSWORD,
    display_name: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m console create-user`` exactly as an admin types it (password on stdin)."""
    command = [sys.executable, "-m", "console", "create-user", name, "--role", role]
    if display_name:
        command += ["--display-name", display_name]
    return subprocess.run(
        [*command, "--password-stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


class StaffClient:
    """A browser-like staff session: cookie jar, CSRF token, JSON calls."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.csrf: str | None = None
        self.user: dict[str, Any] | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def start_session(self) -> None:
        response = self.http.get(self.url("/api/session"), timeout=10)
        response.raise_for_status()
        self.csrf = response.json()["csrf_token"]

    def login(self, username: str, password: str = STAFF_PASSWORD) -> requests.Response:
        if self.csrf is None:
            self.start_session()
        response = self.post("/api/login", {"username": username, "password": password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
            self.user = response.json()["user"]
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url(path), timeout=30, **kwargs)

    def post(
        self, path: str, body: dict[str, Any] | None = None, csrf: bool = True
    ) -> requests.Response:
        headers = {"X-CSRF-Token": self.csrf or ""} if csrf else {}
        return self.http.post(self.url(path), json=body or {}, headers=headers, timeout=60)

    def queue(self) -> list[dict[str, Any]]:
        response = self.get("/api/handoffs")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def wait_for_item(
        self, conversation_id: str, timeout: float = 30.0, closed: bool = False
    ) -> dict[str, Any]:
        return wait_for(
            lambda: next(
                (
                    i
                    for i in (self.closed() if closed else self.queue())
                    if i["conversation_id"] == conversation_id
                ),
                None,
            ),
            timeout,
            f"conversation {conversation_id} in the console",
        )

    def closed(self) -> list[dict[str, Any]]:
        response = self.get("/api/handoffs", params={"state": "closed"})
        assert response.status_code == 200, response.text
        return response.json()["items"]


def wait_for(check: Callable[[], Any], timeout: float, what: str, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def handoff_record(conversation_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A HandoffRecord like the action server sends."""
    record = {
        "handoff_id": uuid.uuid4().hex,
        "conversation_id": conversation_id or f"conv-{uuid.uuid4().hex[:10]}",
        "reason": "request_human",
        "priority": "normal",
        "team": "front_desk",
        "channel": "web",
        "summary": "Asked for a person.",
        "patient": {"verified": False},
        "created_at": "2026-11-24T10:00:00+00:00",
    }
    record.update(fields)
    return record


class ConsoleProcess:
    """``python -m console serve`` on a free port with its own database; restartable."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "DATA_DIR": str(data_dir),
            "CONSOLE_PORT": str(self.port),
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "console.log"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # closed below; the child keeps its copy
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console", "serve", "--host", "127.0.0.1"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"console exited:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"console did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> ConsoleProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ConsoleHandoffs:
    """The handoff records a running stack's console has received, oldest first.

    Reads the console's own store, so a record is listed only once the console accepted it.
    """

    def __init__(self, config: StackConfig) -> None:
        env = config.child_env()
        url = env.get("CONSOLE_DB_URL") or f"sqlite:///{config.data_dir / 'console.sqlite3'}"
        self._store = Store(url)

    @property
    def records(self) -> list[dict[str, Any]]:
        return self._store.received_records()

    def wait_for(self, conversation: str, seconds: float = 10.0) -> dict[str, Any]:
        """The latest record for ``conversation``, once the console has it (it is sent in
        the background, after the patient's reply)."""
        deadline = time.monotonic() + seconds
        while True:
            found = [r for r in self.records if r["conversation_id"] == conversation]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no handoff record for {conversation}")
            time.sleep(0.1)
