"""Repair: what a message the assistant did not understand calls for, in order of precedence.

The tree that was ``ActionHandleFallback``: each branch is a :class:`Repair`, chosen here from facts
about the conversation; the action carries it out.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.conversation.decision import Decision
from assistant.conversation.escalation import HANDED_OVER_SLOTS, handover_for
from assistant.conversation.replies import reply
from assistant.conversation.state import Triage


class Repair(str, enum.Enum):
    TAKE_YOUR_TIME = "take_your_time"  # "attendez deux secondes": not a misunderstanding
    REPEAT = "repeat"  # "Pardon ?": the last answer again
    CALLBACK_DETAILS = "callback_details"  # a message for the secretariat after the callback was noted
    GOODBYE = "goodbye"  # "non laissez tomber, au revoir"
    TOO_CLOSE = "too_close"  # a new time for an appointment too close to change here
    CONFIRM_THEN_ASK = "confirm_then_ask"  # "oui oui et euh…" to a read-back: the yes is kept
    START_BOOKING = "start_booking"  # a motif or practitioner, no request in progress: a booking
    HAND_OVER = "hand_over"  # the second misunderstanding in a row
    SILENCE = "silence"  # already said this turn
    BACK_TO_FORM = "back_to_form"  # an answer the form could not take ("oui" to "quand ?"): its question again
    REPHRASE = "rephrase"  # the first misunderstanding: "Pouvez-vous reformuler ?"


@dataclass(frozen=True)
class Misunderstanding:
    """What the repair depends on (read from the conversation by the action)."""

    holds_on: bool = False
    asks_to_repeat: bool = False
    after_callback_noted: bool = False
    says_goodbye: bool = False
    wants_change_too_late: bool = False
    yes_to_read_back: bool = False
    unsure_booking: bool = False
    in_a_row: int = 1
    already_said_this_turn: bool = False
    #: the form that refused the answer, when one runs and the message was understood as something else
    refused_by: str | None = None


#: Misunderstandings in a row after which a person takes over.
MAX_MISUNDERSTANDINGS = 2


def repair(facts: Misunderstanding) -> Repair:
    """The first repair that applies, in the order a secretary would: a moment, a repeat, a message…"""
    ordered = (
        (facts.holds_on, Repair.TAKE_YOUR_TIME),
        (facts.asks_to_repeat, Repair.REPEAT),
        (facts.after_callback_noted, Repair.CALLBACK_DETAILS),
        (facts.says_goodbye, Repair.GOODBYE),
        (facts.wants_change_too_late, Repair.TOO_CLOSE),
        (facts.yes_to_read_back, Repair.CONFIRM_THEN_ASK),
        (facts.unsure_booking, Repair.START_BOOKING),
        (facts.in_a_row >= MAX_MISUNDERSTANDINGS, Repair.HAND_OVER),
        (facts.already_said_this_turn, Repair.SILENCE),
        (facts.refused_by is not None, Repair.BACK_TO_FORM),
    )
    return next((choice for applies, choice in ordered if applies), Repair.REPHRASE)


def repair_decision(
    choice: Repair, practice_phone: str, triage: Triage, refused_by: str | None = None
) -> Decision | None:
    """What a repair says and does when the state is enough; None for those the action carries out
    itself (the last answer again, a message for the secretariat, a yes kept, the domain's rephrase).

    An answer a form refused goes back to that form, which asks its question again: left to the
    dialogue model, "oui" to "quand souhaiteriez-vous venir ?" once jumped to the identity questions and
    ended in a hand-over for "no slot" without a slot ever offered (QA)."""
    if choice == Repair.TAKE_YOUR_TIME:
        return Decision(said=(reply("take_your_time"),), follow="action_listen")
    if choice == Repair.TOO_CLOSE:
        return Decision(said=(reply("too_close_call", phone=practice_phone),), follow="utter_anything_else")
    if choice == Repair.GOODBYE:
        return Decision({"requested_slot": None}, follow="utter_goodbye", stop_form=True)
    if choice == Repair.START_BOOKING:
        return Decision({"task": "book"}, follow="booking_form")
    if choice == Repair.SILENCE:
        return Decision(follow="action_listen")
    if choice == Repair.BACK_TO_FORM and refused_by:
        return Decision(said=(reply("not_this_answer"),), follow=refused_by)
    if choice == Repair.HAND_OVER:  # the form that was running ends; the callback number is asked next
        handover = handover_for("nlu_fallback", triage)
        changes = dict.fromkeys(HANDED_OVER_SLOTS)
        said = (reply("not_understood_request"),)
        return Decision(changes, said, follow="callback_form", stop_form=True, handover=handover)
    return None


def change_too_late(verified: bool | None, task: str | None, appointment_id: int | None, time_said: bool) -> bool:
    """A new time given for an appointment the patient was just told is too close to change here."""
    return bool(verified) and task in ("move", "cancel") and not appointment_id and time_said


def unsure_booking(form: str | None, task: str | None, entities: Sequence[str], best_guesses: Sequence[str]) -> bool:
    """A message the NLU could not decide that names a motif or a practitioner, a booking among its two
    best guesses, and no request in progress: a booking."""
    if form or task or not any(entity in ("motif", "practitioner") for entity in entities):
        return False
    return "book_appointment" in [guess for guess in best_guesses if guess != "nlu_fallback"][:2]
