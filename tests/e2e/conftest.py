"""The dialogue model, trained once per test session with the project's one training command.

Rasa keeps the previous model when nothing changed since it was trained, so a second run
costs seconds. Every end-to-end test that needs the model depends on this fixture.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from assistant.launcher import MODEL, train_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def trained_model() -> Path:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "ASSISTANT_NOW": "2026-11-23T10:00"}
    trained = subprocess.run(train_command(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    assert MODEL.exists(), f"training did not produce {MODEL}"
    return MODEL
