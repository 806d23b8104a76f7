"""Actions for the action server's tests: one that logs what it was given, one that crashes with it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

log = logging.getLogger("rasa_sdk.test_privacy")


class ActionEchoForTest(Action):
    def name(self) -> str:
        return "action_test_echo"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        # A careless log line, as a library might write one: the privacy filter must hide it.
        log.warning("handling message %s for %s", tracker.latest_message.get("text"), tracker.get_slot("last_name"))
        dispatcher.utter_message(text="ok")
        return []


class ActionCrashForTest(Action):
    def name(self) -> str:
        return "action_test_crash"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        last_name = tracker.get_slot("last_name")
        raise ValueError(f"cannot book for {last_name}, born {tracker.get_slot('birth_date')}")
