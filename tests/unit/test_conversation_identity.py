"""Identity and existing appointments, without Rasa (``assistant.conversation.identity``, ``existing``,
``change_of_mind``): what a name answer keeps, which appointment is read back, what a change of mind does."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil import tz

from assistant.conversation import existing
from assistant.conversation.change_of_mind import ChangeOfMind, Where, after_birth_date_fix, change_of_mind
from assistant.conversation.identity import (
    NO_PHONE,
    birth_date_answer,
    corrected_birth_date_answer,
    earlier_name_kept,
    first_name_answer,
    identity_interruption,
    identity_questions,
    is_a_name_answer,
    labelled_name,
    last_name_answer,
    other_choice,
    phone_answer,
    practitioner_word_as_name,
)
from assistant.conversation.replies import reply
from assistant.core.model import Appointment, Channel, Slot
from assistant.core.practice_config import load_practice_file

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_practice_file(ROOT / "practices" / "demo-lille.yml")
PARIS = tz.gettz("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


# --- identity questions and interruptions


def test_a_booking_asks_for_a_number_and_a_change_does_not() -> None:
    assert identity_questions("book")[-1] == "phone" and identity_questions(None)[-1] == "phone"
    assert identity_questions("cancel") == ["last_name", "first_name", "birth_date"]


def test_a_short_name_answer_is_a_name_unless_a_red_flag_rule_matched() -> None:
    assert is_a_name_answer("first_name", False, "Manon")
    assert not is_a_name_answer("first_name", True, "Manon")
    assert not is_a_name_answer("birth_date", False, "Manon")
    assert not is_a_name_answer("last_name", False, "j'ai très mal à la poitrine depuis ce matin")


def test_an_emergency_ends_the_identity_form_and_a_symptom_first_starts_a_booking() -> None:
    ended = identity_interruption("emergency", False, "book", False)
    assert ended.follow == "action_handle_emergency" and ended.stop_form
    assert identity_interruption("emergency", True, "book", False) is None
    booking = identity_interruption("inform", False, None, True)
    assert booking.follow == "booking_form" and booking.changes["task"] == "book"
    assert identity_interruption("inform", False, "check", True) is None


# --- names


def test_a_surname_said_with_the_first_name_keeps_the_surname_only() -> None:
    assert last_name_answer("Léa Petit", "Petit. Léa Petit.", "last_name", ["Léa"], None, False).changes == {
        "last_name": "Petit"
    }


def test_the_particle_left_out_by_the_entity_is_kept() -> None:
    assert last_name_answer("Gall", "Le Gall", "last_name", [], None, False).changes == {"last_name": "Le Gall"}


def test_what_cannot_be_a_name_is_a_failed_answer() -> None:
    assert last_name_answer("le premier", "le premier", "last_name", [], None, False).failed == "last_name"
    assert first_name_answer("😀", "😀", "first_name", [], None, False).failed == "first_name"


def test_a_name_given_earlier_is_not_overwritten_by_an_answer_to_another_question() -> None:
    assert earlier_name_kept("first_name", "last_name", "Louis", "Durand", corrects=False) == "Durand"
    assert earlier_name_kept("first_name", "last_name", "Louis", "Durand", corrects=True) is None  # "non, c'est Louis"
    assert earlier_name_kept("last_name", "last_name", "Louis", "Durand", corrects=False) is None  # its own question
    assert earlier_name_kept("birth_date", "first_name", None, "Léa", corrects=False) == "Léa"  # "février"


def test_a_surname_alone_is_not_the_first_name_too() -> None:
    assert first_name_answer("Bernard", "Bernard.", "last_name", [], "Léa", False).changes == {"first_name": "Léa"}
    assert first_name_answer("Bernard", "Bernard.", "last_name", [], None, False).changes == {"first_name": None}


def test_both_names_said_with_their_labels_are_read_apart_whichever_was_asked() -> None:
    # phone QA over REST: stored « Szczepaniak Prénom Marek » and asked "Et le prénom ?" again
    text = "nom szczepaniak prénom marek"
    assert last_name_answer(text, text, "last_name", [], None, False).changes == {"last_name": "Szczepaniak"}
    assert labelled_name(text, "first_name", "last_name") == "Marek"
    assert first_name_answer("Marek", text, "last_name", [text], None, False).changes == {"first_name": "Marek"}
    # the first name an entity, the surname the whole answer: « Marc Dubois Prénom », « Ouadghiri Prénom »
    text = "nom dubois prénom marc"
    assert last_name_answer(text, text, "last_name", ["marc"], None, False).changes == {"last_name": "Dubois"}
    assert last_name_answer("dubois prénom", text, "last_name", ["marc"], None, False).changes == {
        "last_name": "Dubois"
    }
    # at the first-name question
    text = "prénom Marek nom Szczepaniak"
    assert first_name_answer(text, text, "first_name", ["Szczepaniak"], None, False).changes == {"first_name": "Marek"}
    assert labelled_name(text, "last_name", "first_name") == "Szczepaniak"
    assert labelled_name(text, "last_name", "birth_date") is None  # only at a name question
    assert labelled_name("Dubois", "last_name", "last_name") is None  # no label: the form's own reading


def test_labelled_names_are_taken_unless_the_message_interrupts() -> None:
    interruptions = frozenset({"request_human", "out_of_scope", "change_mind"})
    text = "je veux parler à la secrétaire, nom Dubois"
    assert labelled_name(text, "last_name", "last_name", "request_human", interruptions) is None
    # what the model reads in a name it does not know, or in "non pardon": the names said are taken
    assert labelled_name("nom Dubois prénom Marc", "last_name", "last_name", "out_of_scope", interruptions) == "Dubois"
    assert labelled_name("non pardon, nom Durant", "last_name", "first_name", "change_mind", interruptions) == "Durant"


def test_a_labelled_name_outweighs_an_entity_and_an_earlier_answer() -> None:
    text = "Szczepaniak prénom Marek"
    assert last_name_answer("Marek", text, "last_name", [], None, False).changes == {"last_name": "Szczepaniak"}
    assert first_name_answer("Szczepaniak", text, "last_name", [], None, False).changes == {"first_name": "Marek"}
    # the surname said again with its label at the first-name question sets it right
    text = "prénom Marek nom Szczepaniak"
    decision = last_name_answer("Szczepaniak", text, "first_name", ["Marek"], "Chepaniak", False)
    assert decision.changes == {"last_name": "Szczepaniak"}
    text = "mon nom c'est Durant"
    assert last_name_answer(text, text, "first_name", [], "Durand", False).changes == {"last_name": "Durant"}
    # "non, Marc" heard "nom Marc" at the first-name question: not the surname Marc
    assert last_name_answer("Marc", "nom Marc", "first_name", [], "Dubois", False).changes == {"last_name": "Dubois"}


def test_only_the_other_name_labelled_is_no_failed_answer() -> None:
    # "prénom Marc" said for the surname: the first name is taken, the surname asked again (not « Marc »)
    decision = last_name_answer("prénom Marc", "prénom Marc", "last_name", ["Marc"], None, False)
    assert decision.changes == {"last_name": None} and decision.failed is None
    decision = first_name_answer("mon nom c'est Dubois", "mon nom c'est Dubois", "first_name", [], "Marc", False)
    assert decision.changes == {"first_name": "Marc"} and decision.failed is None


def test_the_callers_words_around_the_surname_are_not_kept() -> None:
    for text, name in (
        ("c'est madame kheddouci à l'appareil", "Kheddouci"),
        ("c'est madame martin à l'appareil", "Martin"),
        ("Van der Berghe au téléphone", "Van der Berghe"),
        ("ici monsieur Le Gall", "Le Gall"),
    ):
        assert last_name_answer(text, text, "last_name", [], None, False).changes == {"last_name": name}, text


def test_labelled_answers_that_are_no_names_are_still_refused() -> None:
    text = "nom le premier prénom 😀"
    assert last_name_answer(text, text, "last_name", [], None, False).failed == "last_name"
    assert labelled_name(text, "first_name", "last_name") is None
    assert last_name_answer("à l'appareil", "à l'appareil", "last_name", [], None, False).failed == "last_name"


def test_a_labelled_answer_is_a_name_answer() -> None:
    assert is_a_name_answer("last_name", False, "nom Dubois prénom Marc")
    assert is_a_name_answer("first_name", False, "prénom Marc")
    assert not is_a_name_answer("last_name", True, "nom Dubois prénom Marc")


def test_a_practitioners_first_name_without_a_title_is_the_patients() -> None:
    text = "Garnier Sophie"
    entities = [{"entity": "practitioner", "start": 8, "end": 14, "value": "lambert"}]
    assert practitioner_word_as_name(text, entities, "last_name", PRACTICE) == "Sophie"
    assert practitioner_word_as_name(text, entities, "motif", PRACTICE) is None
    titled = "avec Sophie"
    assert (
        practitioner_word_as_name(titled, [{"entity": "practitioner", "start": 5, "end": 11}], "first_name", PRACTICE)
        is None
    )


# --- birth date and phone


def test_a_birth_date_not_understood_is_a_failed_answer() -> None:
    assert birth_date_answer(None).failed == "birth_date"
    assert birth_date_answer(date(1985, 3, 12)).changes == {"birth_date": date(1985, 3, 12)}


def test_a_birth_year_corrected_when_the_number_is_asked_fixes_the_date_and_asks_the_number_again() -> None:
    decision = corrected_birth_date_answer(date(1991, 3, 12))
    assert decision.changes == {"birth_date": date(1991, 3, 12), "phone": None}
    assert decision.said[0].id == "birth_date_corrected"


def test_the_number_in_the_whole_message_then_the_entity_then_the_callers() -> None:
    assert phone_answer("0612345678", "04", None, "phone").changes == {"phone": "0612345678"}
    assert phone_answer(NO_PHONE, "0612345678", None, "phone").changes == {"phone": "0612345678"}
    assert phone_answer(NO_PHONE, NO_PHONE, None, "phone").changes == {"phone": NO_PHONE}  # "aucun"
    assert phone_answer(None, None, "+33612345678", "phone").changes == {"phone": "+33612345678"}
    assert phone_answer(None, None, None, "birth_date").changes == {"phone": None}  # digits said for something else
    assert phone_answer(None, None, None, "phone").failed == "phone"


def test_another_proposed_slot_named_while_the_name_is_asked_is_the_choice() -> None:
    slot = Slot(NOW + timedelta(days=1), NOW + timedelta(days=1, minutes=20), "lefebvre", "consultation")
    other = Slot(NOW + timedelta(days=2), NOW + timedelta(days=2, minutes=20), "lefebvre", "consultation")
    decision = other_choice((slot, other), 1, slot, "last_name", PRACTICE, NOW.date())
    assert decision.changes == {"chosen_slot": other, "last_name": None} and decision.said[0].id == "ok_then"
    assert other_choice((slot, other), 0, slot, "last_name", PRACTICE, NOW.date()) is None  # the one chosen
    assert other_choice((slot, other), None, slot, "last_name", PRACTICE, NOW.date()) is None


def test_a_birth_year_corrected_when_the_number_is_asked_is_the_answer() -> None:
    fixed = date(1991, 3, 12)
    assert phone_answer(None, None, None, "phone", fixed).changes == {"birth_date": fixed, "phone": None}
    assert phone_answer("0612345678", None, None, "last_name", fixed).changes == {"phone": "0612345678"}


# --- which appointment is read back


def appointment(ident: int, hours: float, motif: str = "consultation") -> Appointment:
    start = NOW + timedelta(hours=hours)
    return Appointment(ident, "lefebvre", motif, 3, start, start + timedelta(minutes=20))


def test_no_appointment_to_come() -> None:
    found = existing.read_back("check", [], True, PRACTICE, Channel.CHAT, NOW)
    assert found.said == reply("no_appointment") and found.appointment is None


def test_a_check_reads_the_next_ones_and_how_many_more() -> None:
    upcoming = [appointment(i, 48 + 24 * i) for i in range(1, 6)]
    found = existing.read_back("check", upcoming, True, PRACTICE, Channel.CHAT, NOW)
    assert found.said.id == "next_appointments" and found.appointment == upcoming[0]
    assert found.said.params["more"].id == "then_these_and_more"
    assert found.said.params["more"].params["and_more"] == reply("and_more_many", count=2)
    assert existing.read_back("check", upcoming[:1], True, PRACTICE, Channel.CHAT, NOW).said.params["more"] == ""


def test_a_change_asks_whether_to_make_it() -> None:
    found = existing.read_back("cancel", [appointment(1, 72)], True, PRACTICE, Channel.CHAT, NOW, for_a_relative=True)
    assert found.said.id == "appointment_is_ask" and found.said.params["question"] == reply("ask_cancel")
    assert found.said.params["whose"] == "Son" and found.handover_reason is None


def test_an_appointment_too_close_to_change_goes_to_the_secretariat_at_once() -> None:
    found = existing.read_back("move", [appointment(1, 1)], True, PRACTICE, Channel.CHAT, NOW)
    assert found.said.id == "too_late_here" and found.appointment is None and found.handover_reason
    decision = existing.appointment_found(found, 3)
    assert decision.follow == "callback_form" and decision.changes["appointment_id"] is None
    assert decision.changes["identity_verified"] is True and decision.handover.category == "human"


def test_a_later_appointment_that_can_still_be_changed_is_offered() -> None:
    close, later = appointment(1, 1), appointment(2, 96)
    found = existing.read_back("cancel", [close, later], True, PRACTICE, Channel.CHAT, NOW)
    assert found.said.id == "too_close_later_one" and found.appointment == later
    assert existing.appointment_found(found, 3).changes["appointment_id"] == 2.0


def test_identity_is_checked_twice_at_most() -> None:
    assert existing.may_check_identity(1) and not existing.may_check_identity(existing.MAX_IDENTITY_CHECKS)


# --- a change of mind


def test_a_moment_asked_is_no_change_of_mind() -> None:
    decision = change_of_mind(Where("book", "slot_choice_form"), ChangeOfMind(holds_on=True), PRACTICE)
    assert decision.said == (reply("take_your_time"),) and decision.follow == "action_listen" and not decision.changes


def test_a_new_time_while_searching_is_a_new_search() -> None:
    new = {"chosen_slot": None, "proposed_slots": None, "time_wish": {"weekdays": [3]}}
    decision = change_of_mind(Where("book", "slot_choice_form"), ChangeOfMind(new_search=new), PRACTICE)
    assert decision.changes == new and decision.follow == "slot_choice_form" and not decision.stop_form
    read_back = change_of_mind(Where("move", None, slot_chosen=True), ChangeOfMind(new_search=new), PRACTICE)
    assert read_back.follow == "slot_choice_form"


def test_finalement_non_drops_the_request_and_says_goodbye_when_the_patient_did() -> None:
    decision = change_of_mind(Where("book", "booking_form"), ChangeOfMind(), PRACTICE)
    assert decision.stop_form and decision.changes["task"] is None and decision.follow == "utter_anything_else"
    assert change_of_mind(Where("book"), ChangeOfMind(says_goodbye=True), PRACTICE).follow == "utter_goodbye"


def test_a_corrected_birth_date_goes_on_with_the_request() -> None:
    fixed = date(1979, 5, 2)
    decision = change_of_mind(Where("book", None, slot_chosen=True), ChangeOfMind(fixed_birth_date=fixed), PRACTICE)
    assert decision.changes == {"birth_date": fixed} and decision.follow == "action_confirm_booking"
    assert change_of_mind(Where(None), ChangeOfMind(fixed_birth_date=fixed), PRACTICE).follow == "utter_anything_else"


def test_after_a_corrected_birth_date_the_identity_is_checked_once_more_at_most() -> None:
    assert after_birth_date_fix(Where("cancel", None, False, False, 1)) == "action_find_appointments"
    assert after_birth_date_fix(Where("cancel", None, False, False, 2)) is None
    assert after_birth_date_fix(Where("book", "identity_form")) == "identity_form"
    decision = change_of_mind(
        Where("cancel", None, False, False, 2), ChangeOfMind(fixed_birth_date=date(1979, 5, 2)), PRACTICE
    )
    assert decision.said[0].id == "no_more_checks_call" and decision.follow == "utter_anything_else"


def test_a_whole_name_said_for_the_surname_loses_the_first_name_given_next() -> None:
    # "C'est à quel nom ?" "nadège bastien" (kept whole), then "Et le prénom ?" "nadège"
    decision = first_name_answer("nadège", "nadège", "first_name", ["Nadège Bastien"], None, False)
    assert decision.changes == {"first_name": "Nadège", "last_name": "Bastien"}
    # said surname first
    decision = first_name_answer("Nadège", "Nadège", "first_name", ["Bastien Nadège"], None, False)
    assert decision.changes == {"first_name": "Nadège", "last_name": "Bastien"}
    # a surname with a particle keeps it; another first name changes nothing else
    assert first_name_answer("Le", "Le", "first_name", ["Le Gall"], None, False).changes.get("last_name") is None
    assert first_name_answer("Alex", "Alex", "first_name", ["Nadège Bastien"], None, False).changes == {
        "first_name": "Alex"
    }
