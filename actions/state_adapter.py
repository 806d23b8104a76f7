"""The only place that reads the tracker into the conversation's typed state, and writes changes back.

Rasa keeps slots as JSON: slots as dicts, the time wish as a serialised :class:`TimeWish`, dates as
ISO text, ids as floats. :func:`read_state` turns them into :class:`ConversationState`;
:func:`slot_events` turns typed changes back into ``SlotSet`` events. The conversation's history
(the transcript for the secretary, the latest emergency, what the assistant said last, the messages
not understood in a row, the answers since a form started) is read here too, never in an action.
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from assistant.conversation.state import ConversationState, Identity, Triage
from assistant.core.model import Channel, Slot
from assistant.core.triage import load_triage_rules
from assistant.core.windows import TimeWish
from assistant.dialogue.failures import failure_counts
from assistant.dialogue.state import slot_to_dict, slots_from_value
from assistant.language.fr.requests import asks_to_repeat, is_hold_on
from assistant.language.fr.time_wishes import from_serializable, to_serializable

log = logging.getLogger(__name__)

CHANNELS = {
    "twilio_voice": Channel.PHONE,
    "phone": Channel.PHONE,
    "voice": Channel.PHONE,
    "twilio": Channel.SMS,
    "sms": Channel.SMS,
}


def channel_of(tracker: Tracker) -> Channel:
    """The patient's channel for the audit trail and the wording (phone, SMS or chat)."""
    name = (tracker.get_latest_input_channel() or "").lower()
    for key, channel in CHANNELS.items():
        if key in name:
            return channel
    return Channel.CHAT


def slot_date(tracker: Tracker, name: str) -> date | None:
    """A date slot (ISO text) as a date, or None when unset or unreadable."""
    value = tracker.get_slot(name)
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def latest_text(tracker: Tracker) -> str:
    """The text of the patient's latest message ("" when there is none)."""
    return str(tracker.latest_message.get("text") or "")


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def caller_number(tracker: Tracker) -> str:
    """The caller's number when the channel gives one (phone metadata), else ""."""
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("caller") or metadata.get("from") or "")


def time_wish_of(value: Any, timezone: str) -> TimeWish | None:
    """A stored time wish, or None when unset or unreadable."""
    if not isinstance(value, dict):
        return None
    try:
        return from_serializable(value, timezone)
    except (KeyError, TypeError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _rule_categories() -> dict[str, str]:
    return {rule.id: rule.category for rule in load_triage_rules().rules}


def triage_of(tracker: Tracker) -> Triage:
    """The red-flag rules' result on the latest message, with the categories of the rules that matched."""
    raw = tracker.latest_message.get("triage") or {}
    categories = _rule_categories()
    return Triage(
        category=str(raw.get("category") or "none"),
        reasons=tuple(str(reason) for reason in raw.get("reasons") or ()),
        numbers=tuple(str(number) for number in raw.get("numbers") or ()),
        rule_categories=tuple(categories[rule] for rule in raw.get("rules") or () if rule in categories),
        rules=tuple(str(rule) for rule in raw.get("rules") or ()),
    )


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and value else None


def failed_identity_checks(tracker: Tracker) -> int:
    """How many identity checks failed in this conversation."""
    return sum(
        1
        for event in tracker.events
        if event.get("event") == "slot" and event.get("name") == "identity_verified" and event.get("value") is False
    )


def mentions_a_relative(tracker: Tracker) -> bool:
    """The caller named a relative the call is about ("pour mon fils"): the patient is someone else."""
    return any(
        entity.get("entity") == "relation"
        for event in tracker.events
        if event.get("event") == "user"
        for entity in ((event.get("parse_data") or {}).get("entities") or [])
    )


def value_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """What ``slot`` held before the patient's latest message."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def starts_with_latest_message(tracker: Tracker, form: str) -> bool:
    """Whether ``form`` was not active when the patient's latest message came: it starts in this turn (Rasa shows
    the form active already to the validation of its first turn, so ``active_loop`` cannot tell)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "active_loop":
            return event.get("name") != form
    return True


def set_by_latest_message(tracker: Tracker, slots: Iterable[str]) -> dict[str, Any]:
    """The ``slots`` the patient's latest message filled (their values now), even with the value they had."""
    wanted, given = set(slots), {}
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        name = event.get("name")
        if event.get("event") == "slot" and name in wanted and name not in given:
            given[str(name)] = tracker.get_slot(str(name))
    return {name: value for name, value in given.items() if value is not None}


