"""Informing, without Rasa (``assistant.conversation.informing``): which question, about what, which answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil import tz

from assistant.conversation.informing import (
    Question,
    answer,
    asked_motif,
    asked_practitioner,
    asked_when,
    question_of,
)
from assistant.core.practice_config import load_practice_file
from assistant.core.windows import Interval, TimeWish
from assistant.dialogue.answers import answer_address, answer_documents, answer_hours, answer_practitioners

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_practice_file(ROOT / "practices" / "demo-lille.yml")
PARIS = tz.gettz("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


def test_a_question_is_its_own_intent_and_a_follow_up_asks_the_previous_one() -> None:
    assert question_of("ask_fees", [], None) == "ask_fees"
    assert question_of("inform", ["time_wish"], "ask_hours") == "ask_hours"  # "et demain ?"
    assert question_of("inform", ["last_name"], "ask_hours") is None
    assert question_of("inform", ["practitioner"], None) is None


def test_the_answer_is_the_practice_files_for_the_question_asked() -> None:
    assert answer(Question("ask_address", "où êtes-vous ?"), PRACTICE, NOW) == answer_address(
        PRACTICE, "où êtes-vous ?"
    )
    hours = Question("ask_hours", "le docteur Benali consulte le samedi ?", "benali", 5)
    assert answer(hours, PRACTICE, NOW) == answer_hours(PRACTICE, NOW, "benali", 5, None, hours.text)
    blood = PRACTICE.appointment_type("prise-de-sang")
    assert answer(Question("ask_documents", "", motif=blood), PRACTICE, NOW) == answer_documents(PRACTICE, blood)
    assert answer(Question("ask_practitioners", "qui ?"), PRACTICE, NOW) == answer_practitioners(
        PRACTICE, None, "qui ?"
    )


def test_the_practitioner_asked_about_is_named_or_in_the_words() -> None:
    assert asked_practitioner("benali", "", [], PRACTICE) == "benali"
    assert asked_practitioner(None, "les horaires du kiné", [], PRACTICE) == "mercier"
    assert asked_practitioner(None, "vous êtes ouverts samedi ?", [], PRACTICE) is None


def test_the_day_asked_about() -> None:
    saturday = (NOW + timedelta(days=5)).replace(hour=0)
    one_day = TimeWish(intervals=(Interval(saturday, saturday + timedelta(days=1)),))
    assert asked_when(one_day, PARIS)[1] == date(2026, 11, 28)
    assert asked_when(TimeWish(weekdays=(5,)), PARIS)[0] == 5
    assert asked_when(None, PARIS) == (None, None)


def test_the_motif_asked_about_is_named_then_the_bookings_then_the_previous_questions() -> None:
    assert asked_motif(["prise de sang"], "vaccination", [], PRACTICE).id == "prise-de-sang"
    assert asked_motif([], "vaccination", ["prise de sang"], PRACTICE).id == "vaccination"
    assert asked_motif([], None, ["prise de sang"], PRACTICE).id == "prise-de-sang"
    assert asked_motif([], None, [], PRACTICE) is None
