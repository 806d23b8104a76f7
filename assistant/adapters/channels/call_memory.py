"""What the phone line remembers between two HTTP requests of one call.

Twilio calls the channel once per turn, and a few things must survive from one
request to the next: the question to repeat after a silence, and the summary
the secretary hears (the whisper) when a call is transferred. They live a few
hours at most and are never the source of truth (the conversation is in the
tracker store, the request in the escalation table).

Two stores share one interface:

- :class:`InProcessCallMemory`, the default: a bounded dictionary in the Rasa
  process. Enough for one process per line; with several processes, a call's
  requests must reach the process that holds its memory.
- :class:`RedisCallMemory` (credential ``call_memory_url``): shared by every
  Rasa process, so any process can serve any request of a call. Keys expire
  with the call's lifetime; a Redis failure costs the repeat or the whisper
  (generic texts are said instead), never the call, and is logged without
  content (a whisper summary is patient data).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import redis
import redis.asyncio

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 4 * 3600  # longer than any call


@dataclass(frozen=True)
class Handover:
    """A transfer to the secretariat: which request it is, and what the secretary hears first."""

    escalation_id: int | None
    spoken_summary: str = ""
    urgency: str = "routine"


class CallMemory(Protocol):
    """Asynchronous, because the channel serves Twilio from Rasa's event loop: a store on the network
    must never block it."""

    async def remember_prompt(self, call_sid: str, text: str) -> None: ...

    async def prompt(self, call_sid: str) -> str | None: ...

    async def remember_handover(self, call_sid: str, handover: Handover) -> None: ...

    async def handover(self, escalation_id: int, parent_call_sid: str) -> Handover | None:
        """The handover of ``escalation_id``, only for the call that asked for it."""
        ...

    async def forget(self, call_sid: str) -> None: ...


# --- one process -------------------------------------------------------------------------------------


@dataclass
class _Stored:
    value: Any
    call_sid: str
    at: float


class InProcessCallMemory:
    """The call memory in this process's RAM, bounded in size and age."""

    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS, max_entries: int = 5000) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._prompts: dict[str, _Stored] = {}
        self._handovers: dict[int, _Stored] = {}

    async def remember_prompt(self, call_sid: str, text: str) -> None:
        self._put(self._prompts, call_sid, _Stored(text, call_sid, time.monotonic()))

    async def prompt(self, call_sid: str) -> str | None:
        stored = self._fresh(self._prompts, call_sid)
        return None if stored is None else str(stored.value)

    async def remember_handover(self, call_sid: str, handover: Handover) -> None:
        if handover.escalation_id is not None:
            self._put(self._handovers, handover.escalation_id, _Stored(handover, call_sid, time.monotonic()))

    async def handover(self, escalation_id: int, parent_call_sid: str) -> Handover | None:
        stored = self._fresh(self._handovers, escalation_id)
        if stored is None or stored.call_sid != parent_call_sid:
            return None
        handover: Handover = stored.value
        return handover

    async def forget(self, call_sid: str) -> None:
        self._prompts.pop(call_sid, None)
        for key in [key for key, stored in self._handovers.items() if stored.call_sid == call_sid]:
            del self._handovers[key]

    def _fresh(self, table: dict[Any, _Stored], key: Any) -> _Stored | None:
        stored = table.get(key)
        if stored is None or time.monotonic() - stored.at > self.ttl_seconds:
            table.pop(key, None)
            return None
        return stored

    def _put(self, table: dict[Any, _Stored], key: Any, stored: _Stored) -> None:
        table.pop(key, None)
        table[key] = stored
        now = time.monotonic()
        for old_key in [k for k, v in table.items() if now - v.at > self.ttl_seconds]:
            del table[old_key]
        while len(table) > self.max_entries:
            del table[next(iter(table))]


# --- shared by every process -----------------------------------------------------------------------


class CallMemoryUnavailable(Exception):
    """Redis does not answer at start: the channel refuses to start rather than lose whispers later."""


