"""Every question of the forms gets a bounded number of failed answers, then a person.

QA: "😀" was accepted as a surname and "le premier" as a first name, and an appointment was booked for
« Le Premier 😀 »; « Je n'ai pas compris la date de naissance » was said 163 times in 200 turns, up to 10
in a row, with no hand-over. Now an answer that cannot be understood is asked again once, with a hint
of what is expected; the second in a row on the same question hands over to the secretariat with what
was understood, never a third identical question.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.booking import ValidateBookingForm, ValidateSlotChoiceForm
from actions.identity import ValidateIdentityForm
from assistant.dialogue.failures import after_answers, after_failure, handover_reason, hands_over
from assistant.dialogue.speech import NOT_UNDERSTOOD, NOT_UNDERSTOOD_AGAIN
from tests.actions.conftest import make_tracker, run_action, slot_events
from tests.actions.test_booking_actions import THURSDAY_AFTERNOON, proposals_for

BOOKING = {"task": "book", "motif": "consultation", "practitioner": "lefebvre", "time_wish": THURSDAY_AFTERNOON}


def identity_turn(requested, text, slots=None, failed=None, sender_id="conv-failed"):
    """The identity form's validation after the patient answered ``requested`` with ``text``."""
    return make_tracker(
        {**BOOKING, **(slots or {}), "requested_slot": requested, "failed_answers": failed},
        text=text,
        active_loop="identity_form",
        candidates={requested: text},
        sender_id=sender_id,
    )


def followup(events):
    return next((event["name"] for event in events if event.get("event") == "followup"), None)


def form_ended(events):
    return any(event.get("event") == "active_loop" and event.get("name") is None for event in events)


def nothing_booked(container) -> bool:
    start = date(2026, 11, 23)
    return all(not container.agenda.agenda(start + timedelta(days=n)) for n in range(30))


def test_an_emoji_for_a_surname_is_asked_again_then_handed_over(container, domain):
    events, said = run_action(ValidateIdentityForm(), identity_turn("last_name", "😀"), domain)
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["failed_answers"] == {"last_name": 1}
    assert said == [
        "Je n'ai pas compris le nom de famille. Pouvez-vous me le redire, en l'épelant si besoin ?"
    ] and not form_ended(events)
    assert container.escalations.list_open() == []

    again = identity_turn("last_name", "🙂🙂", failed=slots["failed_answers"])
    events, said = run_action(ValidateIdentityForm(), again, domain)
    assert said[0] == NOT_UNDERSTOOD_AGAIN and NOT_UNDERSTOOD["last_name"] not in said  # no third question
    assert form_ended(events) and followup(events) == "callback_form"
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["chosen_slot"] is None and slots["failed_answers"] is None
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : nom de famille" and handed.category == "misunderstanding"
    assert handed.understood["motif"] == "consultation" and handed.understood["demande"] == "book"
    assert nothing_booked(container)


def test_le_premier_is_not_a_first_name(container, domain):
    events, said = run_action(
        ValidateIdentityForm(), identity_turn("first_name", "le premier", {"last_name": "Martin"}), domain
    )
    slots = slot_events(events)
    assert slots["first_name"] is None and slots["failed_answers"] == {"first_name": 1}
    assert said == [NOT_UNDERSTOOD["first_name"]]
    # a second answer that is no name either: the secretariat, with the surname understood
    again = identity_turn("first_name", "le deuxième", {"last_name": "Martin"}, failed={"first_name": 1})
    events, _ = run_action(ValidateIdentityForm(), again, domain)
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : prénom" and handed.understood["nom"] == "Martin"
    assert followup(events) == "callback_form"


def test_the_birth_date_is_handed_over_after_two_failed_answers_not_asked_ten_times(container, domain):
    known = {"last_name": "Dupont", "first_name": "Marie"}
    failed = None
    said_each_turn = []
    for turn, answer in enumerate(["je sais plus", "euh attendez c'est en mars"]):
        tracker = identity_turn("birth_date", answer, known, failed, sender_id="conv-born")
        events, said = run_action(ValidateIdentityForm(), tracker, domain)
        said_each_turn.append(said)
        failed = slot_events(events).get("failed_answers")
        if turn == 0:
            assert failed == {"birth_date": 1} and not form_ended(events)
    assert said_each_turn == [[NOT_UNDERSTOOD["birth_date"]], [NOT_UNDERSTOOD_AGAIN, said_each_turn[1][1]]]
    assert "secrétariat" in said_each_turn[1][1]
    assert form_ended(events) and followup(events) == "callback_form"
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : date de naissance"
    assert handed.understood["nom"] == "Dupont" and handed.understood["prénom"] == "Marie"
    assert nothing_booked(container)


