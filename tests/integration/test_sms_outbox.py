"""Confirmation SMS on a real database (SQLite always; PostgreSQL with CI=true).

The outbox row is written in the booking's own transaction; the worker sends it
later through Twilio's API, here a fake Twilio server on 127.0.0.1 that records
every request (no test ever reaches Twilio).
"""

from __future__ import annotations

import base64
import http.server
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from assistant.adapters.db import tables as t
from assistant.adapters.db.repository import AuditRepository, OutboxRepository
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.adapters.sms.fake import FakeSmsSender
from assistant.adapters.sms.twilio_sender import TwilioSmsSender
from assistant.adapters.sms.worker import OutboxWorker
from assistant.core import sms
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import Channel, Patient
from assistant.core.sms import OutboxError, SmsSendError
from assistant.services.agenda import Actor, AgendaService
from assistant.settings import Settings, SettingsError
from tests.builders import at, make_practice

NOW = at(2026, 11, 23, 10, 0)  # Monday
PHONE_BOT = Actor("assistant", Channel.PHONE, conversation_id="CA-1")
CHAT_BOT = Actor("assistant", Channel.CHAT, conversation_id="chat-1")
SECRETARY = Actor("secretariat:claire", Channel.SECRETARIAT)
ALICE = Patient(None, "Lefèvre", "Alice", date(1990, 4, 2), "06 12 34 56 78")
ALICE_E164 = "+33612345678"
BOB_LANDLINE = Patient(None, "Martin", "Bob", date(1975, 1, 30), "03 20 11 22 33")
CAROL_NO_PHONE = Patient(None, "Durand", "Carole", date(1982, 6, 15))
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789"
FROM_NUMBER = "+33700000000"


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
def service(engine, moving_clock) -> AgendaService:
    practice = make_practice()
    types = tuple(
        replace(a, instructions="Venez à jeun.") if a.id == "consultation" else a for a in practice.appointment_types
    )
    agenda = AgendaService(uow_factory_for(engine), moving_clock)
    agenda.apply_practice(replace(practice, appointment_types=types), "tests", Actor("tests", Channel.CLI))
    return agenda


def book(service, start, patient=ALICE, actor=PHONE_BOT, notify=None, type_id="consultation"):
    return service.book(BookingRequest(type_id, "dupont", start, actor.channel), patient, actor, notify=notify)


