"""``make run``: start every part of the assistant on localhost and print where to find it.

A part that crashes is restarted (a few times at most); Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import signal
import sys
import threading

from dotenv import load_dotenv

from console.cli import first_run_hint
from launcher.stack import ROOT, Stack, StackConfig


def banner(config: StackConfig, token_hint: str) -> str:
    rasa = config.rasa_url
    return f"""
  The clinic assistant is running.

  Talk to it over the REST webhook:
    curl -s {rasa}/webhooks/rest/webhook \\
         -H 'Content-Type: application/json' \\
         -d '{{"sender": "demo-patient", "message": "hello"}}'

  Or chat in this terminal:   make shell
  Demo clinic page with the chat widget:  {config.web_url}
  Staff console:              {config.console_url}  (accounts: make staff-user NAME=.. ROLE=admin)
  SMS (Twilio) webhook:       {rasa}/webhooks/twilio/webhook  (TWILIO_* in .env; docs/channels.md)
  Rasa HTTP API (token in .env, RASA_API_TOKEN):  {rasa}/status?token={token_hint}
  Action server:              http://localhost:{config.action_port}/health
  Scheduling API (FHIR R4):   {config.fhir_url}/metadata  (bearer token FHIR_BEARER_TOKEN)
  Logs:                       {config.data_dir / "logs"}

  Press Ctrl-C to stop everything.
"""


def main() -> int:
    load_dotenv(ROOT / ".env", override=False)
    config = StackConfig.from_environment()
    stack = Stack(config, echo=lambda line: print(line, flush=True))
    stopping = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print("Starting the scheduling API, action server and Rasa server (about 30 s)...")
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as exc:
        print(f"\nCould not start: {exc}", file=sys.stderr)
        return 1
    print(banner(config, "$RASA_API_TOKEN"), flush=True)
    hint = first_run_hint()
    if hint:
        print(hint + "\n", flush=True)
    try:
        while not stopping.wait(1.0):
            try:
                for name in stack.revive_crashed():
                    print(f"{name} is running again.", flush=True)
            except (RuntimeError, TimeoutError) as exc:
                print(f"\nGiving up: {exc}", file=sys.stderr)
                stopping.set()
    finally:
        print("\nStopping...", flush=True)
        stack.stop()
        print("Stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
