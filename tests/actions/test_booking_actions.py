"""Booking actions: form validation, real proposals, choice, read-back, booking in the agenda."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date

import pytest

from actions import runtime
from actions.base import NOT_THIS_ANSWER, NOTED_BUT_NOT_THIS, TAKE_YOUR_TIME
from actions.booking import (
    ActionAskChosenSlot,
    ActionAskMotif,
    ActionAskPatientStatus,
    ActionBookAppointment,
    ActionConfirmBooking,
    ActionResetChoice,
    ValidateBookingForm,
    ValidateSlotChoiceForm,
)
from actions.escalation import ActionEscalate, ActionHandleFallback
from actions.identity import ValidateIdentityForm
from actions.info import ActionAnswerInfo, ActionGreet
from assistant.clock import FixedClock
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import Channel, Interval, Patient
from assistant.core.slots import SlotQuery
from assistant.core.windows import TimeWish
from assistant.dialogue.state import slot_from_dict
from assistant.language.fr.time_wishes import to_serializable
from assistant.nlu.time_wish import parse_time_wish
from assistant.services.agenda import Actor
from tests.actions.conftest import NOW, make_tracker, run_action, slot_events
from tests.builders import PARIS, at


def wish(text: str) -> dict:
    return to_serializable(parse_time_wish(text, NOW))


THURSDAY_AFTERNOON = wish("jeudi après-midi")


def test_greeting_names_the_practice_and_says_it_is_automated(container, domain):
    _, said = run_action(ActionGreet(), make_tracker(intent="greet", text="bonjour"), domain)
    assert said[0].startswith("Maison de santé des Tisserands, bonjour.") and "assistant automatique" in said[0]


def test_info_answers_come_from_the_configuration(container, domain):
    _, said = run_action(ActionAnswerInfo(), make_tracker(intent="ask_address", text="vous êtes où"), domain)
    assert "23 rue des Tisserands" in said[0]
    _, said = run_action(ActionAnswerInfo(), make_tracker(intent="ask_fees", text="c'est combien"), domain)
    assert "secteur 1" in said[0]
    _, said = run_action(
        ActionAnswerInfo(),
        make_tracker({"motif": "prise-de-sang"}, intent="ask_documents", text="je dois apporter quoi"),
        domain,
    )
    assert "à jeun" in said[0]


def test_a_documents_question_is_answered_for_the_motif_it_names(container, domain):
    """The motif slot is not filled from questions: the question's own entities are read."""
    asked = make_tracker(
        intent="ask_documents",
        text="il faut venir à jeun pour la prise de sang",
        entities=[{"entity": "motif", "value": "à jeun"}, {"entity": "motif", "value": "prise-de-sang"}],
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Pour la prise de sang, venez à jeun")
    booking = make_tracker({"motif": "kine-bilan"}, intent="ask_documents", text="je dois apporter quoi")
    _, said = run_action(ActionAnswerInfo(), booking, domain)
    assert said[0].startswith("Pour le bilan")


def test_a_documents_question_after_a_booking_is_answered_for_that_appointment(container, domain):
    """Phone QA: "je dois apporter quoi ?" right after a vaccination was booked got the generic list."""
    slot = slot_from_dict(proposals_for(container, domain)[0])
    booked = container.agenda.book(
        BookingRequest("vaccination", "lefebvre", slot.start, Channel.PHONE),
        Patient(None, "Garnier", "Sophie", date(1990, 1, 1)),
        Actor("assistant", Channel.PHONE),
    )
    after = make_tracker({"appointment_id": float(booked.id)}, intent="ask_documents", text="je dois apporter quoi")
    _, said = run_action(ActionAnswerInfo(), after, domain)
    assert said[0].startswith("Pour la vaccination")


def test_an_hours_question_about_a_date_is_answered_for_that_date(container, domain):
    """Seen on the demo: "ouvert le vendredi 25 décembre ?" got a Friday's hours."""
    christmas = {"intervals": [{"start": "2026-12-25T00:00:00+01:00", "end": "2026-12-26T00:00:00+01:00"}]}
    asked = make_tracker(
        intent="ask_hours",
        text="est ce que le cabinet est ouvert le vendredi 25 decembre",
        entities=[{"entity": "time_wish", "value": christmas}],
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Le vendredi 25 décembre est un jour férié (Noël) : le cabinet est fermé.")


def asked_before(text: str, intent: str) -> list[dict]:
    return [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}]


def test_a_follow_up_asks_the_previous_practical_question_again_about_what_it_names(container, domain):
    """Seen on the demo: "et demain" after an hours question hung up; "et pour le kiné" started a booking."""
    tomorrow = {"intervals": [{"start": "2026-11-24T00:00:00+01:00", "end": "2026-11-25T00:00:00+01:00"}]}
    follow_up = make_tracker(
        text="et demain",
        entities=[{"entity": "time_wish", "value": tomorrow}],
        events=asked_before("vous fermez a quelle heure ce soir", "ask_hours"),
    )
    _, said = run_action(ActionAnswerInfo(), follow_up, domain)
    assert said[0].startswith("Demain, le secrétariat répond de 8 h 30")
    kine = make_tracker(
        text="et pour un bilan kiné",
        entities=[{"entity": "motif", "value": "kine-bilan"}],
        events=asked_before("qu est ce que je dois apporter pour une premiere consultation", "ask_documents"),
    )
    _, said = run_action(ActionAnswerInfo(), kine, domain)
    assert said[0].startswith("Pour le bilan de kinésithérapie")
    saturday = {"intervals": [{"start": "2026-11-28T00:00:00+01:00", "end": "2026-11-29T00:00:00+01:00"}]}
    chained = make_tracker(
        text="et samedi",
        entities=[{"entity": "time_wish", "value": saturday}],
        events=[*asked_before("vous fermez a quelle heure ce soir", "ask_hours"), *asked_before("et demain", "inform")],
    )
    _, said = run_action(ActionAnswerInfo(), chained, domain)
    assert said[0].startswith("Le samedi 28 novembre, le secrétariat répond de 9 h à midi.")
    nothing = make_tracker(text="et euh", events=asked_before("vous êtes où", "ask_address"))
    _, said = run_action(ActionAnswerInfo(), nothing, domain)
    assert said == ["utter_default"]


def test_practical_follow_ups_keep_what_the_previous_question_was_about(container, domain):
    """Seen on the demo: "faut être à jeun ?" after the blood test got the generic list of documents."""
    fasting = make_tracker(
        intent="ask_documents",
        text="faut etre a jeun",
        entities=[{"entity": "motif", "value": "à jeun"}],
        events=[
            {
                "event": "user",
                "text": "je dois apporter quoi pour la prise de sang",
                "parse_data": {
                    "intent": {"name": "ask_documents", "confidence": 0.9},
                    "entities": [{"entity": "motif", "value": "prise-de-sang"}],
                },
            }
        ],
    )
    _, said = run_action(ActionAnswerInfo(), fasting, domain)
    assert said[0].startswith("Pour la prise de sang, venez à jeun")


def test_the_kine_read_as_a_motif_is_still_the_practitioner_of_an_hours_question(container, domain):
    """ "Kiné" is also the practitioner's synonym: as a motif entity it came out as "mercier"."""
    asked = make_tracker(
        intent="ask_hours", text="quels sont les horaires du kine", entities=[{"entity": "motif", "value": "mercier"}]
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Thomas Mercier, le kinésithérapeute, consulte le lundi")


def test_a_practitioner_named_by_a_word_no_entity_caught_is_still_the_one_asked_about(container, domain):
    asked = make_tracker(intent="ask_hours", text="quels sont les horaires du kine")
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Thomas Mercier, le kinésithérapeute, consulte le lundi")


def test_a_new_patient_question_says_who_takes_new_patients_only(container, domain):
    asked = make_tracker(
        intent="ask_practitioners", text="je cherche un medecin traitant vous prenez des nouveaux patients"
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said == [
        "Le docteur Lefebvre prend de nouveaux patients. "
        "Le docteur Benali ne prend pas de nouveaux patients pour le moment."
    ]


def test_a_question_naming_a_practitioner_is_answered_about_them(container, domain):
    asked = make_tracker(
        intent="ask_practitioners",
        text="le docteur lefebvre prend des nouveaux patients",
        entities=[{"entity": "practitioner", "value": "lefebvre"}],
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Le docteur Lefebvre, médecin généraliste, prend de nouveaux patients.")
    assert "Benali" not in said[0]


def test_an_hours_question_about_a_practitioner_and_a_day_is_answered_about_them(container, domain):
    saturday = {"intervals": [], "day_parts": [], "weekdays": [5], "earliest": False}
    asked = make_tracker(
        intent="ask_hours",
        text="est-ce que le docteur benali consulte le samedi",
        entities=[
            {"entity": "practitioner", "value": "benali"},
            {"entity": "time_wish", "value": saturday},
        ],
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said == ["Le docteur Benali ne consulte pas le samedi. Ses jours de consultation : du lundi au vendredi."]
    by_profession = make_tracker(
        intent="ask_hours",
        text="le kiné travaille le samedi ?",
        entities=[{"entity": "practitioner", "value": "kiné"}, {"entity": "time_wish", "value": saturday}],
    )
    _, said = run_action(ActionAnswerInfo(), by_profession, domain)
    assert said[0].startswith("Thomas Mercier, le kinésithérapeute,")
    _, said = run_action(ActionAnswerInfo(), make_tracker(intent="ask_hours", text="vous ouvrez quand"), domain)
    assert said[0].startswith("Le secrétariat répond du lundi au vendredi")


def test_a_birth_date_in_the_first_sentence_is_not_the_appointment_day(container, domain):
    """Seen on the demo: "né le premier décembre soixante-neuf" searched slots on 1 December."""
    said = "c'est vandenberghe louis né le premier décembre soixante-neuf je voudrais un renouvellement"
    december_first = wish("le premier décembre")
    slots = {"task": "book", "motif": "renouvellement", "time_wish": december_first}
    entities = [{"entity": "time_wish", "value": december_first}]
    events, _ = validate_booking(slots, said, entities, requested=None, domain=domain)
    assert slot_events(events)["time_wish"] is None


def test_a_time_given_for_the_practitioner_question_means_whoever_receives_then(container, domain):
    """Seen on the demo: "samedi matin" to "une préférence pour le praticien ?" got the question again."""
    saturday = wish("samedi matin")
    slots = {"task": "book", "motif": "certificat-sport", "patient_status": "new", "time_wish": saturday}
    events, _ = validate_booking(
        slots, "samedi matin", [{"entity": "time_wish", "value": saturday}], requested="practitioner", domain=domain
    )
    assert slot_events(events)["practitioner"] == "any" and slot_events(events)["time_wish"] == saturday


def test_whether_the_patient_came_before_is_read_from_a_whole_answer(container, domain):
    """Seen on the demo: "oui je suis suivi par lui" (entity "suivi") asked the question four times."""
    said = "oui je suis suivi par lui"
    slots = {"task": "book", "motif": "renouvellement", "patient_status": said}
    events, _ = validate_booking(slots, said, requested="patient_status", domain=domain)
    assert slot_events(events)["patient_status"] == "existing"


def test_a_new_patient_who_asked_for_a_doctor_closed_to_new_patients_is_told_why(container, domain):
    """Seen on the demo: asked for Dr Benali, then "première fois": moved to Dr Lefebvre without a word."""
    said_then = "non c'est la première fois"
    slots = {"task": "book", "motif": "consultation", "practitioner": "benali", "patient_status": said_then}
    events, said = validate_booking(slots, said_then, requested="patient_status", domain=domain)
    assert slot_events(events)["motif"] == "premiere-consultation" and slot_events(events)["practitioner"] is None
    assert said == [
        "Le docteur Benali ne prend pas de nouveaux patients pour le moment : "
        "je vous propose plutôt une première consultation avec le docteur Lefebvre."
    ]


def validate_booking(slots, text, entities=None, requested=None, domain=None):
    """Validate the slots extracted this turn: ``slots`` whose names are the requested slot or an entity's."""
    extracted = {requested} | {entity["entity"] for entity in entities or []}
    candidates = {name: value for name, value in slots.items() if name in extracted}
    known = {name: value for name, value in slots.items() if name not in extracted}
    tracker = make_tracker(
        {**known, "requested_slot": requested},
        text=text,
        entities=entities or [],
        active_loop="booking_form",
        candidates=candidates,
    )
    return run_action(ValidateBookingForm(), tracker, domain)


def test_a_word_of_the_motif_offered_is_that_motif_not_a_doctor_s_consultation(container, domain):
    """Seen on the demo: "bilan", after "un bilan de kinésithérapie ou une séance ?", became a GP consultation."""
    events, _ = validate_booking(
        {"practitioner": "mercier", "motif": "bilan"},
        "bilan",
        [{"entity": "motif", "value": "bilan"}],
        "motif",
        domain,
    )
    assert slot_events(events)["motif"] == "kine-bilan"


def test_several_motifs_in_one_message_mean_the_specific_one_of_the_practitioner_named(container, domain):
    """Phone QA: "des séances de kiné pour mon genou… un premier rendez-vous avec le kiné" gave three slots
    with Dr Lefebvre (the slot kept the last motif entity, a synonym of the physiotherapist)."""
    said = "j'ai des séances de kiné pour mon genou je voudrais prendre un premier rendez-vous avec le kiné"
    entities = [
        {"entity": "motif", "value": "kine-seance"},
        {"entity": "motif", "value": "genou"},
        {"entity": "motif", "value": "premiere-consultation"},
        {"entity": "motif", "value": "mercier"},
    ]
    events, _ = validate_booking({"motif": "mercier"}, said, entities, None, domain)
    slots = slot_events(events)
    assert slots["motif"] == "kine-bilan" and slots["practitioner"] == "mercier"


def test_who_follows_the_patient_does_not_replace_the_practitioner_asked_for(container, domain):
    """Phone QA: a vaccination "avec l'infirmière", then "elle est suivie par le docteur Lefebvre" when the
    patient status was asked, was booked with Dr Lefebvre."""
    said = "oui elle est suivie par le docteur Lefebvre"
    tracker = make_tracker(
        {"task": "book", "motif": "vaccination", "requested_slot": "patient_status"},
        text=said,
        entities=[{"entity": "practitioner", "value": "lefebvre"}],
        active_loop="booking_form",
        candidates={"practitioner": "lefebvre"},
        events=[{"event": "slot", "name": "practitioner", "value": "lambert"}],
    )
    events, _ = run_action(ValidateBookingForm(), tracker, domain)
    assert slot_events(events)["practitioner"] == "lambert"
    # asked who, the same words do choose
    asked = make_tracker(
        {"task": "book", "motif": "vaccination", "requested_slot": "practitioner"},
        text="celui qui la suit, le docteur Lefebvre",
        entities=[{"entity": "practitioner", "value": "lefebvre"}],
        active_loop="booking_form",
        candidates={"practitioner": "lefebvre"},
    )
    events, _ = run_action(ValidateBookingForm(), asked, domain)
    assert slot_events(events)["practitioner"] == "lefebvre"


def test_a_new_patient_who_said_so_before_the_motif_is_offered_a_first_visit_at_once(container, domain):
    """Phone QA: "jamais venu… renouvellement d'ordonnance" was offered renewal slots, took the whole
    identity, and was refused at the read-back ("ne prend pas de nouveaux patients pour ce motif")."""
    events, said = validate_booking(
        {"patient_status": "new", "motif": "renouvellement"},
        "renouvellement d'ordonnance",
        [{"entity": "motif", "value": "renouvellement"}],
        "motif",
        domain,
    )
    assert slot_events(events)["motif"] == "premiere-consultation"
    assert said == [
        "Ce motif est réservé aux patients déjà suivis au cabinet : je vous propose plutôt une première consultation."
    ]


def test_a_new_patient_is_offered_a_first_visit_with_the_same_practitioner(container, domain):
    events, said = validate_booking(
        {"practitioner": "mercier", "motif": "kine-seance", "patient_status": "new"},
        "non jamais",
        [],
        "patient_status",
        domain,
    )
    assert slot_events(events)["motif"] == "kine-bilan"
    assert said[0].endswith("je vous propose plutôt un bilan de kinésithérapie.")


def test_peu_importe_for_the_practitioner_keeps_the_time_asked_for(container, domain):
    """Seen on the demo: "peu importe" (the practitioner) is also an open time wish, and erased "l'aprèm"."""
    afternoon = wish("demain après-midi")
    tracker = make_tracker(
        {"task": "book", "motif": "certificat-sport", "requested_slot": "practitioner", "time_wish": afternoon},
        text="peu importe",
        entities=[{"entity": "practitioner", "value": "any"}, {"entity": "time_wish", "value": wish("peu importe")}],
        active_loop="booking_form",
        candidates={"practitioner": "any", "time_wish": wish("peu importe")},
        events=[{"event": "slot", "name": "time_wish", "value": afternoon}],
    )
    events, _ = run_action(ValidateBookingForm(), tracker, domain)
    assert slot_events(events)["time_wish"] == afternoon and slot_events(events)["practitioner"] == "any"
    no_time_yet = make_tracker(
        {"task": "book", "motif": "certificat-sport", "requested_slot": "practitioner"},
        text="peu importe",
        entities=[{"entity": "practitioner", "value": "any"}, {"entity": "time_wish", "value": wish("peu importe")}],
        active_loop="booking_form",
        candidates={"practitioner": "any", "time_wish": wish("peu importe")},
    )
    events, _ = run_action(ValidateBookingForm(), no_time_yet, domain)
    assert slot_events(events)["time_wish"] is None  # the time is still to be asked


def test_motif_from_an_entity_is_resolved_and_a_single_practitioner_is_implied(container, domain):
    events, _ = validate_booking(
        {"motif": "prise de sang"},
        "rdv pour une prise de sang",
        [{"entity": "motif", "value": "prise de sang"}],
        "motif",
        domain,
    )
    slots = slot_events(events)
    assert slots["motif"] == "prise-de-sang" and slots["practitioner"] == "lambert"
    assert slots["requested_slot"] == "time_wish"  # one practitioner, no new-patient restriction: straight to the wish


def test_unknown_motif_is_asked_again_with_examples(container, domain):
    events, said = validate_booking({"motif": "vidange"}, "une vidange", [], "motif", domain)
    assert slot_events(events)["motif"] is None
    assert said == ["Je n'ai pas bien compris le motif."]
    _, asked = run_action(ActionAskMotif(), make_tracker({"requested_slot": "motif"}), domain)
    assert asked == [
        "C'est pour quel motif ? Par exemple une consultation de médecine générale, une première consultation "
        "ou un renouvellement d'ordonnance."
    ]


def test_the_motif_question_follows_the_practitioner_already_named(container, domain):
    """ "un rendez-vous avec le kiné": the kiné's two motifs, not a GP's examples."""
    _, asked = run_action(ActionAskMotif(), make_tracker({"practitioner": "mercier"}), domain)
    assert asked == [
        "Avec Thomas Mercier, le kinésithérapeute, c'est pour un bilan de kinésithérapie "
        "ou une séance de kinésithérapie ?"
    ]
    _, anyone = run_action(ActionAskMotif(), make_tracker({"practitioner": "any"}), domain)
    assert anyone[0].startswith("C'est pour quel motif ? Par exemple une consultation de médecine générale")


def test_whether_the_patient_came_before_is_asked_about_the_relative_the_call_is_for(container, domain):
    _, for_oneself = run_action(ActionAskPatientStatus(), make_tracker(text="un rdv pour moi"), domain)
    about_a_son = make_tracker(
        text="un rdv pour mon fils", intent="book_appointment", entities=[{"entity": "relation", "value": "child"}]
    )
    _, for_a_son = run_action(ActionAskPatientStatus(), about_a_son, domain)
    assert (for_oneself, for_a_son) == (
        ["Avez-vous déjà consulté au cabinet ?"],
        ["Le patient a-t-il déjà consulté au cabinet ?"],
    )


def form_slots(events) -> dict:
    """The slots a validation action set, but for ``requested_slot`` (rasa-sdk repeats it)."""
    return {name: value for name, value in slot_events(events).items() if name != "requested_slot"}


def asked_motif_then_told(text: str, intent: str = "inform", entities=None, candidates=None):
    return make_tracker(
        {"task": "book", "practitioner": "mercier", "requested_slot": "motif"},
        text=text,
        intent=intent,
        entities=entities or [],
        active_loop="booking_form",
        candidates=candidates,
    )


def test_a_form_answer_that_answers_something_else_keeps_the_form_asking(container, domain):
    """ "Durand" when the motif was asked: kept for later, and the motif asked again (Rasa would reject the
    form and leave the next step to TED's guess, which opened the identity form)."""
    name_instead = asked_motif_then_told(
        "durand", entities=[{"entity": "last_name", "value": "durand"}], candidates={"last_name": "durand"}
    )
    events, said = run_action(ValidateBookingForm(), name_instead, domain)
    assert form_slots(events) == {"motif": None} and said == [NOTED_BUT_NOT_THIS]
    events, said = run_action(ValidateBookingForm(), asked_motif_then_told("euh ben alors"), domain)
    # not understood: counted (a second time in a row hands over, see test_every_question_...)
    assert form_slots(events) == {"motif": None, "failed_answers": {"motif": 1}} and said == [NOT_THIS_ANSWER]


def test_a_question_or_an_interruption_still_leaves_the_form_to_the_rules(container, domain):
    """Another intent than a form answer: no slot event, so Rasa rejects the form and the rules take over."""
    for intent, text in (("ask_fees", "c'est combien"), ("emergency", "il respire mal"), ("change_mind", "non")):
        events, said = run_action(ValidateBookingForm(), asked_motif_then_told(text, intent), domain)
        assert form_slots(events) == {} and said == []
    # A form answer that does answer keeps the usual path (no extra words).
    events, said = run_action(
        ValidateBookingForm(),
        asked_motif_then_told(
            "un bilan", entities=[{"entity": "motif", "value": "kine-bilan"}], candidates={"motif": "kine-bilan"}
        ),
        domain,
    )
    assert (
        slot_events(events)["motif"] == "kine-bilan" and NOT_THIS_ANSWER not in said and NOTED_BUT_NOT_THIS not in said
    )


def test_a_symptom_as_motif_means_a_consultation(container, domain):
    events, _ = validate_booking(
        {"motif": "otite"}, "pour une otite", [{"entity": "motif", "value": "otite"}], "motif", domain
    )
    assert slot_events(events)["motif"] == "consultation"


def test_questions_asked_depend_on_the_motif(container, domain):
    form = ValidateBookingForm()

    def required(slots):
        return asyncio.run(
            form.required_slots(
                ["motif", "patient_status", "practitioner", "time_wish"], None, make_tracker(slots), domain
            )
        )

    # Dr Benali takes no new patients: for a GP consultation, ask whether the patient is new, and whom they want.
    assert required({"motif": "consultation"}) == ["motif", "patient_status", "practitioner", "time_wish"]
    # A blood test has one practitioner and no restriction: only the wish remains.
    assert required({"motif": "prise-de-sang"}) == ["motif", "time_wish"]
    # Moving an appointment never asks whether the patient is new.
    assert required({"motif": "consultation", "task": "move"}) == ["motif", "practitioner", "time_wish"]


def test_new_patient_cannot_choose_a_practitioner_closed_to_new_patients(container, domain):
    events, said = validate_booking(
        {"motif": "consultation", "patient_status": "new", "practitioner": "benali"},
        "avec le docteur benali",
        [{"entity": "practitioner", "value": "benali"}],
        "practitioner",
        domain,
    )
    assert slot_events(events)["practitioner"] is None
    assert "ne prend pas de nouveaux patients" in said[0]


def test_open_wish_phrases_fill_the_time_wish(container, domain):
    events, _ = validate_booking(
        {"motif": "prise-de-sang", "practitioner": "lambert"}, "n'importe quand", [], "time_wish", domain
    )
    assert slot_events(events)["time_wish"]["earliest"] is True


def test_a_past_time_wish_is_refused(container, domain):
    past = to_serializable(TimeWish(intervals=(Interval(at(2026, 11, 23, 8), at(2026, 11, 23, 9)),)))
    events, said = validate_booking(
        {"motif": "prise-de-sang", "practitioner": "lambert", "time_wish": past},
        "ce matin",
        [{"entity": "time_wish", "value": past}],
        "time_wish",
        domain,
    )
    assert slot_events(events)["time_wish"] is None and "déjà passé" in said[0]


def ask_slots(container, domain, **slots):
    tracker = make_tracker({"motif": "consultation", "practitioner": "lefebvre", "patient_status": "existing", **slots})
    return run_action(ActionAskChosenSlot(), tracker, domain)


def test_three_real_free_slots_are_proposed_in_spoken_french(container, domain):
    events, said = ask_slots(container, domain, time_wish=wish("jeudi après-midi"))
    proposals = slot_events(events)["proposed_slots"]
    assert len(proposals) == 3
    for proposal in proposals:
        slot = slot_from_dict(proposal)
        local = slot.start.astimezone(PARIS)
        assert local.date() == date(2026, 11, 26) and local.hour >= 14 and slot.practitioner_id == "lefebvre"
    assert (
        said[0]
        == "Avec le docteur Lefebvre, jeudi 26 novembre, je peux vous proposer 14 h, 14 h 30 ou 15 h. Lequel préférez-vous ?"
    )


@pytest.mark.parametrize(
    ("when", "practitioner", "reason"),
    [
        # seen on the demo: each got "Je n'ai rien de libre à ce moment-là", without the reason
        ("dimanche matin", "any", "Le dimanche 29 novembre, le cabinet est fermé. Voici les prochaines"),
        ("demain à 7 h", "lefebvre", "Le docteur Lefebvre consulte demain de 8 h 30 à midi et de 14 h à 19 h."),
        ("mercredi à 16 h 30", "lefebvre", "Le docteur Lefebvre consulte le mercredi 25 novembre de 8 h 30 à midi"),
    ],
)
def test_a_wish_when_nobody_receives_says_why_before_the_alternatives(container, domain, when, practitioner, reason):
    events, said = ask_slots(container, domain, time_wish=wish(when), practitioner=practitioner)
    assert said[0].startswith(reason) and slot_events(events)["proposed_slots"]


def test_loose_wish_spreads_choices_over_days(container, domain):
    events, _ = ask_slots(container, domain, time_wish=wish("la semaine prochaine"))
    days = {slot_from_dict(p).start.astimezone(PARIS).date() for p in slot_events(events)["proposed_slots"]}
    assert len(days) == 3


def test_when_the_practitioner_is_full_another_is_proposed(container, domain):
    agenda = container.agenda
    thursday = parse_time_wish("jeudi après-midi", NOW)
    # Fill Dr Lefebvre's Thursday afternoon completely.
    filler = Patient(None, "Plein", "Agenda", date(1970, 1, 1))
    for slot in agenda.find_slots(SlotQuery("consultation", ("lefebvre",), thursday, count=100)):
        # Overlapping candidates are refused with slot_taken once a neighbour is booked: that is the point.
        with contextlib.suppress(AgendaError):
            agenda.book(
                BookingRequest("consultation", "lefebvre", slot.start, Channel.SECRETARIAT),
                filler,
                Actor("t", Channel.SECRETARIAT),
            )
    events, said = ask_slots(container, domain, time_wish=to_serializable(thursday))
    proposals = [slot_from_dict(p) for p in slot_events(events)["proposed_slots"]]
    assert [(p.start.astimezone(PARIS).strftime("%d %H:%M"), p.practitioner_id) for p in proposals] == [
        ("26 14:30", "benali"),  # "après-midi" starts at 13:00; Dr Benali is back at 14:30
        ("26 15:00", "benali"),  # choices on one day are at least 30 minutes apart
        ("26 15:30", "benali"),
    ]
    assert said[0] == (
        "Le docteur Lefebvre n'a pas de créneau libre à ce moment-là, mais un autre praticien peut vous recevoir. "
        "Avec le docteur Benali, jeudi 26 novembre, je peux vous proposer 14 h 30, 15 h ou 15 h 30. Lequel préférez-vous ?"
    )


def proposals_for(container, domain, text="jeudi après-midi"):
    events, _ = ask_slots(container, domain, time_wish=wish(text))
    return slot_events(events)["proposed_slots"]


def choose(proposals, text, entities=None, intent="choose_option", domain=None, extra=None):
    """The slot choice form's validation, as Rasa runs it: a time in the message is also a candidate wish."""
    tracker = make_tracker(
        {
            "proposed_slots": proposals,
            "requested_slot": "chosen_slot",
            "motif": "consultation",
            # as Rasa does before the form runs: a time in the message is already the slot's value
            "time_wish": next((e["value"] for e in entities or [] if e["entity"] == "time_wish"), THURSDAY_AFTERNOON),
            **(extra or {}),
        },
        text=text,
        intent=intent,
        entities=entities or [],
        active_loop="slot_choice_form",
        events=[{"event": "slot", "name": "time_wish", "value": (extra or {}).get("time_wish", THURSDAY_AFTERNOON)}],
        candidates={"chosen_slot": text},
    )
    return run_action(ValidateSlotChoiceForm(), tracker, domain)


def test_choice_by_ordinal_and_by_time(container, domain):
    proposals = proposals_for(container, domain)
    events, _ = choose(proposals, "le deuxième", domain=domain)
    assert slot_events(events)["chosen_slot"] == proposals[1]
    third_time = slot_from_dict(proposals[2]).start.astimezone(PARIS)
    events, _ = choose(proposals, f"celui de {third_time.hour}h{third_time.minute:02d}", domain=domain)
    assert slot_events(events)["chosen_slot"] == proposals[2]


def test_a_new_wish_instead_of_a_choice_restarts_the_search(container, domain):
    proposals = proposals_for(container, domain)
    morning = wish("plutôt vendredi matin")
    events, _ = choose(
        proposals, "plutôt vendredi matin", [{"entity": "time_wish", "value": morning}], "inform", domain
    )
    slots = slot_events(events)
    assert slots["chosen_slot"] is None and slots["time_wish"] == morning and slots["proposed_slots"] is None


def test_an_hour_instead_of_a_choice_keeps_the_day_asked_for(container, domain):
    thursday = wish("jeudi")
    evening = wish("celui de 18 h")
    tracker = make_tracker(
        {
            "proposed_slots": proposals_for(container, domain),
            "requested_slot": "chosen_slot",
            "motif": "consultation",
            "time_wish": evening,  # as Rasa does: this message's own wish is already in the slot
        },
        text="celui de 18 h",
        intent="choose_option",
        entities=[{"entity": "time_wish", "value": evening}],
        active_loop="slot_choice_form",
        events=[{"event": "slot", "name": "time_wish", "value": thursday}],  # the wish before it
        candidates={"chosen_slot": "celui de 18 h"},
    )
    events, _ = run_action(ValidateSlotChoiceForm(), tracker, domain)
    searched = slot_events(events)["time_wish"]
    assert searched["intervals"] == thursday["intervals"] and searched["day_parts"] == evening["day_parts"]


def test_peu_importe_for_the_practitioner_keeps_the_time_when_the_choice_starts(container, domain):
    """Seen on the demo: "vaccin jeudi matin", then "peu importe" (the practitioner): today was proposed."""
    thursday_morning = wish("jeudi matin")
    tracker = make_tracker(
        {"task": "book", "motif": "vaccination", "practitioner": "any"},
        text="peu importe",
        entities=[{"entity": "time_wish", "value": wish("peu importe")}],
        active_loop="slot_choice_form",
        candidates={"time_wish": wish("peu importe")},
        events=[{"event": "slot", "name": "time_wish", "value": thursday_morning}],
    )
    events, _ = run_action(ValidateSlotChoiceForm(), tracker, domain)
    assert slot_events(events)["time_wish"] == thursday_morning


def test_peu_importe_read_again_when_the_choice_form_starts_does_not_erase_the_time(container, domain):
    """At a form's start Rasa extracts the message's slots again and validates none: seen with "peu importe"."""
    thursday_morning = wish("jeudi matin")
    starting = make_tracker(
        {"task": "book", "motif": "vaccination", "practitioner": "any", "time_wish": wish("peu importe")},
        text="peu importe",
        active_loop="slot_choice_form",
        events=[{"event": "slot", "name": "time_wish", "value": thursday_morning}],
    )
    events, _ = run_action(ValidateSlotChoiceForm(), starting, domain)
    assert slot_events(events)["time_wish"] == thursday_morning


def test_an_unclear_choice_is_asked_again(container, domain):
    events, said = choose(proposals_for(container, domain), "euh je sais pas", domain=domain)
    assert slot_events(events)["chosen_slot"] is None and "le premier" in said[0]


def test_refusing_every_proposal_asks_when_instead_of_picking_one(container, domain):
    proposals = proposals_for(container, domain)
    events, said = choose(proposals, "aucun des trois ne me convient", domain=domain)
    slots = slot_events(events)
    assert slots["chosen_slot"] is None and slots["proposed_slots"] is None and slots["time_wish"] is None
    assert said == ["D'accord."]  # then the time is asked again
    why_not = "non ça va pas j'emmène les enfants à l'école à huit heures et demie"
    events, _ = choose(
        proposals, why_not, [{"entity": "time_wish", "value": wish("à huit heures et demie")}], "deny", domain
    )
    assert slot_events(events)["time_wish"] is None  # 8:30 says why not, not when


def test_a_birth_date_said_while_choosing_is_kept_not_searched(container, domain):
    """Seen on the demo: "le douze mai quatre-vingt-quatre" was searched as a date in May 2027."""
    may_2027 = wish("le douze mai")
    assert may_2027["intervals"]
    events, said = choose(
        proposals_for(container, domain),
        "le douze mai quatre-vingt-quatre",
        [{"entity": "time_wish", "value": may_2027}],
        "inform",
        domain,
    )
    slots = slot_events(events)
    assert slots["chosen_slot"] is None and slots["birth_date"] == "1984-05-12"
    assert slots["time_wish"] == THURSDAY_AFTERNOON  # not May 2027
    assert said == [NOTED_BUT_NOT_THIS]


def test_asking_for_a_moment_is_not_a_choice(container, domain):
    events, said = choose(proposals_for(container, domain), "attendez deux secondes", domain=domain)
    assert slot_events(events)["chosen_slot"] is None and said == [TAKE_YOUR_TIME]


def test_a_phone_number_given_instead_of_a_choice_is_noted_not_misunderstood(container, domain):
    phone = [{"entity": "phone_number", "value": "06 12 34 56 78"}]
    events, said = choose(proposals_for(container, domain), "zéro six douze trente-quatre", phone, "inform", domain)
    assert slot_events(events)["chosen_slot"] is None
    assert said == [NOTED_BUT_NOT_THIS]


def identity_answer(requested, text, candidates, earlier):
    return make_tracker(
        {"task": "check", "requested_slot": requested, **earlier},
        text=text,
        active_loop="identity_form",
        candidates=candidates,
        events=[{"event": "slot", "name": name, "value": value} for name, value in earlier.items()],
    )


def test_a_name_given_earlier_is_not_overwritten_by_the_answer_to_another_question(container, domain):
    """Seen on the demo: "louis" (first name) also read as the last name; "février" as a first name."""
    first = identity_answer(
        "first_name", "louis", {"first_name": "louis", "last_name": "louis"}, {"last_name": "Vandenberghe"}
    )
    events, _ = run_action(ValidateIdentityForm(), first, domain)
    assert slot_events(events)["last_name"] == "Vandenberghe" and slot_events(events)["first_name"] == "Louis"
    said = "vingt huit février cinquante deux"
    born = identity_answer(
        "birth_date",
        said,
        {"birth_date": said, "first_name": "février"},
        {"last_name": "Lemaire", "first_name": "Jean-Pierre"},
    )
    events, _ = run_action(ValidateIdentityForm(), born, domain)
    assert slot_events(events)["first_name"] == "Jean-Pierre" and slot_events(events)["birth_date"] == "1952-02-28"


def test_another_slot_named_while_the_name_is_asked_changes_the_choice(container, domain):
    """Seen on the demo: "non pardon le deuxième" when the name was asked: "Je n'ai pas compris le nom"."""
    proposals = proposals_for(container, domain)
    said_then = "non pardon le deuxième"
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name", "proposed_slots": proposals, "chosen_slot": proposals[0]},
        text=said_then,
        entities=[{"entity": "option", "value": "2"}],
        active_loop="identity_form",
        candidates={"last_name": said_then},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events) == {"chosen_slot": proposals[1], "last_name": None}
    assert said == ["D'accord : jeudi 26 novembre à 14 h 30 avec le docteur Lefebvre."]


def test_an_answer_that_is_not_a_name_is_not_saved_as_one(container, domain):
    """Seen on the demo: the surname "Pas Avant Dix-Sept Heures"."""
    asked = identity_answer("last_name", "pas avant dix-sept heures", {"last_name": "pas avant dix-sept heures"}, {})
    events, said = run_action(ValidateIdentityForm(), asked, domain)
    assert slot_events(events)["last_name"] is None and said[0].startswith("Je n'ai pas compris le nom")


def test_a_birth_year_corrected_when_the_phone_is_asked_fixes_the_date_not_the_phone(container, domain):
    """Seen on the demo: "non pardon quatre-vingt-onze" was "no phone", and the booking kept 1990."""
    earlier = {"last_name": "Haddad", "first_name": "Yasmine", "birth_date": "1990-09-03"}
    said_then = "non pardon quatre-vingt-onze"
    fixed = identity_answer("phone", said_then, {"phone": said_then}, {**earlier, "task": "book"})
    events, said = run_action(ValidateIdentityForm(), fixed, domain)
    slots = slot_events(events)
    assert slots["birth_date"] == "1991-09-03" and slots["phone"] is None
    assert said == ["C'est corrigé : date de naissance le 3 septembre 1991."]


def test_a_surname_said_with_the_first_name_keeps_only_the_surname(container, domain):
    """Seen on the phone: "Petit. Léa Petit." was stored as the surname "Petit Léa Petit" (read back
    "Léa Petit Léa Petit"); the patient's next call could not find the appointment."""
    said = "Petit. Léa Petit."
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text=said,
        entities=[{"entity": "first_name", "value": "Léa", "start": 7, "end": 10}],
        active_loop="identity_form",
        candidates={"last_name": said, "first_name": "Léa"},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["last_name"] == "Petit" and slot_events(events)["first_name"] == "Léa"
    # the first name answered with the surname known: "Gabin Morel" for the first name is Gabin
    first = identity_answer("first_name", "Gabin Morel", {"first_name": "Gabin Morel"}, {"last_name": "Morel"})
    events, _ = run_action(ValidateIdentityForm(), first, domain)
    assert slot_events(events)["first_name"] == "Gabin"


def test_a_first_name_that_is_a_practitioners_is_the_patients_first_name(container, domain):
    """Phone QA: "Garnier Sophie" (Sophie Lambert is the nurse) got "Et le prénom ?" again, and the
    hand-over summary of "Hamid Karim" read "praticien : Karim"."""
    said = "Garnier Sophie"
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name", "motif": "vaccination"},
        text=said,
        entities=[{"entity": "practitioner", "value": "lambert", "start": 8, "end": 14}],
        active_loop="identity_form",
        candidates={"last_name": said, "practitioner": "lambert"},
        events=[{"event": "slot", "name": "practitioner", "value": "any"}],
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["last_name"] == "Garnier" and slots["first_name"] == "Sophie" and slots["practitioner"] == "any"
    # "avec Sophie Lambert" is still the nurse, and a patient called Lefebvre keeps no first name Lefebvre
    for text, start, end in (("Garnier, avec Sophie", 14, 20), ("Lefebvre", 0, 8)):
        other = make_tracker(
            {"task": "book", "requested_slot": "last_name"},
            text=text,
            entities=[{"entity": "practitioner", "value": "x", "start": start, "end": end}],
            active_loop="identity_form",
            candidates={"last_name": text},
            sender_id="c-" + text,
        )
        events, _ = run_action(ValidateIdentityForm(), other, domain)
        assert "first_name" not in slot_events(events)


def test_a_name_said_as_a_correction_replaces_the_earlier_one(container, domain):
    fixed = identity_answer(
        "birth_date",
        "non pardon mon prénom c'est Léa",
        {"first_name": "Léa"},
        {"last_name": "Martin", "first_name": "Louise"},
    )
    events, _ = run_action(ValidateIdentityForm(), fixed, domain)
    assert slot_events(events)["first_name"] == "Léa"


def test_identity_values_are_cleaned_and_checked(container, domain):
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text="euh je m'appelle dupont",
        active_loop="identity_form",
        candidates={"last_name": "euh je m'appelle dupont"},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["last_name"] == "Dupont"
    tracker = make_tracker(
        {"task": "book", "last_name": "Dupont", "first_name": "Marie", "requested_slot": "birth_date"},
        text="douze mars quatre-vingt-cinq",
        active_loop="identity_form",
        candidates={"birth_date": "douze mars quatre-vingt-cinq"},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["birth_date"] == "1985-03-12"
    tracker = make_tracker(
        {
            "task": "book",
            "last_name": "Dupont",
            "first_name": "Marie",
            "birth_date": "1985-03-12",
            "requested_slot": "phone",
        },
        text="le trente",
        active_loop="identity_form",
        candidates={"phone": "le trente"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["phone"] is None and "numéro" in said[0]


def test_digits_keyed_for_a_birth_date_are_not_taken_for_a_wrong_phone_number(container, domain):
    tracker = make_tracker(
        {"task": "book", "last_name": "Dupont", "first_name": "Marie", "requested_slot": "birth_date"},
        text="12031985",
        active_loop="identity_form",
        channel="twilio_voice_fr",
        metadata={"caller": "+33612345678"},
        candidates={"birth_date": "12031985", "phone": "12031985"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["birth_date"] == "1985-03-12" and slots["phone"] == "06 12 34 56 78"
    assert not any("numéro" in text for text in said)


def test_caller_number_is_offered_on_the_phone(container, domain):
    tracker = make_tracker(
        {
            "task": "book",
            "last_name": "Dupont",
            "first_name": "Marie",
            "birth_date": "1985-03-12",
            "requested_slot": "phone",
        },
        text="douze mars",
        active_loop="identity_form",
        channel="twilio_voice",
        metadata={"caller": "+33612345678"},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["phone"] == "06 12 34 56 78"


def booking_slots(chosen):
    return {
        "chosen_slot": chosen,
        "last_name": "Dupont",
        "first_name": "Marie",
        "birth_date": "1985-03-12",
        "phone": "06 12 34 56 78",
        "patient_status": "existing",
        "task": "book",
    }


def test_read_back_then_booking_lands_in_the_agenda_with_channel_and_conversation(container, domain):
    chosen = proposals_for(container, domain)[0]
    _, said = run_action(ActionConfirmBooking(), make_tracker(booking_slots(chosen)), domain)
    assert said[0].startswith(
        "Je récapitule : consultation de médecine générale jeudi 26 novembre à 14 h avec le docteur Lefebvre"
    )
    assert said[0].endswith(
        "pour Marie Dupont, date de naissance le 12 mars 1985. "
        "La confirmation partira par SMS au numéro qui se termine par 78. Je confirme ce rendez-vous ?"
    )
    events, said = run_action(
        ActionBookAppointment(),
        make_tracker(booking_slots(chosen), intent="affirm", text="oui", sender_id="conv-77"),
        domain,
    )
    assert said[0].startswith("C'est réservé : consultation de médecine générale jeudi 26 novembre à 14 h")
    slots = slot_events(events)
    assert slots["identity_verified"] is True and slots["chosen_slot"] is None
    appointment = container.agenda.get_appointment(int(slots["appointment_id"]))
    assert appointment.start == slot_from_dict(chosen).start
    assert (
        appointment.channel is Channel.CHAT
        and appointment.conversation_id == "conv-77"
        and appointment.created_by == "assistant"
    )
    patient = container.agenda.get_patient(appointment.patient_id)
    assert (patient.last_name, patient.first_name, patient.birth_date, patient.phone) == (
        "Dupont",
        "Marie",
        date(1985, 3, 12),
        "06 12 34 56 78",
    )


AFTER_READ_BACK = [{"event": "action", "name": "action_confirm_booking"}, {"event": "action", "name": "action_listen"}]


def test_yes_and_a_question_to_the_read_back_books_then_answers(container, domain):
    """Phone QA: "Oui. Et il y a un parking chez vous ?" got the parking, and nothing was booked."""
    chosen = proposals_for(container, domain)[0]
    tracker = make_tracker(
        booking_slots(chosen),
        text="Oui. Et il y a un parking chez vous ?",
        intent="ask_address",
        events=AFTER_READ_BACK,
    )
    events, said = run_action(ActionAnswerInfo(), tracker, domain)
    assert said[0].startswith("C'est réservé : consultation de médecine générale jeudi 26 novembre à 14 h")
    assert "Parking gratuit" in said[-1]
    assert followup(events) == "utter_anything_else"
    assert len(container.agenda.agenda(date(2026, 11, 26), "lefebvre")) == 1
    # the same question without the yes books nothing: the read-back is still waiting
    question = make_tracker(
        booking_slots(chosen), text="il y a un parking ?", intent="ask_address", events=AFTER_READ_BACK, sender_id="c2"
    )
    events, said = run_action(ActionAnswerInfo(), question, domain)
    assert len(said) == 1 and "Parking" in said[0] and not [e for e in events if e.get("event") == "followup"]


def test_yes_and_something_not_understood_to_the_read_back_still_books(container, domain):
    chosen = proposals_for(container, domain)[0]
    tracker = make_tracker(
        booking_slots(chosen),
        text="oui oui et euh je peux boire un café le matin",
        intent="nlu_fallback",
        events=AFTER_READ_BACK,
    )
    _, said = run_action(ActionHandleFallback(), tracker, domain)
    assert said[0].startswith("C'est réservé") and "reformuler" in said[-1]
    assert len(container.agenda.agenda(date(2026, 11, 26), "lefebvre")) == 1


def test_a_slot_taken_meanwhile_leads_to_new_proposals_not_a_crash(container, domain):
    chosen = proposals_for(container, domain)[0]
    slot = slot_from_dict(chosen)
    container.agenda.book(
        BookingRequest("consultation", slot.practitioner_id, slot.start, Channel.PHONE),
        Patient(None, "Rapide", "Paul", date(1990, 1, 1)),
        Actor("assistant", Channel.PHONE),
    )
    events, said = run_action(ActionBookAppointment(), make_tracker(booking_slots(chosen), intent="affirm"), domain)
    assert "vient d'être pris" in said[0]
    assert slot_events(events) == {"chosen_slot": None, "proposed_slots": None}
    assert followup(events) == "slot_choice_form"  # other times at once, not silence
    assert len(container.agenda.agenda(date(2026, 11, 26), "lefebvre")) == 1  # Paul only: nothing booked for Marie


def followup(events):
    (name,) = [event["name"] for event in events if event.get("event") == "followup"]
    return name


def test_a_refusal_no_other_time_can_fix_goes_to_the_secretariat(container, domain):
    marie = Patient(None, "Dupont", "Marie", date(1985, 3, 12), "06 12 34 56 78")
    proposals = proposals_for(container, domain, "vendredi")
    for proposal in proposals[:3]:  # the demo practice allows 3 appointments to come per patient
        slot = slot_from_dict(proposal)
        container.agenda.book(
            BookingRequest("consultation", slot.practitioner_id, slot.start, Channel.SECRETARIAT),
            marie,
            Actor("secretaire", Channel.SECRETARIAT),
        )
    chosen = proposals_for(container, domain, "jeudi matin")[0]
    events, said = run_action(ActionBookAppointment(), make_tracker(booking_slots(chosen), intent="affirm"), domain)
    assert said[0] == "Vous avez déjà 3 rendez-vous à venir, le maximum autorisé."
    assert "secrétariat" in said[1]
    (escalation,) = container.escalations.list_open()
    assert escalation.reason.startswith("Réservation refusée en ligne") and escalation.urgency == "routine"
    assert followup(events) == "callback_form" and slot_events(events)["chosen_slot"] is None
    assert len(container.agenda.agenda(slot_from_dict(chosen).start.date())) == 0  # nothing booked on Thursday


def test_declining_the_read_back_resets_the_choice_and_keeps_a_new_wish(container, domain):
    new = wish("vendredi")
    events, _ = run_action(
        ActionResetChoice(),
        make_tracker(text="non plutôt vendredi", intent="deny", entities=[{"entity": "time_wish", "value": new}]),
        domain,
    )
    assert slot_events(events) == {"chosen_slot": None, "proposed_slots": None, "time_wish": new}


def test_an_exception_in_an_action_never_leaks_and_apologises(container, domain, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM patients WHERE last_name='Dupont' AND phone='0612345678'")

    monkeypatch.setattr(container.agenda, "find_slots", broken)
    events, said = ask_slots(container, domain, time_wish=wish("jeudi"))
    assert "incident technique" in said[0]
    assert {"event": "active_loop", "name": None} in [
        {k: v for k, v in e.items() if k in ("event", "name")} for e in events
    ]
    assert "Dupont" not in caplog.text and "0612345678" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_a_lone_first_name_taken_for_an_emergency_is_still_a_name(container, domain):
    tracker = make_tracker(
        {"task": "book", "last_name": "Dupont", "requested_slot": "first_name"},
        text="Manon",
        intent="emergency",
        active_loop="identity_form",
        candidates={"first_name": "Manon"},
    )
    tracker.latest_message["triage"] = {"category": "emergency", "rules": []}
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["first_name"] == "Manon"
    assert not any(event["event"] == "followup" for event in events)


def test_a_surname_that_is_also_a_synonym_keeps_the_words_the_patient_said(container, domain):
    # Rasa's synonym mapper ignores entity types: "petit" mapped for a relation would rename M. Petit.
    text = "c'est monsieur petit"
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text=text,
        active_loop="identity_form",
        entities=[{"entity": "last_name", "value": "child", "start": 15, "end": 20, "extractor": "DIETClassifier"}],
        candidates={"last_name": "child"},
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["last_name"] == "Petit"
    assert said == []


def test_a_red_flag_said_instead_of_a_name_takes_the_emergency_path(container, domain):
    text = "attendez mon mari ne respire plus"
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text=text,
        intent="emergency",
        active_loop="identity_form",
        candidates={"last_name": text},
    )
    tracker.latest_message["triage"] = {"category": "emergency", "rules": ["detresse-respiratoire"]}
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert any(event["event"] == "followup" and event["name"] == "action_handle_emergency" for event in events)
    assert any(event["event"] == "active_loop" and event["name"] is None for event in events)
    assert "last_name" not in slot_events(events)


def test_a_motif_only_the_secretariat_arranges_is_passed_on_not_asked_again(container, domain):
    """Phone QA: "est-ce que l'infirmière peut passer à domicile ?" got "Quand souhaiteriez-vous venir ?",
    then a hand-over for "incompréhension", the request itself lost."""
    question = make_tracker(
        {"task": "book"},
        text="elle peut pas se déplacer est-ce que l'infirmière peut passer à domicile",
        intent="ask_practitioners",
        active_loop="booking_form",
    )
    events, said = run_action(ActionAnswerInfo(), question, domain)
    assert said[0] == "Les soins infirmiers à domicile s'organisent avec le secrétariat."
    assert followup(events) == "callback_form" and {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    (request,) = container.escalations.list_open()
    assert request.reason == "Demande de soins infirmiers à domicile, à organiser par le secrétariat"
    # asked as a booking, the same
    said_then = "une prise de sang à domicile pour ma mère"
    booking = make_tracker(
        {"task": "book", "requested_slot": "motif"},
        text=said_then,
        entities=[{"entity": "motif", "value": "prise de sang à domicile"}],
        active_loop="booking_form",
        candidates={"motif": "prise de sang à domicile"},
        sender_id="c-2",
    )
    events, said = run_action(ValidateBookingForm(), booking, domain)
    assert (
        said[0] == "Les soins infirmiers à domicile s'organisent avec le secrétariat."
        and followup(events) == "callback_form"
    )


def test_a_practitioner_named_by_first_name_is_searched_not_a_crash(container, domain):
    """Chat QA: "une piqûre avec sophie demain matin" left "sophie" in the slot (not asked, so not
    validated), and the slot search failed with a KeyError: "un incident technique"."""
    tracker = make_tracker(
        {"task": "book", "motif": "injection", "practitioner": "sophie", "time_wish": wish("demain matin")},
        active_loop="slot_choice_form",
    )
    events, said = run_action(ActionAskChosenSlot(), tracker, domain)
    assert "Sophie Lambert" in said[0] and slot_events(events)["proposed_slots"]
    unknown = make_tracker(
        {"task": "book", "motif": "injection", "practitioner": "thomas", "time_wish": wish("demain matin")},
        active_loop="slot_choice_form",
        sender_id="c-2",
    )
    events, said = run_action(ActionAskChosenSlot(), unknown, domain)
    assert slot_events(events)["proposed_slots"]  # Thomas Mercier does no injections: anyone who does


def test_yes_and_a_medical_question_to_the_read_back_books_then_passes_the_question_on(container, domain):
    """Phone QA (night): "oui. et si la fièvre monte cette nuit je fais quoi ?" dropped the booking silently."""
    chosen = proposals_for(container, domain)[0]
    tracker = make_tracker(
        booking_slots(chosen),
        text="oui. et si la fièvre monte cette nuit je fais quoi ?",
        intent="medical_question",
        events=AFTER_READ_BACK,
    )
    _, said = run_action(ActionEscalate(), tracker, domain)
    assert said[0].startswith("C'est réservé") and "avis médical" in said[1]
    assert len(container.agenda.agenda(date(2026, 11, 26), "lefebvre")) == 1
    assert container.escalations.list_open()[0].category == "sensitive"


def test_no_form_takes_a_repeat_request_or_a_goodbye_for_its_answer(container, domain):
    """Phone QA: "Pouvez-vous répéter ?" asked for the surname became the surname "Pouvez-Vous Répéter";
    "Non laissez tomber, au revoir." while the slots were read got "Je n'ai pas compris votre choix"."""
    said_then = "Pouvez-vous répéter ?"
    asked = identity_answer("last_name", said_then, {"last_name": said_then}, {})
    events, said = run_action(ValidateIdentityForm(), asked, domain)
    assert said == [] and slot_events(events) == {"last_name": None}  # the form asks its question again
    events, said = choose(proposals_for(container, domain), "Non laissez tomber, au revoir.", domain=domain)
    assert said == [] and followup(events) == "utter_goodbye"


def test_a_second_booking_request_asks_who_it_is_for_again(container, domain):
    """Phone QA: "il faudrait aussi un rendez-vous pour mon père" was read back with the caller's identity."""
    again = make_tracker(
        {
            "task": "book",
            "last_name": "Fontaine",
            "first_name": "Marc",
            "birth_date": "1965-03-02",
            "identity_verified": True,
        },
        text="il faudrait aussi un rendez-vous pour mon père pour son vaccin",
        intent="book_appointment",
        active_loop="booking_form",
        candidates={"motif": "vaccin"},
        entities=[{"entity": "motif", "value": "vaccin"}, {"entity": "relation", "value": "parent"}],
    )
    events, _ = run_action(ValidateBookingForm(), again, domain)
    slots = slot_events(events)
    assert slots["last_name"] is None and slots["birth_date"] is None and slots["identity_verified"] is None
    assert slots["motif"] == "vaccination"
    # an answer inside the same booking keeps who it is for
    answer = make_tracker(
        {"task": "book", "last_name": "Fontaine", "requested_slot": "time_wish"},
        text="jeudi matin",
        active_loop="booking_form",
        candidates={"time_wish": wish("jeudi matin")},
    )
    events, _ = run_action(ValidateBookingForm(), answer, domain)
    assert "last_name" not in slot_events(events)


def test_open_today_asked_after_closing_time_says_it_is_closed_now(container, domain):
    """Phone QA: "vous êtes ouverts aujourd'hui ?" on Saturday at 15:00 got "de 9 h à midi", not that it was closed."""
    runtime.container().clock = FixedClock(at(2026, 11, 28, 15, 0))
    today = {"intervals": [{"start": "2026-11-28T15:00:00+01:00", "end": "2026-11-29T00:00:00+01:00"}]}
    asked = make_tracker(
        intent="ask_hours", text="vous êtes ouverts aujourd'hui", entities=[{"entity": "time_wish", "value": today}]
    )
    _, said = run_action(ActionAnswerInfo(), asked, domain)
    assert said[0].startswith("Non, le secrétariat est fermé en ce moment ; il rouvre lundi 30 novembre à 8 h 30.")


def test_a_symptom_as_a_first_message_books_rather_than_looks_up_an_appointment(container, domain):
    """QA: "J'ai mal au dos depuis une semaine" as the first message started the identity form with no
    request, and ended in "Je ne retrouve pas de rendez-vous avec ces informations"."""
    tracker = make_tracker(
        text="J'ai mal au dos depuis une semaine",
        entities=[{"entity": "motif", "value": "mal au dos"}],
        active_loop="identity_form",
    )
    events, said = run_action(ValidateIdentityForm(), tracker, domain)
    assert said == [] and slot_events(events)["task"] == "book" and followup(events) == "booking_form"


@pytest.mark.parametrize(("said", "entity", "stored"), [("Le Gall", "Gall", "Le Gall"), ("Da Costa", "Da", "Da Costa")])
def test_a_surname_keeps_the_particle_the_entity_left_out(container, domain, said, entity, stored):
    """Phone QA: "Le Gall" was stored as "Gall" and "Da Costa" as "Da"."""
    start = said.index(entity)
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text=said,
        entities=[{"entity": "last_name", "value": entity, "start": start, "end": start + len(entity)}],
        active_loop="identity_form",
        candidates={"last_name": entity},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    assert slot_events(events)["last_name"] == stored


def test_a_surname_that_is_also_a_first_name_is_not_both(container, domain):
    """Phone QA: "Bernard." for the surname filled the first name too: "Bernard Bernard" was read back."""
    tracker = make_tracker(
        {"task": "book", "requested_slot": "last_name"},
        text="Bernard.",
        entities=[{"entity": "first_name", "value": "Bernard", "start": 0, "end": 7}],
        active_loop="identity_form",
        candidates={"last_name": "Bernard.", "first_name": "Bernard"},
    )
    events, _ = run_action(ValidateIdentityForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["last_name"] == "Bernard" and slots["first_name"] is None


def test_no_with_a_birth_year_to_the_read_back_corrects_the_date_not_the_slot(container, domain):
    """Phone QA: "Non, c'est 1967." to the read-back offered three new slots."""
    chosen = proposals_for(container, domain)[0]
    slots = {**booking_slots(chosen), "birth_date": "1976-02-02"}
    events, said = run_action(ActionResetChoice(), make_tracker(slots, text="Non, c'est 1967.", intent="deny"), domain)
    assert said == ["C'est corrigé : date de naissance le 2 février 1967."]
    assert slot_events(events) == {"birth_date": "1967-02-02"} and followup(events) == "action_confirm_booking"


def test_a_reason_read_as_a_second_motif_does_not_come_back_when_the_choice_starts(container, domain):
    """QA: "une écho de la thyroïde pour surveiller un nodule": the booking form kept the practice's motif, then
    Rasa extracted the message again for the starting slot choice form, the reason (the model's second motif) came
    back into the slot unvalidated, and the patient was asked « Pour quel motif souhaitez-vous un rendez-vous ? »."""
    text = "je voudrais un certificat pour le judo de mon fils jeudi"
    read = [
        {"entity": "motif", "value": "certificat-sport", "start": 15, "end": 25},
        {"entity": "motif", "value": "judo", "start": 34, "end": 38},
    ]
    thursday = wish("jeudi")
    tracker = make_tracker({"task": "book", "motif": "judo", "time_wish": thursday}, text=text, entities=read)
    tracker.events.extend(  # as Rasa sends them to the validation when the slot choice form starts
        [
            {"event": "slot", "name": "motif", "value": "judo"},  # read from the message
            {"event": "action", "name": "booking_form"},
            {"event": "active_loop", "name": "booking_form"},
            {"event": "slot", "name": "motif", "value": "certificat-sport"},  # the booking form's validation
            {"event": "active_loop", "name": None},
            {"event": "active_loop", "name": "slot_choice_form"},
            {"event": "slot", "name": "motif", "value": "judo"},  # extracted again as the choice form starts
            {"event": "slot", "name": "time_wish", "value": thursday},
            {"event": "slot", "name": "requested_slot", "value": "chosen_slot"},
            {"event": "action", "name": "slot_choice_form"},
        ]
    )
    tracker.active_loop = {"name": "slot_choice_form"}
    events, _ = run_action(ValidateSlotChoiceForm(), tracker, domain)
    motifs = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "motif"]
    assert motifs and motifs[-1] == "certificat-sport"
