"""QA over REST: "julien bernard" (first name then surname, lower case, as speech-to-text writes it) said to
« C'est à quel nom ? » was stored the other way round, and "non bernard c'est le nom julien le prénom" did not
set it right. Actions on real trackers."""

from __future__ import annotations

import pytest

from actions.identity import ValidateIdentityForm
from tests.actions.conftest import make_tracker, run_action, slot_events

NAMES = {"task": "book", "motif": "consultation", "practitioner": "any"}


def name_tracker(requested, text, entities, slots=None, events=(), from_text=False):
    spans = [
        {"entity": name, "value": value, "start": text.index(value), "end": text.index(value) + len(value)}
        for name, value in entities
    ]
    return make_tracker(
        {**NAMES, **(slots or {}), "requested_slot": requested},
        text=text,
        entities=spans,
        active_loop="identity_form",
        events=list(events),
        # the question's own slot takes the whole text too (its from_text mapping) when nothing else fills it
        candidates={**({requested: text} if from_text or not entities else {}), **dict(entities)},
    )


@pytest.mark.parametrize(
    "entities",
    [
        [("last_name", "julien"), ("first_name", "bernard")],  # read the other way round (QA)
        [("last_name", "julien bernard")],  # read as one surname
        [],  # no entity: the whole answer, from the text
    ],
)
def test_a_whole_name_said_for_the_surname_is_first_name_then_surname(container, domain, entities):
    events, _ = run_action(ValidateIdentityForm(), name_tracker("last_name", "julien bernard", entities), domain)
    slots = slot_events(events)
    assert slots["last_name"] == "Bernard" and slots["first_name"] == "Julien"


def test_a_correction_saying_which_is_the_surname_wins(container, domain):
    text = "non bernard c'est le nom julien le prénom"
    before = [
        {"event": "slot", "name": "last_name", "value": "Julien"},
        {"event": "slot", "name": "first_name", "value": "Bernard"},
    ]
    for entities in ([("last_name", "julien"), ("first_name", "bernard")], [("last_name", "bernard")]):
        slots = {"last_name": "Julien", "first_name": "Bernard"}
        tracker = name_tracker("birth_date", text, entities, slots, before, from_text=True)
        events, said = run_action(ValidateIdentityForm(), tracker, domain)
        slots = slot_events(events)
        assert slots["last_name"] == "Bernard" and slots["first_name"] == "Julien", entities
        # no failed answer to the birth date (QA: « Je n'ai pas compris la date de naissance »): noted, asked again
        assert said == ["C'est noté."] and "failed_answers" not in slots and slots["birth_date"] is None
