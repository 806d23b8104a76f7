"""Informing: which practical question a message asks, about whom, when and which motif, and its answer.

The answers are built from the practice file by ``assistant.dialogue.answers``; this module decides
which one, and what a short follow-up ("et demain ?", "et pour le kiné ?") asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from assistant.conversation.decision import ANY_PRACTITIONER
from assistant.core.model import AppointmentType, Practice
from assistant.core.windows import TimeWish
from assistant.dialogue.answers import (
    answer_address,
    answer_documents,
    answer_fees,
    answer_hours,
    answer_on_call,
    answer_practitioners,
    asked_day,
    asked_weekday,
)
from assistant.language.fr.choices import resolve_practitioner
from assistant.language.fr.motifs import resolve_motif

#: The practical questions answered from the practice file (data/rules.yml lists the same).
INFO_INTENTS = ("ask_hours", "ask_address", "ask_fees", "ask_documents", "ask_practitioners", "ask_on_call")
#: What a follow-up ("et demain ?", "et pour le kiné ?", "et le docteur Durand ?") changes in the question.
FOLLOW_UP_ENTITIES = ("time_wish", "practitioner", "motif")
#: The questions whose answer depends on the motif.
ABOUT_A_MOTIF = ("ask_fees", "ask_documents")


def question_of(intent: str | None, entities: Sequence[str], previous: str | None) -> str | None:
    """The practical question a message asks: its own, or, for a short follow-up naming a day, a
    practitioner or a motif, the ``previous`` question's ("Vous fermez à quelle heure ce soir ?" then
    "et demain ?"). None: nothing to ask about."""
    if intent in INFO_INTENTS:
        return intent
    if not any(entity in FOLLOW_UP_ENTITIES for entity in entities):
        return None
    return previous


@dataclass(frozen=True)
class Question:
    """A practical question and what it is about."""

    intent: str  # one of INFO_INTENTS
    text: str  # the words of the question: an address question may ask only for the parking
    practitioner: str | None = None
    #: The day asked about: a weekday ("le samedi") or a date ("le 25 décembre").
    weekday: int | None = None
    day: date | None = None
    motif: AppointmentType | None = None  # what a fees or documents question is about


def answer(question: Question, practice: Practice, now: datetime) -> str:
    """The answer from the practice file, short enough to be spoken, to what the question asks only."""
    text = question.text
    if question.intent == "ask_hours":
        return answer_hours(practice, now, question.practitioner, question.weekday, question.day, text)
    if question.intent == "ask_address":
        return answer_address(practice, text)
    if question.intent == "ask_fees":
        return answer_fees(practice, text, question.motif)
    if question.intent == "ask_documents":  # what to bring, how to prepare, whether a prescription is needed
        return answer_documents(practice, question.motif, text)
    if question.intent == "ask_on_call":
        return answer_on_call(practice, text)
    return answer_practitioners(practice, question.practitioner, text)


def asked_practitioner(named: str | None, text: str, motifs_said: Sequence[str], practice: Practice) -> str | None:
    """Who a question is about: the practitioner named, else the words of the question ("les horaires du
    kiné": "kiné" can come out as a motif whose synonym is the practitioner, or as no entity at all)."""
    practitioner = resolve_practitioner(named, practice) if named else None
    if practitioner is None:
        asked = resolve_practitioner(text, practice)
        practitioner = asked if asked != ANY_PRACTITIONER else None
    if practitioner is None:
        for value in motifs_said:
            if resolve_motif(value, practice) is None:
                practitioner = resolve_practitioner(value, practice)
                if practitioner is not None:
                    break
    return None if practitioner in (None, ANY_PRACTITIONER) else practitioner


def asked_when(wish: TimeWish | None, tz: tzinfo) -> tuple[int | None, date | None]:
    """The weekday and the date a question asks about ("samedi", "le 25 décembre"); none: the whole week."""
    if wish is None:
        return None, None
    return asked_weekday(wish, tz), asked_day(wish, tz)


def asked_motif(
    said: Sequence[str], booking: str | None, said_before: Sequence[str], practice: Practice
) -> AppointmentType | None:
    """The motif a question is about: the one it names ("à jeun pour la prise de sang"), else the
    booking's, else the one the previous question named ("faut être à jeun ?" right after a question
    about the blood test). The motif slot is not filled from questions: a question must not change the booking."""
    for value in said:
        motif = resolve_motif(value, practice)
        if motif is not None:
            return motif
    if booking:
        return resolve_motif(booking, practice)
    for value in said_before:
        motif = resolve_motif(value, practice)
        if motif is not None:
            return motif
    return None
