"""The patient's push channel: a secretary's messages reach the chat page without the patient writing.

The chat page (and its widget) keep the REST channel to send messages and read the assistant's
answers; they also open ``GET /webhooks/chat_push/stream?sender=…`` (server-sent events), which sends
every message a secretary wrote in the conversation (Rasa ``bot`` events whose metadata names her,
written by the console through Rasa's API) as soon as it is in the tracker store.

- Each message carries its tracker timestamp as the event id: ``EventSource`` sends it back as
  ``Last-Event-ID`` when it reconnects after a network cut, and the stream resumes after it, so
  nothing is lost nor shown twice. The first event (``ready``) gives the current time as the id,
  so that a cut before any message resumes from the connection, not from now. A page may also
  pass ``?after=<id>`` (a reload within the tab).
- The stream reads the tracker store every :data:`POLL_SECONDS`. With several Rasa processes the
  tracker store is shared (PostgreSQL in production), so whichever process serves the stream sees
  the messages whichever process recorded them; no Redis is needed for that (its cost: one tracker
  read per open chat page per interval). Streams end after :data:`STREAM_SECONDS`; the browser
  reconnects.
- The sender id is the patient's own random conversation id (the REST channel's contract): only
  secretary messages of that conversation are sent, never the assistant's nor the patient's.

Mounted by Rasa from the credentials (``assistant.adapters.channels.chat_push.ChatPushInput``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters.channels.rest import SENDER_ID

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
STREAM_SECONDS = 50.0


def secretary_messages(events: list[dict[str, Any]], after: float) -> list[dict[str, Any]]:
    """The secretary's messages (text, name, id) recorded after ``after`` (a tracker timestamp). Pure."""
    found = []
    for event in events:
        if event.get("event") != "bot" or not isinstance(event.get("text"), str):
            continue
        metadata = event.get("metadata") or {}
        name = metadata.get("secretary") if isinstance(metadata, dict) else None
        stamp = event.get("timestamp")
        if isinstance(name, str) and name and isinstance(stamp, (int, float)) and stamp > after:
            found.append({"id": repr(float(stamp)), "text": event["text"], "name": name})
    return found


async def tracker_events(request: Request, sender: str) -> list[dict[str, Any]]:
    """The conversation's events from the Rasa process's tracker store (empty when it has none)."""
    agent = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return []
    tracker = await store.retrieve_full_tracker(sender)
    if tracker is None:
        return []
    return [event.as_dict() for event in tracker.events]


class ChatPushInput(InputChannel):
    """See the module docstring; it receives nothing (messages go through the REST channel)."""

    @classmethod
    def name(cls) -> str:
        return "chat_push"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("chat_push_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/stream", methods=["GET"])
        async def stream(request: Request) -> HTTPResponse:
            sender = request.args.get("sender") or ""
            if not SENDER_ID.match(sender):
                return response.json({"error": "« sender » invalide."}, status=400)
            resume = request.headers.get("last-event-id") or request.args.get("after") or ""
            try:
                after = float(resume) if resume else time.time()
            except ValueError:
                after = time.time()
            answer = await request.respond(content_type="text/event-stream; charset=utf-8")
            await answer.send(f"retry: 1000\nid: {after!r}\nevent: ready\ndata: {{}}\n\n")
            loop = asyncio.get_running_loop()
            end = loop.time() + STREAM_SECONDS
            while loop.time() < end:
                try:
                    events = await tracker_events(request, sender)
                except Exception as error:  # the tracker store may be down a moment: the page keeps waiting
                    log.warning("chat push: tracker unreadable (%s)", type(error).__name__)
                    events = []
                for message in secretary_messages(events, after):
                    after = float(message["id"])
                    data = json.dumps({"text": message["text"], "name": message["name"]}, ensure_ascii=False)
                    await answer.send(f"id: {message['id']}\nevent: secretary\ndata: {data}\n\n")
                await asyncio.sleep(POLL_SECONDS)
            await answer.eof()
            return answer  # type: ignore[return-value]

        return bp
