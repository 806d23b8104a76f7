"""Tell the patient's push stream (``assistant.adapters.channels.chat_push``) that a secretary wrote, via Redis.

The message itself is in Rasa's tracker store; the notice only wakes the stream that serves the patient's
page, whichever Rasa process it runs in. Without Redis the stream polls the tracker store instead; a lost
notice costs a few seconds (the stream reads the store every few seconds anyway), never a message.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def push_channel(sender: str) -> str:
    """The Redis pub/sub channel of a conversation's notices."""
    return f"assistant:chat_push:{sender}"


class RedisPushNotifier:
    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None

    async def __call__(self, conversation_id: str) -> None:
        try:
            if self._client is None:
                import redis.asyncio as redis_asyncio

                self._client = redis_asyncio.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            await self._client.publish(push_channel(conversation_id), "1")
        except Exception as error:  # the stream polls anyway: the message arrives a few seconds later
            log.warning("console: push notice not published (%s)", type(error).__name__)


def notifier_from_env(env: dict[str, str]) -> RedisPushNotifier | None:
    """With ``REDIS_HOST`` (the production profile's Redis), notices go through it; otherwise none."""
    host = env.get("REDIS_HOST", "").strip()
    if not host:
        return None
    return RedisPushNotifier(f"redis://{host}:{env.get('REDIS_PORT', '6379').strip() or '6379'}")
