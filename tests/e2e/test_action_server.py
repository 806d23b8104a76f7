"""The hardened action server, started for real on localhost."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("actions")
    port = free_port()
    env = {
        **os.environ,
        "ACTION_SERVER_TOKEN": TOKEN,
        "ACTION_SERVER_PORT": str(port),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{folder / 'agenda.db'}",
        "ASSISTANT_NOW": "2026-11-23T10:00",
    }
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "init", "--demo"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.adapters.action_server"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if call(f"{base}/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("action server did not start: " + (folder / "server.log").read_text())
    yield base, folder / "server.log"
    process.terminate()
    process.wait(timeout=20)
    log.close()


def action_call(name: str, text: str = "bonjour", sender: str = "conv-e2e") -> dict:
    return {
        "next_action": name,
        "sender_id": sender,
        "version": "3.6.2",
        "domain": {"slots": {}, "forms": {}, "responses": {}},
        "tracker": {
            "sender_id": sender,
            "slots": {"last_name": "Secretdupont", "birth_date": "1985-03-12"},
            "latest_message": {"text": text, "intent": {"name": "greet"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_calls_without_the_token_are_refused_and_run_nothing(action_server):
    base, _ = action_server
    assert call(f"{base}/webhook", action_call("action_greet"))[0] == 401
    assert call(f"{base}/webhook", action_call("action_greet"), token="wrong-token-wrong-token")[0] == 401
    assert call(f"{base}/actions", {})[0] in (401, 405)


def test_an_authorised_call_runs_the_action(action_server):
    base, _ = action_server
    status, body = call(f"{base}/webhook", action_call("action_greet"), token=TOKEN)
    assert status == 200
    assert body["responses"][0]["text"].startswith("Maison de santé des Tisserands, bonjour.")


def test_a_broken_call_never_echoes_the_tracker(action_server):
    base, log = action_server
    # No tracker at all: a client's mistake, refused before rasa-sdk's executor runs (it used to crash: 500).
    broken = {"next_action": "action_greet", "version": "3.6.2", "sender_id": "x", "patient": "Secretdupont"}
    status, body = call(f"{base}/webhook", broken, token=TOKEN)
    assert status == 400 and body["error"] == "bad request"
    assert "Secretdupont" not in json.dumps(body) and "request_body" not in body
    time.sleep(0.2)
    assert "Secretdupont" not in log.read_text()


def test_it_listens_on_localhost_only(action_server):
    base, _ = action_server
    assert base.startswith("http://127.0.0.1:")
    port = int(base.rsplit(":", 1)[1])
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {
        "127.0.0.1",
        "127.0.1.1",
    }
    for address in addresses:
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(1)
            sock.connect((address, port))


def test_missing_token_stops_the_server_at_start():
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.adapters.action_server"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "ACTION_SERVER_TOKEN" in result.stderr
