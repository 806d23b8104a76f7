"""The console over real HTTP (Sanic in a thread, SQLite agenda, argon2): sessions, CSRF, every route gated,
the live queue, take/note/close audited, and takeovers against a fake Rasa API."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from assistant.adapters.console.app import PUBLIC, ConsoleDeps, create_app
from assistant.adapters.console.passwords import fast_hasher_for_tests
from assistant.adapters.console.rasa_api import is_paused
from assistant.adapters.console.store import SqlSecretaryStore
from assistant.adapters.db import tables as t
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.clock import SystemClock
from assistant.core.escalation import EscalationRequest
from assistant.core.model import Channel
from assistant.services.agenda import Actor, AgendaService
from assistant.services.escalations import EscalationService
from assistant.services.secretaries import MAX_FAILED_LOGINS, SecretaryService
from tests.builders import make_practice
from tests.sanic_thread import SanicThread, free_port

PASSWORD = "correct horse battery"
PARIS = ZoneInfo("Europe/Paris")


class FakeRasa:
    """Rasa's tracker API as the console uses it, in memory."""

    def __init__(self) -> None:
        self.trackers: dict[str, list[dict[str, Any]]] = {}

    def patient_says(self, conversation_id: str, text: str) -> None:
        self.trackers.setdefault(conversation_id, []).append({"event": "user", "text": text, "timestamp": time.time()})

    async def events(self, conversation_id: str) -> list[dict[str, Any]]:
        return list(self.trackers.get(conversation_id, []))

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        stamped = [{**event, "timestamp": time.time()} for event in events]
        self.trackers.setdefault(conversation_id, []).extend(stamped)

    async def pause(self, conversation_id: str, announcement: str, secretary: str) -> None:
        await self.append(
            conversation_id,
            [{"event": "pause"}, {"event": "bot", "text": announcement, "metadata": {"secretary": secretary}}],
        )

    async def say(self, conversation_id: str, text: str, secretary: str) -> None:
        await self.append(conversation_id, [{"event": "bot", "text": text, "metadata": {"secretary": secretary}}])

    async def resume(self, conversation_id: str, announcement: str, secretary: str) -> None:
        await self.append(
            conversation_id,
            [{"event": "bot", "text": announcement, "metadata": {"secretary": secretary}}, {"event": "resume"}],
        )


class FakeSms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.down = False

    def send(self, to: str, body: str, reference: int | None = None) -> str:
        if self.down:
            raise ConnectionError("operator down")
        self.sent.append((to, body))
        return f"SM{len(self.sent)}"


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at


@pytest.fixture()
def world(engine):
    clock = Clock()
    agenda = AgendaService(uow_factory_for(engine), clock)
    agenda.apply_practice(make_practice(), "tests", Actor("tests", Channel.CLI))
    escalations = EscalationService(uow_factory_for(engine), clock, agenda.practice)
    store = SqlSecretaryStore(engine)
    secretaries = SecretaryService(store, fast_hasher_for_tests(), SystemClock(PARIS))
    secretaries.add("sophie", "Sophie", PASSWORD)
    secretaries.add("nadia", "Nadia", PASSWORD)
    rasa, sms = FakeRasa(), FakeSms()
    deps = ConsoleDeps(
        secretaries,
        escalations,
        store.queue_fingerprint,
        rasa,  # type: ignore[arg-type]
        PARIS,
        "Cabinet de test",
        sms_sender=sms,
    )
    app = create_app(deps)
    server = SanicThread(app, free_port())
    server.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{server.port}",
            "app": app,
            "escalations": escalations,
            "secretaries": secretaries,
            "rasa": rasa,
            "sms": sms,
            "engine": engine,
        }
    finally:
        server.stop()


def open_escalation(world, conversation: str = "web-1", urgency: str = "routine", category: str = "human"):
    return world["escalations"].open(
        EscalationRequest(
            channel=Channel.CHAT,
            conversation_id=conversation,
            reason="Le patient demande à parler à une personne",
            category=category,
            urgency=urgency,
            transcript=[["patient", "je veux parler à quelqu'un"]],
        )
    )


