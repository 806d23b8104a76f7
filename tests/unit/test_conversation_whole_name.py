"""A whole name said for the surname, as speech-to-text writes it ("julien bernard" to « C'est à quel nom ? »):
QA stored it the other way round (surname « Julien », first name « Bernard »), and the correction "non bernard
c'est le nom julien le prénom" did not stick. French callers say the first name first; a correction that says
which is the surname wins. Conversation layer and its French reading, without Rasa."""

from __future__ import annotations

import pytest

from assistant.conversation.identity import (
    birth_date_answer,
    first_name_answer,
    first_name_with_surname,
    last_name_answer,
    sets_names_right,
)
from assistant.conversation.replies import reply
from assistant.language.fr.names import clean_name, labelled_names, split_said_name

CORRECTION = "non bernard c'est le nom julien le prénom"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("julien bernard", ("Julien", "Bernard")),  # both may be first names: the first one said is
        ("Bernard Lemaire", ("Bernard", "Lemaire")),
        ("lemaire adrien", ("Adrien", "Lemaire")),  # only the last one is a first name: surname first
        ("Le Gall Yann", ("Yann", "Le Gall")),
        ("jean pierre martin", ("Jean Pierre", "Martin")),
        ("Le Gall", None),
        ("Dupont Durand", None),  # nothing tells: left to the NLU and the questions that follow
        ("Bernard", None),
    ],
)
def test_a_whole_name_is_split_as_french_callers_say_it(said: str, expected: tuple[str, str] | None) -> None:
    assert split_said_name(clean_name(said)) == expected


def test_a_whole_name_said_for_the_surname_keeps_the_first_name_first() -> None:
    # the NLU read the first word as the surname and the second as the first name (QA)
    text = "julien bernard"
    last = last_name_answer("julien", text, "last_name", ["bernard"], None, False)
    first = first_name_answer("bernard", text, "last_name", ["julien"], None, False)
    assert last.changes == {"last_name": "Bernard"} and first.changes == {"first_name": "Julien"}
    assert first_name_with_surname(text, "last_name") == "Julien"  # when the NLU read no first name at all
    assert (
        first_name_with_surname(text, "first_name") is None and first_name_with_surname("Le Gall", "last_name") is None
    )


def test_names_said_before_their_labels_are_read_so() -> None:
    assert labelled_names(CORRECTION) == labelled_names("nom Bernard prénom Julien")
    assert labelled_names("Dubois c'est mon nom").last_name == "Dubois"
    assert labelled_names("bernard c'est le nom et julien c'est le prénom").first_name == "Julien"


@pytest.mark.parametrize("requested", ["birth_date", "phone", "first_name", "last_name"])
def test_a_correction_saying_which_is_the_surname_wins(requested: str) -> None:
    # the names were stored the other way round; the NLU reads the word after "le nom" as the surname
    last = last_name_answer("julien", CORRECTION, requested, ["bernard"], "Julien", True)
    first = first_name_answer("bernard", CORRECTION, requested, ["julien"], "Bernard", True)
    assert last.changes == {"last_name": "Bernard"} and first.changes == {"first_name": "Julien"}


def test_names_set_right_when_the_birth_date_is_asked_are_no_failed_answer_to_it() -> None:
    assert sets_names_right(CORRECTION, "birth_date", True)
    assert not sets_names_right(CORRECTION, "last_name", True)  # a name answer, read as such
    assert not sets_names_right("le nom de ma mère", "birth_date", False)
    decision = birth_date_answer(None, None, names_set_right=True)
    assert decision.failed is None and decision.said == (reply("noted_but_not_this"),)
    assert birth_date_answer(None).failed == "birth_date"
