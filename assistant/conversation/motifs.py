"""Booking policy about the motif: what a new patient can book, and what a symptom books.

Read from the practice file (``new_patients``, ``for_symptoms``), never from a motif id in the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.conversation.replies import Reply, reply
from assistant.core.model import AppointmentType, Practice


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
    return MotifDecision(motif)
