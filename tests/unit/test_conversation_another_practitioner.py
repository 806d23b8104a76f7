"""Another practitioner than the one whose slots were read out ("n'importe quel autre kiné", "un autre
praticien", "pas avec lui, quelqu'un d'autre"): QA offered the same practitioner again. The search is anyone
but them, and the time wish already given stays. Conversation layer, its French reading and the core search."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from dateutil import tz

from assistant.conversation import booking
from assistant.conversation.decision import excluded_practitioners
from assistant.conversation.slot_choice import ChoiceAnswer, alternatives, choice_answer, search_changes
from assistant.core.model import Slot
from assistant.core.practice_config import load_practice_file
from assistant.core.slots import search_slots
from assistant.core.windows import TimeWish
from assistant.language.fr.choices import resolve_practitioner
from assistant.language.fr.practitioners import asks_another_practitioner

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_practice_file(ROOT / "practices" / "demo-lille.yml")
#: A motif several practitioners do, and two of them.
MOTIF = next(m for m in PRACTICE.appointment_types if len(m.practitioner_ids) >= 3)
FIRST, SECOND = MOTIF.practitioner_ids[0], MOTIF.practitioner_ids[1]
PARIS = tz.gettz("Europe/Paris")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def slots_of(practitioner_id: str, count: int = 3) -> list[Slot]:
    start = datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)
    return [
        Slot(start + timedelta(hours=i), start + timedelta(hours=i, minutes=20), practitioner_id, MOTIF.id)
        for i in range(count)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "n'importe quel autre kiné",
        "un autre praticien",
        "pas avec lui, quelqu'un d'autre",
        "une autre kiné s'il vous plaît",
        "avec un autre docteur",
        "pas avec elle",
    ],
)
def test_asking_for_another_practitioner_is_read(text: str) -> None:
    assert asks_another_practitioner(text)


@pytest.mark.parametrize(
    "text", ["un autre jour", "un autre créneau", "le deuxième", "c'est pour quelqu'un d'autre", "autre chose"]
)
def test_another_day_or_another_patient_is_no_other_practitioner(text: str) -> None:
    assert not asks_another_practitioner(text)


def test_another_practitioner_excludes_the_one_proposed_and_keeps_the_wish() -> None:
    changes = search_changes(None, None, slots_of(FIRST))
    assert excluded_practitioners(changes["practitioner"]) == (FIRST,)
    assert changes["proposed_slots"] is None and changes["chosen_slot"] is None
    assert "time_wish" not in changes  # the day and time already given stay
    # read as "anyone" wherever a practitioner is read, never as the one set aside
    assert resolve_practitioner(changes["practitioner"], PRACTICE, MOTIF) == "any"


def test_a_second_time_sets_aside_the_first_one_too() -> None:
    first = search_changes(None, None, slots_of(FIRST))["practitioner"]
    second = search_changes(None, None, slots_of(SECOND), first)["practitioner"]
    assert set(excluded_practitioners(second)) == {FIRST, SECOND}


def test_the_un_of_un_autre_is_no_choice_of_the_first_slot() -> None:
    proposals = slots_of(FIRST)
    answer = ChoiceAnswer(index=0, new_search=search_changes(None, None, proposals))
    decision = choice_answer(proposals, answer, None)
    assert "chosen_slot" in decision.changes and decision.changes["chosen_slot"] is None
    assert excluded_practitioners(decision.changes["practitioner"]) == (FIRST,)


def test_the_search_is_anyone_but_them_with_the_wish() -> None:
    wish = TimeWish(weekdays=(3,))  # "jeudi"
    asked = search_changes(None, None, slots_of(FIRST))["practitioner"]
    query = booking.slot_query(MOTIF, resolve_practitioner(asked, PRACTICE, MOTIF), wish, False, asked)
    assert query.practitioner_ids == () and query.excluded_practitioner_ids == (FIRST,) and query.wish == wish
    found = search_slots(PRACTICE, query, {}, NOW)
    assert found and all(slot.practitioner_id != FIRST and slot.start.weekday() == 3 for slot in found)
    # nor when the wish has nothing and the alternatives are tried
    for alternative in alternatives(query, None):
        assert alternative.query.excluded_practitioner_ids == (FIRST,)
