"""The training data knows roles, not practices (issue 18): no name of a practice in practices/ is in data/.

Practitioners and motifs are recognised at run time from the practice loaded in the agenda
(assistant/nlu/practice_component.py); a name learned from the demo practice would make the model
work for that one practice only, and hide the cases the run-time extractor must handle.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.core.text import normalise

ROOT = Path(__file__).resolve().parents[2]
PRACTICE_FILES = sorted((ROOT / "practices").glob("*.yml"))
DATA_FILES = sorted((ROOT / "data").rglob("*.yml"))


def _folded_data() -> str:
    return "\n".join(normalise(path.read_text(encoding="utf-8")) for path in DATA_FILES)


def _names(practice_file: Path) -> set[str]:
    """The practice's own names: its name, its practitioners' first names, surnames and ids."""
    config = yaml.safe_load(practice_file.read_text(encoding="utf-8"))
    names = {normalise(config["practice"]["name"])}
    for practitioner in config.get("practitioners", []):
        words = normalise(practitioner["name"]).split()
        names.update({" ".join(words), " ".join(words[1:]) or words[0], words[0], normalise(practitioner["id"])})
    return {name for name in names if name}


def test_there_are_practices_and_data() -> None:
    assert PRACTICE_FILES and DATA_FILES


@pytest.mark.parametrize("practice_file", PRACTICE_FILES, ids=lambda path: path.stem)
def test_no_practice_name_is_in_the_training_data(practice_file: Path) -> None:
    data = _folded_data()
    found = sorted(name for name in _names(practice_file) if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", data))
    assert found == [], f"names of {practice_file.name} in data/: {found}"


@pytest.mark.parametrize("practice_file", PRACTICE_FILES, ids=lambda path: path.stem)
def test_no_motif_id_is_an_entity_value(practice_file: Path) -> None:
    """Motif phrases stay ("une prise de sang"); a practice's motif ids as values or synonym targets do not."""
    config = yaml.safe_load(practice_file.read_text(encoding="utf-8"))
    ids = {motif["id"] for motif in config.get("appointment_types", [])}
    raw = "\n".join(path.read_text(encoding="utf-8") for path in DATA_FILES)
    values = set(re.findall(r'"value": "([^"]+)"', raw)) | set(re.findall(r"^- synonym: (\S+)", raw, re.MULTILINE))
    assert sorted(ids & values) == []
