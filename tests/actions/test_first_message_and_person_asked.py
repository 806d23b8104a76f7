"""QA gaps: whom the caller asks for reaches the escalation; the identity given in the first message is not asked
again. Real trackers, a real SQLite agenda (the escalations table) and the demo practice."""

from __future__ import annotations

from actions import runtime
from actions.booking import ValidateBookingForm
from actions.escalation import ActionEscalate
from actions.identity import ValidateIdentityForm
from tests.actions.conftest import make_tracker, run_action, slot_events


def entity(text: str, kind: str, words: str, value: object = None) -> dict:
    start = text.index(words)
    return {"entity": kind, "value": value or words, "start": start, "end": start + len(words)}


# --- 1. "je voudrais parler à …": whom, for the secretary


def test_a_person_asked_for_by_first_name_is_in_the_escalation(container, domain):
    text = "je voudrais parler à Nadège s'il vous plaît"
    tracker = make_tracker(text=text, intent="request_human", entities=[entity(text, "first_name", "Nadège")])
    run_action(ActionEscalate(), tracker, domain)
    (escalation,) = container.escalations.list_open()
    assert escalation.reason == "Demande à parler à Nadège"
    assert escalation.understood["personne demandée"] == "Nadège"
    assert "personne demandée : Nadège" in container.escalations.written_summary(int(escalation.id or 0))


def test_a_practitioner_asked_for_is_named_as_the_practice_knows_them(container, domain):
    practitioner = runtime.container().escalations.practice().practitioners[0]
    surname = practitioner.name.split()[-1]
    text = f"passez-moi le docteur {surname}"
    words = f"docteur {surname}"
    tracker = make_tracker(
        text=text, intent="request_human", entities=[entity(text, "practitioner", words, practitioner.id)]
    )
    run_action(ActionEscalate(), tracker, domain)
    (escalation,) = container.escalations.list_open()
    display = f"{practitioner.title} {practitioner.name}"
    assert escalation.reason == f"Demande à parler à {display}"
    assert escalation.understood["personne demandée"] == display


def test_the_callers_own_name_is_not_the_person_asked_for(container, domain):
    text = "c'est Alex, je voudrais parler au secrétariat"
    tracker = make_tracker(text=text, intent="request_human", entities=[entity(text, "first_name", "Alex")])
    run_action(ActionEscalate(), tracker, domain)
    (escalation,) = container.escalations.list_open()
    assert escalation.reason == "Demande à parler au secrétariat"
    assert "personne demandée" not in escalation.understood


# --- 2. the identity given in the first message


FIRST_BOOKING = "bonjour c'est Nadège Bastien née le 3 mars 1980 pour prendre rdv demain"
FIRST_CANCEL = "bonjour c'est Nadège Bastien née le 3 mars 1980 je voudrais annuler mon rendez-vous"
GIVEN = {"first_name": "Nadège", "last_name": "Bastien", "birth_date": "1980-03-03"}


def identity_entities(text: str) -> list[dict]:
    return [
        entity(text, "first_name", "Nadège"),
        entity(text, "last_name", "Bastien"),
        entity(text, "birth_date", "3 mars 1980", "1980-03-03"),
    ]


def test_a_booking_request_keeps_the_identity_it_gives(container, domain):
    tracker = make_tracker(
        {"task": "book"},
        text=FIRST_BOOKING,
        intent="book_appointment",
        entities=identity_entities(FIRST_BOOKING),
        candidates=GIVEN,
    )
    events, _ = run_action(ValidateBookingForm(), tracker, domain)
    slots = slot_events(events)
    # nothing of it emptied (it was: "a second booking request asks who it is for again")
    assert all(slots.get(name, value) == value for name, value in GIVEN.items()), slots


