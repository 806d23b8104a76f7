"""The action server and the Rasa server on free localhost ports, on a fresh demo agenda.

Used by the end-to-end tests and by the voice benchmark (bench/voice_bench.py): the same
start-up as a real deployment (same endpoints, credentials and environment variables),
only the ports, the databases and the clock are the caller's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.adapters.db.engine import create_agenda_engine

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server did not answer on {url}:\n{log.read_text()[-3000:]}")


def assistant_env(
    folder: Path, now: str = "2026-11-23T10:00", database: str | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a local deployment: its own stores in ``folder``, free ports, fresh tokens."""
    action_port = str(free_port())
    return {
        **os.environ,
        "ASSISTANT_DATABASE_URL": database or f"sqlite:///{folder / 'agenda.db'}",
        "ASSISTANT_NOW": now,
        "ASSISTANT_TRACKER_DB": str(folder / "tracker.db"),
        "ACTION_SERVER_TOKEN": uuid.uuid4().hex,
        "RASA_API_TOKEN": uuid.uuid4().hex,
        "ACTION_SERVER_PORT": action_port,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "RASA_PORT": str(free_port()),
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
        **(extra or {}),
    }


def demo_agenda(env: dict[str, str], practice_file: Path | None = None) -> list[str]:
    """Creates the demo practice's agenda in ``env``'s database, or ``practice_file``'s empty agenda; returns
    the admin command line."""
    cli = [sys.executable, "-m", "assistant.cli"]
    if practice_file is None:
        subprocess.run([*cli, "init", "--demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    else:
        subprocess.run([*cli, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run(
            [*cli, "practice", "load", str(practice_file)], cwd=ROOT, env=env, check=True, capture_output=True
        )
    return cli


@contextmanager
def running_servers(
    folder: Path,
    model: Path,
    now: str = "2026-11-23T10:00",
    credentials: Path = ROOT / "credentials.yml",
    endpoints: Path = ROOT / "endpoints.yml",
    extra_env: dict[str, str] | None = None,
    seeded: tuple[list[str], ...] = (),
    database: str | None = None,
    practice_file: Path | None = None,
) -> Iterator[dict[str, Any]]:
    """The action server and the Rasa server on free localhost ports, on a fresh demo agenda (or the empty
    agenda of ``practice_file``, which then also stands in when the database cannot be read).

    The yielded dict has ``url``, ``engine`` (the agenda), ``env``, ``logs`` and ``crash_and_restart_rasa``,
    which kills the Rasa server without warning and starts a new one on the same port and stores;
    ``kill_actions`` and ``restart_actions`` do the same for the action server, in two steps (fault tests);
    ``processes`` holds the current processes by name (``rasa``, ``actions``).
    """
    practice_env = {"ASSISTANT_PRACTICE_FILE": str(practice_file)} if practice_file is not None else {}
    env = assistant_env(folder, now, database, {**practice_env, **(extra_env or {})})
    cli = demo_agenda(env, practice_file)
    for booking in seeded:
        subprocess.run([*cli, "book", *booking, "--by", "e2e"], cwd=ROOT, env=env, check=True, capture_output=True)
    action_log, rasa_log = folder / "actions.log", folder / "rasa.log"
    actions = subprocess.Popen(
        [sys.executable, "-m", "assistant.adapters.action_server"],
        cwd=ROOT,
        env=env,
        stdout=action_log.open("w"),
        stderr=subprocess.STDOUT,
    )

    def start_rasa() -> subprocess.Popen:
        return subprocess.Popen(
            [
                # The entry point reads the API token from RASA_API_TOKEN: it is never on the command line.
                *(sys.executable, "-m", "assistant.adapters.rasa_server", "run", "--model", str(model)),
                *("--endpoints", str(endpoints), "--credentials", str(credentials)),
                *("--interface", "127.0.0.1", "--port", env["RASA_PORT"], "--enable-api"),
            ],
            cwd=ROOT,
            env=env,
            stdout=rasa_log.open("a"),
            stderr=subprocess.STDOUT,
        )

    processes = {"rasa": start_rasa(), "actions": actions}

    def crash_and_restart_rasa() -> None:
        processes["rasa"].kill()
        processes["rasa"].wait(timeout=30)
        processes["rasa"] = start_rasa()
        wait_for(f"http://127.0.0.1:{env['RASA_PORT']}/", processes["rasa"], rasa_log, 300)

    def kill_actions() -> None:
        processes["actions"].kill()
        processes["actions"].wait(timeout=30)

    def restart_actions() -> None:
        """Starts the action server again (same command, port and environment) after :func:`kill_actions`."""
        if processes["actions"].poll() is None:
            kill_actions()
        processes["actions"] = subprocess.Popen(
            processes["actions"].args, cwd=ROOT, env=env, stdout=action_log.open("a"), stderr=subprocess.STDOUT
        )
        wait_for(f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health", processes["actions"], action_log, 120)

    try:
        wait_for(f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health", actions, action_log, 120)
        wait_for(f"http://127.0.0.1:{env['RASA_PORT']}/", processes["rasa"], rasa_log, 300)
        engine = create_agenda_engine(env["ASSISTANT_DATABASE_URL"])
        yield {
            "url": f"http://127.0.0.1:{env['RASA_PORT']}",
            "engine": engine,
            "env": env,
            "logs": (action_log, rasa_log),
            "crash_and_restart_rasa": crash_and_restart_rasa,
            "kill_actions": kill_actions,
            "restart_actions": restart_actions,
            "processes": processes,
        }
        engine.dispose()
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def running_production(
    folder: Path,
    model: Path,
    database: str,
    stores: dict[str, str],
    rasa_servers: int = 2,
    action_servers: int = 2,
    sanic_workers: int = 1,
    now: str = "2026-11-23T10:00",
    credentials: Path = ROOT / "credentials.yml",
    seeded: tuple[list[str], ...] = (),
    served_by_header: bool = True,
    console: bool = True,
) -> Iterator[dict[str, Any]]:
    """The production profile (``assistant/production.py``: HAProxy, N Rasa and M action servers, the console) on
    free localhost ports, on a fresh demo agenda in ``database`` (PostgreSQL) and the tracker/lock stores of
    ``stores`` (``TRACKER_DB_*``, ``REDIS_*``).

    The yielded dict has ``url`` (the proxy's public front), ``console_url``, ``engine`` (the agenda), ``env``,
    ``stack`` (:class:`assistant.production.Stack`) and ``pids`` (each server's process id by name).
    """
    from assistant.production import Plan, running

    env = assistant_env(folder, now, database, stores)
    cli = demo_agenda(env)
    for booking in seeded:
        subprocess.run([*cli, "book", *booking, "--by", "e2e"], cwd=ROOT, env=env, check=True, capture_output=True)
    plan = Plan(
        rasa_ports=tuple(free_port() for _ in range(rasa_servers)),
        action_ports=tuple(free_port() for _ in range(action_servers)),
        proxy_port=free_port(),
        proxy_console_port=free_port(),
        rasa_api_port=int(env["RASA_PORT"]),
        action_port=int(env["ACTION_SERVER_PORT"]),
        console_port=free_port(),
        sanic_workers=sanic_workers,
        served_by_header=served_by_header,
        credentials=credentials,
        model=model,
        console=console,
    )
    with running(plan, env, folder / "production") as stack:
        engine = create_agenda_engine(database)
        try:
            yield {
                "url": stack.url,
                "console_url": stack.console_url,
                "engine": engine,
                "env": stack.env,
                "stack": stack,
                "pids": {name: process.pid for name, process in stack.processes.items()},
            }
        finally:
            engine.dispose()
