"""Escalation policy: what a request for the secretariat is, and what an emergency calls for.

Pure: the actions read the state, call these, record the escalation and say the replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.conversation.decision import Decision, Handover
from assistant.conversation.replies import Reply, say
from assistant.conversation.state import ConversationState, Triage
from assistant.core.escalation import IDENTITY_KEY
from assistant.core.model import Channel

#: What a hand-over or an emergency empties: the form in progress and the request's answers.
HANDED_OVER_SLOTS = ("requested_slot", "chosen_slot", "proposed_slots", "time_wish", "motif", "practitioner")

#: By intent: the category and urgency of the hand-over (the reason is ``reason.<intent>`` in the catalogue).
INTENT_POLICY = {
    "medical_question": ("sensitive", "routine"),
    "ask_results": ("sensitive", "routine"),
    "complaint": ("sensitive", "routine"),
    "request_records": ("sensitive", "routine"),
    "request_human": ("human", "routine"),
    # The practitioner must know within minutes: "à traiter aujourd'hui".
    "announce_late": ("human", "urgent"),
    "nlu_fallback": ("misunderstanding", "routine"),
}

#: What the patient hears first, by what was asked: a complaint is not a medical question.
ACKNOWLEDGEMENTS = {
    "medical_question": "no_medical_advice",
    "ask_results": "ack.ask_results",
    "complaint": "ack.complaint",
    "request_records": "ack.request_records",
    "announce_late": "ack.announce_late",
}


def handover_for(intent: str | None, triage: Triage) -> Handover:
    """The hand-over a request calls for: by its intent, unless the red-flag rules found it urgent."""
    category, urgency = INTENT_POLICY.get(intent or "", ("human", "routine"))
    reason = say(f"reason.{intent}") if intent in INTENT_POLICY else say("reason.other")
    if triage.category == "urgent":
        return Handover("; ".join(triage.reasons) or reason, "urgent", "urgent", "no_medical_advice")
    if intent in ACKNOWLEDGEMENTS or category == "sensitive":
        return Handover(reason, category, urgency, ACKNOWLEDGEMENTS.get(intent or "", "no_medical_advice"))
    return Handover(reason, category, urgency)


@dataclass(frozen=True)
class EmergencyPlan:
    """What an emergency calls for once its numbers are said."""

    category: str  # "emergency" or "suicide"
    life_threatening: bool
    reason: str
    put_through: bool  # to a person at the desk, now
    told: str  # reply id: who knows now
    hang_up: bool  # free the phone line for the emergency call


def is_life_threatening(triage: Triage) -> bool:
    """A person at risk of suicide whose words are also a medical emergency (an overdose): the 15 first.

    Read from the categories of the rules that matched, not from the order of the numbers to say.
    """
    return triage.category == "suicide" and "emergency" in triage.rule_categories


def emergency_plan(triage: Triage, channel: Channel, staffed: bool, can_transfer: bool) -> EmergencyPlan:
    """A person in distress on the phone while someone is at the desk is put through to that person (the
    3114 said first); a medical emergency frees the line for the 15; at night the secretariat is told it
    will know at its reopening, never that it was told."""
    category = "suicide" if triage.category == "suicide" else "emergency"
    life_threatening = is_life_threatening(triage)
    put_through = category == "suicide" and not life_threatening and can_transfer
    reason = "; ".join(triage.reasons) or say("reason.emergency")
    told = "secretariat_told" if staffed else "secretariat_told_later"
    return EmergencyPlan(
        category, life_threatening, reason, put_through, told, channel == Channel.PHONE and not put_through
    )


#: After an emergency, what a later message that is no emergency gets: a question its answer, thanks
#: and goodbyes theirs; anything else (a booking asked again, the answer to a question of the form
#: that ended) the number of that emergency again and no appointment.
AFTER_EMERGENCY = {
    "ask_hours": "action_answer_info",
    "ask_address": "action_answer_info",
    "ask_fees": "action_answer_info",
    "ask_documents": "action_answer_info",
    "ask_practitioners": "action_answer_info",
    "ask_on_call": "action_answer_info",
    "speak_english": "action_answer_in_english",
    "thank": "utter_you_are_welcome",
    "goodbye": "utter_goodbye",
}


def is_an_emergency(intent: str | None, triage: Triage) -> bool:
    """Whether the latest message itself is an emergency (the NLU's or the red-flag rules' reading)."""
    return intent == "emergency" or triage.category in ("emergency", "suicide")


def after_emergency(intent: str | None, no_booking: Reply | None) -> Decision:
    """A message after the emergency that is none: answered as it asks, never a booking, no new
    hand-over; ``no_booking``: that emergency's number again."""
    stopped = {**dict.fromkeys(HANDED_OVER_SLOTS), "task": None}
    follow = AFTER_EMERGENCY.get(intent or "")
    if follow is not None:
        return Decision(stopped, follow=follow, stop_form=True)
    return Decision(stopped, (no_booking,) if no_booking else (), stop_form=True)


def summary(state: ConversationState) -> dict[str, str]:
    """What the dialogue understood so far, for the secretary's written summary: no phone, no birth date.

    The names the patient gave are in it (checked or not: :data:`IDENTITY_KEY` says which, as the
    escalation core reads it), so that a hand-over after answers that could not be understood does not
    start the secretary from zero. Labels from the catalogue (``summary.*``).
    """
    fields = {
        say("summary.motif"): state.motif,
        say("summary.practitioner"): state.practitioner,
        say("summary.task"): state.task,
        say("summary.last_name"): state.identity.last_name,
        say("summary.first_name"): state.identity.first_name,
        IDENTITY_KEY: "oui" if state.identity.verified else "non",
    }
    return {key: str(value) for key, value in fields.items() if value}
