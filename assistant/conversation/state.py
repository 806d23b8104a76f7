"""One typed state of the conversation, as the use cases read it.

Read from the tracker (and written back) by one adapter, ``actions/state_adapter.py``: nothing else
in the conversation layer knows that Rasa stores slots as JSON. Proposals and the choice are real
:class:`~assistant.core.model.Slot` objects, the time wish a real :class:`TimeWish`, the birth date a
real date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.core.model import Channel, Slot
from assistant.core.windows import TimeWish


@dataclass(frozen=True)
class Identity:
    """Who the patient says they are, and what the checks said."""

    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    verified: bool | None = None
    verified_patient_id: int | None = None
    failed_checks: int = 0


@dataclass(frozen=True)
class Triage:
    """What the red-flag rules found in the latest message (``assistant.core.triage``)."""

    category: str = "none"
    reasons: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    #: The categories of the rules that matched ("suicide" and "emergency": an overdose).
    rule_categories: tuple[str, ...] = ()
    #: The ids of the rules that matched.
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConversationState:
    """Everything a decision needs about the conversation so far."""

    channel: Channel = Channel.CHAT
    task: str | None = None  # "book", "move", "cancel", "check"
    motif: str | None = None  # a motif id of the practice (or the words said, until validated)
    practitioner: str | None = None  # a practitioner id, or "any"
    patient_status: str | None = None  # "new" or "existing"
    #: The time the patient asked for (None: not asked yet, or unreadable).
    time_wish: TimeWish | None = None
    #: The slots read out, and the one chosen among them.
    proposals: tuple[Slot, ...] = ()
    chosen: Slot | None = None
    #: The search found nothing at all (the slot choice form ends without a choice).
    nothing_available: bool = False
    #: A choice is stored, whatever it is (a slot, or nothing available): the search is over.
    choice_stored: bool = False
    identity: Identity = field(default_factory=Identity)
    appointment_id: int | None = None
    escalation_id: int | None = None
    emergency: bool = False
    failed_answers: dict[str, int] = field(default_factory=dict)
    active_form: str | None = None
    requested_slot: str | None = None
    #: The latest message: its text, intent, entities' names, and triage.
    text: str = ""
    intent: str | None = None
    #: The intents the NLU thought of, most likely first.
    intent_ranking: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    #: The latest message's entities as the NLU gave them (name, value, offsets in ``text``).
    entity_spans: tuple[Mapping[str, Any], ...] = ()
    triage: Triage = field(default_factory=Triage)
    caller_number: str = ""
    #: The caller named a relative the call is about ("pour mon fils"): "son rendez-vous".
    for_a_relative: bool = False
