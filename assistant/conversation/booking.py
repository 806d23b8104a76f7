"""Booking policy: which questions a booking needs, and what each answer of the booking form decides.

New patients and practitioners who take none, a practitioner who does not do the motif, a time wish
that is no wish (a birth date, an "any time" said of the practitioner), a motif only the secretariat
arranges. The action reads the answer (the French toolkit understands it) and says the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from assistant.clock import get_timezone
from assistant.conversation.decision import (
    ANY_PRACTITIONER,
    Decision,
    Handover,
    excluded_practitioners,
    not_understood,
)
from assistant.conversation.replies import Reply, reply, say
from assistant.conversation.state import Identity
from assistant.core.errors import TIME_REFUSALS
from assistant.core.model import Appointment, AppointmentType, Patient, Practice, Slot
from assistant.core.slots import SlotQuery, search_bounds
from assistant.core.sms import is_mobile
from assistant.core.text import fold_keeping_offsets
from assistant.core.windows import TimeWish, wish_intervals
from assistant.dialogue.answers import answer_documents
from assistant.dialogue.speech import (
    indefinite,
    join_alternatives,
    of_motif,
    practitioner_phrase,
    practitioner_subject,
    say_birth_date,
    say_slot,
)
from assistant.language.fr.lexicon import ANY_TIME
from assistant.language.fr.motifs import first_visit_instead
from assistant.language.fr.phone import NO_PHONE
from assistant.language.fr.time_wishes import analyse_time_wish

#: What a booking collects: emptied once it is made, dropped or handed over.
BOOKING_SLOTS = ("motif", "practitioner", "time_wish", "chosen_slot", "proposed_slots", "patient_status")
#: Who the last booking was for; a new booking request asks again (it may be for someone else).
IDENTITY_SLOTS = ("last_name", "first_name", "birth_date", "identity_verified", "verified_patient_id")


def booking_questions(motif: AppointmentType | None, practice: Practice, task: str | None) -> list[str]:
    """The booking form's questions: new patient or not only when the motif or one of its practitioners
    is closed to new patients (never for a move), the practitioner only when several do the motif."""
    needed = ["motif"]
    if motif is not None:
        restricted = not motif.new_patients or any(
            not practice.practitioner(pid).accepts_new_patients for pid in motif.practitioner_ids
        )
        if restricted and task != "move":
            needed.append("patient_status")
        if len(motif.practitioner_ids) > 1:
            needed.append("practitioner")
    needed.append("time_wish")
    return needed


def patient_status_answer(
    status: str | None, motif: AppointmentType | None, asked: str | None, practice: Practice
) -> Decision:
    """A new patient is offered the first visit instead of a motif kept for patients already followed,
    and is told by name that the practitioner asked for (``asked``) takes no new patients: one was once
    moved to another doctor without a word."""
    if status not in ("new", "existing"):
        return not_understood("patient_status")
    first_visit = first_visit_instead(motif, practice) if motif is not None else None
    closed = asked if status == "new" and asked and not practice.practitioner(asked).accepts_new_patients else None
    if status == "new" and motif is not None and not motif.new_patients and first_visit is not None:
        if closed is not None:
            said = reply(
                "practitioner_closed_offer",
                practitioner=practitioner_subject(practice, closed),
                motif=indefinite(first_visit),
                others=join_alternatives([practitioner_phrase(practice, pid) for pid in first_visit.practitioner_ids]),
            )
        else:
            said = reply("followed_patients_only", motif=indefinite(first_visit))
        return Decision({"patient_status": status, "motif": first_visit.id, "practitioner": None}, (said,))
    if closed is not None:
        said = reply("practitioner_closed", practitioner=practitioner_subject(practice, closed))
        return Decision({"patient_status": status, "practitioner": None}, (said,))
    return Decision({"patient_status": status})


def who_follows_answer(earlier: Any, requested: str | None, says_who_follows: bool) -> Decision | None:
    """ "elle est suivie par le docteur Durand", said for another question, is not "avec le docteur
    Durand": the practitioner asked for earlier stays."""
    if earlier not in (None, ANY_PRACTITIONER) and requested != "practitioner" and says_who_follows:
        return Decision({"practitioner": earlier})
    return None