def test_an_answer_understood_clears_the_failures_in_a_row(container, domain):
    tracker = identity_turn("birth_date", "12 mars 1985", {"last_name": "Dupont"}, {"birth_date": 1})
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["birth_date"] == "1985-03-12" and slots["failed_answers"] is None and said == []
    # the failures of another question stay counted
    tracker = identity_turn("first_name", "Léa", {"last_name": "Dupont"}, {"birth_date": 1, "first_name": 1})
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["failed_answers"] == {"birth_date": 1}


def test_a_phone_number_not_understood_twice_is_not_asked_a_third_time(container, domain):
    known = {"last_name": "Dupont", "first_name": "Marie", "birth_date": "1985-03-12"}
    tracker = identity_turn("phone", "le trente", known, {"phone": 1})
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert said[0] == NOT_UNDERSTOOD_AGAIN and followup(events) == "callback_form"
    assert slot_events(events)["phone"] == "none"  # the callback form does not ask for it again
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : numéro de téléphone"


def test_a_repeat_request_between_two_failures_counts_as_neither(container, domain):
    tracker = identity_turn("birth_date", "pardon ?", {"last_name": "Dupont"}, {"birth_date": 1})
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert "failed_answers" not in slot_events(events) and not form_ended(events)
    assert container.escalations.list_open() == []


def test_an_unclear_slot_choice_twice_goes_to_the_secretariat_unbooked(container, domain):
    proposals = proposals_for(container, domain)

    def choose(text, failed):
        tracker = make_tracker(
            {**BOOKING, "proposed_slots": proposals, "requested_slot": "chosen_slot", "failed_answers": failed},
            text=text,
            intent="choose_option",
            active_loop="slot_choice_form",
            candidates={"chosen_slot": text},
            events=[{"event": "slot", "name": "time_wish", "value": THURSDAY_AFTERNOON}],
        )
        return run_action(ValidateSlotChoiceForm(), tracker, domain)

    events, said = choose("euh je sais pas", None)
    assert said == [NOT_UNDERSTOOD["chosen_slot"]] and slot_events(events)["failed_answers"] == {"chosen_slot": 1}
    events, said = choose("bof", {"chosen_slot": 1})
    assert said[0] == NOT_UNDERSTOOD_AGAIN and form_ended(events) and followup(events) == "callback_form"
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : choix du créneau"
    assert nothing_booked(container)


def test_a_form_answer_answering_nothing_twice_goes_to_the_secretariat(container, domain):
    """The motif asked, "euh ben alors" twice: « Pardon, je n'ai pas bien compris » once, then a person."""

    def answer(failed):
        tracker = make_tracker(
            {"task": "book", "requested_slot": "motif", "failed_answers": failed},
            text="euh ben alors",
            active_loop="booking_form",
        )
        return run_action(ValidateBookingForm(), tracker, domain)

    events, _ = answer(None)
    assert slot_events(events)["failed_answers"] == {"motif": 1}
    events, said = answer({"motif": 1})
    assert said[0] == NOT_UNDERSTOOD_AGAIN and followup(events) == "callback_form"
    (handed,) = container.escalations.list_open()
    assert handed.reason == "Incompréhension répétée : motif du rendez-vous"


def test_the_policy_hands_over_at_the_second_failure_in_a_row():
    once = after_failure(None, "birth_date")
    assert once == {"birth_date": 1} and not hands_over(once, "birth_date")
    twice = after_failure(once, "birth_date")
    assert hands_over(twice, "birth_date") and not hands_over(twice, "last_name")
    assert after_answers(twice, ["birth_date"]) == {}
    assert after_failure({"x": "garbage"}, "phone") == {"phone": 1}  # an unreadable slot is no failure
    assert handover_reason("birth_date") == "Incompréhension répétée : date de naissance"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["last_name", "first_name"]),
    said=st.text(max_size=80),
    failed=st.sampled_from([None, {"last_name": 1}, {"first_name": 1}]),
)
def test_any_answer_to_a_name_question_never_crashes_nor_books(container, domain, field, said, failed):
    """Fuzzing the identity validators: no exception (no technical apology), no change to the agenda."""
    known = {"last_name": "Martin"} if field == "first_name" else {}
    events, texts = run_action(ValidateIdentityForm(), identity_turn(field, said, known, failed), domain)
    assert not any("incident technique" in text for text in texts)
    value = slot_events(events).get(field)
    assert value is None or (value and not any(ch.isdigit() for ch in value) and len(value) <= 60)
    assert nothing_booked(container)
