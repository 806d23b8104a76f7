"""The production profile on localhost: HAProxy in front of two Rasa servers, PostgreSQL and Redis.

``assistant/production.py`` (what ``make start-production`` runs) starts HAProxy, two Rasa servers on
``endpoints.production.yml`` (PostgreSQL tracker store, Redis lock store), an action server and the
console. Through the proxy only: the chat page and the console's log-in page, a whole phone call as
Twilio drives it (signed webhooks: the signature still validates behind the proxy; an unsigned one
is refused), a silence whose question the other Rasa server repeats (the call's memory is in Redis),
then a whole chat booking; the proxy sends the messages of one conversation alternately
to both Rasa servers, and one of them is killed halfway through the chat: the other finishes it. Bookings are
checked in the PostgreSQL agenda. Runs with ``CI=true`` (HAProxy installed by ``.ci/run``) and then
never skips.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from assistant.adapters.db import tables as t
from tests.conftest import IN_CI, REDIS_TEST_HOST, REDIS_TEST_PORT, require_redis
from tests.e2e.phone import PUBLIC, TOKEN, VOICE, WEBHOOK, Call
from tests.e2e.servers import running_production

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

LOCK_DB, CALL_MEMORY_DB = 3, 4


def haproxy_installed() -> None:
    if shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists():
        return
    if IN_CI:
        pytest.fail("HAProxy is required under CI=true (.ci/run installs it): apt-get install haproxy")
    pytest.skip("HAProxy is not installed (apt-get install haproxy)")


def production_credentials(folder: Path) -> Path:
    """REST, the push stream and the voice channel as in credentials.production.yml (test token, Redis)."""
    redis = f"redis://{REDIS_TEST_HOST}:{REDIS_TEST_PORT}"
    path = folder / "credentials.yml"
    path.write_text(
        "assistant.adapters.channels.rest.SafeRestInput:\n"
        "assistant.adapters.channels.chat_push.ChatPushInput:\n"
        f"  redis_url: {redis}\n"
        "assistant.adapters.channels.twilio_voice.TwilioVoiceFrInput:\n"
        f"  auth_token: {TOKEN}\n"
        f"  public_url: {PUBLIC}\n"
        f"  voice: {VOICE}\n"
        "  language: fr-FR\n"
        f"  call_memory_url: {redis}/{CALL_MEMORY_DB}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def profile(tmp_path_factory, trained_model):
    haproxy_installed()
    require_redis(LOCK_DB)
    from tests.conftest import fresh_postgres_database

    folder = tmp_path_factory.mktemp("production-profile")
    with fresh_postgres_database() as database:
        url = make_url(database)
        stores = {
            "TRACKER_DB_HOST": url.host or "127.0.0.1",
            "TRACKER_DB_PORT": str(url.port or 5432),
            "TRACKER_DB_NAME": url.database or "",
            "TRACKER_DB_USER": url.username or "postgres",
            "TRACKER_DB_PASSWORD": url.password or "",
            "REDIS_HOST": REDIS_TEST_HOST,
            "REDIS_PORT": str(REDIS_TEST_PORT),
            "REDIS_LOCK_DB": str(LOCK_DB),
            "REDIS_CALL_MEMORY_DB": str(CALL_MEMORY_DB),
        }
        with running_production(
            folder,
            trained_model,
            database,
            stores,
            rasa_servers=2,
            action_servers=1,
            credentials=production_credentials(folder),
        ) as running:
            yield running


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def say(base: str, sender: str, message: str) -> tuple[list[str], str]:
    """The assistant's replies and the Rasa server that answered (X-Served-By, added by the proxy)."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        served_by = answer.headers.get("X-Served-By", "")
        return [reply.get("text", "") for reply in json.loads(answer.read())], served_by


def test_the_proxy_serves_the_chat_page_and_the_console(profile):
    status, kind, page = get(profile["url"] + "/")
    assert status == 200 and kind.startswith("text/html") and "/config.js" in page
    status, _, config = get(profile["url"] + "/config.js")
    assert status == 200 and "window.RASA_URL = ''" in config  # the page talks to the proxy's own origin
    assert get(profile["url"] + "/widget.js")[0] == 200
    # Only the channels are public: the Rasa API and anything else are not reachable through the public front.
    assert get(profile["url"] + "/status")[0] == 404
    assert get(profile["url"] + "/conversations/x/tracker")[0] == 404
    status, kind, login = get(profile["console_url"] + "/login")
    assert status == 200 and kind.startswith("text/html") and "password" in login


