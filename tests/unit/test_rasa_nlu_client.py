"""The client for the Rasa server's /model/parse (HTTP mocked): best effort, never logs text."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses

from actions.clients.rasa_nlu import RasaNluClient

URL = "http://rasa.test:5005"
WORDS = "can Emily Johnson get her records"


@responses.activate
def test_a_parse_is_the_servers_answer_with_the_token() -> None:
    parsed = {"text": WORDS, "intent": {"name": "faq", "confidence": 0.97}}
    responses.add(responses.POST, f"{URL}/model/parse", json=parsed)
    assert RasaNluClient(URL + "/", "secret-token").parse(WORDS) == parsed
    call = responses.calls[0].request
    assert call.url == f"{URL}/model/parse?token=secret-token"
    assert json.loads(call.body) == {"text": WORDS}


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 401, "json": {"message": "no token"}},
        {"status": 500, "body": "oops"},
        {"status": 200, "body": "not json"},
        {"status": 200, "json": ["not", "a", "parse"]},
        {"body": requests.ConnectionError("refused")},
        {"body": requests.Timeout("slow")},
    ],
    ids=["unauthorised", "server-error", "not-json", "not-a-dict", "down", "slow"],
)
@responses.activate
def test_anything_but_a_parse_is_none_and_the_words_are_not_logged(
    reply: dict, caplog: pytest.LogCaptureFixture
) -> None:
    responses.add(responses.POST, f"{URL}/model/parse", **reply)
    with caplog.at_level(logging.DEBUG, logger="actions.clients.rasa_nlu"):
        assert RasaNluClient(URL, "secret-token", timeout=0.5).parse(WORDS) is None
    assert caplog.records, "a failure is logged"
    assert "Emily" not in caplog.text and "secret-token" not in caplog.text
