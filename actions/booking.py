"""Booking: what the patient needs, three real slots, the choice, the confirmation, the booking.

Flow (rules and stories in data/): ``booking_form`` (motif, new patient or not
when it matters, practitioner when there is a choice, time wish) →
``slot_choice_form`` (three proposals; the patient picks one or changes the wish)
→ ``identity_form`` → ``action_confirm_booking`` → affirm →
``action_book_appointment``. Every decision is in ``assistant.conversation``
(``booking``, ``motifs``, ``slot_choice``); the actions read and translate.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import (
    NOTED_ENTITIES,
    ChangeAction,
    Dispatcher,
    Domain,
    Events,
    SafeFormValidation,
    Slots,
    State,
    StateAction,
    form_answer,
    read,
    utter,
)
from actions.handover import no_booking_after_emergency
from actions.state_adapter import (
    entity_value,
    entity_values,
    latest_text,
    read_state,
    set_by_latest_message,
    slot_events,
    slot_values,
    starts_with_latest_message,
    time_wish_of,
    value_before_latest_message,
)
from actions.translate import carry_out
from assistant.conversation import booking, slot_choice
from assistant.conversation.decision import excluded_practitioners
from assistant.conversation.identity import names_in_request
from assistant.conversation.motifs import chosen_practitioner, motif_answer, motif_understood
from assistant.conversation.slot_choice import ChoiceAnswer, alternatives, choice_answer
from assistant.conversation.slot_choice import search_changes as new_search
from assistant.conversation.state import ConversationState
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import AppointmentType, Practice, Slot
from assistant.core.slots import SlotQuery
from assistant.core.windows import TimeWish
from assistant.dialogue.answers import closed_reason, motif_hours_reason
from assistant.dialogue.speech import choices_reply, motif_question_reply, practitioner_subject
from assistant.dialogue.understanding import narrowed_wish
from assistant.language.fr.birth_dates import corrected_birth_date, parse_birth_date
from assistant.language.fr.choices import (
    ANY_PRACTITIONER,
    choose_slot,
    refuses_all,
    resolve_practitioner,
    states_a_preference,
)
from assistant.language.fr.motifs import resolve_motif
from assistant.language.fr.patient_status import patient_status_of, says_who_follows
from assistant.language.fr.practitioners import asks_another_practitioner, preferred_practitioner
from assistant.language.fr.requests import is_hold_on
from assistant.services.agenda import Actor

#: The slots a booking collects (``assistant.conversation.booking.BOOKING_SLOTS``).
BOOKING_SLOTS_TO_RESET = booking.BOOKING_SLOTS


def current_motif(state: ConversationState, practice: Practice) -> AppointmentType | None:
    return resolve_motif(state.motif, practice) if state.motif else None


def search_changes(tracker: Tracker, practice: Practice) -> dict[str, Any]:
    """The new time wish or practitioner the latest message gives, as slot changes for a new search."""
    said = entity_value(tracker, "time_wish")
    wish = time_wish_of(said, practice.timezone)
    named = entity_value(tracker, "practitioner")
    state = read_state(tracker, practice.timezone)
    practitioner = None
    if named is not None:
        practitioner = resolve_practitioner(str(named), practice, current_motif(state, practice)) or ANY_PRACTITIONER
    # the wish before this message: the form has already put the new one in the slot
    kept = (
        None
        if wish is None or booking.is_open(wish)
        else narrowed_wish(value_before_latest_message(tracker, "time_wish"), said)
    )
    another_than = state.proposals if asks_another_practitioner(state.text) else ()  # "un autre kiné"
    return new_search(kept, practitioner, another_than, value_before_latest_message(tracker, "practitioner"))


async def another_practitioner_instead(dispatcher: Dispatcher, tracker: Tracker) -> Events | None:
    """ "pas avec lui, quelqu'un d'autre" read as a request for a person or a question while the slots are read
    out: the new search (``assistant.conversation.slot_choice.another_practitioner_instead``), or None."""
    practice = await runtime.practice()
    state = read_state(tracker, practice.timezone)
    decided = slot_choice.another_practitioner_instead(
        state.intent, state.active_form, search_changes(tracker, practice)
    )
    return None if decided is None else await carry_out(dispatcher, tracker, decided, practice)


def slot_query(state: ConversationState, practice: Practice) -> SlotQuery | None:
    """The search the booking's answers ask for. The practitioner slot is validated only when the form
    asks for it: "une piqûre avec julie" left "julie" there; resolved here, an unknown name is anyone."""
    motif = current_motif(state, practice)
    if motif is None:
        return None
    practitioner = resolve_practitioner(str(state.practitioner), practice, motif) if state.practitioner else None
    wish = state.time_wish or TimeWish()
    return booking.slot_query(motif, practitioner, wish, state.patient_status == "new", state.practitioner)


def secretariat_only_motif(tracker: Tracker, practice: Practice) -> booking.SecretariatMotif | None:
    """The motif this message asks for, when only the secretariat books it (a home visit…)."""
    said = [resolve_motif(str(value), practice) for value in entity_values(tracker, "motif")]
    return booking.secretariat_only([m for m in [*said, resolve_motif(latest_text(tracker), practice)] if m])


async def hand_secretariat_only_motif(
    found: booking.SecretariatMotif, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Say that the secretariat arranges the motif, and pass the request on (then the callback number)."""
    return await carry_out(dispatcher, tracker, booking.secretariat_handover(found))


