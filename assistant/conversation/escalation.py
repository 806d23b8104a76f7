"""Escalation policy: what a request for the secretariat is, and what an emergency calls for.

Pure: the actions read the state, call these, record the escalation and say the replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.conversation.replies import say
from assistant.conversation.state import Triage
from assistant.core.model import Channel


@dataclass(frozen=True)
class Handover:
    """An escalation to open: why (for the secretary), its category and urgency, and what the patient hears first."""

    reason: str
    category: str
    urgency: str
    acknowledgement: str | None = None  # a reply id


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
