"""The custom-action server, hardened: localhost by default, a shared token, no tracker echo.

rasa-sdk's server listens on every interface, accepts any caller, and answers an
unexpected exception with ``{"error": ..., "request_body": <the tracker>}`` —
the patient's messages, name and birth date — after logging the exception. Here
the same app is built from rasa-sdk, then:

- every call to ``/webhook`` and ``/actions`` must carry the shared token
  (``Authorization: Bearer <token>``, as ``endpoints.yml`` sends it), compared
  in constant time; otherwise 401, and nothing runs;
- the exception handler answers ``{"error": "internal error"}`` and logs the
  exception type only;
- it binds to 127.0.0.1 unless told otherwise.

Run it with ``python -m assistant.adapters.action_server``.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from dataclasses import dataclass

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

PROTECTED_PATHS = ("/webhook", "/actions")
MIN_TOKEN_LENGTH = 16


class ActionServerConfigError(ValueError):
    """The action server cannot start with this configuration."""


@dataclass(frozen=True)
class ActionServerSettings:
    token: str
    host: str = "127.0.0.1"
    port: int = 5055

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ActionServerSettings:
        env = os.environ if environ is None else environ
        token = env.get("ACTION_SERVER_TOKEN", "").strip()
        if len(token) < MIN_TOKEN_LENGTH:
            raise ActionServerConfigError(
                f"ACTION_SERVER_TOKEN must be set to a secret of at least {MIN_TOKEN_LENGTH} characters "
                "(the Rasa server sends it; see endpoints.yml and .env.example)."
            )
        port_text = env.get("ACTION_SERVER_PORT", "5055").strip() or "5055"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ActionServerConfigError(f"ACTION_SERVER_PORT must be a port number, not {port_text!r}.")
        return cls(
            token=token, host=env.get("ACTION_SERVER_HOST", "127.0.0.1").strip() or "127.0.0.1", port=int(port_text)
        )


def supplied_token(request: Request) -> str:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return request.headers.get("x-action-token", "").strip()


def create_action_app(settings: ActionServerSettings, package: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app

    app = create_app(package, cors_origins=[])
    expected = settings.token.encode()

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path.rstrip("/") in PROTECTED_PATHS and not hmac.compare_digest(
            supplied_token(request).encode(), expected
        ):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    async def contained_error(request: Request, exception: Exception) -> HTTPResponse:
        log.error("action server error on %s: %s", request.path, type(exception).__name__)
        return response.json({"error": "internal error"}, status=500)

    # Replace rasa-sdk's handler, which would echo the request body (the tracker).
    app.error_handler.add(Exception, contained_error)
    return app


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("ASSISTANT_LOG_LEVEL", "INFO").upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = ActionServerSettings.from_env()
    except ActionServerConfigError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    app = create_action_app(settings)
    log.info("action server on http://%s:%s", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
