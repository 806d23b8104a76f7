"""The NLU test sets stay apart from the training data, and measure every intent.

An evaluation is only worth publishing if no held-out sentence was trained on:
an utterance copied into ``data/nlu`` (even with other case or punctuation)
would be scored as if it were new.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TRAINING_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))
HELDOUT = ROOT / "tests" / "nlu" / "heldout_fr.yml"
DEV = ROOT / "tests" / "nlu" / "dev_fr.yml"
#: The development sets of the two other practices (written 2026-12-07): new sentences, never trained on.
PRACTICE_DEVS = [ROOT / "tests" / "nlu" / "dev_douai.yml", ROOT / "tests" / "nlu" / "dev_dunkerque.yml"]
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def normalise(text: str) -> str:
    """Case, accents, punctuation and spaces do not make a sentence new."""
    text = ANNOTATION.sub(r"\1", text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", text))


def examples(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.append((block["intent"], line[2:].strip()))
    return found


def domain_intents() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}


@pytest.fixture(scope="module")
def training() -> set[str]:
    return {normalise(text) for path in TRAINING_FILES for _, text in examples(path)}


def test_normalise_ignores_markup_case_accents_and_punctuation():
    assert normalise('Le [Deuxième]{"entity": "option", "value": "2"}, svp !') == "le deuxieme svp"
    assert normalise("[Marie](first_name)  DUPONT") == "marie dupont"


@pytest.mark.parametrize("path", [HELDOUT, *PRACTICE_DEVS], ids=lambda p: p.name)
def test_no_held_out_utterance_is_in_the_training_data(path, training):
    copied = [text for _, text in examples(path) if normalise(text) in training]
    assert copied == [], f"{len(copied)} held-out utterances are training examples: {copied[:5]}"


@pytest.mark.parametrize("path", PRACTICE_DEVS, ids=lambda p: p.name)
def test_a_practice_development_set_is_big_enough_and_covers_every_intent(path):
    sentences = examples(path)
    assert len(sentences) >= 150
    assert len({normalise(text) for _, text in sentences}) == len(sentences), f"duplicates in {path.name}"
    intents = {intent for intent, _ in sentences}
    assert intents <= domain_intents()
    assert domain_intents() - {"nlu_fallback"} <= intents


def test_the_held_out_set_is_big_enough_and_covers_every_intent():
    held_out = examples(HELDOUT)
    assert len(held_out) >= 150
    assert len({normalise(text) for _, text in held_out}) == len(held_out), "duplicates in the held-out set"
    intents = {intent for intent, _ in held_out}
    assert intents <= domain_intents()
    assert domain_intents() - {"nlu_fallback"} <= intents


def test_the_test_sets_are_never_in_the_training_paths():
    """``rasa train`` reads ``data/``: the sets live under ``tests/nlu`` only."""
    assert HELDOUT.exists() and DEV.exists() and all(path.exists() for path in PRACTICE_DEVS)
    names = {HELDOUT.name, DEV.name, *(path.name for path in PRACTICE_DEVS)}
    assert not any(path.name in names for path in (ROOT / "data").rglob("*.yml"))
