"""Greeting and practical questions, answered from the practice configuration."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import Dispatcher, Events, SafeAction, State, StateAction, caller_number, utter
from actions.booking import another_practitioner_instead, hand_secretariat_only_motif, secretariat_only_motif
from actions.confirmation import confirm_if_yes, hands_over
from actions.handover import open_escalation, transfers_call
from actions.state_adapter import entity_value, entity_values, intent_of, previous_question, time_wish_of
from assistant.clock import get_timezone
from assistant.conversation.informing import (
    ABOUT_A_MOTIF,
    INFO_INTENTS,
    Question,
    answer,
    asked_motif,
    asked_practitioner,
    asked_when,
    question_of,
)
from assistant.conversation.replies import say
from assistant.core.errors import AgendaError
from assistant.core.model import AppointmentType, Practice
from assistant.core.secretariat import is_staffed
from assistant.dialogue.answers import answer_in_english
from assistant.dialogue.speech import hello


class ActionGreet(StateAction):
    """As a secretary answers: the practice's name first, then who speaks (an automated assistant)."""

    action_name = "action_greet"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        local_hour = runtime.now().astimezone(get_timezone(practice.timezone)).hour
        await utter(
            dispatcher, tracker, "greeting", practice=practice, practice_name=practice.name, hello=hello(local_hour)
        )
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


class ActionAnswerInfo(StateAction):
    """One action for every practical question; the latest intent says which (or the one it follows up)."""

    action_name = "action_answer_info"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        # "Oui. Et il y a un parking ?" to a read-back: book (move, cancel) first, then answer.
        confirmed = await confirm_if_yes(dispatcher, tracker)
        if confirmed is not None and hands_over(confirmed):
            return confirmed  # refused (the slot was just taken…): that answer comes first
        instead = await another_practitioner_instead(dispatcher, tracker)  # "un autre praticien", slots read out
        if instead is not None:
            return instead
        found = secretariat_only_motif(tracker, practice) if state.intent == "ask_practitioners" else None
        if found is not None:  # "l'infirmière peut passer à domicile ?": a motif only the secretariat arranges
            return [*(confirmed or []), *await hand_secretariat_only_motif(found, dispatcher, tracker)]
        previous = previous_question(tracker, INFO_INTENTS)
        intent = question_of(state.intent, state.entities, intent_of(previous))
        if intent is None:  # "et…" after an answer, but nothing to ask about
            dispatcher.utter_message(response="utter_default")
        else:
            question = await question_asked(intent, tracker, state, practice, previous)
            dispatcher.utter_message(text=answer(question, practice, runtime.now()))
        return [*confirmed, FollowupAction("utter_anything_else")] if confirmed is not None else []


async def question_asked(
    intent: str, tracker: Tracker, state: State, practice: Practice, previous: dict[str, Any] | None
) -> Question:
    """The question, with whom, when and which motif it is about (from its entities and the conversation)."""
    motifs_said = [str(value) for value in entity_values(tracker, "motif")]
    named = entity_value(tracker, "practitioner")
    who = asked_practitioner(str(named) if named else None, state.text, motifs_said, practice)
    wish = time_wish_of(entity_value(tracker, "time_wish"), practice.timezone)
    weekday, day = asked_when(wish, get_timezone(practice.timezone))
    motif = None
    if intent in ABOUT_A_MOTIF:
        before = [str(e.get("value")) for e in (previous or {}).get("entities") or [] if e.get("entity") == "motif"]
        motif = asked_motif(motifs_said, state.motif, before, practice) or await motif_of_appointment(state, practice)
    return Question(intent, state.text, who, weekday, day, motif)


async def motif_of_appointment(state: State, practice: Practice) -> AppointmentType | None:
    """The motif of the appointment just booked, moved or found ("Je dois apporter quoi ?" right after
    "C'est réservé : une vaccination…" got the whole generic list: the booking's slots are reset by then)."""
    if not state.appointment_id:
        return None
    try:
        appointment = await runtime.off_loop(runtime.container().agenda.get_appointment, state.appointment_id)
    except AgendaError:  # cancelled meanwhile: the general answer
        return None
    return practice.appointment_type(appointment.appointment_type_id)
