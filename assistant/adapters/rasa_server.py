"""Start ``rasa run`` in this process, with private logs and the API token kept off the command line.

    RASA_API_TOKEN=… python -m assistant.adapters.rasa_server run --model … --enable-api …

(the leading ``run`` is optional). Before Rasa starts:

- :func:`assistant.adapters.privacy_logs.install` makes every log line of the
  process redacted. Rasa then configures logging itself (``basicConfig``,
  coloredlogs, ``structlog.configure``): the redaction lives in the log record
  factory and in a wrapper of ``structlog.configure``, which Rasa does not replace,
  so it survives that;
- the API token is read from ``RASA_API_TOKEN`` and added as ``--auth-token`` to
  ``sys.argv`` inside the process only: it never appears in ``/proc/<pid>/cmdline``
  nor in ``ps``. With ``--enable-api`` and no token, the server refuses to start;
  a token given on the command line is refused too;
- :func:`configure_runtime` applies the project's other start-up settings;
- :func:`assistant.adapters.lean_model_loading.install` loads the model for serving only (spaCy once,
  no training step): about 0.9 GB less per process, the same predictions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence

from assistant.adapters import privacy_logs

TOKEN_VARIABLE = "RASA_API_TOKEN"
MIN_TOKEN_LENGTH = 16


class RasaServerConfigError(ValueError):
    """The Rasa server cannot start with these arguments or this environment."""


#: Largest request body the Rasa process reads (Sanic's default is 100 MB): chat messages are a few
#: kilobytes and the REST channel refuses more than 64 KiB; the HTTP API's bodies are small too.
MAX_REQUEST_BYTES = 1024 * 1024


def configure_runtime(env: MutableMapping[str, str]) -> None:
    """Start-up settings of the Rasa process, applied before Rasa starts (keep it small).

    The project's settings are validated here, so that a wrong deadline stops the server at start
    with the variable's name (raises :class:`~assistant.settings.SettingsError`).
    """
    from assistant.settings import Settings

    Settings.from_env(dict(env))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_REQUEST_BYTES))


def rasa_arguments(arguments: Sequence[str], env: MutableMapping[str, str]) -> list[str]:
    """``rasa run`` arguments, with the token from ``env`` when the API is enabled."""
    args = list(arguments)
    if args[:1] != ["run"]:
        args = ["run", *args]
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") or arg == "-t" for arg in args):
        raise RasaServerConfigError(
            f"Le jeton de l'API ne doit pas être passé en argument (visible dans ps) : mettez-le dans {TOKEN_VARIABLE}. "
            f"/ The API token must not be given on the command line: set {TOKEN_VARIABLE}."
        )
    if "--enable-api" in args:
        token = env.get(TOKEN_VARIABLE, "").strip()
        if len(token) < MIN_TOKEN_LENGTH:
            raise RasaServerConfigError(
                f"L'API Rasa est activée sans jeton : définissez {TOKEN_VARIABLE} "
                f"(au moins {MIN_TOKEN_LENGTH} caractères). "
                f"/ The Rasa API is enabled without a token: set {TOKEN_VARIABLE}."
            )
        args += ["--auth-token", token]
    return args


def server_command(arguments: Sequence[str], python: str | None = None) -> list[str]:
    """The command line that starts the Rasa server (it carries no secret)."""
    return [python or sys.executable, "-m", "assistant.adapters.rasa_server", *arguments]


def main(argv: Sequence[str] | None = None) -> int:
    env = os.environ
    privacy_logs.install(env.get("ASSISTANT_LOG_LEVEL", "INFO"))
    try:
        args = rasa_arguments(sys.argv[1:] if argv is None else argv, env)
    except RasaServerConfigError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    try:
        configure_runtime(env)
    except ValueError as error:  # SettingsError: one sentence naming the variable
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    from assistant.adapters import lean_model_loading

    lean_model_loading.install()

    sys.argv = ["rasa", *args]  # in this process's memory only, not in /proc/<pid>/cmdline
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
