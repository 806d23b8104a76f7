"""Escalation policy: what a request for the secretariat is, and what an emergency calls for.

Pure: the actions read the state, call these, record the escalation and say the replies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.conversation.decision import ANY_PRACTITIONER, Decision, Handover
from assistant.conversation.identity import NAME_ENTITIES
from assistant.conversation.replies import Reply, reply, say
from assistant.conversation.state import ConversationState, Triage
from assistant.core.escalation import IDENTITY_KEY
from assistant.core.model import Channel, EmergencyNumbers, Practice, Practitioner
from assistant.core.secretariat import is_staffed
from assistant.language.fr.choices import resolve_practitioner
from assistant.language.fr.names import clean_name
from assistant.language.fr.phone import NO_PHONE
from assistant.language.fr.requests import asks_for_the_desk, name_asked_for

#: What a hand-over or an emergency empties: the form in progress and the request's answers.
HANDED_OVER_SLOTS = ("requested_slot", "chosen_slot", "proposed_slots", "time_wish", "motif", "practitioner")

#: By intent: the category and urgency of the hand-over (the reason is ``reason.<intent>`` in the catalogue).
INTENT_POLICY = {
    "medical_question": ("sensitive", "routine"),
    "ask_results": ("sensitive", "routine"),
    "complaint": ("sensitive", "routine"),
    "request_records": ("sensitive", "routine"),
    "request_human": ("human", "routine"),
    # The practitioner must know within minutes: "à traiter aujourd'hui".
    "announce_late": ("human", "urgent"),
    "nlu_fallback": ("misunderstanding", "routine"),
}

#: What the patient hears first, by what was asked: a complaint is not a medical question.
ACKNOWLEDGEMENTS = {
    "medical_question": "no_medical_advice",
    "ask_results": "ack.ask_results",
    "complaint": "ack.complaint",
    "request_records": "ack.request_records",
    "announce_late": "ack.announce_late",
}


def handover_for(intent: str | None, triage: Triage, asked_for: str | None = None) -> Handover:
    """The hand-over a request calls for: by its intent, unless the red-flag rules found it urgent.

    ``asked_for``: the person a request for someone names (:func:`person_asked_for`), in its reason:
    « Demande à parler à Dr Nadège Bastien » (QA: the secretary read « Demande à parler au secrétariat »)."""
    category, urgency = INTENT_POLICY.get(intent or "", ("human", "routine"))
    reason = say(f"reason.{intent}") if intent in INTENT_POLICY else say("reason.other")
    if intent == "request_human" and asked_for:
        reason = say("reason.request_person", who=asked_for)
    if intent == "announce_late" and asked_for:  # "prévenez Nadège": whom to tell, on the request itself
        reason = say("reason.announce_late_to", who=asked_for)
    if triage.category == "urgent":
        return Handover("; ".join(triage.reasons) or reason, "urgent", "urgent", "no_medical_advice")
    if intent in ACKNOWLEDGEMENTS or category == "sensitive":
        return Handover(reason, category, urgency, ACKNOWLEDGEMENTS.get(intent or "", "no_medical_advice"))
    return Handover(reason, category, urgency)


@dataclass(frozen=True)
class EmergencyPlan:
    """What an emergency calls for once its numbers are said."""

    category: str  # "emergency" or "suicide"
    life_threatening: bool
    reason: str
    put_through: bool  # to a person at the desk, now
    told: str  # reply id: who knows now
    hang_up: bool  # free the phone line for the emergency call


def is_life_threatening(triage: Triage) -> bool:
    """A person at risk of suicide whose words are also a medical emergency (an overdose): the 15 first.

    Read from the categories of the rules that matched, not from the order of the numbers to say.
    """
    return triage.category == "suicide" and "emergency" in triage.rule_categories


def emergency_kind(triage: Triage) -> tuple[str, bool]:
    """The emergency's category ("suicide" or "emergency") and whether it is life-threatening: which
    numbers are said first, in which order."""
    return ("suicide" if triage.category == "suicide" else "emergency"), is_life_threatening(triage)


def emergency_plan(triage: Triage, channel: Channel, staffed: bool, can_transfer: bool) -> EmergencyPlan:
    """A person in distress on the phone while someone is at the desk is put through to that person (the
    3114 said first); a medical emergency frees the line for the 15; at night the secretariat is told it
    will know at its reopening, never that it was told."""
    category, life_threatening = emergency_kind(triage)
    put_through = category == "suicide" and not life_threatening and can_transfer
    reason = "; ".join(triage.reasons) or say("reason.emergency")
    told = "secretariat_told" if staffed else "secretariat_told_later"
    return EmergencyPlan(
        category, life_threatening, reason, put_through, told, channel == Channel.PHONE and not put_through
    )


#: After an emergency, what a later message that is no emergency gets: a question its answer, thanks
#: and goodbyes theirs; anything else (a booking asked again, the answer to a question of the form
#: that ended) the number of that emergency again and no appointment.
AFTER_EMERGENCY = {
    "ask_hours": "action_answer_info",
    "ask_address": "action_answer_info",
    "ask_fees": "action_answer_info",
    "ask_documents": "action_answer_info",
    "ask_practitioners": "action_answer_info",
    "ask_on_call": "action_answer_info",
    "speak_english": "action_answer_in_english",
    "thank": "utter_you_are_welcome",
    "goodbye": "utter_goodbye",
}


def is_an_emergency(intent: str | None, triage: Triage) -> bool:
    """Whether the latest message itself is an emergency (the NLU's or the red-flag rules' reading)."""
    return intent == "emergency" or triage.category in ("emergency", "suicide")


def after_emergency(intent: str | None, no_booking: Reply | None) -> Decision:
    """A message after the emergency that is none: answered as it asks, never a booking, no new
    hand-over; ``no_booking``: that emergency's number again."""
    stopped = {**dict.fromkeys(HANDED_OVER_SLOTS), "task": None}
    follow = AFTER_EMERGENCY.get(intent or "")
    if follow is not None:
        return Decision(stopped, follow=follow, stop_form=True)
    return Decision(stopped, (no_booking,) if no_booking else (), stop_form=True)


