"""Names that are not names store nothing, not even the name-like word in them (issue 16).

QA: "Robert'); DROP TABLE appointments;--" was told « Je n'ai pas compris le nom de famille… » yet the
first name Robert (the NLU's entity) was stored, and "Bobby" then booked « Robert Bobby »; "null" was
booked « Paul Null »; a message a red-flag rule matched was kept as a name.
"""

from __future__ import annotations

from actions.identity import ValidateIdentityForm
from assistant.dialogue.speech import NOT_UNDERSTOOD
from tests.actions.conftest import make_tracker, run_action, slot_events

BOOKING = {"task": "book", "motif": "consultation", "practitioner": "lefebvre"}


def name_turn(requested, text, entities=(), candidates=None, slots=None, triage=None):
    tracker = make_tracker(
        {**BOOKING, **(slots or {}), "requested_slot": requested},
        text=text,
        entities=[
            {"entity": entity, "value": value, "start": text.index(value), "end": text.index(value) + len(value)}
            for entity, value in entities
        ],
        active_loop="identity_form",
        candidates=candidates if candidates is not None else {requested: text},
    )
    if triage:
        tracker.latest_message["triage"] = triage
    return tracker


def test_code_said_for_the_surname_keeps_no_first_name_from_it(container, domain):
    text = "Robert'); DROP TABLE appointments;--"
    tracker = name_turn("last_name", text, [("first_name", "Robert")], {"last_name": text, "first_name": "Robert"})
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["first_name"] is None
    assert slots["failed_answers"] == {"last_name": 1} and said == [NOT_UNDERSTOOD["last_name"]]


def test_placeholders_and_insults_are_no_first_names(container, domain):
    for text in ("null", "undefined", "connard"):
        events, _ = run_action(
            ValidateIdentityForm(), name_turn("first_name", text, slots={"last_name": "Paul"}), domain
        )
        slots = slot_events(events)
        assert slots["first_name"] is None and slots["failed_answers"] == {"first_name": 1}, text


def test_a_message_a_red_flag_rule_matched_is_no_name(container, domain):
    triage = {"category": "urgent", "rules": ["fievre-nourrisson"], "reasons": ["Fièvre"]}
    tracker = name_turn("first_name", "Fievre Forte", slots={"last_name": "Martin"}, triage=triage)
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["first_name"] is None


def test_a_surname_set_right_at_the_first_name_question_is_not_a_change_of_mind(container, domain):
    # chat QA: "Durand", then this, got « D'accord, j'abandonne cette demande. » (read as a change of mind)
    text = "non pardon c'est Durant avec un t"
    tracker = make_tracker(
        {**BOOKING, "requested_slot": "first_name", "last_name": "Durand"},
        text=text,
        intent="change_mind",
        active_loop="identity_form",
        events=[{"event": "slot", "name": "last_name", "value": "Durand"}],
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["last_name"] == "Durant" and not slots.get("first_name") and said == []
    assert not any(event.get("event") == "active_loop" for event in events)  # the form goes on: "Et le prénom ?"


def test_a_surname_set_right_in_the_same_answer_keeps_the_last_one(container, domain):
    # phone QA: read as out of scope, then "Jean-Pierre" was taken for the surname
    text = "Durand non pardon Durant avec un t"
    tracker = name_turn("last_name", text, candidates={}, slots={})
    tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.9}
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["last_name"] == "Durant"


def test_a_spelled_surname_is_the_word(container, domain):
    events, said = run_action(ValidateIdentityForm(), name_turn("last_name", "D U P O N T"), domain)
    assert slot_events(events)["last_name"] == "Dupont" and said == []


def test_a_surname_set_right_is_not_the_first_name_either(container, domain):
    text = "non pardon c'est Durant avec un t"
    tracker = make_tracker(
        {**BOOKING, "requested_slot": "first_name", "last_name": "Durand"},
        text=text,
        active_loop="identity_form",
        events=[{"event": "slot", "name": "last_name", "value": "Durand"}],
        candidates={"first_name": text},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["last_name"] == "Durant" and slots["first_name"] is None and "failed_answers" not in slots
