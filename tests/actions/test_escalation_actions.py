"""Safety and hand-over actions on real trackers and a real SQLite agenda (escalations table)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.base import TAKE_YOUR_TIME
from actions.booking import ActionBookAppointment
from actions.escalation import (
    ActionEscalate,
    ActionHandleEmergency,
    ActionHandleFallback,
    ActionRecordCallback,
    ActionUpdateCallback,
    ValidateCallbackForm,
)
from actions.info import ActionAnswerInEnglish
from assistant.clock import FixedClock
from tests.actions.conftest import make_tracker, run_action, slot_events
from tests.builders import at

PHONE = {"channel": "twilio_voice_fr", "metadata": {"caller": "+33612345678", "call_sid": "CA123"}}


def messages(action, tracker, domain) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher.messages


def open_escalations(container):
    return container.escalations.list_open()


def emergency_tracker(text: str, category: str = "emergency", numbers=("15", "112", "114"), **kwargs):
    tracker = make_tracker(text=text, intent="emergency", **kwargs)
    # As the triage rules answer: suicidal words match the suicide rule, and an overdose (the 15 first)
    # an emergency rule too.
    rules = ["douleur-thoracique"]
    if category == "suicide":
        rules = ["idees-suicidaires", "intoxication"] if numbers[0] == "15" else ["idees-suicidaires"]
    tracker.latest_message["triage"] = {
        "category": category,
        "urgency": "immediate",
        "numbers": list(numbers),
        "reasons": ["Douleur thoracique"],
        "rules": rules,
    }
    return tracker


def test_an_emergency_gives_the_number_first_and_records_an_immediate_escalation(container, domain):
    tracker = emergency_tracker(
        "j'ai très mal à la poitrine", slots={"motif": "consultation"}, active_loop="booking_form"
    )
    events, said = run_action(ActionHandleEmergency(), tracker, domain)
    assert "15" in said[0] and "112" in said[0] and "114" in said[0]
    (escalation,) = open_escalations(container)
    assert escalation.urgency == "immediate" and escalation.category == "emergency"
    assert escalation.reason == "Douleur thoracique" and escalation.conversation_id == "conv-test"
    slots = slot_events(events)
    assert slots["emergency"] is True and slots["motif"] is None
    assert any(event["event"] == "active_loop" and event["name"] is None for event in events)


def test_suicidal_thoughts_give_3114_and_an_overdose_gives_15_first(container, domain):
    _, said = run_action(
        ActionHandleEmergency(), emergency_tracker("envie d'en finir", "suicide", ("3114", "15")), domain
    )
    assert said[0].index("3114") < said[0].index("15")
    _, said = run_action(
        ActionHandleEmergency(),
        emergency_tracker("j'ai avalé tous mes cachets", "suicide", ("15", "3114", "112"), sender_id="conv-2"),
        domain,
    )
    assert said[0].index("15") < said[0].index("3114")


def test_on_the_phone_an_emergency_ends_the_call_so_the_line_is_free(container, domain):
    _, sent = messages(ActionHandleEmergency(), emergency_tracker("il ne respire plus", **PHONE), domain)
    assert {"end_call": True} in [message.get("custom") for message in sent]


def test_at_night_an_emergency_does_not_pretend_the_secretariat_knows_now(container, domain):
    runtime.container().clock = FixedClock(at(2026, 11, 23, 21, 30))  # Monday night: nobody at the desk
    _, sent = messages(ActionHandleEmergency(), emergency_tracker("il ne respire plus", **PHONE), domain)
    said = " ".join(message.get("text") or "" for message in sent)
    assert "dès sa réouverture" in said and "J'ai aussi prévenu" not in said
    assert {"end_call": True} in [message.get("custom") for message in sent]
    runtime.container().clock = FixedClock(at(2026, 11, 23, 10, 0))
    _, sent = messages(ActionHandleEmergency(), emergency_tracker("il ne respire plus", sender_id="c2"), domain)
    assert "prévenu le secrétariat" in " ".join(message.get("text") or "" for message in sent)


def test_on_the_phone_in_staffed_hours_a_person_in_distress_is_put_through_not_hung_up_on(container, domain):
    tracker = emergency_tracker("j'ai envie d'en finir", "suicide", ("3114", "15"), **PHONE)
    _, sent = messages(ActionHandleEmergency(), tracker, domain)
    assert "3114" in sent[0]["text"]  # the number first, always
    customs = [message["custom"] for message in sent if message.get("custom")]
    assert customs and "handover" in customs[0] and {"end_call": True} not in customs
    (escalation,) = open_escalations(container)
    assert escalation.category == "suicide" and customs[0]["handover"]["escalation_id"] == escalation.id
    # at night nobody can take the call: the 3114, then the line is freed
    runtime.container().clock = FixedClock(at(2026, 11, 23, 21, 30))
    night = emergency_tracker("j'ai envie d'en finir", "suicide", ("3114", "15"), sender_id="c3", **PHONE)
    _, sent = messages(ActionHandleEmergency(), night, domain)
    assert {"end_call": True} in [message.get("custom") for message in sent]
    # an overdose (15 first) always frees the line for the 15, even in staffed hours
    runtime.container().clock = FixedClock(at(2026, 11, 23, 10, 0))
    overdose = emergency_tracker("j'ai avalé mes cachets", "suicide", ("15", "3114"), sender_id="c4", **PHONE)
    _, sent = messages(ActionHandleEmergency(), overdose, domain)
    assert {"end_call": True} in [message.get("custom") for message in sent]


def test_no_booking_ever_after_an_emergency(container, domain):
    day = at(2026, 11, 26, 9, 0).date()
    before = container.agenda.agenda(day)
    slots = {"emergency": True, "chosen_slot": {"start": "2026-11-26T09:00:00+00:00"}, "task": "book"}
    _, said = run_action(ActionBookAppointment(), make_tracker(slots), domain)
    assert "15" in said[0]
    assert container.agenda.agenda(day) == before


def test_a_medical_question_is_escalated_without_advice_and_asks_a_callback_number(container, domain):
    tracker = make_tracker(text="est-ce que je peux prendre de l'ibuprofène", intent="medical_question")
    events, said = run_action(ActionEscalate(), tracker, domain)
    assert "avis médical" in said[0]
    (escalation,) = open_escalations(container)
    assert escalation.category == "sensitive" and escalation.reason == "Question médicale"
    assert escalation.transcript[-1] == ("patient", "est-ce que je peux prendre de l'ibuprofène")
    assert slot_events(events)["phone"] is None  # unknown: the callback form asks for it


def test_each_sensitive_request_is_acknowledged_for_what_it_is(container, domain):
    """A complaint is not answered with "no medical advice"; every one is escalated all the same."""
    asked = {
        "complaint": ("j'ai attendu une heure c'est inadmissible", "Je suis désolé pour ce désagrément."),
        "ask_results": ("mes résultats sont arrivés", "Je n'ai pas accès aux résultats"),
        "request_records": ("je voudrais une copie de mon dossier", "Je ne peux pas envoyer de documents"),
    }
    for intent, (text, heard) in asked.items():
        tracker = make_tracker(text=text, intent=intent, sender_id=f"conv-{intent}")
        _, said = run_action(ActionEscalate(), tracker, domain)
        assert said[0].startswith(heard) and not any("avis médical" in line for line in said)
    assert sorted(e.reason for e in open_escalations(container)) == [
        "Demande de dossier médical",
        "Demande de résultats",
        "Réclamation",
    ]


def test_an_urgent_triage_raises_the_urgency(container, domain):
    tracker = make_tracker(text="il faut voir un médecin aujourd'hui", intent="medical_question")
    tracker.latest_message["triage"] = {"category": "urgent", "reasons": ["Besoin d'un médecin aujourd'hui"]}
    run_action(ActionEscalate(), tracker, domain)
    (escalation,) = open_escalations(container)
    assert escalation.urgency == "urgent" and escalation.category == "urgent"


def test_a_patient_running_late_is_passed_on_for_today(container, domain):
    tracker = make_tracker(text="je vais avoir un quart d'heure de retard", intent="announce_late")
    _, said = run_action(ActionEscalate(), tracker, domain)
    assert said[0] == "Merci de prévenir." and "secrétariat" in said[1]
    (escalation,) = open_escalations(container)
    assert escalation.reason == "Retard annoncé pour un rendez-vous"
    assert (escalation.category, escalation.urgency) == ("human", "urgent")  # "à traiter aujourd'hui"


def test_a_callback_number_is_validated_and_recorded(container, domain):
    tracker = make_tracker(text="je veux parler à quelqu'un", intent="request_human")
    events, _ = run_action(ActionEscalate(), tracker, domain)
    escalation_id = slot_events(events)["escalation_id"]
    bad = make_tracker(
        {"requested_slot": "phone"}, text="bof", active_loop="callback_form", candidates={"phone": "bof"}
    )
    events, said = run_action(ValidateCallbackForm(), bad, domain)
    assert slot_events(events)["phone"] is None and "chiffre par chiffre" in said[0]
    good_text = "zéro six douze trente-quatre cinquante-six soixante-dix-huit"
    good = make_tracker(
        {"requested_slot": "phone"}, text=good_text, active_loop="callback_form", candidates={"phone": good_text}
    )
    events, _ = run_action(ValidateCallbackForm(), good, domain)
    phone = slot_events(events)["phone"]
    _, said = run_action(ActionRecordCallback(), make_tracker({"escalation_id": escalation_id, "phone": phone}), domain)
    assert said[0].endswith("78.")
    (escalation,) = open_escalations(container)
    assert escalation.callback_requested and escalation.callback_number.replace(" ", "") == "0612345678"


def test_the_callback_number_is_not_asked_forever(container, domain):
    """Seen on the demo: seven answers that were not numbers, seven "Je n'ai pas compris ce numéro"."""
    tracker = make_tracker(text="je veux parler à quelqu'un", intent="request_human")
    events, _ = run_action(ActionEscalate(), tracker, domain)
    escalation_id = slot_events(events)["escalation_id"]
    started = [
        {"event": "active_loop", "name": "callback_form"},
        {"event": "user", "text": "oui il est déjà venu", "parse_data": {"intent": {"name": "inform"}}},
    ]
    second = make_tracker(
        {"requested_slot": "phone"},
        text="mercredi après-midi",
        active_loop="callback_form",
        candidates={"phone": "mercredi après-midi"},
        events=started,
    )
    events, said = run_action(ValidateCallbackForm(), second, domain)
    assert slot_events(events)["phone"] == "none" and said == ["Je n'arrive pas à noter ce numéro."]
    _, said = run_action(
        ActionRecordCallback(), make_tracker({"escalation_id": escalation_id, "phone": "none"}), domain
    )
    assert said == ["Votre demande est bien transmise. Vous pouvez aussi appeler le secrétariat au 03 53 01 20 00."]
    (escalation,) = open_escalations(container)
    assert not escalation.callback_requested


def test_a_patient_without_a_number_says_so_once(container, domain):
    none = make_tracker(
        {"requested_slot": "phone"}, text="aucun", active_loop="callback_form", candidates={"phone": "aucun"}
    )
    events, said = run_action(ValidateCallbackForm(), none, domain)
    assert slot_events(events)["phone"] == "none" and said == []


def test_the_callback_form_starts_by_asking_not_by_complaining_about_a_number_never_given(container, domain):
    """The hand-over empties ``phone`` just before the form starts: that is not a wrong number."""
    started = make_tracker(
        text="je voudrais parler à quelqu'un",
        intent="request_human",
        active_loop="callback_form",
        events=[],
    )
    started.events.extend(
        [{"event": "slot", "name": "escalated", "value": True}, {"event": "slot", "name": "phone", "value": None}]
    )
    events, said = run_action(ValidateCallbackForm(), started, domain)
    assert said == [] and slot_events(events).get("phone") is None
    wrong = make_tracker(
        {"requested_slot": "phone"}, text="douze", active_loop="callback_form", candidates={"phone": "douze"}
    )
    _, said = run_action(ValidateCallbackForm(), wrong, domain)
    assert "chiffre par chiffre" in said[0]  # a real wrong answer is still told


def test_on_the_phone_in_staffed_hours_the_call_is_transferred_with_a_spoken_summary(container, domain):
    tracker = make_tracker(text="passez-moi la secrétaire", intent="request_human", **PHONE)
    events, sent = messages(ActionEscalate(), tracker, domain)
    handover = next(message["custom"]["handover"] for message in sent if message.get("custom"))
    (escalation,) = open_escalations(container)
    assert handover["escalation_id"] == escalation.id and handover["urgency"] == "routine"
    assert handover["spoken_summary"] and "06" not in handover["spoken_summary"]
    assert slot_events(events)["phone"] == "+33612345678"  # the caller's number, no question asked
    _, said = run_action(
        ActionRecordCallback(), make_tracker({"escalation_id": escalation.id, "phone": "+33612345678"}, **PHONE), domain
    )
    assert said == []  # the channel handles a failed transfer itself


def test_on_the_phone_after_hours_a_callback_is_promised_for_the_reopening(container, domain):
    runtime.container().clock = FixedClock(at(2026, 11, 23, 20, 0))  # Monday evening, secretariat closed
    tracker = make_tracker(text="je veux parler à quelqu'un", intent="request_human", **PHONE)
    _, sent = messages(ActionEscalate(), tracker, domain)
    assert not any(message.get("custom") for message in sent)
    said = " ".join(message.get("text") or "" for message in sent)
    assert "fermé" in said and "demain" in said
    (escalation,) = open_escalations(container)
    assert escalation.callback_number


def test_two_misunderstandings_in_a_row_hand_over(container, domain):
    not_understood = {"intent": {"name": "nlu_fallback"}}
    first = make_tracker(text="gnagna", intent="nlu_fallback")
    events, said = run_action(ActionHandleFallback(), first, domain)
    assert events == [] and said == ["utter_default"]
    second = make_tracker(
        text="pfff", intent="nlu_fallback", events=[{"event": "user", "text": "gnagna", "parse_data": not_understood}]
    )
    events, said = run_action(ActionHandleFallback(), second, domain)
    (escalation,) = open_escalations(container)
    assert escalation.category == "misunderstanding"
    assert any(event["event"] == "followup" and event["name"] == "callback_form" for event in events)


def test_two_turns_the_dialogue_did_not_understand_hand_over_too(container, domain):
    """ "le deuxième" with nothing proposed, then "oui": understood words, but twice "Pardon" for the patient."""
    before = [
        {"event": "user", "text": "le deuxième", "parse_data": {"intent": {"name": "choose_option"}}},
        {"event": "action", "name": "action_handle_fallback"},
        {"event": "action", "name": "action_listen"},
    ]
    second = make_tracker(text="oui", intent="affirm", events=before)
    _, said = run_action(ActionHandleFallback(), second, domain)
    (escalation,) = open_escalations(container)
    assert escalation.category == "misunderstanding" and said[0].startswith("Je suis désolé")
    answered = [{"event": "user", "text": "le deuxième", "parse_data": {"intent": {"name": "choose_option"}}}]
    _, said = run_action(ActionHandleFallback(), make_tracker(text="oui", intent="affirm", events=answered), domain)
    assert said == ["utter_default"]  # the message before was understood: a first misunderstanding only


def test_a_moment_asked_is_neither_misunderstood_nor_counted(container, domain):
    not_understood = {"intent": {"name": "nlu_fallback"}}
    events, said = run_action(ActionHandleFallback(), make_tracker(text="attendez", intent="nlu_fallback"), domain)
    assert said == [TAKE_YOUR_TIME] and [event["name"] for event in events] == ["action_listen"]
    after_a_moment = make_tracker(
        text="gnagna",
        intent="nlu_fallback",
        events=[
            {"event": "user", "text": "un instant je regarde", "parse_data": not_understood},
            {"event": "action", "name": "action_handle_fallback"},
        ],
    )
    _, said = run_action(ActionHandleFallback(), after_a_moment, domain)
    assert said == ["utter_default"] and not open_escalations(container)


def test_a_fallback_is_said_once_per_turn(container, domain):
    """The policies may be unsure twice in one turn: the patient hears one "Pardon" and is listened to."""
    turn = make_tracker(text="plutôt jeudi après-midi", intent="choose_option")
    _, first = run_action(ActionHandleFallback(), turn, domain)
    turn.events.append({"event": "action", "name": "action_handle_fallback"})
    events, second = run_action(ActionHandleFallback(), turn, domain)
    assert len(first) == 1 and second == []
    assert [event["name"] for event in events] == ["action_listen"]


def test_an_english_speaker_is_told_in_english_whom_to_call_and_called_back_when_possible(container, domain):
    """Seen on the demo: "i dont speak french can someone help me" was asked for a first name."""
    chat = make_tracker(text="hello do you speak english", intent="speak_english")
    events, said = run_action(ActionAnswerInEnglish(), chat, domain)
    assert said[0].startswith("Hello! I am the practice's automated assistant and I can only help in French.")
    assert "Our reception team speaks English" in said[0] and "+33 3 53 01 20 00" in said[0] and "112" in said[0]
    assert events == [] and not container.escalations.list_open()
    # on the phone in staffed hours (phone QA: "please call them at…" the number they were calling): put through
    call = make_tracker(text="hello i need a doctor", intent="speak_english", **PHONE)
    _, sent = messages(ActionAnswerInEnglish(), call, domain)
    assert sent[0]["text"].endswith("Please hold, I am putting you through to the reception team.")
    assert next(message["custom"] for message in sent if message.get("custom"))["handover"]
    (opened,) = container.escalations.list_open()
    assert opened.callback_number == "06 12 34 56 78" and "anglophone" in opened.reason
    # at night: the number a foreign phone dials, a callback, and the on-call doctor's number
    runtime.container().clock = FixedClock(at(2026, 11, 23, 21, 30))
    night = make_tracker(text="is there any doctor available today", intent="speak_english", sender_id="c9", **PHONE)
    _, said = run_action(ActionAnswerInEnglish(), night, domain)
    assert "We will also call you back." in said[0] and "+33 3 53 01 20 09" in said[0]


def test_an_unsure_first_message_naming_a_motif_starts_a_booking(container, domain):
    """Seen on the demo: "une consultation avec le docteur lefebvre" got "Pardon", then a hand-over."""
    unsure = make_tracker(
        text="une consultation avec le docteur lefebvre",
        intent="nlu_fallback",
        entities=[{"entity": "motif", "value": "consultation"}, {"entity": "practitioner", "value": "lefebvre"}],
    )
    unsure.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "inform", "confidence": 0.42},
        {"name": "book_appointment", "confidence": 0.40},
    ]
    events, said = run_action(ActionHandleFallback(), unsure, domain)
    assert said == [] and [(e["event"], e.get("name"), e.get("value")) for e in events] == [
        ("slot", "task", "book"),
        ("followup", "booking_form", None),
    ]
    during = make_tracker(
        {"task": "cancel"}, text="une consultation", intent="nlu_fallback", entities=unsure.latest_message["entities"]
    )
    during.latest_message["intent_ranking"] = unsure.latest_message["intent_ranking"]
    _, said = run_action(ActionHandleFallback(), during, domain)
    assert said == ["utter_default"]  # a request in progress: not a new booking


def test_a_new_time_after_too_late_to_change_here_gets_the_same_answer_not_pardon(container, domain):
    """Seen on the demo: "la semaine prochaine plutôt" after "trop tard pour l'annuler ici" got "Pardon"."""
    late = make_tracker(
        {"identity_verified": True, "task": "cancel", "appointment_id": None},
        text="la semaine prochaine plutôt",
        intent="choose_option",
        entities=[{"entity": "time_wish", "value": {"intervals": [], "day_parts": [], "weekdays": [0]}}],
    )
    events, said = run_action(ActionHandleFallback(), late, domain)
    assert said == [
        "Ce rendez-vous est trop proche pour être changé ici. Le secrétariat peut le faire au 03 53 01 20 00."
    ]
    assert [event["name"] for event in events] == ["utter_anything_else"] and not open_escalations(container)


def test_another_callback_number_once_the_first_is_noted_replaces_it(container, domain):
    """Phone QA (night): "rappelez-moi plutôt sur mon fixe, le 03 20 45 67 89" started an identity check."""
    events, _ = run_action(
        ActionEscalate(), make_tracker(text="je veux parler à quelqu'un", intent="request_human"), domain
    )
    escalation_id = slot_events(events)["escalation_id"]
    tracker = make_tracker(
        {"escalation_id": escalation_id, "phone": "06 12 34 56 66"},
        text="rappelez-moi plutôt sur mon fixe le 03 20 45 67 89",
        intent="request_human",
    )
    events, said = run_action(ActionUpdateCallback(), tracker, domain)
    assert said == ["C'est corrigé : le secrétariat vous rappellera au numéro qui se termine par 89."]
    (escalation,) = open_escalations(container)
    assert escalation.callback_number.replace(" ", "").endswith("0320456789")
    _, said = run_action(
        ActionUpdateCallback(), make_tracker({"escalation_id": escalation_id}, text="merci", intent="inform"), domain
    )
    assert said == ["Votre demande est bien transmise au secrétariat."]


def test_pardon_gets_the_last_answer_again_and_is_not_a_misunderstanding(container, domain):
    """Phone QA: "Pouvez-vous répéter ?" got "Pardon, je n'ai pas bien compris", twice meant a hand-over."""
    before = [
        {"event": "user", "text": "vous êtes où", "parse_data": {"intent": {"name": "ask_address"}}},
        {"event": "bot", "text": "Le cabinet est au 23 rue des Tisserands, à Lille."},
        {"event": "action", "name": "action_listen"},
    ]
    tracker = make_tracker(text="Pouvez-vous répéter ?", intent="nlu_fallback", events=before)
    events, said = run_action(ActionHandleFallback(), tracker, domain)
    assert said == ["Le cabinet est au 23 rue des Tisserands, à Lille."]
    assert [event["name"] for event in events] == ["action_listen"]
    assert not open_escalations(container)


def test_a_message_closing_with_a_goodbye_says_goodbye(container, domain):
    tracker = make_tracker(text="Non laissez tomber, au revoir.", intent="nlu_fallback", active_loop="slot_choice_form")
    events, said = run_action(ActionHandleFallback(), tracker, domain)
    assert said == [] and events[-1]["name"] == "utter_goodbye"


def test_what_the_patient_adds_once_the_callback_is_noted_reaches_the_request(container, domain):
    """Phone QA (night): "Dites-lui que mon père sort de l'hôpital…" got "Votre demande est bien transmise"
    and the request kept only the first sentence."""
    first = make_tracker(text="je voudrais parler au docteur Benali", intent="request_human")
    events, _ = run_action(ActionEscalate(), first, domain)
    escalation_id = slot_events(events)["escalation_id"]
    added = "dites-lui que mon père sort de l'hôpital et qu'il faudra des soins à domicile"
    tracker = make_tracker(
        {"escalation_id": escalation_id},
        text=added,
        intent="inform",
        events=[{"event": "user", "text": "je voudrais parler au docteur Benali", "parse_data": {}}],
    )
    _, said = run_action(ActionUpdateCallback(), tracker, domain)
    assert said == ["C'est noté, je le transmets au secrétariat."]
    (escalation,) = open_escalations(container)
    assert ("patient", added) in escalation.transcript and "Précisions du patient" in escalation.reason


def test_a_message_not_understood_once_the_callback_is_noted_is_still_passed_on(container, domain):
    """Phone QA (night): "Dites-lui que mon père sort de l'hôpital demain." got "Pardon, je n'ai pas compris"."""
    events, _ = run_action(
        ActionEscalate(), make_tracker(text="je veux parler au secrétariat", intent="request_human"), domain
    )
    after = [{"event": "action", "name": "action_record_callback"}, {"event": "action", "name": "action_listen"}]
    tracker = make_tracker(
        {"escalation_id": slot_events(events)["escalation_id"]},
        text="Dites-lui que mon père sort de l'hôpital demain.",
        intent="nlu_fallback",
        events=after,
    )
    _, said = run_action(ActionHandleFallback(), tracker, domain)
    assert said == ["C'est noté, je le transmets au secrétariat."]


class _DatabaseDown:
    """A container whose agenda cannot be reached (every use raises, as a closed database does)."""

    def __getattr__(self, name: str) -> Any:
        raise ConnectionError("agenda database unreachable")


def test_with_the_database_down_an_emergency_still_says_the_numbers_then_reports_the_failure(container, domain):
    runtime.use_container(_DatabaseDown())  # type: ignore[arg-type]
    try:
        _, sent = messages(ActionHandleEmergency(), emergency_tracker("douleur très forte dans la poitrine"), domain)
    finally:
        runtime.use_container(container)
    texts = [message.get("text") for message in sent if message.get("text")]
    assert "appelez immédiatement le 15, ou le 112" in texts[0]
    assert {"technical_failure": True} in [message.get("custom") for message in sent]


def test_an_action_slower_than_its_deadline_reports_a_failure_in_time(container, domain, monkeypatch):
    import time

    monkeypatch.setenv("ASSISTANT_ACTION_DEADLINE_SECONDS", "0.5")
    monkeypatch.setenv("ASSISTANT_ACTION_TIMEOUT_SECONDS", "0.8")
    monkeypatch.setenv("ASSISTANT_TURN_DEADLINE_SECONDS", "1")
    runtime.settings.cache_clear()

    async def stuck(*_: Any) -> list[Any]:
        await asyncio.sleep(5)
        return []

    action = ActionEscalate()
    monkeypatch.setattr(action, "act", stuck)
    started = time.monotonic()
    try:
        _, sent = messages(action, make_tracker(text="je veux parler à quelqu'un", intent="request_human"), domain)
    finally:
        runtime.settings.cache_clear()
    assert time.monotonic() - started < 2
    assert {"technical_failure": True} in [message.get("custom") for message in sent]
