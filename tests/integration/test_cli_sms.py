"""``assistant sms …`` and ``--notify`` on a temporary SQLite agenda with the demo practice."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from tests.integration.test_cli import DEMO
from tests.integration.test_sms_outbox import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, twilio  # noqa: F401 (fixture)

SMS_VARIABLES = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_SMS_NUMBER",
    "TWILIO_API_BASE_URL",
    "ASSISTANT_PUBLIC_URL",
)


@pytest.fixture()
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    monkeypatch.setenv("ASSISTANT_PRACTICE_FILE", str(DEMO))
    for name in SMS_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    run("init")
    run("practice", "load", str(DEMO))
    return run


def book(cli, start: str, *extra: str) -> dict:
    code, out, err = cli(
        "book",
        "--type",
        "consultation",
        "--practitioner",
        "lefebvre",
        "--start",
        start,
        "--last-name",
        "Testeur",
        "--first-name",
        "Léa",
        "--birth-date",
        "1990-02-03",
        "--phone",
        "06 01 02 03 04",
        "--json",
        *extra,
    )
    assert code == 0, err
    return json.loads(out)


def test_secretariat_bookings_send_no_sms_unless_asked(cli):
    book(cli, "2026-11-25T09:00")
    _, out, _ = cli("sms", "outbox", "--json")
    assert json.loads(out) == []
    asked = book(cli, "2026-11-25T10:00", "--notify")
    _, out, _ = cli("sms", "outbox", "--json")
    [message] = json.loads(out)
    assert (message["appointment_id"], message["kind"], message["status"]) == (asked["id"], "booked", "pending")
    code, _, _ = cli("move", str(asked["id"]), "--start", "2026-11-26T10:00", "--channel", "phone", "--no-notify")
    assert code == 0
    assert len(json.loads(cli("sms", "outbox", "--json")[1])) == 1


def test_outbox_lists_masked_numbers_and_no_text(cli):
    booked = book(cli, "2026-11-25T09:00", "--channel", "phone")
    cli("cancel", str(booked["id"]), "--channel", "chat")
    code, out, _ = cli("sms", "outbox", "--json")
    assert code == 0
    messages = json.loads(out)
    assert [(m["kind"], m["to"]) for m in messages] == [("cancelled", "**********04"), ("booked", "**********04")]
    assert "body" not in messages[0] and "0102" not in out
    code, out, _ = cli("sms", "outbox")
    assert code == 0
    assert "SMS de confirmation : 2 en attente." in out
    assert "annulation" in out and "confirmation" in out and f"rdv n°{booked['id']}" in out
    assert "**********04" in out and "01 02 03" not in out and "+336" not in out
    assert "Envoi désactivé" in out


def test_worker_once_without_credentials_leaves_messages_pending(cli):
    book(cli, "2026-11-25T09:00", "--notify")
    code, out, _ = cli("sms", "worker", "--once")
    assert code == 0 and "SMS désactivés" in out and "restent en attente" in out
    [message] = json.loads(cli("sms", "outbox", "--json")[1])
    assert (message["status"], message["attempts"]) == ("pending", 0)


def test_worker_once_sends_through_the_configured_api(cli, twilio, monkeypatch):  # noqa: F811
    booked = book(cli, "2026-11-25T09:00", "--notify")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_SMS_NUMBER", FROM_NUMBER)
    monkeypatch.setenv("TWILIO_API_BASE_URL", twilio.url)
    code, out, _ = cli("sms", "worker", "--once")
    assert code == 0 and out.strip() == "SMS : 1 envoyé(s)"
    [request] = twilio.requests
    assert request["form"]["To"] == "+33601020304"
    assert request["form"]["Body"].startswith(
        "Maison de santé des Tisserands : rendez-vous confirmé le mercredi 25 novembre à 9 h avec le docteur Lefebvre."
    )
    [message] = json.loads(cli("sms", "outbox", "--json")[1])
    assert (message["status"], message["sent_at"]) == ("sent", "2026-11-23T10:00:00+01:00")
    code, out, _ = cli("audit", "--appointment", str(booked["id"]), "--json")
    assert [event["action"] for event in json.loads(out)] == ["book", "sms_sent"]


def test_retry_refuses_a_message_that_has_not_failed(cli):
    book(cli, "2026-11-25T09:00", "--notify")
    [message] = json.loads(cli("sms", "outbox", "--json")[1])
    code, _, err = cli("sms", "retry", str(message["id"]), "--by", "claire")
    assert code == 1
    assert err.strip() == f"Erreur : Le SMS n°{message['id']} n'est pas en échec (en attente) : rien à relancer."
    code, _, err = cli("sms", "retry", "999", "--by", "claire")
    assert code == 1 and "SMS introuvable : n°999." in err


def test_partial_sms_settings_stop_the_command_naming_the_variable(cli, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    code, _, err = cli("sms", "outbox")
    assert code == 2 and "TWILIO_AUTH_TOKEN, TWILIO_SMS_NUMBER missing" in err


def test_the_launcher_starts_the_worker_only_with_credentials(cli, twilio, tmp_path):  # noqa: F811
    import os
    import time

    from assistant.launcher import start_sms_worker

    book(cli, "2026-11-25T09:00", "--notify")
    env = {k: v for k, v in os.environ.items() if k not in SMS_VARIABLES}
    env.update({name: os.environ[name] for name in ("ASSISTANT_DATABASE_URL", "ASSISTANT_NOW")})
    assert start_sms_worker(env, tmp_path / "none.log") is None
    assert not (tmp_path / "none.log").exists()

    env.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_SMS_NUMBER=FROM_NUMBER,
        TWILIO_API_BASE_URL=twilio.url,
    )
    worker = start_sms_worker(env, tmp_path / "sms-worker.log")
    assert worker is not None
    try:
        deadline = time.monotonic() + 30
        while not twilio.requests and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert [request["form"]["To"] for request in twilio.requests] == ["+33601020304"]
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) == 0  # SIGTERM: the pass in progress ends, then it stops
    assert "0102" not in (tmp_path / "sms-worker.log").read_text()


def configure_sms(monkeypatch, api_url: str, public_url: str = "") -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_SMS_NUMBER", FROM_NUMBER)
    monkeypatch.setenv("TWILIO_API_BASE_URL", api_url)
    if public_url:
        monkeypatch.setenv("ASSISTANT_PUBLIC_URL", public_url)


def test_outbox_shows_delivery_reports_and_lists_undelivered_confirmations(cli, twilio, monkeypatch):  # noqa: F811
    from assistant.bootstrap import build

    first = book(cli, "2026-11-25T09:00", "--notify")
    second = book(cli, "2026-11-25T10:00", "--notify")
    configure_sms(monkeypatch, twilio.url, "https://cabinet.example.fr")
    code, out, _ = cli("sms", "worker", "--once")
    assert code == 0 and out.strip() == "SMS : 2 envoyé(s)"
    listed = {m["appointment_id"]: m for m in json.loads(cli("sms", "outbox", "--json")[1])}
    assert [r["form"]["StatusCallback"] for r in twilio.requests] == [
        f"https://cabinet.example.fr/webhooks/twilio_sms/status?outbox={listed[booked['id']]['id']}"
        for booked in (first, second)
    ]
    assert listed[first["id"]]["delivery_status"] is None  # nothing reported yet
    container = build()
    try:
        reports = container.sms_worker()
        assert reports.record_delivery(listed[first["id"]]["provider_sid"], "undelivered", "30003") == "recorded"
        assert reports.record_delivery(listed[second["id"]]["provider_sid"], "delivered") == "recorded"
    finally:
        container.close()

    code, out, _ = cli("sms", "outbox")
    assert code == 0
    assert "SMS de confirmation : 2 envoyé." in out
    assert "Accusés de réception : 1 remis, 1 non remis." in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  n°")}
    undelivered_line = lines[f"n°{listed[first['id']]['id']}"]
    delivered_line = lines[f"n°{listed[second['id']]['id']}"]
    assert undelivered_line.endswith(
        "envoyé le 23/11 10:00, non remis le 23/11 10:00 (erreur 30003 : téléphone éteint ou hors réseau), 1 essai(s)"
    )
    assert delivered_line.endswith("envoyé le 23/11 10:00, remis le 23/11 10:00, 1 essai(s)")
    assert "Accusés de réception non demandés" not in out

    code, out, _ = cli("sms", "outbox", "--undelivered", "--json")
    assert code == 0
    [only] = json.loads(out)
    assert (only["appointment_id"], only["status"], only["delivery_status"]) == (first["id"], "sent", "undelivered")
    assert (only["delivery_error_code"], only["delivery_error"]) == ("30003", "téléphone éteint ou hors réseau")
    assert only["delivery_updated_at"] == "2026-11-23T10:00:00+01:00"
    code, out, _ = cli("sms", "outbox", "--undelivered")
    assert code == 0 and f"rdv n°{first['id']}" in out and f"rdv n°{second['id']}" not in out
    assert "0102" not in out and "+336" not in out


def test_outbox_says_when_delivery_reports_are_not_asked_for(cli, twilio, monkeypatch):  # noqa: F811
    book(cli, "2026-11-25T09:00", "--notify")
    configure_sms(monkeypatch, twilio.url)  # no ASSISTANT_PUBLIC_URL
    assert cli("sms", "worker", "--once")[0] == 0
    assert "StatusCallback" not in twilio.requests[0]["form"]
    code, out, _ = cli("sms", "outbox")
    assert code == 0
    assert "Accusés de réception non demandés (ASSISTANT_PUBLIC_URL n'est pas défini)." in out
    assert "Accusés de réception :" not in out
    code, out, _ = cli("sms", "outbox", "--undelivered")
    assert code == 0 and "Aucun SMS non remis." in out and "  n°" not in out
