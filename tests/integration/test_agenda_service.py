"""The agenda on a real database (SQLite always; PostgreSQL with CI=true)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from assistant.adapters.db import tables as t
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.identity import IdentityClaim
from assistant.core.model import AppointmentStatus, Channel, Patient
from assistant.core.slots import SlotQuery
from assistant.services.agenda import Actor
from tests.builders import at, make_practice

SECRETARY = Actor("secretariat:claire", Channel.SECRETARIAT)
BOT = Actor("assistant", Channel.CHAT, conversation_id="conv-42")
ALICE = Patient(None, "Lefèvre", "Alice", date(1990, 4, 2), "06 12 34 56 78")
BOB = Patient(None, "Martin", "Bob", date(1975, 1, 30))


def book(agenda, start, patient=ALICE, actor=BOT, practitioner="dupont", type_id="consultation"):
    return agenda.book(BookingRequest(type_id, practitioner, start, actor.channel), patient, actor)


def snapshot(engine):
    """Every row that matters, to prove a refused operation changed nothing."""
    with engine.connect() as connection:
        return (
            connection.execute(select(t.appointments).order_by(t.appointments.c.id)).all(),
            connection.execute(select(func.count()).select_from(t.patients)).scalar(),
            connection.execute(select(func.count()).select_from(t.audit_events)).scalar(),
        )


def test_book_records_channel_conversation_and_audit(agenda):
    appointment = book(agenda, at(2026, 11, 24, 9, 0))
    assert appointment.id is not None
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.channel is Channel.CHAT and appointment.conversation_id == "conv-42"
    assert appointment.end - appointment.start == timedelta(minutes=20)
    trail = agenda.audit_trail(appointment.id)
    assert [event["action"] for event in trail] == ["book"]
    assert trail[0]["details"]["conversation_id"] == "conv-42"
    # The audit trail holds ids and times, never names or phone numbers.
    assert "Lefèvre" not in str(agenda.audit_trail()) and "06 12" not in str(agenda.audit_trail())


def test_found_slot_can_be_booked_and_is_then_no_longer_offered(agenda):
    first = agenda.find_slots(SlotQuery("consultation", practitioner_ids=("dupont",), count=1))[0]
    book(agenda, first.start)
    again = agenda.find_slots(SlotQuery("consultation", practitioner_ids=("dupont",), count=1))[0]
    assert again.start > first.start


def test_same_slot_twice_is_refused_and_changes_nothing(agenda, engine):
    book(agenda, at(2026, 11, 24, 9, 0))
    before = snapshot(engine)
    with pytest.raises(AgendaError) as caught:
        book(agenda, at(2026, 11, 24, 9, 10), patient=BOB)  # overlaps 09:00-09:20
    assert caught.value.code == "slot_taken"
    assert snapshot(engine) == before  # no patient created for Bob, no audit row


def test_failed_booking_for_a_new_patient_creates_no_patient(agenda, engine):
    before = snapshot(engine)
    with pytest.raises(AgendaError) as caught:
        book(agenda, at(2026, 11, 24, 12, 30), patient=BOB)
    assert caught.value.code == "outside_hours"
    assert snapshot(engine) == before


def test_existing_patient_is_recognised_despite_accents_and_case(agenda):
    first = book(agenda, at(2026, 11, 24, 9, 0))
    second = book(agenda, at(2026, 11, 25, 9, 0), patient=Patient(None, "LEFEVRE", "alice", date(1990, 4, 2)))
    assert first.patient_id == second.patient_id
    found = agenda.identify_patient(IdentityClaim("lefevre", "ALICE", date(1990, 4, 2), "+33612345678"))
    assert found is not None and found.id == first.patient_id


def test_a_known_patient_giving_another_number_is_still_that_patient(agenda, engine):
    """Seen on the demo: a second record for the same name and birth date, and then neither was found."""
    first = book(agenda, at(2026, 11, 24, 9, 0))
    other = Patient(None, "Lefèvre", "Alice", date(1990, 4, 2), "07 11 22 33 44")
    second = book(agenda, at(2026, 11, 25, 9, 0), patient=other)
    assert second.patient_id == first.patient_id
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.patients)).scalar() == 1
        assert connection.execute(select(t.patients.c.phone)).scalar() == "06 12 34 56 78"  # the file's: unchanged
        sent_to = connection.execute(
            select(t.sms_outbox.c.to_number).where(t.sms_outbox.c.appointment_id == second.id)
        ).scalar()
        details = connection.execute(
            select(t.audit_events.c.details).where(
                t.audit_events.c.appointment_id == second.id, t.audit_events.c.action == "book"
            )
        ).scalar()
    assert sent_to.replace(" ", "").endswith("711223344")  # the confirmation goes to the number given
    assert details["other_phone_given"] is True and "0711223344" not in str(details)
    found = agenda.identify_patient(IdentityClaim("Lefèvre", "Alice", date(1990, 4, 2)))
    assert found is not None and found.id == first.patient_id


def test_partial_identity_reveals_nothing(agenda):
    book(agenda, at(2026, 11, 24, 9, 0))
    assert agenda.identify_patient(IdentityClaim("Lefèvre", "Alice", date(1990, 4, 3))) is None
    assert agenda.identify_patient(IdentityClaim("Lefèvre", "Alice", date(1990, 4, 2), "0700000000")) is None
    assert agenda.identify_patient(IdentityClaim("Lefèvre", "Alicia", date(1990, 4, 2))) is None


def test_patient_limit_of_future_appointments(agenda):
    for day in (24, 25, 26):
        book(agenda, at(2026, 11, day, 9, 0))
    with pytest.raises(AgendaError) as caught:
        book(agenda, at(2026, 11, 27, 9, 0))
    assert caught.value.code == "too_many_appointments"
    # The secretariat can still book beyond the patient's online limit.
    book(agenda, at(2026, 11, 27, 9, 0), actor=SECRETARY)


def test_move_is_atomic_and_audited(agenda, engine):
    original = book(agenda, at(2026, 11, 25, 9, 0))
    blocker = book(agenda, at(2026, 11, 26, 9, 0), patient=BOB)
    before = snapshot(engine)
    with pytest.raises(AgendaError) as caught:
        agenda.move(original.id, at(2026, 11, 26, 9, 0), BOT)
    assert caught.value.code == "slot_taken"
    assert snapshot(engine) == before  # the old slot was not freed
    moved = agenda.move(original.id, at(2026, 11, 26, 10, 0), BOT)
    assert moved.start == at(2026, 11, 26, 10, 0) and moved.id == original.id
    # The freed slot is bookable again.
    book(agenda, at(2026, 11, 25, 9, 0), patient=BOB)
    trail = agenda.audit_trail(original.id)
    assert [e["action"] for e in trail] == ["book", "move"]
    assert trail[1]["details"]["from_start"].startswith("2026-11-25T08:00")  # UTC
    assert blocker.id != original.id


def test_move_to_another_practitioner(agenda):
    original = book(agenda, at(2026, 11, 25, 9, 0))
    moved = agenda.move(original.id, at(2026, 11, 26, 9, 0), SECRETARY, new_practitioner_id="martin")
    assert moved.practitioner_id == "martin"
    assert agenda.agenda(date(2026, 11, 26), "martin")[0][0].id == original.id


def test_move_within_own_slot_overlap_is_allowed(agenda):
    original = book(agenda, at(2026, 11, 25, 9, 0))
    moved = agenda.move(original.id, at(2026, 11, 25, 9, 10), BOT)
    assert moved.start == at(2026, 11, 25, 9, 10)


def test_cancel_frees_the_slot_and_late_cancellation_goes_to_the_secretariat(agenda):
    soon = book(agenda, at(2026, 11, 23, 16, 0), actor=SECRETARY)
    with pytest.raises(AgendaError) as caught:
        agenda.cancel(soon.id, Actor("assistant", Channel.PHONE))
    assert caught.value.code == "too_late_to_cancel"
    cancelled = agenda.cancel(soon.id, SECRETARY, reason="patient malade")
    assert cancelled.status is AppointmentStatus.CANCELLED
    book(agenda, at(2026, 11, 23, 16, 0), patient=BOB, actor=SECRETARY)  # the slot is free again
    with pytest.raises(AgendaError) as caught:
        agenda.cancel(soon.id, SECRETARY)
    assert caught.value.code == "appointment_not_active"


def test_unknown_appointment(agenda):
    with pytest.raises(AgendaError) as caught:
        agenda.cancel(999_999, SECRETARY)
    assert caught.value.code == "appointment_not_found"


def test_agenda_lists_a_local_day(agenda):
    book(agenda, at(2026, 11, 24, 8, 30))
    book(agenda, at(2026, 11, 24, 17, 40), patient=BOB)
    book(agenda, at(2026, 11, 25, 8, 30), patient=BOB)
    rows = agenda.agenda(date(2026, 11, 24))
    assert [(a.start, p.first_name) for a, p in rows] == [
        (at(2026, 11, 24, 8, 30), "Alice"),
        (at(2026, 11, 24, 17, 40), "Bob"),
    ]


def test_reloading_the_practice_never_deletes_appointments_and_reports_misfits(agenda, engine):
    kept = book(agenda, at(2026, 11, 24, 17, 0))
    from assistant.core.model import Practitioner
    from tests.builders import MON_TO_FRI, rule

    shorter = make_practice(
        practitioners=(
            Practitioner(
                "dupont", "Anne Dupont", "Dr", "médecine générale", schedule=(rule(MON_TO_FRI, "08:30-12:00"),)
            ),
            Practitioner("martin", "Paul Martin", "Dr", "médecine générale", schedule=(rule((1, 3), "09:00-12:00"),)),
        )
    )
    report = agenda.apply_practice(shorter, "shorter.yml", SECRETARY)
    assert report.changed
    assert [a.id for a in report.conflicts] == [kept.id]
    assert agenda.get_appointment(kept.id).status is AppointmentStatus.BOOKED
    # Applying the same file again changes nothing.
    assert not agenda.apply_practice(shorter, "shorter.yml", SECRETARY).changed


def test_removed_practitioner_is_deactivated_not_deleted(agenda, engine):
    kept = book(agenda, at(2026, 11, 24, 9, 0), practitioner="martin", actor=SECRETARY)
    from assistant.core.model import AppointmentType

    practice = make_practice()
    without_martin = make_practice(
        practitioners=(practice.practitioner("dupont"),),
        appointment_types=(AppointmentType("consultation", "Consultation", 20, ("dupont",)),),
    )
    report = agenda.apply_practice(without_martin, "x.yml", SECRETARY)
    assert "martin" in report.deactivated and "long" in report.deactivated
    assert kept.id in [a.id for a in report.conflicts]
    with engine.connect() as connection:
        active = connection.execute(select(t.practitioners.c.active).where(t.practitioners.c.id == "martin")).scalar()
    assert active is False or active == 0
    assert agenda.get_appointment(kept.id).status is AppointmentStatus.BOOKED


def test_slot_search_through_the_service_sees_booked_appointments(agenda):
    for minute in (30, 50):
        book(
            agenda,
            at(2026, 11, 24, 8, minute),
            patient=Patient(None, "P", f"n{minute}", date(1980, 1, 1)),
            actor=SECRETARY,
        )
    from assistant.core.model import Interval
    from assistant.core.windows import TimeWish

    wish = TimeWish(intervals=(Interval(at(2026, 11, 24), at(2026, 11, 25)),))
    found = agenda.find_slots(SlotQuery("consultation", practitioner_ids=("dupont",), wish=wish, count=1))
    assert found[0].start == at(2026, 11, 24, 9, 10)
