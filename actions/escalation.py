"""Safety and hand-over: emergencies, sensitive requests, repeated misunderstandings.

An emergency gets the right number at once, before anything else, and an
escalation record; it never leads to a booking. Medical questions, results,
complaints, records and explicit requests for a person become an escalation with
reason, urgency, a summary of what was understood and the transcript, so the
secretary never starts from zero. The wording of numbers is chosen here; what
counts as an emergency is data (``assistant/triage/rules_fr.yml``), read by
``assistant.core.triage``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import (
    Dispatcher,
    Events,
    SafeAction,
    SafeFormValidation,
    State,
    StateAction,
    form_answer,
)
from actions.booking import another_practitioner_instead
from actions.confirmation import confirm_if_yes, hands_over, says_yes_to_read_back
from actions.handover import FORM_SLOTS, asked_for, open_escalation, transfers_call
from actions.say import utter
from actions.state_adapter import (
    already_ran_this_turn,
    answers_in_this_form,
    consecutive_fallbacks,
    emergency_category,
    last_bot_texts,
    latest_intent,
    latest_text,
    names_before_this_message,
    previous_action,
    read_state,
    triage_of,
    with_slots,
)
from actions.translate import carry_out
from assistant.conversation.escalation import (
    AFTER_EMERGENCY,
    after_emergency,
    answer_emergency,
    callback_changed,
    callback_noted,
    callback_number,
    emergency_kind,
    handover_for,
    is_an_emergency,
    no_booking_after,
)
from assistant.conversation.fallback import (
    Misunderstanding,
    Repair,
    change_too_late,
    repair,
    repair_decision,
    unsure_booking,
)
from assistant.conversation.replies import say
from assistant.core.model import Practice
from assistant.dialogue.safety_net import emergency_sentence, numbers_of
from assistant.language.fr.phone import NO_PHONE, parse_phone
from assistant.language.fr.requests import asks_to_repeat, ends_with_goodbye, is_hold_on


class ActionHandleEmergency(SafeAction):
    """The number first, then the record; any form in progress is abandoned (no booking)."""

    action_name = "action_handle_emergency"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        state = read_state(tracker)
        if state.emergency and not is_an_emergency(state.intent, state.triage):
            # answered as it asks (the practice is read only for the number said again)
            practice = None if state.intent in AFTER_EMERGENCY else await runtime.practice()
            no_booking = no_booking_after(emergency_category(tracker), practice.emergency) if practice else None
            return await carry_out(dispatcher, tracker, after_emergency(state.intent, no_booking), practice)
        try:
            practice = await runtime.practice()
        except Exception:
            # The numbers never wait for the database: the national ones are said, then the failure is
            # reported (the channel's guard keeps the hand-over until the database answers).
            dispatcher.utter_message(
                text=emergency_sentence(numbers_of(None), *emergency_kind(state.triage), state.channel)
            )
            raise
        names = names_before_this_message(tracker)
        answer = answer_emergency(state, practice, runtime.now(), names)
        dispatcher.utter_message(
            text=emergency_sentence(practice.emergency, *emergency_kind(state.triage), state.channel)
        )
        events = await carry_out(dispatcher, with_slots(tracker, names), answer.decision, practice)
        if answer.told:
            await utter(dispatcher, tracker, *answer.told, practice=practice)
        if answer.end_call:
            dispatcher.utter_message(json_message={"end_call": True})
        return events


class ActionEscalate(SafeAction):
    """Sensitive or medical requests, explicit requests for a person, repeated misunderstandings."""

    def name(self) -> str:
        return "action_escalate"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        instead = await another_practitioner_instead(dispatcher, tracker)  # "pas avec lui, quelqu'un d'autre"
        if instead is not None:
            return instead
        # "oui. et si la fièvre monte cette nuit je fais quoi ?" to a read-back: booked first, then the
        # question goes to the secretariat (the booking was dropped without a word: phone QA).
        confirmed = await confirm_if_yes(dispatcher, tracker) or []
        if hands_over(confirmed):
            return confirmed
        asked = asked_for(tracker, await runtime.practice())  # "passez-moi Nadège": whom, for the secretary
        handover = handover_for(latest_intent(tracker), triage_of(tracker), asked)
        if handover.acknowledgement:
            await utter(dispatcher, tracker, handover.acknowledgement)
        events = await open_escalation(
            dispatcher, tracker, reason=handover.reason, category=handover.category, urgency=handover.urgency
        )
        return [*confirmed, ActiveLoop(None), *[SlotSet(name, None) for name in FORM_SLOTS], *events]


class ValidateCallbackForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_callback_form"

    async def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        in_text = parse_phone(latest_text(tracker))  # the whole message: DIET may tag each group apart
        phone = in_text if in_text not in (None, NO_PHONE) else parse_phone(str(value or ""))
        answers = answers_in_this_form(tracker, "callback_form")
        return await form_answer(dispatcher, tracker, callback_number(phone, answers))


class ActionRecordCallback(StateAction):
    action_name = "action_record_callback"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        live = transfers_call(tracker, practice, runtime.now())
        decided = callback_noted(state.escalation_id, state.identity.phone, practice.phone, live)
        return await carry_out(dispatcher, tracker, decided, practice)


async def update_callback(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Another callback number for the request, or a message for the secretariat added to it."""
    text = latest_text(tracker)
    escalation_id = read_state(tracker).escalation_id
    return await carry_out(dispatcher, tracker, callback_changed(escalation_id, parse_phone(text), len(text.split())))


