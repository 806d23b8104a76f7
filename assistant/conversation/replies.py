"""The catalogue of what the assistant says: reply id → French text, with channel variants.

The texts live in ``assistant/language/fr/replies_fr.yml``. An entry is a text, or ``text`` (written,
for the chat) with ``phone`` (spoken) and ``sms`` variants. A practice overrides any entry in its
practice file (``wording:``), with the same parameters; the practice file loader checks the ids and
parameters against this catalogue. No practice rewords the safety replies (``safety.*``, and any reply
that gives an emergency number: :mod:`assistant.core.wording`): their text is the catalogue's, always.

A decision names what to say as :class:`Reply` values (an id and its parameters); the actions turn
them into text with :func:`render`.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.core.model import Channel, Practice
from assistant.core.wording import is_protected

CATALOGUE = Path(__file__).resolve().parents[1] / "language" / "fr" / "replies_fr.yml"
VARIANTS = {Channel.PHONE: "phone", Channel.SMS: "sms"}


@dataclass(frozen=True)
class Reply:
    """Something to say: a reply id of the catalogue and its parameters."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)


def reply(reply_id: str, **params: Any) -> Reply:
    if reply_id not in catalogue():
        raise KeyError(f"unknown reply id {reply_id!r}")
    return Reply(reply_id, params)


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every reply id → its variants ("text", and "phone" or "sms" when they differ)."""
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    entries: dict[str, dict[str, str]] = {}
    for key, value in raw.items():
        entries[str(key)] = {"text": value} if isinstance(value, str) else {k: str(v) for k, v in value.items()}
    return entries


@functools.cache
def protected(reply_id: str) -> bool:
    """Whether no practice may reword ``reply_id`` (:func:`assistant.core.wording.is_protected`)."""
    texts = catalogue().get(reply_id, {}).values()
    return is_protected(reply_id, {name for text in texts for name in parameters(text)})


def parameters(text: str) -> set[str]:
    """The parameters a text uses ({name})."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def text_of(reply_id: str, channel: Channel | None = None, practice: Practice | None = None) -> str:
    """The template of ``reply_id`` for ``channel``: the practice's own phrase first (never for a safety
    reply), then the variant."""
    if practice is not None and not protected(reply_id):
        for phrase in practice.phrases:
            if phrase.id == reply_id:
                return phrase.text
    variants = catalogue()[reply_id]
    variant = VARIANTS.get(channel) if channel is not None else None
    return variants.get(variant or "text", variants["text"])


def say(reply_id: str, channel: Channel | None = None, practice: Practice | None = None, /, **params: Any) -> str:
    """The text of ``reply_id`` with its parameters filled in."""
    filled = {
        name: say(value.id, channel, practice, **value.params) if isinstance(value, Reply) else value
        for name, value in params.items()
    }
    return text_of(reply_id, channel, practice).format(**filled)


def render(replies: Iterable[Reply], channel: Channel | None = None, practice: Practice | None = None) -> str:
    """Several replies said as one message, separated by a space."""
    return " ".join(say(r.id, channel, practice, **r.params) for r in replies)
