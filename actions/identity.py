"""Who the patient is: last name, first name, birth date, and a phone number when booking.

Values are cleaned and checked by pure functions in ``assistant/``; an answer
that cannot be a name, a date of birth or a French number is asked again with an
example, never stored as is.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import (
    SafeFormValidation,
    caller_number,
    latest_text,
    not_understood,
    slot_date,
    utter,
    value_before_latest_message,
)
from assistant.core.model import Practice, Slot
from assistant.core.text import normalise
from assistant.dialogue.speech import birth_date_corrected, say_slot
from assistant.dialogue.state import slot_to_dict, slots_from_value
from assistant.dialogue.understanding import (
    NO_PHONE,
    choose_slot,
    corrected_birth_date,
    corrects_earlier_answer,
    name_without_other,
    parse_phone,
    spoken_entity_text,
)
from assistant.language.fr.names import clean_name
from assistant.nlu.time_wish import parse_birth_date

NAME_SLOTS = ("last_name", "first_name")


def is_a_name_answer(tracker: Tracker) -> bool:
    """A short answer to "your name?" that the NLU took for an emergency but no red-flag rule matched.

    A lone first name ("Manon") can look like anything to a statistical model; the
    red-flag rules are what recall rests on, so without a rule match a plausible name
    answering a name question is a name. Anything else stays an emergency.
    """
    if tracker.get_slot("requested_slot") not in NAME_SLOTS:
        return False
    triage = tracker.latest_message.get("triage") or {}
    if triage.get("rules"):
        return False
    text = latest_text(tracker)
    return clean_name(text) is not None and len(text.split()) <= 4


def earlier_name_kept(tracker: Tracker, slot: str, new: str | None) -> str | None:
    """The name given earlier for ``slot``, when an answer to another question would overwrite it by mistake.

    Names are taken from entities in every message, and the NLU sometimes labels the answer to
    one question as another name: "louis", said for the first name, also as the last name;
    "février", in a birth date, as a first name. A name already given changes only when the
    message says it corrects it ("non, c'est Durand", "mon prénom c'est Léa") or answers its question.
    """
    requested = tracker.get_slot("requested_slot")
    if requested in (None, slot):
        return None
    earlier = value_before_latest_message(tracker, slot)
    if new is None:  # not a name at all ("février"): the earlier one stays
        return str(earlier) if earlier else None
    if not earlier or normalise(str(earlier)) == normalise(new):
        return None
    if corrects_earlier_answer(latest_text(tracker)):
        return None
    return str(earlier)


def other_names(tracker: Tracker, slot: str) -> list[str]:
    """The ``slot`` name said in the latest message (as spoken) or given before: what the other name is not."""
    said = [
        spoken_entity_text(tracker.latest_message, slot, str(value)) for value in tracker.get_latest_entity_values(slot)
    ]
    earlier = value_before_latest_message(tracker, slot)
    now = tracker.get_slot(slot)  # extracted this turn too ("Garnier Sophie": Sophie, see extract_first_name)
    return [*said, *(str(name) for name in (earlier, now) if name)]


_TITLE_BEFORE = re.compile(r"\b(?:docteur|docteure|doctoresse|dr|avec|chez|madame|monsieur)\s*$")


def practitioner_word_as_name(tracker: Tracker, practice: Practice) -> str | None:
    """A practitioner entity that is the patient's own first name ("Garnier Sophie", "Hamid Karim").

    Asked their name, patients whose first name is a practitioner's were asked "Et le prénom ?" again,
    and the hand-over summary read "praticien : Karim". Without a title before it ("docteur", "avec"),
    such a word in a name answer is a name. Only a practitioner's first name: a patient called Lefebvre
    is not given the first name Lefebvre.
    """
    if tracker.get_slot("requested_slot") not in NAME_SLOTS:
        return None
    first_names = {normalise(p.name.split()[0]) for p in practice.practitioners if len(p.name.split()) > 1}
    text = latest_text(tracker)
    for entity in tracker.latest_message.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") != "practitioner" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if _TITLE_BEFORE.search(normalise(text[:start])):
            continue
        name = clean_name(text[start:end])
        if name is not None and normalise(name) in first_names:
            return name
    return None


class ValidateIdentityForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_identity_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "emergency" and not is_a_name_answer(tracker):
            # Names are taken from the whole text, emergencies included: hand over to the emergency path.
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_handle_emergency")]
        if tracker.get_slot("task") is None and any(
            entity.get("entity") == "motif" for entity in tracker.latest_message.get("entities") or []
        ):
            # "J'ai mal au dos depuis une semaine" as a first message: no request to check an appointment
            # was made, and a lookup ("Je ne retrouve pas de rendez-vous…") followed (QA): a booking.
            return [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                SlotSet("task", "book"),
                FollowupAction("booking_form"),
            ]
        changed = await self.choice_changed(tracker)
        if changed is not None:
            # "non pardon le deuxième" when the name is asked: another of the proposed slots, not a name
            practice = await runtime.practice()
            await utter(dispatcher, tracker, "ok_then", practice=practice, slot=say_slot(changed, practice, runtime.now().date()))
            requested = tracker.get_slot("requested_slot")
            return [SlotSet("chosen_slot", slot_to_dict(changed)), *([SlotSet(requested, None)] if requested else [])]
        events = await super().run(dispatcher, tracker, domain)
        if practitioner_word_as_name(tracker, await runtime.practice()) is not None:
            # the word was a first name: the practitioner of the booking stays who it was
            events.append(SlotSet("practitioner", value_before_latest_message(tracker, "practitioner")))
        return events

    async def extract_first_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if next(tracker.get_latest_entity_values("first_name"), None) is not None:
            return {}
        name = practitioner_word_as_name(tracker, await runtime.practice())
        return {"first_name": name} if name else {}

    @staticmethod
    async def choice_changed(tracker: Tracker) -> Slot | None:
        """Another proposed slot named while a booking's identity is asked ("non pardon le deuxième")."""
        option = next(tracker.get_latest_entity_values("option"), None)
        if tracker.get_slot("task") != "book" or option is None:
            return None
        proposals = slots_from_value(tracker.get_slot("proposed_slots"))
        practice = await runtime.practice()
        index = choose_slot(latest_text(tracker), proposals, practice, str(option), runtime.now().date())
        if index is None or slot_to_dict(proposals[index]) == tracker.get_slot("chosen_slot"):
            return None
        return proposals[index]

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # A phone number is collected for a new booking (confirmation, callback); moving or
        # cancelling checks it only when the channel gives one (the caller's number).
        if tracker.get_slot("task") in (None, "book"):
            return ["last_name", "first_name", "birth_date", "phone"]
        return ["last_name", "first_name", "birth_date"]

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """On the phone, the caller's number is offered instead of asked again."""
        if tracker.get_slot("phone") is None and caller_number(tracker):
            return {"phone": caller_number(tracker)}
        return {}

    async def validate_last_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        said = spoken_entity_text(tracker.latest_message, "last_name", str(value or ""))
        name = clean_name(said)
        whole = clean_name(latest_text(tracker)) if tracker.get_slot("requested_slot") == "last_name" else None
        part = normalise(name) if name else normalise(said)  # a lone particle ("Da") is no name on its own
        if part and whole and len(whole.split()) <= 3 and part in normalise(whole):
            name = whole  # "Le Gall", "Da Costa": the particle the entity left out (stored "Gall", "Da")
        name = name_without_other(name, other_names(tracker, "first_name"))
        kept = earlier_name_kept(tracker, "last_name", name)
        if kept is not None:
            return {"last_name": kept}
        if name is None:  # asked again with a hint, then handed over (SafeFormValidation)
            return not_understood(tracker, "last_name")
        return {"last_name": name}

    async def validate_first_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = clean_name(spoken_entity_text(tracker.latest_message, "first_name", str(value or "")))
        whole = clean_name(latest_text(tracker)) if tracker.get_slot("requested_slot") == "last_name" else None
        if name and whole and normalise(name) == normalise(whole):
            # "Bernard.", said for the surname, is not the first name too ("Bernard Bernard" was read back
            # and "Et le prénom ?" never asked: phone QA); the first name given earlier stays
            earlier = value_before_latest_message(tracker, "first_name")
            return {"first_name": str(earlier) if earlier else None}
        name = name_without_other(name, other_names(tracker, "last_name"))
        kept = earlier_name_kept(tracker, "first_name", name)
        if kept is not None:
            return {"first_name": kept}
        if name is None:
            return not_understood(tracker, "first_name")
        return {"first_name": name}

    async def validate_birth_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        born = parse_birth_date(text, runtime.now())
        if born is None:  # QA: asked up to ten times in a row; now once again, then the secretariat
            return not_understood(tracker, "birth_date")
        return {"birth_date": born.isoformat()}

    async def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(tracker.latest_message.get("text") or value or "")
        earlier = slot_date(tracker, "birth_date")
        fixed = (
            corrected_birth_date(text, earlier, runtime.now())
            if tracker.get_slot("requested_slot") == "phone"
            else None
        )
        if fixed is not None:  # "non pardon quatre-vingt-onze", right after the date: the date is fixed
            dispatcher.utter_message(text=birth_date_corrected(fixed))
            return {"birth_date": fixed.isoformat(), "phone": None}
        # The whole message, not only the entity: DIET may tag each group of "06 01 02 03 04" apart, and
        # the slot got the last group alone ("04"), refused (QA).
        in_text = parse_phone(text)
        phone = in_text if in_text not in (None, NO_PHONE) else parse_phone(str(value or ""))
        if phone is None:
            caller = parse_phone(caller_number(tracker)) if caller_number(tracker) else None
            if tracker.get_slot("requested_slot") != "phone":
                # Digits said for something else (a birth date keyed "12031985"): not a wrong answer.
                return {"phone": caller}
            if caller:
                return {"phone": caller}
            return not_understood(tracker, "phone")
        return {"phone": phone}
