"""The identity given in the very first message is not asked again (QA: "bonjour c'est Nadège Bastien née le
3 mars 1980, je voudrais annuler mon rendez-vous" / "…pour prendre rdv demain" got "Quel est votre nom ?")."""

from __future__ import annotations

from datetime import date

from assistant.conversation import booking
from assistant.conversation.booking import another_patient
from assistant.conversation.identity import birth_date_answer, identity_interruption, names_in_request
from assistant.language.fr.names import own_name_in, split_full_name

FIRST = "bonjour c'est Nadège Bastien née le 3 mars 1980 pour prendre rdv demain"


def entity(text: str, kind: str, words: str) -> dict:
    start = text.index(words)
    return {"entity": kind, "value": words, "start": start, "end": start + len(words)}


def test_a_full_name_the_nlu_read_as_two_first_names_is_the_first_name_then_the_surname() -> None:
    # as the model reads it: "Nadège" and "Bastien" both first names, and spaCy's person over both
    read = [entity(FIRST, "first_name", "Nadège"), entity(FIRST, "first_name", "Bastien")]
    read.append(entity(FIRST, "PER", "Nadège Bastien"))
    assert names_in_request(FIRST, read) == {"first_name": "Nadège", "last_name": "Bastien"}
    # a surname the NLU read is kept as it read it; one word is no full name
    assert names_in_request(FIRST, [entity(FIRST, "first_name", "Nadège"), entity(FIRST, "last_name", "Bastien")]) == {}
    assert (
        names_in_request("c'est Nadège, pour un rdv", [entity("c'est Nadège, pour un rdv", "first_name", "Nadège")])
        == {}
    )
    # a name that is not the caller's own: "je voudrais parler à Nadège Bastien"
    text = "je voudrais parler à Nadège Bastien"
    assert names_in_request(text, [entity(text, "PER", "Nadège Bastien")]) == {}


def test_a_first_name_the_nlu_left_out_before_the_surname_it_read_is_the_first_name() -> None:
    text = "bonjour c'est Alex Carpentier né le 2 mai 1975 je voudrais annuler mon rendez-vous"
    read = [entity(text, "last_name", "Carpentier"), entity(text, "PER", "Alex Carpentier")]
    assert names_in_request(text, read) == {"first_name": "Alex"}
    # the surname said first ("c'est Carpentier Alex"): nothing guessed
    other = "bonjour c'est Carpentier Alex je voudrais annuler"
    assert (
        names_in_request(other, [entity(other, "last_name", "Carpentier"), entity(other, "PER", "Carpentier Alex")])
        == {}
    )


def test_a_name_the_message_starts_with_is_the_callers_own_but_no_practitioners() -> None:
    text = "Bonjour, Nadège Bastien, née le 3 mars 1980, je voudrais annuler mon rendez-vous"
    read = [entity(text, "first_name", "Nadège"), entity(text, "first_name", "Bastien")]
    assert names_in_request(text, read) == {"first_name": "Nadège", "last_name": "Bastien"}
    asked = "Alex Carpentier a de la place demain ?"
    doctor = [entity(asked, "practitioner", "Alex Carpentier"), entity(asked, "PER", "Alex Carpentier")]
    assert names_in_request(asked, doctor) == {}


def test_full_names_are_split_with_their_particles() -> None:
    assert split_full_name("Anne Marie Le Gall") == ("Anne Marie", "Le Gall")
    assert split_full_name("Jean-Pierre Bastien") == ("Jean-Pierre", "Bastien")
    assert split_full_name("Nadège") is None
    text = "je m'appelle Alex Carpentier et je voudrais annuler"
    assert own_name_in(text, [(13, 17), (18, 28)]) == "Alex Carpentier"


def test_a_time_wished_with_no_request_made_is_a_booking_not_an_identity_check() -> None:
    # "…pour prendre rdv demain", read as a mere answer: the identity form had started (QA)
    decision = identity_interruption("inform", False, None, False, time_said=True)
    assert decision is not None and decision.follow == "booking_form" and decision.changes["task"] == "book"
    assert identity_interruption("inform", False, "cancel", False, time_said=True) is None


def test_the_booking_request_that_gives_the_identity_keeps_it() -> None:
    given = {"last_name": "Bastien", "first_name": "Nadège", "birth_date": "1980-03-03"}
    # nobody was known before: nothing is emptied (the identity was emptied by its own message)
    assert another_patient("book_appointment", False, given) == {}
    # a second request gives the other patient's identity: the first one's goes, this one stays
    changes = another_patient("book_appointment", True, {"first_name": "Alex", "birth_date": "2015-05-02"})
    assert set(changes) == set(booking.IDENTITY_SLOTS)
    assert changes["first_name"] == "Alex" and changes["birth_date"] == "2015-05-02" and changes["last_name"] is None


def test_an_answer_of_the_booking_form_read_as_a_booking_request_is_no_second_request() -> None:
    assert another_patient("book_appointment", True, {}, new_request=False) == {}
    assert set(another_patient("book_appointment", True, {}, new_request=True)) == set(booking.IDENTITY_SLOTS)


def test_a_birth_date_said_as_one_before_any_question_is_kept() -> None:
    born = date(1980, 3, 3)
    assert birth_date_answer(born, FIRST).changes == {"birth_date": born}
    said = "Alex Bastien, date de naissance 03/03/1980, je voudrais annuler"
    assert birth_date_answer(born, said).changes == {"birth_date": born}


def test_a_date_in_a_request_that_is_no_birth_date_is_not_kept_and_the_question_is_asked() -> None:
    said = "je voudrais annuler mon rendez-vous du 20 novembre 2026"
    decision = birth_date_answer(date(2026, 11, 20), said)
    assert decision.changes == {"birth_date": None} and decision.failed is None and not decision.said


def test_an_answer_to_the_question_needs_no_words_around_it() -> None:
    assert birth_date_answer(date(1980, 3, 3)).changes == {"birth_date": date(1980, 3, 3)}
    assert birth_date_answer(None).failed == "birth_date"


def test_the_callers_names_of_a_hand_over_message_are_read_past_a_hesitation_in_spacys_person():
    """QA: "c'est Durieux Sandrine euh je vais avoir dix minutes de retard…": spaCy's person ran over the "euh", and
    the request named nobody."""
    from assistant.conversation.identity import callers_names_in

    text = "oui bonjour c'est durieux sandrine euh je vais avoir dix minutes de retard prévenez Nadège"
    entities = [
        {"entity": "last_name", "value": "durieux", "start": 18, "end": 25},
        {"entity": "first_name", "value": "sandrine", "start": 26, "end": 34},
        {"entity": "PER", "value": "sandrine euh", "start": 26, "end": 38},
    ]
    assert callers_names_in(text, entities) == {"last_name": "Durieux", "first_name": "Sandrine"}
