"""The name gazetteers of data/nlu/lookups.yml stay out of other entities' way.

A lookup table is a feature DIET learns to trust: a word listed for the wrong
entity pulls its spans there. A practitioner's surname among the patients'
names would blur ``practitioner`` and ``last_name``, and a relative's word
("fils", "mère") among the names would take spans from ``relation``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.core.practice_config import load_practice_file

ROOT = Path(__file__).resolve().parents[2]


def blocks(kind: str) -> dict[str, set[str]]:
    """``{name: {entries, lowercased}}`` of every ``lookup`` or ``synonym`` block under data/nlu."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if kind in block:
                entries = {line.strip()[2:].strip().lower() for line in str(block["examples"]).splitlines()}
                found.setdefault(str(block[kind]), set()).update(entries - {""})
    return found


def test_the_name_gazetteers_leave_out_the_practitioners() -> None:
    lookups = blocks("lookup")
    practice = load_practice_file(ROOT / "practices" / "demo-lille.yml")
    surnames = {practitioner.name.split()[-1].lower() for practitioner in practice.practitioners}
    assert len(surnames) == len(practice.practitioners) >= 2
    assert not lookups["last_name"] & surnames
    synonyms = blocks("synonym")
    relatives = set().union(*(synonyms[value] for value in ("child", "parent", "spouse", "other")))
    assert not (lookups["first_name"] | lookups["last_name"]) & relatives
