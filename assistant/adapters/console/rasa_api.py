"""What the console asks of the Rasa server, through its HTTP API (``--enable-api``, token ``RASA_API_TOKEN``).

- the transcript of a conversation, read from Rasa's tracker store (who said what: the patient,
  the assistant, or a secretary by name, from the metadata of her messages);
- a takeover: the ``pause`` event (Rasa then logs the patient's messages and predicts nothing,
  across restarts: the event is in the tracker store), the secretary's messages as ``bot`` events
  carrying ``{"secretary": name}``, and ``resume`` to hand the conversation back.

The token travels in the query string, as Rasa's API wants it; it is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=5)
PATIENT, ASSISTANT, SECRETARY = "patient", "assistant", "secretary"


class RasaUnavailable(Exception):
    """The Rasa server did not answer, or refused (the message says which, without the token)."""


@dataclass(frozen=True)
class Line:
    """One message of a conversation as the secretary reads it."""

    index: int  # position among the tracker's events (stable: the SSE stream resumes after it)
    speaker: str  # PATIENT, ASSISTANT or SECRETARY
    name: str  # "Patient", "Assistant", or the secretary's display name
    text: str
    at: datetime | None


def lines_from_events(events: list[dict[str, Any]]) -> list[Line]:
    """The readable messages of a tracker's events. Pure."""
    lines: list[Line] = []
    for index, event in enumerate(events):
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text.strip():
            continue
        stamp = event.get("timestamp")
        at = datetime.fromtimestamp(stamp, tz=timezone.utc) if isinstance(stamp, (int, float)) else None
        if kind == "user":
            lines.append(Line(index, PATIENT, "Patient", text, at))
            continue
        metadata = event.get("metadata") or {}
        secretary = metadata.get("secretary") if isinstance(metadata, dict) else None
        if isinstance(secretary, str) and secretary:
            lines.append(Line(index, SECRETARY, secretary, text, at))
        else:
            lines.append(Line(index, ASSISTANT, "Assistant", text, at))
    return lines


def is_paused(events: list[dict[str, Any]]) -> bool:
    """Whether the last of Rasa's pause/resume events (a restart resumes too) is a pause. Pure."""
    paused = False
    for event in events:
        kind = event.get("event")
        if kind == "pause":
            paused = True
        elif kind in ("resume", "restart"):
            paused = False
    return paused


class RasaApi:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token

    def _url(self, conversation_id: str, tail: str = "") -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker{tail}"

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        params = {"token": self._token, **kwargs.pop("params", {})}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.request(method, url, params=params, **kwargs) as answer,
            ):
                if answer.status >= 400:
                    raise RasaUnavailable(f"Rasa a répondu {answer.status}")
                return await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from None

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        tracker = await self._call("GET", self._url(conversation_id), params={"include_events": "ALL"})
        events = tracker.get("events") if isinstance(tracker, dict) else None
        return events if isinstance(events, list) else []

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        await self._call("POST", self._url(conversation_id, "/events"), json=events)

    async def pause(self, conversation_id: str, announcement: str, secretary: str) -> None:
        """The assistant keeps silent; the patient reads ``announcement`` (from the secretary)."""
        await self.append(
            conversation_id,
            [{"event": "pause"}, {"event": "bot", "text": announcement, "metadata": {"secretary": secretary}}],
        )

    async def say(self, conversation_id: str, text: str, secretary: str) -> None:
        await self.append(conversation_id, [{"event": "bot", "text": text, "metadata": {"secretary": secretary}}])

    async def resume(self, conversation_id: str, announcement: str, secretary: str) -> None:
        """The assistant answers again from where the conversation stands (its slots and forms are untouched)."""
        await self.append(
            conversation_id,
            [{"event": "bot", "text": announcement, "metadata": {"secretary": secretary}}, {"event": "resume"}],
        )
