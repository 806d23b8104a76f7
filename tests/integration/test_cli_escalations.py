"""The secretariat's escalation commands on a temporary SQLite agenda with the demo practice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.bootstrap import build
from assistant.cli import main
from assistant.core.escalation import EscalationRequest
from assistant.core.model import Channel

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
def handovers(cli):
    """Three escalations as the dialogue would open them (same settings as the CLI)."""
    container = build()
    service = container.escalations
    routine = service.open(
        EscalationRequest(
            channel=Channel.CHAT,
            conversation_id="chat-1",
            reason="Demande de résultats",
            category="sensitive",
            urgency="routine",
            understood={"demande": "résultats"},
            transcript=[("patient", "Je voudrais mes résultats de prise de sang"), ("assistant", "Je transmets.")],
        )
    )
    emergency = service.open(
        EscalationRequest(
            channel=Channel.PHONE,
            conversation_id="call-2",
            reason="Douleur thoracique",
            category="emergency",
            urgency="immediate",
            callback_number="+33601020304",
        )
    )
    urgent = service.open(
        EscalationRequest(
            channel=Channel.CHAT, conversation_id="chat-3", reason="Fièvre forte", category="urgent", urgency="urgent"
        )
    )
    service.set_callback(urgent.id, "07 11 22 33 44")
    container.close()
    return {"routine": routine.id, "emergency": emergency.id, "urgent": urgent.id}


def test_empty_list_says_so(cli):
    code, out, _ = cli("escalations")
    assert code == 0 and "Aucune demande transmise en attente." in out
    code, out, _ = cli("escalations", "--json")
    assert code == 0 and json.loads(out) == []


def test_list_is_most_urgent_first_with_time_number_and_status(cli, handovers):
    code, out, _ = cli("escalations", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [handovers["emergency"], handovers["urgent"], handovers["routine"]]
    assert rows[0]["created_at"] == "2026-11-23T10:00:00+01:00"  # practice time, not UTC
    assert (rows[0]["urgency"], rows[0]["category"], rows[0]["status"]) == ("immediate", "emergency", "open")
    assert rows[0]["callback_number"] == "06 01 02 03 04" and not rows[0]["callback_requested"]
    assert rows[1]["callback_number"] == "07 11 22 33 44" and rows[1]["callback_requested"]
    code, out, _ = cli("escalations")
    lines = [line for line in out.splitlines() if line.strip().startswith("n°")]
    assert len(lines) == 3
    assert lines[0].split()[0] == f"n°{handovers['emergency']}" and "23/11 10:00" in lines[0]
    assert "URGENCE VITALE" in lines[0] and "Douleur thoracique" in lines[0] and "appelant 06 01 02 03 04" in lines[0]
    assert "À TRAITER AUJOURD'HUI" in lines[1] and "rappeler le 07 11 22 33 44" in lines[1]
    assert "SANS URGENCE" in lines[2] and "pas de numéro" in lines[2] and lines[2].endswith("ouverte")


def test_show_prints_the_written_summary_and_the_transcript(cli, handovers):
    code, out, _ = cli("escalation", "show", str(handovers["routine"]))
    assert code == 0
    assert out.startswith(f"Demande n°{handovers['routine']} : Demande de résultats\n")
    assert "Urgence : sans urgence (demande médicale ou sensible)" in out
    assert "Reçue le 23/11/2026 à 10:00 par messagerie" in out
    assert "Identité non vérifiée" in out and "Compris : demande : résultats" in out
    assert "Transcription :\nPatient : Je voudrais mes résultats de prise de sang\nAssistant : Je transmets." in out
    code, out, _ = cli("escalation", "show", str(handovers["urgent"]), "--json")
    data = json.loads(out)
    assert data["transcript"] == [] and data["reason"] == "Fièvre forte"
    assert "Rappel demandé au 07 11 22 33 44" in data["written_summary"]


def test_take_then_close_then_the_list_forgets_it_but_all_keeps_it(cli, handovers):
    target = str(handovers["emergency"])
    code, out, _ = cli("escalation", "take", target, "--by", "Claire")
    assert code == 0 and out.strip() == f"Demande n°{target} prise en charge par Claire."
    _, out, _ = cli("escalations")
    assert "prise en charge (Claire)" in out
    code, out, _ = cli("escalation", "close", target, "--outcome", "resolved", "--by", "Claire", "--json")
    assert code == 0
    closed = json.loads(out)
    assert (closed["status"], closed["outcome"], closed["closed_by"]) == ("closed", "resolved", "Claire")
    assert closed["closed_at"] == "2026-11-23T10:00:00+01:00"
    _, out, _ = cli("escalations", "--json")
    assert target not in {str(r["id"]) for r in json.loads(out)}
    _, out, _ = cli("escalations", "--all", "--json")
    assert target in {str(r["id"]) for r in json.loads(out)}
    _, out, _ = cli("audit", "--json")
    mine = [e for e in json.loads(out) if e["escalation_id"] == int(target)]
    assert [(e["action"], e["actor"]) for e in mine] == [
        ("escalation_open", "assistant"),
        ("escalation_take", "Claire"),
        ("escalation_close", "Claire"),
    ]
    code, out, _ = cli("audit")  # the text view copes with events that have no appointment
    assert code == 0 and "escalation_close" in out


def test_errors_are_one_sentence_and_nonzero(cli, handovers):
    code, out, err = cli("escalation", "show", "999")
    assert code == 1 and err.strip() == "Erreur : Demande transmise introuvable : n°999." and not out
    target = str(handovers["routine"])
    cli("escalation", "close", target, "--outcome", "callback", "--by", "Claire")
    code, _, err = cli("escalation", "take", target, "--by", "Sophie")
    assert code == 1 and err.strip() == f"Erreur : La demande n°{target} est déjà close." and "Traceback" not in err
    code, _, err = cli("escalation", "close", target, "--outcome", "resolved", "--by", "Sophie")
    assert code == 1 and "déjà close" in err
    with pytest.raises(SystemExit) as bad_outcome:
        cli("escalation", "close", target, "--outcome", "whatever", "--by", "Claire")
    assert bad_outcome.value.code == 2
    with pytest.raises(SystemExit) as no_name:
        cli("escalation", "take", target)
    assert no_name.value.code == 2