class ActionUpdateCallback(SafeAction):
    """Another callback number, given once the first was noted ("rappelez-moi plutôt sur mon fixe, le 03…").

    Phone QA: the caller was asked for a name and a birth date, and the request kept the mobile.
    """

    def name(self) -> str:
        return "action_update_callback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await update_callback(dispatcher, tracker)


def misunderstanding(tracker: Tracker) -> Misunderstanding:
    """The facts the repair of a message not understood depends on."""
    state = read_state(tracker)
    text = state.text
    return Misunderstanding(
        holds_on=is_hold_on(text),
        asks_to_repeat=asks_to_repeat(text),
        after_callback_noted=previous_action(tracker) == "action_record_callback",
        says_goodbye=ends_with_goodbye(text),
        wants_change_too_late=change_too_late(
            state.identity.verified, state.task, state.appointment_id, "time_wish" in state.entities
        ),
        yes_to_read_back=says_yes_to_read_back(tracker),
        unsure_booking=unsure_booking(state.active_form, state.task, state.entities, state.intent_ranking),
        in_a_row=consecutive_fallbacks(tracker),
        already_said_this_turn=already_ran_this_turn(tracker, "action_handle_fallback"),
        refused_by=state.active_form if state.intent != "nlu_fallback" else None,
    )


class ActionHandleFallback(StateAction):
    """A message not understood: the repair (``assistant.conversation.fallback``), carried out."""

    action_name = "action_handle_fallback"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        facts = misunderstanding(tracker)
        chosen = repair(facts)
        decided = repair_decision(chosen, practice.phone, state.triage, facts.refused_by)
        if decided is not None:
            return await carry_out(dispatcher, tracker, decided, practice)
        if chosen == Repair.REPEAT:  # the last answer again, not a misunderstanding
            for text in last_bot_texts(tracker) or [say("i_was_saying", state.channel, practice)]:
                dispatcher.utter_message(text=text)
            return [FollowupAction("action_listen")]
        if chosen == Repair.CALLBACK_DETAILS:  # a message for the secretariat all the same (phone QA)
            return await update_callback(dispatcher, tracker)
        if chosen == Repair.CONFIRM_THEN_ASK:  # the yes is kept; the rest can be asked again
            confirmed = await confirm_if_yes(dispatcher, tracker) or []
            if hands_over(confirmed):
                return confirmed
            await utter(dispatcher, tracker, "rephrase_question", practice=practice)
            return [*confirmed, FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_default")  # Repair.REPHRASE
        return []
