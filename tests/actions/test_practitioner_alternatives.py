"""Two practitioners named in one message: the one wanted is kept, not the last one named (Rasa fills a
slot with a message's last entity: the second of "avec X ou sinon Y" was offered, QA 2026-12-07)."""

from __future__ import annotations

import pytest

from actions import runtime
from actions.booking import ValidateBookingForm
from tests.actions.conftest import make_tracker, run_action, slot_events


def _two_doctors():
    practice = runtime.container().escalations.practice()
    motif = next(m for m in practice.appointment_types if len(m.practitioner_ids) >= 2 and m.new_patients)
    first, second = (practice.practitioner(pid) for pid in motif.practitioner_ids[:2])
    return motif, first, second


@pytest.mark.parametrize(
    ("pattern", "wanted"),
    [
        ("avec {a} ou sinon {b} mardi", 0),  # alternatives: the first is preferred
        ("{a} ou {b} ça m'est égal", 0),
        ("pas {a} plutôt {b}", 1),  # a correction: the last
        ("non pas avec {a} je voulais dire {b}", 1),
    ],
)
def test_the_practitioner_wanted_among_two_named_is_kept(container, domain, pattern: str, wanted: int) -> None:
    motif, first, second = _two_doctors()
    a, b = first.name.split()[-1], second.name.split()[-1]
    text = pattern.format(a=a, b=b)
    entities = [
        {"entity": "practitioner", "value": first.id, "start": text.index(a), "end": text.index(a) + len(a)},
        {"entity": "practitioner", "value": second.id, "start": text.index(b), "end": text.index(b) + len(b)},
    ]
    tracker = make_tracker(
        {"motif": motif.id, "requested_slot": "practitioner", "patient_status": "existing"},
        text=text,
        entities=entities,
        active_loop="booking_form",
        candidates={"practitioner": second.id},  # what Rasa extracted: the last one named
    )
    events, _said = run_action(ValidateBookingForm(), tracker, domain)
    assert slot_events(events)["practitioner"] == (first.id, second.id)[wanted]
