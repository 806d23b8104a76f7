"""Existing appointments: identity first, then the appointment the patient may still change here."""

from __future__ import annotations

from datetime import date

from actions.manage import (
    ActionCancelAppointment,
    ActionConfirmMove,
    ActionFindAppointments,
    ActionPrepareMove,
)
from assistant.conversation.replies import say
from assistant.core.booking import BookingRequest
from assistant.core.escalation import IDENTITY_KEY
from assistant.core.model import Channel, Patient
from assistant.services.agenda import Actor
from tests.actions.conftest import make_tracker, run_action, slot_events
from tests.builders import at

NOT_FOUND = say("not_found")

LEA = Patient(None, "Martin", "Léa", date(1990, 2, 3), "06 01 02 03 04")
IDENTITY = {"last_name": "Martin", "first_name": "Léa", "birth_date": "1990-02-03"}


def book(container, start, patient=LEA):
    return container.agenda.book(
        BookingRequest("consultation", "lefebvre", start, Channel.SECRETARIAT), patient, Actor("t", Channel.SECRETARIAT)
    )


def find(task: str, domain, **identity):
    return run_action(ActionFindAppointments(), make_tracker({**IDENTITY, **identity, "task": task}), domain)


def test_when_the_next_appointment_is_too_close_the_next_changeable_one_is_offered(container, domain):
    """Tomorrow 8:30 is within the practice's 24 h notice; Thursday is not: the patient can still move it."""
    close = book(container, at(2026, 11, 24, 8, 30))
    later = book(container, at(2026, 11, 26, 15, 0))
    for task, question in (("move", "Voulez-vous le déplacer ?"), ("cancel", "Voulez-vous l'annuler ?")):
        events, said = find(task, domain)
        assert slot_events(events)["appointment_id"] == later.id != close.id
        assert "demain à 8 h 30" in said[0] and "trop proche" in said[0] and "03 53 01 20 00" in said[0]
        assert "Il y a aussi un rendez-vous jeudi 26 novembre à 15 h" in said[0] and said[0].endswith(question)


def test_when_nothing_can_be_changed_here_a_yes_to_anything_else_is_not_a_yes_to_moving(container, domain):
    book(container, at(2026, 11, 24, 8, 30))
    events, said = find("move", domain)
    assert slot_events(events)["appointment_id"] is None
    assert said[0].endswith("Il est trop tard pour le déplacer ici.")
    # Phone QA: "merci d'appeler le secrétariat" sent a caller at night to a closed line. The request
    # goes to the secretariat now (a transfer on the phone in staffed hours, a callback otherwise).
    assert said[1].startswith("Je transmets votre demande au secrétariat")
    (request,) = container.escalations.list_open()
    assert request.reason.startswith("Déplacement demandé, trop proche pour le faire en ligne : rendez-vous demain")
    assert [event["name"] for event in events if event["event"] == "followup"] == ["callback_form"]
    verified = {**IDENTITY, "task": "move", "identity_verified": True, "appointment_id": None}
    for action in (ActionPrepareMove(), ActionCancelAppointment()):
        _, said = run_action(action, make_tracker(verified, text="oui", intent="affirm"), domain)
        assert said == ["utter_listening"]


def test_a_change_too_close_is_handed_over_with_the_identity_just_verified(container, domain):
    """QA: "c'est X née le … je voudrais annuler mon rendez-vous de cet après-midi": the identity was checked and
    the appointment read back, but the request read « identité vérifiée : non » with no patient on it."""
    close = book(container, at(2026, 11, 24, 8, 30))
    find("cancel", domain)
    (request,) = container.escalations.list_open()
    assert request.patient_id == close.patient_id
    assert request.understood[IDENTITY_KEY] == "oui"


def test_the_nearest_appointment_is_offered_when_it_can_be_changed(container, domain):
    first = book(container, at(2026, 11, 25, 9, 0))
    book(container, at(2026, 11, 26, 15, 0))
    events, said = find("cancel", domain)
    assert slot_events(events)["appointment_id"] == first.id
    assert said == [
        "Votre prochain rendez-vous est mercredi 25 novembre à 9 h avec le docteur Lefebvre. Voulez-vous l'annuler ?"
    ]


