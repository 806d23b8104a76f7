"""The Rasa 3.6 component on real Rasa ``Message`` objects, clock frozen by ASSISTANT_NOW."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil import tz as dateutil_tz
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from assistant.language.fr.time_wishes import from_serializable
from assistant.nlu.duckling_component import TimeWishExtractor
from assistant.nlu.time_wish import parse_time_wish

PARIS = dateutil_tz.gettz("Europe/Paris")


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")


def make(tmp_path: Path, **config: Any) -> TimeWishExtractor:
    return TimeWishExtractor.create(
        {**TimeWishExtractor.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("time_wish_extractor"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def run(component: TimeWishExtractor, text: str, **data: Any) -> list[dict[str, Any]]:
    (message,) = component.process([Message(data={"text": text, **data})])
    return message.get("entities")


def only(entities: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [e for e in entities if e["entity"] == name]
    assert len(found) == 1, entities
    return found[0]


def test_time_wish_entity(tmp_path: Path, frozen: None) -> None:
    text = "euh je voudrais un rdv mardi euh plutôt l'après-midi"
    entity = only(run(make(tmp_path), text), "time_wish")
    assert entity["extractor"] == "TimeWishExtractor"
    assert entity["confidence"] == 1.0
    assert (entity["start"], entity["end"]) == (23, 52)
    assert text[entity["start"] : entity["end"]] == "mardi euh plutôt l'après-midi"
    assert entity["value"] == {
        "intervals": [{"start": "2026-11-24T00:00:00+01:00", "end": "2026-11-25T00:00:00+01:00"}],
        "day_parts": ["13:00-18:00"],
        "weekdays": [],
        "earliest": False,
    }
    json.dumps(entity)  # what the tracker store will do with it


def test_offsets_on_accented_text(tmp_path: Path, frozen: None) -> None:
    text = "Ça serait possible à partir de 17h ? Sinon après-demain à midi et demi, ou bien l’après-midi."
    entity = only(run(make(tmp_path), text), "time_wish")
    assert (
        text[entity["start"] : entity["end"]]
        == "à partir de 17h ? Sinon après-demain à midi et demi, ou bien l’après-midi"
    )
    for expression in entity["additional_info"]["expressions"]:
        assert text[expression["start"] : expression["end"]] == expression["text"]


def test_value_rebuilds_the_wish(tmp_path: Path, frozen: None) -> None:
    text = "mardi ou jeudi après-midi, pas avant 16h30"
    entity = only(run(make(tmp_path), text), "time_wish")
    now = datetime(2026, 11, 23, 10, tzinfo=PARIS)
    assert from_serializable(entity["value"]) == parse_time_wish(text, now)
    assert entity["value"]["day_parts"] == ["16:30-18:00"]


def test_assistant_now_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    component = make(tmp_path)
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    monday = only(run(component, "demain"), "time_wish")["value"]["intervals"]
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-28T11:00")
    saturday_entity = only(run(component, "demain"), "time_wish")
    assert monday == [{"start": "2026-11-24T00:00:00+01:00", "end": "2026-11-25T00:00:00+01:00"}]
    assert saturday_entity["value"]["intervals"] == [
        {"start": "2026-11-29T00:00:00+01:00", "end": "2026-11-30T00:00:00+01:00"}
    ]
    assert saturday_entity["additional_info"]["reference_time"] == "2026-11-28T11:00:00+01:00"


def test_clock_is_read_in_the_configured_timezone(tmp_path: Path, frozen: None) -> None:
    entity = only(run(make(tmp_path, timezone="America/Montreal"), "aujourd'hui"), "time_wish")
    assert entity["value"]["intervals"] == [{"start": "2026-11-23T10:00:00-05:00", "end": "2026-11-24T00:00:00-05:00"}]


def test_horizon_days_config(tmp_path: Path, frozen: None) -> None:
    entity = only(run(make(tmp_path, horizon_days=30), "après le 15"), "time_wish")
    assert entity["value"]["intervals"] == [{"start": "2026-12-16T00:00:00+01:00", "end": "2026-12-23T10:00:00+01:00"}]


def test_metadata_now_overrides_the_clock(tmp_path: Path, frozen: None) -> None:
    entities = run(make(tmp_path), "demain", metadata={"now": "2026-12-31T09:00"})
    assert only(entities, "time_wish")["value"]["intervals"] == [
        {"start": "2027-01-01T00:00:00+01:00", "end": "2027-01-02T00:00:00+01:00"}
    ]


def test_message_time_overrides_the_clock(tmp_path: Path, frozen: None) -> None:
    component = make(tmp_path)
    message = Message(data={"text": "demain"}, time=int(datetime(2027, 1, 5, 9, tzinfo=PARIS).timestamp()))
    (processed,) = component.process([message])
    assert only(processed.get("entities"), "time_wish")["value"]["intervals"] == [
        {"start": "2027-01-06T00:00:00+01:00", "end": "2027-01-07T00:00:00+01:00"}
    ]


def test_earliest_and_open_wishes_are_entities(tmp_path: Path, frozen: None) -> None:
    component = make(tmp_path)
    assert only(run(component, "le plus tôt possible svp"), "time_wish")["value"]["earliest"] is True
    open_entity = only(run(component, "n'importe quand"), "time_wish")
    assert open_entity["value"] == {"intervals": [], "day_parts": [], "weekdays": [], "earliest": False}
    assert (open_entity["start"], open_entity["end"]) == (0, 15)


def test_birth_date_entity(tmp_path: Path, frozen: None) -> None:
    text = "je suis née le douze mars mille neuf cent quatre-vingt-cinq"
    entities = run(make(tmp_path), text)
    assert [e["entity"] for e in entities] == ["birth_date"]
    birth = entities[0]
    assert birth["value"] == "1985-03-12"
    assert text[birth["start"] : birth["end"]] == "douze mars mille neuf cent quatre-vingt-cinq"
    assert birth["extractor"] == "TimeWishExtractor"


@pytest.mark.parametrize(
    ("text", "value"),
    [("12/03/1985", "1985-03-12"), ("12031985", "1985-03-12"), ("douze zéro trois quatre-vingt-cinq", "1985-03-12")],
)
def test_birth_date_forms(tmp_path: Path, frozen: None, text: str, value: str) -> None:
    entities = run(make(tmp_path), text)
    assert [(e["entity"], e["value"]) for e in entities] == [("birth_date", value)]


def test_birth_without_year_is_not_an_appointment_wish(tmp_path: Path, frozen: None) -> None:
    assert run(make(tmp_path), "je suis né le douze mars") == []


def test_birth_dates_can_be_disabled(tmp_path: Path, frozen: None) -> None:
    assert run(make(tmp_path, birth_dates=False), "12/03/1985") == []


def test_nothing_found_leaves_an_empty_list(tmp_path: Path, frozen: None) -> None:
    assert run(make(tmp_path), "j'ai été malade toute la semaine dernière") == []
    assert run(make(tmp_path), "bonjour") == []


def test_existing_entities_are_kept(tmp_path: Path, frozen: None) -> None:
    other = {"entity": "motif", "start": 0, "end": 7, "value": "vaccin", "extractor": "RegexEntityExtractor"}
    entities = run(make(tmp_path), "vaccin demain", entities=[other])
    assert entities[0] == other
    assert [e["entity"] for e in entities] == ["motif", "time_wish"]


def test_several_messages(tmp_path: Path, frozen: None) -> None:
    messages = [Message(data={"text": t}) for t in ("demain matin", "jeudi", "merci")]
    processed = make(tmp_path).process(messages)
    assert [len(m.get("entities")) for m in processed] == [1, 1, 0]


def test_component_is_valid_in_a_rasa_pipeline() -> None:
    from rasa.engine import validation
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType

    config = {
        "recipe": "default.v1",
        "language": "fr",
        "assistant_id": "test",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {
                "name": "assistant.nlu.duckling_component.TimeWishExtractor",
                "timezone": "Europe/Paris",
                "horizon_days": 60,
            },
            {"name": "KeywordIntentClassifier"},
        ],
        "policies": [{"name": "RulePolicy"}],
    }
    model_configuration = Recipe.recipe_for_name("default.v1").graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(model_configuration)
    node = next(n for name, n in model_configuration.predict_schema.nodes.items() if "TimeWishExtractor" in name)
    assert node.uses is TimeWishExtractor
    assert node.fn == "process"
    assert node.config["horizon_days"] == 60
