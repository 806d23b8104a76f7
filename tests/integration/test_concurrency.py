"""Races: the same slot is never given twice, reschedules never lose or duplicate an appointment.

Each worker thread has its own connection from a pool large enough for all of
them, and all start at once behind a barrier, so the check-then-insert really
races on PostgreSQL. SQLite runs the same scenarios (its writers queue on
``BEGIN IMMEDIATE``) with fewer threads.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.identity import IdentityClaim
from assistant.core.model import AppointmentType, Channel, Patient, Practitioner
from assistant.services.agenda import Actor, AgendaService
from tests.builders import MON_TO_FRI, at, make_practice, rule

BOT = Actor("assistant", Channel.PHONE)


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def runner(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except AgendaError as error:
            results[index] = error.code
        except Exception as error:
            results[index] = f"unexpected: {type(error).__name__}: {error}"

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture()
def racing_agenda(agenda, database_url, clock):
    """A second service on an engine with one connection per racing thread."""
    engine = (
        create_agenda_engine(database_url, pool_size=55, max_overflow=5)
        if database_url.startswith("postgresql")
        else create_agenda_engine(database_url)
    )
    yield AgendaService(uow_factory_for(engine), clock), engine
    engine.dispose()


def thread_count(database_url):
    return 50 if database_url.startswith("postgresql") else 12


def active_rows(engine):
    with engine.connect() as connection:
        return connection.execute(
            select(t.appointments.c.id, t.appointments.c.start_at, t.appointments.c.practitioner_id).where(
                t.appointments.c.status == "booked"
            )
        ).all()


def patient(i):
    return Patient(None, "Racer", f"P{i}", date(1980, 1, 1) + timedelta(days=i))


def test_parallel_bookings_of_one_slot_give_exactly_one_appointment(racing_agenda, database_url):
    service, engine = racing_agenda
    count = thread_count(database_url)
    slot = at(2026, 11, 24, 9, 0)
    results = run_together(
        count, lambda i: service.book(BookingRequest("consultation", "dupont", slot, Channel.PHONE), patient(i), BOT).id
    )
    outcomes = Counter("ok" if isinstance(r, int) else r for r in results)
    assert outcomes == {"ok": 1, "slot_taken": count - 1}, outcomes
    rows = active_rows(engine)
    assert len(rows) == 1 and rows[0].start_at == slot
    with engine.connect() as connection:
        books = connection.execute(
            select(func.count()).select_from(t.audit_events).where(t.audit_events.c.action == "book")
        ).scalar()
    assert books == 1


def test_parallel_overlapping_bookings_never_overlap(racing_agenda, database_url):
    """Different starts that overlap one another: only the lock (not the unique index) can stop these."""
    service, engine = racing_agenda
    count = thread_count(database_url)
    starts = [at(2026, 11, 24, 9, 0) + timedelta(minutes=5 * (i % 4)) for i in range(count)]
    run_together(
        count,
        lambda i: service.book(BookingRequest("consultation", "dupont", starts[i], Channel.PHONE), patient(i), BOT).id,
    )
    rows = sorted(active_rows(engine), key=lambda r: r.start_at)
    assert len(rows) == 1  # every start in 09:00-09:15 overlaps every other 20-minute visit
    for earlier, later in itertools.pairwise(rows):
        assert earlier.start_at + timedelta(minutes=20) <= later.start_at


def test_parallel_reschedules_into_one_slot_move_exactly_one(racing_agenda, database_url):
    service, engine = racing_agenda
    count = min(thread_count(database_url), 30)
    secretary = Actor("secretariat", Channel.SECRETARIAT)
    originals = [
        service.book(
            BookingRequest(
                "consultation", "dupont", at(2026, 11, 25, 8, 30) + timedelta(minutes=20 * i), Channel.SECRETARIAT
            ),
            patient(i),
            secretary,
        )
        for i in range(count)
        if at(2026, 11, 25, 8, 30) + timedelta(minutes=20 * (i + 1)) <= at(2026, 11, 25, 12, 0)
    ]
    target = at(2026, 11, 26, 9, 0)
    results = run_together(len(originals), lambda i: service.move(originals[i].id, target, BOT).id)
    outcomes = Counter("ok" if isinstance(r, int) else r for r in results)
    assert outcomes == {"ok": 1, "slot_taken": len(originals) - 1}, outcomes
    rows = active_rows(engine)
    assert len(rows) == len(originals)  # nothing lost, nothing duplicated
    assert sum(1 for r in rows if r.start_at == target) == 1


def test_parallel_moves_of_one_appointment_leave_exactly_one(racing_agenda, database_url):
    service, engine = racing_agenda
    count = min(thread_count(database_url), 20)
    original = service.book(
        BookingRequest("consultation", "dupont", at(2026, 11, 25, 9, 0), Channel.PHONE), patient(0), BOT
    )
    targets = [at(2026, 11, 26, 8, 30) + timedelta(minutes=20 * (i % 10)) for i in range(count)]
    results = run_together(count, lambda i: service.move(original.id, targets[i], BOT).start)
    rows = active_rows(engine)
    assert len(rows) == 1 and rows[0].id == original.id
    assert rows[0].start_at in targets
    moves = [r for r in results if not isinstance(r, str)]
    assert moves, results
    assert all(r == "slot_taken" for r in results if isinstance(r, str)), results
    with engine.connect() as connection:
        audited = connection.execute(
            select(func.count())
            .select_from(t.audit_events)
            .where(t.audit_events.c.action == "move", t.audit_events.c.appointment_id == original.id)
        ).scalar()
    assert audited == len(moves)


def four_practitioner_practice():
    practitioners = tuple(
        Practitioner(
            id=pid,
            name=f"Praticien {pid}",
            title="Dr",
            specialty="médecine générale",
            schedule=(rule(MON_TO_FRI, "08:30-12:00"),),
        )
        for pid in ("p1", "p2", "p3", "p4")
    )
    return make_practice(
        practitioners=practitioners,
        appointment_types=(AppointmentType("consultation", "Consultation", 20, ("p1", "p2", "p3", "p4")),),
    )


def test_same_new_patient_booked_with_four_practitioners_at_once_is_one_patient(racing_agenda, database_url):
    """QA (PostgreSQL): the same new person booked at the same moment with 4 practitioners gave 4 patient rows,
    5 runs of 5; the person could no longer be identified and the limit of 3 future appointments was bypassed."""
    service, engine = racing_agenda
    service.apply_practice(four_practitioner_practice(), "tests", Actor("tests", Channel.CLI))
    practitioners = ("p1", "p2", "p3", "p4")
    birth = date(1984, 5, 6)
    for run in range(5):
        first_name = f"Run{run}"
        start = at(2026, 11, 24, 8, 40) + timedelta(minutes=20 * run)
        # Half give their mobile, half do not: still one person (the file's number is completed once).
        described = [Patient(None, "Lemaire", first_name, birth, "06 12 34 56 78" if i % 2 else "") for i in range(4)]
        requests = [BookingRequest("consultation", pid, start, Channel.PHONE) for pid in practitioners]
        results = run_together(4, lambda i, r=requests, d=described: service.book(r[i], d[i], BOT).patient_id)
        with engine.connect() as connection:
            p = t.patients.c
            rows = connection.execute(select(p.id).where(p.first_name == first_name)).scalars().all()
        assert len(rows) == 1, (run, rows, results)
        outcomes = Counter("ok" if isinstance(r, int) else r for r in results)
        assert outcomes == {"ok": 3, "too_many_appointments": 1}, (run, results)
        assert {r for r in results if isinstance(r, int)} == set(rows)
        assert len(service.patient_appointments(rows[0])) == 3
        for phone in ("", "0612345678"):
            found = service.identify_patient(IdentityClaim("LEMAIRE", first_name.lower(), birth, phone))
            assert found is not None and found.id == rows[0], (run, phone)
