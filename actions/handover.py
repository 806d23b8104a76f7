"""Handing a conversation to the secretariat: the escalation record, and what the patient hears.

Used by every action that hands over; imports no other action module (``actions.base`` imports it).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.say import utter
from actions.state_adapter import caller_number, channel_of, emergency_category, read_state, transcript
from assistant.conversation.escalation import HANDED_OVER_SLOTS, no_booking_after, person_asked_for, summary
from assistant.conversation.escalation import transfers_call as is_live_transfer
from assistant.conversation.identity import callers_names_in
from assistant.conversation.replies import Reply, reply
from assistant.core.escalation import EscalationRequest
from assistant.core.model import Practice
from assistant.core.secretariat import is_staffed, next_staffed
from assistant.dialogue.speech import say_when
from assistant.language.fr.phone import NO_PHONE

FORM_SLOTS = HANDED_OVER_SLOTS  # what a hand-over empties (assistant.conversation.escalation)


def no_booking_after_emergency(tracker: Tracker, practice: Practice) -> Reply:
    """No appointment after an emergency: the number of that emergency again (the 3114 after suicidal words)."""
    return no_booking_after(emergency_category(tracker), practice.emergency)


async def open_escalation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    category: str,
    urgency: str,
    announce: bool = True,
    transfer_text: str = "transfer",
) -> list[EventType]:
    """Record an escalation and tell the patient what happens next; ask a callback number if none is known."""
    practice = await runtime.practice()
    phone = tracker.get_slot("phone")
    callback = caller_number(tracker) or ("" if phone in (None, NO_PHONE) else str(phone))
    verified = tracker.get_slot("verified_patient_id")
    service = runtime.container().escalations
    request = EscalationRequest(
        channel=channel_of(tracker),
        conversation_id=tracker.sender_id,
        reason=reason,
        category=category,
        urgency=urgency,
        understood=summary(read_state(tracker), asked_for(tracker, practice), names_said(tracker)),
        transcript=transcript(tracker),
        patient_id=int(verified) if verified else None,
        callback_number=callback or None,
    )
    escalation = await runtime.off_loop(service.open, request)
    if announce and transfers_call(tracker, practice, runtime.now()):
        # On the phone, in staffed hours: a warm transfer. The channel dials the secretariat, who first
        # hears the one-sentence summary; if nobody answers, the channel offers a callback itself.
        spoken = await runtime.off_loop(service.spoken_summary, tracker.sender_id)
        if transfer_text:
            await utter(dispatcher, tracker, transfer_text, practice=practice)
        dispatcher.utter_message(
            json_message={
                "handover": {
                    "escalation_id": int(escalation.id or 0),
                    "spoken_summary": spoken or "",
                    "urgency": escalation.urgency,
                }
            }
        )
    elif announce:
        await utter(dispatcher, tracker, *_handover_sentence(practice, runtime.now()), practice=practice)
    events: list[EventType] = [SlotSet("escalated", True), SlotSet("escalation_id", float(escalation.id or 0))]
    # A known number fills the callback form at once; otherwise the form asks for one.
    events.append(SlotSet("phone", callback or None))
    return events


def names_said(tracker: Tracker) -> dict[str, str]:
    """The caller's own names in the message that hands over ("c'est Lemaire Agnès, je serai en retard")."""
    state = read_state(tracker)
    return callers_names_in(state.text, state.entity_spans)


def asked_for(tracker: Tracker, practice: Practice) -> str | None:
    """The person the latest message asks to speak to ("passez-moi Nadège"), as the secretary reads them."""
    state = read_state(tracker)
    return person_asked_for(state.intent, state.entity_spans, state.text, practice)


def transfers_call(tracker: Tracker, practice: Practice, now: Any) -> bool:
    """Whether a hand-over is a live transfer: a phone call, staffed hours, a number to dial."""
    return is_live_transfer(channel_of(tracker), practice, now)


def _handover_sentence(practice: Practice, now: Any) -> list[Reply]:
    if is_staffed(practice, now):
        return [reply("handover_staffed")]
    opening = next_staffed(practice, now)
    said = (
        [reply("handover_closed_until", when=say_when(opening, practice, now.date()))]
        if opening
        else [reply("handover_closed")]
    )
    if practice.emergency.on_call:
        said.append(reply("on_call_before", on_call=practice.emergency.on_call))
    return said
