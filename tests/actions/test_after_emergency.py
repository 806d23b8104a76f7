"""After an emergency no request resumes, and what is said names the number of that emergency (issue 16).

QA: `mon pere a la bouche de travers` in the identity form → the 15 (correct); then `12 mars 1985` got
« À quel numéro de portable peut-on vous joindre ? », the number « Je transmets votre demande au
secrétariat… » (« Aucun créneau disponible » added to the emergency's reason), and `oui` « Appelez le 15 ».
After suicidal words every later message got « Appelez le 15 », never the 3114; `mal a la poitrine`
said for the name was in the hand-over summary as the patient's name.
"""

from __future__ import annotations

from actions.booking import ActionBookAppointment
from actions.escalation import ActionHandleEmergency
from actions.identity import ValidateIdentityForm
from tests.actions.conftest import make_tracker, run_action, slot_events

BOOKING = {"task": "book", "motif": "consultation", "practitioner": "lefebvre"}


def said_before(text: str, category: str, intent: str = "emergency") -> list[dict]:
    """An earlier message of the conversation and what the NLU and the red-flag rules made of it."""
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "triage": {"category": category, "rules": ["idees-suicidaires"] if category == "suicide" else ["signes-avc"]},
    }
    return [
        {"event": "user", "text": text, "parse_data": parse_data},
        {"event": "slot", "name": "emergency", "value": True},
    ]


def followup(events):
    return next((event["name"] for event in events if event.get("event") == "followup"), None)


def form_ended(events):
    return any(event.get("event") == "active_loop" and event.get("name") is None for event in events)


def test_an_emergency_said_for_the_name_is_not_kept_as_the_name(container, domain):
    tracker = make_tracker(
        {**BOOKING, "requested_slot": "last_name"},
        text="mal a la poitrine",
        intent="emergency",
        active_loop="identity_form",
        candidates={"last_name": "mal a la poitrine"},  # the form's from_text mapping took it
    )
    tracker.latest_message["triage"] = {
        "category": "emergency",
        "numbers": ["15", "112", "114"],
        "reasons": ["Douleur ou oppression dans la poitrine"],
        "rules": ["douleur-thoracique"],
    }
    events, said = run_action(ActionHandleEmergency(), tracker, domain)
    assert "15" in said[0]
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["task"] is None and slots["emergency"] is True
    (escalation,) = container.escalations.list_open()
    assert "nom" not in escalation.understood


def test_no_form_resumes_after_an_emergency_and_nothing_is_asked_about_identity(container, domain):
    known = {**BOOKING, "last_name": "Martin", "first_name": "Paul", "emergency": True, "requested_slot": None}
    tracker = make_tracker(
        known,
        text="12 mars 1985",
        events=said_before("mon pere a la bouche de travers", "emergency"),
        candidates={"birth_date": "12 mars 1985"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)  # the form started again by TED
    assert form_ended(events) and followup(events) == "action_handle_emergency" and said == []
    assert not any(e.get("name") == "requested_slot" and e.get("value") for e in events if e.get("event") == "slot")
    # the emergency action then says the number again, books nothing and opens no second hand-over
    events, said = run_action(ActionHandleEmergency(), tracker, domain)
    assert said == ["Ce que vous m'avez décrit peut être une urgence : je ne prends pas de rendez-vous. Appelez le 15."]
    assert container.escalations.list_open() == [] and slot_events(events)["task"] is None


def test_after_suicidal_words_a_booking_request_names_the_3114(container, domain):
    tracker = make_tracker(
        {"emergency": True, "task": "book"},
        text="je voudrais un rendez-vous",
        intent="book_appointment",
        events=said_before("j'ai envie d'en finir", "suicide"),
    )
    _, said = run_action(ActionHandleEmergency(), tracker, domain)
    assert "3114" in said[0] and said[0].index("3114") < said[0].index("15")
    # and the read-back's yes, had it been reached, says the 3114 too
    tracker = make_tracker(
        {"emergency": True, "task": "book", "chosen_slot": {"start": "2026-11-26T09:00:00+00:00"}},
        text="oui",
        intent="affirm",
        events=said_before("j'ai envie d'en finir", "suicide"),
    )
    _, said = run_action(ActionBookAppointment(), tracker, domain)
    assert "3114" in said[0]


def test_a_question_after_an_emergency_gets_its_answer(container, domain):
    tracker = make_tracker(
        {"emergency": True},
        text="vous êtes ouverts le samedi ?",
        intent="ask_hours",
        events=said_before("j'ai envie d'en finir", "suicide"),
    )
    events, said = run_action(ActionHandleEmergency(), tracker, domain)
    assert said == [] and followup(events) == "action_answer_info"


def test_the_read_back_after_an_emergency_hands_nothing_over_again(container, domain):
    from actions.booking import ActionConfirmBooking

    tracker = make_tracker(
        {**BOOKING, "emergency": True, "chosen_slot": None, "last_name": "Martin", "first_name": "Paul"},
        text="06 01 02 03 04",
        events=said_before("mon pere a la bouche de travers", "emergency"),
    )
    _, said = run_action(ActionConfirmBooking(), tracker, domain)
    assert said == ["Ce que vous m'avez décrit peut être une urgence : je ne prends pas de rendez-vous. Appelez le 15."]
    assert container.escalations.list_open() == []
