"""Delivery reports of confirmation SMS: Twilio's status callbacks, from the request to the outbox row.

The worker asks Twilio (a fake on loopback) to report delivery to the SMS
channel's ``/status`` route; the route is served for real (Sanic on loopback,
requests signed like Twilio's) on SQLite; the outbox update runs on SQLite and,
with CI=true, on PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rasa.core.channels.channel import register
from sanic import Sanic
from sqlalchemy import select

from assistant.adapters.channels.twilio_text import ContainerDeliveryReports, TwilioTextInput
from assistant.adapters.db import tables as t
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.adapters.sms.fake import FakeSmsSender
from assistant.adapters.sms.twilio_sender import TwilioSmsSender
from assistant.adapters.sms.worker import IGNORED, RECORDED, UNKNOWN, OutboxWorker
from assistant.bootstrap import build
from assistant.core.sms import SmsSendError
from assistant.settings import Settings, SettingsError
from tests.builders import at
from tests.integration import test_sms_outbox as outbox_tests
from tests.integration.test_sms_outbox import (
    ACCOUNT_SID,
    ALICE_E164,
    AUTH_TOKEN,
    FROM_NUMBER,
    NOW,
    book,
    outbox_rows,
    queue_many,
)
from tests.integration.test_twilio_voice_channel import (
    PUBLIC_URL,
    SMS,
    TOKEN,
    FakeAgent,
    SanicThread,
    free_port,
    twilio_post,
)

STATUS_URL = PUBLIC_URL + SMS + "/status"  # what the worker asks Twilio to call
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# The outbox tests' fixtures: an agenda service with a practice, a clock the test moves, a fake Twilio API.
service = outbox_tests.service
moving_clock = outbox_tests.moving_clock
twilio = outbox_tests.twilio


def sent_sid(agenda, engine, clock, start=None) -> str:
    """Book by phone, let the worker send the confirmation (fake sender): Twilio's id for it."""
    book(agenda, start or at(2026, 11, 24, 9, 0))
    assert OutboxWorker(uow_factory_for(engine), FakeSmsSender(), clock).run_once()["sent"] == 1
    return str(outbox_rows(engine)[-1].provider_sid)


def delivery(engine) -> list[tuple[Any, ...]]:
    o = t.sms_outbox.c
    with engine.connect() as connection:
        query = select(o.status, o.delivery_status, o.delivery_error_code, o.delivery_updated_at).order_by(o.id)
        return [tuple(row) for row in connection.execute(query)]


def delivery_events(agenda) -> list[dict[str, Any]]:
    return [event for event in agenda.audit_trail() if event["action"] == "sms_delivery"]


# -- asking for reports: settings and the worker ---------------------------------------------------


def test_the_callback_url_comes_from_assistant_public_url_and_is_the_sms_channels_route():
    assert Settings.from_env({}).sms_status_callback_url == ""
    settings = Settings.from_env({"ASSISTANT_PUBLIC_URL": PUBLIC_URL + "/"})
    assert settings.public_url == PUBLIC_URL
    assert settings.sms_status_callback_url == STATUS_URL
    behind_a_prefix = Settings.from_env({"ASSISTANT_PUBLIC_URL": "https://cabinet.example.fr/assistant"})
    assert behind_a_prefix.sms_status_callback_url == "https://cabinet.example.fr/assistant/webhooks/twilio_sms/status"
    assert Settings.from_env({"ASSISTANT_PUBLIC_URL": "http://127.0.0.1:5005"}).public_url == "http://127.0.0.1:5005"


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("http://cabinet.example.fr", "ASSISTANT_PUBLIC_URL must use https"),
        ("cabinet.example.fr", "ASSISTANT_PUBLIC_URL must be an absolute URL"),
        ("https://cabinet.example.fr/?x=1", "ASSISTANT_PUBLIC_URL must be an absolute URL"),
    ],
)
def test_a_malformed_public_url_stops_at_start_naming_the_variable(value, named):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"ASSISTANT_PUBLIC_URL": value})
    assert named in str(caught.value)


