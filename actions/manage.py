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
import re
from datetime import date, datetime, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import SafeAction, caller_number, channel_of
from actions.booking import BOOKING_SLOTS_TO_RESET, after_refusal, is_open_wish, mentions_a_relative
from actions.escalation import open_escalation
from assistant.clock import get_timezone
from assistant.core.booking import check_change_allowed
from assistant.core.errors import AgendaError
from assistant.core.identity import IdentityClaim
from assistant.core.model import Appointment, Channel, Practice
from assistant.core.text import normalise
from assistant.core.windows import TimeWish
from assistant.dialogue.speech import join_alternatives, say_slot
from assistant.dialogue.state import slot_from_dict
from assistant.dialogue.understanding import appointments_named
from assistant.nlu.time_wish import from_serializable
from assistant.services.agenda import Actor

log = logging.getLogger(__name__)

#: The question after reading back the appointment, by task.
CHANGE_QUESTIONS = {"cancel": "Voulez-vous l'annuler ?", "move": "Voulez-vous le déplacer ?"}
CHANGE_IT = {"cancel": "l'annuler", "move": "le déplacer"}

NOT_FOUND = (
    "Je ne retrouve pas de rendez-vous avec ces informations, et pour des raisons de confidentialité "
    "je ne peux pas vous en dire plus. Souhaitez-vous que je transmette votre demande au secrétariat ?"
)
TOO_MANY_CHECKS = (
    "Je ne peux pas vérifier votre identité une nouvelle fois ici. "
    "Souhaitez-vous que je transmette votre demande au secrétariat ?"
)
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
    return "son rendez-vous" if mentions_a_relative(tracker) else "votre rendez-vous"


#: What the secretariat is asked to do when a change is too close to be made here.
LATE_REQUESTS = {"cancel": "Annulation demandée", "move": "Déplacement demandé"}


class ActionFindAppointments(SafeAction):
    """Verifies identity and tells the patient their next appointment (asking whether to cancel or move it)."""

    def name(self) -> str:
        return "action_find_appointments"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        agenda = runtime.container().agenda
        if failed_identity_checks(tracker) >= MAX_IDENTITY_CHECKS:
            log.warning("identity check refused: %s failed checks in conversation", MAX_IDENTITY_CHECKS)
            dispatcher.utter_message(text=TOO_MANY_CHECKS)
            return [SlotSet("identity_verified", False)]
        try:
            claim = IdentityClaim(
                tracker.get_slot("last_name") or "",
                tracker.get_slot("first_name") or "",
                date.fromisoformat(str(tracker.get_slot("birth_date"))),
                caller_number(tracker),
            )
        except ValueError:
            dispatcher.utter_message(text=NOT_FOUND)
            return [SlotSet("identity_verified", False)]
        patient = await runtime.off_loop(agenda.identify_patient, claim)
        if patient is None or patient.id is None:
            dispatcher.utter_message(text=NOT_FOUND)
            return [SlotSet("identity_verified", False)]
        upcoming = await runtime.off_loop(agenda.patient_appointments, patient.id)
        task = tracker.get_slot("task")
        next_one = "prochain "
        if task in ("cancel", "move") and len(upcoming) > 1:
            # "annuler mon rendez-vous chez le kiné du 23 décembre": that one, not the next one
            text, wish = request_words(tracker, practice)
            named = appointments_named(upcoming, practice, text, wish)
            next_one = "prochain " if named[0] == upcoming[0] else ""  # "Votre rendez-vous est…"
            upcoming = named
        verified = [SlotSet("identity_verified", True), SlotSet("verified_patient_id", float(patient.id))]
        if not upcoming:
            dispatcher.utter_message(text="Je ne vois aucun rendez-vous à venir au cabinet à ce nom.")
            return [*verified, SlotSet("appointment_id", None)]
        today = runtime.now().date()
        nearest = upcoming[0]
        said = say_slot(nearest, practice, today)
        # "Votre", or "Son" for a relative the caller named ("le rendez-vous de ma mère").
        whose = "Son" if mentions_a_relative(tracker) else "Votre"
        if task in ("cancel", "move"):
            change_it = CHANGE_IT[task]
            changeable = self._first_changeable(upcoming, practice, channel_of(tracker), runtime.now())
            if changeable is None:
                # Said before asking, not after a "oui"; and the request goes to the secretariat at once
                # (put through on the phone when someone is there, kept for the reopening otherwise):
                # "merci d'appeler le secrétariat" sent a caller at night to a closed line, and one in the
                # day to the number they were calling.
                dispatcher.utter_message(
                    text=f"{whose} {next_one}rendez-vous est {said}. Il est trop tard pour {change_it} ici."
                )
                events = await open_escalation(
                    dispatcher,
                    tracker,
                    reason=f"{LATE_REQUESTS[task]}, trop proche pour le faire en ligne : rendez-vous {said}",
                    category="human",
                    urgency="routine",
                )
                return [*verified, SlotSet("appointment_id", None), *events, FollowupAction("callback_form")]
            if changeable is not nearest:
                # The next one is too close, a later one is not: say so, and offer the later one.
                later = say_slot(changeable, practice, today)
                dispatcher.utter_message(
                    text=f"{whose} {next_one}rendez-vous, {said}, est trop proche pour {change_it} ici : pour "
                    f"celui-là, merci d'appeler le secrétariat au {practice.phone}. Il y a aussi un rendez-vous "
                    f"{later}. {CHANGE_QUESTIONS[task]}"
                )
                return [*verified, SlotSet("appointment_id", float(changeable.id or 0))]
        if task in CHANGE_QUESTIONS:
            dispatcher.utter_message(text=f"{whose} {next_one}rendez-vous est {said}. {CHANGE_QUESTIONS[task]}")
        else:
            # The next ones said too (two at most, then how many more): "il y a aussi 2 autres
            # rendez-vous" without saying when left the patient to ask.
            later = [say_slot(appointment, practice, today) for appointment in upcoming[1:3]]
            more = f" Ensuite : {join_alternatives(later, 'et')}." if later else ""
            rest = len(upcoming) - 3
            if rest > 0:
                more += f" Et {rest} autre{'s' if rest > 1 else ''} rendez-vous après."
            dispatcher.utter_message(text=f"{whose} prochain rendez-vous est {said}.{more}")
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