def log_in(world, login: str = "sophie", password: str = PASSWORD) -> tuple[requests.Session, str]:
    browser = requests.Session()
    form = browser.get(world["url"] + "/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    answer = browser.post(
        world["url"] + "/login", data={"csrf": token, "login": login, "password": password}, allow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    page = browser.get(world["url"] + "/")
    csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    return browser, csrf


def concrete(path: str) -> str:
    """A route's path with its parameters filled in."""
    return re.sub(r"<([a-z_]+)(?::([a-z]+))?>", lambda m: "1" if m.group(2) == "int" else "web-1", path)


def test_every_route_refuses_an_anonymous_request(world):
    """Read from the app's own router: a route added later is checked too."""
    checked = 0
    for route in world["app"].router.routes:
        path = "/" + concrete(route.path).lstrip("/")
        for method in route.methods:
            if (method, path) in PUBLIC or method in ("HEAD", "OPTIONS"):
                continue
            for headers in ({"Accept": "text/html"}, {"Accept": "application/json"}):
                answer = requests.request(
                    method, world["url"] + path, headers=headers, allow_redirects=False, timeout=10, stream=True
                )
                if answer.status_code == 303:
                    assert method == "GET" and answer.headers["Location"] == "/login", (method, path)
                else:
                    assert answer.status_code == 401, (method, path, answer.status_code)
                    assert answer.headers["Content-Type"].startswith("application/json")
                answer.close()
                checked += 1
    assert checked >= 30
    forged = requests.get(world["url"] + "/api/queue", cookies={"console_session": "forged"}, timeout=10)
    assert forged.status_code == 401


def test_log_in_sets_a_strict_http_only_cookie_and_log_out_ends_the_session(world):
    browser = requests.Session()
    form = browser.get(world["url"] + "/login")
    assert 'lang="fr"' in form.text and "Identifiant" in form.text and "Mot de passe" in form.text
    no_token = browser.post(world["url"] + "/login", data={"login": "sophie", "password": PASSWORD})
    assert no_token.status_code == 403  # the page gives a new token
    token = re.search(r'name="csrf" value="([^"]+)"', no_token.text).group(1)
    answer = browser.post(
        world["url"] + "/login", data={"csrf": token, "login": "sophie", "password": PASSWORD}, allow_redirects=False
    )
    cookie = answer.headers["Set-Cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert (
        answer.headers["Cache-Control"] == "no-store"
        and "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    )
    page = browser.get(world["url"] + "/")
    assert page.status_code == 200 and "Connectée" in page.text and "Sophie" in page.text
    csrf = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    browser.post(world["url"] + "/logout", data={"csrf": csrf})
    assert browser.get(world["url"] + "/api/queue").status_code == 401


def test_wrong_passwords_lock_the_account(world):
    for attempt in range(MAX_FAILED_LOGINS):
        browser = requests.Session()
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get(world["url"] + "/login").text).group(1)
        answer = browser.post(
            world["url"] + "/login", data={"csrf": token, "login": "sophie", "password": "wrong password!"}
        )
        assert answer.status_code == 401
        expected = "bloqué" if attempt == MAX_FAILED_LOGINS - 1 else "incorrect"
        assert expected in answer.text
    browser = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get(world["url"] + "/login").text).group(1)
    locked = browser.post(world["url"] + "/login", data={"csrf": token, "login": "sophie", "password": PASSWORD})
    assert locked.status_code == 401 and "bloqué" in locked.text


def test_a_post_without_the_csrf_token_is_refused(world):
    escalation = open_escalation(world)
    browser, csrf = log_in(world)
    for data, headers in (({}, {}), ({"csrf": "wrong"}, {}), ({}, {"X-CSRF-Token": "wrong"})):
        answer = browser.post(f"{world['url']}/escalations/{escalation.id}/take", data=data, headers=headers)
        assert answer.status_code == 403, answer.text
    assert world["escalations"].get(escalation.id).status == "open"
    answer = browser.post(
        f"{world['url']}/escalations/{escalation.id}/take", headers={"X-CSRF-Token": csrf, "Accept": "application/json"}
    )
    assert answer.status_code == 200
    assert world["escalations"].get(escalation.id).taken_by == "Sophie"


def test_the_queue_is_ordered_and_a_new_hand_over_is_pushed_within_a_second(world):
    open_escalation(world, "web-1")
    browser, _ = log_in(world)
    events: list[tuple[float, str]] = []

    def listen() -> None:
        with browser.get(world["url"] + "/events", stream=True, timeout=10) as stream:
            for raw in stream.iter_lines(decode_unicode=True):
                if raw.startswith("event: queue"):
                    events.append((time.monotonic(), raw))
                    if len(events) == 2:
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    deadline = time.monotonic() + 5
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events, "the stream says nothing at first"
    opened_at = time.monotonic()
    open_escalation(world, "web-urgent", urgency="immediate", category="emergency")
    listener.join(3)
    assert len(events) == 2 and events[1][0] - opened_at < 1.0
    queue = browser.get(world["url"] + "/api/queue", headers={"Accept": "application/json"}).json()
    assert [item["urgency"] for item in queue["items"]] == ["immediate", "routine"]
    first = queue["items"][0]["html"]
    assert "immédiate" in first and "non vérifiée" in first and "chat" in first


