"""``assistant patient duplicates`` and ``assistant patient merge`` on a temporary SQLite agenda (demo practice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "practices" / "demo-lille.yml"


@pytest.fixture()
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    monkeypatch.setenv("ASSISTANT_PRACTICE_FILE", str(DEMO))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, err = run("init", "--demo")
    assert code == 0, err
    return run


@pytest.fixture()
def records(cli):
    """Three records of 'Léa Testeur' as typed by the secretariat: a first-name typo and a day/month inversion."""
    _, out, _ = cli("slots", "--type", "prise-de-sang", "--from", "2026-11-25", "--count", "3", "--spread", "--json")
    slots = json.loads(out)
    ids = []
    for slot, (first_name, birth_date, phone) in zip(
        slots,
        (("Léa", "1990-02-03", ""), ("Lea-Marie", "1990-02-03", "06 01 02 03 04"), ("Léa", "1990-03-02", "")),
        strict=True,
    ):
        code, out, err = cli(
            "book", "--type", "prise-de-sang", "--practitioner", slot["practitioner_id"], "--start",
            slot["start"][:16], "--last-name", "Testeur", "--first-name", first_name, "--birth-date", birth_date,
            "--phone", phone, "--json",
        )  # fmt: skip
        assert code == 0, err
        booked = json.loads(out)
        ids.append((booked["patient_id"], booked["id"], booked["start"][:10]))
    return ids


def test_duplicates_lists_the_probable_groups(cli, records):
    (lea, *_), (lea_marie, *_), (inverted, *_) = records
    code, out, _ = cli("patient", "duplicates", "--json")
    assert code == 0
    groups = json.loads(out)
    assert [(g["reason"], [p["id"] for p in g["patients"]]) for g in groups] == [
        ("same_last_name", [lea, lea_marie]),
        ("birth_date_typo", [lea, inverted]),
    ]
    phones = [p["phone"] for p in groups[0]["patients"]]
    assert phones[0] == "" and phones[1].endswith("04") and "01 02" not in phones[1]  # masked
    assert groups[0]["patients"][0]["future_appointments"] == 1
    code, out, _ = cli("patient", "duplicates")
    assert code == 0 and "même nom et même date de naissance" in out and f"n°{lea_marie}" in out


def test_merge_moves_the_appointments_and_is_audited_with_who_did_it(cli, records):
    (lea, *_), (lea_marie, appointment, day), _ = records
    code, out, err = cli("patient", "merge", str(lea), str(lea_marie), "--by", "Claire")
    assert code == 0, err
    assert out.startswith(f"Dossier n°{lea_marie} fusionné dans le n°{lea} : 1 rendez-vous")
    code, out, _ = cli("agenda", "--day", day, "--json")
    mine = [a for a in json.loads(out)["appointments"] if a["patient"]["last_name"] == "Testeur"]
    assert {a["patient_id"] for a in mine} == {lea} and appointment in {a["id"] for a in mine}
    _, out, _ = cli("audit", "--json")
    merges = [e for e in json.loads(out) if e["action"] == "patient_merge"]
    assert [(e["actor"], e["patient_id"], e["details"]["merged_patient_id"]) for e in merges] == [
        ("Claire", lea, lea_marie)
    ]
    _, out, _ = cli("patient", "duplicates", "--json")
    assert [g["reason"] for g in json.loads(out)] == ["birth_date_typo"]  # only the other one left


def test_merge_refusals_are_one_french_sentence(cli, records):
    (lea, *_), _, (inverted, *_) = records
    code, _, err = cli("patient", "merge", str(lea), str(inverted), "--by", "Claire")
    assert code == 1 and err.startswith("Erreur : Ces deux patients n'ont pas la même date de naissance")
    assert "--force" in err and "Traceback" not in err
    code, _, err = cli("patient", "merge", str(lea), str(lea), "--by", "Claire")
    assert code == 2 and err.startswith("Erreur : ") and "même dossier" in err
    code, _, err = cli("patient", "merge", str(lea), "4242", "--by", "Claire")
    assert code == 1 and err == "Erreur : Patient introuvable.\n"
    _, out, _ = cli("patient", "duplicates", "--json")
    assert len(json.loads(out)) == 2  # nothing merged
    code, out, _ = cli("patient", "merge", str(lea), str(inverted), "--by", "Claire", "--force", "--json")
    assert code == 0 and json.loads(out)["merged_id"] == inverted
