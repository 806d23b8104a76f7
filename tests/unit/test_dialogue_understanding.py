"""What patients say, mapped to motifs, practitioners, proposals, names and phone numbers; and said back."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from assistant.core.model import Slot
from assistant.core.practice_config import load_practice_file
from assistant.dialogue.speech import (
    motif_question,
    patient_status_question,
    say_birth_date,
    say_choices,
    say_date,
    say_slot,
    say_time,
)
from assistant.dialogue.understanding import narrowed_wish, spoken_entity_text
from assistant.language.fr.birth_dates import corrected_birth_date
from assistant.language.fr.choices import (
    ANY_PRACTITIONER,
    appointments_named,
    choose_slot,
    refuses_all,
    resolve_practitioner,
    states_a_preference,
)
from assistant.language.fr.motifs import first_visit_instead, motif_among, motif_named_in, resolve_motif
from assistant.language.fr.names import name_without_other
from assistant.language.fr.patient_status import patient_status_of
from assistant.language.fr.phone import NO_PHONE, parse_phone
from assistant.language.fr.requests import asks_to_repeat, ends_with_goodbye, is_hold_on
from assistant.language.fr.yes_no import opens_with_yes
from tests.builders import at, make_practice

DEMO = load_practice_file(Path(__file__).resolve().parents[2] / "practices" / "demo-lille.yml")


@pytest.mark.parametrize(
    ("said", "motif_id"),
    [
        ("prise-de-sang", "prise-de-sang"),
        ("prise de sang", "prise-de-sang"),
        ("une prise de sang à jeun", "prise-de-sang"),
        ("Renouvellement d'ordonnance", "renouvellement"),
        ("c'est pour un frottis", "frottis"),
        ("certificat sport", "certificat-sport"),
        ("bilan kiné", "kine-bilan"),
        ("renouvelement", "renouvellement"),  # typo
    ],
)
def test_resolve_motif(said, motif_id):
    motif = resolve_motif(said, DEMO)
    assert motif is not None and motif.id == motif_id


def test_unknown_motif_is_none():
    assert resolve_motif("réparation de vélo", DEMO) is None
    assert resolve_motif("", DEMO) is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("lefebvre", "lefebvre"),
        ("le docteur Benali", "benali"),
        ("Docteur BENALI", "benali"),
        ("le kiné", "mercier"),
        ("l'infirmière", "lambert"),
        ("n'importe lequel", ANY_PRACTITIONER),
        ("peu importe", ANY_PRACTITIONER),
        ("importe", ANY_PRACTITIONER),  # all the model kept of "n'importe quel médecin" in a dev sentence
        ("any", ANY_PRACTITIONER),
        ("le premier disponible", ANY_PRACTITIONER),
        ("docteur lefevre", "lefebvre"),  # close spelling
        ("docteur house", None),
    ],
)
def test_resolve_practitioner(said, expected):
    assert resolve_practitioner(said, DEMO) == expected


def test_practitioner_restricted_to_motif():
    blood_test = DEMO.appointment_type("prise-de-sang")
    assert resolve_practitioner("le docteur benali", DEMO, blood_test) is None
    assert resolve_practitioner("l'infirmière", DEMO, blood_test) == "lambert"


PROPOSALS = [
    Slot(at(2026, 11, 26, 15, 30), at(2026, 11, 26, 15, 50), "lefebvre", "consultation"),
    Slot(at(2026, 11, 27, 9, 0), at(2026, 11, 27, 9, 20), "benali", "consultation"),
    Slot(at(2026, 11, 30, 14, 0), at(2026, 11, 30, 14, 20), "lefebvre", "consultation"),
]


@pytest.mark.parametrize(
    ("said", "option", "index"),
    [
        ("le deuxième", None, 1),
        ("le 2", None, 1),
        ("euh le premier", None, 0),
        ("la dernière", None, 2),
        ("le troisième svp", None, 2),
        ("celui de 15h30", None, 0),
        ("celui de quinze heures trente", None, 0),
        ("à neuf heures", None, 1),
        ("le vendredi", None, 1),
        ("le lundi", None, 2),
        ("le 30", None, 2),
        ("avec le docteur Benali", None, 1),
        ("je prends", "2", 1),
        ("je ne sais pas", None, None),
        ("le mardi", None, None),  # no proposal on a Tuesday
        ("avec le docteur Lefebvre", None, None),  # two proposals with her: ambiguous
        ("lefebvre le lundi", None, 2),
    ],
)
def test_choose_slot(said, option, index):
    assert choose_slot(said, PROPOSALS, DEMO, option) == index


@pytest.mark.parametrize("said", ["oui", "Ça marche.", "d'accord je prends", "c'est bon"])
def test_a_plain_yes_picks_the_only_proposal(said):
    """Phone QA: "Ça marche." to a single time got "Dites « le premier »…"."""
    assert choose_slot(said, PROPOSALS[:1], DEMO) == 0
    assert choose_slot(said, PROPOSALS, DEMO) is None  # three proposed: which one?


@pytest.mark.parametrize(
    "said",
    [
        # seen on the demo: each picked a slot from the number or the time in it
        "aucun des trois ne me convient",
        "non ça va pas j emmène les enfants à l école à huit heures et demie",
        "attendez deux secondes",
        "euh attendez je regarde mon agenda",
        "ni l'un ni l'autre",
        "ça ne m'arrange pas le lundi",
    ],
)
def test_a_refusal_or_a_moment_asked_is_never_a_choice(said):
    assert choose_slot(said, PROPOSALS, DEMO) is None


def test_refusals_holds_and_preferences_are_told_apart():
    assert refuses_all("aucun ne me va") and not refuses_all("le deuxième me va")
    assert is_hold_on("un instant je regarde") and not is_hold_on("le premier")
    # an answer after "attendez" is an answer (phone QA: both got "prenez votre temps" and were lost)
    assert not is_hold_on("Non attendez, je me suis trompé, c'est 1967.")
    assert not is_hold_on("Euh attendez, demain soir vers 17h plutôt")
    assert states_a_preference("aucun, plutôt l'après-midi") and not states_a_preference("aucun")


def test_yes_picks_a_single_proposal_only():
    assert choose_slot("oui ça me va", PROPOSALS[:1], DEMO) == 0
    assert choose_slot("oui", PROPOSALS, DEMO) is None


@pytest.mark.parametrize(
    ("said", "phone"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "06 12 34 56 78"),
        ("zero sept quatre-vingt-dix-neuf zero zero onze vingt-deux", "07 99 00 11 22"),
        # Belgian and Swiss callers: septante, huitante/octante, nonante.
        ("zéro six septante-deux nonante et un huitante-cinq octante", "06 72 91 85 80"),
        ("zero sept quatre-vingt-douze nonante-neuf septante et un trente", "07 92 99 71 30"),
        # among other digits (chat QA: "le 3/12 à 9h … tel 06 01 02 03 04" made no number)
        ("rdv kine le 3/12 a 9h, c pour un bilan, tel 06 01 02 03 04", "06 01 02 03 04"),
        ("aucun", NO_PHONE),
        ("je n'ai pas de portable", NO_PHONE),
        ("douze", None),
        ("00 00 00 00 00", None),
    ],
)
def test_parse_phone(said, phone):
    assert parse_phone(said) == phone
    # A form that starts again validates the stored answer again: it must come back unchanged.
    assert phone is None or parse_phone(phone) == phone


def test_speech_formats():
    assert say_time(time(15, 30)) == "15 h 30"
    assert say_time(time(9, 0)) == "9 h"
    assert say_time(time(12, 0)) == "midi"
    assert say_time(time(12, 30)) == "midi et demi"
    assert say_date(date(2026, 12, 1)) == "mardi 1er décembre"
    assert say_date(date(2026, 11, 24), today=date(2026, 11, 23)) == "demain"
    assert say_birth_date(date(1985, 3, 12)) == "12 mars 1985"
    assert say_slot(PROPOSALS[0], DEMO) == "jeudi 26 novembre à 15 h 30 avec le docteur Lefebvre"


def test_choices_are_short_spoken_sentences_without_digits_colons():
    sentence = say_choices(PROPOSALS, DEMO, today=date(2026, 11, 23))
    assert sentence == (
        "Je peux vous proposer jeudi 26 novembre à 15 h 30 avec le docteur Lefebvre, "
        "vendredi 27 novembre à 9 h avec le docteur Benali ou lundi 30 novembre à 14 h avec le docteur Lefebvre. "
        "Lequel préférez-vous ?"
    )
    assert ":" not in sentence
    same_person = [Slot(s.start, s.end, "lefebvre", s.appointment_type_id) for s in PROPOSALS]
    assert say_choices(same_person, DEMO).startswith("Avec le docteur Lefebvre, je peux vous proposer jeudi")
    one = say_choices(PROPOSALS[:1], DEMO, today=date(2026, 11, 25))
    assert one == "Je peux vous proposer demain à 15 h 30 avec le docteur Lefebvre. Cela vous convient-il ?"


def test_secretariat_staffed_hours_and_next_opening():
    from assistant.core.secretariat import is_staffed, next_staffed

    assert is_staffed(DEMO, at(2026, 11, 23, 10, 0))  # Monday morning
    assert not is_staffed(DEMO, at(2026, 11, 23, 13, 0))  # lunch break
    assert not is_staffed(DEMO, at(2026, 11, 23, 21, 0))
    assert next_staffed(DEMO, at(2026, 11, 23, 21, 0)) == at(2026, 11, 24, 8, 30)
    assert next_staffed(DEMO, at(2026, 11, 28, 13, 0)) == at(2026, 11, 30, 8, 30)  # Saturday afternoon → Monday
    assert next_staffed(DEMO, at(2026, 12, 24, 19, 0)) == at(2026, 12, 26, 9, 0)  # Christmas Day is closed


def test_choices_on_one_day_say_the_day_once():
    one_day = [
        Slot(at(2026, 11, 26, h, m), at(2026, 11, 26, h, m + 20), pid, "consultation")
        for h, m, pid in ((9, 0, "lefebvre"), (9, 30, "benali"), (10, 0, "lefebvre"))
    ]
    assert say_choices(one_day, DEMO, today=date(2026, 11, 23)) == (
        "Jeudi 26 novembre, je peux vous proposer 9 h avec le docteur Lefebvre, 9 h 30 avec le docteur Benali "
        "ou 10 h avec le docteur Lefebvre. Lequel préférez-vous ?"
    )


def test_min_gap_spaces_choices_on_a_day():
    from assistant.core.model import Interval
    from assistant.core.slots import SlotQuery, search_slots
    from assistant.core.windows import TimeWish

    wish = TimeWish(intervals=(Interval(at(2026, 11, 26), at(2026, 11, 27)),))
    tight = search_slots(DEMO, SlotQuery("prise-de-sang", wish=wish, count=3), {}, at(2026, 11, 23, 10))
    spaced = search_slots(
        DEMO, SlotQuery("prise-de-sang", wish=wish, count=3, min_gap_minutes=30), {}, at(2026, 11, 23, 10)
    )
    assert [s.start - tight[0].start for s in tight][1] < timedelta(minutes=30)
    assert all(b.start - a.start >= timedelta(minutes=30) for a, b in itertools.pairwise(spaced))


def test_spoken_entity_text_takes_the_words_at_the_entity_offsets():
    message = {
        "text": "je suis Julien Petit",
        "entities": [
            {"entity": "first_name", "value": "Julien", "start": 8, "end": 14},
            {"entity": "last_name", "value": "child", "start": 15, "end": 20},
        ],
    }
    assert spoken_entity_text(message, "last_name", "child") == "Petit"
    assert spoken_entity_text(message, "first_name", "Julien") == "Julien"


def test_a_compound_name_cut_in_two_entities_is_taken_whole():
    """Seen on the demo: "jean pierre" gave two first names, and the slot kept "pierre"."""
    message = {
        "text": "jean pierre le goff",
        "entities": [
            {"entity": "first_name", "value": "jean", "start": 0, "end": 4},
            {"entity": "first_name", "value": "pierre", "start": 5, "end": 11},
            {"entity": "last_name", "value": "goff", "start": 15, "end": 19},
        ],
    }
    assert spoken_entity_text(message, "first_name", "pierre") == "jean pierre"
    assert spoken_entity_text(message, "first_name", "jean") == "jean pierre"
    assert spoken_entity_text(message, "last_name", "goff") == "goff"  # "le" was no entity: not guessed
    hyphen = {
        "text": "marie-claire",
        "entities": [
            {"entity": "first_name", "value": "marie", "start": 0, "end": 5},
            {"entity": "first_name", "value": "claire", "start": 6, "end": 12},
        ],
    }
    assert spoken_entity_text(hyphen, "first_name", "claire") == "marie-claire"
    apart = {
        "text": "jean et pierre",
        "entities": [
            {"entity": "first_name", "value": "jean", "start": 0, "end": 4},
            {"entity": "first_name", "value": "pierre", "start": 8, "end": 14},
        ],
    }
    assert spoken_entity_text(apart, "first_name", "pierre") == "pierre"


def test_spoken_entity_text_keeps_a_value_no_entity_of_that_type_carries():
    message = {"text": "Petit", "entities": [{"entity": "relation", "value": "child", "start": 0, "end": 5}]}
    # The whole answer (from_text) or another entity type's span is not a name's spoken form.
    assert spoken_entity_text(message, "last_name", "Petit") == "Petit"
    assert spoken_entity_text(message, "last_name", "child") == "child"
    broken = {"text": "Petit", "entities": [{"entity": "last_name", "value": "child", "start": 3, "end": 40}]}
    assert spoken_entity_text(broken, "last_name", "child") == "child"


# -- the form's questions ------------------------------------------------------------------


def test_the_motif_question_gives_examples_from_the_practice_not_from_the_code():
    practice = make_practice()  # a consultation, a first consultation, a home visit booked by the secretariat
    question = motif_question(practice)
    assert question == "C'est pour quel motif ? Par exemple une consultation ou une première consultation."
    assert "Visite à domicile" not in question  # not bookable here: never offered
    assert motif_question(practice, new_patient=False) == question


def test_the_motif_question_offers_the_named_practitioners_own_motifs():
    practice = load_practice_file(Path(__file__).resolve().parents[2] / "practices" / "demo-lille.yml")
    kine = motif_question(practice, "mercier")
    assert (
        kine
        == "Avec Thomas Mercier, le kinésithérapeute, c'est pour un bilan de kinésithérapie ou une séance de kinésithérapie ?"
    )
    # A new patient: only what is open to new patients (no follow-up sessions, no plain consultation).
    assert motif_question(practice, "mercier", new_patient=True) == (
        "C'est pour quel motif ? Par exemple un bilan de kinésithérapie."
    )
    assert "consultation de médecine générale" not in motif_question(practice, None, new_patient=True)
    # Four motifs or more: examples, not a choice.
    nurse = motif_question(practice, "lambert")
    assert nurse == "C'est pour quel motif ? Par exemple une vaccination, une prise de sang ou un pansement."
    assert "consultation" not in nurse


def test_whether_the_patient_came_before_is_asked_about_the_relative_when_the_call_is_for_one():
    assert patient_status_question(False) == "Avez-vous déjà consulté au cabinet ?"
    assert patient_status_question(True) == "Le patient a-t-il déjà consulté au cabinet ?"


def test_a_word_of_a_motif_names_it_when_only_one_motif_has_it():
    kine = [m for m in DEMO.appointment_types if "mercier" in m.practitioner_ids]
    assert motif_named_in("bilan", kine).id == "kine-bilan"
    assert motif_named_in("euh c'est pour un bilan", kine).id == "kine-bilan"
    assert motif_named_in("bilan", DEMO.appointment_types) is None  # a kiné assessment or a blood test?
    assert motif_named_in("certificat", DEMO.appointment_types).id == "certificat-sport"
    assert motif_named_in("je ne sais pas trop en fait", DEMO.appointment_types) is None


def test_a_first_visit_instead_is_with_the_same_practitioners():
    assert first_visit_instead(DEMO.appointment_type("kine-seance"), DEMO).id == "kine-bilan"
    assert first_visit_instead(DEMO.appointment_type("consultation"), DEMO).id == "premiere-consultation"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("non pardon quatre-vingt-onze", date(1991, 9, 3)),
        ("non 1991", date(1991, 9, 3)),
        ("pardon c'est le quatre septembre", date(1990, 9, 4)),
        ("non pardon le 4 septembre 1991", date(1991, 9, 4)),
        ("non", None),  # no phone, not a correction
        ("aucun", None),
        ("non pardon zéro six douze trente-quatre cinquante-six soixante-dix-huit", None),  # a phone number
    ],
)
def test_a_birth_date_corrected_right_after_it_was_given(said, expected):
    assert corrected_birth_date(said, date(1990, 9, 3), datetime(2026, 11, 23, 10)) == expected


def test_no_before_a_number_is_not_no_phone():
    assert parse_phone("non pardon zéro six douze trente-quatre cinquante-six soixante-dix-huit") == "06 12 34 56 78"
    assert parse_phone("non pardon quatre-vingt-onze") is None  # a correction of something else
    assert parse_phone("non je n'en ai pas") == NO_PHONE


def test_a_time_of_day_after_a_day_narrows_that_day():
    """Seen on the demo: "celui de quinze heures" after Thursday's slots searched every day again."""
    thursday = {"intervals": [{"start": "2026-11-26T00:00:00+01:00", "end": "2026-11-27T00:00:00+01:00"}]}
    fifteen = {"intervals": [], "day_parts": ["15:00-15:01"], "weekdays": [], "earliest": False}
    assert narrowed_wish(thursday, fifteen) == {**fifteen, "intervals": thursday["intervals"], "weekdays": []}
    friday = {"intervals": [{"start": "2026-11-27T00:00:00+01:00", "end": "2026-11-28T00:00:00+01:00"}]}
    assert narrowed_wish(thursday, {**fifteen, "intervals": friday["intervals"]})["intervals"] == friday["intervals"]
    assert narrowed_wish(None, fifteen) == fifteen
    assert narrowed_wish({"intervals": [], "day_parts": ["07:00-12:00"]}, fifteen) == fifteen


