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
    SafeAction,
    SafeFormValidation,
    caller_number,
    channel_of,
    last_bot_texts,
    latest_text,
    previous_action,
    utter,
)
from assistant.conversation.replies import Reply, reply, say
from assistant.core.model import Channel, Practice
from assistant.core.secretariat import is_staffed, next_staffed
from assistant.core.triage import TriageResult
from assistant.dialogue.safety_net import emergency_reply, is_life_threatening
from assistant.dialogue.speech import say_when
from assistant.dialogue.understanding import NO_PHONE, asks_to_repeat, ends_with_goodbye, is_hold_on, parse_phone

INTENT_REASONS = {
    "medical_question": (say("reason.medical_question"), "sensitive", "routine"),
    "ask_results": (say("reason.ask_results"), "sensitive", "routine"),
    "complaint": (say("reason.complaint"), "sensitive", "routine"),
    "request_records": (say("reason.request_records"), "sensitive", "routine"),
    "request_human": (say("reason.request_human"), "human", "routine"),
    # The practitioner must know within minutes: "à traiter aujourd'hui".
    "announce_late": (say("reason.announce_late"), "human", "urgent"),
    "nlu_fallback": (say("reason.nlu_fallback"), "misunderstanding", "routine"),
}

#: What the patient hears first, by what was asked: a complaint is not a medical question.
ACKNOWLEDGEMENTS = {
    "medical_question": "no_medical_advice",
    "ask_results": "ack.ask_results",
    "complaint": "ack.complaint",
    "request_records": "ack.request_records",
    "announce_late": "ack.announce_late",
}

FORM_SLOTS = ("requested_slot", "chosen_slot", "proposed_slots", "time_wish", "motif", "practitioner")


def transcript(tracker: Tracker, limit: int = 40) -> list[tuple[str, str]]:
    """The conversation so far, as (speaker, text) pairs, for the secretary."""
    lines: list[tuple[str, str]] = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(("patient", str(event["text"])))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(("assistant", str(event["text"])))
    return lines[-limit:]


def understood(tracker: Tracker) -> dict[str, str]:
    """What the dialogue understood so far (for the written summary): no phone, no birth date.

    The names the patient gave are in it (checked or not: "identité vérifiée" says which), so that a
    hand-over after answers that could not be understood does not start the secretary from zero.
    """
    fields = {
        "motif": tracker.get_slot("motif"),
        "praticien": tracker.get_slot("practitioner"),
        "demande": tracker.get_slot("task"),
        "nom": tracker.get_slot("last_name"),
        "prénom": tracker.get_slot("first_name"),
        "identité vérifiée": "oui" if tracker.get_slot("identity_verified") else "non",
    }
    return {key: str(value) for key, value in fields.items() if value}


def latest_triage(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.latest_message.get("triage") or {})


async def open_escalation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    category: str,
    urgency: str,
    announce: bool = True,
    transfer_text: str = "transfer",
) -> list[EventType]:
    """Record an escalation and tell the patient what happens next; ask a callback number if none is known."""
    practice = await runtime.practice()
    phone = tracker.get_slot("phone")
    callback = caller_number(tracker) or ("" if phone in (None, NO_PHONE) else str(phone))
    verified = tracker.get_slot("verified_patient_id")
    service = runtime.container().escalations
    escalation = await runtime.off_loop(
        service.open,
        channel=channel_of(tracker),
        conversation_id=tracker.sender_id,
        reason=reason,
        category=category,
        urgency=urgency,
        understood=understood(tracker),
        transcript=transcript(tracker),
        patient_id=int(verified) if verified else None,
        callback_number=callback or None,
    )
    if announce and transfers_call(tracker, practice, runtime.now()):
        # On the phone, in staffed hours: a warm transfer. The channel dials the secretariat, who first
        # hears the one-sentence summary; if nobody answers, the channel offers a callback itself.
        summary = await runtime.off_loop(service.spoken_summary, tracker.sender_id)
        if transfer_text:
            await utter(dispatcher, tracker, transfer_text, practice=practice)
        dispatcher.utter_message(
            json_message={
                "handover": {
                    "escalation_id": int(escalation.id or 0),
                    "spoken_summary": summary or "",
                    "urgency": escalation.urgency,
                }
            }
        )
    elif announce:
        await utter(dispatcher, tracker, *_handover_sentence(practice, runtime.now()), practice=practice)
    events: list[EventType] = [SlotSet("escalated", True), SlotSet("escalation_id", float(escalation.id or 0))]
    # A known number fills the callback form at once; otherwise the form asks for one.
    events.append(SlotSet("phone", callback or None))
    return events