def test_a_wrong_birth_date_discloses_nothing(container, domain):
    book(container, at(2026, 11, 26, 15, 0))
    events, said = find("move", domain, birth_date="1990-03-02")
    assert said == [NOT_FOUND] and slot_events(events) == {"identity_verified": False}


def test_a_cancellation_the_agenda_refuses_goes_to_the_secretariat(container, domain):
    """Between the question and the "oui", the secretariat cancelled it: the patient is not left with an error."""
    appointment = book(container, at(2026, 11, 26, 15, 0))
    container.agenda.cancel(appointment.id, Actor("secretaire", Channel.SECRETARIAT), "appel du patient")
    verified = {**IDENTITY, "task": "cancel", "identity_verified": True, "appointment_id": float(appointment.id)}
    events, said = run_action(ActionCancelAppointment(), make_tracker(verified, text="oui", intent="affirm"), domain)
    assert said[0] == "Ce rendez-vous n'est plus actif." and "secrétariat" in said[1]
    (escalation,) = container.escalations.list_open()
    assert escalation.reason == "Annulation refusée en ligne : Ce rendez-vous n'est plus actif."
    assert [event["name"] for event in events if event.get("event") == "followup"] == ["callback_form"]


def test_a_change_refused_as_too_late_is_handed_over_without_asking_to_call(container, domain):
    """The agenda's sentence says "merci d'appeler le secrétariat"; the assistant hands over itself instead."""
    appointment = book(container, at(2026, 11, 24, 8, 30))  # tomorrow: within the 24 h notice
    verified = {**IDENTITY, "task": "cancel", "identity_verified": True, "appointment_id": float(appointment.id)}
    _, said = run_action(ActionCancelAppointment(), make_tracker(verified, text="oui", intent="affirm"), domain)
    assert said[0] == "Il est trop tard pour changer ce rendez-vous en ligne."
    assert "appeler" not in " ".join(said) and "secrétariat" in said[1]


def test_a_relative_s_appointment_is_theirs_and_the_verbs_elide(container, domain):
    """Seen on the demo: "Votre prochain rendez-vous … trop tard pour le annuler" to a caller about her mother."""
    book(container, at(2026, 11, 24, 8, 30))
    asked = [
        {
            "event": "user",
            "text": "c'est pour annuler le rdv de ma mère",
            "parse_data": {
                "intent": {"name": "cancel_appointment"},
                "entities": [{"entity": "relation", "value": "parent"}],
            },
        }
    ]
    tracker = make_tracker({**IDENTITY, "task": "cancel"}, events=asked)
    _, said = run_action(ActionFindAppointments(), tracker, domain)
    assert said[0].startswith("Son prochain rendez-vous est demain à 8 h 30")
    assert "Il est trop tard pour l'annuler ici" in said[0]


def test_checking_says_the_next_appointments_not_only_how_many(container, domain):
    """Seen on the demo: "Il y a aussi 2 autres rendez-vous à venir", without saying when."""
    for day in (26, 27, 30):
        book(container, at(2026, 11, day, 15, 0))
    _, said = find("check", domain)
    assert said == [
        "Votre prochain rendez-vous est jeudi 26 novembre à 15 h avec le docteur Lefebvre. Ensuite : vendredi "
        "27 novembre à 15 h avec le docteur Lefebvre et lundi 30 novembre à 15 h avec le docteur Lefebvre."
    ]


