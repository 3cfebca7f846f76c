"""Run the embedded FHIR backend: ``python -m clinic_api [--host H] [--port N] [--db PATH]
[--seed/--no-seed] [--seed-only]``.

Defaults: port ``$FHIR_PORT`` (8080), database ``$CLINIC_API_DB``
(``$DATA_DIR/clinic_api.sqlite3``), seeding on (idempotent: tops up slots to
``scheduling.weeks_ahead`` weeks, at start and every 6 hours). The base URL is ``http://HOST:PORT/fhir``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from aiohttp import web

from actions.clinic_config import ClinicConfigError
from actions.settings import get_clinic, get_settings
from clinic_api.app import AccessLogger, access_logger, create_app
from clinic_api.seed import seed_store
from clinic_api.store import Store

TOP_UP_SECONDS = 6 * 3600


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    default_db = os.environ.get("CLINIC_API_DB", "").strip() or str(
        settings.data_dir / "clinic_api.sqlite3"
    )
    parser = argparse.ArgumentParser(
        prog="python -m clinic_api", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("FHIR_PORT", "").strip() or 8080)
    )
    parser.add_argument("--db", default=default_db, help="SQLite file (created if missing)")
    parser.add_argument(
        "--seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="create/top up clinic.yml resources, slots and demo patients",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        clinic = get_clinic()
    except ClinicConfigError as exc:
        print(f"clinic.yml: {exc}", file=sys.stderr)
        return 2
    db = Path(args.db)
    if args.seed_only:
        store = Store(db)
        try:
            print(f"seeded {db}: created {seed_store(store, clinic)}")
        finally:
            store.close()
        return 0
    app = create_app(
        db,
        token=settings.fhir_bearer_token,
        clinic=clinic,
        seed=args.seed,
        top_up_seconds=TOP_UP_SECONDS if args.seed else 0,
    )
    print(f"FHIR backend: http://{args.host}:{args.port}/fhir (database {db})", flush=True)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=access_logger,
        access_log_class=AccessLogger,
        print=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
