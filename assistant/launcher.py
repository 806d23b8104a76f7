"""Start the whole assistant on this machine: model, action server, Rasa server, chat page.

    python -m assistant.launcher [--no-train] [--no-chat-page]

- Secrets: ``ACTION_SERVER_TOKEN`` and ``RASA_API_TOKEN`` come from the
  environment; when unset, random ones are generated once into
  ``var/secrets.env`` (git-ignored, mode 600) so restarts keep them.
- Model: ``rasa train`` runs only when the data, domain or config changed
  (Rasa compares fingerprints and keeps the old model otherwise).
- Servers: the action server and the Rasa server (REST channel, HTTP API
  behind a token) listen on 127.0.0.1 only; the launcher waits until both
  answer, prints where to chat, and stops both on Ctrl-C.
- Chat page: ``web/chat.html`` served on 127.0.0.1, talking to the REST channel (and its push channel for
  the secretary's messages); ``web/widget.js`` embeds it in a site with one script tag.
- Secretaries' console: ``python -m assistant.adapters.console`` on 127.0.0.1 (``ASSISTANT_CONSOLE_PORT``,
  8090), its address printed; accounts come from ``assistant secretary add`` (docs/console.md).
- SMS worker: ``assistant sms worker`` sends the confirmation SMS, started only
  when ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_SMS_NUMBER`` are
  set (otherwise confirmations wait in the outbox, see docs/sms.md).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
MODEL = ROOT / "models" / "cabinet.tar.gz"
SECRET_NAMES = ("ACTION_SERVER_TOKEN", "RASA_API_TOKEN")


def load_or_create_secrets(env: dict[str, str], path: Path = VAR / "secrets.env") -> dict[str, str]:
    """Fill missing tokens from ``path``, creating it with random tokens the first time."""
    stored: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                stored[key.strip()] = value.strip()
    changed = False
    for name in SECRET_NAMES:
        if not env.get(name):
            if not stored.get(name):
                stored[name] = secrets.token_urlsafe(32)
                changed = True
            env[name] = stored[name]
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in stored.items()), encoding="utf-8")
        path.chmod(0o600)
    return env


def server_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.setdefault("ACTION_SERVER_PORT", "5055")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ASSISTANT_TRACKER_DB", str(VAR / "tracker.db"))
    env.setdefault("ASSISTANT_CHAT_PORT", "8080")
    env.setdefault("ASSISTANT_CONSOLE_PORT", "8090")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SANIC_HOST", "127.0.0.1")
    return load_or_create_secrets(env)


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train_command() -> list[str]:
    """The one way the project trains its model (start command, evaluation, end-to-end tests)."""
    return [
        rasa_executable(),
        "train",
        "--data",
        "data",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--out",
        "models",
        "--fixed-model-name",
        "cabinet",
    ]


def train(env: dict[str, str]) -> None:
    """Train when needed (Rasa keeps the previous model when nothing changed)."""
    subprocess.run(train_command(), cwd=ROOT, env=env, check=True)


def start_action_server(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.adapters.action_server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def rasa_server_command(arguments: list[str]) -> list[str]:
    """``rasa run`` through the project's entry point (private logs, token from the environment)."""
    from assistant.adapters.rasa_server import server_command

    return server_command(arguments)


