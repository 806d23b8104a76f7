"""A message with a NUL (or any control) character neither kills the Duckling worker nor gets printed.

It used to: the Rust binding panicked on the NUL and printed the message's bytes,
its Python traceback printed them again, and the client's restart doubled both.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

from dateutil import tz

from assistant.nlu.duckling_process import DucklingProcess
from assistant.nlu.duckling_worker import clean_text
from assistant.nlu.time_wish import ZONEINFO_DIR

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=tz.gettz("Europe/Paris"))
NAME, PHONE = "Secretdupont", "0611223344"
MESSAGE = f"{NAME} Eulalie née le 12 mars 1985 tel {PHONE} \x00 demain à 9h"
SECRET_BYTES = [NAME.encode(), PHONE.encode(), b"1985", b"[83, 101, 99"]  # "Sec" as pyo3 prints bytes


def test_control_characters_become_spaces_of_the_same_length():
    assert clean_text("a\x00b\x1fc\x7fd\u0085e\tf\ng") == "a b c d e f g"
    assert clean_text("après-demain à 9h") == "après-demain à 9h"


def test_the_client_parses_a_message_with_a_nul_and_its_worker_survives():
    process = DucklingProcess(ZONEINFO_DIR)
    try:
        matches = process.parse(MESSAGE, "Europe/Paris", NOW)
        assert any(MESSAGE[m["start"] : m["end"]].startswith("demain") for m in matches)
        assert process.starts == 1 and process.pid is not None
    finally:
        process.close()


def run_worker(script: str, text: str) -> subprocess.CompletedProcess[bytes]:
    request = json.dumps({"text": text, "tz": "Europe/Paris", "ref": int(time.time())}) + "\n"
    return subprocess.run(
        [sys.executable, "-c", script, ZONEINFO_DIR],
        input=(request + request).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_worker_alone_answers_a_nul_and_prints_nothing_of_it():
    script = "import runpy, sys; runpy.run_path('assistant/nlu/duckling_worker.py', run_name='__main__')"
    result = run_worker(script, MESSAGE)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and answers[0] == {"ready": True} and len(answers) == 3
    assert "matches" in answers[1]
    assert result.stderr == b""


def test_even_a_panic_of_the_binding_is_answered_and_silent():
    # Without the cleaning, the NUL reaches the binding: it panics (PanicException, a BaseException).
    script = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, "assistant/nlu")
        import duckling_worker
        duckling_worker.clean_text = lambda text: text
        sys.exit(duckling_worker.serve(sys.argv[1]))
        """
    )
    result = run_worker(script, MESSAGE)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr[-2000:]
    assert answers[1] == {"error": "PanicException"} and answers[2] == {"error": "PanicException"}
    for secret in SECRET_BYTES:
        assert secret not in result.stdout + result.stderr
    assert result.stderr == b""
