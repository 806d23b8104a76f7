"""A message read as a change of mind without the words of one drops nothing (issue 16).

QA: "je me suis fait vomir" in a booking got « D'accord, j'abandonne cette demande. »
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions.conversation import ActionChangeMind
from assistant.language.fr.requests import says_change_of_mind
from tests.actions.conftest import make_tracker, run_action, slot_events

ROOT = Path(__file__).resolve().parents[2]


def followup(events):
    return next((event["name"] for event in events if event.get("event") == "followup"), None)


def test_words_that_are_no_change_of_mind_drop_no_request(container):
    tracker = make_tracker(
        {"task": "book", "motif": "consultation", "last_name": "Dupont", "requested_slot": "first_name"},
        text="je me suis fait vomir",
        intent="change_mind",
        active_loop="identity_form",
    )
    events, said = run_action(ActionChangeMind(), tracker, {})
    assert said == ["Pardon, je n'ai pas bien compris votre réponse."]
    assert followup(events) == "identity_form" and "task" not in slot_events(events)
    assert not any(event.get("event") == "active_loop" for event in events)
    # outside a form: a message not understood
    tracker = make_tracker({"task": None}, text="je me suis fait vomir", intent="change_mind")
    events, _ = run_action(ActionChangeMind(), tracker, {})
    assert followup(events) == "action_handle_fallback"


def test_a_real_change_of_mind_still_drops_the_request(container):
    tracker = make_tracker(
        {"task": "book", "motif": "consultation", "requested_slot": "first_name"},
        text="finalement non laissez tomber",
        intent="change_mind",
        active_loop="identity_form",
    )
    _, said = run_action(ActionChangeMind(), tracker, {})
    assert said == ["D'accord, j'abandonne cette demande."]


def test_every_change_of_mind_of_the_training_data_has_the_words_of_one():
    data = yaml.safe_load((ROOT / "data" / "nlu" / "dialogue.yml").read_text(encoding="utf-8"))
    (block,) = [block for block in data["nlu"] if block.get("intent") == "change_mind"]
    examples = [
        re.sub(r"\[([^\]]+)\]\{[^}]+\}", r"\1", line[2:])
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]
    assert len(examples) > 100 and [example for example in examples if not says_change_of_mind(example)] == []
    assert not says_change_of_mind("je me suis fait vomir")
