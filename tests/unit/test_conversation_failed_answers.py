"""Failed answers to a form's question, without Rasa (``assistant.conversation.failed_answers``)."""

from __future__ import annotations

from assistant.conversation.escalation import HANDED_OVER_SLOTS
from assistant.conversation.failed_answers import (
    FAILED_ANSWERS,
    NO_PHONE,
    failed_answer,
    hint_for,
    repeated_failure,
    reported_failure,
    something_else,
)
from assistant.conversation.replies import reply


def test_the_first_failed_answer_gets_the_questions_hint_and_is_counted() -> None:
    decision = failed_answer({}, "birth_date", phone_known=True)
    assert decision.said == (reply("not_understood.birth_date"),) and decision.handover is None
    assert decision.changes == {"birth_date": None, FAILED_ANSWERS: {"birth_date": 1}}
    assert hint_for("time_wish") == "not_this_answer"  # a question without a hint of its own


def test_the_second_in_a_row_hands_over_and_the_callback_number_is_asked() -> None:
    decision = failed_answer({"birth_date": 1}, "birth_date", phone_known=False)
    assert (
        decision.stop_form and decision.follow == "callback_form" and decision.said == (reply("not_understood_again"),)
    )
    assert decision.handover.reason == "Incompréhension répétée : date de naissance"
    assert decision.handover.category == "misunderstanding" and decision.after_handover == {}
    assert all(decision.changes[name] is None for name in (*HANDED_OVER_SLOTS, "birth_date", FAILED_ANSWERS))


def test_a_number_not_understood_twice_is_not_asked_a_third_time() -> None:
    assert repeated_failure("phone", phone_known=False).after_handover == {"phone": NO_PHONE}
    assert repeated_failure("phone", phone_known=True).after_handover == {}


def test_a_failure_the_validator_counted_gets_the_hint_or_the_hand_over() -> None:
    assert reported_failure({"last_name": 1}, "last_name", True).said == (reply("not_understood.last_name"),)
    assert reported_failure({"last_name": 1}, "last_name", True).changes == {}
    assert reported_failure({"last_name": 2}, "last_name", True).handover is not None


def test_an_answer_to_something_else_is_noted_or_counted() -> None:
    noted = something_else("motif", {}, noted=True, phone_known=True)
    assert noted.said == (reply("noted_but_not_this"),) and noted.changes == {"motif": None}
    counted = something_else("motif", {}, noted=False, phone_known=True)
    assert counted.said == (reply("not_this_answer"),) and counted.changes[FAILED_ANSWERS] == {"motif": 1}
    assert something_else("motif", {"motif": 1}, noted=False, phone_known=True).handover is not None
