"""The NLU pipeline's last word on safety: TriageOverride on real Rasa messages."""

from __future__ import annotations

import pytest
import yaml
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.launcher import ROOT
from assistant.nlu.triage_component import TriageOverride


@pytest.fixture(scope="module")
def component() -> TriageOverride:
    return TriageOverride({"rules_file": None})


def message(text: str, intent: str, confidence: float) -> Message:
    top = {"name": intent, "confidence": confidence}
    return Message(data={TEXT: text, INTENT: top, INTENT_RANKING_KEY: [top, {"name": "greet", "confidence": 0.01}]})


def test_a_red_flag_overrides_a_confident_booking(component: TriageOverride) -> None:
    msg = message("je voudrais un rdv j'ai très mal à la poitrine", "book_appointment", 0.97)
    component.process([msg])
    assert msg.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    ranking = msg.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "emergency" and any(entry["name"] == "book_appointment" for entry in ranking)
    assert msg.get("triage")["category"] == "emergency" and "15" in msg.get("triage")["numbers"]


def pipeline_fallback() -> FallbackClassifier:
    """The FallbackClassifier that follows the override in config.yml, with its real thresholds."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    settings = next(step for step in pipeline if step["name"] == "FallbackClassifier")
    return FallbackClassifier({**FallbackClassifier.get_default_config(), **settings})


@pytest.mark.parametrize(
    ("text", "model_intent", "expected"),
    [
        (
            "bonjour je voudrais un rendez vous aujourd hui j ai une douleur dans la poitrine",
            "book_appointment",
            "emergency",
        ),
        ("un rendez vous pour mon pere il a la bouche de travers", "book_appointment", "emergency"),
        (
            "un rdv pour mon fils de deux ans il a quarante de fievre depuis hier",
            "book_appointment",
            "medical_question",
        ),
    ],
)
def test_an_override_is_not_made_ambiguous_by_the_model_s_confident_second_guess(
    component: TriageOverride, text: str, model_intent: str, expected: str
) -> None:
    """Seen on the demo: emergency 1.0 kept DIET's booking 0.99 behind it, and the fallback called it ambiguous."""
    top = {"name": model_intent, "confidence": 0.99}
    msg = Message(data={TEXT: text, INTENT: top, INTENT_RANKING_KEY: [top, {"name": expected, "confidence": 0.005}]})
    component.process([msg])
    pipeline_fallback().process([msg])
    assert msg.get(INTENT)["name"] == expected
    assert msg.get("intent_before_override") == top  # what the model thought stays on record


def test_suicidal_thoughts_become_the_emergency_intent_with_3114(component: TriageOverride) -> None:
    msg = message("j'ai plus envie de vivre", "out_of_scope", 0.6)
    component.process([msg])
    assert msg.get(INTENT)["name"] == "emergency"
    assert msg.get("triage")["category"] == "suicide" and msg.get("triage")["numbers"][0] == "3114"


def test_an_urgent_need_turns_a_booking_into_a_hand_over(component: TriageOverride) -> None:
    msg = message(
        "il faut que je voie un médecin aujourd'hui j'ai de la fièvre depuis 4 jours", "book_appointment", 0.9
    )
    component.process([msg])
    assert msg.get(INTENT)["name"] == "medical_question"
    assert msg.get("triage")["urgency"] == "urgent"


def test_a_routine_booking_is_left_alone(component: TriageOverride) -> None:
    msg = message("je voudrais un rendez-vous pour une prise de sang jeudi", "book_appointment", 0.93)
    component.process([msg])
    assert msg.get(INTENT) == {"name": "book_appointment", "confidence": 0.93}
    assert msg.get("triage")["category"] == "none"


def test_the_emergency_intent_alone_is_kept_even_without_a_rule(component: TriageOverride) -> None:
    msg = message("venez vite s'il vous plaît c'est grave", "emergency", 0.5)
    component.process([msg])
    assert msg.get(INTENT)["name"] == "emergency"


def test_the_unsure_threshold_is_the_fallback_classifiers() -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    triage_step = next(step for step in pipeline if step["name"].endswith("TriageOverride"))
    assert triage_step["unsure_below"] == pipeline_fallback().component_config["threshold"]


def test_a_sensitive_request_the_model_was_unsure_of_is_handed_over_not_misunderstood(
    component: TriageOverride,
) -> None:
    """Seen on the demo: "je peux arrêter mon traitement" (inform 0.3) got "Pardon, je n'ai pas compris"."""
    cases = [
        ("mon ordonnance est finie je peux arreter mon traitement", "medical_question"),
        ("euh c'est vraiment n'importe quoi votre accueil", "complaint"),
        ("les résultats de la prise de sang sont revenus", "ask_results"),
    ]
    for (text, expected), guessed in zip(cases, ("inform", "medical_question", "inform"), strict=True):
        # seen on the demo: medical_question at 0.33 was itself turned into "pas compris"
        msg = message(text, guessed, 0.33)
        component.process([msg])
        pipeline_fallback().process([msg])
        assert msg.get(INTENT)["name"] == expected, text


def test_a_sensitive_word_in_a_confident_booking_is_left_to_the_model(component: TriageOverride) -> None:
    msg = message("je voudrais un rendez-vous pour voir mes résultats avec le docteur", "book_appointment", 0.9)
    component.process([msg])
    assert msg.get(INTENT) == {"name": "book_appointment", "confidence": 0.9}
    assert msg.get("triage")["category"] == "sensitive"
