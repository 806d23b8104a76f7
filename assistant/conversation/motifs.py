"""Booking policy about the motif: what a new patient can book, and what a symptom books.

Read from the practice file (``new_patients``, ``for_symptoms``), never from a motif id in the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.conversation.booking import motif_changes
from assistant.conversation.decision import ANY_PRACTITIONER, Decision, not_understood
from assistant.conversation.replies import Reply, reply
from assistant.core.model import AppointmentType, Practice
from assistant.dialogue.speech import indefinite
from assistant.language.fr.choices import resolve_practitioner
from assistant.language.fr.motifs import first_visit_instead, motif_among, motif_named_in, resolve_motif


def symptom_motif(practice: Practice) -> AppointmentType | None:
    """The motif a symptom given as the reason books ("une otite"): the one marked ``for_symptoms``."""
    return next((m for m in practice.appointment_types if m.for_symptoms), None)


@dataclass(frozen=True)
class MotifDecision:
    """The motif to keep (None: asked again), and what the patient hears first."""

    motif: AppointmentType | None
    said: Reply | None = None


def motif_for(
    named: AppointmentType | None,
    practice: Practice,
    new_patient: bool,
    gave_a_reason: bool,
    first_visit: AppointmentType | None,
    indefinite_name: str = "",
) -> MotifDecision:
    """What a motif answer books.

    ``named``: the motif understood (None when no motif was recognised); ``gave_a_reason``: a motif
    entity was said all the same (a symptom); ``first_visit``: what a new patient may book instead of
    ``named`` (``first_visit_instead``), said as ``indefinite_name``.
    """
    motif = named if named is not None else (symptom_motif(practice) if gave_a_reason else None)
    if motif is None:
        return MotifDecision(None)
    if not motif.bookable_online:
        return MotifDecision(None, reply("motif_secretariat_only"))
    if new_patient and not motif.new_patients and first_visit is not None:
        # "jamais venu… un renouvellement d'ordonnance": the status was said first, the motif is swapped
        return MotifDecision(first_visit, reply("followed_patients_only", motif=indefinite_name))
    if named is None:  # a symptom ("il tousse depuis trois jours"): the motif it books is said back
        return MotifDecision(motif, reply("motif_for_symptom", motif=indefinite(motif.name)))
    return MotifDecision(motif)


def chosen_practitioner(named: str | None, practice: Practice) -> str | None:
    """The practitioner the patient asked for, if any ("any" is no one in particular).

    The slot holds what was said until the form validates it ("julie", "marc"), and an unknown id
    made the next step fail (chat QA): it is read through ``resolve_practitioner``.
    """
    practitioner = resolve_practitioner(str(named), practice) if named else None
    return None if practitioner in (None, ANY_PRACTITIONER) else str(practitioner)


def motif_understood(
    said: Sequence[str], value: str, text: str, practitioner: str | None, practice: Practice
) -> AppointmentType | None:
    """The motif an answer names: its motif entities together (``said``: Rasa's slot keeps only the
    last one), the slot's ``value``, the whole ``text``, then a word of a motif's name ("bilan") among
    the ``practitioner``'s motifs first, then among all bookable ones."""
    motif = (
        motif_of_several(said, practitioner, practice)
        or resolve_motif(value, practice)
        or resolve_motif(text, practice)
    )
    if motif is not None:
        return motif
    theirs = [m for m in practice.appointment_types if practitioner in m.practitioner_ids]
    bookable = [m for m in practice.appointment_types if m.bookable_online]
    return motif_named_in(value, theirs) or motif_named_in(value, bookable)


def motif_of_several(said: Sequence[str], practitioner: str | None, practice: Practice) -> AppointmentType | None:
    """ "des séances de kiné… un premier rendez-vous avec le kiné": the named practitioner's specific one."""
    if len(said) < 2:
        return None
    named = [motif for motif in (resolve_motif(value, practice) for value in said) if motif is not None]
    said_practitioners = [resolve_practitioner(value, practice) for value in said]
    who = practitioner or next((pid for pid in said_practitioners if pid not in (None, ANY_PRACTITIONER)), None)
    return motif_among(named, who, practice)


def motif_answer(
    named: AppointmentType | None, practice: Practice, new_patient: bool, gave_a_reason: bool, practitioner: str | None
) -> Decision:
    """What the answer to the motif question decides (:func:`motif_for`), as slot changes.

    A symptom given as the reason ("une otite") books the practice's motif for symptoms. A new
    patient's motif kept for patients already followed becomes their first visit (said before the
    motif, the status was never checked against it, and the booking was refused after the whole identity).
    """
    first_visit = first_visit_instead(named, practice) if named is not None else None
    decision = motif_for(
        named, practice, new_patient, gave_a_reason, first_visit, indefinite(first_visit) if first_visit else ""
    )
    said = (decision.said,) if decision.said is not None else ()
    if decision.motif is None:  # asked again, with examples (action_ask_motif), or handed over
        return Decision({"motif": None}, said) if said else not_understood("motif")
    return Decision(motif_changes(decision.motif, practitioner), said)
