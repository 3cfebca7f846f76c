"""``python -m console``: run the staff console, and manage staff accounts from a terminal.

    python -m console serve [--host 127.0.0.1] [--port 8000]
    python -m console create-user NAME [--role staff|admin] [--display-name "Dana R."]
                                       [--password-stdin]
    python -m console set-password NAME [--password-stdin]
    python -m console list-users

Accounts are made here, not in the web page, so the first admin never travels over HTTP and
there is no sign-up form to attack.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from actions.settings import get_settings
from console import auth
from console.store import Store, StoreError

CREATE_HINT = ".venv/bin/python -m console create-user NAME --role admin"


def first_run_hint() -> str | None:
    """What ``make run`` prints while the console has no account yet (None once it has one)."""
    try:
        if _store().user_count() > 0:
            return None
    except Exception:  # the launcher must start even if the store cannot be read here
        return None
    return (
        "  No staff console account yet. Create the first one (an admin):\n"
        "    make staff-user NAME=yourname ROLE=admin\n"
        f"  (or: {CREATE_HINT})"
    )


def _store() -> Store:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store(settings.console_database_url)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise SystemExit("The passwords do not match.")
    problem = auth.password_problem(password)
    if problem:
        raise SystemExit(f"Not accepted: {problem}.")
    return password


def create_user(args: argparse.Namespace) -> int:
    store = _store()
    if store.user_by_name(args.name):
        print(f"User {args.name!r} exists already; use set-password to change the password.")
        return 1
    password = _read_password(args.password_stdin)
    try:
        user = store.create_user(
            args.name, args.display_name or args.name, args.role, auth.hash_password(password)
        )
    except StoreError as exc:
        print(str(exc))
        return 1
    print(f"Created {user.role} {user.username!r} (shown to patients as {user.display_name!r}).")
    return 0


def set_password(args: argparse.Namespace) -> int:
    store = _store()
    if store.user_by_name(args.name) is None:
        print(f"No user {args.name!r}.")
        return 1
    store.set_password(args.name, auth.hash_password(_read_password(args.password_stdin)))
    # Audited, and it lifts a lock-out after failed logins (Store.failed_logins).
    store.log(store.user_by_name(args.name), "password_set", detail="command line")
    print(f"Password changed for {args.name!r}; their open sessions were logged out.")
    return 0


def list_users(args: argparse.Namespace) -> int:
    users = _store().list_users()
    if not users:
        print(f"No staff accounts yet. Create one with: {CREATE_HINT}")
    for user in users:
        print(f"{user.username:20} {user.role:6} {user.display_name}")
    return 0


def serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from console.app import ConsoleConfig, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    config = ConsoleConfig.from_settings()
    store = Store(config.db_url)
    if store.user_count() == 0:
        print(
            "\n  No staff account yet. Create the first one (an admin) in another terminal:\n"
            f"    {CREATE_HINT}\n",
            flush=True,
        )
    host = args.host or settings.console_host
    port = args.port or settings.console_port
    print(
        f"Staff console on http://{'localhost' if host == '127.0.0.1' else host}:{port}/",
        flush=True,
    )
    web.run_app(
        create_app(config, store),
        host=host,
        port=port,
        print=None,
        access_log_format='%a "%r" %s %b %Tfs',
        shutdown_timeout=5,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="run the staff console")
    run.add_argument("--host", default="")
    run.add_argument("--port", type=int, default=0)
    run.set_defaults(func=serve)

    create = commands.add_parser("create-user", help="create a staff account")
    create.add_argument("name", help="login name")
    create.add_argument("--role", choices=["staff", "admin"], default="staff")
    create.add_argument("--display-name", help="the name patients see on replies")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    create.set_defaults(func=create_user)

    change = commands.add_parser("set-password", help="set a new password for an account")
    change.add_argument("name")
    change.add_argument("--password-stdin", action="store_true")
    change.set_defaults(func=set_password)

    show = commands.add_parser("list-users", help="list staff accounts")
    show.set_defaults(func=list_users)

    args = parser.parse_args(argv)
    return int(args.func(args))