@pytest.mark.parametrize(
    ("said", "status"),
    [
        # seen on the demo: each made "Avez-vous déjà consulté au cabinet ?" come back
        ("oui je suis suivi par lui", "existing"),
        ("oui je suis un de ses patients", "existing"),
        ("oui j'ai déjà fait le bilan", "existing"),
        ("non c'est la première fois", "new"),
        ("ma fille n'est jamais venue", "new"),
        ("non je suis déjà venu", "existing"),
        ("euh ben", None),
    ],
)
def test_whether_the_patient_came_before_is_read_from_the_words_of_the_answer(said, status):
    assert patient_status_of(None, said) == status
    assert patient_status_of("new", said) == "new"  # an entity's value comes first


@pytest.mark.parametrize(
    ("name", "others", "expected"),
    [
        ("Petit Léa Petit", ["Léa"], "Petit"),
        ("Gabin Morel", ["Gabin"], "Morel"),
        ("Le Gall Marie", ["marie"], "Le Gall"),
        ("Marie", ["Marie"], "Marie"),  # one word is kept whole: Marie Marie exists
        ("Martin Martin", [], "Martin"),
        ("De La Fontaine", ["Bérénice", None], "De La Fontaine"),
        (None, ["Léa"], None),
    ],
)
def test_a_name_answer_loses_the_other_name_said_with_it(name, others, expected):
    assert name_without_other(name, others) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Oui. Et il y a un parking chez vous ?", True),
        ("oui c'est ça je dois apporter quoi", True),
        ("okay merci et vous êtes où", True),
        ("Oui, annulez-le.", True),
        ("oui", False),  # a plain yes is the affirm intent's
        ("oui mais plutôt jeudi", False),
        ("oui non attendez", False),
        ("ouistiti", False),
        ("bonjour oui c'est pour un rendez-vous", False),
    ],
)
def test_a_yes_followed_by_something_else_is_told_apart(said, expected):
    assert opens_with_yes(said) is expected


