"""Who the patient is: last name, first name, birth date, and a phone number when booking.

The French toolkit reads the answers; ``assistant.conversation.identity`` decides what is kept (an
answer that cannot be a name, a date of birth or a French number is asked again, never stored as is).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import runtime
from actions.base import Dispatcher, Domain, Events, SafeFormValidation, Slots, form_answer, read
from actions.state_adapter import (
    birth_date_said_unasked,
    entity_value,
    entity_values,
    read_state,
    starts_with_latest_message,
    value_before_latest_message,
)
from actions.translate import carry_out
from assistant.conversation import identity
from assistant.conversation.decision import Decision
from assistant.conversation.state import ConversationState
from assistant.dialogue.understanding import spoken_entity_text
from assistant.language.fr.birth_dates import corrected_birth_date, parse_birth_date
from assistant.language.fr.choices import choose_slot
from assistant.language.fr.corrections import corrects_earlier_answer
from assistant.language.fr.phone import parse_phone


def practitioner_word_as_name(state: ConversationState, practice: Any) -> str | None:
    """A practitioner's first name said as the patient's ("Garnier Julie")."""
    return identity.practitioner_word_as_name(state.text, state.entity_spans, state.requested_slot, practice)


def name_interruptions(domain: Domain, slot: str) -> list[str]:
    """The intents whose message the ``slot`` name is never taken from (its ``from_text`` mapping's ``not_intent``)."""
    mappings = ((domain.get("slots") or {}).get(slot) or {}).get("mappings") or []
    return [str(intent) for m in mappings if m.get("type") == "from_text" for intent in m.get("not_intent") or []]


def labelled_name(state: ConversationState, slot: str, domain: Domain) -> str | None:
    """The ``slot`` name the answer labels ("nom Dubois prénom Marc"), whichever name was asked."""
    return identity.labelled_name(
        state.text,
        slot,
        state.requested_slot,
        state.intent,
        name_interruptions(domain, slot),
        corrects_earlier_answer(state.text),
    )


def spoken(state: ConversationState, slot: str, value: Any) -> str:
    """The words said for the ``slot`` entity whose value is ``value`` (not its synonym: M. Petit stays Petit)."""
    return spoken_entity_text({"text": state.text, "entities": state.entity_spans}, slot, str(value or ""))


def names_said(tracker: Tracker, state: ConversationState, slot: str) -> list[str]:
    """The ``slot`` name said in the latest message (as spoken) or given before: what the other name is not."""
    said = [spoken(state, slot, value) for value in entity_values(tracker, slot)]
    earlier = value_before_latest_message(tracker, slot)
    # extracted this turn too ("Garnier Julie": Julie, see extract_first_name)
    now = state.identity.last_name if slot == "last_name" else state.identity.first_name
    return [*said, *(str(name) for name in (earlier, now) if name)]


def name_answer(tracker: Tracker, slot: str, value: Any) -> Decision:
    """What a name answer keeps (``assistant.conversation.identity``), read with the other name said."""
    state = read_state(tracker)
    said = spoken(state, slot, value)
    other = "first_name" if slot == "last_name" else "last_name"
    decide = identity.last_name_answer if slot == "last_name" else identity.first_name_answer
    earlier = value_before_latest_message(tracker, slot)
    return decide(
        said,
        state.text,
        state.requested_slot,
        names_said(tracker, state, other),
        earlier,
        corrects_earlier_answer(state.text),
        rules_matched=bool(state.triage.rules),
    )


def form_starts(tracker: Tracker) -> bool:
    """The identity form starts with the latest message, which answers none of its questions: the request
    itself ("bonjour c'est Nadège Bastien, née le 3 mars 1980, je voudrais annuler mon rendez-vous")."""
    asked = tracker.get_slot("requested_slot") in identity.identity_questions(None)
    return not asked and starts_with_latest_message(tracker, "identity_form")


def names_in_request(tracker: Tracker) -> dict[str, str]:
    """ "bonjour c'est Nadège Bastien, née le …": the first name and surname the request that starts the form
    gives as the caller's own, when the NLU read them as two first names (empty otherwise)."""
    if not form_starts(tracker):
        return {}
    state = read_state(tracker)
    return identity.names_in_request(state.text, state.entity_spans)


def name_given_or_read(tracker: Tracker, slot: str) -> Slots | None:
    """The ``slot`` name the request that starts the form gives (:func:`names_in_request`), nothing more to
    extract ({}) when the NLU read it; None when the extractor must look for it in the words."""
    named = names_in_request(tracker)
    if slot in named:
        return {slot: named[slot]}
    if entity_value(tracker, slot) is not None:
        return {}
    return None


class ValidateIdentityForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_identity_form"

    async def run(self, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Events:
        state, practice = await read(tracker)
        is_name = identity.is_a_name_answer(state.requested_slot, bool(state.triage.rules), state.text)
        ended = identity.identity_interruption(
            state.intent, is_name, state.task, "motif" in state.entities, "time_wish" in state.entities
        )
        if ended is not None:
            return await carry_out(dispatcher, tracker, ended, practice)
        today, option = runtime.now().date(), entity_value(tracker, "option")
        named = None  # "non pardon le deuxième": another of a booking's proposed slots
        if state.task == "book" and option is not None:
            named = choose_slot(state.text, list(state.proposals), practice, str(option), today)
        changed = identity.other_choice(state.proposals, named, state.chosen, state.requested_slot, practice, today)
        if changed is not None:
            return await carry_out(dispatcher, tracker, changed, practice)
        events = await super().run(dispatcher, tracker, domain)
        if practitioner_word_as_name(state, practice) is not None:
            # the word was a first name: the practitioner of the booking stays who it was
            events.append(SlotSet("practitioner", value_before_latest_message(tracker, "practitioner")))
        return events

    async def extract_last_name(self, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        """ "non pardon c'est Durant avec un t": the surname set right, whatever intent the NLU read in it;
        "prénom Marc nom Dubois": the surname said with its label at the first-name question."""
        given = name_given_or_read(tracker, "last_name")
        if given is not None:
            return given
        state = read_state(tracker)
        earlier = value_before_latest_message(tracker, "last_name")
        corrects = corrects_earlier_answer(state.text)
        name = identity.corrected_last_name(
            state.text, state.requested_slot, earlier, corrects, bool(state.triage.rules)
        ) or labelled_name(state, "last_name", domain)  # "prénom Marc nom Dubois", for the first name
        return {"last_name": name} if name else {}

    async def extract_first_name(self, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        given = name_given_or_read(tracker, "first_name")
        if given is not None:
            return given
        state = read_state(tracker)
        # "nom Dubois prénom Marc", said for the surname: QA asked "Et le prénom ?" again
        name = (
            practitioner_word_as_name(state, await runtime.practice())
            or labelled_name(state, "first_name", domain)
            or identity.first_name_with_surname(state.text, state.requested_slot)  # "julien bernard" for the surname
        )
        return {"first_name": name} if name else {}

    async def required_slots(
        self, slots: list[str], dispatcher: Dispatcher, tracker: Tracker, domain: Domain
    ) -> list[str]:
        return identity.identity_questions(read_state(tracker).task)

    async def extract_phone(self, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        """On the phone, the caller's number is offered instead of asked again."""
        state = read_state(tracker)
        return {"phone": state.caller_number} if state.identity.phone is None and state.caller_number else {}

    async def validate_last_name(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        return await form_answer(dispatcher, tracker, name_answer(tracker, "last_name", value))

    async def validate_first_name(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        return await form_answer(dispatcher, tracker, name_answer(tracker, "first_name", value))

    async def validate_birth_date(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        # the form starts with a birth date given before it: said as one, or the appointment's date?
        unasked = birth_date_said_unasked(tracker) if form_starts(tracker) else None
        born = parse_birth_date(str(value or ""), runtime.now())
        state = read_state(tracker)
        names = identity.sets_names_right(state.text, state.requested_slot, corrects_earlier_answer(state.text))
        return await form_answer(dispatcher, tracker, identity.birth_date_answer(born, unasked, names))

    async def validate_phone(self, value: Any, dispatcher: Dispatcher, tracker: Tracker, domain: Domain) -> Slots:
        state = read_state(tracker)
        text = state.text or str(value or "")
        fixed = corrected_birth_date(text, state.identity.birth_date, runtime.now())  # "non pardon quatre-vingt-onze"
        caller = parse_phone(state.caller_number) if state.caller_number else None
        in_text, in_value = parse_phone(text), parse_phone(str(value or ""))
        decision = identity.phone_answer(in_text, in_value, caller, state.requested_slot, fixed)
        return await form_answer(dispatcher, tracker, decision)
