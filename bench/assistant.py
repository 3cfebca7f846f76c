"""Benchmark of the assistant as a user runs it: training, start-up, message latency, booking.

    .venv/bin/python bench/assistant.py [--skip-training] [--messages 60] [--concurrency 20]

Measures, in one run on this machine:

* training time: a cold train (empty component cache) and a retrain with nothing changed;
* start-up time: launching the FHIR backend, action server and Rasa server until all answer;
* per-message latency (p50/p95) over the REST webhook, one conversation at a time and with N
  conversations in parallel, plus throughput in messages/s;
* the wall time of a whole booking conversation (six messages, a real booking in the backend).

Results are printed as a table and written to bench/results/assistant.json. Run by hand or by
`make bench`; never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.stack import Stack, StackConfig, default_services  # noqa: E402

RASA = str(Path(sys.executable).parent / "rasa")
MESSAGES = [
    "hi",
    "where do I park at the north office?",
    "what are your hours on saturday",
    "do you take aetna",
    "what should I bring to my appointment",
    "how do I pay my bill",
    "thanks!",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_training(out: Path) -> dict[str, float]:
    """Cold training (fresh cache) and a retrain with no change (the cache is reused)."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(out / "cache"),
    }
    command = [
        RASA,
        "train",
        "--domain",
        "domain",
        "--data",
        "data",
        "--config",
        "config.yml",
        "--out",
        str(out / "models"),
        "--num-threads",
        "2",
    ]
    results = {}
    for label in ("train_cold_s", "train_no_change_s"):
        start = time.perf_counter()
        subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        results[label] = round(time.perf_counter() - start, 1)
    return results


def say(url: str, sender: str, text: str) -> tuple[float, list[dict[str, Any]]]:
    start = time.perf_counter()
    response = requests.post(url, json={"sender": sender, "message": text}, timeout=120)
    response.raise_for_status()
    return time.perf_counter() - start, response.json()


def conversation(url: str, count: int) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    return [say(url, sender, MESSAGES[i % len(MESSAGES)])[0] for i in range(count)]


def latency(url: str, conversations: int, per_conversation: int) -> dict[str, float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        runs = list(pool.map(lambda _: conversation(url, per_conversation), range(conversations)))
    elapsed = time.perf_counter() - start
    samples = [s for run in runs for s in run]
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 1),
        "p95_ms": round(percentile(samples, 95) * 1000, 1),
        "mean_ms": round(statistics.mean(samples) * 1000, 1),
        "messages_per_s": round(len(samples) / elapsed, 1),
        "messages": len(samples),
    }


def booking_conversation(url: str) -> float:
    """A returning patient books a slot end to end (six messages)."""
    sender = f"bench-book-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    say(url, sender, "I need a follow-up with Dr. Patel at the downtown clinic next week")
    _, offers = say(url, sender, "yes, I've been there before")
    payload = next(b["payload"] for m in offers for b in m.get("buttons") or [])
    say(url, sender, payload)
    say(url, sender, "Robert Miller")
    say(url, sender, "11/02/1950")
    _, done = say(url, sender, "yes")
    elapsed = time.perf_counter() - start
    if not any("You're booked" in (m.get("text") or "") for m in done):
        raise RuntimeError(f"booking did not complete: {done}")
    return round(elapsed, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--messages", type=int, default=60, help="per sequential run")
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_training:
            print("training (cold, then with nothing changed)...", flush=True)
            results.update(time_training(work))
        config = StackConfig.for_tests(work / "stack")
        config.handoff_url = "http://127.0.0.1:9/api/handoffs"  # escalations are not measured
        services = default_services(config, parts=["fhir", "actions", "rasa"])
        start = time.perf_counter()
        with Stack(config, services):
            results["startup_s"] = round(time.perf_counter() - start, 1)
            url = f"{config.rasa_url}/webhooks/rest/webhook"
            conversation(url, 3)  # warm-up
            print("latency, one conversation at a time...", flush=True)
            results["sequential"] = latency(url, 1, args.messages)
            print(f"latency, {args.concurrency} conversations at once...", flush=True)
            results["concurrent"] = latency(url, args.concurrency, 5)
            results["concurrency"] = args.concurrency
            results["booking_conversation_s"] = booking_conversation(url)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "assistant.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    seq, con = results["sequential"], results["concurrent"]
    print(
        f"\nconcurrent/sequential: p50 x{con['p50_ms'] / seq['p50_ms']:.1f}, "
        f"p95 x{con['p95_ms'] / seq['p95_ms']:.1f}, throughput x"
        f"{con['messages_per_s'] / seq['messages_per_s']:.1f}"
    )


if __name__ == "__main__":
    main()