@pytest.mark.parametrize(
    ("named", "practitioner", "expected"),
    [
        # phone QA: "des séances de kiné… un premier rendez-vous avec le kiné" got a doctor's first consultation
        (["kine-seance", "premiere-consultation"], "mercier", "kine-bilan"),
        (["kine-seance", "premiere-consultation"], None, "kine-bilan"),
        (["premiere-consultation"], "mercier", "kine-bilan"),
        (["consultation", "frottis"], None, "frottis"),
        (["consultation"], None, "consultation"),
        (["prise-de-sang", "consultation"], "lefebvre", "consultation"),
        ([], None, None),
    ],
)
def test_the_motif_meant_among_several_named(named, practitioner, expected):
    motifs = [resolve_motif(value, DEMO) for value in named]
    chosen = motif_among([m for m in motifs if m is not None], practitioner, DEMO)
    assert (chosen.id if chosen else None) == expected


@pytest.mark.parametrize(
    "said", ["Pouvez-vous répéter ?", "pardon ?", "Comment ?", "euh pardon j'ai pas bien entendu", "répétez svp"]
)
def test_a_request_to_hear_it_again_is_told_apart(said):
    assert asks_to_repeat(said)


@pytest.mark.parametrize("said", ["pardon je me suis trompé c'est jeudi", "comment ça se passe", "répétez le 2", ""])
def test_a_sentence_starting_like_a_repeat_request_is_not_one(said):
    assert not asks_to_repeat(said)