def no_booking_after(category: str | None, numbers: EmergencyNumbers) -> Reply:
    """No appointment after an emergency: the number of that emergency again (the 3114 after suicidal
    words; ``category`` is the conversation's latest emergency, "suicide" or "emergency")."""
    if category == "suicide":
        return reply("emergency_no_booking_suicide", suicide_prevention=numbers.suicide_prevention, samu=numbers.samu)
    return reply("emergency_no_booking", samu=numbers.samu)


def transfers_call(channel: Channel, practice: Practice, now: datetime) -> bool:
    """Whether a hand-over is a live transfer: a phone call, staffed hours, a number to dial."""
    return channel == Channel.PHONE and bool(practice.secretariat.transfer_number) and is_staffed(practice, now)


@dataclass(frozen=True)
class EmergencyAnswer:
    """An emergency's turn: its numbers said first, on their own (:attr:`plan`'s category and order), then
    the decision (the form ended, the request's slots emptied, the hand-over, the emergency noted), then
    :attr:`told` (who knows now), and the phone line freed when :attr:`end_call`."""

    plan: EmergencyPlan
    decision: Decision
    told: tuple[Reply, ...]
    end_call: bool


def answer_emergency(
    state: ConversationState, practice: Practice, now: datetime, names_before: Mapping[str, Any]
) -> EmergencyAnswer:
    """What an emergency calls for. ``names_before``: the names the emergency message itself filled, as they
    were before it ("mal à la poitrine" said when the name was asked is no name: the hand-over's summary read
    « nom : Mal A La Poitrine », QA). No request resumes after an emergency (QA: the identity form carried on)."""
    plan = emergency_plan(
        state.triage, state.channel, is_staffed(practice, now), transfers_call(state.channel, practice, now)
    )
    decision = Decision(
        {**dict.fromkeys(HANDED_OVER_SLOTS), "task": None, **names_before},
        stop_form=True,
        # put through: the hand-over says "Je vous passe le secrétariat"; otherwise it says nothing itself
        handover=Handover(plan.reason, plan.category, "immediate", announce=plan.put_through),
        after_handover={"emergency": True},
    )
    if plan.hang_up:  # keep the patient's line free for the emergency call: say it, then hang up
        return EmergencyAnswer(plan, decision, (reply(plan.told), reply("hanging_up")), end_call=True)
    return EmergencyAnswer(plan, decision, () if plan.put_through else (reply(plan.told),), end_call=False)


def callback_number(phone: str | None, answers: int) -> Decision:
    """The answer to "À quel numéro le secrétariat peut-il vous rappeler ?": a number, "aucun" (``NO_PHONE``),
    or, after a second answer that is not a number, no number: never a loop.

    ``phone``: the number read in the answer (None: none); ``answers``: the patient's messages since the
    form started, this one included. The request is already with the secretariat; a callback number only
    helps it. The form starts in the turn of the hand-over: digits of that message ("123456" said for a
    name) answer no question of it yet (QA: « Je n'ai pas compris ce numéro » before it was asked).
    """
    if phone is not None:
        return Decision({"phone": phone})
    if answers == 0:
        return Decision({"phone": None})
    if answers >= 2:
        return Decision({"phone": NO_PHONE}, (reply("phone_not_noted"),))
    return Decision({"phone": None}, (reply("callback_phone_not_understood"),))


def callback_promise(phone: str) -> Reply:
    """ "le secrétariat vous rappellera au numéro qui se termine par 89." (only the last two digits are said)"""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return reply("callback_promise", digits=digits[-2:])


