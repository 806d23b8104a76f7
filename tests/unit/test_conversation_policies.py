"""The conversation layer's decisions, without Rasa: escalation, repair, alternatives, motifs, moves."""

from __future__ import annotations

from datetime import datetime, time, timezone
from pathlib import Path

import pytest
from dateutil import tz

from assistant.conversation.escalation import emergency_plan, handover_for, is_life_threatening
from assistant.conversation.fallback import MAX_MISUNDERSTANDINGS, Misunderstanding, Repair, repair, repair_decision
from assistant.conversation.motifs import motif_for, symptom_motif
from assistant.conversation.moving import move_target, says_same_time
from assistant.conversation.replies import reply
from assistant.conversation.slot_choice import alternatives
from assistant.conversation.state import Triage
from assistant.core.model import Channel, TimeRange
from assistant.core.practice_config import load_practice_file
from assistant.core.slots import SlotQuery
from assistant.core.windows import Interval, TimeWish
from assistant.dialogue.speech import indefinite

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_practice_file(ROOT / "practices" / "demo-lille.yml")
PARIS = tz.gettz("Europe/Paris")


# --- escalation policy


@pytest.mark.parametrize(
    ("intent", "category", "urgency", "acknowledgement"),
    [
        ("medical_question", "sensitive", "routine", "no_medical_advice"),
        ("ask_results", "sensitive", "routine", "ack.ask_results"),
        ("complaint", "sensitive", "routine", "ack.complaint"),
        ("request_records", "sensitive", "routine", "ack.request_records"),
        ("request_human", "human", "routine", None),
        ("announce_late", "human", "urgent", "ack.announce_late"),
        ("nlu_fallback", "misunderstanding", "routine", None),
        ("something_else", "human", "routine", None),
    ],
)
def test_a_request_is_handed_over_by_its_intent(intent, category, urgency, acknowledgement) -> None:
    handover = handover_for(intent, Triage())
    assert (handover.category, handover.urgency, handover.acknowledgement) == (category, urgency, acknowledgement)
    assert handover.reason


def test_the_reasons_are_read_by_the_secretary() -> None:
    assert handover_for("announce_late", Triage()).reason == "Retard annoncé pour un rendez-vous"
    assert handover_for(None, Triage()).reason == "Demande transmise au secrétariat"


def test_an_urgent_triage_raises_any_request_to_urgent_with_its_reasons_and_no_advice() -> None:
    handover = handover_for("request_human", Triage("urgent", ("Fièvre élevée",)))
    assert (handover.reason, handover.category, handover.urgency) == ("Fièvre élevée", "urgent", "urgent")
    assert handover.acknowledgement == "no_medical_advice"
    assert handover_for("complaint", Triage("urgent")).reason == "Réclamation"


def test_life_threatening_is_read_from_the_rules_that_matched_not_from_the_order_of_numbers() -> None:
    overdose = Triage("suicide", numbers=("3114", "15"), rule_categories=("suicide", "emergency"))
    thoughts = Triage("suicide", numbers=("15", "3114"), rule_categories=("suicide",))
    assert is_life_threatening(overdose) and not is_life_threatening(thoughts)
    assert not is_life_threatening(Triage("emergency", rule_categories=("emergency",)))


def test_a_person_in_distress_is_put_through_on_the_phone_when_someone_can_take_the_call() -> None:
    thoughts = Triage("suicide", ("Idées suicidaires",), rule_categories=("suicide",))
    plan = emergency_plan(thoughts, Channel.PHONE, staffed=True, can_transfer=True)
    assert plan.put_through and not plan.hang_up and plan.category == "suicide" and plan.reason == "Idées suicidaires"
    night = emergency_plan(thoughts, Channel.PHONE, staffed=False, can_transfer=False)
    assert not night.put_through and night.hang_up and night.told == "secretariat_told_later"


def test_an_overdose_or_a_medical_emergency_frees_the_line_even_in_staffed_hours() -> None:
    overdose = Triage("suicide", rule_categories=("suicide", "emergency"))
    plan = emergency_plan(overdose, Channel.PHONE, staffed=True, can_transfer=True)
    assert plan.life_threatening and not plan.put_through and plan.hang_up and plan.told == "secretariat_told"
    chat = emergency_plan(Triage("emergency"), Channel.CHAT, staffed=True, can_transfer=False)
    assert chat.category == "emergency" and not chat.hang_up and chat.reason == "Urgence signalée par le patient"


# --- repair of a message not understood


