"""Escalations on a real database (SQLite always; PostgreSQL with CI=true): storage, merging, transitions, audit."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.core.booking import BookingRequest
from assistant.core.escalation import EscalationError, EscalationRequest
from assistant.core.model import Channel, Patient, Secretariat
from assistant.services.agenda import Actor, AgendaService
from assistant.services.escalations import EscalationService
from tests.builders import MON_TO_FRI, at, make_practice, rule

NOW = at(2026, 11, 23, 10, 0)  # Monday, the secretariat is staffed
TRANSCRIPT = [("patient", "Bonjour, je voudrais mes résultats"), ("assistant", "Je transmets au secrétariat.")]


@dataclass
class MovableClock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)


@pytest.fixture()
def moving_clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture()
def agenda_with_secretariat(engine, moving_clock) -> AgendaService:
    practice = replace(
        make_practice(), secretariat=Secretariat(hours=(rule(MON_TO_FRI, "08:30-12:00", "14:00-18:00"),))
    )
    agenda = AgendaService(uow_factory_for(engine), moving_clock)
    agenda.apply_practice(practice, "tests", Actor("tests", Channel.CLI))
    return agenda


@pytest.fixture()
def service(engine, moving_clock, agenda_with_secretariat) -> EscalationService:
    return EscalationService(uow_factory_for(engine), moving_clock, agenda_with_secretariat.practice)


def open_results(service: EscalationService, conversation: str = "conv-1", **overrides):
    values = {
        "channel": Channel.CHAT,
        "conversation_id": conversation,
        "reason": "Demande de résultats",
        "category": "sensitive",
        "urgency": "routine",
        "understood": {"demande": "résultats", "identité vérifiée": "non"},
        "transcript": TRANSCRIPT,
    }
    values.update(overrides)
    return service.open(EscalationRequest(**values))


def audit_rows(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(select(t.audit_events).order_by(t.audit_events.c.id)).all()


def escalation_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(t.escalations)).scalar_one()


def test_open_stores_the_escalation_and_audits_it(service, engine):
    opened = open_results(service, callback_number="+33 6 01 02 03 04")
    assert opened.id is not None
    again = service.get(opened.id)
    assert again == opened
    assert (again.status, again.category, again.urgency, again.channel) == (
        "open",
        "sensitive",
        "routine",
        Channel.CHAT,
    )
    assert again.transcript == tuple(TRANSCRIPT)
    assert again.understood == {"demande": "résultats", "identité vérifiée": "non"}
    assert again.callback_number == "06 01 02 03 04" and not again.callback_requested
    assert again.created_at == NOW and again.practice_id == "test"
    trail = service.audit_trail(opened.id)
    assert [(e["action"], e["actor"], e["channel"]) for e in trail] == [("escalation_open", "assistant", "chat")]
    assert trail[0]["details"] == {
        "conversation_id": "conv-1",
        "category": "sensitive",
        "urgency": "routine",
        "status": "open",
    }


def test_a_second_handover_in_the_conversation_updates_it_and_raises_urgency(service, engine, moving_clock):
    first = open_results(service)
    moving_clock.advance(minutes=2)
    longer = [*TRANSCRIPT, ("patient", "j'ai très mal à la poitrine")]
    second = open_results(
        service,
        reason="Douleur thoracique",
        category="emergency",
        urgency="immediate",
        understood={"identité vérifiée": "oui"},
        transcript=longer,
        channel="chat",
    )
    assert second.id == first.id and escalation_count(engine) == 1
    stored = service.get(first.id)
    assert (stored.urgency, stored.category) == ("immediate", "emergency")
    assert stored.reason == "Demande de résultats; Douleur thoracique"
    assert stored.transcript == tuple(longer)
    assert stored.understood == {"demande": "résultats", "identité vérifiée": "oui"}
    assert stored.created_at == NOW and stored.updated_at == NOW + timedelta(minutes=2)
    trail = service.audit_trail(first.id)
    assert [e["action"] for e in trail] == ["escalation_open", "escalation_update"]
    assert trail[1]["details"]["previous_urgency"] == "routine" and trail[1]["details"]["urgency"] == "immediate"
    # A later, milder hand-over never lowers it.
    third = open_results(service, reason="Incompréhension répétée", category="misunderstanding")
    assert (third.urgency, third.category) == ("immediate", "emergency")


def test_other_conversations_and_closed_ones_get_their_own_escalation(service, engine):
    first = open_results(service, conversation="a")
    other = open_results(service, conversation="b")
    assert other.id != first.id
    service.close(first.id, "resolved", "Claire")
    after_close = open_results(service, conversation="a")
    assert after_close.id not in (first.id, other.id)
    assert escalation_count(engine) == 3
    # A taken escalation is still in progress: a new hand-over updates it.
    service.take(after_close.id, "Claire")
    assert open_results(service, conversation="a", urgency="urgent", category="urgent").id == after_close.id
    assert service.get(after_close.id).status == "taken"


def test_at_most_one_escalation_in_progress_per_conversation_in_the_database(service, engine):
    opened = open_results(service)
    row = {
        "practice_id": "test",
        "channel": "chat",
        "conversation_id": opened.conversation_id,
        "reason": "r",
        "category": "human",
        "urgency": "routine",
        "status": "taken",
        "understood": {},
        "transcript": [],
        "created_at": NOW,
        "updated_at": NOW,
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(t.escalations).values(**row))
    with engine.begin() as connection:  # closed ones are history: any number of them
        connection.execute(insert(t.escalations).values(**{**row, "status": "closed"}))
        connection.execute(insert(t.escalations).values(**{**row, "status": "closed"}))


def test_simultaneous_handovers_of_one_conversation_make_one_escalation(
    service, engine, database_url, moving_clock, agenda_with_secretariat
):
    threads_count = 12 if database_url.startswith("postgresql") else 4
    racing_engine = (
        create_agenda_engine(database_url, pool_size=threads_count + 2)
        if database_url.startswith("postgresql")
        else create_agenda_engine(database_url)
    )
    racing = EscalationService(uow_factory_for(racing_engine), moving_clock, agenda_with_secretariat.practice)
    barrier = threading.Barrier(threads_count)
    results: list[object] = [None] * threads_count

    def work(index: int) -> None:
        barrier.wait()
        try:
            results[index] = open_results(
                racing, reason=f"Raison {index}", urgency="urgent" if index == 3 else "routine"
            )
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    racing_engine.dispose()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert escalation_count(engine) == 1
    (stored,) = service.list_open()
    assert stored.urgency == "urgent"
    assert sorted(stored.reason.split("; ")) == sorted(f"Raison {i}" for i in range(threads_count))
    actions = [e["action"] for e in service.audit_trail(stored.id)]
    assert actions == ["escalation_open"] + ["escalation_update"] * (threads_count - 1)


def test_callback_during_staffed_hours_is_as_soon_as_possible(service, engine):
    opened = open_results(service)
    called = service.set_callback(opened.id, "06 01 02 03 04")
    assert called.callback_requested and called.callback_number == "06 01 02 03 04" and called.callback_after is None
    assert service.get(opened.id) == called
    last = service.audit_trail(opened.id)[-1]
    assert last["action"] == "escalation_callback" and last["details"]["callback_after"] is None


def test_callback_after_hours_is_for_the_next_morning(service, moving_clock):
    moving_clock.instant = at(2026, 11, 23, 20, 30)  # Monday evening: closed
    opened = open_results(service)
    called = service.set_callback(opened.id, "0601020304")
    assert called.callback_after == at(2026, 11, 24, 8, 30)
    assert service.get(opened.id).callback_after == at(2026, 11, 24, 8, 30)
    assert "à partir du 24/11/2026 à 08:30" in service.written_summary(opened.id)


def test_callback_refusals_change_nothing(service, engine):
    opened = open_results(service)
    before = (service.get(opened.id), len(audit_rows(engine)))
    with pytest.raises(EscalationError) as raised:
        service.set_callback(opened.id, "12 34")
    assert raised.value.code == "invalid_phone"
    with pytest.raises(EscalationError) as raised:
        service.set_callback(999, "0601020304")
    assert raised.value.code == "escalation_not_found" and "n°999" in raised.value.message
    assert (service.get(opened.id), len(audit_rows(engine))) == before


def test_take_and_close_transitions_with_their_errors(service, engine, moving_clock):
    opened = open_results(service)
    moving_clock.advance(minutes=5)
    taken = service.take(opened.id, "Claire")
    assert (taken.status, taken.taken_by, taken.taken_at) == ("taken", "Claire", NOW + timedelta(minutes=5))
    moving_clock.advance(minutes=10)
    with pytest.raises(EscalationError) as raised:
        service.close(opened.id, "done", "Claire")
    assert raised.value.code == "invalid_outcome"
    closed = service.close(opened.id, "resolved", "Claire")
    assert (closed.status, closed.outcome, closed.closed_by) == ("closed", "resolved", "Claire")
    assert service.get(opened.id).closed_at == NOW + timedelta(minutes=15)
    count = len(audit_rows(engine))
    for attempt in (
        lambda: service.take(opened.id, "Sophie"),
        lambda: service.close(opened.id, "resolved", "Sophie"),
        lambda: service.set_callback(opened.id, "0601020304"),
    ):
        with pytest.raises(EscalationError) as raised:
            attempt()
        assert raised.value.code == "escalation_closed"
    assert service.get(opened.id) == closed and len(audit_rows(engine)) == count
    with pytest.raises(EscalationError) as raised:
        service.take(424242, "Claire")
    assert raised.value.code == "escalation_not_found"
    trail = service.audit_trail(opened.id)
    assert [(e["action"], e["actor"], e["channel"]) for e in trail] == [
        ("escalation_open", "assistant", "chat"),
        ("escalation_take", "Claire", "secretariat"),
        ("escalation_close", "Claire", "secretariat"),
    ]
    assert trail[-1]["details"]["outcome"] == "resolved" and trail[-1]["details"]["status"] == "closed"


def test_list_open_is_in_triage_order_and_list_all_adds_closed(service, moving_clock):
    routine_old = open_results(service, conversation="r1")
    moving_clock.advance(minutes=1)
    urgent = open_results(service, conversation="u1", category="urgent", urgency="urgent")
    moving_clock.advance(minutes=1)
    immediate = open_results(service, conversation="i1", category="emergency", urgency="immediate")
    moving_clock.advance(minutes=1)
    routine_new = open_results(service, conversation="r2", category="human")
    moving_clock.advance(minutes=1)
    closed = open_results(service, conversation="c1", category="urgent", urgency="urgent")
    service.close(closed.id, "resolved", "Claire")
    service.take(routine_new.id, "Claire")
    assert [e.id for e in service.list_open()] == [immediate.id, urgent.id, routine_old.id, routine_new.id]
    assert [e.id for e in service.list_all()] == [
        immediate.id,
        urgent.id,
        closed.id,
        routine_old.id,
        routine_new.id,
    ]


def test_record_call_outcome_for_the_phone_line(service, engine):
    count = len(audit_rows(engine))
    assert service.record_call_outcome("unknown-call", 42, "completed") is None
    assert len(audit_rows(engine)) == count
    opened = open_results(service, conversation="CA123", channel=Channel.PHONE)
    recorded = service.record_call_outcome("CA123", 125, "no-answer")
    assert recorded is not None and recorded.id == opened.id
    assert (recorded.call_outcome, recorded.call_duration_seconds, recorded.status) == ("no_answer", 125, "open")
    assert service.get(opened.id) == recorded
    last = service.audit_trail(opened.id)[-1]
    assert (last["action"], last["channel"]) == ("escalation_call_outcome", "phone")
    assert last["details"]["duration_seconds"] == 125 and last["details"]["call_outcome"] == "no_answer"
    assert "Appel : 2 min 05 s, transfert sans réponse" in service.written_summary(opened.id)
    # Also once the secretariat has closed it: the report arrives when the call ends.
    service.close(opened.id, "transferred", "Claire")
    assert service.record_call_outcome("CA123", 300, "completed").call_duration_seconds == 300
    assert service.get(opened.id).outcome == "transferred"


def test_verified_patient_appears_in_the_summaries_but_never_in_the_audit_or_logs(
    service, agenda_with_secretariat, engine, caplog
):
    caplog.set_level("DEBUG")
    appointment = agenda_with_secretariat.book(
        BookingRequest("consultation", "dupont", at(2026, 11, 24, 9, 0), Channel.CHAT),
        Patient(None, "Lefèvre", "Alice", date(1990, 4, 2), "06 12 34 56 78"),
        Actor("assistant", Channel.CHAT, "conv-9"),
    )
    opened = open_results(
        service,
        conversation="conv-9",
        patient_id=appointment.patient_id,
        callback_number="06 12 34 56 78",
        reason="Question médicale sur son traitement",
    )
    service.set_callback(opened.id, "06 98 76 54 32")
    assert opened.patient_id == appointment.patient_id
    summary = service.written_summary(opened.id)
    assert "Identité vérifiée : LEFÈVRE Alice, né(e) le 02/04/1990" in summary
    assert "Rappel demandé au 06 98 76 54 32" in summary
    assert service.spoken_summary("conv-9") == (
        "Appel transféré par l'assistant : question médicale sur son traitement, sans urgence, "
        "identité vérifiée pour Alice Lefèvre."
    )
    assert service.spoken_summary("nobody") is None
    audit = str([dict(row._mapping) for row in audit_rows(engine)])
    for secret in ("Lefèvre", "06 12", "06 98", "traitement", "résultats"):
        assert secret not in audit and secret not in caplog.text
    assert any(
        row.escalation_id == opened.id and row.patient_id == appointment.patient_id for row in audit_rows(engine)
    )


def test_an_unknown_patient_id_never_loses_the_handover(service):
    opened = open_results(service, patient_id=987654, category="emergency", urgency="immediate")
    assert opened.id is not None and opened.patient_id is None


def test_invalid_handover_is_refused_before_anything_is_written(service, engine):
    count = len(audit_rows(engine))
    with pytest.raises(EscalationError) as raised:
        open_results(service, category="availability")
    assert raised.value.code == "invalid_escalation"
    assert escalation_count(engine) == 0 and len(audit_rows(engine)) == count
