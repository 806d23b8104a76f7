"""Every practice file in practices/ loads, and the three examples are different enough to prove that any
practice works with the same trained model (issue 18): a maison de santé in Lille, kinés in Douai, a
radiology centre in Dunkerque, all fictitious, all in the Hauts-de-France."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.core.model import Practice
from assistant.core.practice_config import load_practice_file, practice_from_dict, practice_to_dict
from assistant.core.text import normalise

PRACTICES = Path(__file__).resolve().parents[2] / "practices"
PRACTICE_FILES = sorted(PRACTICES.glob("*.yml"))
#: Postal codes of the Hauts-de-France: Aisne, Nord, Oise, Pas-de-Calais, Somme.
HAUTS_DE_FRANCE = ("02", "59", "60", "62", "80")
#: The demo's people: the other practices must not reuse them (a model that learned them would not show).
DEMO_NAMES = {"lefebvre", "benali", "mercier", "lambert", "claire", "karim", "thomas", "sophie"}


def load(stem: str) -> Practice:
    return load_practice_file(PRACTICES / f"{stem}.yml")


@pytest.mark.parametrize("path", PRACTICE_FILES, ids=lambda path: path.stem)
def test_every_practice_file_loads_and_survives_the_stored_snapshot(path: Path) -> None:
    practice = load_practice_file(path)
    assert practice.id == path.stem
    assert practice.practitioners and practice.appointment_types
    assert practice_from_dict(json.loads(json.dumps(practice_to_dict(practice)))) == practice


@pytest.mark.parametrize("path", PRACTICE_FILES, ids=lambda path: path.stem)
def test_every_practice_is_fictitious_and_in_the_hauts_de_france(path: Path) -> None:
    practice = load_practice_file(path)
    assert practice.address.postal_code.startswith(HAUTS_DE_FRANCE)
    numbers = [practice.phone, practice.secretariat.transfer_number]
    numbers += [practice.emergency.on_call] if practice.emergency.on_call else []
    for number in numbers:  # the range Arcep keeps for fiction
        assert re.sub(r"\D", "", number).startswith("03530"), number
    assert practice.email.endswith(".example") and practice.website.endswith(".example")


def test_there_are_three_practices_of_three_kinds() -> None:
    practices = [load_practice_file(path) for path in PRACTICE_FILES]
    assert {p.id for p in practices} >= {"demo-lille", "douai-kine", "dunkerque-radiologie"}
    assert len({p.kind for p in practices}) == len(practices)
    assert len({p.address.city for p in practices}) == len(practices)


@pytest.mark.parametrize("stem", ["douai-kine", "dunkerque-radiologie"])
def test_the_new_practices_name_nobody_of_the_demo(stem: str) -> None:
    practice = load(stem)
    words = {word for p in practice.practitioners for word in normalise(p.name).split()}
    words |= {p.id for p in practice.practitioners}
    assert not words & DEMO_NAMES
    assert not set(normalise(practice.name).split()) & DEMO_NAMES


def test_the_physiotherapists_of_douai() -> None:
    practice = load("douai-kine")
    kines = practice.practitioners
    assert len(kines) >= 3 and {p.gender for p in kines} == {"f", "m"}
    assert all("kinésithérapeute" in p.specialty for p in kines)
    assert any(not p.accepts_new_patients for p in kines)
    session, assessment = practice.appointment_type("seance-kine"), practice.appointment_type("bilan-kine")
    assert session.duration_minutes == 30 and assessment.duration_minutes > session.duration_minutes
    assert not session.new_patients and assessment.new_patients  # sessions only for patients already followed
    assert all(m.prescription_required for m in practice.appointment_types)
    assert practice.appointment_type("reeducation-perineale").practitioner_ids == ("szczepaniak",)
    assert practice.appointment_type("drainage-lymphatique").gender == "m"  # "un drainage"
    assert any(not m.bookable_online for m in practice.appointment_types)
    assert practice.closures
    for said in ("kiné", "séance de rééduc", "bilan kiné", "kiné respiratoire", "drainage"):
        assert any(normalise(said) == normalise(s) for m in practice.appointment_types for s in m.synonyms), said


def test_the_radiology_centre_of_dunkerque() -> None:
    practice = load("dunkerque-radiologie")
    doctors = [p for p in practice.practitioners if p.title == "Dr"]
    assert len(doctors) >= 2 and {p.gender for p in doctors} == {"f", "m"}
    assert all(m.prescription_required for m in practice.appointment_types)
    secretariat_only = {m.id for m in practice.appointment_types if not m.bookable_online}
    assert secretariat_only == {"irm", "scanner-injection"}
    instructions = {m.id: normalise(m.instructions) for m in practice.appointment_types}
    assert "a jeun depuis 6 heures" in instructions["echographie-abdominale"]
    assert "a jeun depuis 6 heures" in instructions["scanner-injection"]
    assert "vessie pleine" in instructions["echographie-pelvienne"]
    assert "metallique" in instructions["irm"]
    assert all("examens precedents" in text or "anciennes" in text for text in instructions.values())
    assert practice.appointment_type("irm").gender == "f"  # "une IRM"
    for said in ("une écho", "un scan", "une radio", "mammo", "IRM du genou"):
        assert any(normalise(said) == normalise(s) for m in practice.appointment_types for s in m.synonyms), said
