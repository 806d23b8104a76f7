"""Whole phone calls: signed Twilio webhooks against the real Rasa and action servers on localhost.

Requests are form-encoded and signed as Twilio signs them (public URL + sorted form
parameters, HMAC-SHA1 of the auth token); the client follows the TwiML it gets back
(the Gather's action, the Redirect on silence, the Dial's action and the whisper URL).
Assertions read the TwiML (language, voice, hints, Dial, Hangup) and the agenda and
escalation tables.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from assistant.adapters.db import tables as t
from tests.e2e.phone import VOICE, WEBHOOK, Call, credentials
from tests.e2e.servers import running_servers

pytestmark = pytest.mark.e2e

CALLER = "+33622334455"
ROUX = ["--last-name", "Roux", "--first-name", "Amélie", "--birth-date", "1990-06-15", "--phone", "06 22 33 44 55"]
CONSULTATION = ["--type", "consultation", "--practitioner", "lefebvre", "--channel", "secretariat"]
SEEDED = ([*CONSULTATION, "--start", "2026-12-01T10:00", *ROUX],)


@pytest.fixture(scope="module")
def staffed(tmp_path_factory, trained_model):
    """Monday 10:00: the secretariat answers the phone."""
    folder = tmp_path_factory.mktemp("phone-staffed")
    with running_servers(folder, trained_model, credentials=credentials(folder), seeded=SEEDED) as running:
        yield running


@pytest.fixture(scope="module")
def after_hours(tmp_path_factory, trained_model):
    """Monday 20:00: nobody at the practice."""
    folder = tmp_path_factory.mktemp("phone-night")
    with running_servers(folder, trained_model, now="2026-11-23T20:00", credentials=credentials(folder)) as running:
        yield running


def rows(engine, table, call: Call):
    with engine.connect() as connection:
        return connection.execute(select(table).where(table.c.conversation_id == call.sid)).all()


def test_the_greeting_discloses_the_assistant_and_listens_in_french(staffed):
    call = Call(staffed["url"])
    document = call.start()
    gather = document.find("Gather")
    assert gather is not None
    assert (
        gather.attrib["language"] == "fr-FR" and "speech" in gather.attrib["input"] and "dtmf" in gather.attrib["input"]
    )
    assert "Lefebvre" in gather.attrib.get("hints", "") and "prise de sang" in gather.attrib.get("hints", "")
    say = gather.find("Say")
    assert say is not None and say.attrib["voice"] == VOICE
    assert "assistant automatique" in say.text and "secrétariat" in say.text


def test_a_booking_by_phone_from_greeting_to_hang_up(staffed):
    call = Call(staffed["url"], caller="+33611223344")
    call.start()
    call.say("bonjour je voudrais un rendez-vous pour une prise de sang")
    call.say("jeudi matin")
    call.say("le premier")
    call.say("Dupont")
    call.say("Marie")
    call.key("12031985")  # birth date on the keypad
    call.say("oui")
    (appointment,) = rows(staffed["engine"], t.appointments, call)
    assert appointment.channel == "phone" and appointment.created_by == "assistant", call.heard
    assert appointment.appointment_type_id == "prise-de-sang" and appointment.start_at.date() == date(2026, 11, 26)
    call.say("merci au revoir")
    assert call.hung_up(), call.heard


def test_a_move_by_phone_with_the_birth_date_keyed(staffed):
    call = Call(staffed["url"])
    call.start()
    call.say("oui bonjour je voudrais déplacer mon rendez-vous")
    call.say("Roux")
    call.say("Amélie")
    call.key("15061990")
    call.say("oui")
    call.say("le vendredi 4 décembre")
    call.say("le premier")
    call.say("oui c'est bon")
    with staffed["engine"].connect() as connection:
        booked = connection.execute(
            select(t.appointments)
            .join(t.patients, t.patients.c.id == t.appointments.c.patient_id)
            .where(t.patients.c.last_name == "Roux", t.appointments.c.status == "booked")
        ).all()
    assert len(booked) == 1 and booked[0].start_at.date() == date(2026, 12, 4), call.heard


def test_an_emergency_call_gets_the_15_an_escalation_and_no_booking(staffed):
    call = Call(staffed["url"], caller="+33698765432")
    call.start()
    call.say("ma femme a très mal à la poitrine et elle respire mal")
    assert any("15" in said for said in call.heard), call.heard
    assert call.hung_up()
    (escalation,) = rows(staffed["engine"], t.escalations, call)
    assert escalation.urgency == "immediate" and escalation.channel == "phone"
    assert not rows(staffed["engine"], t.appointments, call)


def test_in_staffed_hours_a_request_for_a_person_is_a_warm_transfer_then_a_callback(staffed):
    call = Call(staffed["url"], caller="+33677889900")
    call.start()
    document = call.say("je voudrais parler à la secrétaire s'il vous plaît")
    dial = document.find("Dial")
    assert dial is not None, call.heard
    number = dial.find("Number")
    assert number is not None and number.text.replace(" ", "").endswith("353012001")
    # The secretary's leg asks for the whisper: one sentence before the patient is connected.
    whisper = call.post(number.attrib["url"], {"CallSid": "CA" + uuid.uuid4().hex, "ParentCallSid": call.sid})
    assert "".join(say.text or "" for say in whisper.iter("Say")).strip()
    # Nobody answered: the patient is offered a callback and accepts with the keypad.
    call.post(dial.attrib["action"], {"DialCallStatus": "no-answer", "CallStatus": "in-progress"})
    call.key("1")
    assert call.hung_up(), call.heard
    (escalation,) = rows(staffed["engine"], t.escalations, call)
    assert escalation.category == "human" and escalation.callback_requested
    # The status callback closes the call with its duration.
    call.post("/webhooks/twilio_voice_fr/status", {"CallStatus": "completed", "CallDuration": "95"})
    (escalation,) = rows(staffed["engine"], t.escalations, call)
    assert escalation.call_duration_seconds == 95


def test_after_hours_an_escalation_is_a_callback_request_for_the_morning(after_hours):
    call = Call(after_hours["url"], caller="+33655443322")
    call.start()
    document = call.say("je voudrais parler à quelqu'un du secrétariat")
    assert document.find("Dial") is None
    assert any("fermé" in said for said in call.heard), call.heard
    (escalation,) = rows(after_hours["engine"], t.escalations, call)
    assert escalation.callback_number and escalation.callback_after is not None
    assert escalation.callback_after.date() == date(2026, 11, 24)


def test_after_hours_a_booking_still_works(after_hours):
    call = Call(after_hours["url"], caller="+33612121212")
    call.start()
    call.say("euh bonsoir je voudrais un rdv pour un renouvellement d'ordonnance avec le docteur lefebvre")
    call.say("oui je suis déjà venu")  # a renewal is for patients already followed
    call.say("vendredi après-midi")
    call.say("le deuxième")
    call.say("Lemoine")
    call.say("Paul")
    call.key("03071962")
    call.say("oui")
    (appointment,) = rows(after_hours["engine"], t.appointments, call)
    assert appointment.practitioner_id == "lefebvre" and appointment.start_at.date() == date(2026, 11, 27), call.heard


def test_silence_gets_one_reprompt_then_a_polite_goodbye(staffed):
    call = Call(staffed["url"])
    call.start()
    call.stay_silent()
    assert not call.hung_up() and call.twiml.find("Gather") is not None
    call.stay_silent()
    assert call.hung_up()


def test_an_unsigned_request_is_refused_and_reaches_nothing(staffed):
    call = Call(staffed["url"])
    with pytest.raises(urllib.error.HTTPError) as refused:
        call.post(WEBHOOK, {"SpeechResult": "je veux annuler mon rendez-vous"}, signed=False)
    assert refused.value.code == 403
    assert not rows(staffed["engine"], t.escalations, call)