@pytest.mark.parametrize(
    ("said", "expected"),
    [("Non laissez tomber, au revoir.", True), ("merci au revoir", True), ("au revoir c'est où", False), ("", False)],
)
def test_a_message_closing_with_a_goodbye(said, expected):
    assert ends_with_goodbye(said) is expected


def test_a_practitioner_or_a_day_not_among_the_proposals_is_not_a_choice():
    """QA: "non je préfère le dr benali, 14h30 alors" booked 14 h 30 with Dr Lefebvre; "demain soir vers 17h"
    while Friday's slots were read booked Friday 17 h 20."""
    lefebvre_only = [PROPOSALS[0], PROPOSALS[2]]
    assert choose_slot("non je prefere le dr benali, 15h30 alors", lefebvre_only, DEMO) is None
    assert choose_slot("celui de 15h30 avec le docteur lefebvre", lefebvre_only, DEMO) == 0
    monday = date(2026, 11, 23)
    assert choose_slot("demain soir vers 15h30", PROPOSALS, DEMO, today=monday) is None  # none on Tuesday
    assert choose_slot("celui de jeudi à 15h30", PROPOSALS, DEMO, today=monday) == 0
    assert choose_slot("celui de demain", PROPOSALS, DEMO, today=date(2026, 11, 25)) == 0  # Thursday is tomorrow