def callback_noted(escalation_id: int | None, phone: str | None, practice_phone: str, live_transfer: bool) -> Decision:
    """Once the callback form is done: the number kept with the request and said back (its last two digits),
    or, without a number, how to reach the secretariat. Nothing during a live transfer: the channel is
    dialling the secretariat and offers a callback itself if nobody answers."""
    if live_transfer or escalation_id is None:
        return Decision()
    if phone and phone != NO_PHONE:
        return Decision(said=(reply("callback_noted", promise=callback_promise(phone)),), callback_number=phone)
    return Decision(said=(reply("request_sent_call_us", phone=practice_phone),))


def callback_changed(escalation_id: int | None, phone: str | None, words: int) -> Decision:
    """A message once the callback was noted: another number ("rappelez-moi plutôt sur mon fixe, le 03…"),
    or, four words or more without one, details for the secretariat ("Dites-lui que mon père sort de
    l'hôpital…": added to the request, its transcript, not lost); then "autre chose ?"."""
    number = phone if phone not in (None, NO_PHONE) else None
    if escalation_id is not None and number is None and words >= 4:
        details = Handover(say("reason.details"), "human", "routine", announce=False)
        return Decision(said=(reply("details_passed_on"),), handover=details, follow="utter_anything_else")
    if escalation_id is None or number is None:
        return Decision(said=(reply("request_sent"),), follow="utter_anything_else")
    said = (reply("callback_corrected", promise=callback_promise(number)),)
    return Decision({"phone": number}, said, follow="utter_anything_else", callback_number=number)


def practitioner_display(practitioner: Practitioner) -> str:
    """A practitioner as the secretary reads them: "Dr Nadège Bastien"."""
    return f"{practitioner.title} {practitioner.name}".strip()


def _person(words: str, practice: Practice) -> str | None:
    """The person ``words`` name: the practitioner's display name when the practice knows them, else the words
    as said; None for the desk or anyone ("la secrétaire", "n'importe qui")."""
    if asks_for_the_desk(words):
        return None
    found = resolve_practitioner(words, practice)
    if found == ANY_PRACTITIONER:
        return None
    if found is not None:
        return practitioner_display(practice.practitioner(found))
    return clean_name(words) or " ".join(words.split()) or None


def _spanned(entity: Mapping[str, Any]) -> bool:
    return isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int)


def person_asked_for(
    intent: str | None, entities: Sequence[Mapping[str, Any]], text: str, practice: Practice
) -> str | None:
    """Whom "je voudrais parler à Nadège" or "passez-moi le docteur Bastien" asks for (QA: the hand-over lost it).

    A practitioner the NLU read first (its value the practice's id, or the words said for someone the
    practice does not know), else the first name or surname (or spaCy's person: "passez-moi Nadège" may get
    no other) said right after the words that ask for someone
    (:func:`~assistant.language.fr.requests.name_asked_for`; the caller's own name is no one asked for).
    Only for a request for a person (``request_human``), or for the person to tell of a delay (``announce_late``:
    "je vais avoir un quart d'heure de retard, prévenez Nadège"; QA: the request named nobody)."""
    if intent not in ("request_human", "announce_late"):
        return None
    for entity in entities:
        if entity.get("entity") != "practitioner":
            continue
        value = str(entity.get("value") or "")
        said = text[entity["start"] : entity["end"]] if _spanned(entity) else value
        if value == ANY_PRACTITIONER:
            continue
        known = next((p for p in practice.practitioners if p.id == value), None)
        if known is not None:
            return practitioner_display(known)
        person = _person(said or value, practice)
        if person is not None:
            return person
    names = [(e["start"], e["end"]) for e in entities if e.get("entity") in NAME_ENTITIES and _spanned(e)]
    span = name_asked_for(text, names)
    return _person(text[span[0] : span[1]], practice) if span else None


def summary(
    state: ConversationState, asked_for: str | None = None, names_said: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What the dialogue understood so far, for the secretary's written summary: no phone, no birth date.

    The names the patient gave are in it (checked or not: :data:`IDENTITY_KEY` says which, as the
    escalation core reads it), so that a hand-over after answers that could not be understood does not
    start the secretary from zero; so is the person the caller asked for (``asked_for``, see
    :func:`person_asked_for`). ``names_said``: the caller's names the message that hands over gives, where the
    conversation holds none yet (:func:`~assistant.conversation.identity.callers_names_in`). Labels from the
    catalogue (``summary.*``).
    """
    said = names_said or {}
    fields = {
        say("summary.asked_for"): asked_for,
        say("summary.motif"): state.motif,
        say("summary.practitioner"): state.practitioner,
        say("summary.task"): state.task,
        say("summary.last_name"): state.identity.last_name or said.get("last_name"),
        say("summary.first_name"): state.identity.first_name or said.get("first_name"),
        IDENTITY_KEY: "oui" if state.identity.verified else "non",
    }
    return {key: str(value) for key, value in fields.items() if value}
