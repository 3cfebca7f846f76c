"""Start every part of the assistant as child processes, wait until each answers, stop them cleanly.

Used by ``make run`` (``python -m launcher``) and by the integration tests, which start the same
stack on free ports with their own data folder, so what the tests drive is what a user runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def port_in_use(port: int) -> bool:
    """Whether something already accepts connections on this local port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A TCP port nobody listens on right now (for tests running beside `make run`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    """One child process: how to start it and how to tell that it is ready."""

    name: str
    command: list[str]
    health_url: str
    # Extra environment for this service only.
    env: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 120.0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def is_healthy(self) -> bool:
        try:
            response = requests.get(self.health_url, headers=self.headers, timeout=2)
        except requests.RequestException:
            return False
        return 200 <= response.status_code < 300


@dataclass
class StackConfig:
    """Ports, folders and secrets of one running stack."""

    rasa_port: int = 5005
    action_port: int = 5055
    fhir_port: int = 8080
    console_port: int = 8000
    web_port: int = 8081
    data_dir: Path = ROOT / "var"
    model_path: Path = ROOT / "models"
    env: dict[str, str] = field(default_factory=dict)
    # Where escalations go; defaults to the console of this stack.
    handoff_url: str = ""
    # The Rasa server's listen address (the widget, SMS and the HTTP API reach it); the action
    # server always listens on 127.0.0.1: only Rasa calls it, and it has no authentication.
    rasa_host: str = "127.0.0.1"

    @classmethod
    def from_environment(cls) -> StackConfig:
        env = dict(os.environ)
        return cls(
            rasa_port=int(env.get("RASA_PORT", 5005)),
            action_port=int(env.get("ACTION_SERVER_PORT", 5055)),
            fhir_port=int(env.get("FHIR_PORT", 8080)),
            console_port=int(env.get("CONSOLE_PORT", 8000)),
            web_port=int(env.get("WEB_PORT", 8081)),
            data_dir=_absolute(env.get("DATA_DIR", "var")),
            env=env,
            rasa_host=env.get("RASA_HOST") or "127.0.0.1",
        )

    @classmethod
    def for_tests(cls, data_dir: Path, **env: str) -> StackConfig:
        """Free ports, a private data folder and throw-away secrets."""
        secrets = {
            "RASA_API_TOKEN": "test-rasa-token",
            "HANDOFF_SECRET": "test-handoff-secret",
            "CONSOLE_SECRET_KEY": "test-console-secret",
            "SOCKETIO_SECRET": "test-socketio-secret",
            "PHONE_HASH_SECRET": "test-phone-secret",
            "FHIR_BEARER_TOKEN": "test-fhir-token",
        }
        merged = {**os.environ, **secrets, **env}
        return cls(
            rasa_port=free_port(),
            action_port=free_port(),
            fhir_port=free_port(),
            console_port=free_port(),
            web_port=free_port(),
            data_dir=data_dir,
            env=merged,
        )

    def ports(self) -> dict[str, int]:
        return {
            "rasa": self.rasa_port,
            "actions": self.action_port,
            "fhir": self.fhir_port,
            "console": self.console_port,
            "web": self.web_port,
        }

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa_port}"

    @property
    def fhir_url(self) -> str:
        return f"http://localhost:{self.fhir_port}/fhir"

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.console_port}"

    @property
    def web_url(self) -> str:
        """The demo clinic page with the chat widget."""
        return f"http://localhost:{self.web_port}"

    def child_env(self) -> dict[str, str]:
        """The environment every child sees: one consistent set of URLs and ports."""
        env = dict(self.env)
        env.update(
            {
                "RASA_TELEMETRY_ENABLED": "false",
                "PYTHONUNBUFFERED": "1",
                "RASA_PORT": str(self.rasa_port),
                "ACTION_SERVER_PORT": str(self.action_port),
                "FHIR_PORT": str(self.fhir_port),
                "CONSOLE_PORT": str(self.console_port),
                "WEB_PORT": str(self.web_port),
                "RASA_URL": self.rasa_url,
                "ACTION_ENDPOINT_URL": f"http://localhost:{self.action_port}/webhook",
                "FHIR_BASE_URL": env.get("FHIR_BASE_URL_OVERRIDE") or self.fhir_url,
                "HANDOFF_URL": self.handoff_url or f"{self.console_url}/api/handoffs",
                "CONSOLE_EVENTS_URL": f"{self.console_url}/api/rasa-events",
                "DATA_DIR": str(self.data_dir),
                "TRACKER_DB": str(self.data_dir / "tracker.db"),
            }
        )
        return env