def birth_date_said_unasked(tracker: Tracker) -> str | None:
    """The patient's message that gave the birth date its value while no form was asking anything of the
    patient's identity or of the slots (none active, or the booking's: a request, a greeting, "c'est Nadège
    Bastien, née le 3 mars 1980, je voudrais annuler"), or None: the date answered a question, or an action
    stored it. Only then must it be said as a birth date: "mon rendez-vous du 20 novembre" is none."""
    value = tracker.get_slot("birth_date")
    if value is None:
        return None
    loop: str | None = None
    said: str | None = None
    for event in tracker.events:
        kind = event.get("event")
        if kind == "active_loop":
            loop = event.get("name")
        elif kind == "user":
            entities = (event.get("parse_data") or {}).get("entities") or []
            if any(e.get("entity") == "birth_date" and e.get("value") == value for e in entities):
                said = str(event.get("text") or "") if loop in (None, "booking_form") else None
    return said


NAME_SLOTS = ("last_name", "first_name")  # the only slots a form takes from an emergency's text


def names_before_this_message(tracker: Tracker) -> dict[str, Any]:
    """The identity slots the emergency message itself filled (a name form's "from_text"), as they were before it."""
    changed: dict[str, Any] = {}
    for name in NAME_SLOTS:
        before = value_before_latest_message(tracker, name)
        if tracker.get_slot(name) != before:
            changed[name] = before
    return changed


def with_slots(tracker: Tracker, values: dict[str, Any]) -> Tracker:
    """``tracker`` with some slots as ``values`` says (what the escalation's summary reads)."""
    changed = copy.copy(tracker)
    changed.slots = {**tracker.slots, **values}
    return changed


def user_texts(tracker: Tracker) -> list[str]:
    """Everything the patient said in the conversation, message by message."""
    return [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]


def request_message(tracker: Tracker, intents: Sequence[str], timezone: str) -> tuple[str, TimeWish | None]:
    """The words of the latest message whose intent is one of ``intents`` (the request to move or
    cancel), and the time wish it gives (the day it names)."""
    for event in reversed(tracker.events):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and (parse.get("intent") or {}).get("name") in intents:
            wishes = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "time_wish"]
            return str(event.get("text") or ""), time_wish_of(wishes[-1], timezone) if wishes else None
    return "", None


def previous_question(tracker: Tracker, intents: Sequence[str]) -> dict[str, Any] | None:
    """The parse of the question (one of ``intents``) the latest message follows, through other follow-ups
    (``inform``): "Vous fermez à quelle heure ce soir ?", "et demain ?", "et samedi ?": the third asks the first."""
    users = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(users[:-1]):
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        if intent in intents:
            return dict(parse)
        if intent != "inform":  # anything but another follow-up ends the chain
            return None
    return None


def intent_of(parse: dict[str, Any] | None) -> str | None:
    """The intent of a message's parse (None without one)."""
    return ((parse or {}).get("intent") or {}).get("name")


def entity_values(tracker: Tracker, entity: str) -> list[Any]:
    """The values of the latest message's ``entity`` entities, in order."""
    return list(tracker.get_latest_entity_values(entity))


def entity_value(tracker: Tracker, entity: str) -> Any:
    """The first value of the latest message's ``entity`` entities, or None."""
    return next(tracker.get_latest_entity_values(entity), None)