def outbox_rows(engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(select(t.sms_outbox).order_by(t.sms_outbox.c.id)).all()


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def audit_actions(service, appointment_id) -> list[str]:
    return [event["action"] for event in service.audit_trail(appointment_id)]


# -- queueing: in the change's own transaction -----------------------------------------------


def test_a_booking_by_phone_queues_exactly_one_confirmation(service, engine):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    [row] = outbox_rows(engine)
    assert (row.kind, row.status, row.attempts, row.to_number) == ("booked", "pending", 0, ALICE_E164)
    assert (row.appointment_id, row.practice_id, row.provider_sid, row.sent_at) == (appointment.id, "test", None, None)
    assert row.next_attempt_at == NOW and row.created_at == NOW
    assert row.body == (
        "Cabinet de test : rendez-vous confirmé le mardi 24 novembre à 9 h avec le docteur Dupont. "
        "Adresse : 1 rue de la Paix, 59000 Lille. Venez à jeun. "
        "Pour annuler ou déplacer, appelez le 03 20 00 00 00."
    )
    [event] = service.audit_trail(appointment.id)
    assert event["action"] == "book" and event["details"]["sms_outbox_id"] == row.id
    assert ALICE_E164 not in str(service.audit_trail()) and "06 12" not in str(service.audit_trail())


def test_chat_and_sms_channels_are_confirmed_too(service, engine):
    book(service, at(2026, 11, 24, 9, 0), actor=CHAT_BOT)
    book(service, at(2026, 11, 24, 10, 0), actor=Actor("assistant", Channel.SMS, "sms-1"))
    assert [row.kind for row in outbox_rows(engine)] == ["booked", "booked"]


def test_a_refused_booking_queues_nothing(service, engine):
    book(service, at(2026, 11, 24, 9, 0))
    with pytest.raises(AgendaError) as caught:
        book(service, at(2026, 11, 24, 9, 10))  # overlaps
    assert caught.value.code == "slot_taken"
    with pytest.raises(AgendaError):
        book(service, at(2026, 11, 24, 12, 30))  # outside hours
    assert len(outbox_rows(engine)) == 1


def test_no_confirmation_for_a_landline_no_phone_or_the_secretariat_unless_asked(service, engine):
    book(service, at(2026, 11, 24, 9, 0), patient=BOB_LANDLINE)
    book(service, at(2026, 11, 24, 10, 0), patient=CAROL_NO_PHONE)
    book(service, at(2026, 11, 24, 11, 0), actor=SECRETARY)
    book(service, at(2026, 11, 25, 9, 0), actor=PHONE_BOT, notify=False)
    assert outbox_rows(engine) == []
    asked = book(service, at(2026, 11, 25, 10, 0), actor=SECRETARY, notify=True)
    [row] = outbox_rows(engine)
    assert (row.appointment_id, row.kind) == (asked.id, "booked")
    assert service.audit_trail(asked.id)[0]["details"]["sms_outbox_id"] == row.id


def test_a_mobile_given_at_booking_by_a_known_patient_is_used(service, engine):
    known = book(service, at(2026, 11, 24, 9, 0), patient=replace(ALICE, phone=""))
    assert outbox_rows(engine) == []
    again = book(service, at(2026, 11, 25, 9, 0))  # the same patient, now with her mobile
    assert again.patient_id == known.patient_id
    [row] = outbox_rows(engine)
    assert row.to_number == ALICE_E164


def test_moving_and_cancelling_queue_their_confirmations(service, engine):
    appointment = book(service, at(2026, 11, 25, 9, 0))
    service.move(appointment.id, at(2026, 11, 26, 10, 0), PHONE_BOT)
    service.cancel(appointment.id, CHAT_BOT, reason="malade")
    rows = outbox_rows(engine)
    assert [(row.kind, row.appointment_id) for row in rows] == [
        ("booked", appointment.id),
        ("moved", appointment.id),
        ("cancelled", appointment.id),
    ]
    assert rows[1].body.startswith(
        "Cabinet de test : votre rendez-vous du mercredi 25 novembre à 9 h est déplacé au jeudi 26 novembre à 10 h "
        "avec le docteur Dupont."
    )
    assert rows[2].body == (
        "Cabinet de test : nous avons annulé votre rendez-vous du jeudi 26 novembre à 10 h avec le docteur Dupont. "
        "Pour reprendre rendez-vous, appelez le 03 20 00 00 00."
    )
    trail = service.audit_trail(appointment.id)
    assert [(e["action"], e["details"]["sms_outbox_id"]) for e in trail] == [
        ("book", rows[0].id),
        ("move", rows[1].id),
        ("cancel", rows[2].id),
    ]


def test_a_refused_move_or_a_secretariat_cancellation_queue_nothing(service, engine):
    appointment = book(service, at(2026, 11, 25, 9, 0))
    book(service, at(2026, 11, 26, 9, 0), patient=BOB_LANDLINE)
    with pytest.raises(AgendaError):
        service.move(appointment.id, at(2026, 11, 26, 9, 0), PHONE_BOT)
    service.cancel(appointment.id, SECRETARY)
    assert [row.kind for row in outbox_rows(engine)] == ["booked"]


def test_a_failure_to_queue_rolls_the_booking_back(service, engine, monkeypatch):
    def broken_add(self, message):
        raise RuntimeError("outbox unavailable")

    before = (count(engine, t.appointments), count(engine, t.patients), count(engine, t.audit_events))
    monkeypatch.setattr(OutboxRepository, "add", broken_add)
    with pytest.raises(RuntimeError):
        book(service, at(2026, 11, 24, 9, 0))
    assert (count(engine, t.appointments), count(engine, t.patients), count(engine, t.audit_events)) == before


def test_a_failure_after_queueing_takes_the_message_back(service, engine, monkeypatch):
    appointment = book(service, at(2026, 11, 25, 9, 0))
    real_record = AuditRepository.record

    def failing_record(self, event):
        if event.action == "move":
            raise RuntimeError("audit unavailable")
        return real_record(self, event)

    monkeypatch.setattr(AuditRepository, "record", failing_record)
    with pytest.raises(RuntimeError):
        service.move(appointment.id, at(2026, 11, 26, 10, 0), PHONE_BOT)
    assert [row.kind for row in outbox_rows(engine)] == ["booked"]
    assert service.get_appointment(appointment.id).start == at(2026, 11, 25, 9, 0)


# -- the worker, with a fake sender ----------------------------------------------------------


def make_worker(engine, clock, sender) -> OutboxWorker:
    return OutboxWorker(uow_factory_for(engine), sender, clock)


def test_the_worker_sends_due_messages_marks_them_sent_and_audits(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    sender = FakeSmsSender()
    moving_clock.advance(seconds=5)
    counts = make_worker(engine, moving_clock, sender).run_once()
    assert counts["sent"] == 1 and sum(counts.values()) == 1
    [(to, body)] = sender.sent
    [row] = outbox_rows(engine)
    assert (to, body) == (ALICE_E164, row.body)
    assert (row.status, row.attempts, row.provider_sid) == ("sent", 1, "SMfake" + "0" * 25 + "1")
    assert row.sent_at == NOW + timedelta(seconds=5)
    assert audit_actions(service, appointment.id) == ["book", "sms_sent"]
    sent_event = service.audit_trail(appointment.id)[1]
    assert (sent_event["actor"], sent_event["channel"]) == ("sms-worker", "sms")
    assert sent_event["details"] == {
        "sms_outbox_id": row.id,
        "kind": "booked",
        "status": "sent",
        "attempts": 1,
        "error_code": None,
    }
    assert make_worker(engine, moving_clock, sender).run_once()["sent"] == 0  # never twice
    assert len(sender.sent) == 1


def test_without_credentials_messages_stay_pending_and_it_is_said_once(service, engine, moving_clock, caplog):
    book(service, at(2026, 11, 24, 9, 0))
    worker = OutboxWorker(uow_factory_for(engine), None, moving_clock, disabled_reason="no credentials")
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert sum(worker.run_once().values()) == 0
    assert caplog.text.count("confirmation SMS disabled (no credentials)") == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("pending", 0)
    # Configured later: the message goes out then.
    sender = FakeSmsSender()
    assert make_worker(engine, moving_clock, sender).run_once()["sent"] == 1


def test_a_transient_failure_is_retried_on_schedule(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    sender = FakeSmsSender()
    sender.fail_next(SmsSendError("http_503"), SmsSendError("timeout"))
    worker = make_worker(engine, moving_clock, sender)
    assert worker.run_once()["retried"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.last_error_code) == ("pending", 1, "http_503")
    assert row.next_attempt_at == NOW + timedelta(minutes=1)
    moving_clock.advance(seconds=59)
    assert sum(worker.run_once().values()) == 0 and sender.calls == 1  # not due yet
    moving_clock.advance(seconds=1)
    assert worker.run_once()["retried"] == 1
    assert outbox_rows(engine)[0].next_attempt_at == moving_clock.now() + timedelta(minutes=5)
    moving_clock.advance(minutes=5)
    assert worker.run_once()["sent"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.last_error_code) == ("sent", 3, None)
    assert audit_actions(service, appointment.id) == ["book", "sms_retry", "sms_retry", "sms_sent"]


def test_a_message_fails_after_the_last_attempt_and_can_be_queued_again(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 30, 9, 0))
    sender = FakeSmsSender()
    sender.fail_next(*[SmsSendError("http_500")] * sms.MAX_ATTEMPTS)
    worker = make_worker(engine, moving_clock, sender)
    for delay in (*sms.RETRY_DELAYS, None):
        worker.run_once()
        if delay is not None:
            moving_clock.advance(seconds=delay.total_seconds())
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.last_error_code) == ("failed", 5, "http_500")
    assert sender.calls == 5
    moving_clock.advance(hours=5)
    assert sum(worker.run_once().values()) == 0  # given up: no sixth attempt

    worker.requeue(row.id, by="secretariat:claire")
    assert worker.run_once()["sent"] == 1
    assert audit_actions(service, appointment.id)[-2:] == ["sms_requeue", "sms_sent"]
    with pytest.raises(OutboxError) as caught:
        worker.requeue(row.id, by="secretariat:claire")
    assert caught.value.code == "sms_not_failed"
    with pytest.raises(OutboxError):
        worker.requeue(999, by="secretariat:claire")


def test_a_stale_confirmation_is_never_sent_after_a_newer_one(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 25, 9, 0))
    sender = FakeSmsSender()
    sender.fail_next(SmsSendError("http_503"))
    worker = make_worker(engine, moving_clock, sender)
    worker.run_once()  # the booking's confirmation waits for its retry…
    service.move(appointment.id, at(2026, 11, 26, 10, 0), PHONE_BOT)  # …when the patient moves it
    moving_clock.advance(minutes=2)
    counts = worker.run_once()
    assert (counts["sent"], counts["superseded"]) == (1, 1)
    [(_, body)] = sender.sent
    assert "déplacé au jeudi 26 novembre à 10 h" in body
    assert [row.status for row in outbox_rows(engine)] == ["superseded", "sent"]
    assert audit_actions(service, appointment.id) == ["book", "sms_retry", "move", "sms_superseded", "sms_sent"]