class ActionCancelAppointment(SafeAction):
    def name(self) -> str:
        return "action_cancel_appointment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        if not tracker.get_slot("identity_verified"):
            dispatcher.utter_message(text="Je ne peux annuler un rendez-vous qu'après avoir vérifié votre identité.")
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
                "annulé par le patient",
            )
        except AgendaError as error:
            return await after_refusal(error, "Annulation", dispatcher, tracker)
        dispatcher.utter_message(text=f"C'est fait : {whose_appointment(tracker)} est annulé.")
        return [SlotSet("appointment_id", None)]


def move_target(tracker: Tracker, appointment: Appointment, practice: Practice) -> dict[str, Any] | None:
    """The new time the patient gave with the request ("du jeudi 3 au vendredi 4 à la même heure").

    Said before identity was checked, it was asked again. A day that is the appointment's own is where
    it is now, not where it goes; "à la même heure" is the appointment's time.
    """
    wish = tracker.get_slot("time_wish")
    tz = get_timezone(practice.timezone)
    start = appointment.start.astimezone(tz)
    if not isinstance(wish, dict) or is_open_wish(wish):
        return None
    days = {datetime.fromisoformat(i["start"]).astimezone(tz).date() for i in wish.get("intervals") or []}
    if days == {start.date()}:
        return None
    asked = " ".join(normalise(str(e.get("text") or "")) for e in tracker.events if e.get("event") == "user")
    if re.search(r"\b(meme heure|meme horaire)\b", asked) and not wish.get("day_parts"):
        end = (start + timedelta(minutes=1)).strftime("%H:%M")
        return {**wish, "day_parts": [f"{start.strftime('%H:%M')}-{end}"]}
    return wish


class ActionPrepareMove(SafeAction):
    """Start the search for a new slot: same motif and practitioner, a new time wish."""

    def name(self) -> str:
        return "action_prepare_move"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        appointment_id = tracker.get_slot("appointment_id")
        if not tracker.get_slot("identity_verified"):
            dispatcher.utter_message(text="Je ne peux déplacer un rendez-vous qu'après avoir vérifié votre identité.")
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
            SlotSet("time_wish", move_target(tracker, appointment, practice)),
        ]


class ActionConfirmMove(SafeAction):
    def name(self) -> str:
        return "action_confirm_move"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        chosen = tracker.get_slot("chosen_slot")
        if not isinstance(chosen, dict) or chosen.get("none"):
            dispatcher.utter_message(
                text=f"Je n'ai pas trouvé d'autre créneau. {whose_appointment(tracker).capitalize()} actuel est conservé."
            )
            return []
        slot = slot_from_dict(chosen)
        dispatcher.utter_message(
            text=f"Je déplace {whose_appointment(tracker)} au {say_slot(slot, practice, runtime.now().date())}. Je confirme ?"
        )
        return []


class ActionMoveAppointment(SafeAction):
    def name(self) -> str:
        return "action_move_appointment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        appointment_id = tracker.get_slot("appointment_id")
        chosen = tracker.get_slot("chosen_slot")
        if (
            not tracker.get_slot("identity_verified")
            or not appointment_id
            or not isinstance(chosen, dict)
            or chosen.get("none")
        ):
            dispatcher.utter_message(text="Je ne peux pas déplacer ce rendez-vous.")
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
            return await after_refusal(error, "Modification", dispatcher, tracker)
        dispatcher.utter_message(
            text=f"C'est fait : {whose_appointment(tracker)} est déplacé au {say_slot(moved, practice, runtime.now().date())}."
        )
        return [SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET]
