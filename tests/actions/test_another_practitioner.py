"""QA over REST: "n'importe quel autre kiné" / "un autre praticien" / "pas avec lui, quelqu'un d'autre" after the
slots of one practitioner were read out offered that practitioner again (or listed the practitioners, or handed
the call over). The search is anyone but them, with the day and time already given. Actions on real trackers and
the demo agenda."""

from __future__ import annotations

import pytest

from actions.booking import ActionAskChosenSlot, ValidateSlotChoiceForm
from actions.escalation import ActionEscalate
from actions.info import ActionAnswerInfo
from assistant.dialogue.state import slot_from_dict
from assistant.language.fr.time_wishes import to_serializable
from assistant.nlu.time_wish import parse_time_wish
from tests.actions.conftest import NOW, make_tracker, run_action, slot_events
from tests.builders import PARIS

THURSDAY_MORNING = to_serializable(parse_time_wish("jeudi matin", NOW))
SEARCH = {"task": "book", "motif": "consultation", "patient_status": "existing", "time_wish": THURSDAY_MORNING}


#: The practitioner first asked for (or the first available one: all the slots read out are theirs, QA).
ASKED = "lefebvre"


def read_out(domain, practitioner=ASKED):
    events, _ = run_action(ActionAskChosenSlot(), make_tracker({**SEARCH, "practitioner": practitioner}), domain)
    proposals = slot_events(events)["proposed_slots"]
    assert len({p["practitioner_id"] for p in proposals}) == 1
    return proposals


def asked_again(events, proposals, domain):
    """The slots then read out, with the slots the answer set."""
    slots = {**SEARCH, "practitioner": ASKED, "proposed_slots": proposals, **slot_events(events)}
    new_events, said = run_action(ActionAskChosenSlot(), make_tracker(slots), domain)
    return [slot_from_dict(p) for p in slot_events(new_events)["proposed_slots"]], said


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("n'importe quel autre médecin", [("practitioner", "médecin")]),
        ("un autre praticien", []),
        ("pas avec lui, quelqu'un d'autre", []),
    ],
)
def test_another_practitioner_than_the_one_read_out(container, domain, text, entities):
    proposals = read_out(domain)
    first = proposals[0]["practitioner_id"]
    tracker = make_tracker(
        {**SEARCH, "practitioner": ASKED, "proposed_slots": proposals, "requested_slot": "chosen_slot"},
        text=text,
        entities=[
            {"entity": name, "value": value, "start": text.index(value), "end": text.index(value) + len(value)}
            for name, value in entities
        ],
        active_loop="slot_choice_form",
        events=[{"event": "slot", "name": "practitioner", "value": ASKED}],
        candidates={"chosen_slot": text, **{name: value for name, value in entities}},
    )
    events, _ = run_action(ValidateSlotChoiceForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["chosen_slot"] is None and slots["proposed_slots"] is None
    assert slots.get("time_wish", THURSDAY_MORNING) == THURSDAY_MORNING  # the day and time given stay
    found, _ = asked_again(events, proposals, domain)
    assert found and all(s.practitioner_id != first and s.start.astimezone(PARIS).weekday() == 3 for s in found)


@pytest.mark.parametrize(
    ("action", "intent", "text"),
    [
        (ActionEscalate(), "request_human", "pas avec lui, quelqu'un d'autre"),
        (ActionAnswerInfo(), "ask_practitioners", "un autre praticien"),
    ],
)
def test_another_practitioner_misread_as_a_hand_over_or_a_question(container, domain, action, intent, text):
    """The model read these as a request for a person (the call was handed over) and as a question about the
    practitioners (they were listed, then the same slots read out again)."""
    proposals = read_out(domain)
    first = proposals[0]["practitioner_id"]
    tracker = make_tracker(
        {**SEARCH, "practitioner": ASKED, "proposed_slots": proposals, "requested_slot": "chosen_slot"},
        text=text,
        intent=intent,
        active_loop="slot_choice_form",
    )
    events, said = run_action(action, tracker, domain)
    assert said == ["D'accord."] and not any(e.get("event") == "active_loop" for e in events)
    assert {"event": "followup", "name": "slot_choice_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    found, _ = asked_again(events, proposals, domain)
    assert found and all(s.practitioner_id != first for s in found)


def test_a_request_for_a_person_while_slots_are_read_out_is_still_one(container, domain):
    proposals = read_out(domain)
    tracker = make_tracker(
        {**SEARCH, "proposed_slots": proposals, "requested_slot": "chosen_slot"},
        text="je voudrais parler à quelqu'un d'autre",
        intent="request_human",
        active_loop="slot_choice_form",
    )
    events, _ = run_action(ActionEscalate(), tracker, domain)
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