def test_the_first_misunderstanding_asks_to_rephrase_and_the_second_hands_over() -> None:
    assert repair(Misunderstanding()) == Repair.REPHRASE
    assert repair(Misunderstanding(in_a_row=MAX_MISUNDERSTANDINGS)) == Repair.HAND_OVER
    assert repair(Misunderstanding(already_said_this_turn=True)) == Repair.SILENCE


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Misunderstanding(holds_on=True, asks_to_repeat=True, in_a_row=5), Repair.TAKE_YOUR_TIME),
        (Misunderstanding(asks_to_repeat=True, says_goodbye=True, in_a_row=5), Repair.REPEAT),
        (Misunderstanding(after_callback_noted=True, says_goodbye=True), Repair.CALLBACK_DETAILS),
        (Misunderstanding(says_goodbye=True, wants_change_too_late=True), Repair.GOODBYE),
        (Misunderstanding(wants_change_too_late=True, yes_to_read_back=True), Repair.TOO_CLOSE),
        (Misunderstanding(yes_to_read_back=True, unsure_booking=True, in_a_row=3), Repair.CONFIRM_THEN_ASK),
        (Misunderstanding(unsure_booking=True, in_a_row=3), Repair.START_BOOKING),
        (Misunderstanding(in_a_row=3, already_said_this_turn=True), Repair.HAND_OVER),
    ],
)
def test_repairs_apply_in_order(facts, expected) -> None:
    assert repair(facts) == expected


# --- slot choice: the alternatives when the wish has nothing


WISH = TimeWish(day_parts=(TimeRange(time(17), time(19)),))


def test_with_a_practitioner_asked_for_anyone_at_that_time_then_their_next_then_anyones_next() -> None:
    query = SlotQuery("consultation", ("lefebvre",), WISH, 3, False, True, 20)
    tried = alternatives(query, None, "Le docteur Lefebvre")
    assert [a.query.practitioner_ids for a in tried] == [(), ("lefebvre",), ()]
    assert tried[0].query.wish == WISH and tried[1].query.wish == TimeWish() and tried[2].query.wish == TimeWish()
    assert tried[1].query.new_patient and tried[2].query.spread_days
    assert tried[0].intro == (reply("practitioner_busy_other_can", practitioner="Le docteur Lefebvre"),)
    assert tried[1].intro == (reply("nothing_then"), reply("next_availabilities"))


def test_the_reason_the_wish_had_nothing_introduces_every_alternative() -> None:
    query = SlotQuery("consultation", ("lefebvre",), WISH)
    tried = alternatives(query, "Le cabinet est fermé le dimanche.")
    assert tried[0].intro == (reply("as_is", text="Le cabinet est fermé le dimanche."), reply("other_practitioner_can"))
    assert tried[2].intro[0] == reply("as_is", text="Le cabinet est fermé le dimanche.")


def test_without_a_practitioner_only_the_next_free_slots_are_searched() -> None:
    tried = alternatives(SlotQuery("prise-de-sang", (), WISH), None)
    assert len(tried) == 1 and tried[0].query.wish == TimeWish() and tried[0].query.spread_days


# --- motifs


def motif(motif_id: str):
    return PRACTICE.appointment_type(motif_id)


def test_a_symptom_books_the_motif_the_practice_file_marks_for_symptoms() -> None:
    assert symptom_motif(PRACTICE) == motif("consultation")
    decision = motif_for(None, PRACTICE, new_patient=False, gave_a_reason=True, first_visit=None)
    # said back, so that a patient who meant something else can say so
    assert decision.motif == motif("consultation")
    assert decision.said == reply("motif_for_symptom", motif=indefinite(motif("consultation").name))
    assert motif_for(None, PRACTICE, False, gave_a_reason=False, first_visit=None).motif is None


def test_a_new_patient_asking_for_a_motif_kept_for_followed_patients_gets_the_first_visit() -> None:
    first = next(m for m in PRACTICE.appointment_types if m.new_patients and "lefebvre" in m.practitioner_ids)
    kept = motif("consultation")
    assert not kept.new_patients
    decision = motif_for(kept, PRACTICE, new_patient=True, gave_a_reason=False, first_visit=first, indefinite_name="x")
    assert decision.motif == first and decision.said == reply("followed_patients_only", motif="x")
    assert motif_for(kept, PRACTICE, False, False, first).motif == kept


def test_a_motif_only_the_secretariat_books_is_refused_with_a_word() -> None:
    only = next((m for m in PRACTICE.appointment_types if not m.bookable_online), None)
    assert only is not None
    decision = motif_for(only, PRACTICE, False, False, None)
    assert decision.motif is None and decision.said == reply("motif_secretariat_only")


# --- moving


START = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)  # Thursday 3 December, 10:30 in Lille


def day(d: int) -> Interval:
    return Interval(datetime(2026, 12, d, 0, 0, tzinfo=PARIS), datetime(2026, 12, d + 1, 0, 0, tzinfo=PARIS))