def start_rasa(env: dict[str, str], log_path: Path, model: Path = MODEL) -> subprocess.Popen[bytes]:
    log = log_path.open("ab")
    chat_origin = f"http://127.0.0.1:{env['ASSISTANT_CHAT_PORT']}"
    # The API token travels in the environment (RASA_API_TOKEN), never on the command line (ps).
    arguments = [
        "run",
        "--model",
        str(model),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--interface",
        "127.0.0.1",
        "--port",
        env["RASA_PORT"],
        "--enable-api",
        "--cors",
        chat_origin,
    ]
    command = rasa_server_command(arguments)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_console(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """The secretaries' console (its own process: a Sanic app on 127.0.0.1)."""
    log = log_path.open("ab")
    command = [sys.executable, "-m", "assistant.adapters.console"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_sms_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes] | None:
    """The confirmation SMS worker, or None when SMS is not configured (messages then wait, never lost)."""
    from assistant.settings import Settings

    if not Settings.from_env(env).sms_enabled:
        return None
    log = log_path.open("ab")
    command = [sys.executable, "-m", "assistant.cli", "sms", "worker"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start (exit {process.returncode}); see its log in var/")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{what} did not answer on {url} within {timeout:.0f} s")


def serve_chat_page(port: int, rasa_port: int) -> http.server.ThreadingHTTPServer:
    """The local chat page (static), on 127.0.0.1 only."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in ("/", "/index.html"):
                self.path = "/chat.html"
            if self.path == "/config.js":
                body = f"window.RASA_URL = 'http://127.0.0.1:{rasa_port}';\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/javascript")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(Handler, directory=str(ROOT / "web"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Démarre l'assistant (serveur d'actions, serveur Rasa, page de chat).")
    parser.add_argument(
        "--no-train", action="store_true", help="utiliser le modèle existant sans vérifier s'il faut réentraîner"
    )
    parser.add_argument("--no-chat-page", action="store_true")
    parser.add_argument("--no-console", action="store_true", help="ne pas démarrer la console du secrétariat")
    args = parser.parse_args(argv)
    env = server_environment()
    try:
        from assistant.settings import Settings

        Settings.from_env(env)
    except ValueError as error:  # SettingsError: one sentence naming the variable
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    VAR.mkdir(exist_ok=True)
    if not args.no_train or not MODEL.exists():
        print("Vérification du modèle (entraînement si les données ont changé)…", flush=True)
        train(env)
    actions = start_action_server(env, VAR / "action-server.log")
    rasa = start_rasa(env, VAR / "rasa-server.log")
    children = [actions, rasa]
    console = None if args.no_console else start_console(env, VAR / "console.log")
    if console is not None:
        children.append(console)
    sms_worker = start_sms_worker(env, VAR / "sms-worker.log")
    if sms_worker is not None:
        children.append(sms_worker)
        print("Envoi des SMS de confirmation : actif (journal var/sms-worker.log).", flush=True)

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()

    def stop_and_exit(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_and_exit)
    try:
        wait_until_up(f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health", actions, 120, "Le serveur d'actions")
        wait_until_up(f"http://127.0.0.1:{env['RASA_PORT']}/", rasa, 300, "Le serveur Rasa")
        print(f"Assistant prêt : API REST http://127.0.0.1:{env['RASA_PORT']}/webhooks/rest/webhook", flush=True)
        if not args.no_chat_page:
            serve_chat_page(int(env["ASSISTANT_CHAT_PORT"]), int(env["RASA_PORT"]))
            print(f"Page de chat : http://127.0.0.1:{env['ASSISTANT_CHAT_PORT']}/", flush=True)
        if console is not None:
            console_url = f"http://127.0.0.1:{env['ASSISTANT_CONSOLE_PORT']}/"
            wait_until_up(console_url + "login", console, 60, "La console du secrétariat")
            print(f"Console du secrétariat : {console_url} (comptes : assistant secretary add)", flush=True)
        print("Ctrl-C pour arrêter.", flush=True)
        restarts: list[float] = []
        while True:
            time.sleep(1)
            if actions.poll() is None and rasa.poll() is None and all(child.poll() is None for child in children):
                continue
            # A crashed server is started again: conversations live in the tracker store, so a patient
            # continues where the conversation was. More than 5 crashes in 10 minutes: give up loudly.
            restarts = [moment for moment in restarts if time.monotonic() - moment < 600]
            if len(restarts) >= 5 or (sms_worker is not None and sms_worker.poll() is not None):
                break
            restarts.append(time.monotonic())
            if rasa.poll() is not None:
                print(f"Le serveur Rasa s'est arrêté (code {rasa.returncode}) : redémarrage.", file=sys.stderr)
                children.remove(rasa)
                rasa = start_rasa(env, VAR / "rasa-server.log")
                children.append(rasa)
                wait_until_up(f"http://127.0.0.1:{env['RASA_PORT']}/", rasa, 300, "Le serveur Rasa")
            if console is not None and console.poll() is not None:
                print(f"La console s'est arrêtée (code {console.returncode}) : redémarrage.", file=sys.stderr)
                children.remove(console)
                console = start_console(env, VAR / "console.log")
                children.append(console)
            if actions.poll() is not None:
                print(f"Le serveur d'actions s'est arrêté (code {actions.returncode}) : redémarrage.", file=sys.stderr)
                children.remove(actions)
                actions = start_action_server(env, VAR / "action-server.log")
                children.append(actions)
                wait_until_up(
                    f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health", actions, 120, "Le serveur d'actions"
                )
        print("Un serveur s'arrête sans cesse ; voir ses journaux dans var/ (*.log).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
