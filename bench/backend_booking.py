"""Benchmark of the embedded FHIR backend: booking throughput and search latency.

    .venv/bin/python bench/backend_booking.py [--clients 1,4,8] [--bookings 120] [--searches 100]

Starts ``python -m clinic_api`` on a free loopback port with a fresh, fully seeded database in a
temporary folder (its own process, like ``make run``), then measures:

* bookings/s with N concurrent clients, each booking distinct free slots through
  ``FhirClient.book`` (GET Slot, GET Schedule, PUT Slot with If-Match, POST Appointment) and as a
  single raw ``POST Appointment`` (the server's atomic booking rule alone);
* p50/p95 latency of the searches the assistant makes: free slots (client), patient by name and
  birth date (POST _search), upcoming appointments, open invoices.

Run by hand; never part of the test suite. Every request goes to 127.0.0.1 and the run is
bounded by the counts given.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.clients.fhir import FhirClient  # noqa: E402
from actions.settings import get_clinic  # noqa: E402

TOKEN = "bench-token"  # noqa: S105 - a throwaway local server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FHIR_BEARER_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "clinic_api", "--db", str(db), "--seed-only"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "clinic_api", "--db", str(db), "--port", str(port), "--no-seed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/fhir/metadata", timeout=1).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the FHIR backend did not start")


def free_slot_ids(base: str, count: int) -> list[str]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    now = datetime.now(timezone.utc) + timedelta(hours=1)
    url: str | None = f"{base}/Slot"
    params: dict[str, str] | None = {
        "status": "free",
        "_sort": "start",
        "_count": "500",
        "start": f"ge{now:%Y-%m-%dT%H:%M:%SZ}",
    }
    ids: list[str] = []
    while url and len(ids) < count:
        bundle = session.get(url, params=params, timeout=30).json()
        ids += [e["resource"]["id"] for e in bundle.get("entry", [])]
        url = next((ln["url"] for ln in bundle.get("link", []) if ln["relation"] == "next"), None)
        params = None
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} free slots; lower --bookings")
    return ids[:count]


def run_concurrently(
    jobs: list[Callable[[FhirClient], Any]], clients: int, make_client: Callable[[], FhirClient]
) -> float:
    """Run ``jobs`` on ``clients`` threads, each with its own client; returns the wall time."""
    lock = threading.Lock()
    queue = list(jobs)
    errors: list[BaseException] = []

    def worker() -> None:
        own = make_client()
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            try:
                job(own)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} bookings failed, e.g. {errors[0]!r}")
    return time.perf_counter() - started


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="1,4,8", help="concurrency levels, comma-separated")
    parser.add_argument("--bookings", type=int, default=120, help="bookings per level and mode")
    parser.add_argument("--searches", type=int, default=100, help="samples per search kind")
    args = parser.parse_args()
    levels = [int(x) for x in args.clients.split(",")]
    clinic = get_clinic()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "bench.sqlite3", port)
        base = f"http://127.0.0.1:{port}/fhir"
        try:
            client = FhirClient(base, token=TOKEN, clinic=clinic)
            patient = client.find_patients("Miller", "Robert", date(1950, 11, 2))[0]
            emily = client.find_patients("Johnson", "Emily", date(1988, 4, 12))[0]
            slots = free_slot_ids(base, args.bookings * len(levels) * 2)
            print(
                f"embedded FHIR backend, {os.cpu_count()} cores, {args.bookings} bookings per row\n"
            )
            print(f"{'mode':<34}{'clients':>8}{'bookings/s':>12}")
            for mode in ("FhirClient.book (4 requests)", "raw POST Appointment"):
                for level in levels:
                    batch, slots = slots[: args.bookings], slots[args.bookings :]
                    jobs: list[Callable[[FhirClient], Any]]
                    if mode.startswith("FhirClient"):
                        jobs = [lambda c, s=s: c.book(patient.id, s, "follow_up") for s in batch]
                    else:
                        jobs = [lambda c, s=s: raw_book(c, patient.id, s) for s in batch]
                    seconds = run_concurrently(
                        jobs, level, lambda: FhirClient(base, token=TOKEN, clinic=clinic)
                    )
                    print(f"{mode:<34}{level:>8}{len(batch) / seconds:>12.0f}")
            now = datetime.now(timezone.utc)
            searches: dict[str, Callable[[], Any]] = {
                "free slots (2 weeks, patel, physical)": lambda: client.find_free_slots(
                    now,
                    now + timedelta(days=14),
                    practitioner="patel",
                    visit_type="physical",
                    limit=20,
                ),
                "free slots (6 weeks, any, evening)": lambda: client.find_free_slots(
                    now, now + timedelta(weeks=6), part_of_day="evening", limit=3
                ),
                "patient by name + birth date": lambda: client.find_patients(
                    "Johnson", "Emily", date(1988, 4, 12)
                ),
                "upcoming appointments": lambda: client.upcoming_appointments(emily.id),
                "open invoices": lambda: client.open_invoices(emily.id),
            }
            print(f"\n{'search (client call, 1 client)':<42}{'p50 ms':>9}{'p95 ms':>9}")
            for name, call in searches.items():
                call()  # warm the directory cache
                samples = []
                for _ in range(args.searches):
                    started = time.perf_counter()
                    call()
                    samples.append((time.perf_counter() - started) * 1000)
                print(
                    f"{name:<42}{statistics.median(samples):>9.1f}{percentile(samples, 0.95):>9.1f}"
                )
        finally:
            server.terminate()
            server.wait(15)


def raw_book(client: FhirClient, patient_id: str, slot_id: str) -> None:
    response = client.session.post(
        f"{client.base_url}/Appointment",
        json={
            "resourceType": "Appointment",
            "status": "booked",
            "slot": [{"reference": f"Slot/{slot_id}"}],
            "participant": [
                {"actor": {"reference": f"Patient/{patient_id}"}, "status": "accepted"}
            ],
        },
        headers={"Content-Type": "application/fhir+json"},
        timeout=30,
    )
    if response.status_code != 201:
        raise RuntimeError(f"HTTP {response.status_code}")


if __name__ == "__main__":
    main()