def test_the_appointments_own_day_is_where_it_is_not_where_it_goes() -> None:
    assert move_target(TimeWish(intervals=(day(3),)), START, PARIS, False) is None
    assert move_target(None, START, PARIS, False) is None
    assert move_target(TimeWish(), START, PARIS, False) is None
    assert move_target(TimeWish(earliest=True), START, PARIS, False) == TimeWish(earliest=True)


def test_at_the_same_time_is_the_appointments_time_on_the_new_day() -> None:
    target = move_target(TimeWish(intervals=(day(3), day(4))), START, PARIS, same_time=True)
    assert target is not None and target.day_parts == (TimeRange(time(10, 30), time(10, 31)),)
    wish = TimeWish(intervals=(day(4),), day_parts=(TimeRange(time(14), time(18)),))
    assert move_target(wish, START, PARIS, same_time=True) == wish


def test_same_time_is_heard_in_the_request() -> None:
    assert says_same_time("du jeudi 3 au vendredi 4 à la même heure")
    assert says_same_time("même horaire s'il vous plaît") and not says_same_time("vendredi matin")


# --- after an emergency, and the repairs the state decides


def test_after_an_emergency_a_question_is_answered_and_anything_else_gets_the_number_again() -> None:
    from assistant.conversation.escalation import HANDED_OVER_SLOTS, after_emergency, is_an_emergency

    assert is_an_emergency("emergency", Triage()) and is_an_emergency("inform", Triage("suicide"))
    assert not is_an_emergency("ask_hours", Triage("urgent"))
    answered = after_emergency("ask_hours", None)
    assert answered.follow == "action_answer_info" and answered.stop_form and not answered.said
    number = reply("emergency_no_booking", samu="15")
    again = after_emergency("book_appointment", number)
    assert again.said == (number,) and again.follow is None and again.changes["task"] is None
    assert all(again.changes[name] is None for name in HANDED_OVER_SLOTS)


@pytest.mark.parametrize(
    ("choice", "follow", "said"),
    [
        (Repair.TAKE_YOUR_TIME, "action_listen", ("take_your_time",)),
        (Repair.TOO_CLOSE, "utter_anything_else", ("too_close_call",)),
        (Repair.GOODBYE, "utter_goodbye", ()),
        (Repair.START_BOOKING, "booking_form", ()),
        (Repair.SILENCE, "action_listen", ()),
        (Repair.HAND_OVER, "callback_form", ("not_understood_request",)),
    ],
)
def test_the_repairs_the_state_decides(choice, follow, said) -> None:
    from assistant.conversation.fallback import repair_decision

    decision = repair_decision(choice, "03 20 00 00 00", Triage())
    assert decision.follow == follow and tuple(r.id for r in decision.said) == said
    if choice == Repair.HAND_OVER:
        assert decision.stop_form and decision.handover.category == "misunderstanding"
    if choice == Repair.TOO_CLOSE:
        assert decision.said[0].params["phone"] == "03 20 00 00 00"


def test_the_repairs_the_action_carries_out_are_not_decided_here() -> None:
    from assistant.conversation.fallback import repair_decision

    for choice in (Repair.REPEAT, Repair.CALLBACK_DETAILS, Repair.CONFIRM_THEN_ASK, Repair.REPHRASE):
        assert repair_decision(choice, "", Triage()) is None


def test_a_new_time_for_an_appointment_too_close_to_change_is_noticed() -> None:
    from assistant.conversation.fallback import change_too_late

    assert change_too_late(True, "move", None, True)
    assert not change_too_late(True, "move", 12, True)  # an appointment that can still be changed
    assert not change_too_late(False, "move", None, True) and not change_too_late(True, "book", None, True)
    assert not change_too_late(True, "cancel", None, False)


def test_a_motif_or_practitioner_the_nlu_was_unsure_about_is_a_booking() -> None:
    from assistant.conversation.fallback import unsure_booking

    assert unsure_booking(None, None, ["motif"], ["nlu_fallback", "ask_fees", "book_appointment"])
    assert not unsure_booking(None, None, ["motif"], ["ask_fees", "ask_hours", "book_appointment"])
    assert not unsure_booking("identity_form", None, ["motif"], ["book_appointment"])
    assert not unsure_booking(None, "move", ["practitioner"], ["book_appointment"])
    assert not unsure_booking(None, None, ["last_name"], ["book_appointment"])


