"""A bare phone number or a bare time is an answer, whatever the classifier guessed."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.language.fr.bare_answers import is_bare_phone_answer, is_bare_time_answer
from assistant.language.fr.requests import asks_for_the_secretariat
from assistant.nlu.answer_component import BareAnswerOverride
from tests.integration.test_duckling_component import make


@pytest.mark.parametrize(
    "said",
    [
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        "06 12 34 56 78",
        "euh c'est le 06 12 34 56 78",
        "mon portable c'est zéro six douze trente quatre cinquante six soixante dix huit",
        "plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit",
    ],
)
def test_a_phone_number_alone_is_a_bare_answer(said):
    assert is_bare_phone_answer(said)


@pytest.mark.parametrize(
    "said",
    [
        "je voudrais parler à quelqu'un au 06 12 34 56 78",
        "zéro six douze",  # not a whole number
        "je n'ai pas de portable",
        "mon mari ne respire plus 06 12 34 56 78",
        "",
    ],
)
def test_more_than_a_phone_number_is_not_bare(said):
    assert not is_bare_phone_answer(said)


def spans_of(text: str, *parts: str) -> list[tuple[int, int]]:
    return [(text.index(part), text.index(part) + len(part)) for part in parts]


@pytest.mark.parametrize(
    ("said", "times"),
    [
        ("vendredi après-midi", ["vendredi après-midi"]),
        ("euh vendredi dans l'après-midi", ["vendredi dans l'après-midi"]),
        ("plutôt jeudi", ["jeudi"]),
        ("mardi ou jeudi si possible", ["mardi ou jeudi"]),
        ("ben demain matin", ["demain matin"]),
        ("et samedi", ["samedi"]),  # a follow-up to an hours question
        ("et pour demain alors", ["demain"]),
    ],
)
def test_a_time_alone_is_a_bare_answer(said, times):
    assert is_bare_time_answer(said, spans_of(said, *times))


@pytest.mark.parametrize(
    ("said", "times"),
    [
        ("vous êtes ouverts vendredi après-midi", ["vendredi après-midi"]),
        ("le cabinet ferme à quelle heure demain", ["demain"]),
        ("vendredi", []),  # no time expression found: nothing to say it is one
        ("vendredi après-midi", [(0, 99)]),  # offsets outside the text are not trusted
    ],
)
def test_a_question_about_a_time_is_not_bare(said, times):
    spans = [t for t in times if isinstance(t, tuple)] + spans_of(said, *[t for t in times if isinstance(t, str)])
    assert not is_bare_time_answer(said, spans)


def message(text: str, intent: str, time: str | None = None) -> Message:
    entities = []
    if time is not None:
        start = text.index(time)
        entities.append({"entity": "time_wish", "start": start, "end": start + len(time), "value": {}})
    return Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.55}, ENTITIES: entities})


def test_the_component_makes_bare_answers_certain_informs_and_leaves_the_rest():
    callback = message("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "request_human")
    day = message("vendredi après-midi", "ask_hours", time="vendredi après-midi")
    question = message("vous êtes ouverts vendredi après-midi", "ask_hours", time="vendredi après-midi")
    choice = message("plutôt l'après-midi", "choose_option", time="l'après-midi")
    emergency = message("06 12 34 56 78", "emergency")
    BareAnswerOverride().process([callback, day, question, choice, emergency])
    assert callback.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert day.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert question.get(INTENT)["name"] == "ask_hours"
    assert choice.get(INTENT)["name"] == "choose_option"
    assert emergency.get(INTENT)["name"] == "emergency"


@pytest.mark.parametrize(
    "said",
    [
        "le secrétariat",
        "Le secrétariat.",
        "Secrétariat !",
        "euh le secrétariat s'il vous plaît",
        "la secrétaire svp",
        "passez-moi le standard",
        "oui secrétariat",
    ],
)
def test_the_greetings_keyword_alone_asks_for_a_person(said):
    assert asks_for_the_secretariat(said)


@pytest.mark.parametrize(
    "said",
    [
        "le secrétariat ouvre à quelle heure",
        "j'ai appelé le secrétariat hier",
        "secrétariat médical",
        "ma fille est secrétaire",
        "",
    ],
)
def test_a_sentence_about_the_secretariat_is_not_the_keyword(said):
    assert not asks_for_the_secretariat(said)


def test_the_component_makes_the_keyword_a_request_for_a_person_but_never_hides_an_emergency():
    keyword = message("Le secrétariat.", "nlu_fallback")
    emergency = message("secrétariat", "emergency")
    BareAnswerOverride().process([keyword, emergency])
    assert keyword.get(INTENT) == {"name": "request_human", "confidence": 1.0}
    assert emergency.get(INTENT)["name"] == "emergency"


@pytest.mark.parametrize(
    ("said", "guessed", "expected"),
    [
        ("vendredi après-midi", "ask_hours", "inform"),
        ("euh vendredi dans l'après-midi", "out_of_scope", "inform"),
        ("jeudi matin plutôt", "ask_practitioners", "inform"),
        ("vous êtes ouverts le samedi matin", "ask_hours", "ask_hours"),
        ("le premier", "choose_option", "choose_option"),
        ("à demain", "goodbye", "goodbye"),  # a goodbye that names a time stays one
        ("bonne soirée à lundi", "goodbye", "goodbye"),
        # seen on the demo: read as a goodbye, the answer to "quand ?" hung up the call
        ("mercredi matin de bonne heure", "goodbye", "inform"),
        ("Et demain ?", "check_appointment", "inform"),  # phone QA: a follow-up to an hours answer
        ("demain", "goodbye", "inform"),
        ("et samedi", "inform", "inform"),
    ],
)
def test_with_the_real_time_reader_only_a_bare_time_becomes_an_answer(tmp_path, monkeypatch, said, guessed, expected):
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    (message,) = make(tmp_path).process([Message(data={TEXT: said, INTENT: {"name": guessed, "confidence": 0.5}})])
    BareAnswerOverride().process([message])
    assert message.get(INTENT)["name"] == expected


def test_an_unsure_inform_that_is_a_bare_time_is_made_certain():
    """Seen on the demo: "et samedi" was inform at 0.41, and the FallbackClassifier made it "pas compris"."""
    unsure = message("et samedi", "inform", time="samedi")
    unsure.set(INTENT, {"name": "inform", "confidence": 0.41})
    name = message("durand", "inform")
    BareAnswerOverride().process([unsure, name])
    assert unsure.get(INTENT) == {"name": "inform", "confidence": 1.0}
    assert name.get(INTENT) == {"name": "inform", "confidence": 0.55}  # not a time: left as it was
