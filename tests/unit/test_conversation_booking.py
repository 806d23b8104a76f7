"""The booking form's decisions and the slot choice, without Rasa (``assistant.conversation.booking``,
``motifs``, ``slot_choice``): the demo practice's rules, never a motif id in the code."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from dateutil import tz

from assistant.conversation import booking
from assistant.conversation.booking import (
    after_refusal,
    another_patient,
    booking_made,
    booking_questions,
    declined_read_back,
    is_no_time,
    is_the_birth_date,
    open_time_answer,
    patient_status_answer,
    practitioner_answer,
    read_back,
    secretariat_handover,
    secretariat_only,
    slot_query,
    time_wish_answer,
)
from assistant.conversation.decision import ANY_PRACTITIONER
from assistant.conversation.motifs import chosen_practitioner, motif_answer, motif_understood
from assistant.conversation.replies import reply, say
from assistant.conversation.slot_choice import NEW_WISH, ChoiceAnswer, choice_answer, search_changes
from assistant.conversation.state import Identity
from assistant.core.model import Appointment, Slot
from assistant.core.practice_config import load_practice_file
from assistant.core.windows import Interval, TimeWish

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_practice_file(ROOT / "practices" / "demo-lille.yml")
PARIS = tz.gettz("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)  # a Monday
motif = PRACTICE.appointment_type


def day(offset: int) -> TimeWish:
    start = (NOW + timedelta(days=offset)).replace(hour=0)
    return TimeWish(intervals=(Interval(start, start + timedelta(days=1)),))


# --- which questions


def test_the_status_is_asked_only_when_the_motif_or_one_of_its_practitioners_is_closed_to_new_patients() -> None:
    assert booking_questions(motif("consultation"), PRACTICE, "book") == [
        "motif",
        "patient_status",
        "practitioner",
        "time_wish",
    ]
    assert booking_questions(motif("prise-de-sang"), PRACTICE, "book") == ["motif", "time_wish"]
    assert booking_questions(motif("kine-bilan"), PRACTICE, "book") == ["motif", "time_wish"]


def test_a_move_never_asks_whether_the_patient_came_before() -> None:
    assert booking_questions(motif("consultation"), PRACTICE, "move") == ["motif", "practitioner", "time_wish"]


def test_without_a_motif_only_the_motif_and_the_time_are_asked() -> None:
    assert booking_questions(None, PRACTICE, "book") == ["motif", "time_wish"]


# --- the motif


def test_a_motif_with_one_practitioner_fixes_the_practitioner() -> None:
    decision = motif_answer(motif("prise-de-sang"), PRACTICE, False, True, None)
    assert dict(decision.changes) == {"motif": "prise-de-sang", "practitioner": "lambert"} and not decision.said


def test_a_practitioner_chosen_for_another_motif_is_asked_again() -> None:
    decision = motif_answer(motif("vaccination"), PRACTICE, False, True, "mercier")
    assert dict(decision.changes) == {"motif": "vaccination", "practitioner": None}
    assert "practitioner" not in motif_answer(motif("vaccination"), PRACTICE, False, True, "benali").changes


def test_a_new_patient_asking_for_a_followed_patients_motif_gets_the_first_visit() -> None:
    decision = motif_answer(motif("renouvellement"), PRACTICE, True, True, None)
    assert decision.changes["motif"] == "premiere-consultation"
    assert decision.said == (reply("followed_patients_only", motif="une première consultation"),)


def test_a_motif_not_understood_is_counted_as_a_failed_answer() -> None:
    decision = motif_answer(None, PRACTICE, False, False, None)
    assert decision.failed == "motif" and dict(decision.changes) == {"motif": None}


def test_a_motif_the_secretariat_books_is_refused_without_a_failed_answer() -> None:
    decision = motif_answer(motif("soins-domicile"), PRACTICE, False, True, None)
    assert decision.failed is None and decision.said == (reply("motif_secretariat_only"),)


def test_a_word_of_a_motif_is_read_among_the_practitioners_motifs_first() -> None:
    assert motif_understood([], "bilan", "un bilan", "mercier", PRACTICE).id == "kine-bilan"
    assert motif_understood([], "", "je voudrais une prise de sang", None, PRACTICE).id == "prise-de-sang"


def test_the_practitioner_asked_for_is_nobody_in_particular_when_any() -> None:
    assert chosen_practitioner(ANY_PRACTITIONER, PRACTICE) is None and chosen_practitioner(None, PRACTICE) is None
    assert chosen_practitioner("lefebvre", PRACTICE) == "lefebvre"


# --- new patients and practitioners


def test_a_new_patient_asking_for_a_closed_doctor_hears_it_by_name_with_the_others_offered() -> None:
    decision = patient_status_answer("new", motif("consultation"), "benali", PRACTICE)
    assert dict(decision.changes) == {"patient_status": "new", "motif": "premiere-consultation", "practitioner": None}
    (said,) = decision.said
    assert said.id == "practitioner_closed_offer" and "Benali" in said.params["practitioner"]
    assert "Lefebvre" in said.params["others"]


def test_a_new_patient_for_an_open_motif_with_a_closed_doctor_is_told_and_asked_for_another() -> None:
    decision = patient_status_answer("new", motif("vaccination"), "benali", PRACTICE)
    assert dict(decision.changes) == {"patient_status": "new", "practitioner": None}
    assert decision.said[0].id == "practitioner_closed"


def test_a_patient_already_followed_keeps_the_motif_and_the_doctor() -> None:
    decision = patient_status_answer("existing", motif("consultation"), "benali", PRACTICE)
    assert dict(decision.changes) == {"patient_status": "existing"} and not decision.said


def test_a_status_not_understood_is_a_failed_answer() -> None:
    assert patient_status_answer(None, motif("consultation"), None, PRACTICE).failed == "patient_status"


def test_a_practitioner_who_does_not_do_the_motif_is_said_so() -> None:
    decision = practitioner_answer(None, "mercier", motif("consultation"), False, PRACTICE)
    assert decision.said[0].id == "practitioner_not_for_motif" and dict(decision.changes) == {"practitioner": None}
    assert practitioner_answer(None, None, motif("consultation"), False, PRACTICE).failed == "practitioner"


def test_a_closed_practitioner_is_refused_to_a_new_patient_only() -> None:
    assert practitioner_answer("benali", None, motif("vaccination"), True, PRACTICE).said[0].id == "practitioner_closed"
    assert dict(practitioner_answer("benali", None, motif("vaccination"), False, PRACTICE).changes) == {
        "practitioner": "benali"
    }
    assert dict(practitioner_answer(ANY_PRACTITIONER, None, motif("vaccination"), True, PRACTICE).changes) == {
        "practitioner": ANY_PRACTITIONER
    }


# --- the time wish


def test_any_time_words_are_the_earliest_wish_and_other_words_none() -> None:
    for text in ("n'importe quand", "peu importe", "quand vous voulez", "le plus tôt possible", "dès que possible"):
        assert open_time_answer(text, NOW, PRACTICE.timezone) == TimeWish(earliest=True), text
    assert open_time_answer("Durand", NOW, PRACTICE.timezone) is None


def test_a_day_that_is_the_birth_date_is_no_wish() -> None:
    the_24th = day(1)
    assert is_the_birth_date(the_24th, date(1969, 11, 24), PRACTICE.timezone)
    assert not is_the_birth_date(the_24th, date(1969, 12, 1), PRACTICE.timezone)
    assert not is_the_birth_date(the_24th, None, PRACTICE.timezone)


def test_an_open_wish_said_of_the_practitioner_keeps_the_earlier_time() -> None:
    earlier = {"weekdays": [3]}
    decision = time_wish_answer(TimeWish(), earlier, "practitioner", None, True, PRACTICE, NOW)
    assert dict(decision.changes) == {"time_wish": earlier}


def test_the_first_available_said_of_the_practitioner_keeps_the_day_asked_for() -> None:
    tuesday = {"weekdays": [1]}
    decision = time_wish_answer(TimeWish(earliest=True), tuesday, "practitioner", None, True, PRACTICE, NOW)
    assert dict(decision.changes) == {"time_wish": tuesday}
    # with no day asked for, or to the time question, it is the earliest time
    assert dict(time_wish_answer(TimeWish(earliest=True), None, "practitioner", None, True, PRACTICE, NOW).changes) == {
        "time_wish": TimeWish(earliest=True)
    }
    assert dict(
        time_wish_answer(TimeWish(earliest=True), tuesday, "time_wish", None, False, PRACTICE, NOW).changes
    ) == {"time_wish": TimeWish(earliest=True)}


def test_the_first_available_of_anyone_is_no_time() -> None:
    assert is_no_time(TimeWish(), None)
    assert is_no_time(TimeWish(earliest=True), ANY_PRACTITIONER)
    assert not is_no_time(TimeWish(earliest=True), None)  # "le plus tôt possible": a time
    assert not is_no_time(day(5), ANY_PRACTITIONER)


def test_a_wish_in_the_past_is_refused() -> None:
    decision = time_wish_answer(day(-2), None, "time_wish", None, False, PRACTICE, NOW)
    assert decision.said == (reply("wish_in_the_past"),) and dict(decision.changes) == {"time_wish": None}


def test_a_time_said_to_the_practitioner_question_means_anyone_then() -> None:
    decision = time_wish_answer(day(5), None, "practitioner", None, False, PRACTICE, NOW)
    assert dict(decision.changes) == {"time_wish": day(5), "practitioner": ANY_PRACTITIONER}
    assert dict(time_wish_answer(day(5), None, "time_wish", None, False, PRACTICE, NOW).changes) == {
        "time_wish": day(5)
    }


def test_a_loose_wish_spreads_the_slots_over_days_and_the_gap_is_the_motifs_length() -> None:
    query = slot_query(motif("consultation"), ANY_PRACTITIONER, TimeWish(), new_patient=True)
    assert query.practitioner_ids == () and query.spread_days and query.new_patient and query.min_gap_minutes >= 30
    assert not slot_query(motif("consultation"), "lefebvre", day(2), False).spread_days
    assert not slot_query(motif("consultation"), None, TimeWish(earliest=True), False).spread_days


# --- the secretariat's motifs, refusals, the read-back


def test_a_motif_only_the_secretariat_books_ends_the_booking_with_a_hand_over() -> None:
    found = secretariat_only([motif("vaccination"), motif("soins-domicile")])
    assert found is not None and found.said.id == "secretariat_arranges"
    decision = secretariat_handover(found)
    assert decision.stop_form and decision.follow == "callback_form" and decision.handover.reason == found.reason
    assert all(decision.changes[name] is None for name in booking.BOOKING_SLOTS)
    assert secretariat_only([motif("vaccination")]) is None


def test_plural_of_a_motif_name() -> None:
    assert booking.plural("visite à domicile") == "visites à domicile"
    assert booking.plural("soins infirmiers à domicile") == "soins infirmiers à domicile"


def test_a_second_booking_request_asks_who_it_is_for_again() -> None:
    assert set(another_patient("book_appointment", True)) == set(booking.IDENTITY_SLOTS)
    assert another_patient("book_appointment", False) == {} and another_patient("inform", True) == {}


def test_a_slot_taken_meanwhile_proposes_other_times_and_keeps_the_answers() -> None:
    decision = after_refusal("slot_taken", "pris", "booking")
    assert decision.said == (reply("slot_taken"), reply("other_times")) and decision.follow == "slot_choice_form"
    assert decision.handover is None and set(decision.changes) == {"chosen_slot", "proposed_slots"}


def test_any_other_refusal_is_handed_over_with_its_reason() -> None:
    decision = after_refusal("too_many_future", "Trop de rendez-vous à venir.", "booking")
    assert decision.follow == "callback_form" and decision.handover.category == "human"
    assert decision.handover.reason == say("reason.refused", what="Réservation", refusal="Trop de rendez-vous à venir.")
    assert after_refusal("too_late_to_cancel", "x", "cancel").said == (reply("too_late_online", text="x"),)


SLOT = Slot(NOW + timedelta(days=2, hours=1), NOW + timedelta(days=2, hours=1, minutes=20), "lefebvre", "consultation")


def test_the_read_back_says_the_birth_date_and_the_mobile_the_confirmation_goes_to() -> None:
    who = Identity("Durand", "Léa", date(1985, 3, 12), "06 12 34 56 78")
    said = read_back(SLOT, "Consultation", who, PRACTICE, NOW.date())
    assert said.id == "read_back" and said.params["sms"] == reply("read_back_sms", digits="78")
    assert said.params["who"].params["who"] == "Léa Durand"
    landline = read_back(SLOT, "Consultation", Identity("Durand", "Léa", None, "03 20 12 34 56"), PRACTICE, NOW.date())
    assert landline.params["sms"] == "" and landline.params["who"] == "Léa Durand"


def test_a_booking_made_knows_the_patient_and_empties_the_booking() -> None:
    made = Appointment(7, "lambert", "prise-de-sang", 3, SLOT.start, SLOT.end)
    decision = booking_made(made, PRACTICE, NOW.date())
    assert decision.changes["appointment_id"] == 7.0 and decision.changes["identity_verified"] is True
    assert decision.said[0].id == "booked" and len(decision.said) == 2  # with the fasting instructions


def test_a_declined_read_back_corrects_the_birth_date_or_chooses_again() -> None:
    fixed = declined_read_back(date(1967, 3, 12), None)
    assert fixed.follow == "action_confirm_booking" and fixed.changes == {"birth_date": date(1967, 3, 12)}
    again = declined_read_back(None, {"weekdays": [3]})
    assert dict(again.changes) == {"chosen_slot": None, "proposed_slots": None, "time_wish": {"weekdays": [3]}}


# --- the choice among the slots read out


PROPOSALS = (SLOT, Slot(SLOT.start + timedelta(days=1), SLOT.end + timedelta(days=1), "benali", "consultation"))
EARLIER = {"weekdays": [3]}


@pytest.mark.parametrize(
    ("answer", "changes", "said"),
    [
        (ChoiceAnswer(index=1), {"chosen_slot": PROPOSALS[1]}, ()),
        (ChoiceAnswer(index=None, holds_on=True), {"chosen_slot": None, "time_wish": EARLIER}, ("take_your_time",)),
        (
            ChoiceAnswer(born=date(1984, 5, 12)),
            {"chosen_slot": None, "birth_date": date(1984, 5, 12), "time_wish": EARLIER},
            ("noted_but_not_this",),
        ),
        (ChoiceAnswer(refuses_all=True), NEW_WISH, ("ok",)),
        (ChoiceAnswer(new_search={"practitioner": "benali"}), {"practitioner": "benali"}, ()),
        (ChoiceAnswer(declines=True), NEW_WISH, ()),
        (ChoiceAnswer(noted=True), {"chosen_slot": None}, ("noted_but_not_this",)),
    ],
)
def test_the_answer_to_the_slots_read_out(answer, changes, said) -> None:
    decision = choice_answer(PROPOSALS, answer, EARLIER)
    assert dict(decision.changes) == dict(changes) and tuple(r.id for r in decision.said) == said
    assert decision.failed is None


def test_a_choice_comes_before_anything_else_and_nothing_understood_is_a_failed_answer() -> None:
    assert choice_answer(PROPOSALS, ChoiceAnswer(index=0, holds_on=True, declines=True), None).changes == {
        "chosen_slot": SLOT
    }
    assert choice_answer(PROPOSALS, ChoiceAnswer(), None).failed == "chosen_slot"


def test_a_new_time_or_practitioner_drops_the_proposals() -> None:
    assert search_changes(None, None) == {}
    assert search_changes({"weekdays": [3]}, None) == {
        "chosen_slot": None,
        "proposed_slots": None,
        "time_wish": {"weekdays": [3]},
    }
    assert search_changes(None, "benali") == {"chosen_slot": None, "proposed_slots": None, "practitioner": "benali"}


def test_who_follows_the_patient_does_not_change_the_practitioner_asked_for() -> None:
    from assistant.conversation.booking import who_follows_answer

    assert who_follows_answer("lefebvre", "patient_status", True).changes == {"practitioner": "lefebvre"}
    assert who_follows_answer("lefebvre", "practitioner", True) is None  # the answer to its own question
    assert who_follows_answer(ANY_PRACTITIONER, "patient_status", True) is None
    assert who_follows_answer("lefebvre", "patient_status", False) is None


def test_the_hand_over_of_a_secretariat_motif_elides_de_before_a_vowel() -> None:
    from assistant.core.model import AppointmentType

    irm = AppointmentType("irm", "IRM", 30, ("x",), bookable_online=False)
    scanner = AppointmentType("scanner", "scanner", 20, ("x",), bookable_online=False)
    assert secretariat_only([irm]).reason.startswith("Demande d'IRM")
    assert secretariat_only([scanner]).reason.startswith("Demande de scanner")