def practitioner_answer(
    chosen: str | None, anyone: str | None, motif: AppointmentType | None, new_patient: bool, practice: Practice
) -> Decision:
    """``chosen``: the practitioner understood among the motif's; ``anyone``: among all of them."""
    if chosen is None:
        if anyone not in (None, ANY_PRACTITIONER) and motif is not None:
            said = reply("practitioner_not_for_motif", practitioner=practitioner_subject(practice, str(anyone)))
            return Decision({"practitioner": None}, (said,))
        return not_understood("practitioner")
    if chosen != ANY_PRACTITIONER and new_patient and not practice.practitioner(chosen).accepts_new_patients:
        said = reply("practitioner_closed", practitioner=practitioner_subject(practice, chosen))
        return Decision({"practitioner": None}, (said,))
    return Decision({"practitioner": chosen})


def is_the_birth_date(wish: TimeWish, born: date | None, timezone: str) -> bool:
    """Whether a one-day wish is only the day and month of the birth date the same message gives."""
    if born is None or len(wish.intervals) != 1 or wish.day_parts or wish.weekdays:
        return False
    day = wish.intervals[0].start.astimezone(get_timezone(timezone)).date()
    return (day.month, day.day) == (born.month, born.day)


def time_wish_answer(
    wish: TimeWish,
    earlier: Any,
    requested: str | None,
    born: date | None,
    practitioner_named: bool,
    practice: Practice,
    now: datetime,
) -> Decision:
    """What a time wish read in the answer changes.

    "peu importe", said of the practitioner, is also read as "any time": it neither erases the time
    already asked for (``earlier``, set back) nor answers the question about time; nor is "né le
    premier décembre soixante-neuf" (``born``) the 1st of December. A wish already past is refused;
    "samedi matin" said to the practitioner question means whoever receives then.
    """
    open_aside = wish.is_open and not wish.earliest and requested not in (None, "time_wish")
    # "peu importe, le premier disponible", said to the practitioner question: the first available
    # practitioner, on the day already asked for ("mardi" was once thrown away for today's slots)
    earliest_of_anyone = wish.is_open and wish.earliest and requested == "practitioner" and bool(earlier)
    if open_aside or earliest_of_anyone or is_the_birth_date(wish, born, practice.timezone):
        return Decision({"time_wish": earlier if earlier else None})
    bounds = search_bounds(practice, now)
    if not wish.earliest and not wish_intervals(wish, bounds.start, bounds.end, get_timezone(practice.timezone)):
        return Decision({"time_wish": None}, (reply("wish_in_the_past"),))
    if requested == "practitioner" and not practitioner_named:
        return Decision({"time_wish": wish, "practitioner": ANY_PRACTITIONER})
    return Decision({"time_wish": wish})


def open_time_answer(text: str, now: datetime, timezone: str) -> TimeWish | None:
    """ "n'importe quand", "le plus tôt possible" said for the time: a wish Duckling has no date for."""
    if ANY_TIME.search(fold_keeping_offsets(text).lower()) or analyse_time_wish(text, now, timezone).wish.earliest:
        return TimeWish(earliest=True)
    return None


def is_no_time(wish: TimeWish | None, practitioner_said: Any) -> bool:
    """Whether a wish re-read from a message says no time: "peu importe" (:func:`is_open`), or "le premier
    disponible" said with "peu importe" of the practitioner (the first available practitioner, not today)."""
    earliest_of_anyone = wish is not None and wish.is_open and wish.earliest and practitioner_said == ANY_PRACTITIONER
    return is_open(wish) or earliest_of_anyone


def is_open(wish: TimeWish | None) -> bool:
    """A wish that says nothing ("peu importe"), the earliest possible excepted."""
    return wish is not None and wish.is_open and not wish.earliest


def is_loose(wish: TimeWish) -> bool:
    """A wish that spans several days deserves choices on different days."""
    if not wish.intervals:
        return True
    return sum((i.end - i.start for i in wish.intervals), timedelta()) > timedelta(days=1)


