"""Checking, moving and cancelling an existing appointment, only after identity is verified.

Identity is a whole match (names, birth date, and the caller's number when the channel gives one).
On a mismatch the patient learns nothing — not whether the name exists, not whether there is an
appointment — and is offered the secretariat. Which appointment, and what is said of it, is decided
by ``assistant.conversation.existing``; the move's target by ``assistant.conversation.moving``.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.base import ChangeAction, Dispatcher, Events, State, StateAction, read, utter
from actions.booking import after_refusal
from actions.state_adapter import read_state, request_message, slot_events, user_texts
from actions.translate import carry_out
from assistant.clock import get_timezone
from assistant.conversation import existing
from assistant.conversation.booking import BOOKING_SLOTS
from assistant.conversation.moving import move_search, move_target, says_same_time
from assistant.conversation.replies import say
from assistant.core.errors import AgendaError
from assistant.core.identity import IdentityClaim
from assistant.core.model import Practice
from assistant.dialogue.speech import say_slot
from assistant.language.fr.choices import appointments_named
from assistant.services.agenda import Actor

log = logging.getLogger(__name__)


class ActionFindAppointments(StateAction):
    """Verifies identity and tells the patient their next appointment (asking whether to cancel or move it)."""

    action_name = "action_find_appointments"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        agenda = runtime.container().agenda
        if not existing.may_check_identity(state.identity.failed_checks):
            log.warning("identity check refused: %s failed checks in conversation", existing.MAX_IDENTITY_CHECKS)
            await utter(dispatcher, tracker, "too_many_checks", practice=practice)
            return slot_events(identity_verified=False)
        who = state.identity
        patient = None
        if who.birth_date is not None:
            claim = IdentityClaim(who.last_name or "", who.first_name or "", who.birth_date, state.caller_number)
            patient = await runtime.off_loop(agenda.identify_patient, claim)
        if patient is None or patient.id is None:
            await utter(dispatcher, tracker, "not_found", practice=practice)
            return slot_events(identity_verified=False)
        upcoming = await runtime.off_loop(agenda.patient_appointments, patient.id)
        is_next = True
        if state.task in existing.CHANGE_QUESTIONS and len(upcoming) > 1:
            # "annuler mon rendez-vous chez le kiné du 23 décembre": that one, not the next one
            named = appointments_named(
                upcoming, practice, *request_message(tracker, existing.REQUEST_INTENTS, practice.timezone)
            )
            is_next, upcoming = named[0] == upcoming[0], named
        found = existing.read_back(
            state.task, upcoming, is_next, practice, state.channel, runtime.now(), state.for_a_relative
        )
        return await carry_out(dispatcher, tracker, existing.appointment_found(found, patient.id), practice)


async def cancel_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Cancel the appointment found (a yes to "Voulez-vous l'annuler ?")."""
    state = read_state(tracker)
    if not state.identity.verified:
        await utter(dispatcher, tracker, "cancel_needs_identity")
        return []
    if not state.appointment_id:
        # Nothing left to cancel here (too late, or none): a "oui" answered "autre chose ?".
        dispatcher.utter_message(response="utter_listening")
        return []
    actor = Actor("assistant", state.channel, tracker.sender_id)
    try:
        await runtime.off_loop(
            runtime.container().agenda.cancel, state.appointment_id, actor, say("reason.cancelled_by_patient")
        )
    except AgendaError as error:
        return await after_refusal(error, "cancel", dispatcher, tracker)
    await utter(dispatcher, tracker, "cancelled", whose=existing.whose(state.for_a_relative))
    return slot_events(appointment_id=None)


class ActionCancelAppointment(ChangeAction):
    action_name = "action_cancel_appointment"
    work = staticmethod(cancel_appointment)


class ActionPrepareMove(StateAction):
    """Start the search for a new slot: same motif and practitioner, a new time wish."""

    action_name = "action_prepare_move"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        if not state.identity.verified:
            await utter(dispatcher, tracker, "move_needs_identity", practice=practice)
            return []
        if not state.appointment_id:
            dispatcher.utter_message(response="utter_listening")  # as for a cancellation, above
            return [ActiveLoop(None), FollowupAction("action_listen")]
        appointment = await runtime.off_loop(runtime.container().agenda.get_appointment, state.appointment_id)
        same_time = says_same_time(" ".join(user_texts(tracker)))
        target = move_target(state.time_wish, appointment.start, get_timezone(practice.timezone), same_time)
        return slot_events(**move_search(appointment, target))


class ActionConfirmMove(StateAction):
    action_name = "action_confirm_move"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        whose = existing.whose(state.for_a_relative)
        if state.chosen is None:
            await utter(dispatcher, tracker, "no_other_slot_kept", practice=practice, Whose=whose.capitalize())
            return []
        when = say_slot(state.chosen, practice, runtime.now().date())
        await utter(dispatcher, tracker, "move_read_back", practice=practice, whose=whose, slot=when)
        return []


async def move_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Move the appointment to the chosen slot (a yes to the read-back)."""
    state, practice = await read(tracker)
    slot = state.chosen
    if not state.identity.verified or not state.appointment_id or slot is None:
        await utter(dispatcher, tracker, "cannot_move", practice=practice)
        return []
    actor = Actor("assistant", state.channel, tracker.sender_id)
    try:
        moved = await runtime.off_loop(
            runtime.container().agenda.move, state.appointment_id, slot.start, actor, slot.practitioner_id
        )
    except AgendaError as error:
        return await after_refusal(error, "move", dispatcher, tracker)
    when = say_slot(moved, practice, runtime.now().date())
    await utter(dispatcher, tracker, "moved", practice=practice, whose=existing.whose(state.for_a_relative), slot=when)
    return slot_events(**dict.fromkeys(BOOKING_SLOTS))


class ActionMoveAppointment(ChangeAction):
    action_name = "action_move_appointment"
    work = staticmethod(move_appointment)
