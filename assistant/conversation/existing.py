"""Checking, moving and cancelling: which appointment the conversation is about, and how it is read back.

One appointment at a time: the one the request names, else the next one; when it is too close to
change here, the request goes to the secretariat at once, or a later one that can still be changed
is offered. Identity is checked at most :data:`MAX_IDENTITY_CHECKS` times a conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from assistant.conversation.decision import Decision, Handover
from assistant.conversation.replies import Reply, reply, say
from assistant.core.booking import check_change_allowed
from assistant.core.errors import AgendaError
from assistant.core.model import Appointment, Channel, Practice
from assistant.dialogue.speech import join_alternatives, say_slot

log = logging.getLogger(__name__)

#: Identity checks that may fail in one conversation; then only the secretariat can help. Trying birth
#: dates one after the other is how an identity is guessed: the sixth guess once disclosed an appointment.
MAX_IDENTITY_CHECKS = 2
#: The question after reading back the appointment, by task.
CHANGE_QUESTIONS = {"cancel": "ask_cancel", "move": "ask_move"}
CHANGE_IT = {"cancel": "cancel_it", "move": "move_it"}


def may_check_identity(failed_checks: int) -> bool:
    return failed_checks < MAX_IDENTITY_CHECKS


def first_changeable(
    upcoming: Sequence[Appointment], practice: Practice, channel: Channel, now: datetime
) -> Appointment | None:
    """The first appointment the patient may still cancel or move here (the agenda core's rule)."""
    for appointment in upcoming:
        try:
            check_change_allowed(practice, appointment, now, channel)
        except AgendaError as refusal:
            log.info("change refused before asking: %s", refusal.code)
            continue
        return appointment
    return None


@dataclass(frozen=True)
class ReadBack:
    """What the patient hears about their appointments, the one the conversation is now about, and the
    hand-over's reason when only the secretariat can make the change."""

    said: Reply
    appointment: Appointment | None
    handover_reason: str | None = None


def read_back(
    task: str | None,
    upcoming: Sequence[Appointment],
    is_next: bool,
    practice: Practice,
    channel: Channel,
    now: datetime,
    for_a_relative: bool = False,
) -> ReadBack:
    """``upcoming``: the patient's appointments, the one the request names first (``is_next``: it is the
    next one, "Votre prochain rendez-vous"); ``for_a_relative``: "Son rendez-vous"."""
    if not upcoming:
        return ReadBack(reply("no_appointment"), None)
    today = now.date()
    nearest = upcoming[0]
    when = say_slot(nearest, practice, today)
    about = {
        "whose": say("their" if for_a_relative else "your"),
        "next": say("next_word") if is_next else "",
        "slot": when,
    }
    if task not in CHANGE_QUESTIONS:
        # The next ones said too (two at most, then how many more): "il y a aussi 2 autres rendez-vous"
        # without saying when left the patient to ask.
        return ReadBack(
            reply(
                "next_appointments", whose=about["whose"], slot=when, more=more_appointments(upcoming, practice, today)
            ),
            nearest,
        )
    change_it = say(CHANGE_IT[task])
    question = reply(CHANGE_QUESTIONS[task])
    changeable = first_changeable(upcoming, practice, channel, now)
    if changeable is None:
        # Said before asking, not after a "oui"; and the request goes to the secretariat at once (put
        # through on the phone when someone is there, kept for the reopening otherwise): "merci d'appeler
        # le secrétariat" sent a caller at night to a closed line, and one in the day to the number they called.
        reason = say("reason.too_late", request=say(f"late.{task}"), slot=when)
        return ReadBack(reply("too_late_here", change_it=change_it, **about), None, reason)
    if changeable is not nearest:
        later = say_slot(changeable, practice, today)
        said = reply(
            "too_close_later_one", change_it=change_it, phone=practice.phone, later=later, question=question, **about
        )
        return ReadBack(said, changeable)
    return ReadBack(reply("appointment_is_ask", question=question, **about), nearest)


def more_appointments(upcoming: Sequence[Appointment], practice: Practice, today: date) -> Reply | str:
    """ " Ensuite : …" for the two after the next one, and how many more after them."""
    later = [say_slot(appointment, practice, today) for appointment in upcoming[1:3]]
    if not later:
        return ""
    rest = len(upcoming) - 3
    if rest <= 0:
        return reply("then_these", later=join_alternatives(later, "et"))
    more = reply("and_more_many" if rest > 1 else "and_more_one", count=rest)
    return reply("then_these_and_more", later=join_alternatives(later, "et"), and_more=more)


def whose(for_a_relative: bool) -> str:
    """ "votre rendez-vous", or "son rendez-vous" for a relative the caller named ("le rendez-vous de ma fille")."""
    return say("their_appointment" if for_a_relative else "your_appointment")


#: The intents that ask to do something with an existing appointment.
REQUEST_INTENTS = ("cancel_appointment", "reschedule_appointment", "check_appointment")


def appointment_found(found: ReadBack, patient_id: int) -> Decision:
    """The identity is checked: the appointment the conversation is now about (none when only the
    secretariat can change it, then the hand-over and the callback number)."""
    appointment = found.appointment
    changes = {
        "identity_verified": True,
        "verified_patient_id": float(patient_id),
        "appointment_id": float(appointment.id or 0) if appointment is not None else None,
    }
    if found.handover_reason is None:
        return Decision(changes, (found.said,))
    handover = Handover(found.handover_reason, "human", "routine")
    return Decision(changes, (found.said,), follow="callback_form", handover=handover)