class RedisCallMemory:
    """The call memory in Redis, shared by every Rasa process that serves the line.

    Each call touches Redis a few times per turn over a local network, without
    blocking the event loop (``redis.asyncio``); the timeouts are short so that
    a stalled Redis delays a turn by a fraction of a second, not by Twilio's
    15-second webhook limit.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        key_prefix: str = "cabinet:voice",
    ) -> None:
        self.client = client
        self.ttl_seconds = int(ttl_seconds)
        self.key_prefix = key_prefix

    @classmethod
    def from_url(
        cls, url: str, ttl_seconds: int = DEFAULT_TTL_SECONDS, timeout_seconds: float = 0.5
    ) -> RedisCallMemory:
        """Check that Redis answers (raises :class:`CallMemoryUnavailable`, naming the host only), then connect.

        Called at start, before any event loop runs: the check is synchronous, the
        asynchronous client connects on first use in the server's loop.
        """
        options: dict[str, Any] = {
            "socket_timeout": timeout_seconds,
            "socket_connect_timeout": timeout_seconds,
            "decode_responses": True,
        }
        probe = redis.Redis.from_url(url, **options)
        try:
            probe.ping()
        except redis.RedisError as error:
            raise CallMemoryUnavailable(
                f"Redis at {redis_location(url)} does not answer ({type(error).__name__})"
            ) from None
        finally:
            probe.close()
        return cls(redis.asyncio.Redis.from_url(url, **options), ttl_seconds)

    def _key(self, *parts: str | int) -> str:
        return ":".join([self.key_prefix, *(str(part) for part in parts)])

    async def remember_prompt(self, call_sid: str, text: str) -> None:
        await self._safely("remember_prompt", self.client.set(self._key("prompt", call_sid), text, ex=self.ttl_seconds))

    async def prompt(self, call_sid: str) -> str | None:
        value = await self._safely("prompt", self.client.get(self._key("prompt", call_sid)))
        return None if value is None else str(value)

    async def remember_handover(self, call_sid: str, handover: Handover) -> None:
        if handover.escalation_id is None:
            return
        record = json.dumps(
            {"call_sid": call_sid, "spoken_summary": handover.spoken_summary, "urgency": handover.urgency},
            ensure_ascii=False,
        )
        index = self._key("handovers", call_sid)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(self._key("handover", handover.escalation_id), record, ex=self.ttl_seconds)
        pipe.sadd(index, str(handover.escalation_id))
        pipe.expire(index, self.ttl_seconds)
        await self._safely("remember_handover", pipe.execute())

    async def handover(self, escalation_id: int, parent_call_sid: str) -> Handover | None:
        raw = await self._safely("handover", self.client.get(self._key("handover", escalation_id)))
        if raw is None:
            return None
        try:
            record = json.loads(raw)
        except ValueError:
            log.warning("call memory: unreadable handover record for escalation %s", escalation_id)
            return None
        if not isinstance(record, dict) or record.get("call_sid") != parent_call_sid:
            return None
        return Handover(
            escalation_id=escalation_id,
            spoken_summary=str(record.get("spoken_summary") or ""),
            urgency=str(record.get("urgency") or "routine"),
        )

    async def forget(self, call_sid: str) -> None:
        index = self._key("handovers", call_sid)
        ids = await self._safely("forget", self.client.smembers(index)) or set()
        keys = [self._key("prompt", call_sid), index, *(self._key("handover", i) for i in ids)]
        await self._safely("forget", self.client.delete(*keys))

    async def _safely(self, operation: str, command: Awaitable[Any]) -> Any:
        try:
            return await command
        except (redis.RedisError, OSError) as error:
            log.warning("call memory: Redis failed during %s (%s)", operation, type(error).__name__)
            return None


def redis_location(url: str) -> str:
    """``host:port/db`` of a Redis URL, without user or password (safe to log and to show)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = parts.port or 6379
    return f"{host}:{port}{parts.path or ''}"


def is_redis_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"redis", "rediss"} and bool(parts.hostname)