def test_a_message_waits_while_an_older_one_about_the_same_appointment_is_being_sent(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 25, 9, 0))
    with uow_factory_for(engine)() as uow:  # another worker has claimed the confirmation
        [first] = uow.outbox.for_appointment(appointment.id)
        uow.outbox.save(sms.claim(first, NOW), "pending", 0)
        uow.commit()
    service.cancel(appointment.id, PHONE_BOT)
    sender = FakeSmsSender()
    worker = make_worker(engine, moving_clock, sender)
    assert worker.run_once()["waiting"] == 1 and sender.sent == []
    # The other worker died: its lease ends, the stale confirmation is dropped, the cancellation goes out.
    moving_clock.advance(seconds=sms.SENDING_LEASE.total_seconds())
    counts = worker.run_once()
    assert (counts["superseded"], counts["sent"]) == (1, 1)
    assert "nous avons annulé" in sender.sent[0][1]


def test_a_message_left_sending_by_a_dead_worker_is_tried_again_after_its_lease(service, engine, moving_clock):
    book(service, at(2026, 11, 25, 9, 0))
    with uow_factory_for(engine)() as uow:
        [first] = uow.outbox.latest()
        uow.outbox.save(sms.claim(first, NOW), "pending", 0)
        uow.commit()
    sender = FakeSmsSender()
    worker = make_worker(engine, moving_clock, sender)
    moving_clock.advance(minutes=9)
    assert sum(worker.run_once().values()) == 0
    moving_clock.advance(minutes=1)
    assert worker.run_once()["sent"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_confirmation_for_an_appointment_already_started_is_dropped(service, engine, moving_clock):
    appointment = book(service, at(2026, 11, 23, 11, 20))
    moving_clock.advance(hours=1, minutes=20)
    sender = FakeSmsSender()
    assert make_worker(engine, moving_clock, sender).run_once()["expired"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.last_error_code, sender.calls) == ("failed", "expired", 0)
    assert audit_actions(service, appointment.id)[-1] == "sms_expired"


def test_booking_goes_on_while_a_message_is_being_sent(service, engine, moving_clock):
    """The worker holds no transaction while it talks to the provider (SQLite would otherwise be locked)."""
    book(service, at(2026, 11, 24, 9, 0))
    booked_during_send = []

    class BookingSender(FakeSmsSender):
        def send(self, to: str, body: str, reference: int | None = None) -> str:
            booked_during_send.append(book(service, at(2026, 11, 24, 10, 0), patient=BOB_LANDLINE))
            return super().send(to, body, reference)

    started = time.monotonic()
    assert make_worker(engine, moving_clock, BookingSender()).run_once()["sent"] == 1
    assert len(booked_during_send) == 1 and time.monotonic() - started < 5


# -- the worker against a fake Twilio API on loopback ---------------------------------------------


class FakeTwilio:
    """Twilio's Messages API on 127.0.0.1: records each request, answers from a script (default 201)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: deque[tuple[int, dict[str, Any]]] = deque()
        self.delay = 0.0
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {key: values[0] for key, values in parse_qs(body).items()}
                with fake.lock:
                    fake.requests.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization")})
                    number = len(fake.requests)
                    status, payload = fake.script.popleft() if fake.script else (201, {})
                if fake.delay:
                    time.sleep(fake.delay)
                if status == 201:
                    payload = {"sid": f"SM{number:032x}", "status": "queued", "to": form.get("To"), **payload}
                answer = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def respond(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.script.extend(answers)


def twilio_error(status: int, code: int | None) -> tuple[int, dict[str, Any]]:
    payload: dict[str, Any] = {"status": status, "message": f"The 'To' number {ALICE_E164} is not valid."}
    if code is not None:
        payload["code"] = code
    return status, payload


@pytest.fixture()
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def twilio_worker(engine, clock, twilio: FakeTwilio) -> OutboxWorker:
    sender = TwilioSmsSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, api_base_url=twilio.url)
    return OutboxWorker(uow_factory_for(engine), sender, clock)


def test_twilio_gets_the_message_with_basic_auth_and_a_503_is_retried(service, engine, moving_clock, twilio):
    book(service, at(2026, 11, 24, 9, 0))
    twilio.respond((503, {"message": "Service Unavailable"}))
    worker = twilio_worker(engine, moving_clock, twilio)
    assert worker.run_once()["retried"] == 1
    assert outbox_rows(engine)[0].last_error_code == "http_503"
    moving_clock.advance(minutes=1)
    assert worker.run_once()["sent"] == 1

    assert len(twilio.requests) == 2
    [row] = outbox_rows(engine)
    for request in twilio.requests:
        assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        assert request["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        assert request["form"] == {"To": ALICE_E164, "From": FROM_NUMBER, "Body": row.body}
    assert (row.status, row.attempts, row.provider_sid) == ("sent", 2, f"SM{2:032x}")


def test_an_invalid_number_fails_at_once_and_nothing_personal_is_logged(service, engine, moving_clock, twilio, caplog):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    twilio.respond(twilio_error(400, 21211))
    with caplog.at_level(logging.DEBUG):
        counts = twilio_worker(engine, moving_clock, twilio).run_once()
    assert counts["failed"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.attempts, row.last_error_code) == ("failed", 1, "21211")
    assert "21211" in caplog.text
    for secret in (ALICE_E164, "12 34 56 78", "Dupont", "rendez-vous"):
        assert secret not in caplog.text
        assert secret not in str(service.audit_trail(appointment.id))


def test_a_client_error_that_is_not_permanent_fails_after_the_last_attempt(service, engine, moving_clock, twilio):
    book(service, at(2026, 11, 30, 9, 0))
    twilio.respond(*[twilio_error(400, 21606)] * sms.MAX_ATTEMPTS)  # our sender number is refused: fixable
    worker = twilio_worker(engine, moving_clock, twilio)
    statuses = []
    for delay in (*sms.RETRY_DELAYS, None):
        worker.run_once()
        statuses.append(outbox_rows(engine)[0].status)
        if delay is not None:
            moving_clock.advance(seconds=delay.total_seconds())
    assert statuses == ["pending"] * 4 + ["failed"]
    [row] = outbox_rows(engine)
    assert (row.attempts, row.last_error_code, len(twilio.requests)) == (5, "21606", 5)


def test_an_unreachable_api_is_a_network_error_retried_later(service, engine, moving_clock, twilio):
    book(service, at(2026, 11, 24, 9, 0))
    twilio.server.shutdown()
    twilio.server.server_close()
    assert twilio_worker(engine, moving_clock, twilio).run_once()["retried"] == 1
    [row] = outbox_rows(engine)
    assert (row.status, row.last_error_code) == ("pending", "network")


def queue_many(engine, how_many: int) -> None:
    practice = make_practice()
    with engine.begin() as connection:
        connection.execute(
            t.practices.insert().values(id=practice.id, name=practice.name, config={}, config_hash="h", loaded_at=NOW)
        )
    with uow_factory_for(engine)() as uow:
        for i in range(how_many):
            uow.outbox.add(
                sms.OutboxMessage(
                    id=None,
                    practice_id=practice.id,
                    appointment_id=None,
                    kind="booked",
                    to_number=f"+336{i:08d}",
                    body=f"message {i}",
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )
        uow.commit()


def test_parallel_workers_never_send_a_message_twice(engine, moving_clock, twilio):
    messages, workers = 40, 4
    queue_many(engine, messages)
    twilio.delay = 0.01
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        worker = twilio_worker(engine, moving_clock, twilio)
        try:
            barrier.wait()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and sum(worker.run_once(limit=3).values()):
                pass
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    sent_to = [request["form"]["To"] for request in twilio.requests]
    assert len(sent_to) == messages and len(set(sent_to)) == messages
    rows = outbox_rows(engine)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert len({row.provider_sid for row in rows}) == messages


# -- settings ----------------------------------------------------------------------------------------


def test_sms_settings_all_or_none():
    assert not Settings.from_env({}).sms_enabled
    voice_only = Settings.from_env({"TWILIO_AUTH_TOKEN": AUTH_TOKEN})  # the phone line needs only the token
    assert not voice_only.sms_enabled and "not set" in voice_only.sms_disabled_reason
    full = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_NUMBER": "+33 7 00 00 00 00",
    }
    settings = Settings.from_env(full)
    assert settings.sms_enabled and settings.twilio_sms_number == "+33700000000"
    assert settings.twilio_api_base_url == "https://api.twilio.com"
    assert AUTH_TOKEN not in repr(settings)
    whatsapp = Settings.from_env({**full, "TWILIO_SMS_NUMBER": "whatsapp:+33700000000"})
    assert not whatsapp.sms_enabled and "WhatsApp" in whatsapp.sms_disabled_reason


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"TWILIO_ACCOUNT_SID": ACCOUNT_SID}, "TWILIO_AUTH_TOKEN, TWILIO_SMS_NUMBER missing"),
        ({"TWILIO_SMS_NUMBER": "+33700000000", "TWILIO_AUTH_TOKEN": AUTH_TOKEN}, "TWILIO_ACCOUNT_SID missing"),
        (
            {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_SMS_NUMBER": "+33700000000"},
            "TWILIO_ACCOUNT_SID must look like",
        ),
        (
            {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_SMS_NUMBER": "0700000000"},
            "TWILIO_SMS_NUMBER must be in E.164",
        ),
        ({"TWILIO_AUTH_TOKEN": "short"}, "TWILIO_AUTH_TOKEN does not look"),
        ({"TWILIO_API_BASE_URL": "http://api.example.com"}, "TWILIO_API_BASE_URL must use https"),
        ({"TWILIO_API_BASE_URL": "api.twilio.com"}, "TWILIO_API_BASE_URL must be an absolute URL"),
    ],
)
def test_sms_settings_refuse_partial_or_malformed_values_naming_the_variable(environ, named):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert named in str(caught.value)


def test_a_loopback_api_base_url_may_be_plain_http():
    settings = Settings.from_env({"TWILIO_API_BASE_URL": "http://127.0.0.1:8999/"})
    assert settings.twilio_api_base_url == "http://127.0.0.1:8999"
