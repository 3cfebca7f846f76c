"""Shared pytest set-up: the running-stack fixtures live in tests/support/stack_fixtures.py."""

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

pytest_plugins = [
    "tests.support.stack_fixtures",
    "tests.support.actions",
    "tests.support.fhir_servers",
    "tests.support.browser",
    "tests.support.postgres",
]
