"""Whole conversations over the REST channel, against the real servers on localhost.

The model is trained once if missing or stale (Rasa keeps it when nothing
changed), then the action server and the Rasa server start on free ports with a
temporary agenda (demo practice, clock frozen on Monday 23 November 2026 at
10:00). Assertions read the agenda and escalation tables, not the wording.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from assistant.adapters.db import tables as t
from assistant.launcher import ROOT
from tests.builders import PARIS
from tests.e2e.chat import Conversation
from tests.e2e.servers import running_servers

pytestmark = pytest.mark.e2e


# Patients of these tests only, with one appointment each, far enough ahead to be changed online.
CONSULTATION = ["--type", "consultation", "--practitioner", "lefebvre", "--channel", "secretariat"]
MOREL = ["--last-name", "Morel", "--first-name", "Hélène", "--birth-date", "1975-04-09"]
PETIT = ["--last-name", "Petit", "--first-name", "Julien", "--birth-date", "1988-10-21"]
SEEDED = (
    [*CONSULTATION, "--start", "2026-12-01T09:00", *MOREL],
    [*CONSULTATION, "--start", "2026-12-02T09:00", *PETIT],
)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, trained_model):
    with running_servers(tmp_path_factory.mktemp("e2e"), trained_model, seeded=SEEDED) as running:
        yield running


def appointments(engine, conversation: Conversation):
    with engine.connect() as connection:
        return connection.execute(
            select(t.appointments).where(t.appointments.c.conversation_id == conversation.sender)
        ).all()


def escalations(engine, conversation: Conversation):
    with engine.connect() as connection:
        return connection.execute(
            select(t.escalations).where(t.escalations.c.conversation_id == conversation.sender)
        ).all()


def test_a_booking_from_greeting_to_confirmation_lands_in_the_agenda(servers):
    chat = Conversation(servers["url"])
    chat.say("bonjour")
    chat.say("je voudrais un rendez-vous pour une prise de sang")
    chat.say("jeudi matin")
    chat.say("le premier")
    chat.say("Dupont")
    chat.say("Marie")
    chat.say("12 mars 1985")
    chat.say("06 12 34 56 78")
    chat.say("oui")
    rows = appointments(servers["engine"], chat)
    assert len(rows) == 1, chat.heard
    row = rows[0]
    assert row.appointment_type_id == "prise-de-sang" and row.practitioner_id == "lambert" and row.status == "booked"
    assert row.channel == "chat" and row.created_by == "assistant"
    assert row.start_at.date() == date(2026, 11, 26)
    assert not escalations(servers["engine"], chat)


def test_a_slot_taken_during_the_read_back_leads_to_other_times_and_a_booking(servers):
    chat = Conversation(servers["url"])
    chat.say("je voudrais un rendez-vous pour une prise de sang")
    chat.say("vendredi matin")
    chat.say("le premier")
    chat.say("Garnier")
    chat.say("Luc")
    chat.say("5 juin 1979")
    read_back = chat.say("aucun")[-1]
    taken = re.search(r"vendredi 27 novembre à (\d+) h (\d+)", read_back)
    assert taken, chat.heard
    start = f"2026-11-27T{int(taken[1]):02d}:{taken[2]}"
    slot = ["--type", "prise-de-sang", "--practitioner", "lambert", "--start", start]
    someone_else = ["--last-name", "Rapide", "--first-name", "Paul", "--birth-date", "1990-01-01"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "book",
            *slot,
            *someone_else,
            "--channel",
            "secretariat",
            "--by",
            "e2e",
        ],
        cwd=ROOT,
        env=servers["env"],
        check=True,
        capture_output=True,
    )
    chat.say("oui")  # too late: other times are proposed at once
    chat.say("le premier")
    chat.say("oui")  # the phone ("aucun") and the identity are not asked again
    rows = appointments(servers["engine"], chat)
    assert len(rows) == 1 and rows[0].status == "booked", chat.heard
    assert rows[0].start_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M") != start


def test_an_emergency_gets_an_escalation_and_never_a_booking(servers):
    chat = Conversation(servers["url"])
    replies = chat.say("j'ai une grosse douleur dans la poitrine et j'ai du mal à respirer")
    assert any("15" in reply for reply in replies), replies
    rows = escalations(servers["engine"], chat)
    assert len(rows) == 1 and rows[0].urgency == "immediate"
    chat.say("je voudrais quand même un rendez-vous demain")
    assert not appointments(servers["engine"], chat)


def test_a_wrong_identity_discloses_nothing_and_changes_nothing(servers):
    engine = servers["engine"]
    with engine.connect() as connection:
        before = connection.execute(select(t.appointments.c.id, t.appointments.c.status)).all()
    chat = Conversation(servers["url"])
    chat.say("bonjour je voudrais annuler mon rendez-vous")
    chat.say("Durand")
    chat.say("Camille")
    replies = chat.say("1er janvier 1990")  # the demo's Camille Durand was born on 12 May 1984
    with engine.connect() as connection:
        after = connection.execute(select(t.appointments.c.id, t.appointments.c.status)).all()
    assert before == after
    assert not any("novembre" in reply or "décembre" in reply for reply in replies), replies


def test_a_sensitive_request_goes_to_the_secretariat(servers):
    chat = Conversation(servers["url"])
    chat.say("bonjour je voudrais avoir les résultats de ma prise de sang")
    rows = escalations(servers["engine"], chat)
    assert len(rows) == 1 and rows[0].category == "sensitive"
    assert not appointments(servers["engine"], chat)


def patient_appointments(engine, last_name: str):
    with engine.connect() as connection:
        patient = connection.execute(select(t.patients.c.id).where(t.patients.c.last_name == last_name)).scalar_one()
        return connection.execute(
            select(t.appointments).where(t.appointments.c.patient_id == patient).order_by(t.appointments.c.start_at)
        ).all()


def test_a_verified_patient_cancels_the_next_appointment(servers):
    engine = servers["engine"]
    (before,) = patient_appointments(engine, "Morel")
    chat = Conversation(servers["url"])
    chat.say("bonjour je voudrais annuler mon rendez-vous")
    chat.say("Morel")
    chat.say("Hélène")
    chat.say("neuf avril mille neuf cent soixante-quinze")
    chat.say("oui")
    (after,) = patient_appointments(engine, "Morel")
    assert before.status == "booked" and after.status == "cancelled", chat.heard
    with engine.connect() as connection:
        audit = connection.execute(
            select(t.audit_events).where(
                t.audit_events.c.appointment_id == after.id, t.audit_events.c.action == "cancel"
            )
        ).all()
    assert len(audit) == 1 and audit[0].actor == "assistant" and audit[0].channel == "chat"


def test_a_verified_patient_moves_an_appointment_atomically(servers):
    engine = servers["engine"]
    (before,) = patient_appointments(engine, "Petit")
    assert before.start_at.date() == date(2026, 12, 2)
    chat = Conversation(servers["url"])
    chat.say("je voudrais déplacer mon rendez-vous")
    chat.say("Petit")
    chat.say("Julien")
    chat.say("21 octobre 1988")
    chat.say("oui")
    chat.say("le vendredi 4 décembre")
    chat.say("le premier")
    chat.say("oui")
    booked = [row for row in patient_appointments(engine, "Petit") if row.status == "booked"]
    assert len(booked) == 1, chat.heard
    assert booked[0].start_at.date() == date(2026, 12, 4), chat.heard
    assert booked[0].practitioner_id == "lefebvre" and booked[0].appointment_type_id == "consultation"


def test_a_change_too_close_to_the_appointment_is_refused_and_nothing_changes(servers):
    engine = servers["engine"]
    with engine.connect() as connection:
        before = connection.execute(select(t.appointments.c.id, t.appointments.c.status)).all()
    chat = Conversation(servers["url"])
    chat.say("je veux annuler mon rdv")
    chat.say("Durand")
    chat.say("Camille")
    replies = chat.say("12 mai 1984")  # the demo's first appointments are within the 24-hour notice
    chat.say("oui")
    with engine.connect() as connection:
        after = connection.execute(select(t.appointments.c.id, t.appointments.c.status)).all()
    assert before == after
    assert any("secrétariat" in reply for reply in replies), replies


def test_no_to_anything_else_ends_the_call_and_is_not_a_misunderstanding(servers):
    """Seen on the demo: "Puis-je faire autre chose ?" then "non merci" was not understood, twice, and handed over."""
    chat = Conversation(servers["url"])
    chat.say("je veux annuler mon rdv")
    chat.say("Durand")
    chat.say("Camille")
    chat.say("12 mai 1984")  # too close to cancel here: the request goes to the secretariat
    chat.say("non merci")  # no callback number
    chat.say("non")  # nothing else
    rows = escalations(servers["engine"], chat)
    assert [(row.category, row.reason.split(",")[0]) for row in rows] == [("human", "Annulation demandée")], chat.heard
    dropped = Conversation(servers["url"])
    dropped.say("je voudrais un rendez-vous pour un vaccin")
    dropped.say("finalement non laissez tomber")
    dropped.say("non")
    dropped.say("non merci")
    assert not escalations(servers["engine"], dropped), dropped.heard


def test_an_emergency_in_the_middle_of_a_booking_ends_it(servers):
    chat = Conversation(servers["url"])
    chat.say("je voudrais un rendez-vous pour une consultation")
    replies = chat.say("euh en fait mon bébé de deux mois a quarante de fièvre")
    assert any("15" in reply for reply in replies), replies
    rows = escalations(servers["engine"], chat)
    assert len(rows) == 1 and rows[0].urgency == "immediate" and rows[0].category == "emergency"
    chat.say("demain matin")
    chat.say("le premier")
    assert not appointments(servers["engine"], chat)


def test_asking_for_a_person_records_a_callback_request(servers):
    chat = Conversation(servers["url"])
    chat.say("je voudrais parler à la secrétaire")
    chat.say("zéro six douze trente-quatre cinquante-six soixante-dix-huit")
    rows = escalations(servers["engine"], chat)
    assert len(rows) == 1, chat.heard
    assert rows[0].category == "human" and rows[0].callback_requested
    assert rows[0].callback_number.replace(" ", "").endswith("612345678")


def test_two_misunderstandings_in_a_row_hand_over(servers):
    chat = Conversation(servers["url"])
    chat.say("hmm euh ben")  # hesitations of a phone transcript: nothing to understand
    chat.say("hein")
    rows = escalations(servers["engine"], chat)
    assert len(rows) == 1 and rows[0].category == "misunderstanding", chat.heard
