"""Checking, moving and cancelling an existing appointment, only after identity is verified.

Identity is a whole match (names, birth date, and the caller's number when the
channel gives one). On a mismatch the patient learns nothing — not whether the
name exists, not whether there is an appointment — and is offered the
secretariat. One appointment is handled at a time: the next one, or, when that
one is too close to change here, the next one that is not (the patient is told
to call the secretariat for the close one); anything else goes to the
secretariat.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import ChangeAction, SafeAction, caller_number, channel_of, utter
from actions.booking import BOOKING_SLOTS_TO_RESET, after_refusal, mentions_a_relative
from actions.handover import open_escalation
from actions.state_adapter import read_state, slot_events
from assistant.conversation.moving import move_target as moving_target
from assistant.conversation.moving import says_same_time
from assistant.clock import get_timezone
from assistant.conversation.replies import reply, say
from assistant.core.booking import check_change_allowed
from assistant.core.errors import AgendaError
from assistant.core.identity import IdentityClaim
from assistant.core.model import Appointment, Channel, Practice
from assistant.core.windows import TimeWish
from assistant.dialogue.speech import join_alternatives, say_slot
from assistant.dialogue.state import slot_from_dict
from assistant.dialogue.understanding import appointments_named
from assistant.nlu.time_wish import from_serializable
from assistant.services.agenda import Actor

log = logging.getLogger(__name__)

#: The question after reading back the appointment, by task.
CHANGE_QUESTIONS = {"cancel": "ask_cancel", "move": "ask_move"}
CHANGE_IT = {"cancel": "cancel_it", "move": "move_it"}
#: Identity checks that may fail in one conversation; then only the secretariat can help. Trying birth
#: dates one after the other is how an identity is guessed: the sixth guess once disclosed an appointment.
MAX_IDENTITY_CHECKS = 2


def request_words(tracker: Tracker, practice: Practice) -> tuple[str, TimeWish | None]:
    """The words of the request to move or cancel (the message that asked), and the day it names."""
    for event in reversed(tracker.events):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and (parse.get("intent") or {}).get("name") in REQUEST_INTENTS:
            wishes = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == "time_wish"]
            wish = None
            if wishes and isinstance(wishes[-1], dict):
                try:
                    wish = from_serializable(wishes[-1], practice.timezone)
                except (KeyError, TypeError, ValueError):
                    wish = None
            return str(event.get("text") or ""), wish
    return "", None


#: The intents that ask to do something with an existing appointment.
REQUEST_INTENTS = ("cancel_appointment", "reschedule_appointment", "check_appointment")


def failed_identity_checks(tracker: Tracker) -> int:
    """How many identity checks failed in this conversation."""
    return sum(
        1
        for event in tracker.events
        if event.get("event") == "slot" and event.get("name") == "identity_verified" and event.get("value") is False
    )


def whose_appointment(tracker: Tracker) -> str:
    """ "votre rendez-vous", or "son rendez-vous" for a relative the caller named ("le rendez-vous de ma fille")."""
    return say("their_appointment" if mentions_a_relative(tracker) else "your_appointment")


class ActionFindAppointments(SafeAction):
    """Verifies identity and tells the patient their next appointment (asking whether to cancel or move it)."""

    def name(self) -> str:
        return "action_find_appointments"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        agenda = runtime.container().agenda
        if failed_identity_checks(tracker) >= MAX_IDENTITY_CHECKS:
            log.warning("identity check refused: %s failed checks in conversation", MAX_IDENTITY_CHECKS)
            await utter(dispatcher, tracker, "too_many_checks", practice=practice)
            return [SlotSet("identity_verified", False)]
        try:
            claim = IdentityClaim(
                tracker.get_slot("last_name") or "",
                tracker.get_slot("first_name") or "",
                date.fromisoformat(str(tracker.get_slot("birth_date"))),
                caller_number(tracker),
            )
        except ValueError:
            await utter(dispatcher, tracker, "not_found", practice=practice)
            return [SlotSet("identity_verified", False)]
        patient = await runtime.off_loop(agenda.identify_patient, claim)
        if patient is None or patient.id is None:
            await utter(dispatcher, tracker, "not_found", practice=practice)
            return [SlotSet("identity_verified", False)]
        upcoming = await runtime.off_loop(agenda.patient_appointments, patient.id)
        task = tracker.get_slot("task")
        next_one = say("next_word")
        if task in ("cancel", "move") and len(upcoming) > 1:
            # "annuler mon rendez-vous chez le kiné du 23 décembre": that one, not the next one
            text, wish = request_words(tracker, practice)
            named = appointments_named(upcoming, practice, text, wish)
            next_one = say("next_word") if named[0] == upcoming[0] else ""  # "Votre rendez-vous est…"
            upcoming = named
        verified = [SlotSet("identity_verified", True), SlotSet("verified_patient_id", float(patient.id))]
        if not upcoming:
            await utter(dispatcher, tracker, "no_appointment", practice=practice)
            return [*verified, SlotSet("appointment_id", None)]
        today = runtime.now().date()
        nearest = upcoming[0]
        said = say_slot(nearest, practice, today)
        # "Votre", or "Son" for a relative the caller named ("le rendez-vous de ma mère").
        whose = say("their" if mentions_a_relative(tracker) else "your")
        about = {"whose": whose, "next": next_one, "slot": said}
        if task in ("cancel", "move"):
            change_it = say(CHANGE_IT[task])
            changeable = self._first_changeable(upcoming, practice, channel_of(tracker), runtime.now())
            if changeable is None:
                # Said before asking, not after a "oui"; and the request goes to the secretariat at once
                # (put through on the phone when someone is there, kept for the reopening otherwise):
                # "merci d'appeler le secrétariat" sent a caller at night to a closed line, and one in the
                # day to the number they were calling.
                await utter(dispatcher, tracker, "too_late_here", practice=practice, change_it=change_it, **about)
                events = await open_escalation(
                    dispatcher,
                    tracker,
                    reason=say("reason.too_late", request=say(f"late.{task}"), slot=said),
                    category="human",
                    urgency="routine",
                )
                return [*verified, SlotSet("appointment_id", None), *events, FollowupAction("callback_form")]
            if changeable is not nearest:
                # The next one is too close, a later one is not: say so, and offer the later one.
                later = say_slot(changeable, practice, today)
                question = reply(CHANGE_QUESTIONS[task])
                await utter(
                    dispatcher,
                    tracker,
                    reply("too_close_later_one", change_it=change_it, phone=practice.phone, later=later, question=question, **about),
                    practice=practice,
                )
                return [*verified, SlotSet("appointment_id", float(changeable.id or 0))]
        if task in CHANGE_QUESTIONS:
            await utter(dispatcher, tracker, "appointment_is_ask", practice=practice, question=reply(CHANGE_QUESTIONS[task]), **about)
        else:
            # The next ones said too (two at most, then how many more): "il y a aussi 2 autres
            # rendez-vous" without saying when left the patient to ask.
            later = [say_slot(appointment, practice, today) for appointment in upcoming[1:3]]
            more = [reply("then_these", later=join_alternatives(later, "et"))] if later else []
            rest = len(upcoming) - 3
            if rest > 0:
                more.append(reply("and_more_many" if rest > 1 else "and_more_one", count=rest))
            text = "".join(say(r.id, channel_of(tracker), practice, **r.params) for r in more)
            await utter(dispatcher, tracker, "next_appointments", practice=practice, whose=whose, slot=said, more=text)
        return [*verified, SlotSet("appointment_id", float(nearest.id or 0))]

    @staticmethod
    def _first_changeable(
        upcoming: list[Appointment], practice: Practice, channel: Channel, now: datetime
    ) -> Appointment | None:
        """The first appointment the patient may still cancel or move here (the agenda core's rule)."""
        for appointment in upcoming:
            try:
                check_change_allowed(practice, appointment, now, channel)
            except AgendaError as refusal:
                log.info("change refused before asking: %s", refusal.code)
                continue
            return appointment
        return None


async def cancel_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Cancel the appointment found (a yes to "Voulez-vous l'annuler ?")."""
    appointment_id = tracker.get_slot("appointment_id")
    if not tracker.get_slot("identity_verified"):
        await utter(dispatcher, tracker, "cancel_needs_identity")
        return []
    if not appointment_id:
        # Nothing left to cancel here (too late, or none): a "oui" answered "autre chose ?".
        dispatcher.utter_message(response="utter_listening")
        return []
    channel = channel_of(tracker)
    agenda = runtime.container().agenda
    try:
        await runtime.off_loop(
            agenda.cancel,
            int(appointment_id),
            Actor("assistant", channel, tracker.sender_id),
            say("reason.cancelled_by_patient"),
        )
    except AgendaError as error:
        return await after_refusal(error, "cancel", dispatcher, tracker)
    await utter(dispatcher, tracker, "cancelled", whose=whose_appointment(tracker))
    return [SlotSet("appointment_id", None)]


class ActionCancelAppointment(ChangeAction):
    action_name = "action_cancel_appointment"
    work = staticmethod(cancel_appointment)


def move_target(tracker: Tracker, appointment: Appointment, practice: Practice) -> TimeWish | None:
    """The new time the patient gave with the request (``assistant.conversation.moving``)."""
    asked = " ".join(str(e.get("text") or "") for e in tracker.events if e.get("event") == "user")
    wish = read_state(tracker, practice.timezone).time_wish
    return moving_target(wish, appointment.start, get_timezone(practice.timezone), says_same_time(asked))


class ActionPrepareMove(SafeAction):
    """Start the search for a new slot: same motif and practitioner, a new time wish."""

    def name(self) -> str:
        return "action_prepare_move"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        if not tracker.get_slot("identity_verified"):
            await utter(dispatcher, tracker, "move_needs_identity")
            return []
        if not appointment_id:
            dispatcher.utter_message(response="utter_listening")  # as for a cancellation, above
            return [ActiveLoop(None), FollowupAction("action_listen")]
        agenda = runtime.container().agenda
        appointment = await runtime.off_loop(agenda.get_appointment, int(appointment_id))
        practice = await runtime.practice()
        return [
            *[SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET],
            SlotSet("motif", appointment.appointment_type_id),
            SlotSet("practitioner", appointment.practitioner_id),
            SlotSet("patient_status", "existing"),
            *slot_events(time_wish=move_target(tracker, appointment, practice)),
        ]


class ActionConfirmMove(SafeAction):
    def name(self) -> str:
        return "action_confirm_move"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        chosen = read_state(tracker, practice.timezone).chosen
        whose = whose_appointment(tracker)
        if chosen is None:
            await utter(dispatcher, tracker, "no_other_slot_kept", practice=practice, Whose=whose.capitalize())
            return []
        when = say_slot(chosen, practice, runtime.now().date())
        await utter(dispatcher, tracker, "move_read_back", practice=practice, whose=whose, slot=when)
        return []


async def move_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Move the appointment to the chosen slot (a yes to the read-back)."""
    practice = await runtime.practice()
    appointment_id = tracker.get_slot("appointment_id")
    chosen = tracker.get_slot("chosen_slot")
    if (
        not tracker.get_slot("identity_verified")
        or not appointment_id
        or not isinstance(chosen, dict)
        or chosen.get("none")
    ):
        await utter(dispatcher, tracker, "cannot_move", practice=practice)
        return []
    slot = slot_from_dict(chosen)
    channel = channel_of(tracker)
    agenda = runtime.container().agenda
    try:
        moved = await runtime.off_loop(
            agenda.move,
            int(appointment_id),
            slot.start,
            Actor("assistant", channel, tracker.sender_id),
            slot.practitioner_id,
        )
    except AgendaError as error:
        return await after_refusal(error, "move", dispatcher, tracker)
    when = say_slot(moved, practice, runtime.now().date())
    await utter(dispatcher, tracker, "moved", practice=practice, whose=whose_appointment(tracker), slot=when)
    return [SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET]


class ActionMoveAppointment(ChangeAction):
    action_name = "action_move_appointment"
    work = staticmethod(move_appointment)