def test_the_written_summary_says_what_was_understood_and_whether_the_identity_was_checked() -> None:
    from assistant.conversation.escalation import summary
    from assistant.conversation.state import ConversationState, Identity
    from assistant.core.escalation import IDENTITY_KEY

    state = ConversationState(task="book", motif="vaccination", identity=Identity("Durand", "Léa", verified=True))
    assert summary(state) == {
        "motif": "vaccination",
        "demande": "book",
        "nom": "Durand",
        "prénom": "Léa",
        IDENTITY_KEY: "oui",
    }
    assert summary(ConversationState()) == {IDENTITY_KEY: "non"}  # never a phone number nor a birth date


# --- an emergency's turn (ActionHandleEmergency carries it out)

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
SUNDAY_NIGHT = datetime(2026, 11, 22, 23, 0, tzinfo=PARIS)


def test_an_emergency_ends_the_request_hands_over_at_once_and_notes_the_emergency() -> None:
    from assistant.conversation.escalation import HANDED_OVER_SLOTS, answer_emergency
    from assistant.conversation.state import ConversationState

    state = ConversationState(channel=Channel.CHAT, task="book", triage=Triage("emergency", ("Douleur thoracique",)))
    answer = answer_emergency(state, PRACTICE, MONDAY_10, {"last_name": None})
    decision = answer.decision
    assert decision.stop_form and decision.after_handover == {"emergency": True}
    assert all(decision.changes[name] is None for name in (*HANDED_OVER_SLOTS, "task", "last_name"))
    assert decision.handover is not None
    handover = decision.handover
    assert (handover.reason, handover.category, handover.urgency) == ("Douleur thoracique", "emergency", "immediate")
    assert not handover.announce  # the numbers are what the patient hears, then who knows now
    assert answer.told == (reply("secretariat_told"),) and not answer.end_call
    assert (answer.plan.category, answer.plan.life_threatening) == ("emergency", False)


def test_names_the_emergency_message_filled_are_put_back_as_they_were() -> None:
    from assistant.conversation.escalation import answer_emergency
    from assistant.conversation.state import ConversationState

    state = ConversationState(triage=Triage("emergency"))
    answer = answer_emergency(state, PRACTICE, MONDAY_10, {"last_name": "Durand", "first_name": None})
    assert answer.decision.changes["last_name"] == "Durand" and answer.decision.changes["first_name"] is None


def test_on_the_phone_a_person_in_distress_is_put_through_and_an_emergency_at_night_frees_the_line() -> None:
    from assistant.conversation.escalation import answer_emergency
    from assistant.conversation.state import ConversationState

    thoughts = ConversationState(channel=Channel.PHONE, triage=Triage("suicide", rule_categories=("suicide",)))
    put_through = answer_emergency(thoughts, PRACTICE, MONDAY_10, {})
    assert put_through.decision.handover is not None and put_through.decision.handover.announce
    assert put_through.told == () and not put_through.end_call
    night = answer_emergency(
        ConversationState(channel=Channel.PHONE, triage=Triage("emergency")), PRACTICE, SUNDAY_NIGHT, {}
    )
    assert night.told == (reply("secretariat_told_later"), reply("hanging_up")) and night.end_call


def test_no_booking_after_an_emergency_names_that_emergencys_number() -> None:
    from assistant.conversation.escalation import no_booking_after

    numbers = PRACTICE.emergency
    assert no_booking_after("suicide", numbers) == reply(
        "emergency_no_booking_suicide", suicide_prevention="3114", samu="15"
    )
    assert no_booking_after("emergency", numbers) == reply("emergency_no_booking", samu="15")
    assert no_booking_after(None, numbers) == reply("emergency_no_booking", samu="15")


def test_a_callback_number_is_asked_twice_at_most_and_never_before_the_question() -> None:
    from assistant.conversation.escalation import callback_number
    from assistant.language.fr.phone import NO_PHONE

    assert callback_number("0601020304", 1).changes == {"phone": "0601020304"}
    before_the_question = callback_number(None, 0)
    assert before_the_question.changes == {"phone": None} and not before_the_question.said
    first = callback_number(None, 1)
    assert first.changes == {"phone": None} and first.said == (reply("callback_phone_not_understood"),)
    second = callback_number(None, 2)
    assert second.changes == {"phone": NO_PHONE} and second.said == (reply("phone_not_noted"),)


def test_an_answer_a_form_refused_goes_back_to_that_form_with_its_question() -> None:
    facts = Misunderstanding(refused_by="booking_form")
    assert repair(facts) == Repair.BACK_TO_FORM
    decision = repair_decision(Repair.BACK_TO_FORM, "03 00 00 00 00", Triage(), "booking_form")
    assert decision is not None and decision.follow == "booking_form"
    assert decision.said == (reply("not_this_answer"),)
    # the second in a row still hands over
    assert repair(Misunderstanding(refused_by="booking_form", in_a_row=MAX_MISUNDERSTANDINGS)) == Repair.HAND_OVER
