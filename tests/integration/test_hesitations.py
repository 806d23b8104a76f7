"""A message of hesitations only is a misunderstanding, whatever the classifier guessed."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.core.text import is_only_hesitation
from assistant.nlu.hesitation_component import HesitationFallback


@pytest.mark.parametrize("said", ["hmm euh ben", "hein", "Hein ?", "euuuh…", "bah beh", "pfff hmmm", "heu, hum"])
def test_hesitations_only(said):
    assert is_only_hesitation(said)


@pytest.mark.parametrize(
    "said", ["", "   ", "euh oui", "ben non", "hein c'est jeudi", "bof", "bon", "ah d'accord", "Petit", "euh Benali"]
)
def test_anything_with_a_word_is_not_a_hesitation(said):
    assert not is_only_hesitation(said)


def test_the_component_turns_a_hesitation_into_a_certain_fallback_and_leaves_the_rest():
    component = HesitationFallback()
    hesitation = Message(data={TEXT: "hein", INTENT: {"name": "affirm", "confidence": 0.71}})
    answer = Message(data={TEXT: "oui", INTENT: {"name": "affirm", "confidence": 0.99}})
    component.process([hesitation, answer])
    assert hesitation.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    assert hesitation.get(INTENT_RANKING_KEY)[0]["name"] == "nlu_fallback"
    assert answer.get(INTENT) == {"name": "affirm", "confidence": 0.99}


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("bon alors avec gregoire", "nlu_fallback"),  # a name the model did not know: the call went on
        ("avec le dr machin", "nlu_fallback"),
        ("ok merci c'est parfait", "thank"),
        ("au revoir et merci", "goodbye"),
        ("bonne journée", "goodbye"),
        ("à mardi alors", "goodbye"),
        ("a+", "goodbye"),
    ],
)
def test_a_goodbye_the_caller_did_not_say_ends_nothing(said, intent):
    message = Message(data={TEXT: said, INTENT: {"name": "goodbye", "confidence": 0.8}})
    HesitationFallback().process([message])
    assert message.get(INTENT)["name"] == intent
