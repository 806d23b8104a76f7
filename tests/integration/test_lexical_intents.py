"""The blend of DIET's intent ranking with the lexical classifier, on real Rasa messages and model storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.lexical_intents import MODEL_FILE, VOCABULARIES_FILE, LexicalIntentBlend, blend_rankings, vector_size

TRAINING = {
    "book_appointment": [
        "je voudrais prendre un rendez-vous",
        "un rdv avec le docteur svp",
        "euh je veux un rendez vous pour mardi",
        "est-ce que je peux prendre rdv",
    ],
    "cancel_appointment": [
        "je dois annuler mon rendez-vous",
        "annulez mon rdv de jeudi",
        "euh je vais pas pouvoir venir il faut annuler",
        "annulation du rendez vous svp",
    ],
    "ask_hours": [
        "vous êtes ouverts à quelle heure",
        "quels sont vos horaires",
        "le cabinet ferme à quelle heure le samedi",
        "c'est ouvert le midi",
    ],
}
CONTEXT = ExecutionContext(GraphSchema({}), "test-model")
#: A made-up 4-dimensional "meaning" per intent, standing for the spaCy sentence vector.
MEANING = {
    "book_appointment": [1.0, 0.1, 0.0, 0.0],
    "cancel_appointment": [0.0, 1.0, 0.1, 0.0],
    "ask_hours": [0.0, 0.0, 1.0, 0.1],
}


def with_vector(message: Message, vector: list[float]) -> Message:
    """``message`` carrying a sentence vector, as the SpacyFeaturizer leaves it."""
    features = np.array([vector], dtype=np.float32)
    message.add_features(Features(features, "sentence", "text", "SpacyFeaturizer"))
    return message


def training_data(vectors: bool = False) -> TrainingData:
    examples = []
    for intent, texts in TRAINING.items():
        for text in texts:
            example = Message(data={"text": text, "intent": intent})
            examples.append(with_vector(example, MEANING[intent]) if vectors else example)
    return TrainingData(examples)


def trained(
    tmp_path: Path, vectors: bool = False, **config: Any
) -> tuple[LexicalIntentBlend, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("lexical_intents")
    component = LexicalIntentBlend.create(
        {**LexicalIntentBlend.get_default_config(), **config}, storage, resource, CONTEXT
    )
    component.train(training_data(vectors))
    return component, storage, resource


def ranking_of(component: LexicalIntentBlend, message: Message) -> dict[str, float]:
    component.process([message])
    return {entry["name"]: entry["confidence"] for entry in message.get("intent_ranking")}


def with_diet(text: str, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": text, "intent": entries[0], "intent_ranking": entries})


def test_blend_weights_both_rankings_and_counts_a_missing_intent_as_zero() -> None:
    blended = dict(blend_rankings({"a": 0.8, "b": 0.2}, {"b": 0.6, "c": 0.4}, model_weight=0.25))
    assert blended == pytest.approx({"a": 0.2, "b": 0.5, "c": 0.3})


def test_blend_orders_by_confidence_then_name() -> None:
    assert [name for name, _ in blend_rankings({"b": 0.5, "a": 0.5}, {}, 1.0)] == ["a", "b"]
    assert [name for name, _ in blend_rankings({"a": 0.9, "b": 0.1}, {"a": 0.0, "b": 1.0}, 0.3)] == ["b", "a"]


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_blend_refuses_a_weight_outside_zero_one(weight: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        blend_rankings({"a": 1.0}, {"a": 1.0}, weight)


def test_a_bad_weight_in_config_stops_the_pipeline(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="model_weight"):
        LexicalIntentBlend.create({"model_weight": 2}, LocalModelStorage(tmp_path), Resource("x"), CONTEXT)


def test_the_lexical_model_overturns_a_weak_diet_guess(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path)
    message = with_diet(
        "euh faut annuler le rdv", [("ask_hours", 0.4), ("book_appointment", 0.35), ("cancel_appointment", 0.25)]
    )
    component.process([message])
    assert message.get("intent")["name"] == "cancel_appointment"
    ranking = message.get("intent_ranking")
    assert ranking[0] == message.get("intent")
    assert [entry["confidence"] for entry in ranking] == sorted((e["confidence"] for e in ranking), reverse=True)
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0, abs=1e-6)


def test_a_full_model_weight_keeps_diets_reading(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path, model_weight=1.0)
    message = with_diet("euh faut annuler le rdv", [("ask_hours", 0.6), ("cancel_appointment", 0.4)])
    component.process([message])
    assert message.get("intent") == {"name": "ask_hours", "confidence": pytest.approx(0.6)}


def test_without_a_diet_ranking_the_lexical_model_decides_alone(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path)
    message = Message(data={"text": "quels horaires le samedi"})
    component.process([message])
    assert message.get("intent")["name"] == "ask_hours"
    assert message.get("intent")["confidence"] > 1 / len(TRAINING)


def test_the_ranking_is_cut_to_its_configured_length(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path, ranking_length=2)
    message = with_diet("annuler", [("cancel_appointment", 0.9), ("ask_hours", 0.1)])
    component.process([message])
    assert len(message.get("intent_ranking")) == 2


def test_messages_without_text_are_left_alone(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path)
    message = Message(data={"intent": {"name": "greet", "confidence": 1.0}})
    component.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 1.0}


@pytest.mark.parametrize("vectors", [False, True])
def test_the_trained_model_survives_storage_and_predicts_the_same(tmp_path: Path, vectors: bool) -> None:
    component, storage, resource = trained(tmp_path, vectors=vectors)
    loaded = LexicalIntentBlend.load(LexicalIntentBlend.get_default_config(), storage, resource, CONTEXT)
    assert loaded.classifier is not None
    assert vector_size(loaded.classifier) == (4 if vectors else 0)
    for text, meaning in [("je voudrais un rdv", MEANING["book_appointment"]), ("vous fermez quand", [0.3] * 4)]:
        before, after = (ranking_of(c, with_vector(Message(data={"text": text}), meaning)) for c in (component, loaded))
        assert after == pytest.approx(before)
    assert list(loaded.classifier.classes_) == sorted(TRAINING)


def test_the_sentence_vector_recognises_a_sentence_whose_words_were_never_seen(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path, vectors=True)
    assert vector_size(component.classifier) == 4
    for intent, meaning in MEANING.items():
        ranking = ranking_of(component, with_vector(Message(data={"text": "zorglub plouf"}), meaning))
        assert max(ranking, key=ranking.__getitem__) == intent


def test_a_zero_vector_weight_trains_on_ngrams_only(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path, vectors=True, vector_weight=0)
    assert vector_size(component.classifier) == 0
    ranking = ranking_of(component, with_vector(Message(data={"text": "zorglub plouf"}), MEANING["ask_hours"]))
    assert max(ranking.values()) < 0.5  # nothing to go on: no class stands out


def test_a_message_without_its_vector_is_still_classified_on_its_words(tmp_path: Path) -> None:
    component, _, _ = trained(tmp_path, vectors=True)
    ranking = ranking_of(component, Message(data={"text": "euh faut annuler le rdv"}))
    assert max(ranking, key=ranking.__getitem__) == "cancel_appointment"


def test_a_negative_vector_weight_stops_the_pipeline(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vector_weight"):
        LexicalIntentBlend.create({"vector_weight": -1}, LocalModelStorage(tmp_path), Resource("x"), CONTEXT)


def test_an_untrained_component_changes_nothing(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    loaded = LexicalIntentBlend.load({}, storage, Resource("never_trained"), CONTEXT)
    message = with_diet("bonjour", [("greet", 0.7), ("ask_hours", 0.3)])
    loaded.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.7}


class NotAnEstimator:
    """A type skops does not trust: a stored model holding it must not be loaded."""

    def __init__(self) -> None:
        self.payload = "anything"


def test_a_model_file_holding_an_untrusted_type_is_refused(tmp_path: Path) -> None:
    import skops.io as sio

    storage = LocalModelStorage(tmp_path)
    resource = Resource("tampered")
    with storage.write_to(resource) as directory:
        sio.dump({"model": NotAnEstimator()}, directory / MODEL_FILE)
    with pytest.raises(ValueError, match="untrusted types"):
        LexicalIntentBlend.load({}, storage, resource, CONTEXT)


def test_the_project_pipeline_blends_right_after_diet_and_before_the_fallback() -> None:
    import yaml

    from assistant.launcher import ROOT

    names = [step["name"] for step in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]]
    blend = names.index("assistant.nlu.lexical_intents.LexicalIntentBlend")
    assert names[blend - 1] == "DIETClassifier"
    assert blend < names.index("assistant.nlu.triage_component.TriageOverride") < names.index("FallbackClassifier")


def test_the_vocabularies_are_stored_apart_and_a_model_missing_them_fails_loudly(tmp_path: Path) -> None:
    component, storage, resource = trained(tmp_path)
    with storage.read_from(resource) as directory:
        stored = (directory / VOCABULARIES_FILE).read_text(encoding="utf-8")
        assert '"annuler"' in stored  # a word of the training data, as plain JSON
        (directory / VOCABULARIES_FILE).unlink()
    assert len(ranking_of(component, Message(data={"text": "annuler"}))) == len(TRAINING)  # left whole by persist
    with pytest.raises(FileNotFoundError):
        LexicalIntentBlend.load({}, storage, resource, CONTEXT)
