"""What takes leave in French: a goodbye ends a phone call, so it must be said (issue 18 QA)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.language.fr.farewells import says_goodbye

DATA = Path(__file__).resolve().parents[2] / "data" / "nlu" / "chitchat.yml"


def _goodbyes() -> list[str]:
    blocks = yaml.safe_load(DATA.read_text(encoding="utf-8"))["nlu"]
    (block,) = [b for b in blocks if b.get("intent") == "goodbye"]
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]


def test_every_goodbye_the_model_learnt_says_goodbye() -> None:
    goodbyes = _goodbyes()
    assert len(goodbyes) > 50
    assert [said for said in goodbyes if not says_goodbye(said)] == []


@pytest.mark.parametrize(
    "said",
    ["Au revoir !", "bonne fin de journée", "à jeudi alors", "a+", "je vous laisse", "bye", "bon week-end"],
)
def test_farewells(said: str) -> None:
    assert says_goodbye(said)


@pytest.mark.parametrize(
    "said",
    ["bon alors avec gregoire", "le manipulateur ça ira", "merci", "de bonne heure", "à la pharmacie", "c'est tout"],
)
def test_no_farewell(said: str) -> None:
    assert not says_goodbye(said)
