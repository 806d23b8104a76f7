"""The forms read the phone number in the whole message, not in the last group DIET tagged.

QA: "06 01 02 03 04" (the README's example) and the number said « chiffre par chiffre », as the bot itself
asks, were refused: DIET tagged each group as a ``phone_number`` entity, and Rasa fills a text slot with
the last one ("04").
"""

from __future__ import annotations

import pytest

from actions.escalation import ValidateCallbackForm
from actions.identity import ValidateIdentityForm
from tests.actions.conftest import make_tracker, run_action, slot_events

SAID = [
    "06 01 02 03 04",
    "0 6 0 1 0 2 0 3 0 4",
    "zéro six zéro un zéro deux zéro trois zéro quatre",
    "euh c'est le 06, euh, 01 02 03 04",
    "+33 6 01 02 03 04",
]


def _tagged_last_group(said: str) -> str:
    """What Rasa puts in the slot when each group is an entity: the last one."""
    return said.split()[-1]


@pytest.mark.parametrize("said", SAID)
def test_the_identity_form_reads_the_whole_number(container, domain, said):
    tracker = make_tracker(
        {
            "task": "book",
            "last_name": "Dupont",
            "first_name": "Marie",
            "birth_date": "1985-03-12",
            "requested_slot": "phone",
        },
        text=said,
        active_loop="identity_form",
        candidates={"phone": _tagged_last_group(said)},
    )
    events, told = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["phone"] == "06 01 02 03 04"
    assert not any("numéro" in text for text in told)


@pytest.mark.parametrize("said", SAID)
def test_the_callback_form_reads_the_whole_number(container, domain, said):
    tracker = make_tracker(
        {"requested_slot": "phone"},
        text=said,
        active_loop="callback_form",
        candidates={"phone": _tagged_last_group(said)},
    )
    events, told = run_action(ValidateCallbackForm(), tracker, domain)
    assert slot_events(events)["phone"] == "06 01 02 03 04" and told == []


def test_the_hint_given_after_a_wrong_number_is_a_way_that_works(container, domain):
    tracker = make_tracker(
        {"requested_slot": "phone"}, text="bof", active_loop="callback_form", candidates={"phone": "bof"}
    )
    _, told = run_action(ValidateCallbackForm(), tracker, domain)
    assert "chiffre par chiffre" in told[0] and "zéro six, douze" in told[0]
    # both ways it names: digit by digit, and in pairs
    for said in (
        "zéro, six, zéro, un, zéro, deux, zéro, trois, zéro, quatre",
        "zéro six, zéro un, zéro deux, zéro trois, zéro quatre",
    ):
        answer = make_tracker(
            {"requested_slot": "phone"}, text=said, active_loop="callback_form", candidates={"phone": said}
        )
        events, told = run_action(ValidateCallbackForm(), answer, domain)
        assert slot_events(events)["phone"] == "06 01 02 03 04" and told == []