def _absolute(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def default_services(config: StackConfig, parts: Iterable[str] | None = None) -> list[Service]:
    """The services of the assistant, in start order. ``parts`` picks a subset by name."""
    env = config.child_env()
    rasa_token = env.get("RASA_API_TOKEN", "")
    fhir_token = env.get("FHIR_BEARER_TOKEN", "")
    services = [
        Service(
            name="fhir",
            command=[
                sys.executable,
                "-m",
                "clinic_api",
                "--host",
                "127.0.0.1",
                "--port",
                str(config.fhir_port),
                "--db",
                str(config.data_dir / "clinic_api.sqlite3"),
                "--seed",
            ],
            health_url=f"{config.fhir_url}/metadata",
            headers={"Authorization": f"Bearer {fhir_token}"} if fhir_token else {},
        ),
        # Staff console: receives escalations (HANDOFF_URL) and Rasa's live events
        # (CONSOLE_EVENTS_URL); CONSOLE_* settings from the environment; SQLite in DATA_DIR.
        Service(
            name="console",
            command=[
                sys.executable,
                "-m",
                "console",
                "serve",
                "--port",
                str(config.console_port),
            ],
            health_url=f"{config.console_url}/health",
        ),
        Service(
            name="actions",
            command=[
                str(VENV_BIN / "rasa"),
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(config.action_port),
            ],
            health_url=f"http://localhost:{config.action_port}/health",
            # rasa_sdk listens on 0.0.0.0 unless told otherwise: anyone on the network could
            # have run an action with a made-up tracker ("verified", any patient id).
            env={"SANIC_HOST": "127.0.0.1"},
        ),
        Service(
            name="rasa",
            command=[
                str(VENV_BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                rasa_token,
                "--interface",
                config.rasa_host,
                "--port",
                str(config.rasa_port),
                "--model",
                str(config.model_path),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--endpoints",
                str(ROOT / "endpoints.yml"),
                "--cors",
                "*",
            ],
            health_url=f"{config.rasa_url}/",
            startup_timeout=240.0,
        ),
        Service(
            name="web",
            command=[sys.executable, "-m", "web", "--port", str(config.web_port)],
            health_url=f"{config.web_url}/health",
        ),
    ]
    if parts is not None:
        wanted = set(parts)
        services = [s for s in services if s.name in wanted]
    return services


class Stack:
    """A set of running services; a context manager that always cleans up."""

    def __init__(
        self,
        config: StackConfig,
        services: list[Service] | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.services = services if services is not None else default_services(config)
        self.echo = echo
        self._pumps: list[threading.Thread] = []
        self._restarts: dict[str, list[float]] = {}

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start all services at once (Rasa loads its model meanwhile), then wait for each."""
        ours = {service.name for service in self.services}
        busy = [
            f"{name} ({port})"
            for name, port in self.config.ports().items()
            if name in ours and port_in_use(port)
        ]
        if busy:
            # Else the health checks would pass against whatever already listens there (an
            # earlier `make run` still stopping) while our own services fail to bind.
            raise RuntimeError(
                f"port already in use: {', '.join(busy)}. Is another `make run` still running "
                "or stopping? Stop it (Ctrl-C) and wait, or set the *_PORT variables in .env."
            )
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        log_dir = self.config.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = self.config.child_env()
        try:
            for service in self.services:
                service.log_path = log_dir / f"{service.name}.log"
                service.process = subprocess.Popen(
                    service.command,
                    cwd=ROOT,
                    env={**env, **service.env},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                self._pump(service)
            for service in self.services:
                self._wait_until_healthy(service)
        except BaseException:
            self.stop()
            raise

    def _pump(self, service: Service) -> None:
        """Copy a child's output to its log file (and to the terminal for `make run`)."""
        assert service.process is not None and service.process.stdout is not None
        assert service.log_path is not None
        stream, log_path, echo = service.process.stdout, service.log_path, self.echo

        def run() -> None:
            with open(log_path, "ab") as log:
                for line in iter(stream.readline, b""):
                    log.write(line)
                    log.flush()
                    if echo:
                        echo(f"[{service.name}] {line.decode(errors='replace').rstrip()}")

        thread = threading.Thread(target=run, name=f"pump-{service.name}", daemon=True)
        thread.start()
        self._pumps.append(thread)

    def _wait_until_healthy(self, service: Service) -> None:
        assert service.process is not None
        deadline = time.monotonic() + service.startup_timeout
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise RuntimeError(
                    f"{service.name} exited with code {service.process.returncode}; "
                    f"see {service.log_path}:\n{self.tail(service)}"
                )
            if service.is_healthy():
                return
            time.sleep(0.5)
        raise TimeoutError(
            f"{service.name} did not answer {service.health_url} within "
            f"{service.startup_timeout:.0f}s; see {service.log_path}:\n{self.tail(service)}"
        )

    def tail(self, service: Service, lines: int = 40) -> str:
        if service.log_path is None or not service.log_path.exists():
            return ""
        return "\n".join(service.log_path.read_text(errors="replace").splitlines()[-lines:])

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def stop_service(self, name: str, timeout: float = 15.0) -> None:
        """Stop one service (tests use it to take the scheduling API down)."""
        proc = self.service(name).process
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def start_service(self, name: str) -> None:
        """Start one stopped service again, on the same port, and wait until it answers."""
        service = self.service(name)
        service.process = subprocess.Popen(
            service.command,
            cwd=ROOT,
            env={**self.config.child_env(), **service.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._pump(service)
        self._wait_until_healthy(service)

    def revive_crashed(self, max_restarts: int = 3, window_s: float = 600.0) -> list[str]:
        """Start again every service whose process has exited; the names of those restarted.

        A crashed action server or console should not leave patients without an answer until
        someone notices. A service that crashes more than ``max_restarts`` times within
        ``window_s`` seconds is broken, not unlucky: RuntimeError, and the caller stops.
        """
        restarted = []
        now = time.monotonic()
        for service in self.services:
            proc = service.process
            if proc is None or proc.poll() is None:
                continue
            recent = [t for t in self._restarts.get(service.name, []) if now - t < window_s]
            if len(recent) >= max_restarts:
                raise RuntimeError(
                    f"{service.name} stopped {len(recent) + 1} times within {window_s:.0f} s; "
                    f"see {service.log_path}"
                )
            self._restarts[service.name] = [*recent, now]
            if self.echo:
                self.echo(f"{service.name} stopped unexpectedly; restarting ({service.log_path})")
            self.start_service(service.name)
            restarted.append(service.name)
        return restarted

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every child's process group, in reverse order; SIGKILL what is left."""
        for service in reversed(self.services):
            proc = service.process
            if proc is None or proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + timeout
        for service in reversed(self.services):
            proc = service.process
            if proc is None:
                continue
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
        for thread in self._pumps:
            thread.join(timeout=2)