def _placed_practitioner(entity: Any) -> bool:
    """Whether an entity of the latest message is a practitioner with its place in the text."""
    return (
        entity.get("entity") == "practitioner"
        and isinstance(entity.get("start"), int)
        and isinstance(entity.get("end"), int)
    )


class ValidateBookingForm(SafeFormValidation):
    """Collects what a search needs; asks about new patients and practitioners only when it matters."""

    def name(self) -> str:
        return "validate_booking_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        practice = await runtime.practice()
        found = secretariat_only_motif(tracker, practice)
        if found is not None:
            return await hand_secretariat_only_motif(found, dispatcher, tracker)
        state = read_state(tracker, practice.timezone)
        given_now = set_by_latest_message(tracker, booking.IDENTITY_SLOTS)  # "c'est Nadège Bastien, pour un rdv"
        known_before = bool(value_before_latest_message(tracker, "last_name")) or (
            bool(state.identity.last_name) and "last_name" not in given_now
        )
        named = names_in_request(state.text, state.entity_spans)  # read as two first names by the NLU
        # a new request: the form starts, or the message names someone else ("aussi pour mon père")
        new_request = starts_with_latest_message(tracker, "booking_form") or "relation" in state.entities
        another = booking.another_patient(state.intent, known_before, {**given_now, **named}, new_request) or named
        return [*slot_events(**another), *await super().run(dispatcher, tracker, domain)]

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        state, practice = await read(tracker)
        return booking.booking_questions(current_motif(state, practice), practice, state.task)

    async def extract_time_wish(self, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        state, practice = await read(tracker)
        if state.requested_slot != "time_wish" or entity_value(tracker, "time_wish") is not None:
            return {}
        wish = booking.open_time_answer(state.text, runtime.now(), practice.timezone)
        return slot_values({"time_wish": wish}) if wish is not None else {}

    async def validate_motif(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        state, practice = await read(tracker)
        said = [str(v) for v in entity_values(tracker, "motif")]
        gave_a_reason = bool(said)  # a symptom's words ("mal au dos") book the motif for symptoms
        who = chosen_practitioner(state.practitioner, practice)
        named = motif_understood(said, str(value or ""), state.text, who, practice)
        decision = motif_answer(named, practice, state.patient_status == "new", gave_a_reason, state.practitioner)
        return await form_answer(dispatcher, tracker, decision, practice)

    async def validate_patient_status(
        self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain
    ) -> Slots:
        state, practice = await read(tracker)
        status = patient_status_of(value, state.text) if state.requested_slot == "patient_status" else value
        asked = chosen_practitioner(state.practitioner, practice)
        decision = booking.patient_status_answer(status, current_motif(state, practice), asked, practice)
        return await form_answer(dispatcher, tracker, decision, practice)

    async def validate_practitioner(
        self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain
    ) -> Slots:
        state, practice = await read(tracker)
        earlier = value_before_latest_message(tracker, "practitioner")
        kept = booking.who_follows_answer(earlier, state.requested_slot, says_who_follows(state.text))
        named = [
            (int(e["start"]), int(e["end"]), str(e.get("value"))) for e in state.entity_spans if _placed_practitioner(e)
        ]
        motif, said = current_motif(state, practice), preferred_practitioner(state.text, named) or str(value or "")
        chosen = resolve_practitioner(said, practice, motif) or resolve_practitioner(state.text, practice, motif)
        anyone = resolve_practitioner(said, practice) if chosen is None else None
        decision = kept or booking.practitioner_answer(chosen, anyone, motif, state.patient_status == "new", practice)
        return await form_answer(dispatcher, tracker, decision, practice)

    async def validate_time_wish(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        state, practice = await read(tracker)
        wish = time_wish_of(value, practice.timezone)
        if wish is None:
            return {"time_wish": None}
        earlier = value_before_latest_message(tracker, "time_wish")
        born, named = parse_birth_date(state.text, runtime.now()), entity_value(tracker, "practitioner") is not None
        earlier = earlier if isinstance(earlier, dict) else None
        decision = booking.time_wish_answer(wish, earlier, state.requested_slot, born, named, practice, runtime.now())
        return await form_answer(dispatcher, tracker, decision, practice)


class ActionAskMotif(StateAction):
    """The booking form's motif question, with examples from the practice (and the practitioner named)."""

    action_name = "action_ask_motif"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        who = chosen_practitioner(state.practitioner, practice)
        await utter(
            dispatcher, tracker, motif_question_reply(practice, who, state.patient_status == "new"), practice=practice
        )
        return []


class ActionAskPatientStatus(StateAction):
    """Whether the patient came before: asked of the caller, or about the relative they call for."""

    action_name = "action_ask_patient_status"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        await utter(
            dispatcher,
            tracker,
            "ask_patient_status.relative" if state.for_a_relative else "ask_patient_status",
            practice=practice,
        )
        return []


class ActionAskChosenSlot(StateAction):
    """Asks for the choice by proposing three real free slots, or the nearest alternatives."""

    action_name = "action_ask_chosen_slot"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        if state.time_wish is None:
            await utter(dispatcher, tracker, "ask_when", practice=practice)
            return []
        query = slot_query(state, practice)
        if query is None:
            await utter(dispatcher, tracker, "ask_motif_again", practice=practice)
            return []
        found = await runtime.off_loop(runtime.container().agenda.find_slots, query)
        today = runtime.now().date()
        if found:
            await utter(dispatcher, tracker, choices_reply(found, practice, today), practice=practice)
            return slot_events(proposed_slots=found)
        motif = current_motif(state, practice)
        asked_for = query.practitioner_ids or (motif.practitioner_ids if motif else ())
        reason = motif_hours_reason(motif, query.wish) or closed_reason(practice, query.wish, asked_for, today)
        who = practitioner_subject(practice, query.practitioner_ids[0]) if query.practitioner_ids else ""
        for alternative in alternatives(query, reason, who):
            found = await runtime.off_loop(runtime.container().agenda.find_slots, alternative.query)
            if found:
                await utter(
                    dispatcher, tracker, *alternative.intro, choices_reply(found, practice, today), practice=practice
                )
                return slot_events(proposed_slots=found)
        await utter(dispatcher, tracker, "no_slot_in_horizon", practice=practice, days=practice.rules.horizon_days)
        return [SlotSet("chosen_slot", {"none": True}), SlotSet("proposed_slots", [])]


def _another_practitioner_kept(asked: Any, events: list[dict[str, Any]]) -> list[EventType]:
    """The search for anyone but the practitioner read out (``asked``: "n'importe quel autre kiné"), set again
    after the validation started a new search: rasa-sdk drops a slot the form does not ask for when Rasa
    extracted it from the message too (the entity "kiné"), whichever validator set it first."""
    set_now = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
    if "proposed_slots" not in set_now or set_now["proposed_slots"] is not None:
        return []
    if not excluded_practitioners(asked) or set_now.get("practitioner") == asked:
        return []
    return [SlotSet("practitioner", asked)]


def _kept_by_booking_form(tracker: Tracker, slot: str) -> Any:
    """The value the booking form's validation gave ``slot`` in this turn, where the slot choice form that starts
    has Rasa extract the message again (its ``action_extract_slots`` at activation), and that extraction, validated
    by nobody, is kept: of two motifs read ("une écho de la thyroïde pour surveiller un nodule"), the booking form
    kept the practice's, and the extraction put the reason back (QA: « Pour quel motif souhaitez-vous un
    rendez-vous ? »). None when nothing is to set back."""
    if not starts_with_latest_message(tracker, "slot_choice_form"):
        return None
    validated, in_booking_form = None, False
    for event in tracker.events[_latest_user_index(tracker) + 1 :]:
        kind, name = event.get("event"), event.get("name")
        if kind == "action":
            in_booking_form = name == "booking_form"
        elif kind == "active_loop" and name == "slot_choice_form":
            break  # what follows is the extraction again
        elif kind == "slot" and name == slot and in_booking_form:
            validated = event.get("value")
    return validated if validated is not None and validated != tracker.get_slot(slot) else None


def _latest_user_index(tracker: Tracker) -> int:
    return max((i for i, event in enumerate(tracker.events) if event.get("event") == "user"), default=-1)


class ValidateSlotChoiceForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_slot_choice_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """When this form starts, Rasa extracts the latest message's slots again and validates none of them.

        On the answer to the booking form's last question, "peu importe" (the practitioner) once
        erased "jeudi matin" that way, and today was proposed: the earlier wish is set back last.
        """
        asked = search_changes(tracker, await runtime.practice()).get("practitioner")  # before the validation
        events = await super().run(dispatcher, tracker, domain)
        events = [*events, *_another_practitioner_kept(asked, events)]
        motif = _kept_by_booking_form(tracker, "motif")
        if motif is not None:  # "une écho de la thyroïde pour un nodule": QA was asked the motif again
            events.append(SlotSet("motif", motif))
        earlier = value_before_latest_message(tracker, "time_wish")
        now = read_state(tracker).time_wish
        no_time = booking.is_no_time(now, entity_value(tracker, "practitioner"))
        if no_time and isinstance(earlier, dict) and not booking.is_open(time_wish_of(earlier, "UTC")):
            return [*events, SlotSet("time_wish", earlier)]
        return events

    async def validate_chosen_slot(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        if isinstance(value, dict):
            return {"chosen_slot": value}
        state, practice = await read(tracker)
        text = state.text or str(value or "")
        now = runtime.now()
        born = parse_birth_date(text, now)
        answer = ChoiceAnswer(
            index=choose_slot(text, list(state.proposals), practice, entity_value(tracker, "option"), now.date()),
            holds_on=is_hold_on(text),
            born=born if born is not None and born.year < now.year else None,
            refuses_all=refuses_all(text) and not states_a_preference(text),
            new_search=search_changes(tracker, practice),
            declines=state.intent in ("deny", "change_mind"),
            noted=any(entity in NOTED_ENTITIES for entity in state.entities),
        )
        earlier = value_before_latest_message(tracker, "time_wish")
        return await form_answer(dispatcher, tracker, choice_answer(state.proposals, answer, earlier), practice)


async def after_refusal(
    error: AgendaError, what: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """What follows a booking or a move the agenda refused (``assistant.conversation.booking.after_refusal``)."""
    return await carry_out(dispatcher, tracker, booking.after_refusal(error.code, error.message, what))


class ActionConfirmBooking(StateAction):
    """Reads the booking back before making it (or hands over when nothing was available)."""

    action_name = "action_confirm_booking"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        if state.emergency:
            # no read-back after an emergency, and no second hand-over whose reason (« Aucun créneau
            # disponible… ») was added to the emergency's (QA, issue 16)
            await utter(dispatcher, tracker, no_booking_after_emergency(tracker, practice), practice=practice)
            return slot_events(chosen_slot=None)
        if state.chosen is None:
            return await carry_out(dispatcher, tracker, booking.no_slot_handover(), practice)
        motif = practice.appointment_type(state.chosen.appointment_type_id)
        said = booking.read_back(state.chosen, motif.name, state.identity, practice, runtime.now().date())
        await utter(dispatcher, tracker, said, practice=practice)
        return []


class ActionResetChoice(StateAction):
    """The patient declined the read-back: choose again (the wish may change)."""

    action_name = "action_reset_choice"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        fixed = corrected_birth_date(state.text, state.identity.birth_date, runtime.now())
        said_wish = entity_value(tracker, "time_wish")
        return await carry_out(dispatcher, tracker, booking.declined_read_back(fixed, said_wish))


async def book_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Book the chosen slot for the patient (a yes to the read-back)."""
    practice = await runtime.practice()
    state = read_state(tracker, practice.timezone)
    if state.emergency:  # never a booking for an emergency, whatever path led here; the number of that emergency
        await utter(dispatcher, tracker, no_booking_after_emergency(tracker, practice), practice=practice)
        return slot_events(chosen_slot=None)
    if state.chosen is None or state.identity.birth_date is None:
        await utter(dispatcher, tracker, "nothing_chosen", practice=practice)
        return []
    slot: Slot = state.chosen
    request = BookingRequest(
        slot.appointment_type_id,
        slot.practitioner_id,
        slot.start,
        state.channel,
        new_patient=state.patient_status == "new",
    )
    actor = Actor("assistant", state.channel, tracker.sender_id)
    try:
        made = await runtime.off_loop(
            runtime.container().agenda.book, request, booking.patient_of(state.identity), actor
        )
    except AgendaError as error:
        return await after_refusal(error, "booking", dispatcher, tracker)
    return await carry_out(dispatcher, tracker, booking.booking_made(made, practice, runtime.now().date()), practice)


class ActionBookAppointment(ChangeAction):
    action_name = "action_book_appointment"
    work = staticmethod(book_appointment)
