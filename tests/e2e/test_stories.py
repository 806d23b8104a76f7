"""The test stories (tests/stories/) against the trained model: every one must pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STORIES = ROOT / "tests" / "stories"
pytestmark = pytest.mark.e2e


def test_there_are_at_least_forty_test_stories():
    count = sum(len(yaml.safe_load(path.read_text())["stories"]) for path in STORIES.glob("*.yml"))
    assert count >= 40


def test_every_test_story_passes(trained_model, tmp_path):
    rasa = str(Path(sys.executable).with_name("rasa"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [rasa, "test", "core", "--stories", str(STORIES), "--model", str(trained_model), "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text()
    assert "None of the test stories failed" in failed, failed[:5000]