def test_the_worker_asks_twilio_for_delivery_reports_only_with_a_public_url(service, engine, moving_clock, twilio):
    book(service, at(2026, 11, 24, 9, 0))
    book(service, at(2026, 11, 24, 10, 0))
    environ = {
        "ASSISTANT_DATABASE_URL": str(engine.url.render_as_string(hide_password=False)),
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": twilio.url,
    }
    without = build(Settings.from_env(environ), clock=moving_clock)
    with_url = build(Settings.from_env({**environ, "ASSISTANT_PUBLIC_URL": PUBLIC_URL}), clock=moving_clock)
    try:
        assert without.sms_worker().run_once(limit=1)["sent"] == 1
        assert with_url.sms_worker().run_once(limit=1)["sent"] == 1
    finally:
        without.close()
        with_url.close()
    first, second = (request["form"] for request in twilio.requests)
    assert "StatusCallback" not in first and first["To"] == ALICE_E164
    assert second["StatusCallback"] == f"{STATUS_URL}?outbox={outbox_rows(engine)[1].id}"  # comes back with reports
    assert {key: second[key] for key in ("To", "From")} == {"To": ALICE_E164, "From": FROM_NUMBER}


# -- recording reports: the outbox worker, on both stores ---------------------------------------------


def test_a_report_is_recorded_on_the_message_twilio_names_and_audited(service, engine, moving_clock, caplog):
    sid = sent_sid(service, engine, moving_clock)
    worker = OutboxWorker(uow_factory_for(engine), None, moving_clock)
    moving_clock.advance(seconds=30)
    with caplog.at_level(logging.DEBUG):
        assert worker.record_delivery(sid, "sent") == RECORDED
        moving_clock.advance(seconds=5)
        assert worker.record_delivery(sid, "undelivered", "30003") == RECORDED
    [row] = delivery(engine)
    assert row == ("sent", "undelivered", "30003", NOW.replace(second=35))
    [message] = outbox_rows(engine)
    events = delivery_events(service)
    assert [(e["actor"], e["channel"], e["appointment_id"]) for e in events] == [
        ("twilio", "sms", message.appointment_id)
    ] * 2
    assert events[1]["details"] == {
        "sms_outbox_id": message.id,
        "kind": "booked",
        "delivery_status": "undelivered",
        "delivery_error_code": "30003",
        "previous_delivery_status": "sent",
    }
    assert "30003" in caplog.text and f"SMS {message.id} ({sid}) not delivered" in caplog.text
    for secret in (ALICE_E164, "12 34 56 78", message.body[:30]):
        assert secret not in caplog.text and secret not in str(service.audit_trail())


def test_a_late_report_never_moves_a_message_back(service, engine, moving_clock):
    sid = sent_sid(service, engine, moving_clock)
    worker = OutboxWorker(uow_factory_for(engine), None, moving_clock)
    assert worker.record_delivery(sid, "delivered") == RECORDED
    moving_clock.advance(minutes=1)
    assert worker.record_delivery(sid, "sent") == IGNORED
    assert worker.record_delivery(sid, "queued") == IGNORED
    assert worker.record_delivery(sid, "delivered") == IGNORED
    assert worker.record_delivery(sid, "partially_delivered") == IGNORED
    assert delivery(engine) == [("sent", "delivered", None, NOW)]
    assert len(delivery_events(service)) == 1


def test_an_unknown_message_is_left_alone_and_logged_by_its_id(service, engine, moving_clock, caplog):
    sent_sid(service, engine, moving_clock)
    worker = OutboxWorker(uow_factory_for(engine), None, moving_clock)
    stranger = "SM" + "9" * 32
    with caplog.at_level(logging.INFO):
        assert worker.record_delivery(stranger, "delivered") == UNKNOWN
    assert stranger in caplog.text
    assert delivery(engine) == [("sent", None, None, None)]
    assert delivery_events(service) == []


class ReportingDuringSend(FakeSmsSender):
    """Twilio reporting while the worker still waits for its answer: the report names the outbox id only."""

    def __init__(self, reports: Any, words: tuple[str, ...] = ("sent",)) -> None:
        super().__init__()
        self.reports = reports
        self.words = words
        self.outcomes: list[str] = []

    def send(self, to: str, body: str, reference: int | None = None) -> str:
        sid = f"SMearly{len(self.sent) + 1:027d}"
        for word in self.words:
            self.outcomes.append(self.reports.record_delivery(sid, word, None, reference))
        super().send(to, body, reference)
        return sid