def transfers_call(tracker: Tracker, practice: Practice, now: Any) -> bool:
    """Whether a hand-over is a live transfer: a phone call, staffed hours, a number to dial."""
    return (
        channel_of(tracker) == Channel.PHONE
        and bool(practice.secretariat.transfer_number)
        and is_staffed(practice, now)
    )


def _handover_sentence(practice: Practice, now: Any) -> list[Reply]:
    if is_staffed(practice, now):
        return [reply("handover_staffed")]
    opening = next_staffed(practice, now)
    said = [reply("handover_closed_until", when=say_when(opening, practice, now.date()))] if opening else [reply("handover_closed")]
    if practice.emergency.on_call:
        said.append(reply("on_call_before", on_call=practice.emergency.on_call))
    return said


def secretariat_told(practice: Practice, now: Any) -> str:
    """Who knows now: the secretariat when someone is there, otherwise at its reopening (never a false comfort)."""
    return "secretariat_told" if is_staffed(practice, now) else "secretariat_told_later"


class ActionHandleEmergency(SafeAction):
    """The number first, then the record; any form in progress is abandoned (no booking)."""

    def name(self) -> str:
        return "action_handle_emergency"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        triage = latest_triage(tracker)
        category = "suicide" if triage.get("category") == "suicide" else "emergency"
        result = TriageResult(category=category, urgency="immediate", numbers=tuple(triage.get("numbers") or ()))
        try:
            practice = await runtime.practice()
        except Exception:
            # The numbers never wait for the database: the national ones are said, then the failure is
            # reported (the channel's guard keeps the hand-over until the database answers).
            dispatcher.utter_message(text=emergency_reply(None, result))
            raise
        life_threatening = is_life_threatening(result, practice.emergency)
        dispatcher.utter_message(text=emergency_reply(practice, result))
        reasons = triage.get("reasons") or [say("reason.emergency")]
        now = runtime.now()
        # A person in distress on the phone while someone is at the desk is put through to that person
        # (the 3114 said first); a medical emergency frees the line for the 15.
        put_through = category == "suicide" and not life_threatening and transfers_call(tracker, practice, now)
        events = await open_escalation(
            dispatcher,
            tracker,
            reason="; ".join(reasons),
            category=category,
            urgency="immediate",
            announce=put_through,
        )
        told = secretariat_told(practice, now)
        if put_through:
            pass  # open_escalation said "Je vous passe le secrétariat" and asked the channel to transfer
        elif channel_of(tracker) == Channel.PHONE:
            # Keep the patient's line free for the emergency call: say it, then hang up.
            await utter(dispatcher, tracker, told, "hanging_up", practice=practice)
            dispatcher.utter_message(json_message={"end_call": True})
        else:
            await utter(dispatcher, tracker, told, practice=practice)
        return [ActiveLoop(None), *[SlotSet(name, None) for name in FORM_SLOTS], *events, SlotSet("emergency", True)]


class ActionEscalate(SafeAction):
    """Sensitive or medical requests, explicit requests for a person, repeated misunderstandings."""

    def name(self) -> str:
        return "action_escalate"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        from actions.confirmation import confirm_if_yes, hands_over  # actions.booking imports this module

        # "oui. et si la fièvre monte cette nuit je fais quoi ?" to a read-back: booked first, then the
        # question goes to the secretariat (the booking was dropped without a word: phone QA).
        confirmed = await confirm_if_yes(dispatcher, tracker, domain) or []
        if hands_over(confirmed):
            return confirmed
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        triage = latest_triage(tracker)
        reason, category, urgency = INTENT_REASONS.get(intent, (say("reason.other"), "human", "routine"))
        if triage.get("category") == "urgent":
            reason, category, urgency = "; ".join(triage.get("reasons") or [reason]), "urgent", "urgent"
        if category == "urgent":
            await utter(dispatcher, tracker, "no_medical_advice")
        elif intent in ACKNOWLEDGEMENTS or category == "sensitive":
            await utter(dispatcher, tracker, ACKNOWLEDGEMENTS.get(intent, "no_medical_advice"))
        events = await open_escalation(dispatcher, tracker, reason=reason, category=category, urgency=urgency)
        return [*confirmed, ActiveLoop(None), *[SlotSet(name, None) for name in FORM_SLOTS], *events]


