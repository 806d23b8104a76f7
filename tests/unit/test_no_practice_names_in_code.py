"""No practice's people or places in the code: examples in docstrings and comments are invented (issue 17).

The code serves every practice; the demo practice's names in it ("le docteur L…") read as if they were
special, and a practice's people belong to its file. The names come from ``practices/*.yml``: every
practitioner's names and id, the practice's own name words.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Common French words that are also someone's name in a practice file.
ORDINARY = {
    "maison",
    "santé",
    "des",
    "de",
    "du",
    "la",
    "le",
    "centre",
    "cabinet",
    "radiologie",
    "imagerie",
    "médicale",
    "kinésithérapie",
}
#: Files allowed to carry a practice's names: none.
NOT_YET: set[str] = set()


def practice_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "practices").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        words = str((data.get("practice") or {}).get("name") or "").split()
        for practitioner in data.get("practitioners") or []:
            words += [*str(practitioner.get("name") or "").split(), str(practitioner.get("id") or "")]
        names |= {word.lower() for word in words if len(word) > 3 and word.lower() not in ORDINARY}
    return names


def test_no_practice_name_in_the_code() -> None:
    names = practice_names()
    assert "tisserands" in names  # the demo's own
    pattern = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(names)))})\b", re.IGNORECASE)
    found = {}
    for path in [*(ROOT / "assistant").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]:
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative in NOT_YET or relative == "assistant/demo.py":
            continue
        hits = sorted({match.group(0) for match in pattern.finditer(path.read_text(encoding="utf-8"))})
        if hits:
            found[relative] = hits
    assert not found, found
