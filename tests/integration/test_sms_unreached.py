"""A confirmation SMS that never reaches the patient becomes a request for the secretariat.

On a real database (SQLite; PostgreSQL too with CI=true): the worker gives up on
a message, or Twilio reports it undelivered, and the escalation list then holds
one request per appointment ("patient non prévenu par SMS") with the patient, the
number to call and what they were not told.
"""

from __future__ import annotations

import logging

import pytest

from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.adapters.sms.fake import FakeSmsSender
from assistant.adapters.sms.worker import RECORDED, OutboxWorker
from assistant.bootstrap import build
from assistant.core import sms
from assistant.core.escalation import UNREACHED
from assistant.core.model import Channel
from assistant.core.sms import SmsSendError
from assistant.services.escalations import EscalationService
from assistant.settings import Settings
from tests.builders import at
from tests.integration import test_sms_outbox as outbox_tests
from tests.integration.test_sms_outbox import ALICE, PHONE_BOT, SECRETARY, book, outbox_rows

service = outbox_tests.service
moving_clock = outbox_tests.moving_clock


@pytest.fixture()
def escalations(service, engine, moving_clock) -> EscalationService:
    return EscalationService(uow_factory_for(engine), moving_clock, service.practice)


def worker(engine, clock, escalations, sender=None) -> OutboxWorker:
    return OutboxWorker(uow_factory_for(engine), sender, clock, escalations=escalations)


def sent(engine, clock, escalations) -> str:
    """Send every due message with a working (fake) sender; Twilio's id for the last one."""
    assert worker(engine, clock, escalations, FakeSmsSender()).run_once()["sent"] >= 1
    return str(outbox_rows(engine)[-1].provider_sid)


def test_a_move_the_patient_was_never_told_of_opens_an_urgent_request(service, engine, moving_clock, escalations):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    sent(engine, moving_clock, escalations)  # the booking's confirmation went out
    service.move(appointment.id, at(2026, 11, 24, 16, 0), SECRETARY, notify=True)
    sender = FakeSmsSender()
    sender.fail_next(SmsSendError("21211", permanent=True))
    assert worker(engine, moving_clock, escalations, sender).run_once()["failed"] == 1

    [request] = escalations.list_open()
    assert (request.category, request.urgency, request.channel) == (UNREACHED, "urgent", Channel.SMS)
    assert request.patient_id == appointment.patient_id
    assert request.callback_number == "06 12 34 56 78"
    assert request.reason.startswith("SMS de déplacement non remis (numéro invalide) : rendez-vous déplacé au ")
    assert "16 h" in request.reason and request.reason.endswith("Prévenir le patient par téléphone.")
    summary = escalations.written_summary(request.id)
    assert ALICE.last_name.upper() in summary  # the secretary sees whom to call, and at which number
    assert "Numéro que le SMS n'a pas atteint : 06 12 34 56 78" in summary and "Compris" not in summary
    assert "Ouverte le 23/11/2026 à 10:00 après un SMS non remis" in summary and "Reçue" not in summary
    assert [event["action"] for event in escalations.audit_trail(request.id)] == ["escalation_open"]


def test_an_undelivered_report_opens_a_routine_request_and_a_second_one_updates_it(
    service, engine, moving_clock, escalations
):
    appointment = book(service, at(2026, 11, 30, 9, 0))  # a week ahead
    sid = sent(engine, moving_clock, escalations)
    reports = worker(engine, moving_clock, escalations)
    assert reports.record_delivery(sid, "undelivered", "30003") == RECORDED

    [request] = escalations.list_open()
    assert (request.category, request.urgency) == (UNREACHED, "routine")
    assert request.reason.startswith("SMS de confirmation non remis (téléphone éteint ou hors réseau) : ")
    assert "lundi 30 novembre à 9 h" in request.reason

    service.cancel(appointment.id, PHONE_BOT, reason="empêchement")
    moving_clock.advance(days=5)  # the cancellation's SMS fails a day before the appointment
    cancelled_sid = sent(engine, moving_clock, escalations)
    assert reports.record_delivery(cancelled_sid, "failed", None) == RECORDED

    [updated] = escalations.list_open()
    assert updated.id == request.id  # one request per appointment
    assert updated.urgency == "urgent"
    assert "SMS d'annulation non remis" in updated.reason


