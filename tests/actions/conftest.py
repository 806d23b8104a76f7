"""Actions on real rasa-sdk trackers, a real SQLite agenda with the demo practice, a frozen clock."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from assistant.bootstrap import build
from assistant.clock import FixedClock
from assistant.core.model import Channel
from assistant.core.practice_config import load_practice_file
from assistant.services.agenda import Actor
from assistant.settings import Settings
from tests.builders import at

ROOT = Path(__file__).resolve().parents[2]
NOW = at(2026, 11, 23, 10, 0)  # Monday 23 November 2026, 10:00 in Lille


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture()
def container(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'actions.db'}")
    built = build(settings, clock=FixedClock(NOW))
    practice = load_practice_file(ROOT / "practices" / "demo-lille.yml")
    built.agenda.apply_practice(practice, "demo", Actor("tests", Channel.CLI))
    runtime.use_container(built)
    yield built
    runtime.use_container(None)
    built.close()


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    channel: str = "rest",
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    sender_id: str = "conv-test",
    candidates: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker after a user message; ``candidates`` are slot values extracted from it (to validate)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    all_events = list(events or [])
    all_events.append(
        {"event": "user", "text": text, "parse_data": latest, "input_channel": channel, "metadata": metadata or {}}
    )
    for name, value in (candidates or {}).items():
        all_events.append({"event": "slot", "name": name, "value": value})
    return Tracker(
        sender_id,
        {**(slots or {}), **(candidates or {})},
        latest,
        all_events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run_action(action, tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Run an action as the server does; return (events, texts said)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    texts = [message.get("text") or message.get("response") or "" for message in dispatcher.messages]
    return events, texts


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
