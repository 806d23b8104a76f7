"""Repair: what a message the assistant did not understand calls for, in order of precedence.

The tree that was ``ActionHandleFallback``: each branch is a :class:`Repair`, chosen here from facts
about the conversation; the action carries it out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
    )
    return next((choice for applies, choice in ordered if applies), Repair.REPHRASE)
