"""The French of the confirmation SMS and of the secretariat's request when one did not reach the patient.

The rules (who gets an SMS, the GSM alphabet, the length limit, retries, when a failure needs a
call) are :mod:`assistant.core.sms`; here is only what the messages say:

- :func:`confirmation_text`: short, correct French, GSM-7 where it can be, at most
  :data:`assistant.core.sms.MAX_LENGTH` characters; :func:`new_confirmation`, the message to queue;
- :func:`unreached_patient`: the request for the secretariat ("SMS de confirmation non remis…").
"""

from __future__ import annotations

import re
from datetime import date, datetime

from assistant.clock import get_timezone
from assistant.core import sms as rules
from assistant.core.escalation import UNREACHED, EscalationRequest
from assistant.core.model import Appointment, Channel, Practice
from assistant.language.fr.dates import say_date, say_time
from assistant.language.fr.practitioners import practitioner_phrase

MAX_INSTRUCTIONS = 160  # longer motif instructions are cut to their first sentence (or left out)
MAX_NAME = 60  # practice name and practitioner phrase, so that the essentials always fit


def confirmation_text(
    kind: str,
    appointment: Appointment,
    practice: Practice,
    today: date,
    *,
    previous_start: datetime | None = None,
) -> str:
    """The SMS for a booking, a move (``previous_start``: where it was) or a cancellation.

    "Maison de santé des Lilas : rendez-vous confirmé le jeudi 26 novembre à
    15 h 30 avec le docteur Durand. Adresse : 23 rue des Lilas, 59000 Lille.
    Pour annuler ou déplacer, appelez le 03 53 01 20 00."

    Only what works is promised: the practice's number, which reaches the secretariat
    or the assistant. Optional parts (address, the motif's instructions) are left out,
    or the instructions cut to their first sentence, when the whole would pass
    :data:`assistant.core.sms.MAX_LENGTH`. No patient name: the phone may be shared.
    """
    if kind not in rules.KINDS:
        raise ValueError(f"unknown confirmation kind {kind!r}")
    name = _clip(_one_line(practice.name), MAX_NAME)
    when = _when(appointment.start, practice, today)
    who = _clip(_one_line(practitioner_phrase(practice, appointment.practitioner_id)), MAX_NAME)
    with_who = f" avec {who}" if who else ""
    number = _display_number(practice.phone)
    if kind == rules.BOOKED:
        head = f"{name} : rendez-vous confirmé le {when}{with_who}."
    elif kind == rules.MOVED:
        before = f" du {_when(previous_start, practice, today)}" if previous_start else ""
        head = f"{name} : votre rendez-vous{before} est déplacé au {when}{with_who}."
    else:
        # The practitioner phrase may be an apposition ("Julie Roux, l'infirmière"): it ends the sentence.
        head = f"{name} : nous avons annulé votre rendez-vous du {when}{with_who}."
    if kind == rules.CANCELLED:
        tail = f"Pour reprendre rendez-vous, appelez le {number}." if number else ""
        return _fit(head, [], [], tail)
    tail = f"Pour annuler ou déplacer, appelez le {number}." if number else ""
    try:
        instructions = practice.appointment_type(appointment.appointment_type_id).instructions
    except KeyError:
        instructions = ""
    address = [f"Adresse : {_one_line(practice.address.one_line())}."]
    # Read in this order; kept in the other: "à jeun" matters more than an address the patient may know.
    return _fit(head, address, _instruction_choices(instructions), tail)


def _fit(head: str, address: list[str], instructions: list[str], tail: str) -> str:
    """Head and tail always; then the richest middle that fits, instructions first ("à jeun" above all).

    Tried in order: address with the instructions (whole, then their first sentence), the instructions
    alone, the address alone, nothing.
    """
    head, tail = rules.gsm7(head), rules.gsm7(tail)
    places = [rules.gsm7(choice) for choice in address]
    notes = [rules.gsm7(choice) for choice in instructions]
    middles = [(place, note) for note in notes for place in places] + [("", note) for note in notes]
    middles += [(place, "") for place in places] + [("", "")]
    for place, note in middles:
        text = " ".join(part for part in (head, place, note, tail) if part)
        if len(text) <= rules.MAX_LENGTH:
            return text
    return text[: rules.MAX_LENGTH - 3].rstrip() + "..."


def _instruction_choices(instructions: str) -> list[str]:
    text = _one_line(instructions)
    if not text:
        return []
    text = _sentence(text)
    choices = [text] if len(text) <= MAX_INSTRUCTIONS else []
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    if first != text and len(first) <= MAX_INSTRUCTIONS:
        choices.append(_sentence(first))
    return choices


def _when(start: datetime, practice: Practice, today: date) -> str:
    local = start.astimezone(get_timezone(practice.timezone))
    return f"{say_date(local.date(), with_year=local.year != today.year)} à {say_time(local.time())}"


def _display_number(phone: str) -> str:
    """A French number as "03 53 01 20 00"; anything else as written."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return _clip(_one_line(phone or ""), 30)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text.rstrip(" ;:,") + "."


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def new_confirmation(
    *,
    practice: Practice,
    appointment: Appointment,
    kind: str,
    phone: str,
    now: datetime,
    previous_start: datetime | None = None,
) -> rules.OutboxMessage | None:
    """The confirmation to queue, or None when the number is not a French mobile."""
    return rules.new_message(
        practice_id=practice.id,
        appointment_id=appointment.id,
        kind=kind,
        phone=phone,
        body=confirmation_text(kind, appointment, practice, now.date(), previous_start=previous_start),
        now=now,
    )


UNREACHED_HEADS = {
    rules.BOOKED: "SMS de confirmation non remis",
    rules.MOVED: "SMS de déplacement non remis",
    rules.CANCELLED: "SMS d'annulation non remis",
}
UNREACHED_WHAT = {
    rules.BOOKED: "rendez-vous du {when} avec {who}",
    rules.MOVED: "rendez-vous déplacé au {when} avec {who}",
    rules.CANCELLED: "rendez-vous du {when} avec {who}, annulé",
}


def unreached_patient(
    message: rules.OutboxMessage, appointment: Appointment | None, practice: Practice, now: datetime
) -> EscalationRequest | None:
    """The request to the secretariat, to call the patient ``message`` will never reach, or None when none
    is needed (:func:`assistant.core.sms.unreached_urgency` decides, and how urgent)."""
    urgency = rules.unreached_urgency(message, appointment, now)
    if urgency is None or appointment is None:
        return None
    why = rules.error_label(message.delivery_error_code or message.last_error_code)
    head = UNREACHED_HEADS.get(message.kind, "SMS non remis") + (f" ({why})" if why else "")
    what = UNREACHED_WHAT.get(message.kind, UNREACHED_WHAT[rules.BOOKED]).format(
        when=_when(appointment.start, practice, now.astimezone(get_timezone(practice.timezone)).date()),
        who=practitioner_phrase(practice, appointment.practitioner_id),
    )
    return EscalationRequest(
        channel=Channel.SMS,
        conversation_id=f"sms-rdv-{message.appointment_id}",  # one per appointment: a second failure updates it
        reason=f"{head} : {what}. Prévenir le patient par téléphone.",
        category=UNREACHED,
        urgency=urgency,
        patient_id=appointment.patient_id,
        callback_number=message.to_number,  # the number the SMS did not reach
    )
