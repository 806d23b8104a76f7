"""Greeting and practical questions, answered from the practice configuration."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import SafeAction, caller_number, latest_text, utter
from actions.booking import hand_secretariat_only_motif, secretariat_only_motif
from actions.confirmation import confirm_if_yes, hands_over
from actions.handover import open_escalation, transfers_call
from assistant.clock import get_timezone
from assistant.conversation.replies import say
from assistant.core.errors import AgendaError
from assistant.core.model import AppointmentType, Practice
from assistant.core.secretariat import is_staffed
from assistant.dialogue.answers import (
    answer_address,
    answer_documents,
    answer_fees,
    answer_hours,
    answer_in_english,
    answer_on_call,
    answer_practitioners,
    asked_day,
    asked_weekday,
)
from assistant.dialogue.speech import hello
from assistant.dialogue.understanding import ANY_PRACTITIONER, resolve_motif, resolve_practitioner
from assistant.nlu.time_wish import from_serializable


class ActionGreet(SafeAction):
    def name(self) -> str:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        # As a secretary answers: the practice's name first, then who speaks (an automated assistant).
        local_hour = runtime.now().astimezone(get_timezone(practice.timezone)).hour
        await utter(dispatcher, tracker, "greeting", practice=practice, practice_name=practice.name, hello=hello(local_hour))
        return []


class ActionAnswerInEnglish(SafeAction):
    """An English speaker: told in English whom to call; the secretariat calls back a number it has."""

    def name(self) -> str:
        return "action_answer_in_english"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        caller_known = bool(caller_number(tracker))
        now = runtime.now()
        put_through = transfers_call(tracker, practice, now)  # on the phone, someone at the desk
        dispatcher.utter_message(text=answer_in_english(practice, caller_known, put_through, is_staffed(practice, now)))
        if not caller_known:
            return []
        # A number to call back (the phone channel gives it): the secretariat calls back, in English;
        # in staffed hours the call is put through at once.
        return await open_escalation(
            dispatcher,
            tracker,
            reason=say("reason.english"),
            category="human",
            urgency="routine",
            announce=put_through,
            transfer_text="",
        )


#: The practical questions this action answers (data/rules.yml lists the same).
INFO_INTENTS = ("ask_hours", "ask_address", "ask_fees", "ask_documents", "ask_practitioners", "ask_on_call")
#: What a follow-up ("et demain ?", "et pour le kiné ?", "et le docteur Lefebvre ?") changes in the question.
FOLLOW_UP_ENTITIES = ("time_wish", "practitioner", "motif")


def followed_up_question(tracker: Tracker) -> str | None:
    """The practical question a short follow-up continues: the previous message's, when it was one.

    "Vous fermez à quelle heure ce soir ?" then "et demain ?": the second message is an answer-like
    fragment (``inform``) that asks the same question about another day.
    """
    if not any(entity.get("entity") in FOLLOW_UP_ENTITIES for entity in tracker.latest_message.get("entities") or []):
        return None
    previous = previous_question(tracker)
    return str(previous["intent"]["name"]) if previous else None


def previous_question(tracker: Tracker) -> dict[str, Any] | None:
    """The parse of the practical question the latest message follows, through other follow-ups.

    "Vous fermez à quelle heure ce soir ?", "et demain ?", "et samedi ?": the third asks the first.
    """
    users = [event for event in tracker.events if event.get("event") == "user"]
    for event in reversed(users[:-1]):
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        if intent in INFO_INTENTS:
            return parse
        if intent != "inform":  # anything but another follow-up ends the chain
            return None
    return None


class ActionAnswerInfo(SafeAction):
    """One action for every practical question; the latest intent says which (or the one it follows up)."""

    def name(self) -> str:
        return "action_answer_info"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # "Oui. Et il y a un parking ?" to a read-back: book (move, cancel) first, then answer.
        confirmed = await confirm_if_yes(dispatcher, tracker)
        if confirmed is not None and hands_over(confirmed):
            return confirmed  # refused (the slot was just taken…): that answer comes first
        if (tracker.latest_message.get("intent") or {}).get("name") == "ask_practitioners":
            # "l'infirmière peut passer à domicile ?": a motif only the secretariat arranges
            asked = secretariat_only_motif(tracker, await runtime.practice())
            if asked is not None:
                return [*(confirmed or []), *await hand_secretariat_only_motif(asked, dispatcher, tracker)]
        answered = await self.answer(dispatcher, tracker)
        if confirmed is None:
            return answered
        return [*confirmed, *answered, FollowupAction("utter_anything_else")]

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        practice = await runtime.practice()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in INFO_INTENTS:
            intent = followed_up_question(tracker)
            if intent is None:  # "et…" after an answer, but nothing to ask about
                dispatcher.utter_message(response="utter_default")
                return []
        if intent == "ask_hours":
            practitioner, weekday, day = asked_about(tracker, practice)
            text = answer_hours(practice, runtime.now(), practitioner, weekday, day, latest_text(tracker))
        elif intent == "ask_address":
            text = answer_address(practice, latest_text(tracker))
        elif intent == "ask_fees":
            text = answer_fees(practice, latest_text(tracker), await motif_asked_about(tracker, practice))
        elif intent == "ask_documents":
            text = answer_documents(practice, await motif_asked_about(tracker, practice))
        elif intent == "ask_on_call":
            text = answer_on_call(practice, latest_text(tracker))
        else:
            named, _, _ = asked_about(tracker, practice)
            text = answer_practitioners(practice, named, latest_text(tracker))
        dispatcher.utter_message(text=text)
        return []


def asked_motif(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    """The motif a question is about: the one it names ("à jeun pour la prise de sang"), else the booking's,
    else the one the previous question named.

    The motif slot is not filled from questions (a question must not change the booking), so the
    question's own entities are read here.
    """
    for value in tracker.get_latest_entity_values("motif"):
        motif = resolve_motif(str(value), practice)
        if motif is not None:
            return motif
    booked = tracker.get_slot("motif")
    if booked:
        return resolve_motif(booked, practice)
    # "faut être à jeun ?" right after a question about the blood test: that motif
    previous = previous_question(tracker) or {}
    for entity in previous.get("entities") or []:
        if entity.get("entity") == "motif":
            motif = resolve_motif(str(entity.get("value")), practice)
            if motif is not None:
                return motif
    return None


async def motif_asked_about(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    """:func:`asked_motif`, else the motif of the appointment just booked, moved or found.

    "Je dois apporter quoi ?" right after "C'est réservé : une vaccination…" got the whole generic
    list (55 words, the physiotherapist's prescription included): the booking's slots are reset by then.
    """
    motif = asked_motif(tracker, practice)
    appointment_id = tracker.get_slot("appointment_id")
    if motif is not None or not appointment_id:
        return motif
    try:
        appointment = await runtime.off_loop(runtime.container().agenda.get_appointment, int(appointment_id))
    except AgendaError:  # cancelled meanwhile: the general answer
        return None
    return practice.appointment_type(appointment.appointment_type_id)


def asked_about(tracker: Tracker, practice: Practice) -> tuple[str | None, int | None, date | None]:
    """Who, which weekday and which date the latest message asks about ("le docteur Benali, samedi ?")."""
    named = next(tracker.get_latest_entity_values("practitioner"), None)
    practitioner = resolve_practitioner(str(named), practice) if named else None
    if practitioner is None:
        # "les horaires du kiné": "kiné" can come out as a motif whose synonym is the practitioner,
        # or as no entity at all; then the words of the question say who
        asked = resolve_practitioner(latest_text(tracker), practice)
        practitioner = asked if asked != ANY_PRACTITIONER else None
    if practitioner is None:
        for value in tracker.get_latest_entity_values("motif"):
            if resolve_motif(str(value), practice) is None:
                practitioner = resolve_practitioner(str(value), practice)
                if practitioner is not None:
                    break
    wish = next(tracker.get_latest_entity_values("time_wish"), None)
    weekday, day = None, None
    if isinstance(wish, dict):
        try:
            time_wish, tz = from_serializable(wish, practice.timezone), get_timezone(practice.timezone)
            weekday, day = asked_weekday(time_wish, tz), asked_day(time_wish, tz)
        except (KeyError, TypeError, ValueError):
            weekday, day = None, None  # a malformed value: answer for the whole week
    return (None if practitioner in (None, ANY_PRACTITIONER) else practitioner), weekday, day
