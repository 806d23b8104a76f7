"""The serving way of loading the model predicts exactly what Rasa's way does, without training or a second spaCy.

``assistant.adapters.lean_model_loading`` saves about 0.9 GB per Rasa process (bench/load_bench.py); it is
worth nothing if a single confidence moves. Both ways load the same trained model in processes of their
own and parse the whole development set, then hold a short conversation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def predictions(model: Path, way: str, tmp_path: Path) -> dict:
    out = tmp_path / f"{way}.json"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "ASSISTANT_NOW": "2026-11-23T10:00"}
    probe = subprocess.run(
        [sys.executable, "-m", "tests.e2e.lean_loading_probe", str(model), way, str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both_ways(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp("lean-loading")
    return predictions(trained_model, "rasa", folder), predictions(trained_model, "lean", folder)


def test_the_lean_way_trains_nothing_and_loads_spacy_once(both_ways: tuple[dict, dict]) -> None:
    rasa_way, lean_way = both_ways
    # Rasa's way: a training step per TensorFlow model (DIET and TED) and spaCy once per SpacyNLP node.
    assert rasa_way["fit"] == 2 and rasa_way["spacy_load"] == 2
    assert lean_way["fit"] == 0 and lean_way["spacy_load"] == 1


def test_every_parse_is_identical_to_the_last_digit(both_ways: tuple[dict, dict]) -> None:
    rasa_way, lean_way = both_ways
    assert len(rasa_way["parses"]) > 200
    differing = [
        (index, expected, got)
        for index, (expected, got) in enumerate(zip(rasa_way["parses"], lean_way["parses"], strict=True))
        if expected != got
    ]
    assert not differing, differing[:5]


def test_the_dialogue_policies_predict_the_same_actions(both_ways: tuple[dict, dict]) -> None:
    rasa_way, lean_way = both_ways
    assert "booking_form" in rasa_way["actions"]
    assert lean_way["actions"] == rasa_way["actions"]