@pytest.mark.parametrize("report", ["delivered", "sent", "queued"])
def test_a_report_that_is_not_a_failure_opens_nothing(service, engine, moving_clock, escalations, report):
    book(service, at(2026, 11, 30, 9, 0))
    sid = sent(engine, moving_clock, escalations)
    worker(engine, moving_clock, escalations).record_delivery(sid, report)
    assert escalations.list_all() == []


def test_nothing_is_opened_for_an_appointment_already_started_or_a_superseded_message(
    service, engine, moving_clock, escalations
):
    first = book(service, at(2026, 11, 23, 11, 0))  # an hour from now
    second = book(service, at(2026, 11, 25, 9, 0))
    service.move(second.id, at(2026, 11, 25, 11, 0), PHONE_BOT)  # replaces the booking's message before it goes
    moving_clock.advance(hours=2)
    counts = worker(engine, moving_clock, escalations, FakeSmsSender()).run_once()
    assert (counts["expired"], counts["superseded"], counts["sent"]) == (1, 1, 1)
    late_sid = str(next(row for row in outbox_rows(engine) if row.appointment_id == first.id).provider_sid or "")
    assert late_sid == ""  # the first appointment's message expired unsent
    assert escalations.list_all() == []


def test_a_message_given_up_after_every_retry_opens_a_request(service, engine, moving_clock, escalations):
    book(service, at(2026, 11, 30, 9, 0))
    sender = FakeSmsSender()
    sender.fail_next(*[SmsSendError("http_500")] * sms.MAX_ATTEMPTS)
    sending = worker(engine, moving_clock, escalations, sender)
    for delay in (*sms.RETRY_DELAYS, None):
        sending.run_once()
        assert escalations.list_all() == [] or delay is None  # retries are not failures yet
        if delay is not None:
            moving_clock.advance(seconds=delay.total_seconds())
    [request] = escalations.list_open()
    assert request.reason.startswith("SMS de confirmation non remis : rendez-vous du lundi 30 novembre à 9 h")


def test_without_an_escalation_service_the_worker_only_records(service, engine, moving_clock):
    book(service, at(2026, 11, 30, 9, 0))
    sid = sent(engine, moving_clock, None)
    assert worker(engine, moving_clock, None).record_delivery(sid, "undelivered", "30005") == RECORDED
    assert EscalationService(uow_factory_for(engine), moving_clock, service.practice).list_all() == []


class BrokenEscalations:
    def __init__(self, practice) -> None:
        self.practice = practice

    def open(self, _request: object) -> None:
        raise RuntimeError("escalation store down")


def test_a_failing_request_never_undoes_the_report_nor_logs_the_number(service, engine, moving_clock, caplog):
    book(service, at(2026, 11, 30, 9, 0))
    sid = sent(engine, moving_clock, None)
    with caplog.at_level(logging.INFO):
        outcome = worker(engine, moving_clock, BrokenEscalations(service.practice)).record_delivery(sid, "undelivered")
    assert outcome == RECORDED
    assert outbox_rows(engine)[-1].delivery_status == "undelivered"
    assert "the request for the secretariat failed (RuntimeError)" in caplog.text
    assert "12 34" not in caplog.text and "612345678" not in caplog.text and ALICE.last_name not in caplog.text


def test_the_composition_roots_worker_opens_requests(service, engine, moving_clock):
    container = build(
        Settings.from_env({"ASSISTANT_DATABASE_URL": engine.url.render_as_string(hide_password=False)}),
        clock=moving_clock,
    )
    try:
        book(container.agenda, at(2026, 11, 30, 9, 0))
        sid = sent(engine, moving_clock, None)
        assert container.sms_worker().record_delivery(sid, "undelivered") == RECORDED
        assert [request.category for request in container.escalations.list_open()] == [UNREACHED]
    finally:
        container.close()