class ValidateCallbackForm(SafeFormValidation):
    def name(self) -> str:
        return "validate_callback_form"

    async def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A number, "aucun", or, after a second answer that is not a number, no number: never a loop.

        The request is already with the secretariat; a callback number only helps it. A patient who
        has none, or whose number is not understood twice, is not asked forever.
        """
        in_text = parse_phone(latest_text(tracker))  # the whole message: DIET may tag each group apart
        phone = in_text if in_text not in (None, NO_PHONE) else parse_phone(str(value or ""))
        if phone is None and answers_in_this_form(tracker, "callback_form") >= 2:
            await utter(dispatcher, tracker, "phone_not_noted")
            return {"phone": NO_PHONE}
        if phone is None:
            await utter(dispatcher, tracker, "callback_phone_not_understood")
            return {"phone": None}
        return {"phone": phone}


def answers_in_this_form(tracker: Tracker, form: str) -> int:
    """How many messages the patient has sent since ``form`` last started, the latest included."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == form:
            break
        if event.get("event") == "user":
            count += 1
    return count


class ActionRecordCallback(SafeAction):
    def name(self) -> str:
        return "action_record_callback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        escalation_id = tracker.get_slot("escalation_id")
        phone = tracker.get_slot("phone")
        practice = await runtime.practice()
        if transfers_call(tracker, practice, runtime.now()):
            return []  # the channel is dialling the secretariat and offers a callback if nobody answers
        if escalation_id and phone and phone != NO_PHONE:
            service = runtime.container().escalations
            await runtime.off_loop(service.set_callback, int(escalation_id), str(phone))
            await utter(dispatcher, tracker, "callback_noted", practice=practice, promise=callback_promise(str(phone)))
        elif escalation_id:
            await utter(dispatcher, tracker, "request_sent_call_us", practice=practice, phone=practice.phone)
        return []


def callback_promise(phone: str) -> Reply:
    """ "le secrétariat vous rappellera au numéro qui se termine par 89." (only the last two digits are said)"""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return reply("callback_promise", digits=digits[-2:])


class ActionUpdateCallback(SafeAction):
    """Another callback number, given once the first was noted ("rappelez-moi plutôt sur mon fixe, le 03…").

    Phone QA: the caller was asked for a name and a birth date, and the request kept the mobile.
    """

    def name(self) -> str:
        return "action_update_callback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        escalation_id = tracker.get_slot("escalation_id")
        phone = parse_phone(latest_text(tracker))
        if escalation_id and phone in (None, NO_PHONE) and len(latest_text(tracker).split()) >= 4:
            # "Dites-lui que mon père sort de l'hôpital…": added to the request (its transcript), not lost
            events = await open_escalation(
                dispatcher, tracker, reason=say("reason.details"), category="human", urgency="routine", announce=False
            )
            await utter(dispatcher, tracker, "details_passed_on")
            return [*events, FollowupAction("utter_anything_else")]
        if not escalation_id or phone in (None, NO_PHONE):
            await utter(dispatcher, tracker, "request_sent")
            return [FollowupAction("utter_anything_else")]
        service = runtime.container().escalations
        await runtime.off_loop(service.set_callback, int(escalation_id), str(phone))
        await utter(dispatcher, tracker, "callback_corrected", promise=callback_promise(str(phone)))
        return [SlotSet("phone", phone), FollowupAction("utter_anything_else")]