def test_a_report_that_comes_before_twilios_id_is_stored_finds_its_message(service, engine, moving_clock):
    book(service, at(2026, 11, 24, 9, 0))
    reports = OutboxWorker(uow_factory_for(engine), None, moving_clock)
    sender = ReportingDuringSend(reports, ("queued", "sent"))
    assert OutboxWorker(uow_factory_for(engine), sender, moving_clock).run_once()["sent"] == 1
    assert sender.outcomes == [RECORDED, RECORDED]
    [row] = outbox_rows(engine)
    assert sender.references == [row.id]
    assert (row.status, row.provider_sid, row.delivery_status) == ("sent", "SMearly" + "0" * 26 + "1", "sent")
    moving_clock.advance(seconds=5)
    assert reports.record_delivery(str(row.provider_sid), "delivered") == RECORDED  # later ones, by Twilio's id
    assert delivery(engine) == [("sent", "delivered", None, NOW.replace(second=5))]
    actions = [event["action"] for event in service.audit_trail(row.appointment_id)]
    assert actions == ["book", "sms_delivery", "sms_delivery", "sms_sent", "sms_delivery"]


def test_an_outbox_id_never_lends_a_report_to_a_message_not_in_flight(service, engine, moving_clock):
    sid = sent_sid(service, engine, moving_clock)
    book(service, at(2026, 11, 24, 10, 0), patient=outbox_tests.BOB_LANDLINE)  # queued, not sent: a landline
    sent, queued = outbox_rows(engine)[0], outbox_rows(engine)[-1]
    worker = OutboxWorker(uow_factory_for(engine), None, moving_clock)
    stranger = "SM" + "5" * 32
    assert worker.record_delivery(stranger, "undelivered", "30003", sent.id) == UNKNOWN  # its id is known
    assert worker.record_delivery(stranger, "delivered", None, queued.id) == UNKNOWN  # not being sent
    assert worker.record_delivery(stranger, "delivered", None, 999_999) == UNKNOWN
    assert worker.record_delivery(sid, "delivered", None, queued.id) == RECORDED  # Twilio's id comes first
    assert [row.delivery_status for row in outbox_rows(engine)] == ["delivered"] + [None] * (
        len(outbox_rows(engine)) - 1
    )
    assert len(delivery_events(service)) == 1


def test_a_report_about_an_attempt_that_timed_out_does_not_outlive_the_next_one(service, engine, moving_clock):
    """Twilio took the first attempt but the worker never heard back: the retry is a new message, its own reports."""
    book(service, at(2026, 11, 24, 9, 0))
    reports = OutboxWorker(uow_factory_for(engine), None, moving_clock)

    class TimingOutOnce(ReportingDuringSend):
        def send(self, to: str, body: str, reference: int | None = None) -> str:
            if not self.outcomes:
                self.outcomes.append(self.reports.record_delivery("SM" + "1" * 32, "delivered", None, reference))
                raise SmsSendError("timeout")
            return super().send(to, body, reference)

    sender = TimingOutOnce(reports, ())
    worker = OutboxWorker(uow_factory_for(engine), sender, moving_clock)
    assert worker.run_once()["retried"] == 1
    moving_clock.advance(minutes=10)
    assert worker.run_once()["sent"] == 1
    [row] = outbox_rows(engine)
    assert sender.outcomes == [RECORDED]
    assert (row.status, row.provider_sid, row.delivery_status) == ("sent", "SMearly" + "0" * 26 + "1", None)


def test_parallel_reports_about_one_message_end_in_the_furthest_state(engine, moving_clock):
    """Twilio may send "sent" and "delivered" at the same moment: the row is locked, "delivered" always wins."""
    queue_many(engine, 8)
    assert OutboxWorker(uow_factory_for(engine), FakeSmsSender(), moving_clock).run_once()["sent"] == 8
    sids = [row.provider_sid for row in outbox_rows(engine)]
    reports = [(sid, word) for sid in sids for word in ("sent", "delivered")]
    barrier = threading.Barrier(len(reports))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def report(sid: str, word: str) -> None:
        try:
            barrier.wait()
            outcomes.append(OutboxWorker(uow_factory_for(engine), None, moving_clock).record_delivery(sid, word))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=report, args=pair) for pair in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert {row[1] for row in delivery(engine)} == {"delivered"}
    assert outcomes.count(RECORDED) >= len(sids) and outcomes.count(RECORDED) + outcomes.count(IGNORED) == len(reports)


# -- the route, served for real -----------------------------------------------------------------------


@dataclass
class SmsLine:
    base_url: str
    channel: TwilioTextInput
    server: SanicThread


