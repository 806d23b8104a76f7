"""Duckling runs in a worker process: the servers never host the Haskell runtime.

Real worker processes (no fakes): started, killed, hung and forked.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime

import pytest
from dateutil import tz

from assistant.nlu import duckling_process, time_wish
from assistant.nlu.duckling_process import DucklingProcess, DucklingUnavailable
from assistant.nlu.time_wish import ZONEINFO_DIR, parse_time_wish

PARIS = tz.gettz("Europe/Paris")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
SIGVTALRM_BIT = 1 << (signal.SIGVTALRM - 1)


@pytest.fixture
def worker():
    process = DucklingProcess(ZONEINFO_DIR)
    yield process
    process.close()


def test_worker_reads_french_with_offsets_into_the_original_text(worker):
    text = "après-demain à 9h"
    matches = worker.parse(text, "Europe/Paris", NOW)
    assert len(matches) == 1
    match = matches[0]
    assert text[match["start"] : match["end"]] == "après-demain à 9h"
    assert match["value"]["value"].startswith("2026-11-25T09:00:00")


def test_the_parsing_process_never_loads_the_haskell_runtime():
    """The timer signal GHC arms (SIGVTALRM) must not be caught in the server's process."""
    script = textwrap.dedent(
        """
        import sys
        from datetime import datetime
        from dateutil import tz
        from assistant.nlu.time_wish import parse_time_wish
        wish = parse_time_wish("mardi prochain à 14h30", datetime(2026, 11, 23, 10, tzinfo=tz.gettz("Europe/Paris")))
        caught = [l for l in open("/proc/self/status") if l.startswith("SigCgt")][0].split()[1]
        print(int(caught, 16), "duckling" in sys.modules, wish.day_parts[0].start.isoformat())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    caught, loaded, start = out.stdout.split()
    assert start == "14:30:00"  # it did parse, through the worker
    assert loaded == "False"
    assert int(caught) & SIGVTALRM_BIT == 0


def test_a_killed_worker_is_restarted_and_the_request_answered(worker):
    assert worker.parse("demain", "Europe/Paris", NOW)
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    matches = worker.parse("jeudi après-midi", "Europe/Paris", NOW)
    assert matches and worker.starts == 2
    assert worker.pid not in (None, first)


def test_a_hung_worker_times_out_and_is_reported_unavailable(caplog):
    hung = DucklingProcess(
        ZONEINFO_DIR,
        start_timeout=0.5,
        request_timeout=0.5,
        command=[sys.executable, "-c", "import time; print('{\"ready\": true}', flush=True); time.sleep(60)"],
    )
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(DucklingUnavailable):
            hung.parse("Dupont né le 3 mars, demain", "Europe/Paris", NOW)
    finally:
        hung.close()
    assert hung.starts == 2  # one restart was tried
    assert "Dupont" not in caplog.text and "mars" not in caplog.text


def test_a_worker_that_cannot_start_is_reported_unavailable():
    broken = DucklingProcess(ZONEINFO_DIR, start_timeout=5, command=[sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(DucklingUnavailable):
        broken.parse("demain", "Europe/Paris", NOW)


def test_the_worker_answers_a_bad_line_with_an_error_and_keeps_serving():
    good = json.dumps({"text": "demain à 15h", "tz": "Europe/Paris", "ref": int(NOW.timestamp())})
    out = subprocess.run(
        [sys.executable, str(duckling_process.WORKER), ZONEINFO_DIR],
        input=f'pas du json, Dupont 06 12 34 56 78\n{{"text": "demain"}}\n{good}\n',
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ready, bad_json, missing, answer = (json.loads(line) for line in out.stdout.splitlines())
    assert ready == {"ready": True}
    assert bad_json == {"error": "JSONDecodeError"} and missing == {"error": "KeyError"}
    assert answer["matches"][0]["value"]["value"].startswith("2026-11-24T15:00:00")
    assert "Dupont" not in out.stdout + out.stderr


def test_without_duckling_the_lexicon_still_reads_parts_of_day(monkeypatch, caplog):
    broken = DucklingProcess(ZONEINFO_DIR, start_timeout=5, command=[sys.executable, "-c", "pass"])
    monkeypatch.setattr(time_wish, "duckling_engine", lambda: broken)
    with caplog.at_level(logging.ERROR):
        wish = parse_time_wish("plutôt l'aprèm", NOW, "Europe/Paris")
    assert wish.day_parts and wish.day_parts[0].start.hour >= 12
    assert "Duckling unavailable" in caplog.text and "aprèm" not in caplog.text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_starts_its_own_worker(worker):
    assert worker.parse("demain", "Europe/Paris", NOW)
    parent_worker = worker.pid
    pid = os.fork()
    if pid == 0:  # child: must not talk over the parent's pipe
        ok = False
        try:
            ok = bool(worker.parse("lundi prochain", "Europe/Paris", NOW)) and worker.pid != parent_worker
            worker.close()
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert worker.pid == parent_worker  # the parent's worker is untouched
    assert worker.parse("vendredi", "Europe/Paris", NOW)


def test_the_shared_client_is_one_per_process():
    assert duckling_process.shared_duckling(ZONEINFO_DIR) is time_wish.duckling_engine()


def test_start_runs_the_worker_before_the_first_message(worker):
    worker.start()
    assert worker.pid is not None and worker.starts == 1
    worker.parse("demain", "Europe/Paris", NOW)
    assert worker.starts == 1  # the first message found the worker ready


def test_loading_the_model_starts_the_worker_and_survives_one_that_cannot_start(worker, monkeypatch, caplog):
    from assistant.nlu import duckling_component
    from assistant.nlu.duckling_component import TimeWishExtractor

    monkeypatch.setattr(duckling_component, "duckling_engine", lambda: worker)
    TimeWishExtractor.load({}, None, None, None)  # type: ignore[arg-type]
    assert worker.pid is not None

    broken = DucklingProcess(ZONEINFO_DIR, start_timeout=5, command=[sys.executable, "-c", "raise SystemExit(3)"])
    monkeypatch.setattr(duckling_component, "duckling_engine", lambda: broken)
    with caplog.at_level(logging.WARNING):
        component = TimeWishExtractor.load({}, None, None, None)  # type: ignore[arg-type]
    assert isinstance(component, TimeWishExtractor) and broken.pid is None
    assert "not started at model load" in caplog.text