@pytest.fixture
def served(monkeypatch) -> list[str]:
    """The Rasa server (HAProxy's X-Served-By) that answered each request of the test, in order."""
    names: list[str] = []
    urlopen = urllib.request.urlopen

    def recording(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = urlopen(request, *args, **kwargs)
        names.append(answer.headers.get("X-Served-By", ""))
        return answer

    monkeypatch.setattr(urllib.request, "urlopen", recording)
    return names


def test_a_signed_phone_call_books_through_the_proxy(profile, served, monkeypatch):
    call = Call(profile["url"], caller="+33611223344")
    call.start()
    call.say("bonjour je voudrais un rendez-vous pour une prise de sang")
    call.say("jeudi matin")
    call.say("le deuxième")
    call.say("Martin")
    call.say("Léa")
    call.key("03021990")  # birth date on the keypad
    call.say("oui")
    assert any("réservé" in said for said in call.heard), call.heard
    with profile["engine"].connect() as connection:
        (appointment,) = connection.execute(
            select(t.appointments).where(t.appointments.c.conversation_id == call.sid)
        ).all()
    assert appointment.channel == "phone" and appointment.appointment_type_id == "prise-de-sang", call.heard
    assert appointment.start_at.date() == date(2026, 11, 26)
    # Twilio's requests of one call reached both Rasa servers (the per-call memory is in Redis).
    assert set(served) == {"rasa1", "rasa2"}, served
    monkeypatch.undo()
    # The proxy does not weaken the check: an unsigned webhook is refused before reaching the dialogue.
    body = urllib.parse.urlencode({"CallSid": "CA" + uuid.uuid4().hex, "From": "+33600000000"}).encode()
    request = urllib.request.Request(
        profile["url"] + WEBHOOK, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


def test_after_a_silence_the_other_rasa_server_repeats_the_question(profile, served, monkeypatch):
    """The question to repeat is kept in Redis (call_memory_url): the server that did not ask it can repeat it."""
    call = Call(profile["url"], caller="+33622000111")
    call.start()
    call.say("bonjour je voudrais un rendez-vous pour une prise de sang")
    question = " ".join(call.heard[-1].split())
    before = len(call.heard)
    call.stay_silent()
    monkeypatch.undo()
    assert served[-1] != served[-2], served  # asked by one server, repeated by the other
    repeated = " ".join(" ".join(call.heard[before:]).split())
    assert question and question in repeated, (question, call.heard[before:])


def test_a_chat_booking_served_by_both_rasa_servers_survives_one_of_them_dying(profile):
    sender = f"prod-{uuid.uuid4().hex[:10]}"
    heard: list[str] = []
    served: list[str] = []
    for message in ("bonjour je voudrais un rendez-vous pour une prise de sang", "jeudi matin", "le premier", "Dupont"):
        replies, by = say(profile["url"], sender, message)
        heard += replies
        served.append(by)
    # Messages of one conversation alternate between the two servers: each reads what the other wrote.
    assert set(served) == {"rasa1", "rasa2"}, served
    profile["stack"].processes["rasa1"].kill()  # between two messages, as a crash would be
    profile["stack"].processes["rasa1"].wait(timeout=30)
    after: list[str] = []
    for message in ("Marie", "12 mars 1985", "aucun", "oui"):
        replies, by = say(profile["url"], sender, message)
        heard += replies
        after.append(by)
    assert set(after) == {"rasa2"}, after
    assert not any("incident technique" in reply for reply in heard), heard
    with profile["engine"].connect() as connection:
        booked = connection.execute(select(t.appointments).where(t.appointments.c.conversation_id == sender)).all()
        events = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
        ).scalar_one()
    assert len(booked) == 1, heard
    assert booked[0].appointment_type_id == "prise-de-sang" and booked[0].start_at.date() == date(2026, 11, 26)
    assert booked[0].channel == "chat"
    assert events > 10  # the whole conversation is in the PostgreSQL tracker store