@pytest.fixture(scope="module")
def sms_line() -> Iterator[SmsLine]:
    port = free_port()
    channel = TwilioTextInput.from_credentials(
        {
            "account_sid": "AC" + "0" * 32,
            "auth_token": TOKEN,
            "twilio_number": "+33700000000",
            "public_url": PUBLIC_URL,
            "api_base_url": "http://127.0.0.1:9",  # never called: no chat message in these tests
        }
    )
    assert isinstance(channel, TwilioTextInput)
    # By default reports go to the application's outbox, built on the first report: nothing is built yet.
    assert isinstance(channel.reports, ContainerDeliveryReports) and channel.reports._worker is None
    channel.reports = None  # type: ignore[assignment]  # each test plugs in its own database (fixture ``reports``)
    app = Sanic(f"twilio_sms_delivery_test_{port}")
    app.ctx.agent = FakeAgent()
    register([channel], app, "/webhooks/")  # as `rasa run` mounts input channels
    server = SanicThread(app, port)
    server.start()
    yield SmsLine(f"http://127.0.0.1:{port}", channel, server)
    server.stop()


class ThreadNoting:
    """The outbox worker, noting which thread each report is stored from (never the event loop's)."""

    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker
        self.threads: list[threading.Thread] = []

    def record_delivery(
        self, provider_sid: str, reported: str, error: str | None = None, outbox_id: int | None = None
    ) -> str:
        self.threads.append(threading.current_thread())
        return self.worker.record_delivery(provider_sid, reported, error, outbox_id)


@pytest.fixture()
def reports(sms_line, engine, moving_clock) -> Iterator[ThreadNoting]:
    noting = ThreadNoting(OutboxWorker(uow_factory_for(engine), None, moving_clock))
    sms_line.channel.reports = noting
    yield noting
    sms_line.channel.reports = None  # type: ignore[assignment]  # a test that forgets this fixture fails loudly


def status_params(sid: str, status: str, error: str = "") -> dict[str, str]:
    """A status callback as Twilio posts it (the patient's number is in it: it must never be logged)."""
    params = {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "From": "+33700000000",
        "To": ALICE_E164,
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
    }
    if error:
        params["ErrorCode"] = error
    return params


def post_status(sms_line: SmsLine, params: dict[str, str], callback: str = STATUS_URL, **signing: Any):
    """POST to ``callback`` (the URL the worker gave Twilio, query string included) on the local server."""
    assert callback.startswith(PUBLIC_URL)
    path_and_query = callback.removeprefix(PUBLIC_URL)
    return twilio_post(sms_line, path_and_query, params, **signing)  # type: ignore[arg-type]


@sqlite_only
def test_signed_reports_are_stored_off_the_event_loop(sms_line, reports, service, engine, moving_clock, caplog):
    sid = sent_sid(service, engine, moving_clock)
    with caplog.at_level(logging.INFO):
        assert post_status(sms_line, status_params(sid, "sent")).status_code == 204
        moving_clock.advance(seconds=10)
        answer = post_status(sms_line, status_params(sid, "undelivered", "30007"), signed_url=STATUS_URL)
    assert answer.status_code == 204
    assert delivery(engine) == [("sent", "undelivered", "30007", NOW.replace(second=10))]
    assert [e["details"]["delivery_status"] for e in delivery_events(service)] == ["sent", "undelivered"]
    assert len(reports.threads) == 2 and sms_line.server.thread not in reports.threads
    assert sid in caplog.text and "30007" in caplog.text
    for secret in (ALICE_E164, "0612345678", "12 34 56 78"):
        assert secret not in caplog.text


@sqlite_only
def test_unsigned_or_forged_reports_are_refused_and_record_nothing(sms_line, reports, service, engine, moving_clock):
    sid = sent_sid(service, engine, moving_clock)
    unsigned = post_status(sms_line, status_params(sid, "delivered"), sign=False)
    forged = post_status(sms_line, status_params(sid, "undelivered", "30005"), signed_params=status_params(sid, "sent"))
    wrong_url = post_status(sms_line, status_params(sid, "delivered"), signed_url=PUBLIC_URL + SMS + "/webhook")
    assert (unsigned.status_code, forged.status_code, wrong_url.status_code) == (403, 403, 403)
    assert reports.threads == []
    assert delivery(engine) == [("sent", None, None, None)]
    assert delivery_events(service) == []


@sqlite_only
def test_a_late_report_is_answered_but_ignored(sms_line, reports, service, engine, moving_clock):
    sid = sent_sid(service, engine, moving_clock)
    assert post_status(sms_line, status_params(sid, "delivered")).status_code == 204
    moving_clock.advance(minutes=2)
    assert post_status(sms_line, status_params(sid, "sent")).status_code == 204
    assert post_status(sms_line, status_params(sid, "undelivered", "30003")).status_code == 204
    assert delivery(engine) == [("sent", "delivered", None, NOW)]
    assert len(delivery_events(service)) == 1