def read_state(tracker: Tracker, timezone: str = "Europe/Paris") -> ConversationState:
    """The conversation as the use cases see it."""
    chosen = tracker.get_slot("chosen_slot")
    phone = tracker.get_slot("phone")
    return ConversationState(
        channel=channel_of(tracker),
        task=tracker.get_slot("task"),
        motif=tracker.get_slot("motif"),
        practitioner=tracker.get_slot("practitioner"),
        patient_status=tracker.get_slot("patient_status"),
        time_wish=time_wish_of(tracker.get_slot("time_wish"), timezone),
        proposals=tuple(slots_from_value(tracker.get_slot("proposed_slots"))),
        chosen=next(iter(slots_from_value([chosen])), None) if isinstance(chosen, dict) else None,
        nothing_available=isinstance(chosen, dict) and bool(chosen.get("none")),
        choice_stored=isinstance(chosen, dict),
        identity=Identity(
            last_name=tracker.get_slot("last_name"),
            first_name=tracker.get_slot("first_name"),
            birth_date=slot_date(tracker, "birth_date"),
            phone=str(phone) if phone else None,
            verified=tracker.get_slot("identity_verified"),
            verified_patient_id=_number(tracker.get_slot("verified_patient_id")),
            failed_checks=failed_identity_checks(tracker),
        ),
        appointment_id=_number(tracker.get_slot("appointment_id")),
        escalation_id=_number(tracker.get_slot("escalation_id")),
        emergency=bool(tracker.get_slot("emergency")),
        failed_answers=failure_counts(tracker.get_slot("failed_answers")),
        active_form=tracker.active_loop_name,
        requested_slot=tracker.get_slot("requested_slot"),
        text=latest_text(tracker),
        intent=latest_intent(tracker),
        intent_ranking=tuple(str(e.get("name")) for e in tracker.latest_message.get("intent_ranking") or []),
        entities=tuple(str(e.get("entity")) for e in tracker.latest_message.get("entities") or []),
        entity_spans=tuple(dict(e) for e in tracker.latest_message.get("entities") or []),
        triage=triage_of(tracker),
        caller_number=caller_number(tracker),
        for_a_relative=mentions_a_relative(tracker),
    )


def slot_value(value: Any) -> Any:
    """A typed value as Rasa stores it."""
    if isinstance(value, Slot):
        return slot_to_dict(value)
    if isinstance(value, TimeWish):
        return to_serializable(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [slot_value(item) for item in value]
    return value


def slot_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Typed changes as a form validator returns them (slot name → value as Rasa stores it)."""
    return {name: slot_value(value) for name, value in changes.items()}


def slot_events(**changes: Any) -> list[EventType]:
    """``SlotSet`` events for typed changes (slots, time wishes, dates are serialised here only)."""
    return [SlotSet(name, slot_value(value)) for name, value in changes.items()]


# --- the conversation's history, as the actions need it


def transcript(tracker: Tracker, limit: int = 40) -> list[tuple[str, str]]:
    """The conversation so far, as (speaker, text) pairs, for the secretary."""
    lines: list[tuple[str, str]] = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(("patient", str(event["text"])))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(("assistant", str(event["text"])))
    return lines[-limit:]


def emergency_category(tracker: Tracker) -> str | None:
    """The category of the conversation's latest emergency: "suicide" or "emergency" (None before any).

    Read from the messages' triage, so that what is said after it names the right number: after a
    suicidal message every later one was answered « Appelez le 15 » (QA, issue 16), not the 3114.
    """
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse_data = event.get("parse_data") or {}
        category = (parse_data.get("triage") or {}).get("category")
        if category in ("suicide", "emergency"):
            return str(category)
        if (parse_data.get("intent") or {}).get("name") == "emergency":
            return "emergency"
    return "emergency" if tracker.get_slot("emergency") else None


def answers_in_this_form(tracker: Tracker, form: str) -> int:
    """How many messages the patient has sent since ``form`` last started, the latest included."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == form:
            break
        if event.get("event") == "user":
            count += 1
    return count


def already_ran_this_turn(tracker: Tracker, action_name: str) -> bool:
    """Whether ``action_name`` already ran since the patient's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == action_name:
            return True
    return False


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the patient's latest messages in a row were not understood, the current one included.

    Not understood by the NLU (``nlu_fallback``) or by the dialogue: a message after which the
    policies were unsure, and the patient heard "Pardon, je n'ai pas bien compris", counts too.
    """
    count = 1  # the current message: this handler runs for it
    in_current_turn = True
    handled = False  # whether the handler ran after the message being looked at
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_handle_fallback":
            handled = True
        if event.get("event") != "user":
            continue
        if in_current_turn:
            in_current_turn, handled = False, False
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        said = str(event.get("text") or "")
        if (not handled and intent != "nlu_fallback") or is_hold_on(said) or asks_to_repeat(said):
            break
        count += 1
        handled = False
    return count


def previous_action(tracker: Tracker) -> str | None:
    """The last action before the patient's latest message (action_listen aside)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_message:
                return None
            seen_message = True
        elif seen_message and event.get("event") == "action" and event.get("name") != "action_listen":
            return str(event.get("name"))
    return None


def last_bot_texts(tracker: Tracker) -> list[str]:
    """What the assistant said in its last turn, before the patient's latest message."""
    texts: list[str] = []
    seen_message = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_message and texts:
                break
            seen_message = True
        elif seen_message and kind == "bot" and event.get("text"):
            texts.insert(0, str(event["text"]))
    return texts