def test_take_note_and_close_are_audited_with_the_secretary_s_name(world):
    escalation = open_escalation(world)
    browser, csrf = log_in(world)
    url = f"{world['url']}/escalations/{escalation.id}"
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    assert browser.post(url + "/take", headers=headers).status_code == 200
    assert browser.post(url + "/note", data={"text": "Rappelée à 10 h"}, headers=headers).status_code == 200
    assert browser.post(url + "/close", data={"outcome": "nothing"}, headers=headers).status_code == 400
    assert browser.post(url + "/close", data={"outcome": "resolved"}, headers=headers).status_code == 200
    with world["engine"].connect() as connection:
        rows = connection.execute(
            select(t.audit_events.c.actor, t.audit_events.c.action, t.audit_events.c.details).where(
                t.audit_events.c.escalation_id == escalation.id
            )
        ).all()
    assert [(r.actor, r.action) for r in rows if r.actor == "Sophie"] == [
        ("Sophie", "escalation_take"),
        ("Sophie", "escalation_note"),
        ("Sophie", "escalation_close"),
    ]
    assert "Rappelée" not in str([r.details for r in rows])
    assert browser.get(world["url"] + "/api/queue", headers={"Accept": "application/json"}).json()["items"] == []


def test_a_takeover_pauses_the_assistant_relays_messages_and_hands_back(world):
    escalation = open_escalation(world, "web-7")
    rasa = world["rasa"]
    rasa.patient_says("web-7", "je veux parler à quelqu'un")
    sophie, csrf = log_in(world)
    nadia, nadia_csrf = log_in(world, "nadia")
    base = world["url"] + "/conversations/web-7"
    answer = sophie.post(base + "/take", data={"csrf": csrf, "escalation": str(escalation.id)}, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/conversations/web-7"
    assert is_paused(rasa.trackers["web-7"])
    assert world["secretaries"].is_taken("web-7")
    assert world["escalations"].get(escalation.id).taken_by == "Sophie"

    refused = nadia.post(base + "/take", headers={"X-CSRF-Token": nadia_csrf, "Accept": "application/json"})
    assert refused.status_code == 409 and "Sophie" in refused.json()["error"]
    assert nadia.post(base + "/message", data={"text": "x"}, headers={"X-CSRF-Token": nadia_csrf}).status_code == 409

    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    assert sophie.post(base + "/message", data={"text": "Bonjour, je vous écoute."}, headers=headers).ok
    rasa.patient_says("web-7", "merci !")
    lines = []
    with sophie.get(base + "/events?after=-1", stream=True, timeout=10) as stream:
        for raw in stream.iter_lines(decode_unicode=True):
            if raw.startswith("data: "):
                lines.append(raw)
                if "merci" in raw:
                    break
    said = "\n".join(lines)
    assert '"name": "Patient"' in said and '"name": "Sophie"' in said and "Bonjour, je vous écoute." in said

    assert sophie.post(base + "/handback", headers=headers).ok
    assert not is_paused(rasa.trackers["web-7"]) and not world["secretaries"].is_taken("web-7")
    assert nadia.post(base + "/take", headers={"X-CSRF-Token": nadia_csrf, "Accept": "application/json"}).ok
    assert nadia.post(base + "/close", headers={"X-CSRF-Token": nadia_csrf, "Accept": "application/json"}).ok
    assert not is_paused(rasa.trackers["web-7"])
    with world["engine"].connect() as connection:
        actions = connection.execute(
            select(t.audit_events.c.actor, t.audit_events.c.action).where(
                t.audit_events.c.action.like("conversation_%")
            )
        ).all()
    assert [tuple(a) for a in actions] == [
        ("Sophie", "conversation_takeover"),
        ("Sophie", "conversation_handed_back"),
        ("Nadia", "conversation_takeover"),
        ("Nadia", "conversation_closed"),
    ]


def test_an_sms_conversation_is_answered_through_the_sms_channel(world):
    escalation = world["escalations"].open(
        EscalationRequest(
            channel=Channel.SMS,
            conversation_id="sms-42",
            reason="Question sur une ordonnance",
            category="sensitive",
            urgency="routine",
            transcript=[["patient", "j'ai une question sur mon ordonnance"]],
        )
    )
    rasa, sms = world["rasa"], world["sms"]
    rasa.trackers["sms-42"] = [
        {"event": "user", "text": "j'ai une question", "metadata": {"caller": "+33601020304", "channel": "sms"}}
    ]
    sophie, csrf = log_in(world)
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    queue = sophie.get(world["url"] + "/api/queue", headers={"Accept": "application/json"}).json()
    assert "Répondre par SMS" in queue["items"][0]["html"]
    base = world["url"] + "/conversations/sms-42"
    assert sophie.post(base + "/take", data={"escalation": str(escalation.id)}, headers=headers).ok
    assert sophie.post(base + "/message", data={"text": "Oui, passez la prendre demain."}, headers=headers).ok
    assert [to for to, _ in sms.sent] == ["+33601020304", "+33601020304"]
    assert (
        "prend la suite" in sms.sent[0][1] and sms.sent[1][1] == "Oui, passez la prendre demain.\n— Sophie, secrétariat"
    )
    assert is_paused(rasa.trackers["sms-42"])
    sms.down = True
    failed = sophie.post(base + "/message", data={"text": "Autre chose ?"}, headers=headers)
    assert failed.status_code == 502 and "SMS non envoyé" in failed.json()["error"]
    assert not any(e.get("text") == "Autre chose ?" for e in rasa.trackers["sms-42"])  # not recorded as said
    sms.down = False
    assert sophie.post(base + "/handback", headers=headers).ok
    assert "reprend la conversation" in sms.sent[-1][1] and not is_paused(rasa.trackers["sms-42"])


def test_log_out_hands_her_conversations_back_to_the_assistant(world):
    rasa = world["rasa"]
    rasa.patient_says("web-8", "je veux parler à quelqu'un")
    sophie, csrf = log_in(world)
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    assert sophie.post(world["url"] + "/conversations/web-8/take", headers=headers).ok
    assert is_paused(rasa.trackers["web-8"])
    sophie.post(world["url"] + "/logout", data={"csrf": csrf})
    assert not is_paused(rasa.trackers["web-8"]) and not world["secretaries"].is_taken("web-8")
    said = [e for e in rasa.trackers["web-8"] if e.get("event") == "bot"][-1]
    assert "reprend la conversation" in said["text"] and said["metadata"] == {"secretary": "Sophie"}
    with world["engine"].connect() as connection:
        released = connection.execute(
            select(t.audit_events.c.actor).where(t.audit_events.c.action == "conversation_released")
        ).all()
    assert [row.actor for row in released] == ["console"]


def test_phone_hand_overs_show_the_transfer_and_the_number_to_call_back(world):
    service = world["escalations"]
    transferred = service.open(
        EscalationRequest(
            channel=Channel.PHONE,
            conversation_id="CA-1",
            reason="Demande à parler au secrétariat",
            category="human",
            urgency="routine",
        )
    )
    service.record_call_outcome("CA-1", 125, "no-answer")
    callback = service.open(
        EscalationRequest(
            channel=Channel.PHONE,
            conversation_id="CA-2",
            reason="Rappel demandé",
            category="human",
            urgency="routine",
            callback_number="06 01 02 03 04",
        )
    )
    service.set_callback(callback.id, "06 01 02 03 04")
    browser, csrf = log_in(world)
    items = {
        item["id"]: item["html"]
        for item in browser.get(world["url"] + "/api/queue", headers={"Accept": "application/json"}).json()["items"]
    }
    assert "transfert sans réponse, 2 min 05 s" in items[transferred.id]
    assert "Rappeler au" in items[callback.id] and "Rappel effectué" in items[callback.id]
    assert "Répondre dans le chat" not in items[callback.id]  # a phone call is not taken over from here
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    assert browser.post(f"{world['url']}/escalations/{callback.id}/unreached", headers=headers).ok
    assert world["escalations"].get(callback.id).status == "open"  # not reached: still to call
    assert browser.post(
        f"{world['url']}/escalations/{callback.id}/close", data={"outcome": "callback"}, headers=headers
    ).ok
    assert world["escalations"].get(callback.id).outcome == "callback"


def test_after_a_change_the_console_only_sends_back_to_its_own_pages(world):
    escalation = open_escalation(world)
    browser, csrf = log_in(world)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        answer = browser.post(
            f"{world['url']}/escalations/{escalation.id}/note",
            data={"csrf": csrf, "text": "note", "next": target},
            allow_redirects=False,
        )
        assert answer.status_code == 303 and answer.headers["Location"] == "/", target
