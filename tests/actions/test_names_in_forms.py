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


def test_both_names_said_with_their_labels_fill_both_slots(container, domain):
    # QA over REST: « Et le prénom ? » asked again, the surname stored « Szczepaniak Prénom Marek »
    for text, last_name, first_name in (
        ("nom szczepaniak prénom marek", "Szczepaniak", "Marek"),
        ("nom ouadghiri prénom samira", "Ouadghiri", "Samira"),
        ("nom de famille Van der Berghe, prénom Jean-Pierre", "Van der Berghe", "Jean-Pierre"),
    ):
        events, said = run_action(ValidateIdentityForm(), name_turn("last_name", text), domain)
        slots = slot_events(events)
        assert (slots["last_name"], slots["first_name"]) == (last_name, first_name), text
        assert said == [] and "failed_answers" not in slots, text


def test_the_first_name_entity_and_the_labelled_surname(container, domain):
    # QA: read back « Marc Dubois Prénom »
    text = "nom dubois prénom marc"
    tracker = name_turn("last_name", text, [("first_name", "marc")], {"last_name": text, "first_name": "marc"})
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert (slots["last_name"], slots["first_name"]) == ("Dubois", "Marc") and said == []


def test_both_names_said_for_the_first_name_set_the_surname_too(container, domain):
    text = "prénom Marek nom Szczepaniak"
    tracker = make_tracker(
        {**BOOKING, "requested_slot": "first_name", "last_name": "Chepaniak"},
        text=text,
        active_loop="identity_form",
        events=[{"event": "slot", "name": "last_name", "value": "Chepaniak"}],
        candidates={"first_name": text},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert (slots["last_name"], slots["first_name"]) == ("Szczepaniak", "Marek") and said == []


def test_labelled_names_the_model_read_as_out_of_scope_are_names(container, domain):
    tracker = name_turn("last_name", "nom szczepaniak prénom marek", candidates={})
    tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.8}
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert (slots["last_name"], slots["first_name"]) == ("Szczepaniak", "Marek") and said == []


def test_the_callers_words_around_the_surname_are_not_stored(container, domain):
    # QA over REST: read back « Fatima Kheddouci À L'appareil », « Sylvie Martin À L'appareil »
    for text, name in (
        ("c'est madame kheddouci à l'appareil", "Kheddouci"),
        ("c'est madame martin à l'appareil", "Martin"),
        ("Le Gall au téléphone", "Le Gall"),
        ("ici monsieur Van der Berghe", "Van der Berghe"),
    ):
        events, said = run_action(ValidateIdentityForm(), name_turn("last_name", text), domain)
        slots = slot_events(events)
        assert slots["last_name"] == name and not slots.get("first_name") and said == [], text


def test_the_first_name_alone_said_with_its_label_for_the_surname_is_no_surname(container, domain):
    events, said = run_action(ValidateIdentityForm(), name_turn("last_name", "prénom Samira"), domain)
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["first_name"] == "Samira" and "failed_answers" not in slots
    assert said == []  # the form asks for the surname again, no « Je n'ai pas compris »


def test_a_labelled_answer_that_is_no_name_is_still_refused(container, domain):
    events, said = run_action(ValidateIdentityForm(), name_turn("last_name", "nom le premier"), domain)
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["failed_answers"] == {"last_name": 1}
    assert said == [NOT_UNDERSTOOD["last_name"]]
