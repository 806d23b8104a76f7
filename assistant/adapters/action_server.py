"""The custom-action server, hardened: localhost by default, a shared token, no tracker echo.

rasa-sdk's server listens on every interface, accepts any caller, and answers an
unexpected exception with ``{"error": ..., "request_body": <the tracker>}`` —
the patient's messages, name and birth date — after logging the exception. Here
the same app is built from rasa-sdk, then:

- every call to ``/webhook`` and ``/actions`` must carry the shared token
  (``Authorization: Bearer <token>``, as ``endpoints.yml`` sends it), compared
  in constant time; otherwise 401, and nothing runs;
- a client's mistake gets its 4xx (see :func:`create_action_app`), never a 500;
  the exception handler answers a bug with ``{"error": "internal error"}`` and
  logs the exception type only;
- every action runs inside :func:`assistant.adapters.privacy_logs.sensitive` with
  the latest message and the slot values, and every log line of the process is
  redacted (:func:`assistant.adapters.privacy_logs.install`);
- it binds to 127.0.0.1 unless told otherwise.

Run it with ``python -m assistant.adapters.action_server``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sys
import zlib
from dataclasses import dataclass
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters import privacy_logs

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


#: A tracker is a few tens of kilobytes; anything above this is refused with 413.
MAX_BODY_BYTES = 1_000_000

ERROR_TEXTS = {
    400: "bad request",
    401: "unauthorized",
    404: "not found",
    405: "method not allowed",
    413: "request too large",
}


class BadActionCall(ValueError):
    """The body of a /webhook call is not an action call (400)."""


def read_action_call(request: Request) -> dict[str, Any]:
    """The action call of ``request``, checked enough that a client's mistake never reaches the executor.

    Raises :class:`BadActionCall` (400) or Sanic's ``PayloadTooLarge`` (413).
    """
    body = request.body or b""
    if request.headers.get("content-encoding", "").lower() == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_BODY_BYTES)
        except zlib.error as error:
            raise BadActionCall("body is not deflate data") from error
        if inflater.unconsumed_tail:
            raise PayloadTooLarge("request too large")
    try:
        call = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadActionCall("body is not JSON") from error
    if not isinstance(call, dict):
        raise BadActionCall("body is not a JSON object")
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        raise BadActionCall("next_action is missing")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        raise BadActionCall("tracker is missing")
    shapes: dict[str, tuple[type, ...]] = {
        "slots": (dict,),
        "latest_message": (dict, type(None)),
        "events": (list,),
        "active_loop": (dict, type(None)),
    }
    for key, types in shapes.items():
        if key in tracker and not isinstance(tracker[key], types):
            raise BadActionCall(f"tracker.{key} has the wrong type")
    if not isinstance(call.get("domain", {}), dict):
        raise BadActionCall("domain has the wrong type")
    return call


def tracker_texts(tracker: dict[str, Any]) -> list[str]:
    """The latest message's text and the slots' string values: what a log line must not show."""
    texts: list[str] = []
    latest = tracker.get("latest_message") or {}
    if isinstance(latest.get("text"), str):
        texts.append(latest["text"])
    for value in (tracker.get("slots") or {}).values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(item for item in value if isinstance(item, str))
    return texts


def create_action_app(settings: ActionServerSettings, package: str = "actions") -> Sanic:
    """The action server: rasa-sdk's executor behind our routes, token check and error answers.

    The routes are ours rather than ``rasa_sdk.endpoint.create_app``'s: its webhook
    answers 500 to a body that is not an action call, and its error handler echoes
    the tracker. Answers: 401 without the token; 400 for a body that is not a JSON
    object with ``next_action`` and ``tracker``; 404 for an unknown path or action;
    405 for a wrong method; 413 above :data:`MAX_BODY_BYTES`; 500 only for a bug,
    with no detail.
    """
    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    app = Sanic("cabinet_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    executor = ActionExecutor()
    executor.register_package(package)
    expected = settings.token.encode()

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path.rstrip("/") in PROTECTED_PATHS and not hmac.compare_digest(
            supplied_token(request).encode(), expected
        ):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        try:
            call = read_action_call(request)
        except BadActionCall as error:
            log.info("action call refused: %s", error)
            return response.json({"error": "bad request", "detail": str(error)}, status=400)
        utils.check_version_compatibility(call.get("version"))
        with privacy_logs.sensitive(*tracker_texts(call["tracker"])):
            try:
                result = await executor.run(call)
            except ActionExecutionRejection as error:
                log.info("action %s rejected the call", error.action_name)
                return response.json({"error": "action rejected", "action_name": error.action_name}, status=400)
            except ActionNotFoundException as error:
                log.warning("unknown action %s", error.action_name)
                return response.json({"error": "unknown action", "action_name": error.action_name}, status=404)
        return response.json(result)

    async def contained_error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException) and 400 <= (exception.status_code or 500) < 500:
            # A client's mistake (unknown path, wrong method, body too large…): its status, no echo.
            status = exception.status_code
            return response.json({"error": ERROR_TEXTS.get(status, "client error")}, status=status)
        log.error("action server error on %s: %s", request.path, type(exception).__name__)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, contained_error)
    return app


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("ASSISTANT_LOG_LEVEL", "INFO").upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    privacy_logs.install(os.environ.get("ASSISTANT_LOG_LEVEL", "INFO"))
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