def slot_query(
    motif: AppointmentType, practitioner: str | None, wish: TimeWish, new_patient: bool, asked: Any = None
) -> SlotQuery:
    """Three slots for ``motif`` with ``practitioner`` (anyone when None or "any"), spread over days
    when the wish is loose, at least half an hour (or the motif's length) apart; anyone but those the
    practitioner slot (``asked``) sets aside ("un autre kiné")."""
    return SlotQuery(
        excluded_practitioner_ids=excluded_practitioners(asked),
        appointment_type_id=motif.id,
        practitioner_ids=() if practitioner in (None, ANY_PRACTITIONER) else (str(practitioner),),
        wish=wish,
        count=3,
        spread_days=is_loose(wish) and not wish.earliest,
        new_patient=new_patient,
        min_gap_minutes=max(30, motif.duration_minutes),
    )


def motif_changes(motif: AppointmentType, practitioner: str | None) -> dict[str, Any]:
    """The motif kept, with its only practitioner; a practitioner chosen for another motif is asked again."""
    changes: dict[str, Any] = {"motif": motif.id}
    if len(motif.practitioner_ids) == 1:
        changes["practitioner"] = motif.practitioner_ids[0]
    elif practitioner not in (None, ANY_PRACTITIONER) and practitioner not in motif.practitioner_ids:
        changes["practitioner"] = None
    return changes


@dataclass(frozen=True)
class SecretariatMotif:
    """A motif only the secretariat books (a home visit): what the patient hears, and the hand-over's reason."""

    said: Reply
    reason: str


def secretariat_only(asked: list[AppointmentType]) -> SecretariatMotif | None:
    """The first motif asked for that only the secretariat books: handed to it at once (it was refused
    and asked again, and the next answers ended in a hand-over for "incompréhension", the request lost)."""
    motif = next((m for m in asked if not m.bookable_online), None)
    if motif is None:
        return None
    return SecretariatMotif(
        reply("secretariat_arranges", motifs=plural(motif.name)),
        say("reason.secretariat_motif", of_motif=of_motif(motif)),
    )


def plural(name: str) -> str:
    """ "soins infirmiers à domicile" stays; "visite à domicile" → "visites à domicile" (first word only);
    an acronym stays as it is ("les IRM")."""
    first, _, rest = name.partition(" ")
    word = first if first.endswith(("s", "x")) or (len(first) > 1 and first.isupper()) else first + "s"
    return f"{word} {rest}".strip()


def another_patient(
    intent: str | None, identity_known: bool, given_now: Mapping[str, Any] | None = None, new_request: bool = True
) -> dict[str, Any]:
    """A second booking request in the conversation starts without the first patient's identity.

    Phone QA: "il faudrait aussi un rendez-vous pour mon père" was read back "pour Marc Fontaine", the
    caller, with his birth date. A plain "oui" would have booked for the wrong person.

    ``identity_known``: an identity was given *before* this message; ``given_now``: the identity this very
    message gives ("c'est Nadège Bastien, née le 3 mars 1980, pour un rendez-vous demain"), which is the
    patient's and is kept (QA: the first message's name was emptied by its own booking request and asked again).
    ``new_request``: the booking form starts with this message, or it names someone else ("aussi pour mon
    père"); an answer to one of the form's questions that reads as a booking request ("un rendez-vous pour
    un vaccin", after "c'est Nadège Bastien, je voudrais un rendez-vous") is no second request.
    """
    if intent != "book_appointment" or not identity_known or not new_request:
        return {}
    return {**dict.fromkeys(IDENTITY_SLOTS), **{k: v for k, v in (given_now or {}).items() if k in IDENTITY_SLOTS}}


def secretariat_handover(found: SecretariatMotif) -> Decision:
    """The booking ends: the secretariat arranges it, then the callback number is asked."""
    dropped = {"requested_slot": None, **dict.fromkeys(BOOKING_SLOTS)}
    handover = Handover(found.reason, "human", "routine")
    return Decision(dropped, (found.said,), follow="callback_form", stop_form=True, handover=handover)


