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
- The tracker store is the one source of truth (shared by every Rasa process in production): the stream
  reads it for messages it has not sent. When it is read: without Redis, every :data:`POLL_SECONDS`;
  with Redis (``redis_url`` in the credentials, as in ``credentials.production.yml``), as soon as the
  console publishes on :func:`push_channel` that it wrote a message to this conversation (whichever
  Rasa process recorded it, whichever serves the stream), and every :data:`REDIS_FALLBACK_SECONDS`
  anyway (a lost notice costs a few seconds, never a message). Redis down: back to polling.
  Streams end after :data:`STREAM_SECONDS`; the browser reconnects.
- The sender id is the patient's own random conversation id (the REST channel's contract): only
  secretary messages of that conversation are sent, never the assistant's nor the patient's.

Mounted by Rasa from the credentials (``assistant.adapters.channels.chat_push.ChatPushInput``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters.channels.naming import NamedChannel
from assistant.adapters.channels.rest import SENDER_ID
from assistant.adapters.console.push import push_channel

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
REDIS_FALLBACK_SECONDS = 5.0
STREAM_SECONDS = 50.0


class Wakeups:
    """Waits until the conversation may have a new message: a Redis notice, or the next poll."""

    def __init__(self, redis_url: str = "") -> None:
        self.redis_url = redis_url
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None and self.redis_url:
            import redis.asyncio as redis_asyncio

            self._client = redis_asyncio.from_url(self.redis_url, socket_timeout=5, socket_connect_timeout=3)
        return self._client

    async def subscribe(self, sender: str) -> Any:
        """A subscription to the conversation's notices, or None (no Redis, or Redis down: polling)."""
        client = self.client()
        if client is None:
            return None
        try:
            pubsub = client.pubsub()
            await pubsub.subscribe(push_channel(sender))
            return pubsub
        except Exception as error:
            log.warning("chat push: Redis unavailable, polling instead (%s)", type(error).__name__)
            return None

    @staticmethod
    async def wait(subscription: Any) -> Any:
        """Return when a notice came or the interval passed; the subscription to keep (None: polling)."""
        if subscription is None:
            await asyncio.sleep(POLL_SECONDS)
            return None
        try:
            await subscription.get_message(ignore_subscribe_messages=True, timeout=REDIS_FALLBACK_SECONDS)
            return subscription
        except Exception as error:
            log.warning("chat push: Redis lost, polling instead (%s)", type(error).__name__)
            await Wakeups.close(subscription)
            return None

    @staticmethod
    async def close(subscription: Any) -> None:
        if subscription is not None:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
                await subscription.close()


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


class ChatPushInput(NamedChannel, InputChannel):
    """See the module docstring; it receives nothing (messages go through the REST channel)."""

    channel_name = "chat_push"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(str((credentials or {}).get("redis_url") or ""))

    def __init__(self, redis_url: str = "") -> None:
        self.wakeups = Wakeups(redis_url)

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
            subscription = await self.wakeups.subscribe(sender)  # before the first read: no notice is missed
            try:
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
                    subscription = await self.wakeups.wait(subscription)
            finally:
                await Wakeups.close(subscription)
            await answer.eof()
            return answer  # type: ignore[return-value]

        return bp