def test_the_appointments_a_request_names():
    from assistant.core.model import Appointment
    from assistant.nlu.time_wish import parse_time_wish

    def appointment(day, practitioner, motif):
        start = at(2026, 11 if day > 20 else 12, day, 9, 0)
        return Appointment(day, practitioner, motif, 1, start, start + timedelta(minutes=20))

    vaccine, physio, renewal = (
        appointment(26, "lefebvre", "vaccination"),
        appointment(3, "mercier", "kine-bilan"),
        appointment(10, "benali", "renouvellement"),
    )
    upcoming = [vaccine, physio, renewal]
    assert appointments_named(upcoming, DEMO, "annuler mon rendez-vous chez le kiné", None) == [physio]
    december_10 = parse_time_wish("le 10 décembre", at(2026, 11, 23, 10))
    assert appointments_named(upcoming, DEMO, "celui du 10 décembre", december_10) == [renewal]
    assert appointments_named(upcoming, DEMO, "je voudrais annuler mon rendez-vous", None) == upcoming
    assert appointments_named(upcoming, DEMO, "annuler le frottis", None) == upcoming  # names none of them


@pytest.mark.parametrize(
    ("said", "option"),
    [
        # QA (issue 16): "2 mai 1960", said for the birth date, chose the second slot, twice
        ("2 mai 1960", "2"),
        ("deux mai mille neuf cent soixante", "deux"),
        ("le premier mars 1985", "premier"),
        ("12/03/1985", None),
        ("3 février", "3"),
    ],
)
def test_a_date_is_never_a_choice_of_option(said, option):
    assert choose_slot(said, PROPOSALS, DEMO, option) is None


def test_a_proposal_named_by_its_own_date_is_chosen():
    assert choose_slot("celui du 27 novembre", PROPOSALS, DEMO) == 1
    assert choose_slot("le 30 novembre", PROPOSALS, DEMO, "30") == 2
