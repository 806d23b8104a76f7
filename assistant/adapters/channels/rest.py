"""The chat channel (REST), with a contract: Rasa's ``rest`` connector, made safe for patients.

Rasa's connector joins a request without ``sender`` to the shared ``default``
conversation (one client heard another's recap with name and birth date), accepts any
sender id (over 100 characters, booking and hand-over failed on PostgreSQL), answers
500 to a JSON body that is not an object, trusts the client's ``input_channel`` and
``metadata`` (a chat client could pose as a phone call from a patient's number), and
returns an empty list when the dialogue fails. Here:

- the body is a JSON object of at most :data:`MAX_BODY_BYTES`, with ``sender`` (1–64
  characters among letters, digits and ``_ . : @ -``) and ``message`` (a string):
  otherwise 400 (413 over the size), with a French sentence, and nothing runs;
- ``input_channel`` is always ``rest`` and client metadata is ignored;
- every message goes through the turn guard (:mod:`.guard`): cleaned, size-limited,
  answered within the deadline, the emergency numbers given whatever fails;
- streaming is not offered (the guard needs the whole turn): ``?stream=true`` is 400.

Mounted by Rasa at ``/webhooks/rest/webhook``, like the connector it replaces.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters.channels.guard import GuardedInput, TurnGuard, process_guard
from assistant.core.model import Channel

log = logging.getLogger(__name__)

CHANNEL_NAME = "rest"
MAX_BODY_BYTES = 64 * 1024
SENDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$")

BAD_BODY = "La requête doit être un objet JSON avec « sender » et « message »."
BAD_SENDER = "« sender » doit compter de 1 à 64 caractères : lettres, chiffres, _ . : @ -."
BAD_MESSAGE = "« message » doit être un texte non vide."
TOO_LARGE = f"La requête dépasse {MAX_BODY_BYTES // 1024} Ko."
NO_STREAM = "Le mode « stream » n'est pas proposé : envoyez la requête sans ce paramètre."


class ChatRequestError(ValueError):
    """A request that breaks the channel's contract; the message is the French sentence the client gets."""

    def __init__(self, sentence: str, status: int = 400) -> None:
        super().__init__(sentence)
        self.status = status


def read_chat_request(body: bytes) -> tuple[str, str]:
    """(sender, message) from a request body, or :class:`ChatRequestError`. Pure."""
    if len(body) > MAX_BODY_BYTES:
        raise ChatRequestError(TOO_LARGE, status=413)
    try:
        payload = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ChatRequestError(BAD_BODY) from None
    if not isinstance(payload, dict):
        raise ChatRequestError(BAD_BODY)
    sender, message = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        raise ChatRequestError(BAD_SENDER)
    if not isinstance(message, str) or not message.strip():
        raise ChatRequestError(BAD_MESSAGE)
    return sender, message


class SafeRestInput(GuardedInput, RestInput):
    """See the module docstring."""

    channel_name = CHANNEL_NAME

    @classmethod
    def configured(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(process_guard())

    def __init__(self, guard: TurnGuard) -> None:
        self.guard = guard

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"{CHANNEL_NAME}_safe_webhook", __name__)

        @bp.listener("after_server_start")
        async def warm_up(_app: Any, _loop: Any) -> None:
            self.guard.start()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if request.args.get("stream"):
                return response.json({"error": NO_STREAM}, status=400)
            try:
                sender, text = read_chat_request(request.body or b"")
            except ChatRequestError as error:
                return response.json({"error": str(error)}, status=error.status)
            message = UserMessage(text, self.collector(), sender, input_channel=CHANNEL_NAME, metadata=None)
            turn = await self.guard.handle(on_new_message, message, Channel.CHAT)
            return response.json(turn.messages)

        return bp
