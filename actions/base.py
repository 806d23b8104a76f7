"""Shared behaviour of every custom action: async, private, never crashing the conversation.

rasa-sdk's own error handler answers an exception with the whole request body —
the tracker, that is the patient's messages, name and birth date — and logs the
exception's text, which for database errors includes the query parameters.
:class:`SafeRun` catches everything first: it logs the action name and the
exception type only, apologises to the patient in one sentence, and hands the
conversation to the secretariat instead of leaving it stuck.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from typing import Any, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.say import utter
from actions.state_adapter import (  # noqa: F401 (the tracker readers, used through this module by the actions)
    caller_number,
    channel_of,
    latest_text,
    read_state,
    slot_values,
)
from actions.translate import carry_out
from assistant.conversation.decision import Decision
from assistant.conversation.failed_answers import (
    FAILED_ANSWERS,
    failed_answer,
    reported_failure,
    something_else,
)
from assistant.conversation.replies import say
from assistant.conversation.state import ConversationState
from assistant.core.model import Practice
from assistant.dialogue.failures import after_answers, after_failure, failure_counts
from assistant.dialogue.safety_net import TECHNICAL_APOLOGY, TECHNICAL_FAILURE_MARK
from assistant.language.fr.requests import asks_to_repeat, ends_with_goodbye

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Short names for the translators' signatures.
Dispatcher = CollectingDispatcher
Events = list[EventType]
State = ConversationState
Domain = DomainDict
Slots = dict[str, Any]


#: What a patient who asks for a moment hears ("attendez, je regarde mon agenda").
TAKE_YOUR_TIME = say("take_your_time")


def failure_events(action_name: str, error: BaseException, dispatcher: CollectingDispatcher) -> list[EventType]:
    """The action failed or ran out of time: an apology, and a mark that tells the channel the turn failed.

    The channel's turn guard (``assistant/adapters/channels/guard.py``) sees the mark, gives the
    emergency numbers when the message needed them, tells the patient what to do, and keeps the
    request for the secretariat. What the action said before failing stays (an emergency's numbers).
    """
    log.error("action %s failed: %s", action_name, type(error).__name__)
    dispatcher.utter_message(text=TECHNICAL_APOLOGY)
    dispatcher.utter_message(json_message={TECHNICAL_FAILURE_MARK: True})
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


async def within_deadline(work: Awaitable[T]) -> T:
    """``work``, given at most the action deadline (building the container included): Rasa must hear back
    before it gives up on the action."""

    async def ready_then_work() -> T:
        await runtime.ready()
        return await work

    return await asyncio.wait_for(ready_then_work(), timeout=runtime.settings().action_deadline_seconds)


class SafeAction(Action, ABC):
    """A custom action whose failure is contained: see the module docstring."""

    #: The action's name in the domain (or override :meth:`name`).
    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            return await within_deadline(self.act(dispatcher, tracker, domain))
        except Exception as error:
            return failure_events(self.name(), error, dispatcher)

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The action's work; may raise, :meth:`run` contains it."""


class StateAction(SafeAction):
    """An action that reads the conversation's state and the practice, then translates (:meth:`translate`)."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        return await self.translate(dispatcher, tracker, read_state(tracker, practice.timezone), practice)

    @abstractmethod
    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        """The action's work on the state read; may raise, :meth:`run` contains it."""


class ChangeAction(SafeAction):
    """An action whose work is a function (:attr:`work`) that a confirmation in another turn also makes."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await type(self).work(dispatcher, tracker)

    @staticmethod
    async def work(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        raise NotImplementedError


#: Said before the form asks its question again, when a form answer did not answer it: understood
#: (it carried something, such as a name kept for later) or not.
NOTED_BUT_NOT_THIS = say("noted_but_not_this")
NOT_THIS_ANSWER = say("not_this_answer")
#: The patient's details, which their slots' own mappings keep whatever form is asking.
NOTED_ENTITIES = frozenset({"last_name", "first_name", "birth_date", "phone_number"})


def answered_something_else(tracker: Tracker, events: list[dict[str, Any]]) -> str | None:
    """The slot the form asked for, when the patient's form answer (``inform``) fills nothing of the form.

    Rasa rejects a form whose question got no usable answer, so that the rules for interruptions
    (a question, an emergency, a change of mind: other intents) can take over. For an ``inform``
    no rule applies, and the next action was left to TED's guess: "Durand" said when the motif was
    asked ended the booking form and opened the identity form. The form keeps going instead.
    """
    requested = tracker.get_slot("requested_slot")
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if not requested or intent != "inform":
        return None
    filled = any(event.get("event") == "slot" and event.get("name") != "requested_slot" for event in events)
    return None if filled else str(requested)


def answered_out_of_scope(tracker: Tracker, events: list[dict[str, Any]]) -> str | None:
    """The question asked, when the answer is out of scope or a lone word read as English, and fills nothing.

    Such an answer is a failed answer to the question (QA: "hier" three times for the birth date got the
    out-of-scope sentence each time and never a hand-over; "undefined" for the first name, the English
    reply). Questions, emergencies, hand-overs, a wish to speak English and "Pardon ?" are not failed
    answers: their rules answer them.
    """
    requested = tracker.get_slot("requested_slot")
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    lone_word = len(latest_text(tracker).split()) == 1
    if not requested or not (intent == "out_of_scope" or (intent == "speak_english" and lone_word)):
        return None
    filled = any(
        event.get("event") == "slot"
        and event.get("name") not in ("requested_slot", FAILED_ANSWERS)
        and event.get("value") is not None
        for event in events
    )
    return None if filled else str(requested)


def without_cleared_slots(tracker: Tracker) -> Tracker:
    """``tracker`` as the form's validation should see it: without the slots an action just emptied.

    rasa-sdk validates every slot event since the last action of the user's turn, so a form started
    right after an action that cleared its slots (the hand-over to the secretariat empties ``phone``)
    validated that emptiness and said "Je n'ai pas compris ce numéro" before asking for it.
    """
    events = list(tracker.events)
    start = len(events)
    while start > 0 and events[start - 1].get("event") == "slot":
        start -= 1
    kept = [event for event in events[start:] if event.get("value") is not None]
    if len(kept) == len(events) - start:
        return tracker
    trimmed = copy.copy(tracker)
    trimmed.events = events[:start] + kept
    return trimmed


class SafeFormValidation(FormValidationAction, ABC):
    """A form validation action with the same containment as :class:`SafeAction`.

    A form answer that answers nothing the form needs keeps the form going: the patient hears
    :data:`NOTED_BUT_NOT_THIS` or :data:`NOT_THIS_ANSWER`, then the question again (see
    :func:`answered_something_else`).

    Failed answers are counted per question (:data:`FAILED_ANSWERS`, policy in
    ``assistant.dialogue.failures``): a validator that cannot understand the answer to the question
    asked returns :func:`not_understood`; the first time the patient hears what is expected, the
    second time in a row the conversation goes to the secretariat (``assistant.conversation.failed_answers``).
    """

    @abstractmethod
    def name(self) -> str:
        """``validate_<form>``; abstract so that rasa-sdk does not register this base class."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        try:
            if no_form_after_emergency(tracker, self.name()):
                # QA: after « Appelez le 15 » the identity form went on (« À quel numéro de portable… »)
                # and read back a booking; none starts or resumes: the emergency action answers instead
                return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_handle_emergency")]
            controlled = conversation_control(tracker)
            if controlled is not None:
                return controlled
            tracker = without_cleared_slots(tracker)
            failed_before = failure_counts(tracker.get_slot(FAILED_ANSWERS))  # rasa-sdk updates the tracker
            requested = tracker.get_slot("requested_slot")
            events = await within_deadline(super().run(dispatcher, tracker, domain))
            phone_known = bool(tracker.get_slot("phone"))
            unanswered = answered_out_of_scope(tracker, events)
            if unanswered is not None:  # "hier" for the birth date: counted, not « Je ne peux vous aider que… »
                return await with_decision(
                    dispatcher, tracker, events, failed_answer(failed_before, unanswered, phone_known)
                )
            asked = answered_something_else(tracker, events)
            if asked is None:
                return await self.count_failures(dispatcher, tracker, events, failed_before, requested)
            noted = any(e.get("entity") != "PER" for e in tracker.latest_message.get("entities") or [])
            # a slot event: Rasa keeps the form, which asks again
            return await with_decision(
                dispatcher, tracker, events, something_else(asked, failed_before, noted, phone_known)
            )
        except Exception as error:
            return failure_events(self.name(), error, dispatcher)

    async def count_failures(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        events: list[dict[str, Any]],
        failed_before: dict[str, int],
        requested: Any,
    ) -> list[dict[str, Any]]:
        """The validators' events, with the failed answers counted: a hint, or the hand-over."""
        reported = [e for e in events if e.get("event") == "slot" and e.get("name") == FAILED_ANSWERS]
        if reported and requested:
            field = str(requested)
            counts = failure_counts(reported[-1].get("value"))
            if counts.get(field, 0) > failed_before.get(field, 0):
                decided = reported_failure(counts, field, bool(tracker.get_slot("phone")))
                return await with_decision(dispatcher, tracker, events, decided)
        answered = [str(e.get("name")) for e in events if e.get("event") == "slot" and e.get("value") is not None]
        cleared = after_answers(failed_before, answered)
        if cleared != failed_before:  # an answer understood: its earlier failures are no longer in a row
            return [*events, SlotSet(FAILED_ANSWERS, cleared or None)]
        return events


#: The forms of a request for an appointment (a booking, a move), by their validators.
REQUEST_FORMS = ("validate_booking_form", "validate_slot_choice_form", "validate_identity_form")


def no_form_after_emergency(tracker: Tracker, validator: str) -> bool:
    """Whether a booking's (or a move's) form must not start or resume: the conversation had an emergency.

    The identity form still serves a cancellation or a check asked afterwards.
    """
    if not tracker.get_slot("emergency") or validator not in REQUEST_FORMS:
        return False
    return validator != "validate_identity_form" or tracker.get_slot("task") in (None, "book", "move")


async def with_decision(
    dispatcher: CollectingDispatcher, tracker: Tracker, events: list[dict[str, Any]], decided: Decision
) -> list[dict[str, Any]]:
    """The validators' events, then the decision's; a hand-over replaces them (the form ends)."""
    carried = await carry_out(dispatcher, tracker, decided)
    return carried if decided.handover else [*events, *carried]


def not_understood(tracker: Tracker, field: str) -> dict[str, Any]:
    """What a validator returns for an answer to ``field`` it could not understand.

    The slot stays empty; when ``field`` is the question asked, one more failed answer is counted, and
    :class:`SafeFormValidation` says what is expected or hands over. The validator says nothing itself.
    """
    if tracker.get_slot("requested_slot") != field:
        return {field: None}
    return {field: None, FAILED_ANSWERS: after_failure(tracker.get_slot(FAILED_ANSWERS), field)}


async def read(tracker: Tracker) -> tuple[ConversationState, Practice]:
    """The conversation's state and the practice, for a validator."""
    practice = await runtime.practice()
    return read_state(tracker, practice.timezone), practice


async def form_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision, practice: Any = None
) -> dict[str, Any]:
    """A validator's decision: its replies said, its changes as slot values, a failed answer counted."""
    if decision.said:
        await utter(dispatcher, tracker, *decision.said, practice=practice)
    if decision.failed is not None:
        return {**slot_values(decision.changes), **not_understood(tracker, decision.failed)}
    return slot_values(decision.changes)


def conversation_control(tracker: Tracker) -> list[EventType] | None:
    """What no form should read as its answer: "Pardon ?" (the question again, as said) and a goodbye.

    Phone QA: "Pouvez-vous répéter ?" asked for the surname became the surname "Pouvez-Vous Répéter", and
    "Non laissez tomber, au revoir." while the slots were read got "Je n'ai pas compris votre choix".
    """
    text = latest_text(tracker)
    requested = tracker.get_slot("requested_slot")
    if asks_to_repeat(text) and requested:
        return [SlotSet(str(requested), None)]  # the form asks its question again
    if ends_with_goodbye(text) and (tracker.latest_message.get("intent") or {}).get("name") != "emergency":
        return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("utter_goodbye")]
    return None
