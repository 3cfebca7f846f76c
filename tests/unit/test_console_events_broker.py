"""The Rasa event broker that feeds the console: forwards messages, never blocks or fails Rasa."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from addons.console_events import ConsoleEventBroker
from launcher.stack import free_port


async def _console(received: list[Any], status: int = 202) -> tuple[web.AppRunner, str]:
    async def handle(request: web.Request) -> web.Response:
        received.append((request.headers.get("Authorization"), await request.json()))
        return web.json_response({}, status=status)

    app = web.Application()
    app.router.add_post("/api/rasa-events", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/api/rasa-events"


def test_configured_from_endpoints_yml_and_off_without_url() -> None:
    async def scenario() -> None:
        config = EndpointConfig(
            url="http://c/api/rasa-events",
            type="addons.console_events.ConsoleEventBroker",
            secret="s",
        )
        broker = await ConsoleEventBroker.from_endpoint_config(config)
        assert broker is not None
        assert (broker.url, broker.secret) == ("http://c/api/rasa-events", "s")
        assert await ConsoleEventBroker.from_endpoint_config(EndpointConfig(url="")) is None

    asyncio.run(scenario())


def test_forwards_only_messages_with_the_secret() -> None:
    async def scenario() -> list[Any]:
        received: list[Any] = []
        runner, url = await _console(received)
        broker = ConsoleEventBroker(url, "s3cret")
        broker.publish({"sender_id": "c1", "event": "action", "name": "action_listen"})
        broker.publish(
            {
                "sender_id": "c1",
                "event": "user",
                "text": "hi",
                "timestamp": 1.0,
                "parse_data": {"intent": {"name": "greet"}, "entities": []},
            }
        )
        broker.publish({"sender_id": "c1", "event": "bot", "text": "hello", "timestamp": 2.0})
        for _ in range(50):
            if sum(len(batch) for _, batch in received) >= 2:
                break
            await asyncio.sleep(0.05)
        await broker.close()
        await runner.cleanup()
        return received

    received = asyncio.run(scenario())
    assert {auth for auth, _ in received} == {"Bearer s3cret"}
    events = [event for _, batch in received for event in batch]
    assert [(e["event"], e["text"]) for e in events] == [("user", "hi"), ("bot", "hello")]
    assert "parse_data" not in events[0]  # only what the console needs


def test_console_down_costs_nothing_but_dropped_updates() -> None:
    async def scenario() -> ConsoleEventBroker:
        broker = ConsoleEventBroker(f"http://127.0.0.1:{free_port()}/api/rasa-events", "s")
        started = time.perf_counter()
        for i in range(200):
            broker.publish({"sender_id": "c", "event": "user", "text": str(i), "timestamp": i})
        assert time.perf_counter() - started < 0.5  # publish never waits for the network
        for _ in range(100):
            if broker.dropped >= 200:
                break
            await asyncio.sleep(0.05)
        await broker.close()
        return broker

    assert asyncio.run(scenario()).dropped == 200


def test_a_full_queue_drops_instead_of_blocking() -> None:
    async def scenario() -> ConsoleEventBroker:
        broker = ConsoleEventBroker("http://127.0.0.1:9/x", "s", max_queue=5)
        for i in range(20):  # the worker has not run yet: the queue fills up
            broker.publish({"sender_id": "c", "event": "bot", "text": str(i)})
        await broker.close()
        return broker

    assert asyncio.run(scenario()).dropped == 15


def test_publish_outside_an_event_loop_is_a_no_op() -> None:
    broker = ConsoleEventBroker("http://127.0.0.1:9/x", "s")
    broker.publish({"sender_id": "c", "event": "user", "text": "hi"})
    assert broker.dropped == 0
