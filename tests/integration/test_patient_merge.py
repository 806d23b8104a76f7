"""Merging two records of one person (the secretariat's ``assistant patient merge``), on SQLite and PostgreSQL.

Everything of the merged record goes to the kept one in one transaction: appointments (any status) and so
their SMS, escalations, audit rows; one ``patient_merge`` audit row names who did it, with ids only.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assistant.adapters.db import tables as t
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.escalation import EscalationRequest
from assistant.core.identity import SAME_LAST_NAME, IdentityClaim
from assistant.core.model import Channel, Patient
from assistant.services.agenda import Actor
from assistant.services.escalations import EscalationService
from tests.builders import at

BOT = Actor("assistant", Channel.PHONE, "call-1")
CLAIRE = Actor("Claire", Channel.CLI)
SECRETARY = Actor("Claire", Channel.SECRETARIAT)
BIRTH = date(1984, 5, 6)


def book(agenda, start, patient, actor=BOT):
    return agenda.book(BookingRequest("consultation", "dupont", start, actor.channel), patient, actor)


@pytest.fixture()
def two_records(agenda, engine, clock):
    """'Léa Lemaire' (kept, no phone) and 'Lea-Marie Lemaire' (a typo of her, with her mobile and her history)."""
    kept = book(agenda, at(2026, 11, 24, 9, 0), Patient(None, "Lemaire", "Léa", BIRTH), SECRETARY)
    first = book(agenda, at(2026, 11, 24, 10, 0), Patient(None, "Lemaire", "Lea-Marie", BIRTH, "06 12 34 56 78"))
    second = book(agenda, at(2026, 11, 25, 10, 0), first.patient_id)
    agenda.cancel(second.id, BOT)
    escalations = EscalationService(uow_factory_for(engine), clock, agenda.practice)
    handover = escalations.open(
        EscalationRequest(
            channel=Channel.PHONE,
            conversation_id="call-1",
            reason="Résultats",
            category="human",
            urgency="routine",
            patient_id=first.patient_id,
        )
    )
    return kept, first, second, handover


def rows(engine, query):
    with engine.connect() as connection:
        return connection.execute(query).all()


def test_merge_moves_appointments_escalations_sms_and_history_then_deletes_the_other(agenda, engine, two_records):
    kept, first, second, handover = two_records
    kept_id, other_id = kept.patient_id, first.patient_id
    sms_before = rows(engine, select(t.sms_outbox.c.id).where(t.sms_outbox.c.appointment_id == first.id))
    assert sms_before  # the phone booking queued a confirmation to the mobile

    report = agenda.merge_patients(kept_id, other_id, CLAIRE)

    assert (report.kept_id, report.merged_id) == (kept_id, other_id)
    assert set(report.appointment_ids) == {first.id, second.id}  # the cancelled one too: nothing lost
    assert report.escalation_ids == (handover.id,)
    assert set(report.sms_outbox_ids) >= {row.id for row in sms_before}
    assert report.future_appointments == 2
    a = t.appointments.c
    owners = dict(rows(engine, select(a.id, a.patient_id)))
    assert owners == {kept.id: kept_id, first.id: kept_id, second.id: kept_id}
    assert [x.status for x in rows(engine, select(a.status).order_by(a.id))] == ["booked", "booked", "cancelled"]
    e = t.escalations.c
    assert rows(engine, select(e.patient_id).where(e.id == handover.id))[0].patient_id == kept_id
    p = t.patients.c
    assert [r.id for r in rows(engine, select(p.id))] == [kept_id]  # the other record is gone
    kept_row = rows(engine, select(p.phone, p.phone_key, p.first_name))[0]
    assert (kept_row.phone, kept_row.phone_key, kept_row.first_name) == ("06 12 34 56 78", "0612345678", "Léa")
    au = t.audit_events.c
    assert not rows(engine, select(au.id).where(au.patient_id == other_id))
    merge = [event for event in agenda.audit_trail() if event["action"] == "patient_merge"]
    assert len(merge) == 1
    assert (merge[0]["actor"], merge[0]["channel"], merge[0]["patient_id"]) == ("Claire", "cli", kept_id)
    details = merge[0]["details"]
    assert details["merged_patient_id"] == other_id and details["forced"] is False
    assert "Lemaire" not in str(details) and "0612" not in str(details) and "Lea" not in str(details)
    # The person is one record now: found by her names, and her bookings count together.
    found = agenda.identify_patient(IdentityClaim("Lemaire", "Léa", BIRTH, "06 12 34 56 78"))
    assert found is not None and found.id == kept_id
    assert len(agenda.patient_appointments(kept_id)) == 2


def test_merge_refuses_different_birth_dates_unless_forced(agenda, engine):
    one = book(agenda, at(2026, 11, 24, 9, 0), Patient(None, "Lemaire", "Léa", BIRTH))
    other = book(agenda, at(2026, 11, 24, 10, 0), Patient(None, "Lemaire", "Léa", date(1984, 6, 5)))
    with pytest.raises(AgendaError) as refused:
        agenda.merge_patients(one.patient_id, other.patient_id, CLAIRE)
    assert refused.value.code == "merge_birth_dates_differ"
    assert {r.patient_id for r in rows(engine, select(t.appointments.c.patient_id))} == {
        one.patient_id,
        other.patient_id,
    }
    assert len(rows(engine, select(t.patients.c.id))) == 2  # untouched

    report = agenda.merge_patients(one.patient_id, other.patient_id, CLAIRE, force=True)
    assert report.appointment_ids == (other.id,)
    merge = [event for event in agenda.audit_trail() if event["action"] == "patient_merge"]
    assert merge[0]["details"]["forced"] is True


def test_merge_refusals_change_nothing(agenda, engine):
    one = book(agenda, at(2026, 11, 24, 9, 0), Patient(None, "Lemaire", "Léa", BIRTH))
    for kept, other, code in (
        (one.patient_id, one.patient_id, "merge_same_patient"),
        (one.patient_id, 4242, "patient_not_found"),
        (4242, one.patient_id, "patient_not_found"),
    ):
        with pytest.raises(AgendaError) as refused:
            agenda.merge_patients(kept, other, CLAIRE)
        assert refused.value.code == code
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.patients)).scalar() == 1
    assert not [event for event in agenda.audit_trail() if event["action"] == "patient_merge"]


def test_a_booking_for_a_merged_away_record_is_refused_as_unknown_patient(agenda, two_records):
    kept, first, _, _ = two_records
    agenda.merge_patients(kept.patient_id, first.patient_id, CLAIRE)
    with pytest.raises(AgendaError) as refused:
        book(agenda, at(2026, 11, 26, 9, 0), first.patient_id)
    assert refused.value.code == "patient_not_found"


def test_probable_duplicates_lists_same_birth_date_and_surname(agenda, two_records):
    kept, first, _, _ = two_records
    book(agenda, at(2026, 11, 26, 9, 0), Patient(None, "Autre", "Paul", BIRTH))
    groups = agenda.probable_duplicates()
    assert [(g.reason, [p.id for p in g.patients]) for g, _ in groups] == [
        (SAME_LAST_NAME, [kept.patient_id, first.patient_id])
    ]
    assert groups[0][1] == {kept.patient_id: 1, first.patient_id: 1}


def test_the_database_refuses_a_second_row_for_the_same_person(engine, clock):
    """The last line of defence under the service: the unique index on (birth date, names keys)."""
    from sqlalchemy.exc import IntegrityError

    from assistant.adapters.db.unit_of_work import SqlUnitOfWork

    with SqlUnitOfWork(engine) as uow:
        uow.patients.add(Patient(None, "Le Gall", "Anne-Marie", BIRTH), clock.now())
        with pytest.raises(IntegrityError):
            uow.patients.add(Patient(None, "LEGALL", "anne marie", BIRTH, "0612345678"), clock.now())
    with SqlUnitOfWork(engine) as uow:
        first = uow.patients.add_if_absent(Patient(None, "Le Gall", "Anne-Marie", BIRTH), clock.now())
        assert first is not None
        assert uow.patients.add_if_absent(Patient(None, "LEGALL", "anne marie", BIRTH), clock.now()) is None
        uow.commit()