@sqlite_only
def test_an_unknown_message_is_answered_204_and_logged_by_sid_only(
    sms_line, reports, service, engine, moving_clock, caplog
):
    sent_sid(service, engine, moving_clock)
    stranger = "SM" + "7" * 32
    with caplog.at_level(logging.INFO):
        assert post_status(sms_line, status_params(stranger, "delivered")).status_code == 204
    assert stranger in caplog.text and ALICE_E164 not in caplog.text
    assert delivery(engine) == [("sent", None, None, None)]


@sqlite_only
def test_a_signed_report_without_sid_or_status_is_a_bad_request(sms_line, reports, service, engine, moving_clock):
    sid = sent_sid(service, engine, moving_clock)
    no_sid = {k: v for k, v in status_params(sid, "delivered").items() if k not in ("MessageSid", "SmsSid")}
    odd_status = status_params(sid, "délivré")
    assert post_status(sms_line, no_sid).status_code == 400
    assert post_status(sms_line, odd_status).status_code == 400
    assert reports.threads == []
    assert delivery(engine) == [("sent", None, None, None)]


@sqlite_only
def test_a_storage_failure_is_a_503_that_twilio_shows(sms_line, service, engine, moving_clock, caplog):
    class Down:
        def record_delivery(
            self, provider_sid: str, reported: str, error: str | None = None, outbox_id: int | None = None
        ) -> str:
            raise ConnectionError(f"database unreachable while storing {ALICE_E164}")

    sid = sent_sid(service, engine, moving_clock)
    sms_line.channel.reports = Down()
    try:
        with caplog.at_level(logging.INFO):
            assert post_status(sms_line, status_params(sid, "delivered")).status_code == 503
    finally:
        sms_line.channel.reports = None  # type: ignore[assignment]
    assert "ConnectionError" in caplog.text and ALICE_E164 not in caplog.text


@sqlite_only
def test_from_booking_to_delivered_through_twilio_and_the_route(
    sms_line, reports, service, engine, moving_clock, twilio
):
    appointment = book(service, at(2026, 11, 24, 9, 0))
    sender = TwilioSmsSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, api_base_url=twilio.url, status_callback=STATUS_URL)
    assert OutboxWorker(uow_factory_for(engine), sender, moving_clock).run_once()["sent"] == 1
    [request] = twilio.requests
    callback = request["form"]["StatusCallback"]
    [row] = outbox_rows(engine)
    for word in ("sent", "delivered"):
        moving_clock.advance(seconds=3)
        # Signed for the very URL the worker gave Twilio: it must be the route the channel serves.
        answer = post_status(sms_line, status_params(row.provider_sid, word), callback)
        assert answer.status_code == 204
    assert callback == f"{STATUS_URL}?outbox={row.id}"
    assert delivery(engine) == [("sent", "delivered", None, NOW.replace(second=6))]
    actions = [event["action"] for event in service.audit_trail(appointment.id)]
    assert actions == ["book", "sms_sent", "sms_delivery", "sms_delivery"]


@sqlite_only
def test_a_report_posted_while_the_worker_waits_for_twilio_is_kept(sms_line, reports, service, engine, moving_clock):
    """The race as it happens: Twilio calls the route before answering the worker's request."""
    appointment = book(service, at(2026, 11, 24, 9, 0))
    callback_sender = TwilioSmsSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, status_callback=STATUS_URL)
    answers: list[int] = []

    class TwilioReportingFirst(FakeSmsSender):
        def send(self, to: str, body: str, reference: int | None = None) -> str:
            sid = "SM" + "4" * 32
            answer = post_status(sms_line, status_params(sid, "sent"), callback_sender.callback_for(reference))
            answers.append(answer.status_code)
            super().send(to, body, reference)
            return sid

    assert OutboxWorker(uow_factory_for(engine), TwilioReportingFirst(), moving_clock).run_once()["sent"] == 1
    assert answers == [204]
    [row] = outbox_rows(engine)
    assert (row.provider_sid, row.delivery_status) == ("SM" + "4" * 32, "sent")
    tampered = post_status(
        sms_line,
        status_params(row.provider_sid, "delivered"),
        f"{STATUS_URL}?outbox={row.id + 1}",
        signed_url=f"{STATUS_URL}?outbox={row.id}",
    )
    assert tampered.status_code == 403  # the outbox id is signed with the rest
    actions = [event["action"] for event in service.audit_trail(appointment.id)]
    assert actions == ["book", "sms_delivery", "sms_sent"]
