"""The console's agenda over real HTTP: day and week views with free time, book, move and cancel through the
agenda service (same rules, audited under the secretary's name), patient search, the appointment's history."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assistant.adapters.console.app import ConsoleDeps, create_app
from assistant.adapters.console.passwords import fast_hasher_for_tests
from assistant.adapters.console.store import SqlSecretaryStore
from assistant.adapters.db import tables as t
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.clock import SystemClock
from assistant.core.booking import BookingRequest
from assistant.core.model import Channel, Patient
from assistant.services.agenda import Actor, AgendaService
from assistant.services.escalations import EscalationService
from assistant.services.secretaries import SecretaryService
from tests.builders import make_practice
from tests.conftest import NOW
from tests.integration.test_console_app import PARIS, PASSWORD, log_in
from tests.integration.test_console_app import test_every_route_refuses_an_anonymous_request as check_routes
from tests.sanic_thread import SanicThread, free_port


@pytest.fixture()
def world(engine, clock):
    agenda = AgendaService(uow_factory_for(engine), clock)
    agenda.apply_practice(make_practice(), "tests", Actor("tests", Channel.CLI))
    escalations = EscalationService(uow_factory_for(engine), clock, agenda.practice)
    store = SqlSecretaryStore(engine)
    secretaries = SecretaryService(store, fast_hasher_for_tests(), SystemClock(PARIS))
    secretaries.add("sophie", "Sophie", PASSWORD)
    deps = ConsoleDeps(
        secretaries,
        escalations,
        store.queue_fingerprint,
        None,
        PARIS,
        "Cabinet de test",
        agenda=agenda,
        search_patients=store.search_patients,
    )
    app = create_app(deps)
    server = SanicThread(app, free_port())
    server.start()
    try:
        yield {
            "url": f"http://127.0.0.1:{server.port}",
            "agenda": agenda,
            "escalations": escalations,
            "engine": engine,
            "app": app,
        }
    finally:
        server.stop()


def book_by_the_assistant(agenda: AgendaService) -> int:
    request = BookingRequest("consultation", "dupont", NOW.replace(hour=14, minute=0), Channel.CHAT)
    patient = Patient(None, "Dubois", "Léa", NOW.date().replace(year=1990), "06 01 02 03 04")
    appointment = agenda.book(request, patient, Actor("assistant", Channel.CHAT, "web-1"))
    assert appointment.id is not None
    return appointment.id


def test_every_agenda_route_refuses_an_anonymous_request(world):
    assert {"/agenda", "/agenda/book", "/patients"} <= {"/" + r.path.lstrip("/") for r in world["app"].router.routes}
    check_routes(world)


def test_today_s_agenda_shows_appointments_and_free_time(world):
    booked = book_by_the_assistant(world["agenda"])
    browser, _ = log_in(world)
    day = browser.get(world["url"] + "/agenda")
    assert day.status_code == 200
    assert "Agenda du lundi 23 novembre 2026" in day.text and "aujourd'hui</span>" in day.text
    assert f'id="rdv-{booked}"' in day.text and "DUBOIS Léa" in day.text
    assert "08:30–12:00" in day.text and "14:20–18:00" in day.text and "libre" in day.text  # free time around it
    assert "Dr Paul Martin" in day.text
    week = browser.get(world["url"] + "/agenda?jour=2026-11-25&vue=semaine")
    assert "Semaine du lundi 23 novembre 2026" in week.text and "dimanche 29 novembre 2026" in week.text
    only = browser.get(world["url"] + "/agenda?praticien=martin")
    columns = re.findall(r"<h3>(.*?) <span", only.text)
    assert columns == ["Dr Paul Martin"]


def test_book_move_and_cancel_go_through_the_agenda_service_and_are_audited(world):
    browser, csrf = log_in(world)
    form = {
        "csrf": csrf,
        "motif": "consultation",
        "practitioner": "dupont",
        "start": "2026-11-24T09:00",
        "last_name": "Martin",
        "first_name": "Jeanne",
        "birth_date": "1975-04-02",
        "phone": "06 11 22 33 44",
    }
    answer = browser.post(world["url"] + "/agenda/book", data=form, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    appointment_id = int(re.search(r"#rdv-(\d+)", answer.headers["Location"]).group(1))
    taken = browser.post(world["url"] + "/agenda/book", data=form)
    assert taken.status_code == 409 and "Action refusée" in taken.text  # the same slot twice: the service's rule
    outside = browser.post(world["url"] + "/agenda/book", data={**form, "start": "2026-11-24T20:00"})
    assert outside.status_code == 409

    moved = browser.post(
        f"{world['url']}/appointments/{appointment_id}/move", data={"csrf": csrf, "start": "2026-11-24T10:00"}
    )
    assert moved.ok
    assert world["agenda"].get_appointment(appointment_id).start.astimezone(PARIS).hour == 10
    cancelled = browser.post(
        f"{world['url']}/appointments/{appointment_id}/cancel", data={"csrf": csrf, "reason": "patiente malade"}
    )
    assert cancelled.ok and "annulé" in cancelled.text
    page = browser.get(f"{world['url']}/appointments/{appointment_id}").text
    assert page.count("Sophie (secrétariat)") == 3 and "réservation" in page and "annulation" in page
    with world["engine"].connect() as connection:
        rows = connection.execute(
            select(t.audit_events.c.actor, t.audit_events.c.channel, t.audit_events.c.action).where(
                t.audit_events.c.appointment_id == appointment_id
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("Sophie", "secretariat", "book"),
        ("Sophie", "secretariat", "move"),
        ("Sophie", "secretariat", "cancel"),
    ]


def test_patients_are_found_by_name_or_birth_date(world):
    booked = book_by_the_assistant(world["agenda"])
    browser, _ = log_in(world)
    for query in ("dubois", "LÉA", "23/11/1990"):
        found = browser.get(world["url"] + "/patients", params={"q": query}).text
        assert "DUBOIS Léa" in found and f"/appointments/{booked}" in found, query
    assert "0 patient(s)" in browser.get(world["url"] + "/patients", params={"q": "personne"}).text
    history = browser.get(f"{world['url']}/appointments/{booked}").text
    assert "l&#39;assistant (chat)" in history