def test_the_identity_form_of_a_cancellation_asks_nothing_given_in_the_first_message(container, domain):
    tracker = make_tracker(
        {"task": "cancel"},
        text=FIRST_CANCEL,
        intent="cancel_appointment",
        entities=identity_entities(FIRST_CANCEL),
        candidates=GIVEN,
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert {name: slots[name] for name in GIVEN} == GIVEN and said == []


def as_the_model_reads_it(text: str) -> list[dict]:
    """The model's entities for the first message (QA, 7 December): two first names, spaCy's person."""
    return [
        entity(text, "first_name", "Nadège"),
        entity(text, "first_name", "Bastien"),
        entity(text, "PER", "Nadège Bastien"),
        entity(text, "birth_date", "3 mars 1980", "1980-03-03"),
    ]


def test_a_full_name_read_as_two_first_names_is_not_asked_again_for_a_cancellation(container, domain):
    # Rasa shows the form active to the validation of its first turn; Rasa's slot kept the last first name
    tracker = make_tracker(
        {"task": "cancel"},
        text=FIRST_CANCEL,
        intent="cancel_appointment",
        entities=as_the_model_reads_it(FIRST_CANCEL),
        active_loop="identity_form",
        candidates={"first_name": "Bastien", "birth_date": "1980-03-03"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert {name: slots[name] for name in GIVEN} == GIVEN and said == []
    assert slots["requested_slot"] is None  # nothing left to ask: the appointment is looked up


def test_a_booking_first_message_read_as_an_answer_is_a_booking_that_keeps_the_identity(container, domain):
    # read as "inform": the identity form started with no request, and asked « C'est à quel nom ? » (QA)
    wish = {"entity": "time_wish", "value": {"intervals": []}, "start": FIRST_BOOKING.index("demain"), "end": 71}
    read = [*as_the_model_reads_it(FIRST_BOOKING), wish]
    started = make_tracker(
        text=FIRST_BOOKING,
        intent="inform",
        entities=read,
        active_loop="identity_form",
        candidates={"first_name": "Bastien", "birth_date": "1980-03-03"},
    )
    events, said = run_action(ValidateIdentityForm(), started, domain)
    slots = slot_events(events)
    assert slots["task"] == "book" and said == []
    assert any(e.get("event") == "followup" and e.get("name") == "booking_form" for e in events)
    booking_starts = make_tracker(
        {"task": "book", "first_name": "Bastien", "birth_date": "1980-03-03"},
        text=FIRST_BOOKING,
        intent="inform",
        entities=read,
        active_loop="booking_form",
    )
    events, _ = run_action(ValidateBookingForm(), booking_starts, domain)
    slots = slot_events(events)
    assert (slots["first_name"], slots["last_name"]) == ("Nadège", "Bastien") and "birth_date" not in slots


def test_a_date_in_the_request_that_is_no_birth_date_is_asked_for(container, domain):
    text = "je voudrais annuler mon rendez-vous du 20 novembre 2026"
    tracker = make_tracker(
        {"task": "cancel"},
        text=text,
        intent="cancel_appointment",
        entities=[entity(text, "birth_date", "20 novembre 2026", "2026-11-20")],
        candidates={"birth_date": "2026-11-20"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["birth_date"] is None and not slots.get("failed_answers") and said == []


def test_a_birth_date_said_as_one_in_an_earlier_greeting_is_kept_when_the_form_starts(container, domain):
    greeting = "bonjour c'est Nadège Bastien née le 3 mars 1980"
    earlier = [
        {"event": "user", "text": greeting, "parse_data": {"entities": identity_entities(greeting)}},
        *({"event": "slot", "name": name, "value": value} for name, value in GIVEN.items()),
        {"event": "action", "name": "action_greet"},
    ]
    tracker = make_tracker(
        {"task": "cancel", **GIVEN},
        text="je voudrais annuler mon rendez-vous",
        intent="cancel_appointment",
        events=earlier,
        candidates={"birth_date": "1980-03-03"},  # as the form validates what was filled before it
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["birth_date"] == "1980-03-03" and said == []


# --- 3. a delay announced: who calls, and whom to tell


def test_a_delay_announced_names_the_caller_and_the_practitioner_to_tell(container, domain):
    """QA: "c'est Lemaire Agnès … un quart d'heure de retard … prévenez <prénom du praticien>": the request read
    only « identité vérifiée : non », neither the caller nor whom to tell (the transcript alone had them)."""
    practitioner = runtime.container().escalations.practice().practitioners[-1]
    first = practitioner.name.split()[0]
    text = f"bonjour c'est Lemaire Agnès je vais avoir un quart d'heure de retard prévenez {first} s'il vous plaît"
    start = text.rindex(first)
    read = [
        entity(text, "last_name", "Lemaire"),
        entity(text, "first_name", "Agnès"),
        {"entity": "practitioner", "value": practitioner.id, "start": start, "end": start + len(first)},
    ]
    run_action(ActionEscalate(), make_tracker(text=text, intent="announce_late", entities=read), domain)
    (escalation,) = container.escalations.list_open()
    display = f"{practitioner.title} {practitioner.name}"
    assert escalation.reason == f"Retard annoncé pour un rendez-vous, à dire à {display}"
    assert escalation.understood["nom"] == "Lemaire" and escalation.understood["prénom"] == "Agnès"
    assert escalation.understood["personne demandée"] == display


def test_a_name_asked_for_is_not_the_callers_on_the_summary(container, domain):
    text = "je voudrais parler à Nadège s'il vous plaît"
    tracker = make_tracker(text=text, intent="request_human", entities=[entity(text, "first_name", "Nadège")])
    run_action(ActionEscalate(), tracker, domain)
    (escalation,) = container.escalations.list_open()
    assert "prénom" not in escalation.understood and "nom" not in escalation.understood
