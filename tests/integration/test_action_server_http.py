"""The action server's answers to clients' mistakes (4xx, never 500) and its private logs, over real HTTP."""

from __future__ import annotations

import http.client
import json
import logging
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from sanic import Sanic

from assistant.adapters import privacy_logs
from assistant.adapters.action_server import MAX_BODY_BYTES, ActionServerSettings, create_action_app
from tests.sanic_thread import SanicThread, free_port

TOKEN = "test-token-0123456789abcdef"
NAME, FIRST_NAME, BIRTH, PHONE = "Secretdupont", "Eulalie", "1985-03-12", "06 11 22 33 44"
MESSAGE = f"je suis {FIRST_NAME} {NAME} née le 12 mars 1985, mon numéro {PHONE}"


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    Sanic.test_mode = True  # several apps of the same name in one test process
    app = create_action_app(ActionServerSettings(token=TOKEN), package="tests.integration.privacy_actions")
    running = SanicThread(app, free_port())
    running.start()
    yield running.port
    running.stop()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    token: str | None = TOKEN,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any] | list[Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=body, headers=all_headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, (json.loads(data) if data else {})


def action_call(name: str = "action_test_echo") -> dict[str, Any]:
    return {
        "next_action": name,
        "sender_id": "conv-1",
        "version": "3.6.2",
        "domain": {"slots": {}, "forms": {}, "responses": {}},
        "tracker": {
            "sender_id": "conv-1",
            "slots": {"last_name": NAME, "first_name": FIRST_NAME, "birth_date": BIRTH, "phone": PHONE},
            "latest_message": {"text": MESSAGE, "intent": {"name": "inform"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def post(port: int, body: Any, **kwargs: Any) -> tuple[int, Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return request(port, "POST", "/webhook", raw, **kwargs)


def test_a_valid_call_runs_the_action(server):
    status, body = post(server, action_call())
    assert status == 200 and body["responses"][0]["text"] == "ok"


@pytest.mark.parametrize("path", ["//webhook", "/WEBHOOK", "/webhook/x", "/nothing", "/webhook%00", "/../webhook"])
def test_unknown_paths_are_404(server, path):
    assert post_to(server, path)[0] == 404


def post_to(port: int, path: str) -> tuple[int, Any]:
    return request(port, "POST", path, json.dumps(action_call()).encode())


@pytest.mark.parametrize(("method", "path"), [("GET", "/webhook"), ("PUT", "/webhook"), ("POST", "/health")])
def test_wrong_methods_are_405(server, method, path):
    assert request(server, method, path, b"{}")[0] == 405


def test_missing_or_wrong_token_is_401(server):
    assert post(server, action_call(), token=None)[0] == 401
    assert post(server, action_call(), token="wrong-token-wrong-token")[0] == 401
    assert request(server, "GET", "/actions", token=None)[0] == 401


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"next_action": ',
        b"\xff\xfe\x00",
        b"",
        b"[1, 2]",
        b'"text"',
        b"null",
        json.dumps({"tracker": action_call()["tracker"]}).encode(),
        json.dumps({"next_action": "action_test_echo"}).encode(),
        json.dumps({"next_action": 3, "tracker": action_call()["tracker"]}).encode(),
        json.dumps({"next_action": "action_test_echo", "tracker": []}).encode(),
        json.dumps({"next_action": "action_test_echo", "tracker": {"slots": {}}}).encode(),
        json.dumps({**action_call(), "tracker": {**action_call()["tracker"], "slots": []}}).encode(),
        json.dumps({**action_call(), "domain": "x"}).encode(),
    ],
)
def test_bodies_that_are_not_an_action_call_are_400(server, body):
    status, answer = post(server, body)
    assert status == 400, answer
    assert NAME not in json.dumps(answer)


def test_bad_deflate_is_400_and_a_deflate_bomb_is_413(server):
    assert post(server, b"not deflate", headers={"Content-Encoding": "deflate"})[0] == 400
    bomb = zlib.compress(b" " * (MAX_BODY_BYTES + 10))
    assert post(server, bomb, headers={"Content-Encoding": "deflate"})[0] == 413
    good = zlib.compress(json.dumps(action_call()).encode())
    assert post(server, good, headers={"Content-Encoding": "deflate"})[0] == 200


def test_a_body_over_the_bound_is_413(server):
    assert post(server, b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}")[0] == 413


def test_an_unknown_action_is_404(server):
    status, body = post(server, action_call("action_that_does_not_exist"))
    assert status == 404 and body["error"] == "unknown action"


def test_a_bug_is_500_without_echo_and_logs_carry_no_personal_data(server, caplog):
    privacy_logs.install()
    try:
        with caplog.at_level(logging.INFO):
            status, body = post(server, action_call("action_test_crash"))
            assert status == 500 and body == {"error": "internal error"}
            assert post(server, action_call())[0] == 200  # its careless log line is redacted
        text = caplog.text + "".join(str(r.exc_text) for r in caplog.records)
        assert "ValueError" in text and "rasa_sdk.test_privacy" in text
        for secret in (NAME, FIRST_NAME, BIRTH, PHONE, "12 mars 1985", MESSAGE):
            assert secret not in text, secret
        assert secret not in json.dumps(body)
    finally:
        privacy_logs.uninstall()
