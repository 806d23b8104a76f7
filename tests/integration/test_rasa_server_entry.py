"""The Rasa server's entry point: the API token never on a command line, a clear refusal without it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import launcher
from assistant.adapters.rasa_server import RasaServerConfigError, configure_runtime, rasa_arguments

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "api-token-0123456789-very-secret"


def test_the_token_is_added_inside_the_process_from_the_environment():
    args = rasa_arguments(["--enable-api", "--port", "5005"], {"RASA_API_TOKEN": TOKEN})
    assert args == ["run", "--enable-api", "--port", "5005", "--auth-token", TOKEN]
    assert rasa_arguments(["run", "--port", "5005"], {}) == ["run", "--port", "5005"]  # no API, no token


@pytest.mark.parametrize("env", [{}, {"RASA_API_TOKEN": ""}, {"RASA_API_TOKEN": "short"}])
def test_the_api_without_a_token_is_refused(env):
    with pytest.raises(RasaServerConfigError, match="RASA_API_TOKEN"):
        rasa_arguments(["run", "--enable-api"], env)


@pytest.mark.parametrize("flag", [["--auth-token", TOKEN], [f"--auth-token={TOKEN}"], ["-t", TOKEN]])
def test_a_token_on_the_command_line_is_refused(flag):
    with pytest.raises(RasaServerConfigError, match="ps"):
        rasa_arguments(["run", "--enable-api", *flag], {"RASA_API_TOKEN": TOKEN})


def test_configure_runtime_turns_telemetry_off_unless_set():
    env: dict[str, str] = {}
    configure_runtime(env)
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_configure_runtime_bounds_request_bodies():
    env: dict[str, str] = {}
    configure_runtime(env)
    assert int(env["SANIC_REQUEST_MAX_SIZE"]) == 1024 * 1024  # Sanic's default is 100 MB


def test_deadlines_that_do_not_nest_stop_the_server_at_start():
    env = {"ASSISTANT_ACTION_TIMEOUT_SECONDS": "9", "ASSISTANT_TURN_DEADLINE_SECONDS": "8"}
    with pytest.raises(ValueError, match="ASSISTANT_ACTION_DEADLINE_SECONDS < ASSISTANT_ACTION_TIMEOUT_SECONDS"):
        configure_runtime(env)
    with pytest.raises(ValueError, match="at most 10"):
        configure_runtime({"ASSISTANT_TURN_DEADLINE_SECONDS": "20"})


def test_the_launchers_command_carries_no_token(tmp_path, monkeypatch):
    started: list[list[str]] = []

    class FakePopen:
        def __init__(self, command: list[str], **kwargs: object) -> None:
            started.append(command)

    monkeypatch.setattr(launcher.subprocess, "Popen", FakePopen)
    env = {"RASA_API_TOKEN": TOKEN, "RASA_PORT": "5005", "ASSISTANT_CHAT_PORT": "8080"}
    launcher.start_rasa(env, tmp_path / "rasa.log")
    (command,) = started
    assert command[1:3] == ["-m", "assistant.adapters.rasa_server"] and "--enable-api" in command
    assert TOKEN not in " ".join(command) and "--auth-token" not in command


def test_the_started_process_has_no_token_in_its_command_line():
    env = {**os.environ, "RASA_API_TOKEN": TOKEN, "RASA_TELEMETRY_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.adapters.rasa_server", "run", "--enable-api", "--help"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        cmdlines = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and process.poll() is None:
            try:
                cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
            except OSError:
                break
            if cmdline:  # empty once the process is a zombie
                cmdlines.append(cmdline)
            time.sleep(0.05)
        output, _ = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            process.kill()
    assert cmdlines, "the process ended before its command line could be read"
    assert all(TOKEN.encode() not in cmdline for cmdline in cmdlines)
    assert b"assistant.adapters.rasa_server" in cmdlines[0]
    assert process.returncode == 0, output[-2000:]
    assert b"--auth-token" in output  # Rasa's own help for `run`: Rasa did parse the arguments
    assert TOKEN.encode() not in output


def test_the_server_refuses_to_start_without_a_token():
    env = {k: v for k, v in os.environ.items() if k != "RASA_API_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.adapters.rasa_server", "run", "--enable-api"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "RASA_API_TOKEN" in result.stderr and result.stderr.count("\n") == 1