def test_a_move_for_a_relative_says_son_rendez_vous(container, domain):
    """Seen on the demo: "Je déplace votre rendez-vous" to a mother moving her daughter's."""
    chosen = {
        "start": "2026-11-26T08:00:00+00:00",
        "end": "2026-11-26T08:20:00+00:00",
        "practitioner_id": "lefebvre",
        "appointment_type_id": "consultation",
    }
    asked = [
        {
            "event": "user",
            "text": "c'est pour déplacer le rendez-vous de ma fille",
            "parse_data": {"entities": [{"entity": "relation", "value": "child"}]},
        }
    ]
    _, said = run_action(
        ActionConfirmMove(), make_tracker({"chosen_slot": chosen}, text="le deuxième", events=asked), domain
    )
    assert said == ["Je déplace son rendez-vous au jeudi 26 novembre à 9 h avec le docteur Lefebvre. Je confirme ?"]
    _, said = run_action(ActionConfirmMove(), make_tracker({"chosen_slot": chosen}, text="le deuxième"), domain)
    assert said[0].startswith("Je déplace votre rendez-vous")


def test_the_new_time_given_with_a_move_request_is_kept(container, domain):
    """Seen on the demo: "du jeudi au vendredi à la même heure" was asked "Quand souhaiteriez-vous venir ?"."""
    appointment = book(container, at(2026, 11, 26, 15, 0))
    friday = {"intervals": [{"start": "2026-11-27T00:00:00+01:00", "end": "2026-11-28T00:00:00+01:00"}]}
    thursday = {"intervals": [{"start": "2026-11-26T00:00:00+01:00", "end": "2026-11-27T00:00:00+01:00"}]}
    asked = "je voudrais déplacer mon rendez-vous du jeudi au vendredi à la même heure"
    said_first = [{"event": "user", "text": asked, "parse_data": {"intent": {"name": "reschedule_appointment"}}}]
    verified = {**IDENTITY, "task": "move", "identity_verified": True, "appointment_id": float(appointment.id)}
    events, _ = run_action(
        ActionPrepareMove(), make_tracker({**verified, "time_wish": friday}, text="oui", events=said_first), domain
    )
    assert slot_events(events)["time_wish"] == {
        **friday,
        "day_parts": ["15:00-15:01"],
        "weekdays": [],
        "earliest": False,
    }
    events, _ = run_action(ActionPrepareMove(), make_tracker({**verified, "time_wish": thursday}, text="oui"), domain)
    assert slot_events(events)["time_wish"] is None  # the appointment's own day: where it is, not where it goes


def test_after_two_failed_identity_checks_no_third_is_made(container, domain):
    """Chat QA: five wrong birth dates, each refused; the sixth disclosed the appointment."""
    book(container, at(2026, 11, 26, 15, 0))
    failed = [{"event": "slot", "name": "identity_verified", "value": False}] * 2
    tracker = make_tracker({**IDENTITY, "task": "check"}, events=failed)  # the right identity, at last
    events, said = run_action(ActionFindAppointments(), tracker, domain)
    assert said[0].startswith("Je ne peux pas vérifier votre identité une nouvelle fois ici")
    assert "26 novembre" not in " ".join(said) and slot_events(events) == {"identity_verified": False}


def test_the_appointment_the_request_names_is_the_one_offered_not_the_next_one(container, domain):
    """Phone QA: "annuler mon rendez-vous chez le kiné du 23 décembre" was answered with the vaccination
    of 26 November, and the December one could not be reached."""
    book(container, at(2026, 11, 26, 15, 0))
    physio = container.agenda.book(
        BookingRequest("kine-bilan", "mercier", at(2026, 12, 23, 9, 0), Channel.SECRETARIAT),
        LEA,
        Actor("t", Channel.SECRETARIAT),
    )
    request = [
        {
            "event": "user",
            "text": "je voudrais annuler mon rendez-vous chez le kiné du 23 décembre",
            "parse_data": {"intent": {"name": "cancel_appointment"}, "entities": []},
        }
    ]
    tracker = make_tracker({**IDENTITY, "task": "cancel"}, events=request)
    events, said = run_action(ActionFindAppointments(), tracker, domain)
    assert slot_events(events)["appointment_id"] == physio.id
    assert "23 décembre" in said[0] and said[0].endswith("Voulez-vous l'annuler ?")
    assert said[0].startswith("Votre rendez-vous est")  # not "prochain": the vaccination comes first