class ActionHandleFallback(SafeAction):
    """First misunderstanding: ask to rephrase. Second in a row: hand over to the secretariat."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if is_hold_on(latest_text(tracker)):
            # "attendez deux secondes": nothing to understand yet, and not a misunderstanding
            await utter(dispatcher, tracker, "take_your_time")
            return [FollowupAction("action_listen")]
        if asks_to_repeat(latest_text(tracker)):
            # "Pardon ?", "vous pouvez répéter ?": the last answer again, not a misunderstanding
            said = last_bot_texts(tracker)
            for text in said or [say("i_was_saying", channel_of(tracker))]:
                dispatcher.utter_message(text=text)
            return [FollowupAction("action_listen")]
        if previous_action(tracker) == "action_record_callback":
            # "Dites-lui que mon père sort de l'hôpital demain", not understood as an intent: a message for
            # the secretariat all the same (phone QA: "Pardon", and it reached the request only as a line)
            return await ActionUpdateCallback().act(dispatcher, tracker, domain)
        if ends_with_goodbye(latest_text(tracker)):
            # "non laissez tomber, au revoir": whatever came before, the caller is leaving
            return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("utter_goodbye")]
        if wants_a_change_too_late(tracker):
            # "la semaine prochaine plutôt" after "il est trop tard pour le déplacer ici": the same
            # answer, in other words, rather than "Pardon, je n'ai pas compris".
            practice = await runtime.practice()
            await utter(dispatcher, tracker, "too_close_call", practice=practice, phone=practice.phone)
            return [FollowupAction("utter_anything_else")]
        from actions.confirmation import confirm_if_yes, hands_over  # actions.booking imports this module

        confirmed = await confirm_if_yes(dispatcher, tracker, domain)
        if confirmed is not None:
            # "oui oui et euh je peux boire un café ?" to a read-back: the yes is kept; the rest can be asked again
            if hands_over(confirmed):
                return confirmed
            await utter(dispatcher, tracker, "rephrase_question")
            return [*confirmed, FollowupAction("action_listen")]
        if unsure_booking(tracker):
            # "une consultation avec le docteur Lefebvre" as a first message: booking or answer, too
            # close to call, but with no request in progress it can only start a booking.
            return [SlotSet("task", "book"), FollowupAction("booking_form")]
        if consecutive_fallbacks(tracker) >= 2:
            await utter(dispatcher, tracker, "not_understood_request")
            events = await open_escalation(dispatcher, tracker, *INTENT_REASONS["nlu_fallback"])
            # The form that was running (if any) ends; the callback number is asked next.
            return [
                ActiveLoop(None),
                *[SlotSet(name, None) for name in FORM_SLOTS],
                *events,
                FollowupAction("callback_form"),
            ]
        if already_ran_this_turn(tracker, self.name()):
            # The policies were unsure again right after it (core fallback twice in one turn): say it once.
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_default")
        return []


def wants_a_change_too_late(tracker: Tracker) -> bool:
    """A new time given for an appointment the patient was just told is too close to change here."""
    if not tracker.get_slot("identity_verified") or tracker.get_slot("task") not in ("move", "cancel"):
        return False
    if tracker.get_slot("appointment_id"):
        return False
    return any(entity.get("entity") == "time_wish" for entity in tracker.latest_message.get("entities") or [])


def unsure_booking(tracker: Tracker) -> bool:
    """A message the NLU could not decide that names a motif or a practitioner, a booking among its
    best guesses, and no request in progress: a booking."""
    if tracker.active_loop_name or tracker.get_slot("task"):
        return False
    message = tracker.latest_message
    if not any(entity.get("entity") in ("motif", "practitioner") for entity in message.get("entities") or []):
        return False
    guesses = [entry for entry in message.get("intent_ranking") or [] if entry.get("name") != "nlu_fallback"]
    return any(entry.get("name") == "book_appointment" for entry in guesses[:2])


def already_ran_this_turn(tracker: Tracker, action_name: str) -> bool:
    """Whether ``action_name`` already ran since the patient's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == action_name:
            return True
    return False


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the patient's latest messages in a row were not understood, the current one included.

    Not understood by the NLU (``nlu_fallback``) or by the dialogue: a message after which the
    policies were unsure, and the patient heard "Pardon, je n'ai pas bien compris", counts too.
    """
    count = 1  # the current message: this handler runs for it
    in_current_turn = True
    handled = False  # whether the handler ran after the message being looked at
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_handle_fallback":
            handled = True
        if event.get("event") != "user":
            continue
        if in_current_turn:
            in_current_turn, handled = False, False
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        said = str(event.get("text") or "")
        if (not handled and intent != "nlu_fallback") or is_hold_on(said) or asks_to_repeat(said):
            break
        count += 1
        handled = False
    return count
