"""Every setting in one place: the environment (``.env``, see ``.env.example``) and ``clinic.yml``.

Defaults work out of the box for the embedded set-up on localhost. Secrets have no defaults in the
repository: ``make run`` writes random ones into ``.env`` the first time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

from actions.clinic_config import ClinicConfig, load_clinic_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# `.env` never overrides what the caller already exported (tests and CI set their own values).
load_dotenv(PROJECT_ROOT / ".env", override=False)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"environment variable {name} must be a number, got {raw!r}") from None


def _env_int(name: str, default: int) -> int:
    return int(_env_float(name, default))


def _path(name: str, default: str) -> Path:
    path = Path(_env(name, default))
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Settings:
    """Environment settings. Read once per process via :func:`get_settings`."""

    clinic_config_path: Path = field(default_factory=lambda: _path("CLINIC_CONFIG", "clinic.yml"))
    data_dir: Path = field(default_factory=lambda: _path("DATA_DIR", "var"))

    # Rasa server (the console and tests talk to its HTTP API with this token).
    rasa_url: str = field(default_factory=lambda: _env("RASA_URL", "http://localhost:5005"))
    rasa_api_token: str = field(default_factory=lambda: _env("RASA_API_TOKEN"))

    # Scheduling/billing API: any FHIR R4 server. The embedded one is the default.
    fhir_base_url: str = field(
        default_factory=lambda: _env("FHIR_BASE_URL", "http://localhost:8080/fhir").rstrip("/")
    )
    fhir_bearer_token: str = field(default_factory=lambda: _env("FHIR_BEARER_TOKEN"))
    fhir_timeout_seconds: float = field(
        default_factory=lambda: _env_float("FHIR_TIMEOUT_SECONDS", 5.0)
    )
    fhir_retries: int = field(default_factory=lambda: _env_int("FHIR_RETRIES", 2))

    # Escalation: where handoff records go (the staff console), and the shared secret.
    handoff_url: str = field(
        default_factory=lambda: _env("HANDOFF_URL", "http://localhost:8000/api/handoffs")
    )
    handoff_secret: str = field(default_factory=lambda: _env("HANDOFF_SECRET"))
    handoff_timeout_seconds: float = field(
        default_factory=lambda: _env_float("HANDOFF_TIMEOUT_SECONDS", 3.0)
    )

    # Pseudonymous SMS conversation ids and phone matching (HMAC key shared with the channel).
    phone_hash_secret: str = field(default_factory=lambda: _env("PHONE_HASH_SECRET"))
    # Identity checks naming one person, across conversations: after this many failures within
    # VERIFY_LOCKOUT_MINUTES, checks naming that person are refused for VERIFY_LOCKOUT_MINUTES.
    verify_lockout_max_failures: int = field(
        default_factory=lambda: _env_int("VERIFY_LOCKOUT_MAX_FAILURES", 5)
    )
    verify_lockout_minutes: float = field(
        default_factory=lambda: _env_float("VERIFY_LOCKOUT_MINUTES", 30.0)
    )

    # Web chat (addons/socketio_channel.py, web/): signed session tokens and message limits.
    socketio_secret: str = field(default_factory=lambda: _env("SOCKETIO_SECRET"))
    chat_session_max_age_seconds: int = field(
        default_factory=lambda: _env_int("CHAT_SESSION_MAX_AGE_SECONDS", 86400)
    )
    chat_max_message_chars: int = field(
        default_factory=lambda: _env_int("CHAT_MAX_MESSAGE_CHARS", 1000)
    )
    # Where `make run` serves the demo clinic page, and the Rasa URL browsers use to reach it.
    web_port: int = field(default_factory=lambda: _env_int("WEB_PORT", 8081))
    chat_server_url: str = field(
        default_factory=lambda: (
            _env("CHAT_SERVER_URL") or f"http://localhost:{_env('RASA_PORT') or '5005'}"
        ).rstrip("/")
    )

    # SMS (addons/twilio_channel.py). Empty SID/token/secret = the SMS webhook answers 503.
    twilio_account_sid: str = field(default_factory=lambda: _env("TWILIO_ACCOUNT_SID"))
    twilio_auth_token: str = field(default_factory=lambda: _env("TWILIO_AUTH_TOKEN"))
    twilio_from_number: str = field(default_factory=lambda: _env("TWILIO_FROM_NUMBER"))
    twilio_api_base: str = field(
        default_factory=lambda: _env("TWILIO_API_BASE", "https://api.twilio.com").rstrip("/")
    )
    # Public URL Twilio posts to; behind a proxy the signature is computed over this URL.
    twilio_webhook_url: str = field(default_factory=lambda: _env("TWILIO_WEBHOOK_URL"))
    twilio_timeout_seconds: float = field(
        default_factory=lambda: _env_float("TWILIO_TIMEOUT_SECONDS", 10.0)
    )
    # Failed sends are retried with exponential backoff from the first to the second value,
    # and given up (logged) once older than SMS_MAX_AGE_HOURS: a day-old reply misleads.
    sms_retry_seconds: float = field(default_factory=lambda: _env_float("SMS_RETRY_SECONDS", 5.0))
    sms_retry_max_seconds: float = field(
        default_factory=lambda: _env_float("SMS_RETRY_MAX_SECONDS", 300.0)
    )
    sms_max_age_hours: float = field(default_factory=lambda: _env_float("SMS_MAX_AGE_HOURS", 24.0))

    # Staff console (console/): where it listens, its store, how it signs session cookies.
    console_host: str = field(default_factory=lambda: _env("CONSOLE_HOST", "127.0.0.1"))
    console_port: int = field(default_factory=lambda: _env_int("CONSOLE_PORT", 8000))
    # SQLAlchemy URL; empty = SQLite in DATA_DIR. PostgreSQL: postgresql://user:pw@host/db
    console_db_url: str = field(default_factory=lambda: _env("CONSOLE_DB_URL"))
    console_secret_key: str = field(default_factory=lambda: _env("CONSOLE_SECRET_KEY"))
    console_session_hours: float = field(
        default_factory=lambda: _env_float("CONSOLE_SESSION_HOURS", 12.0)
    )
    # Send cookies only over HTTPS (set true behind a TLS proxy).
    console_secure_cookies: bool = field(
        default_factory=lambda: _env("CONSOLE_SECURE_COOKIES").lower() in ("1", "true", "yes")
    )
    console_canned_replies_path: Path = field(
        default_factory=lambda: _path("CONSOLE_CANNED_REPLIES", "console/canned_replies.yml")
    )
    # A waiting patient who writes hears their place in the queue at most this often.
    console_wait_notice_seconds: float = field(
        default_factory=lambda: _env_float("CONSOLE_WAIT_NOTICE_SECONDS", 120.0)
    )

    @property
    def sms_enabled(self) -> bool:
        """Whether texts are answered: the four settings the SMS channel needs
        (addons/twilio_channel.py, where credentials.yml may also give them)."""
        return all(
            (
                self.twilio_account_sid,
                self.twilio_auth_token,
                self.twilio_from_number,
                self.phone_hash_secret,
            )
        )

    @property
    def console_database_url(self) -> str:
        """``CONSOLE_DB_URL``, or the console's SQLite file in ``DATA_DIR``."""
        return self.console_db_url or f"sqlite:///{self.data_dir / 'console.sqlite3'}"

    @property
    def sms_store_path(self) -> Path:
        """SMS outbox, inbox, opt-outs and the encrypted pseudonym→phone map."""
        return self.data_dir / "sms.sqlite3"

    @property
    def verify_lockout_path(self) -> Path:
        """Failed identity checks per person named (keyed hashes of names, never names)."""
        return self.data_dir / "verify_lockout.sqlite3"

    @property
    def handoff_outbox_path(self) -> Path:
        """Handoff records that could not be delivered yet wait here (never lost)."""
        return self.data_dir / "handoff_outbox.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


@lru_cache(maxsize=4)
def _load_clinic(path: str, mtime: float) -> ClinicConfig:
    return load_clinic_config(path)


def get_clinic(path: Path | None = None) -> ClinicConfig:
    """The validated ``clinic.yml`` (re-read when the file changes on disk)."""
    path = path or get_settings().clinic_config_path
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load_clinic(str(path), mtime)