def no_slot_handover() -> Decision:
    """Nothing was available at all: the secretariat looks for a time."""
    return Decision(handover=Handover(say("reason.no_slot"), "human", "routine"))


#: Refusals whose agenda sentence tells the patient to call the secretariat, said without that part
#: when the assistant hands the request over itself.
REFUSALS_HANDED_OVER = {"too_late_to_cancel": "too_late_online"}


def after_refusal(code: str, message: str, what: str) -> Decision:
    """What follows a booking, a move or a cancellation the agenda refused: never silence, nothing lost.

    When only the time was wrong (:data:`TIME_REFUSALS`: taken meanwhile, now too close…), other
    times are proposed at once; the patient's answers so far are kept. Any other refusal (too many
    appointments, a motif booked by the secretariat only…) is handed to the secretariat.
    """
    if code in TIME_REFUSALS:
        said = reply("slot_taken") if code == "slot_taken" else reply("as_is", text=message)
        return Decision(
            {"chosen_slot": None, "proposed_slots": None}, (said, reply("other_times")), follow="slot_choice_form"
        )
    said = reply(REFUSALS_HANDED_OVER.get(code, "as_is"), text=message)
    reason = say("reason.refused", what=say(f"what.{what}"), refusal=message)
    handover = Handover(reason, "human", "routine")
    return Decision({"chosen_slot": None}, (said,), follow="callback_form", handover=handover)


def read_back(slot: Slot, motif_name: str, identity: Identity, practice: Practice, today: date) -> Reply:
    """The booking read back before it is made: the birth date too (a wrong one would make a second
    patient record), and the mobile number the confirmation goes to (often the caller's, taken without asking)."""
    who: Reply | str = f"{identity.first_name or ''} {identity.last_name or ''}".strip()
    if identity.birth_date is not None:
        who = reply("read_back_born", who=who, birth_date=say_birth_date(identity.birth_date))
    phone = identity.phone or ""
    sms: Reply | str = ""
    if is_mobile(phone):
        digits = "".join(ch for ch in phone if ch.isdigit())
        sms = reply("read_back_sms", digits=digits[-2:])
    return reply("read_back", motif=motif_name, slot=say_slot(slot, practice, today), who=who, sms=sms)


def booked(appointment: Appointment, practice: Practice, today: date) -> tuple[Reply, ...]:
    """What the patient hears once booked: when, and the motif's instructions (fasting…)."""
    motif = practice.appointment_type(appointment.appointment_type_id)
    said = [reply("booked", motif=motif.name, slot=say_slot(appointment, practice, today))]
    if motif.instructions:
        said.append(reply("as_is", text=answer_documents(practice, motif)))
    return tuple(said)


def booking_made(appointment: Appointment, practice: Practice, today: date) -> Decision:
    """The booking is made: the patient is known now, and the booking's answers are emptied."""
    changes = {
        "appointment_id": float(appointment.id or 0),
        "verified_patient_id": float(appointment.patient_id),
        "identity_verified": True,
        **dict.fromkeys(BOOKING_SLOTS),
    }
    return Decision(changes, booked(appointment, practice, today))


def patient_of(identity: Identity) -> Patient:
    """The patient to book for, as said (no number when they have none)."""
    phone = "" if identity.phone in (None, NO_PHONE) else str(identity.phone)
    return Patient(None, identity.last_name or "", identity.first_name or "", identity.birth_date, phone)  # type: ignore[arg-type]


def declined_read_back(fixed_birth_date: date | None, said_wish: Any) -> Decision:
    """A "non" to the read-back: choose again, with the wish said with it. "Non, c'est 1967." corrects
    the birth date instead, and the booking is read back again (phone QA)."""
    if fixed_birth_date is not None:
        corrected = reply("birth_date_corrected", birth_date=say_birth_date(fixed_birth_date))
        return Decision({"birth_date": fixed_birth_date}, (corrected,), follow="action_confirm_booking")
    changes: dict[str, Any] = {"chosen_slot": None, "proposed_slots": None}
    if said_wish is not None:
        changes["time_wish"] = said_wish
    return Decision(changes)
