"""The launcher behind `make run` restarts a part that crashes, and gives up on one that keeps
crashing, with real child processes (the demo page server and the scheduling API)."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest
import requests

from launcher.stack import Stack, StackConfig, default_services

pytestmark = pytest.mark.integration


def crash(stack: Stack, name: str) -> None:
    """Kill a service the way a crash would (no clean shutdown)."""
    proc = stack.service(name).process
    assert proc is not None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_crashed_part_is_restarted_and_answers_again(tmp_path: Path) -> None:
    config = StackConfig.for_tests(tmp_path)
    with Stack(config, default_services(config, parts=["fhir", "web"])) as stack:
        assert stack.revive_crashed() == []  # nothing to do while all run
        crash(stack, "fhir")
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{config.fhir_url}/metadata", timeout=5)

        assert stack.revive_crashed() == ["fhir"]

        # Same port, same data: the seeded practitioners are still there.
        headers = {"Authorization": "Bearer test-fhir-token"}
        found = requests.get(f"{config.fhir_url}/Practitioner", headers=headers, timeout=10)
        assert found.status_code == 200
        assert found.json()["total"] > 0
        assert stack.service("web").is_healthy()


def test_a_part_that_keeps_crashing_is_given_up_on(tmp_path: Path) -> None:
    config = StackConfig.for_tests(tmp_path)
    with Stack(config, default_services(config, parts=["web"])) as stack:
        for _ in range(2):
            crash(stack, "web")
            assert stack.revive_crashed(max_restarts=2) == ["web"]
        crash(stack, "web")
        with pytest.raises(RuntimeError, match="web stopped 3 times"):
            stack.revive_crashed(max_restarts=2)


def test_a_port_already_in_use_is_said_before_anything_starts(tmp_path: Path) -> None:
    # A second `make run` while the first was still stopping "started" against the old
    # services' health checks, then gave up when its own could not bind.
    config = StackConfig.for_tests(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", config.web_port))
        taken.listen()
        stack = Stack(config, default_services(config, parts=["fhir", "web"]))
        with pytest.raises(RuntimeError, match=rf"port already in use: web \({config.web_port}\)"):
            stack.start()
        assert all(service.process is None for service in stack.services)
