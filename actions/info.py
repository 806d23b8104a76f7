"""Greeting and practical questions, answered from the practice configuration."""

from __future__ import annotations

from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import SafeAction
from assistant.clock import get_timezone
from assistant.core.model import AppointmentType, Practice
from assistant.dialogue.answers import (
    answer_address,
    answer_documents,
    answer_fees,
    answer_hours,
    answer_practitioners,
    asked_day,
    asked_weekday,
)
from assistant.dialogue.understanding import ANY_PRACTITIONER, resolve_motif, resolve_practitioner
from assistant.nlu.time_wish import from_serializable


class ActionGreet(SafeAction):
    def name(self) -> str:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        # As a secretary answers: the practice's name first, then who speaks (an automated assistant).
        dispatcher.utter_message(
            text=f"{practice.name}, bonjour. Je suis l'assistant automatique du cabinet : "
            "je peux prendre, déplacer ou annuler un rendez-vous. Que puis-je faire pour vous ?"
        )
        return []


class ActionAnswerInfo(SafeAction):
    """One action for every practical question; the latest intent says which."""

    def name(self) -> str:
        return "action_answer_info"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "ask_hours":
            practitioner, weekday, day = asked_about(tracker, practice)
            text = answer_hours(practice, runtime.now(), practitioner, weekday, day)
        elif intent == "ask_address":
            text = answer_address(practice, str(tracker.latest_message.get("text") or ""))
        elif intent == "ask_fees":
            text = answer_fees(practice, str(tracker.latest_message.get("text") or ""), asked_motif(tracker, practice))
        elif intent == "ask_documents":
            text = answer_documents(practice, asked_motif(tracker, practice))
        else:
            named, _, _ = asked_about(tracker, practice)
            text = answer_practitioners(practice, named)
        dispatcher.utter_message(text=text)
        return []


def asked_motif(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    """The motif a question is about: the one it names ("à jeun pour la prise de sang"), else the booking's.

    The motif slot is not filled from questions (a question must not change the booking), so the
    question's own entities are read here.
    """
    for value in tracker.get_latest_entity_values("motif"):
        motif = resolve_motif(str(value), practice)
        if motif is not None:
            return motif
    booked = tracker.get_slot("motif")
    return resolve_motif(booked, practice) if booked else None


def asked_about(tracker: Tracker, practice: Practice) -> tuple[str | None, int | None, date | None]:
    """Who, which weekday and which date the latest message asks about ("le docteur Benali, samedi ?")."""
    named = next(tracker.get_latest_entity_values("practitioner"), None)
    practitioner = resolve_practitioner(str(named), practice) if named else None
    wish = next(tracker.get_latest_entity_values("time_wish"), None)
    weekday, day = None, None
    if isinstance(wish, dict):
        try:
            time_wish, tz = from_serializable(wish, practice.timezone), get_timezone(practice.timezone)
            weekday, day = asked_weekday(time_wish, tz), asked_day(time_wish, tz)
        except (KeyError, TypeError, ValueError):
            weekday, day = None, None  # a malformed value: answer for the whole week
    return (None if practitioner in (None, ANY_PRACTITIONER) else practitioner), weekday, day
