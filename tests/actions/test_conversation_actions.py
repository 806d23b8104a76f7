"""Changing one's mind: ending the request, or only changing the time or the practitioner searched."""

from __future__ import annotations

import pytest

from actions.base import TAKE_YOUR_TIME
from actions.conversation import ActionChangeMind
from assistant.language.fr.time_wishes import to_serializable
from assistant.nlu.time_wish import parse_time_wish
from tests.actions.conftest import NOW, make_tracker, run_action, slot_events

pytestmark = pytest.mark.usefixtures("container")  # the practice comes from a test agenda, never var/

THURSDAY = to_serializable(parse_time_wish("plutôt jeudi", NOW))
PROPOSED = [{"start": "2026-11-25T06:30:00+00:00", "practitioner_id": "lambert"}]
SEARCHING = {"task": "book", "motif": "vaccin", "time_wish": {"weekdays": [2]}, "proposed_slots": PROPOSED}


def change_mind(text, entities=(), active_loop="slot_choice_form", slots=None):
    tracker = make_tracker(
        {**SEARCHING, **(slots or {})},
        text=text,
        intent="change_mind",
        entities=list(entities),
        active_loop=active_loop,
    )
    return run_action(ActionChangeMind(), tracker, {})


def followups(events):
    return [event["name"] for event in events if event.get("event") == "followup"]


def test_finalement_plutot_jeudi_searches_again_instead_of_ending_the_booking():
    events, said = change_mind("non finalement plutôt jeudi", [{"entity": "time_wish", "value": THURSDAY}])
    assert said == ["D'accord."]
    assert slot_events(events) == {"chosen_slot": None, "proposed_slots": None, "time_wish": THURSDAY}
    assert followups(events) == ["slot_choice_form"]


def test_another_practitioner_while_the_search_form_asks_keeps_that_form():
    events, _ = change_mind(
        "finalement avec le docteur benali",
        [{"entity": "practitioner", "value": "benali"}],
        active_loop="booking_form",
        slots={"proposed_slots": None},
    )
    assert slot_events(events)["practitioner"] == "benali" and followups(events) == ["booking_form"]


def test_a_read_back_declined_for_another_day_goes_back_to_the_choice():
    chosen = {**PROPOSED[0], "appointment_type_id": "vaccin"}
    events, _ = change_mind(
        "ah non finalement plutôt jeudi",
        [{"entity": "time_wish", "value": THURSDAY}],
        active_loop=None,
        slots={"chosen_slot": chosen},
    )
    assert slot_events(events)["chosen_slot"] is None and followups(events) == ["slot_choice_form"]


def test_finalement_non_still_ends_the_request():
    events, said = change_mind("non finalement laissez tomber")
    assert said == ["D'accord, j'abandonne cette demande."]
    # "Puis-je faire autre chose pour vous ?" comes next, from the domain, so that its "non" is heard.
    assert slot_events(events)["task"] is None and followups(events) == ["utter_anything_else"]
    assert any(event["event"] == "active_loop" and event["name"] is None for event in events)


def test_a_time_said_outside_a_search_does_not_start_one():
    events, said = change_mind(
        "finalement jeudi", [{"entity": "time_wish", "value": THURSDAY}], active_loop=None, slots={"task": None}
    )
    assert said[0].startswith("D'accord, j'abandonne") and followups(events) == ["utter_anything_else"]


def test_asking_for_a_moment_keeps_the_request_and_the_form():
    """Seen on the demo: "euh attendez je regarde mon agenda" (change_mind) dropped the booking."""
    events, said = change_mind("euh attendez je regarde mon agenda", active_loop="booking_form")
    assert said == [TAKE_YOUR_TIME] and followups(events) == ["action_listen"]
    assert not slot_events(events) and not any(event["event"] == "active_loop" for event in events)


def test_a_birth_year_corrected_at_the_read_back_reads_it_back_again():
    """Phone QA: "Ah non pardon, je suis né en 1979, pas 1978." at the read-back dropped the booking."""
    slots = {"birth_date": "1978-06-30", "chosen_slot": PROPOSED[0], "last_name": "Roussel", "first_name": "Luc"}
    events, said = change_mind("Ah non pardon, je suis né en 1979, pas 1978.", active_loop=None, slots=slots)
    assert said == ["C'est corrigé : date de naissance le 30 juin 1979."]
    assert slot_events(events) == {"birth_date": "1979-06-30"} and followups(events) == ["action_confirm_booking"]


def test_a_birth_date_corrected_after_a_failed_check_is_checked_once_more_not_forever():
    failed = {"task": "cancel", "birth_date": "1985-05-21", "identity_verified": False}
    tracker = make_tracker(
        failed,
        text="ah pardon je me suis trompée c'est le 12 mai 1985",
        intent="change_mind",
        events=[{"event": "slot", "name": "identity_verified", "value": False}],
    )
    events, said = run_action(ActionChangeMind(), tracker, {})
    assert slot_events(events) == {"birth_date": "1985-05-12"} and followups(events) == ["action_find_appointments"]
    twice = make_tracker(
        failed,
        text="non pardon c'est le 13 mai 1985",
        intent="change_mind",
        events=[{"event": "slot", "name": "identity_verified", "value": False}] * 2,
    )
    events, said = run_action(ActionChangeMind(), twice, {})
    assert followups(events) == ["utter_anything_else"] and not slot_events(events)  # a third guess is not checked
    assert said[0].startswith("Je ne peux pas vérifier votre identité une nouvelle fois ici")


def test_dropping_the_request_with_a_goodbye_ends_the_call():
    """Phone QA: "Laissez tomber, je rappellerai. Au revoir." was asked "Puis-je faire autre chose ?"."""
    events, said = change_mind("Laissez tomber, je rappellerai. Au revoir.", active_loop="booking_form")
    assert said == ["D'accord, j'abandonne cette demande."] and followups(events) == ["utter_goodbye"]


def test_a_birth_year_corrected_in_the_same_answer_is_the_new_one():
    """Phone QA: "Le 2 février 1976. Non attendez, je me suis trompé, c'est 1967." dropped the booking."""
    tracker = make_tracker(
        {"task": "book", "requested_slot": "birth_date"},
        text="Le 2 février 1976. Non attendez, je me suis trompé, c'est 1967.",
        intent="change_mind",
        active_loop="identity_form",
    )
    events, said = run_action(ActionChangeMind(), tracker, {})
    assert said == ["C'est corrigé : date de naissance le 2 février 1967."]
    assert slot_events(events) == {"birth_date": "1967-02-02"} and followups(events) == ["identity_form"]
