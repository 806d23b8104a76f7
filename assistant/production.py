"""The production profile on one machine: HAProxy in front of N Rasa servers and M action servers.

    python -m assistant.production [--demo] [--no-console]      # or: bash scripts/start_production.sh
    python -m assistant.production --print-proxy-config          # the HAProxy configuration it would use

What it starts (every address on 127.0.0.1 except the proxy's, see ``ASSISTANT_PROXY_HOST``):

- **HAProxy** (Debian's ``haproxy``): the public front ``ASSISTANT_PROXY_PORT`` (8000) routes
  ``/webhooks/…`` (REST chat, its push stream, Twilio voice and SMS) to the Rasa servers, least
  connections first, and serves the chat page itself (``/``, ``/widget.js``, ``/config.js``); the
  console's front ``ASSISTANT_PROXY_CONSOLE_PORT`` (8001) leads to the secretaries' console. Two
  internal fronts on loopback balance the Rasa API (``RASA_PORT``, 5005: the console's transcripts and
  takeovers) and the action servers (``ACTION_SERVER_PORT``, 5055: Rasa's ``ACTION_SERVER_URL``). A
  dead server is taken out by the health checks within 4 s, and a request that could not reach one is
  sent to another.
- **N Rasa servers** (``ASSISTANT_RASA_SERVERS``, 2) on ``RASA_PORT+1…``, each with
  ``SANIC_WORKERS`` Sanic workers (1), all on ``endpoints.production.yml``: PostgreSQL tracker store,
  Redis lock store, so that any of them serves any message of any conversation.
- **M action servers** (``ASSISTANT_ACTION_SERVERS``, 2) on ``ACTION_SERVER_PORT+1…``: stateless,
  the agenda in PostgreSQL (``ASSISTANT_DATABASE_URL``).
- the secretaries' console, and the SMS worker when Twilio's SMS is configured.

Secrets come from the environment only (nothing is generated or written): ``ACTION_SERVER_TOKEN``,
``RASA_API_TOKEN``, the databases' passwords, Twilio's token. Before anything starts, PostgreSQL (the
agenda and the tracker store) and Redis are tried with a 3-second limit: when one does not answer,
one French sentence says which and where, and the exit code is 2. The Twilio signature is checked
against ``ASSISTANT_PUBLIC_URL`` + the path as received: the proxy forwards the path and query
string unchanged and never rewrites them, so signatures still validate behind it (X-Forwarded-*
headers are added for the logs, and are not trusted for the signature).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
WEB = ROOT / "web"
MODEL = ROOT / "models" / "cabinet.tar.gz"
PRODUCTION_ENDPOINTS = ROOT / "endpoints.production.yml"
PRODUCTION_CREDENTIALS = ROOT / "credentials.production.yml"

#: Variables endpoints.production.yml reads, with the defaults of .env.example (Rasa refuses a missing one).
STORE_DEFAULTS = {
    "TRACKER_DB_PORT": "5432",
    "TRACKER_DB_PASSWORD": "",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_LOCK_DB": "1",
    "REDIS_CALL_MEMORY_DB": "2",
}
REQUIRED = ("ACTION_SERVER_TOKEN", "RASA_API_TOKEN", "ASSISTANT_DATABASE_URL", "TRACKER_DB_HOST", "TRACKER_DB_NAME")
CHECK_SECONDS = 3


class ProductionError(RuntimeError):
    """The production profile cannot start: one French sentence saying what to do."""


@dataclass(frozen=True)
class Plan:
    """Where every piece of the profile listens (all on one machine)."""

    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    proxy_port: int = 8000
    proxy_console_port: int = 8001
    proxy_host: str = "127.0.0.1"
    rasa_api_port: int = 5005  # internal front: the Rasa API, balanced (the console uses it)
    action_port: int = 5055  # internal front: the action servers, balanced (ACTION_SERVER_URL)
    console_port: int = 8090
    sanic_workers: int = 1
    proxy_certificate: str = ""  # a PEM (certificate and key): the public fronts speak https
    served_by_header: bool = False  # X-Served-By: which Rasa server answered (tests, benchmark)
    credentials: Path = PRODUCTION_CREDENTIALS
    endpoints: Path = PRODUCTION_ENDPOINTS
    model: Path = MODEL
    console: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def public_url(self) -> str:
        scheme = "https" if self.proxy_certificate else "http"
        host = "127.0.0.1" if self.proxy_host in ("0.0.0.0", "::") else self.proxy_host
        return f"{scheme}://{host}:{self.proxy_port}"


def _count(env: Mapping[str, str], name: str, default: int, lowest: int) -> int:
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit() or not lowest <= int(text) <= 16:
        raise ProductionError(f"{name} doit être un nombre entier entre {lowest} et 16 (et non {text!r}).")
    return int(text)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ProductionError(f"{name} doit être un numéro de port (et non {text!r}).")
    return int(text)


def plan_from_env(env: Mapping[str, str]) -> Plan:
    rasa_servers = _count(env, "ASSISTANT_RASA_SERVERS", 2, 1)
    action_servers = _count(env, "ASSISTANT_ACTION_SERVERS", 2, 1)
    rasa_api_port = _port(env, "RASA_PORT", 5005)
    action_port = _port(env, "ACTION_SERVER_PORT", 5055)
    return Plan(
        rasa_ports=tuple(rasa_api_port + 1 + i for i in range(rasa_servers)),
        action_ports=tuple(action_port + 1 + i for i in range(action_servers)),
        proxy_port=_port(env, "ASSISTANT_PROXY_PORT", 8000),
        proxy_console_port=_port(env, "ASSISTANT_PROXY_CONSOLE_PORT", 8001),
        proxy_host=env.get("ASSISTANT_PROXY_HOST", "").strip() or "127.0.0.1",
        rasa_api_port=rasa_api_port,
        action_port=action_port,
        console_port=_port(env, "ASSISTANT_CONSOLE_PORT", 8090),
        sanic_workers=_count(env, "SANIC_WORKERS", 1, 1),
        proxy_certificate=env.get("ASSISTANT_PROXY_CERTIFICATE", "").strip(),
        credentials=Path(env.get("ASSISTANT_CREDENTIALS", "").strip() or PRODUCTION_CREDENTIALS),
    )


# --- the proxy ------------------------------------------------------------------------------------------------


def haproxy_config(plan: Plan, web: Path = WEB) -> str:
    """HAProxy's configuration for ``plan`` (HAProxy 2.6, Debian 12)."""
    ssl = f" ssl crt {plan.proxy_certificate}" if plan.proxy_certificate else ""
    rasa_servers = "".join(
        f"    server rasa{i + 1} 127.0.0.1:{port} check inter 2s fall 2 rise 1\n"
        for i, port in enumerate(plan.rasa_ports)
    )
    action_servers = "".join(
        f"    server actions{i + 1} 127.0.0.1:{port} check inter 2s fall 2 rise 1\n"
        for i, port in enumerate(plan.action_ports)
    )
    served_by = "    http-response set-header X-Served-By %[srv_name]\n" if plan.served_by_header else ""
    return f"""\
# Generated by assistant/production.py (python -m assistant.production --print-proxy-config): do not edit here,
# change the environment (ASSISTANT_RASA_SERVERS, ASSISTANT_ACTION_SERVERS, ports) or the generator.
global
    log stdout format raw local0 warning
    maxconn 4000
    nbthread 1

defaults
    mode http
    log global
    option httplog
    option dontlog-normal              # only errors are logged (no client addresses of normal requests)
    timeout connect 3s
    timeout client 60s
    timeout http-request 10s
    timeout queue 10s
    timeout server 30s                 # a turn is answered within the turn deadline + 4 s (at most 14 s)
    timeout tunnel 1h
    retries 2
    option redispatch                  # a server that refused the connection: the request goes to another

frontend public
    bind {plan.proxy_host}:{plan.proxy_port}{ssl}
    option forwardfor
    http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}
    http-request set-header X-Forwarded-Proto http if !{{ ssl_fc }}
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    # The chat page, served by the proxy itself; it talks to the same origin (config.js: RASA_URL empty).
    http-request return status 200 content-type "text/html; charset=utf-8" file {web / "chat.html"} if {{ path / /index.html /chat.html }} METH_GET
    http-request return status 200 content-type "application/javascript; charset=utf-8" file {web / "widget.js"} if {{ path /widget.js }} METH_GET
    http-request return status 200 content-type "application/javascript; charset=utf-8" string "window.RASA_URL = '';" if {{ path /config.js }} METH_GET
    # Twilio signs the URL it calls: path and query string go to Rasa exactly as received.
    use_backend rasa_streams if {{ path_beg /webhooks/chat_push/ }}
    use_backend rasa if {{ path_beg /webhooks/ }}
    default_backend not_found

frontend console
    bind {plan.proxy_host}:{plan.proxy_console_port}{ssl}
    option forwardfor
    http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}
    http-request set-header X-Forwarded-Proto http if !{{ ssl_fc }}
    default_backend console

frontend rasa_api_internal
    bind 127.0.0.1:{plan.rasa_api_port}
    default_backend rasa

frontend actions_internal
    bind 127.0.0.1:{plan.action_port}
    default_backend actions

backend rasa
    balance leastconn
    option httpchk GET /
{served_by}{rasa_servers}
backend rasa_streams
    balance leastconn
    timeout server 1h                  # server-sent events: the secretary's messages to the chat page
    option httpchk GET /
{rasa_servers}
backend actions
    balance leastconn
    option httpchk GET /health
{action_servers}
backend console
    timeout server 1h                  # server-sent events: the queue, live
    server console 127.0.0.1:{plan.console_port} check inter 5s

backend not_found
    http-request deny deny_status 404
"""


