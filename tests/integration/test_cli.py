"""The ``assistant`` command line on a temporary SQLite agenda with the demo practice."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
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

    return run


def test_init_demo_then_agenda_shows_the_demo_practice(cli):
    code, out, _ = cli("init", "--demo")
    assert code == 0 and "Maison de santé" in out
    code, out, _ = cli("agenda", "--day", "2026-11-24")
    assert code == 0
    assert "Agenda du mardi 24 novembre 2026" in out
    assert "Lefebvre" in out and "Benali" in out
    code, out, _ = cli("agenda", "--day", "2026-11-24", "--json")
    data = json.loads(out)
    assert data["practice"]["timezone"] == "Europe/Paris"
    assert data["appointments"] and all(a["start"].startswith("2026-11-24T") for a in data["appointments"])


def test_the_demo_agenda_gives_each_motif_a_patient_it_could_be_for(cli):
    """No "Louis — suivi de grossesse" in a demo the practice is shown."""
    from assistant.demo import DEMO_MOTIF_PATIENTS

    cli("init", "--demo")
    seen = []
    for day in range(23, 31):
        _, out, _ = cli("agenda", "--day", f"2026-11-{day}", "--json")
        seen += json.loads(out)["appointments"]
    restricted = [a for a in seen if a["appointment_type_id"] in DEMO_MOTIF_PATIENTS]
    assert {a["appointment_type_id"] for a in restricted} == set(DEMO_MOTIF_PATIENTS)
    for appointment in restricted:
        assert appointment["patient"]["first_name"] in DEMO_MOTIF_PATIENTS[appointment["appointment_type_id"]]
    assert len({a["patient"]["first_name"] for a in seen}) >= 5  # the other motifs still go round everyone


def test_every_demo_patient_can_still_book_one_appointment_online(cli):
    """The practice allows 3 appointments to come per patient: the demo leaves room for one more."""
    from assistant.demo import DEMO_PATIENTS

    _, out, _ = cli("init", "--demo")
    assert int(out.split(" rendez-vous fictifs")[0].split()[-1]) >= 20  # still a full demo agenda
    seen = []
    for day in range(23, 31):
        _, out, _ = cli("agenda", "--day", f"2026-11-{day}", "--json")
        seen += json.loads(out)["appointments"]
    per_patient = Counter(a["patient"]["first_name"] for a in seen)
    assert set(per_patient) <= {p.first_name for p in DEMO_PATIENTS}
    assert max(per_patient.values()) <= 2, per_patient


def test_init_demo_is_idempotent(cli):
    cli("init", "--demo")
    _, first, _ = cli("agenda", "--day", "2026-11-24", "--json")
    code, out, _ = cli("init", "--demo")
    assert code == 0 and "fictifs" not in out
    _, second, _ = cli("agenda", "--day", "2026-11-24", "--json")
    assert json.loads(first) == json.loads(second)


def test_slots_book_move_cancel_round_trip(cli):
    cli("init")
    cli("practice", "load", str(DEMO))
    code, out, _ = cli("slots", "--type", "prise-de-sang", "--from", "2026-11-25", "--to", "2026-11-25", "--json")
    assert code == 0
    slots = json.loads(out)
    assert len(slots) == 3 and all(s["start"].startswith("2026-11-25T") for s in slots)
    first = slots[0]
    code, out, _ = cli(
        "book",
        "--type",
        "prise-de-sang",
        "--practitioner",
        first["practitioner_id"],
        "--start",
        first["start"][:16],
        "--last-name",
        "Testeur",
        "--first-name",
        "Léa",
        "--birth-date",
        "1990-02-03",
        "--phone",
        "06 01 02 03 04",
        "--json",
    )
    assert code == 0, out
    booked = json.loads(out)
    assert booked["start"] == first["start"] and booked["status"] == "booked" and booked["channel"] == "secretariat"
    # Booking the same slot again is refused with one sentence and exit 1.
    code, out, err = cli(
        "book",
        "--type",
        "prise-de-sang",
        "--practitioner",
        first["practitioner_id"],
        "--start",
        first["start"][:16],
        "--last-name",
        "Autre",
        "--first-name",
        "Paul",
        "--birth-date",
        "1970-01-01",
    )
    assert code == 1 and err.startswith("Erreur : Ce créneau vient d'être pris.") and "Traceback" not in err
    code, out, _ = cli("move", str(booked["id"]), "--start", slots[1]["start"][:16], "--json")
    assert code == 0 and json.loads(out)["start"] == slots[1]["start"]
    code, out, _ = cli("cancel", str(booked["id"]), "--reason", "test", "--json")
    assert code == 0 and json.loads(out)["status"] == "cancelled"
    code, out, _ = cli("audit", "--appointment", str(booked["id"]), "--json")
    assert [e["action"] for e in json.loads(out)] == ["book", "move", "cancel"]


def test_errors_are_one_sentence_and_nonzero(cli):
    cli("init", "--demo")
    code, _, err = cli("slots", "--type", "nope")
    assert code == 1 and "motif" in err and "Traceback" not in err
    code, _, err = cli("agenda", "--practitioner", "nobody")
    assert code == 2 and "Praticien inconnu" in err
    code, _, err = cli(
        "book",
        "--type",
        "consultation",
        "--practitioner",
        "lefebvre",
        "--start",
        "demain",
        "--last-name",
        "A",
        "--first-name",
        "B",
        "--birth-date",
        "1980-01-01",
    )
    assert code == 2 and "Date-heure invalide" in err
    code, _, err = cli("book", "--type", "consultation", "--practitioner", "lefebvre", "--start", "2026-11-24T09:00")
    assert code == 2 and "--patient-id" in err
    code, _, err = cli("cancel", "424242")
    assert code == 1 and "introuvable" in err


def test_agenda_before_any_practice_explains_what_to_do(cli):
    cli("init")
    code, _, err = cli("agenda")
    assert code == 1 and "assistant init --demo" in err


def test_practice_check_reports_file_line_and_field(cli, tmp_path):
    broken = tmp_path / "cabinet.yml"
    broken.write_text(
        DEMO.read_text(encoding="utf-8").replace("duration_minutes:", "duraton_minutes:", 1), encoding="utf-8"
    )
    code, _, err = cli("practice", "check", str(broken))
    assert code == 2
    typo = next(line for line in err.splitlines() if "duraton_minutes" in line)
    assert typo.startswith(f"{broken}:")
    line = int(typo[len(str(broken)) + 1 :].split(":")[0])
    assert "duraton_minutes" in broken.read_text(encoding="utf-8").splitlines()[line - 1]
    assert "appointment_types[0]" in typo


def test_practice_load_reports_misfits_and_keeps_them(cli, tmp_path):
    cli("init", "--demo")
    _, before, _ = cli("agenda", "--day", "2026-11-24", "--practitioner", "lefebvre", "--json")
    before_ids = [a["id"] for a in json.loads(before)["appointments"]]
    # Shorten Dr Lefebvre's Tuesday: her 09:20 and 09:50 demo appointments no longer fit.
    text = DEMO.read_text(encoding="utf-8")
    assert text.count("[08:30-12:00, 14:00-19:00]") == 1
    trimmed = tmp_path / "trimmed.yml"
    trimmed.write_text(text.replace("[08:30-12:00, 14:00-19:00]", "[08:30-09:00, 14:00-19:00]"), encoding="utf-8")
    code, out, _ = cli("practice", "load", str(trimmed))
    assert code == 0
    assert "ne rentrent plus dans les horaires" in out
    reported = {int(word[2:]) for word in out.split() if word.startswith("n°")}
    assert reported and reported <= set(before_ids) | reported
    _, after, _ = cli("agenda", "--day", "2026-11-24", "--practitioner", "lefebvre", "--json")
    assert [a["id"] for a in json.loads(after)["appointments"]] == before_ids  # nothing deleted


def test_console_script_runs_without_traceback(tmp_path):
    env = {"ASSISTANT_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "ASSISTANT_NOW": "2026-11-23T10:00", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "agenda"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("Erreur :")
