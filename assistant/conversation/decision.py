"""What a use case returns: the slots to change, what to say, what was not understood, what comes next."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.conversation.replies import Reply


@dataclass(frozen=True)
class Handover:
    """An escalation to open: why (for the secretary), its category and urgency, and what the patient hears first."""

    reason: str
    category: str
    urgency: str
    acknowledgement: str | None = None  # a reply id
    #: Whether the patient is told what happens next (a transfer, or when the secretariat will call back).
    announce: bool = True


#: The value of the practitioner slot when the patient lets anyone receive them ("peu importe").
ANY_PRACTITIONER = "any"
#: How the practitioner slot starts when the patient wants anyone but some ("un autre kiné"): every reader of a
#: practitioner reads it as :data:`ANY_PRACTITIONER`, the search as anyone but them (:func:`excluded_practitioners`).
ANYONE_BUT = "any-but:"


def anyone_but(practitioner_ids: Iterable[str]) -> str:
    """The practitioner slot's value for anyone but ``practitioner_ids``."""
    return ANYONE_BUT + ",".join(sorted({str(pid) for pid in practitioner_ids if pid}))


def excluded_practitioners(value: Any) -> tuple[str, ...]:
    """The practitioners a practitioner slot's value excludes (none but for :func:`anyone_but`'s)."""
    if not isinstance(value, str) or not value.startswith(ANYONE_BUT):
        return ()
    return tuple(pid for pid in value[len(ANYONE_BUT) :].split(",") if pid)


@dataclass(frozen=True)
class Decision:
    """A use case's decision, for the action to turn into events and messages.

    ``changes``: slot name → typed value (a slot, a time wish, a date; None empties it); ``said``: the
    replies to say first; ``failed``: the question whose answer was not understood (counted by the
    form: a hint, then the secretariat); ``follow``: the action or form that comes next; ``stop_form``:
    the form in progress ends; ``handover``: an escalation to open (after ``said``, before ``follow``).
    """

    changes: Mapping[str, Any] = field(default_factory=dict)
    said: tuple[Reply, ...] = ()
    failed: str | None = None
    follow: str | None = None
    stop_form: bool = False
    handover: Handover | None = None
    #: Slot changes made once the hand-over is recorded (it sets the callback number).
    after_handover: Mapping[str, Any] = field(default_factory=dict)
    #: The number the secretariat calls back, kept with the conversation's request before anything is said.
    callback_number: str | None = None


def not_understood(question: str) -> Decision:
    """The answer to ``question`` could not be understood: the slot stays empty."""
    return Decision({question: None}, failed=question)