def haproxy_executable() -> str:
    found = shutil.which("haproxy") or next(
        (path for path in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(path).exists()), None
    )
    if not found:
        raise ProductionError(
            "HAProxy n'est pas installé : installez-le (apt-get install haproxy) ; "
            "scripts/start_production.sh le fait s'il le peut."
        )
    return found


def check_proxy_config(path: Path) -> None:
    checked = subprocess.run([haproxy_executable(), "-c", "-q", "-f", str(path)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ProductionError(f"La configuration de HAProxy est refusée : {(checked.stderr or checked.stdout)[-500:]}")


# --- the stores -------------------------------------------------------------------------------------------------


def production_environment(env: Mapping[str, str], plan: Plan) -> dict[str, str]:
    """The servers' environment: the caller's, the stores' defaults, and the internal addresses of ``plan``."""
    result = {**env, **plan.extra_env}
    for name, value in STORE_DEFAULTS.items():
        result.setdefault(name, value)
    result.setdefault("TRACKER_DB_USER", "postgres")
    result.setdefault("RASA_TELEMETRY_ENABLED", "false")
    result["SANIC_HOST"] = "127.0.0.1"
    result["ACTION_SERVER_URL"] = f"http://127.0.0.1:{plan.action_port}/webhook"
    result["RASA_PORT"] = str(plan.rasa_api_port)  # the console reaches the Rasa API through the proxy
    result["ASSISTANT_CONSOLE_PORT"] = str(plan.console_port)
    return result


def missing_settings(env: Mapping[str, str]) -> list[str]:
    return [name for name in REQUIRED if not env.get(name, "").strip()]


def check_stores(env: Mapping[str, str]) -> None:
    """PostgreSQL (agenda, tracker store) and Redis answer within :data:`CHECK_SECONDS`; otherwise ProductionError."""
    missing = missing_settings(env)
    if missing:
        raise ProductionError(
            f"Variables manquantes pour le profil de production : {', '.join(missing)} "
            "(les secrets viennent de l'environnement uniquement ; voir .env.example)."
        )
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        agenda = make_url(env["ASSISTANT_DATABASE_URL"])
    except ArgumentError:
        raise ProductionError("ASSISTANT_DATABASE_URL n'est pas une adresse de base de données.") from None
    if agenda.get_backend_name() != "postgresql":
        raise ProductionError(
            "Le profil de production garde l'agenda dans PostgreSQL : ASSISTANT_DATABASE_URL doit commencer par "
            "postgresql+psycopg2:// (SQLite, c'est le profil embarqué : scripts/start.sh)."
        )
    tracker = URL.create(
        "postgresql+psycopg2",
        username=env.get("TRACKER_DB_USER") or None,
        password=env.get("TRACKER_DB_PASSWORD") or None,
        host=env["TRACKER_DB_HOST"],
        port=int(env.get("TRACKER_DB_PORT") or 5432),
        database=env["TRACKER_DB_NAME"],
    )
    for what, url in (("l'agenda (ASSISTANT_DATABASE_URL)", agenda), ("les conversations (TRACKER_DB_*)", tracker)):
        engine = create_engine(url, connect_args={"connect_timeout": CHECK_SECONDS}, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
            raise ProductionError(
                f"PostgreSQL ne répond pas pour {what} sur {url.host}:{url.port or 5432}, base {url.database} : "
                f"{reason}. Démarrez-le ou corrigez l'adresse."
            ) from None
        finally:
            engine.dispose()
    import redis

    host, port = env["REDIS_HOST"], int(env["REDIS_PORT"])
    try:
        redis.Redis(host=host, port=port, socket_timeout=CHECK_SECONDS, socket_connect_timeout=CHECK_SECONDS).ping()
    except (redis.RedisError, OSError) as error:
        raise ProductionError(
            f"Redis ne répond pas sur {host}:{port} ({type(error).__name__}) : il garde les verrous des "
            "conversations et la mémoire des appels. Démarrez-le ou corrigez REDIS_HOST / REDIS_PORT."
        ) from None


# --- the processes ----------------------------------------------------------------------------------------------


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProductionError(f"{what} s'est arrêté au démarrage (code {process.returncode}) ; voir {log}.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise ProductionError(f"{what} ne répond pas sur {url} après {timeout:.0f} s ; voir {log}.")


def _wait_listening(host: str, port: int, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    """HAProxy accepts connections on its public front (https or not: a TCP connection is enough)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProductionError(f"HAProxy s'est arrêté au démarrage (code {process.returncode}) ; voir {log}.")
        try:
            with socket.create_connection((host, port), timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise ProductionError(f"HAProxy n'écoute pas sur le port {port} après {timeout:.0f} s ; voir {log}.")


@dataclass
class Stack:
    """The running profile: its processes by name, its public addresses, its environment."""

    plan: Plan
    env: dict[str, str]
    folder: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.plan.public_url

    @property
    def console_url(self) -> str:
        return self.plan.public_url.rsplit(":", 1)[0] + f":{self.plan.proxy_console_port}"

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self, name: str, command: list[str], extra: Mapping[str, str] | None = None) -> None:
        self.commands[name] = (command, dict(extra or {}))
        env = {**self.env, **(extra or {})}
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log(name).open("ab"), stderr=subprocess.STDOUT
        )

    def restart(self, name: str) -> None:
        self.start(name, *self.commands[name])

    def pids(self, prefix: str) -> list[int]:
        return [process.pid for name, process in self.processes.items() if name.startswith(prefix)]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def rasa_command(plan: Plan, port: int) -> list[str]:
    from assistant.adapters.rasa_server import server_command

    return server_command(
        [
            *("run", "--model", str(plan.model), "--endpoints", str(plan.endpoints)),
            *("--credentials", str(plan.credentials), "--interface", "127.0.0.1", "--port", str(port)),
            "--enable-api",
        ]
    )


@contextmanager
def running(plan: Plan, env: Mapping[str, str], folder: Path, check: bool = True) -> Iterator[Stack]:
    """Starts the profile (stores checked first), waits until every piece answers, stops it all at the end."""
    environment = production_environment(env, plan)
    if check:
        check_stores(environment)
    folder.mkdir(parents=True, exist_ok=True)
    proxy_config = folder / "haproxy.cfg"
    proxy_config.write_text(haproxy_config(plan), encoding="utf-8")
    check_proxy_config(proxy_config)
    stack = Stack(plan, environment, folder)
    python = sys.executable
    try:
        for i, port in enumerate(plan.action_ports):
            command = [python, "-m", "assistant.adapters.action_server"]
            stack.start(f"actions{i + 1}", command, {"ACTION_SERVER_PORT": str(port)})
        for i, port in enumerate(plan.rasa_ports):
            stack.start(f"rasa{i + 1}", rasa_command(plan, port), {"SANIC_WORKERS": str(plan.sanic_workers)})
        if plan.console:
            stack.start("console", [python, "-m", "assistant.adapters.console"])
        from assistant.settings import Settings

        if Settings.from_env(environment).sms_enabled:
            stack.start("sms-worker", [python, "-m", "assistant.cli", "sms", "worker"])
        for i, port in enumerate(plan.action_ports):
            name = f"actions{i + 1}"
            _wait(
                f"http://127.0.0.1:{port}/health", stack.processes[name], 120, "Un serveur d'actions", stack.log(name)
            )
        for i, port in enumerate(plan.rasa_ports):
            name = f"rasa{i + 1}"
            _wait(f"http://127.0.0.1:{port}/", stack.processes[name], 600, "Un serveur Rasa", stack.log(name))
        if plan.console:
            _wait(
                f"http://127.0.0.1:{plan.console_port}/login",
                stack.processes["console"],
                60,
                "La console",
                stack.log("console"),
            )
        # The proxy last, once every server answers: its first health checks find them up.
        stack.start("haproxy", [haproxy_executable(), "-db", "-f", str(proxy_config)])
        host = urllib.parse.urlsplit(plan.public_url).hostname or "127.0.0.1"
        _wait_listening(host, plan.proxy_port, stack.processes["haproxy"], 30, stack.log("haproxy"))
        yield stack
    finally:
        stack.stop()


def supervise(stack: Stack) -> int:
    """Restarts a server that stopped (the proxy sends its requests elsewhere meanwhile); gives up after 5 in 10 min."""
    restarts: list[float] = []
    while True:
        time.sleep(1)
        stopped = [name for name, process in stack.processes.items() if process.poll() is not None]
        if not stopped:
            continue
        restarts = [moment for moment in restarts if time.monotonic() - moment < 600]
        if len(restarts) >= 5 or "haproxy" in stopped:
            print(f"Arrêt : {', '.join(stopped)} s'arrête sans cesse ; voir {stack.folder}/*.log.", file=sys.stderr)
            return 1
        for name in stopped:
            code = stack.processes[name].returncode
            print(f"{name} s'est arrêté (code {code}) : redémarrage.", file=sys.stderr, flush=True)
            restarts.append(time.monotonic())
            stack.restart(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Démarre le profil de production sur cette machine : HAProxy, N serveurs Rasa, M serveurs "
        "d'actions, la console (PostgreSQL et Redis doivent répondre)."
    )
    parser.add_argument(
        "--demo", action="store_true", help="charger le cabinet de démonstration (assistant init --demo)"
    )
    parser.add_argument("--no-console", action="store_true", help="ne pas démarrer la console du secrétariat")
    parser.add_argument(
        "--print-proxy-config", action="store_true", help="afficher la configuration de HAProxy et s'arrêter"
    )
    args = parser.parse_args(argv)
    try:
        plan = plan_from_env(os.environ)
        if args.no_console:
            plan = dataclasses.replace(plan, console=False)
        if args.print_proxy_config:
            print(haproxy_config(plan), end="")
            return 0
        environment = production_environment(os.environ, plan)
        check_stores(environment)
        if not plan.model.exists():
            raise ProductionError(f"Pas de modèle {plan.model} : entraînez-le d'abord (make start ou rasa train).")
        from assistant.settings import Settings

        Settings.from_env(environment)
        init = [sys.executable, "-m", "assistant.cli", "init", *(["--demo"] if args.demo else [])]
        subprocess.run(init, cwd=ROOT, env=environment, check=True)
        print(
            f"Démarrage : {len(plan.rasa_ports)} serveur(s) Rasa × {plan.sanic_workers} worker(s), "
            f"{len(plan.action_ports)} serveur(s) d'actions, HAProxy…",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with running(plan, os.environ, VAR / "production", check=False) as stack:
            print(f"Assistant prêt : {stack.url}/ (page de chat), {stack.url}/webhooks/… (REST, Twilio)", flush=True)
            if plan.console:
                print(f"Console du secrétariat : {stack.console_url}/", flush=True)
            print(f"Journaux : {stack.folder}/*.log. Ctrl-C pour arrêter.", flush=True)
            return supervise(stack)
    except ProductionError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # SettingsError: one sentence naming the variable
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"Erreur : la préparation de la base a échoué (code {error.returncode}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
