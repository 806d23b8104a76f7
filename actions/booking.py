"""Booking: what the patient needs, three real slots, the choice, the confirmation, the booking.

Flow (rules and stories in data/): ``booking_form`` (motif, new patient or not
when it matters, practitioner when there is a choice, time wish) →
``slot_choice_form`` (three proposals; the patient picks one or changes the wish)
→ ``identity_form`` → ``action_confirm_booking`` → affirm →
``action_book_appointment``. Every decision is delegated to ``assistant/``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import (
    NOTED_ENTITIES,
    ChangeAction,
    SafeAction,
    SafeFormValidation,
    channel_of,
    latest_text,
    not_understood,
    slot_date,
    utter,
    value_before_latest_message,
)
from actions.handover import open_escalation
from actions.state_adapter import read_state, slot_events
from assistant.clock import get_timezone
from assistant.conversation.motifs import motif_for
from assistant.conversation.replies import Reply, render, reply, say
from assistant.conversation.slot_choice import alternatives
from assistant.core.booking import BookingRequest
from assistant.core.errors import TIME_REFUSALS, AgendaError
from assistant.core.model import AppointmentType, Patient, Practice, Slot
from assistant.core.slots import SlotQuery, search_bounds
from assistant.core.sms import is_mobile
from assistant.core.text import normalise
from assistant.core.windows import TimeWish, wish_intervals
from assistant.dialogue.answers import answer_documents, closed_reason, motif_hours_reason
from assistant.dialogue.speech import (
    birth_date_corrected,
    indefinite,
    join_alternatives,
    motif_question,
    patient_status_question,
    practitioner_phrase,
    practitioner_subject,
    say_birth_date,
    say_choices,
    say_slot,
)
from assistant.dialogue.state import slot_from_dict, slot_to_dict, slots_from_value
from assistant.dialogue.understanding import (
    ANY_PRACTITIONER,
    NO_PHONE,
    choose_slot,
    corrected_birth_date,
    first_visit_instead,
    is_hold_on,
    motif_among,
    motif_named_in,
    narrowed_wish,
    patient_status_of,
    refuses_all,
    resolve_motif,
    resolve_practitioner,
    says_who_follows,
    states_a_preference,
)
from assistant.nlu.time_wish import from_serializable, parse_birth_date, to_serializable
from assistant.services.agenda import Actor

_OPEN_WISH = re.compile(
    r"\b(n importe quand|peu importe|quand vous voulez|pas de preference|le plus tot|des que possible|"
    r"au plus vite|rapidement|n importe|comme vous voulez|indifferent)\b"
)

BOOKING_SLOTS_TO_RESET = ("motif", "practitioner", "time_wish", "chosen_slot", "proposed_slots", "patient_status")


def entity_value(tracker: Tracker, entity: str) -> Any:
    return next(tracker.get_latest_entity_values(entity), None)


def current_motif(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    value = tracker.get_slot("motif")
    return resolve_motif(value, practice) if value else None


def is_the_birth_date(wish: TimeWish, text: str, practice: Practice, now: datetime) -> bool:
    """Whether a one-day wish is only the day and month of the birth date the same message gives."""
    born = parse_birth_date(text, now)
    if born is None or len(wish.intervals) != 1 or wish.day_parts or wish.weekdays:
        return False
    day = wish.intervals[0].start.astimezone(get_timezone(practice.timezone)).date()
    return (day.month, day.day) == (born.month, born.day)


def is_open_wish(value: Any) -> bool:
    """A stored time wish that says nothing ("peu importe"), the earliest possible excepted."""
    if not isinstance(value, dict):
        return False
    wish = from_serializable(value, "UTC")  # the zone changes no part of openness
    return wish.is_open and not wish.earliest


def search_changes(tracker: Tracker, practice: Practice) -> dict[str, Any]:
    """The new time wish or practitioner the latest message gives, as slot changes for a new search.

    Empty when it gives neither. Otherwise the proposals and the choice are dropped too, so that the
    slot choice form searches again.
    """
    new_wish = entity_value(tracker, "time_wish")
    if is_open_wish(new_wish):  # "peu importe": no new time to search
        new_wish = None
    new_practitioner = entity_value(tracker, "practitioner")
    if new_wish is None and new_practitioner is None:
        return {}
    changes: dict[str, Any] = {"chosen_slot": None, "proposed_slots": None}
    if new_wish is not None:
        # the wish before this message: the form has already put the new one in the slot
        changes["time_wish"] = narrowed_wish(value_before_latest_message(tracker, "time_wish"), new_wish)
    if new_practitioner is not None:
        motif = current_motif(tracker, practice)
        changes["practitioner"] = resolve_practitioner(str(new_practitioner), practice, motif) or ANY_PRACTITIONER
    return changes


def current_wish(tracker: Tracker, practice: Practice) -> TimeWish:
    value = tracker.get_slot("time_wish")
    return from_serializable(value, practice.timezone) if isinstance(value, dict) else TimeWish()


def is_loose(wish: TimeWish) -> bool:
    """A wish that spans several days deserves choices on different days."""
    if not wish.intervals:
        return True
    return sum((i.end - i.start for i in wish.intervals), timedelta()) > timedelta(days=1)


def slot_query(
    tracker: Tracker, practice: Practice, wish: TimeWish | None = None, any_practitioner: bool = False
) -> SlotQuery | None:
    motif = current_motif(tracker, practice)
    if motif is None:
        return None
    # The slot is validated only when the form asks for it: "une piqûre avec sophie" left "sophie" there,
    # and the search failed on an unknown id (chat QA). Resolved here, an unknown name is nobody in particular.
    named = tracker.get_slot("practitioner")
    practitioner = resolve_practitioner(str(named), practice, motif) if named else None
    wanted = () if any_practitioner or practitioner in (None, ANY_PRACTITIONER) else (str(practitioner),)
    wish = wish if wish is not None else current_wish(tracker, practice)
    return SlotQuery(
        appointment_type_id=motif.id,
        practitioner_ids=wanted,
        wish=wish,
        count=3,
        spread_days=is_loose(wish) and not wish.earliest,
        new_patient=tracker.get_slot("patient_status") == "new",
        min_gap_minutes=max(30, motif.duration_minutes),
    )


class ValidateBookingForm(SafeFormValidation):
    """Collects what a search needs; asks about new patients and practitioners only when it matters."""

    def name(self) -> str:
        return "validate_booking_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """A motif only the secretariat books ("l'infirmière peut passer à domicile ?") is handed to it.

        It was refused and asked again ("Ce type de rendez-vous se prend auprès du secrétariat"), and the
        next answers ended in a hand-over for "incompréhension", the request itself lost.
        """
        practice = await runtime.practice()
        asked = secretariat_only_motif(tracker, practice)
        if asked is None:
            return [*another_patient_maybe(tracker), *await super().run(dispatcher, tracker, domain)]
        return await hand_secretariat_only_motif(asked, dispatcher, tracker)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        practice = await runtime.practice()
        motif = current_motif(tracker, practice)
        needed = ["motif"]
        if motif is not None:
            restricted = not motif.new_patients or any(
                not practice.practitioner(pid).accepts_new_patients for pid in motif.practitioner_ids
            )
            if restricted and tracker.get_slot("task") != "move":
                needed.append("patient_status")
            if len(motif.practitioner_ids) > 1:
                needed.append("practitioner")
        needed.append("time_wish")
        return needed

    async def extract_time_wish(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "n'importe quand", "le plus tôt possible": an open wish Duckling has no date for."""
        if tracker.get_slot("requested_slot") != "time_wish" or entity_value(tracker, "time_wish") is not None:
            return {}
        if _OPEN_WISH.search(normalise(latest_text(tracker))):
            return {"time_wish": to_serializable(TimeWish(earliest=True))}
        return {}

    async def validate_motif(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        practice = await runtime.practice()
        motif = motif_named(tracker, practice) or resolve_motif(str(value or ""), practice)
        motif = motif or resolve_motif(latest_text(tracker), practice)
        if motif is None:
            # A word of a motif's name ("bilan"): among the practitioner's motifs first, then all of them.
            named = chosen_practitioner(tracker, practice)
            theirs = [m for m in practice.appointment_types if named in m.practitioner_ids]
            bookable = [m for m in practice.appointment_types if m.bookable_online]
            motif = motif_named_in(str(value or ""), theirs) or motif_named_in(str(value or ""), bookable)
        # A symptom given as the reason ("une otite"): the practice's motif for symptoms. A new patient's
        # motif kept for patients already followed becomes their first visit (said before the motif, the
        # status was never checked against it, and the booking was refused after the whole identity).
        first_visit = first_visit_instead(motif, practice) if motif is not None else None
        decision = motif_for(
            motif,
            practice,
            new_patient=tracker.get_slot("patient_status") == "new",
            gave_a_reason=entity_value(tracker, "motif") is not None,
            first_visit=first_visit,
            indefinite_name=indefinite(first_visit.name) if first_visit else "",
        )
        if decision.said is not None:
            await utter(dispatcher, tracker, decision.said, practice=practice)
        motif = decision.motif
        if motif is None:  # the form asks again, with examples (action_ask_motif), or hands over
            return {"motif": None} if decision.said else not_understood(tracker, "motif")
        result: dict[str, Any] = {"motif": motif.id}
        if len(motif.practitioner_ids) == 1:
            result["practitioner"] = motif.practitioner_ids[0]
        elif (
            tracker.get_slot("practitioner") not in (None, ANY_PRACTITIONER)
            and tracker.get_slot("practitioner") not in motif.practitioner_ids
        ):
            result["practitioner"] = None  # chosen for another motif: ask again
        return result

    async def validate_patient_status(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") == "patient_status":
            value = patient_status_of(value, latest_text(tracker))
        if value not in ("new", "existing"):
            return not_understood(tracker, "patient_status")
        practice = await runtime.practice()
        motif = current_motif(tracker, practice)
        asked = chosen_practitioner(tracker, practice)
        # The practitioner asked for first ("avec le docteur Benali") who takes no new patients is
        # said by name: a new patient was once moved to another doctor without a word.
        closed = asked if value == "new" and asked and not practice.practitioner(asked).accepts_new_patients else None
        if value == "new" and motif is not None and not motif.new_patients:
            first_visit = first_visit_instead(motif, practice)
            if first_visit is not None:
                if closed is not None:
                    others = [practitioner_phrase(practice, pid) for pid in first_visit.practitioner_ids]
                    offer = reply(
                        "practitioner_closed_offer",
                        practitioner=practitioner_subject(practice, closed),
                        motif=indefinite(first_visit.name),
                        others=join_alternatives(others),
                    )
                    await utter(dispatcher, tracker, offer, practice=practice)
                else:
                    await utter(dispatcher, tracker, followed_patients_only(first_visit), practice=practice)
                return {"patient_status": value, "motif": first_visit.id, "practitioner": None}
        if closed is not None:
            who = practitioner_subject(practice, closed)
            await utter(dispatcher, tracker, "practitioner_closed", practice=practice, practitioner=who)
            return {"patient_status": value, "practitioner": None}
        return {"patient_status": value}

    async def validate_practitioner(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        practice = await runtime.practice()
        earlier = value_before_latest_message(tracker, "practitioner")
        if (
            earlier not in (None, ANY_PRACTITIONER)
            and tracker.get_slot("requested_slot") != "practitioner"
            and says_who_follows(latest_text(tracker))
        ):
            return {"practitioner": earlier}  # "suivie par le docteur Lefebvre" is not "avec le docteur Lefebvre"
        motif = current_motif(tracker, practice)
        chosen = resolve_practitioner(str(value or ""), practice, motif) or resolve_practitioner(
            latest_text(tracker), practice, motif
        )
        if chosen is None:
            anyone = resolve_practitioner(str(value or ""), practice)
            if anyone not in (None, ANY_PRACTITIONER) and motif is not None:
                who = practitioner_subject(practice, anyone)
                await utter(dispatcher, tracker, "practitioner_not_for_motif", practice=practice, practitioner=who)
                return {"practitioner": None}
            return not_understood(tracker, "practitioner")
        if chosen != ANY_PRACTITIONER and tracker.get_slot("patient_status") == "new":
            if not practice.practitioner(chosen).accepts_new_patients:
                who = practitioner_subject(practice, chosen)
                await utter(dispatcher, tracker, "practitioner_closed", practice=practice, practitioner=who)
                return {"practitioner": None}
        return {"practitioner": chosen}

    async def validate_time_wish(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            return {"time_wish": None}
        practice = await runtime.practice()
        wish = from_serializable(value, practice.timezone)
        # "peu importe", said of the practitioner, is also read as "any time": it neither erases the
        # time already asked for ("demain après-midi") nor answers the question about time. And
        # "né le premier décembre soixante-neuf" also reads as "le 1er décembre": not a wish either.
        open_aside = (
            wish.is_open and not wish.earliest and tracker.get_slot("requested_slot") not in (None, "time_wish")
        )
        if open_aside or is_the_birth_date(wish, latest_text(tracker), practice, runtime.now()):
            earlier = value_before_latest_message(tracker, "time_wish")
            return {"time_wish": earlier if isinstance(earlier, dict) else None}
        now = runtime.now()
        bounds = search_bounds(practice, now)
        if not wish.earliest and not wish_intervals(wish, bounds.start, bounds.end, get_timezone(practice.timezone)):
            await utter(dispatcher, tracker, "wish_in_the_past", practice=practice)
            return {"time_wish": None}
        if tracker.get_slot("requested_slot") == "practitioner" and entity_value(tracker, "practitioner") is None:
            # "samedi matin" for an answer to "une préférence pour le praticien ?": the time is what
            # matters, whoever receives then (the question came back again and again)
            return {"time_wish": value, "practitioner": ANY_PRACTITIONER}
        return {"time_wish": value}


#: Who the last booking was for; a new booking request asks again (it may be for someone else).
IDENTITY_SLOTS = ("last_name", "first_name", "birth_date", "identity_verified", "verified_patient_id")


def another_patient_maybe(tracker: Tracker) -> list[EventType]:
    """A second booking request in the conversation starts without the first patient's identity.

    Phone QA: "il faudrait aussi un rendez-vous pour mon père" was read back "pour Marc Fontaine", the
    caller, with his birth date; a mother's renewal after her daughter's vaccination "pour Chloé, née en
    2019". A plain "oui" would have booked for the wrong person. The identity is asked again.
    """
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent != "book_appointment" or not tracker.get_slot("last_name"):
        return []
    return [SlotSet(name, None) for name in IDENTITY_SLOTS]


def followed_patients_only(first_visit: AppointmentType) -> Reply:
    """What a new patient hears when the motif is kept for patients already followed."""
    return reply("followed_patients_only", motif=indefinite(first_visit.name))


def secretariat_only_motif(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    """The motif this message asks for, when only the secretariat books it (a home visit…)."""
    named = [
        motif for motif in (resolve_motif(str(v), practice) for v in tracker.get_latest_entity_values("motif")) if motif
    ]
    in_words = resolve_motif(latest_text(tracker), practice)
    return next((motif for motif in [*named, *([in_words] if in_words else [])] if not motif.bookable_online), None)


async def hand_secretariat_only_motif(
    motif: AppointmentType, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Say that the secretariat arranges ``motif``, and pass the request on (then the callback number)."""
    await utter(dispatcher, tracker, "secretariat_arranges", motifs=plural(motif.name))
    events = await open_escalation(
        dispatcher,
        tracker,
        reason=say("reason.secretariat_motif", motif=motif.name),
        category="human",
        urgency="routine",
    )
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        *[SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET],
        *events,
        FollowupAction("callback_form"),
    ]


def plural(name: str) -> str:
    """ "soins infirmiers à domicile" stays; "visite à domicile" → "visites à domicile" (first word only)."""
    first, _, rest = name.partition(" ")
    word = first if first.endswith(("s", "x")) else first + "s"
    return f"{word} {rest}".strip()


def motif_named(tracker: Tracker, practice: Practice) -> AppointmentType | None:
    """The motif the latest message's motif entities mean together (Rasa's slot keeps only the last one)."""
    values = [str(value) for value in tracker.get_latest_entity_values("motif")]
    if len(values) < 2:
        return None
    named = [motif for motif in (resolve_motif(value, practice) for value in values) if motif is not None]
    said_practitioners = [resolve_practitioner(value, practice) for value in values]
    practitioner = chosen_practitioner(tracker, practice) or next(
        (pid for pid in said_practitioners if pid not in (None, ANY_PRACTITIONER)), None
    )
    return motif_among(named, practitioner, practice)


def chosen_practitioner(tracker: Tracker, practice: Practice) -> str | None:
    """The practitioner the patient asked for, if any ("any" is no one in particular).

    Read through :func:`resolve_practitioner`: the slot holds what was said until the form validates
    it ("sophie", "thomas"), and an unknown id made the next step fail (chat QA).
    """
    named = tracker.get_slot("practitioner")
    practitioner = resolve_practitioner(str(named), practice) if named else None
    return None if practitioner in (None, ANY_PRACTITIONER) else str(practitioner)


def mentions_a_relative(tracker: Tracker) -> bool:
    """The caller named a relative the call is about ("pour mon fils"): the patient is someone else."""
    return any(
        entity.get("entity") == "relation"
        for event in tracker.events
        if event.get("event") == "user"
        for entity in ((event.get("parse_data") or {}).get("entities") or [])
    )


class ActionAskMotif(SafeAction):
    """The booking form's motif question, with examples from the practice (and the practitioner named)."""

    def name(self) -> str:
        return "action_ask_motif"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        new_patient = tracker.get_slot("patient_status") == "new"
        dispatcher.utter_message(text=motif_question(practice, chosen_practitioner(tracker, practice), new_patient))
        return []


class ActionAskPatientStatus(SafeAction):
    """Whether the patient came before: asked of the caller, or about the relative they call for."""

    def name(self) -> str:
        return "action_ask_patient_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=patient_status_question(mentions_a_relative(tracker)))
        return []


class ActionAskChosenSlot(SafeAction):
    """Asks for the choice by proposing three real free slots, or the nearest alternatives."""

    def name(self) -> str:
        return "action_ask_chosen_slot"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        if tracker.get_slot("time_wish") is None:
            await utter(dispatcher, tracker, "ask_when", practice=practice)
            return []
        query = slot_query(tracker, practice)
        if query is None:
            await utter(dispatcher, tracker, "ask_motif_again", practice=practice)
            return []
        agenda = runtime.container().agenda
        found = await runtime.off_loop(agenda.find_slots, query)
        today = runtime.now().date()
        if found:
            dispatcher.utter_message(text=say_choices(found, practice, today))
            return [SlotSet("proposed_slots", [slot_to_dict(s) for s in found])]
        motif = current_motif(tracker, practice)
        asked_for = query.practitioner_ids or (motif.practitioner_ids if motif else ())
        reason = motif_hours_reason(motif, query.wish) or closed_reason(practice, query.wish, asked_for, today)
        alternatives, intro = await self._alternatives(practice, query, reason)
        if alternatives:
            dispatcher.utter_message(text=f"{render(intro, channel_of(tracker), practice)} {say_choices(alternatives, practice, today)}")
            return [SlotSet("proposed_slots", [slot_to_dict(s) for s in alternatives])]
        await utter(dispatcher, tracker, "no_slot_in_horizon", practice=practice, days=practice.rules.horizon_days)
        return [SlotSet("chosen_slot", {"none": True}), SlotSet("proposed_slots", [])]

    @staticmethod
    async def _alternatives(
        practice: Practice, query: SlotQuery, reason: str | None
    ) -> tuple[list[Slot], tuple[Reply, ...]]:
        """The first alternative search that finds something (``assistant.conversation.slot_choice``)."""
        who = practitioner_subject(practice, query.practitioner_ids[0]) if query.practitioner_ids else ""
        found: list[Slot] = []
        intro: tuple[Reply, ...] = ()
        for alternative in alternatives(query, reason, who):
            found = await runtime.off_loop(runtime.container().agenda.find_slots, alternative.query)
            intro = alternative.intro
            if found:
                break
        return found, intro


class ValidateSlotChoiceForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_slot_choice_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """When this form starts, Rasa extracts the latest message's slots again and validates none of them.

        On the answer to the booking form's last question, "peu importe" (the practitioner) once
        erased "jeudi matin" that way, and today was proposed: the earlier wish is set back last.
        """
        events = await super().run(dispatcher, tracker, domain)
        earlier = value_before_latest_message(tracker, "time_wish")
        if is_open_wish(tracker.get_slot("time_wish")) and isinstance(earlier, dict) and not is_open_wish(earlier):
            return [*events, SlotSet("time_wish", earlier)]
        return events

    async def validate_chosen_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return {"chosen_slot": value}
        practice = await runtime.practice()
        proposals = slots_from_value(tracker.get_slot("proposed_slots"))
        text = tracker.latest_message.get("text") or str(value or "")
        index = choose_slot(text, proposals, practice, entity_value(tracker, "option"), runtime.now().date())
        if index is not None:
            return {"chosen_slot": slot_to_dict(proposals[index])}
        # Rasa has already put any time in the message into the wish: set aside, the wish is set back.
        earlier = value_before_latest_message(tracker, "time_wish")
        if is_hold_on(text):  # "attendez deux secondes": not a choice (the "deux" was once the second slot)
            await utter(dispatcher, tracker, "take_your_time", practice=practice)
            return {"chosen_slot": None, "time_wish": earlier}
        born = parse_birth_date(text, runtime.now())
        if born is not None and born.year < runtime.now().year:
            # "le douze mai quatre-vingt-quatre" while the slots were read: a birth date, kept for the
            # identity questions; it was searched as the appointment's date ("rien de libre").
            await utter(dispatcher, tracker, "noted_but_not_this", practice=practice)
            return {"chosen_slot": None, "birth_date": born.isoformat(), "time_wish": earlier}
        if refuses_all(text) and not states_a_preference(text):
            # "aucun ne me convient", "non ça va pas, j'emmène les enfants à l'école à huit heures et
            # demie": the time in it says why not, not when; the patient is asked when instead.
            await utter(dispatcher, tracker, "ok", practice=practice)
            return {"chosen_slot": None, "proposed_slots": None, "time_wish": None}
        changes = search_changes(tracker, practice)
        if changes:  # "plutôt l'après-midi", "avec le docteur Benali": a new search, not a choice
            return changes
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in ("deny", "change_mind"):
            return {"chosen_slot": None, "proposed_slots": None, "time_wish": None}
        if any(entity.get("entity") in NOTED_ENTITIES for entity in tracker.latest_message.get("entities") or []):
            # A phone number or a name given while the slots were read: kept by its own mapping.
            await utter(dispatcher, tracker, "noted_but_not_this", practice=practice)
            return {"chosen_slot": None}
        return not_understood(tracker, "chosen_slot")


#: Refusals whose agenda sentence tells the patient to call the secretariat, said without that part
#: when the assistant hands the request over itself.
REFUSALS_HANDED_OVER = {"too_late_to_cancel": "too_late_online"}


async def after_refusal(
    error: AgendaError, what: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """What follows a booking or a move the agenda refused: never silence, and nothing lost.

    When only the time was wrong (:data:`TIME_REFUSALS`: taken meanwhile, now too close…), other
    times are proposed at once; the patient's answers so far are kept. Any other refusal (too many
    appointments, a motif booked by the secretariat only…) is handed to the secretariat.
    """
    if error.code in TIME_REFUSALS:
        said = reply("slot_taken") if error.code == "slot_taken" else reply("as_is", text=error.message)
        await utter(dispatcher, tracker, said, "other_times")
        return [SlotSet("chosen_slot", None), SlotSet("proposed_slots", None), FollowupAction("slot_choice_form")]
    await utter(dispatcher, tracker, REFUSALS_HANDED_OVER.get(error.code, "as_is"), text=error.message)
    events = await open_escalation(
        dispatcher,
        tracker,
        reason=say("reason.refused", what=say(f"what.{what}"), refusal=error.message),
        category="human",
        urgency="routine",
    )
    return [SlotSet("chosen_slot", None), *events, FollowupAction("callback_form")]


class ActionConfirmBooking(SafeAction):
    """Reads the booking back before making it (or hands over when nothing was available)."""

    def name(self) -> str:
        return "action_confirm_booking"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        chosen = tracker.get_slot("chosen_slot")
        if not isinstance(chosen, dict) or chosen.get("none"):
            events = await open_escalation(
                dispatcher,
                tracker,
                reason=say("reason.no_slot"),
                category="human",
                urgency="routine",
            )
            return events
        slot = slot_from_dict(chosen)
        motif = practice.appointment_type(slot.appointment_type_id)
        who: Reply | str = f"{tracker.get_slot('first_name') or ''} {tracker.get_slot('last_name') or ''}".strip()
        born = slot_date(tracker, "birth_date")
        if born is not None:  # read back too: a wrong birth date would make a second patient record
            who = reply("read_back_born", who=who, birth_date=say_birth_date(born))
        phone = str(tracker.get_slot("phone") or "")
        sms: Reply | str = ""
        if is_mobile(phone):
            # The number (often the caller's, taken without asking) is offered for confirmation here.
            digits = "".join(ch for ch in phone if ch.isdigit())
            sms = reply("read_back_sms", digits=digits[-2:])
        when = say_slot(slot, practice, runtime.now().date())
        await utter(dispatcher, tracker, "read_back", practice=practice, motif=motif.name, slot=when, who=who, sms=sms)
        return []


async def book_appointment(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Book the chosen slot for the patient (a yes to the read-back)."""
    practice = await runtime.practice()
    state = read_state(tracker, practice.timezone)
    if state.emergency:  # never a booking for an emergency, whatever path led here
        await utter(dispatcher, tracker, "emergency_no_booking", practice=practice, samu=practice.emergency.samu)
        return slot_events(chosen_slot=None)
    if state.chosen is None or state.identity.birth_date is None:
        await utter(dispatcher, tracker, "nothing_chosen", practice=practice)
        return []
    who = state.identity
    patient = Patient(None, who.last_name or "", who.first_name or "", who.birth_date, "" if who.phone in (None, NO_PHONE) else who.phone)
    slot = state.chosen
    request = BookingRequest(
        slot.appointment_type_id, slot.practitioner_id, slot.start, state.channel, new_patient=state.patient_status == "new"
    )
    actor = Actor("assistant", state.channel, tracker.sender_id)
    try:
        appointment = await runtime.off_loop(runtime.container().agenda.book, request, patient, actor)
    except AgendaError as error:
        return await after_refusal(error, "booking", dispatcher, tracker)
    motif = practice.appointment_type(appointment.appointment_type_id)
    said = [reply("booked", motif=motif.name, slot=say_slot(appointment, practice, runtime.now().date()))]
    if motif.instructions:
        said.append(reply("as_is", text=answer_documents(practice, motif)))
    await utter(dispatcher, tracker, *said, practice=practice)
    return [
        *slot_events(appointment_id=float(appointment.id or 0), verified_patient_id=float(appointment.patient_id)),
        *slot_events(identity_verified=True, **dict.fromkeys(BOOKING_SLOTS_TO_RESET)),
    ]


class ActionBookAppointment(ChangeAction):
    action_name = "action_book_appointment"
    work = staticmethod(book_appointment)


class ActionResetChoice(SafeAction):
    """The patient declined the read-back: choose again (the wish may change)."""

    def name(self) -> str:
        return "action_reset_choice"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        fixed = corrected_birth_date(latest_text(tracker), slot_date(tracker, "birth_date"), runtime.now())
        if fixed is not None:
            # "Non, c'est 1967." to the read-back: the birth date was wrong, not the slot (phone QA)
            dispatcher.utter_message(text=birth_date_corrected(fixed))
            return [SlotSet("birth_date", fixed.isoformat()), FollowupAction("action_confirm_booking")]
        events: list[EventType] = [SlotSet("chosen_slot", None), SlotSet("proposed_slots", None)]
        if entity_value(tracker, "time_wish") is not None:
            events.append(SlotSet("time_wish", entity_value(tracker, "time_wish")))
        return events
