"""Failed answers in a form (issue 16): what counts, and what the callback form hears when it starts.

QA: "hier" three times as the birth date got the out-of-scope sentence each time and never a hand-over;
"undefined" as a first name got the English reply; a second bad name with digits ("123456") was read as
the callback number: « Je n'ai pas compris ce numéro… » before the number was asked.
"""

from __future__ import annotations

from actions.escalation import ValidateCallbackForm
from actions.identity import ValidateIdentityForm
from assistant.dialogue.speech import NOT_UNDERSTOOD, NOT_UNDERSTOOD_AGAIN
from tests.actions.conftest import make_tracker, run_action, slot_events

BOOKING = {"task": "book", "motif": "consultation", "practitioner": "lefebvre"}


def test_digits_of_the_hand_over_message_are_not_a_wrong_callback_number(container, domain):
    tracker = make_tracker(
        {"requested_slot": None, "escalated": True},
        text="123456",
        active_loop="callback_form",
        events=[
            {"event": "user", "text": "Durand", "parse_data": {"intent": {"name": "inform"}}},
            {"event": "active_loop", "name": "identity_form"},
        ],
        candidates={"phone": "123456"},
    )
    # the callback form started after the latest message (the hand-over of the same turn), then the
    # candidates Rasa appends for validation
    tracker.events.insert(len(tracker.events) - 1, {"event": "active_loop", "name": "callback_form"})
    events, said = run_action(ValidateCallbackForm(), tracker, domain)
    assert said == [] and slot_events(events).get("phone") is None


def form_turn(requested, text, intent, failed=None):
    return make_tracker(
        {
            **BOOKING,
            "last_name": "Dupont",
            "first_name": "Marie",
            "requested_slot": requested,
            "failed_answers": failed,
        },
        text=text,
        intent=intent,
        active_loop="identity_form",
    )


def test_an_out_of_scope_answer_to_a_form_question_counts_as_a_failed_answer(container, domain):
    events, said = run_action(ValidateIdentityForm(), form_turn("birth_date", "hier", "out_of_scope"), domain)
    slots = slot_events(events)
    assert slots["failed_answers"] == {"birth_date": 1} and slots["birth_date"] is None
    assert said == [NOT_UNDERSTOOD["birth_date"]]  # then the form asks its question again
    events, said = run_action(
        ValidateIdentityForm(), form_turn("birth_date", "hier", "out_of_scope", {"birth_date": 1}), domain
    )
    assert said[0] == NOT_UNDERSTOOD_AGAIN
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : date de naissance"


def test_a_lone_word_read_as_english_in_a_form_is_a_failed_answer_not_english(container, domain):
    tracker = form_turn("first_name", "undefined", "speak_english")
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["failed_answers"] == {"first_name": 1} and said == [NOT_UNDERSTOOD["first_name"]]


def test_questions_emergencies_and_hand_overs_are_not_failed_answers(container, domain):
    for text, intent in [
        ("c'est où ?", "ask_address"),
        ("je veux parler à quelqu'un", "request_human"),
        ("please do you speak english", "speak_english"),
    ]:
        events, said = run_action(ValidateIdentityForm(), form_turn("birth_date", text, intent), domain)
        assert "failed_answers" not in slot_events(events) and said == [], intent
