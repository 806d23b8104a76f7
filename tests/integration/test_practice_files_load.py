"""Every practice file in practices/ is applied by the real ``assistant practice load`` on a SQLite agenda,
and the agenda service then finds a free slot for each of its motifs in the next 30 days (issue 18: any
practice works without retraining, so each must be bookable as it is written)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.cli import main
from assistant.core.practice_config import load_practice_file
from assistant.core.slots import SlotQuery

ROOT = Path(__file__).resolve().parents[2]
PRACTICE_FILES = sorted((ROOT / "practices").glob("*.yml"))
NOW = "2026-11-23T10:00"


@pytest.fixture()
def agenda_db(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'practice.db'}")
    monkeypatch.setenv("ASSISTANT_NOW", NOW)
    return tmp_path


@pytest.mark.parametrize("path", PRACTICE_FILES, ids=lambda path: path.stem)
def test_each_practice_loads_with_the_cli_and_has_a_slot_for_every_motif_within_30_days(agenda_db, path, capsys):
    from assistant.bootstrap import build

    assert main(["init"]) == 0
    assert main(["practice", "check", str(path)]) == 0
    assert main(["practice", "load", str(path)]) == 0
    out = capsys.readouterr().out
    practice = load_practice_file(path)
    assert f"Configuration appliquée : {practice.name}" in out

    container = build()
    try:
        loaded = container.agenda.practice()
        assert loaded == practice  # what the agenda serves is the file, whole
        now = container.clock.now()
        limit = now + timedelta(days=30)
        for motif in loaded.appointment_types:
            slots = container.agenda.find_slots(SlotQuery(motif.id, count=1))
            assert slots, f"{path.name}: aucun créneau pour {motif.id}"
            slot = slots[0]
            assert now < slot.start < limit, (motif.id, slot.start)
            assert slot.practitioner_id in motif.practitioner_ids
            assert slot.end - slot.start == timedelta(minutes=motif.duration_minutes)
            local = slot.start.astimezone(ZoneInfo(loaded.timezone)).time()
            assert not motif.hours or any(r.start <= local < r.end for r in motif.hours), (motif.id, local)
            if motif.new_patients:  # a new patient too, when the motif takes them
                assert container.agenda.find_slots(SlotQuery(motif.id, count=1, new_patient=True)), motif.id
    finally:
        container.close()
