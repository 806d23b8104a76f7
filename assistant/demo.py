"""Fictitious appointments so that a fresh demo agenda is not empty.

Only for ``assistant init --demo``: every name here is invented. Seeding is
idempotent (nothing is added when the agenda already holds appointments).
"""

from __future__ import annotations

from datetime import date, timedelta

from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import Channel, Patient
from assistant.core.slots import SlotQuery
from assistant.services.agenda import Actor, AgendaService

DEMO_PATIENTS = (
    Patient(None, "Durand", "Camille", date(1984, 5, 12), "06 11 22 33 44"),
    Patient(None, "Haddad", "Yasmine", date(1991, 9, 3), "07 55 66 77 88"),
    Patient(None, "Lemaire", "Jean-Pierre", date(1952, 2, 28)),
    Patient(None, "Nguyen", "Bao", date(2016, 11, 7), "06 98 76 54 32"),
    Patient(None, "Da Silva", "Inês", date(1978, 7, 19)),
    Patient(None, "Vandenberghe", "Louis", date(1969, 12, 1), "06 45 45 12 12"),
    Patient(None, "Lefort", "Nadia", date(1987, 4, 22), "06 33 44 55 66"),
    Patient(None, "Lejeune", "Hugo", date(2012, 6, 15)),
    Patient(None, "Moreau", "Élise", date(1995, 10, 30), "07 12 21 34 43"),
    Patient(None, "Caron", "Michel", date(1948, 3, 9)),
    Patient(None, "Fontaine", "Chloé", date(2001, 1, 17), "06 70 80 90 10"),
    Patient(None, "Renard", "Paul", date(1975, 8, 5), "07 61 52 43 34"),
)
#: Demo motifs that only some of the patients above could have (a pregnancy, cervical screening):
#: a demo agenda with "Louis — suivi de grossesse" would not be believed.
DEMO_MOTIF_PATIENTS = {
    "suivi-grossesse": ("Camille", "Yasmine", "Nadia", "Élise"),
    "frottis": ("Camille", "Yasmine", "Inês", "Nadia", "Élise", "Chloé"),
}


def seed_demo_appointments(agenda: AgendaService, per_type: int = 2) -> int:
    """Book a few appointments of each motif over the coming days; returns how many."""
    practice = agenda.practice()
    now = agenda.clock.now()
    if any(agenda.agenda((now + timedelta(days=offset)).date()) for offset in range(0, 8)):
        return 0
    actor = Actor("demo", Channel.SECRETARIAT)
    # Each demo patient keeps room for one more appointment booked online: the practice's limit of
    # appointments to come would otherwise turn a demo booking for them into a hand-over.
    limit = practice.rules.max_future_appointments_per_patient
    room = {
        patient.first_name: (limit - 1 if limit else per_type * len(practice.appointment_types))
        for patient in DEMO_PATIENTS
    }
    booked = 0
    turn = 0
    for appointment_type in practice.appointment_types:
        allowed = DEMO_MOTIF_PATIENTS.get(appointment_type.id)
        candidates = [p for p in DEMO_PATIENTS if allowed is None or p.first_name in allowed]
        for slot in agenda.find_slots(SlotQuery(appointment_type.id, count=per_type, spread_days=True)):
            free = [p for p in candidates if room[p.first_name] > 0]
            if not free:
                break
            patient = free[turn % len(free)]
            turn += 1
            try:
                agenda.book(
                    BookingRequest(appointment_type.id, slot.practitioner_id, slot.start, Channel.SECRETARIAT),
                    patient,
                    actor,
                )
                booked += 1
                room[patient.first_name] -= 1
            except AgendaError:
                continue
    return booked
