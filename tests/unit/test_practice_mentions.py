"""The practice-driven extractor (issue 18): a practice's people and motifs found as patients say them,
and nothing else taken for them (precision as well as recall)."""

from __future__ import annotations

import pytest

from assistant.core.model import AppointmentType, Practitioner
from assistant.language.fr.practice_mentions import (
    find_mentions,
    motifs_in_context,
    name_similarity,
    practice_intent,
    practitioner_in,
    reconcile,
    vocabulary_of,
    within_categories,
)
from tests.builders import make_practice, rule

GP = (rule((0, 1, 2, 3, 4), "08:30-12:00"),)


def _practice():
    practitioners = (
        Practitioner("boudiaf", "Nour Boudiaf", "Dr", "médecin généraliste", schedule=GP),
        Practitioner("martin", "Paul Martin", "Dr", "médecin généraliste", schedule=GP),
        Practitioner("wojcik", "Agathe Wojcik", "Mme", "masseur-kinésithérapeute", schedule=GP),
        Practitioner("petit", "Luc Petit", "M.", "infirmier diplômé d'État", schedule=GP),
        Practitioner("vandenberghe", "Julie Van den Berghe", "Mme", "sage-femme", schedule=GP),
    )
    motifs = (
        AppointmentType("consult", "consultation", 20, ("boudiaf", "martin"), synonyms=("rdv médecin",)),
        AppointmentType(
            "renouv", "renouvellement d'ordonnance", 15, ("boudiaf", "martin"), synonyms=("renouvellement",)
        ),
        AppointmentType(
            "seance", "séance de kinésithérapie", 30, ("wojcik",), synonyms=("séance de kiné", "rééducation")
        ),
        AppointmentType("bilan", "bilan de kinésithérapie", 45, ("wojcik",), synonyms=("bilan kiné",)),
        AppointmentType("echo-pelv", "échographie pelvienne", 30, ("vandenberghe",), synonyms=("écho pelvienne",)),
    )
    return make_practice(practitioners=practitioners, appointment_types=motifs)


VOCABULARY = vocabulary_of(_practice())


def _said(text: str) -> list[tuple[str, str, str]]:
    return [(m.entity, m.value, text[m.start : m.end]) for m in find_mentions(text, VOCABULARY)]


def _practitioners(text: str) -> list[str]:
    return [value for entity, value, _ in _said(text) if entity == "practitioner"]


@pytest.mark.parametrize(
    "text",
    [
        "Je voudrais voir le docteur Boudiaf demain",
        "je voudrais voir le docteur boudiaf demain",  # lowercase
        "un rdv avec le Dr Boudiafe svp",  # misspelt
        "avec le docteur bou diaf",  # speech-to-text splits the name
        "docteur boudiafe jeudi matin",
        "avec Boudiaf",  # surname after an asking word
        "Boudiaf",  # the surname alone (an answer to the practitioner question)
        "le docteur Nour Boudiaf",  # first name and surname after a title
        "Nour Boudiaf",
        "chez Nour",  # a first name after an asking word
        "est-ce que je peux voir la doctoresse Boudiaf",
    ],
)
def test_a_practitioner_is_found_however_named(text: str) -> None:
    assert _practitioners(text) == ["boudiaf"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("un rendez-vous avec madame Wojcik", "wojcik"),
        ("avec madame vojcik", "wojcik"),  # a Polish name as speech-to-text writes it
        ("je voudrais un rdv chez le kiné", "wojcik"),  # the one kiné
        ("avec l'infirmier", "petit"),
        ("la sage-femme", "vandenberghe"),
        ("avec madame Van den Berghe", "vandenberghe"),
        ("avec madame vandenberghe", "vandenberghe"),
        ("avec monsieur Petit", "petit"),  # a common word after a title
    ],
)
def test_titles_professions_and_compound_names(text: str, expected: str) -> None:
    assert _practitioners(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "je m'appelle Martin",  # the patient's own name, in a practice with a Dr Martin
        "c'est madame Martin à l'appareil",
        "mon nom c'est Martin Jacques",
        "au nom de Martin",
        "mon fils Paul",  # a first name shared by a patient and a practitioner
        "je voudrais un petit rendez-vous",  # a surname that is an everyday word
        "je voudrais voir un médecin",  # two GPs: no one in particular
        "il tousse depuis trois jours",
        "c'est pour ma fille Agathe",
        "je suis Jacques Martin, né le 19 juin 1956",  # a first name between "je suis" and the surname
        "je m'appelle Martin, Jacques Martin, et je voudrais un rendez-vous",  # the own name said twice
        "bonjour",
        "",
    ],
)
def test_what_is_not_a_practitioner(text: str) -> None:
    assert _practitioners(text) == []


def test_the_name_span_leaves_the_title_out() -> None:
    assert _said("avec le docteur Boudiaf") == [("practitioner", "boudiaf", "Boudiaf")]


@pytest.mark.parametrize(
    ("text", "motif", "span"),
    [
        ("c'est pour un renouvellement d'ordonnance", "renouv", "renouvellement d'ordonnance"),
        ("un renouvellement d'ordonance", "renouv", "renouvellement d'ordonance"),  # misspelt
        ("une séance de kiné avec madame Wojcik", "seance", "séance de kiné"),
        ("un bilan kiné", "bilan", "bilan kiné"),
        ("une écho pelvienne", "echo-pelv", "écho pelvienne"),
        ("une echographie pelviene", "echo-pelv", "echographie pelviene"),
    ],
)
def test_motifs_by_name_and_synonym(text: str, motif: str, span: str) -> None:
    assert ("motif", motif, span) in _said(text)


def test_a_profession_inside_a_motif_is_the_motif() -> None:
    assert _said("une séance de kiné") == [("motif", "seance", "séance de kiné")]


def test_no_motif_is_invented() -> None:
    assert [m for m in _said("je voudrais le premier rendez-vous disponible") if m[0] == "motif"] == []


def test_the_first_available_appointment_is_a_time_not_a_first_visit() -> None:
    practice = _practice()
    from dataclasses import replace

    first = AppointmentType("premiere", "première consultation", 30, ("boudiaf",), synonyms=("premier rendez-vous",))
    vocabulary = vocabulary_of(replace(practice, appointment_types=(*practice.appointment_types, first)))
    assert find_mentions("je voudrais le premier rendez-vous disponible", vocabulary) == []
    assert [m.value for m in find_mentions("c'est pour un premier rendez-vous", vocabulary)] == ["premiere"]


def test_name_similarity_forgives_spelling_and_sound_not_other_names() -> None:
    assert name_similarity("lefevre", "lefebvre") >= 0.8
    assert name_similarity("boudiafe", "boudiaf") >= 0.96
    assert name_similarity("martin", "boudiaf") < 0.5
    assert name_similarity("martine", "martin") < 0.96 or name_similarity("martine", "martin") >= 0.8


def test_reconcile_replaces_the_models_reading_with_the_practices() -> None:
    text = "avec le docteur Boudiafe pour un renouvellement"
    model = [
        {"entity": "last_name", "value": "Boudiafe", "start": 16, "end": 24},
        {"entity": "motif", "value": "renouvellement", "start": 33, "end": 47},
    ]
    entities = reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY)
    assert [(e["entity"], e["value"]) for e in entities] == [("practitioner", "boudiaf"), ("motif", "renouv")]


def test_a_practitioner_the_model_found_is_resolved_or_kept_as_said() -> None:
    kept = reconcile([{"entity": "practitioner", "value": "Dr Boudiafe", "start": 0, "end": 11}], [], VOCABULARY)
    assert kept[0]["value"] == "boudiaf"
    unknown = reconcile([{"entity": "practitioner", "value": "Dupuis", "start": 0, "end": 6}], [], VOCABULARY)
    assert unknown[0]["value"] == "Dupuis"  # nobody here: the dialogue says so
    assert practitioner_in("le kiné", VOCABULARY) == "wojcik"


def test_a_patients_name_stays_when_no_practitioner_is_named() -> None:
    model = [{"entity": "last_name", "value": "Martin", "start": 13, "end": 19}]
    text = "je m'appelle Martin"
    assert reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY) == model


def test_several_of_a_profession_name_no_one() -> None:
    two_kines = _practice()
    extra = Practitioner("durand", "Marc Durand", "M.", "masseur-kinésithérapeute", schedule=GP)
    from dataclasses import replace

    vocabulary = vocabulary_of(replace(two_kines, practitioners=(*two_kines.practitioners, extra)))
    assert [m for m in find_mentions("avec le kiné", vocabulary) if m.entity == "practitioner"] == []


def test_a_motif_the_model_read_in_the_first_available_appointment_is_dropped() -> None:
    text = "je voudrais le premier rendez-vous disponible"
    model = [{"entity": "motif", "value": "premier rendez-vous", "start": 15, "end": 34}]
    assert reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY, text) == []
    model = [{"entity": "motif", "value": "premier rendez-vous disponible", "start": 15, "end": 45}]
    assert reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY, text) == []
    kept = "un premier rendez-vous pour ma fille"
    model = [{"entity": "motif", "value": "premier rendez-vous", "start": 3, "end": 22}]
    assert [e["value"] for e in reconcile(model, [], VOCABULARY, kept)] == ["premier rendez-vous"]  # kept


def test_a_motif_phrase_running_into_a_titled_name_is_the_practitioner() -> None:
    from dataclasses import replace

    practice = _practice()
    consult = replace(practice.appointment_types[0], synonyms=("voir le docteur",))
    vocabulary = vocabulary_of(replace(practice, appointment_types=(consult, *practice.appointment_types[1:])))
    found = find_mentions("je voudrais voir le docteur Boudiaf", vocabulary)
    assert [(m.entity, m.value) for m in found] == [("practitioner", "boudiaf")]


def test_a_practitioner_made_of_articles_is_nobody() -> None:
    text = "peu importe le premier disponible"
    model = [
        {"entity": "practitioner", "value": "any", "start": 0, "end": 11},
        {"entity": "practitioner", "value": "le", "start": 12, "end": 14},
    ]
    assert [e["value"] for e in reconcile(model, [], VOCABULARY, text)] == ["any"]


def test_a_message_naming_the_practices_motif_is_about_the_practice() -> None:
    mentions = find_mentions("une echographie pelvienne", VOCABULARY)
    # called out of scope, or unsure: the best practice intent the model ranked, else a booking
    assert practice_intent([("out_of_scope", 0.9), ("inform", 0.05)], mentions, 0.45) == "inform"
    assert practice_intent([("greet", 0.3), ("ask_fees", 0.2)], mentions, 0.45) == "ask_fees"
    assert practice_intent([("out_of_scope", 0.9)], mentions, 0.45) == "book_appointment"
    assert practice_intent([("ask_documents", 0.3), ("book_appointment", 0.25)], mentions, 0.45) == "ask_documents"
    # an unsure result or record request about the practice's motif is about it, not "not understood"
    assert practice_intent([("ask_results", 0.39), ("check_appointment", 0.3)], mentions, 0.45) == "check_appointment"


def test_a_sure_intent_or_a_message_without_the_practices_words_keeps_its_intent() -> None:
    mentions = find_mentions("une echographie pelvienne", VOCABULARY)
    assert practice_intent([("ask_fees", 0.8)], mentions, 0.45) is None
    assert practice_intent([("complaint", 0.7)], mentions, 0.45) is None  # sure, and not ours to change
    assert practice_intent([("emergency", 0.3), ("book_appointment", 0.29)], mentions, 0.45) is None
    assert practice_intent([("medical_question", 0.6), ("ask_documents", 0.3)], mentions, 0.45) is None
    assert practice_intent([("medical_question", 0.37), ("ask_documents", 0.22)], mentions, 0.45) is None  # no advice
    assert practice_intent([("request_human", 0.3), ("book_appointment", 0.29)], mentions, 0.45) is None
    assert practice_intent([("complaint", 0.3), ("book_appointment", 0.29)], mentions, 0.45) is None
    assert practice_intent([("out_of_scope", 0.9)], [], 0.45) is None


def test_a_motif_phrase_is_resolved_by_its_telling_words() -> None:
    from assistant.language.fr.practice_mentions import motif_of_words

    assert motif_of_words("renouveler son traitement", VOCABULARY) == "renouv"
    assert motif_of_words("une echographie du pelvis", VOCABULARY) == "echo-pelv"
    assert motif_of_words("des seances de reeducation du genou", VOCABULARY) == "seance"
    # a word two motifs share tells neither; a symptom tells none
    assert motif_of_words("kinesitherapie", VOCABULARY) is None
    assert motif_of_words("mal au dos depuis une semaine", VOCABULARY) is None
    # a misspelling is forgiven, another word of the same ending is not
    assert motif_of_words("une echografie du pelvis", VOCABULARY) == "echo-pelv"
    vocabulary = vocabulary_of(
        make_practice(appointment_types=(AppointmentType("tdm", "tomodensitométrie", 15, ("dupont",)),))
    )
    assert motif_of_words("une osteodensitometrie", vocabulary) is None
    assert motif_of_words("une tomodensitometrie", vocabulary) == "tdm"


def test_a_reason_that_names_no_motif_keeps_its_words_and_anyone_is_any() -> None:
    text = "il a mal au dos depuis une semaine, peu importe le medecin du cabinet"
    model = [
        {"entity": "motif", "value": "mal au dos", "start": 5, "end": 15},
        {"entity": "practitioner", "value": "peu importe le medecin du", "start": 36, "end": 61},
    ]
    entities = reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY, text)
    assert [(e["entity"], e["value"]) for e in entities] == [("motif", "mal au dos"), ("practitioner", "any")]


def test_a_motif_the_model_read_is_the_practices_when_it_says_one() -> None:
    text = "il me faut un renouvelement de mon traitement"
    model = [{"entity": "motif", "value": "renouvelement de mon traitement", "start": 14, "end": 45}]
    assert [(e["entity"], e["value"]) for e in reconcile(model, [], VOCABULARY, text)] == [("motif", "renouv")]


@pytest.mark.parametrize(
    "text", ["avec n'importe quel médecin vendredi", "peu importe lequel", "n'importe qui", "peu importe le médecin"]
)
def test_whoever_is_free_is_anyone(text: str) -> None:
    assert _practitioners(text) == ["any"]


@pytest.mark.parametrize("text", ["n'importe quel jour", "peu importe", "peu importe le jour"])
def test_any_time_is_not_anyone(text: str) -> None:
    assert _practitioners(text) == []


def test_a_profession_the_model_read_inside_a_motif_is_the_motif() -> None:
    text = "une séance de kiné"
    model = [{"entity": "practitioner", "value": "kiné", "start": 14, "end": 18}]
    assert [e["entity"] for e in reconcile(model, find_mentions(text, VOCABULARY), VOCABULARY, text)] == ["motif"]


def test_a_categorical_entity_outside_its_categories_is_dropped() -> None:
    entities = [
        {"entity": "patient_status", "value": "encore"},
        {"entity": "patient_status", "value": "existing"},
        {"entity": "relation", "value": "child"},
        {"entity": "last_name", "value": "Durand"},
    ]
    kept = within_categories(entities, {"patient_status": ["new", "existing"], "relation": ["child"]})
    assert [e["value"] for e in kept] == ["existing", "child", "Durand"]


def test_a_practitioner_is_still_named_by_title_by_a_patient_of_the_same_name() -> None:
    assert _practitioners("je m'appelle Martin et je voudrais voir le docteur Martin") == ["martin"]


def test_the_w_sound_written_ou() -> None:
    practice = _practice()
    from dataclasses import replace

    extra = Practitioner("ouadghiri", "Anouk Ouadghiri", "Dr", "radiologue", schedule=GP)
    vocabulary = vocabulary_of(replace(practice, practitioners=(*practice.practitioners, extra)))
    assert [m.value for m in find_mentions("le docteur wad giri", vocabulary)] == ["ouadghiri"]


def test_the_words_of_a_motif_in_a_request_for_results_are_no_motif() -> None:
    entities = [{"entity": "motif", "value": "prise-de-sang"}, {"entity": "relation", "value": "child"}]
    assert [e["entity"] for e in motifs_in_context(entities, "ask_results")] == ["relation"]
    assert [e["entity"] for e in motifs_in_context(entities, "ask_documents")] == ["motif", "relation"]


def _physio_and_imaging():
    """Two kinés (so "le kiné" is nobody in particular), "kiné" also a motif's synonym, a manipulateur
    whose specialty names radiology too, imaging motifs."""
    practitioners = (
        Practitioner("wojcik", "Agathe Wojcik", "Mme", "masseuse-kinésithérapeute", schedule=GP),
        Practitioner("durand", "Marc Durand", "M.", "masseur-kinésithérapeute", schedule=GP),
        Practitioner("leroux", "Paul Leroux", "M.", "manipulateur en radiologie", schedule=GP),
        Practitioner("kaci", "Lina Kaci", "Dr", "radiologue", schedule=GP),
    )
    motifs = (
        AppointmentType("seance", "séance de kinésithérapie", 30, ("wojcik",), synonyms=("séance", "kiné")),
        AppointmentType("drainage", "drainage lymphatique", 45, ("wojcik",), synonyms=("drainage",)),
        AppointmentType("radio", "radiographie", 10, ("leroux",), synonyms=("radio", "radios")),
        AppointmentType(
            "respi", "kiné respiratoire", 30, ("durand",), synonyms=("kiné respi", "kiné pour la bronchiolite")
        ),
    )
    return vocabulary_of(make_practice(practitioners=practitioners, appointment_types=motifs))


def test_the_profession_said_first_is_the_practitioners() -> None:
    from assistant.language.fr.practice_mentions import profession_of

    assert profession_of("manipulateur en radiologie") == "manipulat"
    assert profession_of("radiologue, spécialiste de l'imagerie du sein") == "radiolog"
    said = find_mentions("un rendez-vous chez le manipulateur pour une radio", _physio_and_imaging())
    assert [(m.entity, m.value) for m in said] == [("practitioner", "leroux"), ("motif", "radio")]


@pytest.mark.parametrize(
    ("text", "motifs"),
    [
        ("une ordonnance de kiné pour mon dos", ["seance"]),  # the care
        ("on voudrait commencer la kiné", ["seance"]),
        ("rdv kiné mardi", ["seance"]),
        ("il y a un kiné de garde le dimanche", []),  # a person
        ("vous avez un kiné spécialisé dans le sport", []),
        ("peu importe le kiné", []),
        ("je veux parler à votre kiné", []),
        ("bonjour le cabinet de kiné", []),  # the place
        ("je dois apporter mes anciennes radios", []),  # papers of past exams
        ("une radio du genou", ["radio"]),
        ("des séances de drainage", ["drainage"]),  # the session says what for
        ("une séance de drainage puis une séance", ["drainage", "seance"]),
    ],
)
def test_a_motif_word_where_it_names_no_visit(text: str, motifs: list[str]) -> None:
    said = find_mentions(text, _physio_and_imaging())
    assert [m.value for m in said if m.entity == "motif"] == motifs


def test_a_motif_the_model_read_where_it_names_no_visit_is_dropped() -> None:
    text = "il y a un kiné de garde"
    model = [{"entity": "motif", "value": "kiné", "start": 10, "end": 14}]
    assert reconcile(model, find_mentions(text, _physio_and_imaging()), _physio_and_imaging(), text) == []
    text = "mes anciennes radios"
    model = [{"entity": "motif", "value": "radios", "start": 14, "end": 20}]
    assert reconcile(model, [], _physio_and_imaging(), text) == []


def test_the_models_words_that_go_on_naming_a_motif_are_that_motif() -> None:
    vocabulary = _physio_and_imaging()
    text = "une radio de la hanche"
    model = [{"entity": "motif", "value": "hanche", "start": 16, "end": 22}]
    entities = reconcile(model, find_mentions(text, vocabulary), vocabulary, text)
    assert [(e["entity"], e["value"]) for e in entities] == [("motif", "radio")]


def test_a_reason_said_beside_the_motif_it_tells_keeps_its_words() -> None:
    vocabulary = _physio_and_imaging()
    model = [{"entity": "motif", "value": "bronchiolite", "start": 0, "end": 12}]
    alone = reconcile(model, [], vocabulary, "bronchiolite")
    assert alone[0]["value"] == "respi"  # alone, its telling words name the motif
    text = "de la kiné respiratoire pour sa bronchiolite"
    model = [{"entity": "motif", "value": "bronchiolite", "start": 32, "end": 44}]
    beside = reconcile(model, find_mentions(text, vocabulary), vocabulary, text)
    assert sorted(e["value"] for e in beside) == ["bronchiolite", "respi"]


def test_a_name_the_caller_gives_as_their_own_is_no_practitioner() -> None:
    text = "bonjour c'est madame Verschuere je voudrais décaler"
    model = [{"entity": "practitioner", "value": "Verschuere", "start": 21, "end": 31}]
    assert [(e["entity"], e["value"]) for e in reconcile(model, [], VOCABULARY, text)] == [("last_name", "Verschuere")]
    text = "je voudrais voir le docteur Verschuere"
    model = [{"entity": "practitioner", "value": "Verschuere", "start": 28, "end": 38}]
    assert reconcile(model, [], VOCABULARY, text)[0]["entity"] == "practitioner"


def test_a_profession_several_share_or_a_paper_the_motifs_never_say_is_dropped() -> None:
    vocabulary = _physio_and_imaging()  # two kinés, no motif says "ordonnance"
    model = [
        {"entity": "practitioner", "value": "le kiné", "start": 0, "end": 7},
        {"entity": "last_name", "value": "kiné", "start": 8, "end": 12},
        {"entity": "last_name", "value": "le radiologue", "start": 8, "end": 12},
        {"entity": "motif", "value": "mon ordonnance", "start": 13, "end": 27},
    ]
    assert reconcile(model, [], vocabulary) == []
    demo = reconcile([{"entity": "motif", "value": "ordonnance", "start": 0, "end": 10}], [], VOCABULARY)
    assert demo[0]["value"] == "renouv"  # a practice whose motif says "ordonnance": the renewal


def test_a_question_about_a_service_keeps_the_practices_motifs_only() -> None:
    entities = [{"entity": "motif", "value": "pacemaker"}, {"entity": "motif", "value": "radio"}]
    assert [e["value"] for e in motifs_in_context(entities, "ask_documents", {"radio"})] == ["radio"]
    assert [e["value"] for e in motifs_in_context(entities, "book_appointment", {"radio"})] == ["pacemaker", "radio"]
    alone = [{"entity": "motif", "value": "mal de dos"}]
    assert motifs_in_context(alone, "ask_fees", {"radio"}) == alone  # nothing of the practice's named


# -- first names said otherwise, asked for in more ways; names and cares the model mixed up --------------


@pytest.mark.parametrize(
    ("text", "practitioner"),
    [
        ("d'habitude mon fils voit agathe pour sa séance", "wojcik"),  # "voit" asks for someone
        ("je voudrais parler à agathe c'est personnel", "wojcik"),
        ("un bilan avec madame agate", "wojcik"),  # a first name spelled otherwise after a title
        ("le mettre avec juju plutôt", None),  # too short to be a first name said short
        ("le mettre avec jul plutôt", None),
        ("agathe elle travaille le samedi", "wojcik"),  # a person talked about
        ("c'est pour mon fils Paul il a de la fièvre", None),  # the caller's son, not Dr Martin
    ],
)
def test_first_names_are_found_where_the_words_ask_for_someone(text: str, practitioner: str | None) -> None:
    found = _practitioners(text)
    assert found == ([practitioner] if practitioner else [])


def test_the_second_of_two_first_names_is_asked_for_too() -> None:
    assert _practitioners("une séance avec Nour ou Agathe, celle qui a de la place") == ["boudiaf", "wojcik"]


def test_a_first_name_said_short_after_an_asking_word() -> None:
    practice = make_practice(
        practitioners=(Practitioner("lefort", "Alexandre Lefort", "M.", "masseur-kinésithérapeute", schedule=GP),),
        appointment_types=(AppointmentType("seance", "séance de kinésithérapie", 30, ("lefort",)),),
    )
    said = find_mentions("je peux le mettre avec alex plutôt", vocabulary_of(practice))
    assert [(m.entity, m.value) for m in said] == [("practitioner", "lefort")]


def test_a_practitioners_first_name_with_another_surname_is_a_patient() -> None:
    assert _practitioners("Agathe Wojcik") == ["wojcik"]
    assert _practitioners("Agathe Wojcick") == ["wojcik"]  # misspelt: still her
    assert _practitioners("Agathe Woillez") == []  # a patient called Agathe


@pytest.mark.parametrize(
    "text",
    [
        "bonjour il me faudrait une séance avec le premier kiné disponible",
        "je voudrais un bilan avec le premier disponible",
        "une séance avec n'importe quel autre kiné",
    ],
)
def test_the_first_one_free_is_anyone(text: str) -> None:
    """In a practice with two kinés (one kiné would be that kiné)."""
    said = find_mentions(text, _physio_and_imaging())
    assert [m.value for m in said if m.entity == "practitioner"] == ["any"]


def test_the_first_free_appointment_is_a_time_not_anyone() -> None:
    assert _practitioners("je voudrais le premier rendez-vous disponible") == []


def _reconciled(text: str, model: list[tuple[str, str]], vocabulary=VOCABULARY) -> list[tuple[str, str]]:
    entities = [
        {"entity": kind, "value": words, "start": text.index(words), "end": text.index(words) + len(words)}
        for kind, words in model
    ]
    return [(e["entity"], e["value"]) for e in reconcile(entities, find_mentions(text, vocabulary), vocabulary, text)]


def test_a_practitioners_name_the_model_read_as_a_motif_is_the_practitioner() -> None:
    assert _reconciled("une séance de kiné avec agathe demain", [("motif", "agathe")]) == [
        ("motif", "seance"),
        ("practitioner", "wojcik"),
    ]
    # without an asking word the practice finds nobody, the model's motif is still a name
    assert ("practitioner", "wojcik") in _reconciled("une séance agathe demain", [("motif", "agathe")])


def test_a_profession_the_model_read_as_a_motif_is_no_motif() -> None:
    text = "une échographie pelvienne avec n'importe lequel de vos radiologues"
    assert ("motif", "radiologues") not in _reconciled(text, [("motif", "radiologues")])


def test_the_caller_with_a_practitioners_surname_is_the_caller() -> None:
    text = "c'est madame Wojcik à l'appareil"
    assert _reconciled(text, [("practitioner", "Wojcik")]) == [("last_name", "Wojcik")]
    text = "nom Boudiaf prénom Sarah"
    assert ("practitioner", "boudiaf") not in _reconciled(text, [("practitioner", "Boudiaf")])
    text = "c'est monsieur boudiaf j'annule ma consultation de jeudi"
    assert ("last_name", "boudiaf") in _reconciled(text, [("motif", "boudiaf")])
    # "c'est Boudiaf" may answer "avec qui ?": the practitioner
    assert _reconciled("c'est Boudiaf", [("practitioner", "Boudiaf")]) == [("practitioner", "boudiaf")]


def test_a_misspelt_motif_said_alone_is_nobodys_first_name() -> None:
    text = "échographi pelviene"
    assert _reconciled(text, [("first_name", "pelviene")]) == [("motif", "echo-pelv")]


def test_the_first_free_appointment_read_as_a_motif_is_a_time() -> None:
    text = "le premier rendez-vous disponible avec le docteur Martin"
    assert _reconciled(text, [("motif", "premier")]) == [("practitioner", "martin")]


@pytest.mark.parametrize(
    "text",
    [
        "je suis déjà venue pour une séance de kiné il y a deux ans",  # a visit made
        "on m'a fait une échographie pelvienne l'an dernier",
        "je change de kiné je déménage",  # a person
        "est-ce que je dois apporter le carnet de consultation",  # a paper
        "quels sont les jours de consultation",  # a time
    ],
)
def test_a_motif_said_where_no_visit_is_asked_for_is_none(text: str) -> None:
    assert [value for entity, value, _ in _said(text) if entity == "motif"] == []


@pytest.mark.parametrize(
    ("text", "motif"),
    [
        ("vous faites des échographies pelviennes ?", "echo-pelv"),  # a service asked about, not a past visit
        ("je voudrais faire une séance de kiné", "seance"),
        ("j'ai une séance de kiné à déplacer", "seance"),
    ],
)
def test_a_motif_asked_about_or_booked_is_one(text: str, motif: str) -> None:
    assert [value for entity, value, _ in _said(text) if entity == "motif"] == [motif]


def test_the_manipulateur_radio_is_a_person_not_an_x_ray() -> None:
    said = find_mentions("c'est qui le manipulateur radio chez vous", _physio_and_imaging())
    assert [(m.entity, m.value) for m in said] == [("practitioner", "leroux")]


def test_the_caller_named_where_the_model_read_a_motif_is_the_callers_name() -> None:
    text = "bonjour c'est monsieur lefrançois je voudrais reporter la séance de kiné de demain"
    assert ("last_name", "lefrançois") in _reconciled(text, [("motif", "lefrançois")])


def test_in_a_move_only_the_practices_motif_is_what_the_appointment_is_for() -> None:
    entities = [
        {"entity": "motif", "value": "seance"},
        {"entity": "motif", "value": "prise de sang"},
    ]
    for intent in ("reschedule_appointment", "cancel_appointment", "check_appointment"):
        assert motifs_in_context(entities, intent, {"seance"}) == [{"entity": "motif", "value": "seance"}]
    assert motifs_in_context(entities, "book_appointment", {"seance"}) == entities


@pytest.mark.parametrize(
    "text",
    ["ma fille voit bien agathe samedi", "est-ce que je peux parler directement à agathe", "je veux parler à agathe"],
)
def test_an_adverb_between_the_asking_word_and_the_name(text: str) -> None:
    assert _practitioners(text) == ["wojcik"]


def test_a_word_that_names_nobody_is_no_patients_name() -> None:
    assert _reconciled("euh le premier disponible", [("last_name", "le")]) == []


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("vandenbergue", "vandenberghe"),  # the Flemish "gh" said "gu"
        ("vandaele", "vandale"),  # the Flemish "ae" said "a"
        ("chtesny", "szczesny"),  # the Polish "szcz" said "cht"
        ("shtesny", "szczesny"),
        ("vendeur", "vandeur"),  # "en" said "an"
    ],
)
def test_names_of_the_nord_said_by_ear_sound_the_same(said: str, name: str) -> None:
    assert name_similarity(said, name) >= 0.95


@pytest.mark.parametrize(("said", "name"), [("sans", "seins"), ("drenage", "dranage")])
def test_other_sounds_stay_apart(said: str, name: str) -> None:
    assert name_similarity(said, name) < 0.95


@pytest.mark.parametrize(
    ("text", "motif"),
    [
        ("euh une seance kine jeudi", "seance"),  # "de" left out of "séance de kiné"
        ("annulez ma seance kine de jeudi", "seance"),
        ("pour une echographie pelvienn", "echo-pelv"),
        ("une ékographi pelvienne", "echo-pelv"),  # other letters, the same sounds
    ],
)
def test_a_motif_typed_short_or_by_ear_is_the_motif(text: str, motif: str) -> None:
    assert ("motif", motif) in [(entity, value) for entity, value, _ in _said(text)]
    assert "wojcik" not in _practitioners(text)  # "kiné" of the care is no person


def test_a_motif_said_by_ear_needs_long_words() -> None:
    assert [value for entity, value, _ in _said("faire ma radio sans rendez-vous") if entity == "motif"] == []


@pytest.mark.parametrize(
    "text",
    [
        "passez moi Agathe la kiné",  # a first name and the profession
        "Agathe la kiné elle est là demain",
        "avec Agate Wojcik",  # both names said otherwise, both the same practitioner's
        "je suis suivie par Wojcik Agathe",  # surname then first name: one practitioner, said once
        "avec madame Wojcik Agathe jeudi",
    ],
)
def test_a_practitioner_named_with_their_profession_or_surname_first_is_one_mention(text: str) -> None:
    assert _practitioners(text) == ["wojcik"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("avec Nour ou sinon Agathe", ["boudiaf", "wojcik"]),
        ("pas Martin plutôt Boudiaf", ["martin", "boudiaf"]),
        ("ah non je voulais dire Agathe", ["wojcik"]),
        ("vous pouvez prévenir Agathe que je serai en retard", ["wojcik"]),
    ],
)
def test_practitioners_said_as_alternatives_or_asked_for_are_each_found(text: str, expected: list[str]) -> None:
    assert _practitioners(text) == expected


def test_a_first_name_the_model_read_as_the_callers_is_the_practitioner_asked_for() -> None:
    text = "je serai en retard vous pouvez dire à Agathe"
    assert _reconciled(text, [("first_name", "Agathe")]) == [("practitioner", "wojcik")]
    text = "Nour ou sinon Agathe ça m'est égal"
    assert _reconciled(text, [("first_name", "Nour"), ("first_name", "Agathe")]) == [
        ("practitioner", "boudiaf"),
        ("practitioner", "wojcik"),
    ]


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Agathe", [("first_name", "Agathe")]),  # a bare answer may be the caller's first name
        ("c'est Agathe", [("first_name", "Agathe")]),
        ("le rdv de Agathe ma fille est lundi", [("first_name", "Agathe")]),  # a relative
        ("c'est Agathe Durand qui appelle pour un rdv", [("first_name", "Agathe"), ("last_name", "Durand")]),
        ("je m'appelle Agathe et je voudrais un rdv", [("first_name", "Agathe")]),
    ],
)
def test_a_first_name_given_as_the_callers_own_stays_theirs(text: str, model: list[tuple[str, str]]) -> None:
    assert ("first_name", "Agathe") in _reconciled(text, model)
    assert ("practitioner", "wojcik") not in _reconciled(text, model)


def test_a_practitioners_surname_said_with_another_first_name_is_a_patient() -> None:
    assert _reconciled("Boudiaf Tomasz", [("last_name", "Boudiaf"), ("first_name", "Tomasz")]) == [
        ("last_name", "Boudiaf"),
        ("first_name", "Tomasz"),
    ]
    # the model read only the first name: the surname is still the caller's, once
    assert _reconciled("Boudiaf Tomasz", [("first_name", "Tomasz")]) == [
        ("last_name", "Boudiaf"),
        ("first_name", "Tomasz"),
    ]
    # with the practitioner's own first name it is the practitioner
    assert _reconciled("Boudiaf Nour", [("first_name", "Nour")]) == [("practitioner", "boudiaf")]


def test_a_practitioners_surname_given_as_the_callers_is_their_last_name_even_unread() -> None:
    text = "je m'appelle Boudiaf Sarah je voudrais un rdv"
    assert _reconciled(text, [("first_name", "Sarah")]) == [("last_name", "Boudiaf"), ("first_name", "Sarah")]
    assert _reconciled("Boudiaf c'est mon nom aussi", []) == [("last_name", "Boudiaf")]


def test_a_name_after_a_doctors_title_is_not_the_callers() -> None:
    text = "le docteur Bastien m'a prescrit dix séances de kiné"
    assert ("first_name", "Bastien") not in _reconciled(text, [("first_name", "Bastien")])
    text = "c'est Nour Boudiaf qui fait les consultations le samedi"
    assert _practitioners(text) == ["boudiaf"]


def test_a_long_label_said_with_a_body_part_inside_is_the_motif() -> None:
    practice = make_practice(
        practitioners=(Practitioner("boudiaf", "Nour Boudiaf", "Dr", "radiologue", schedule=GP),),
        appointment_types=(
            AppointmentType("scan", "scanner", 20, ("boudiaf",)),
            AppointmentType("scan-inj", "scanner avec injection", 30, ("boudiaf",)),
        ),
    )
    vocabulary = vocabulary_of(practice)
    said = [(m.value, m.evidence) for m in find_mentions("un scanner abdominal avec injection demain", vocabulary)]
    assert said == [("scan-inj", "close_label")]
    # an article or a short word between is another phrase: the plain scanner
    said = [m.value for m in find_mentions("un scanner et le avec injection", vocabulary)]
    assert said == ["scan"]


def test_a_label_whose_words_are_each_said_short_is_the_motif() -> None:
    practice = make_practice(
        practitioners=(Practitioner("boudiaf", "Nour Boudiaf", "Dr", "médecin généraliste", schedule=GP),),
        appointment_types=(
            AppointmentType("consult", "consultation", 20, ("boudiaf",), synonyms=("consult",)),
            AppointmentType("first", "première consultation", 30, ("boudiaf",)),
        ),
    )
    said = [m.value for m in find_mentions("euh première consult pour moi", vocabulary_of(practice))]
    assert said == ["first"]


def test_a_profession_inside_a_care_the_model_read_is_the_care_not_inside_a_long_span() -> None:
    text = "annulez ma séance kiné de jeudi"
    assert _reconciled(text, [("motif", "séance kiné")]) == [("motif", "seance")]
    text = "est-ce que le kiné peut faire une séance de kiné demain"
    assert ("practitioner", "wojcik") in _reconciled(text, [("motif", "kiné peut faire une séance")])


@pytest.mark.parametrize(
    "text",
    [
        "rdv pour Agathe demain matin svp",  # the patient the appointment is for
        "c'est pour Agathe elle a de la fièvre depuis hier",
        "bonjour je suis la maman de Agathe elle a besoin d'un vaccin",
        "Agathe a rendez-vous demain elle ne pourra pas venir",
    ],
)
def test_a_patient_with_a_practitioners_first_name_is_no_practitioner(text: str) -> None:
    assert _practitioners(text) == []
    assert ("first_name", "Agathe") in _reconciled(text, [("first_name", "Agathe")])


def test_pour_que_asks_for_the_practitioner_after_it() -> None:
    assert _practitioners("c'est pour que madame Wojcik vienne à domicile chez mon père") == ["wojcik"]


@pytest.mark.parametrize("text", ["Agathe et Nour ont besoin de leurs vaccins", "j'ai deux enfants Nour et Agathe"])
def test_two_first_names_joined_by_et_are_no_practitioners(text: str) -> None:
    assert _practitioners(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("avec Nour ou sinon Agathe", "boudiaf"),
        ("pas Nour plutôt Agathe", "wojcik"),
        ("ah non pas avec Nour je voulais dire Agathe", "wojcik"),
        ("avec Nour et Agathe", None),  # neither a choice nor a correction: left to the dialogue
        ("avec Nour", None),
    ],
)
def test_the_practitioner_wanted_among_several_named(text: str, expected: str | None) -> None:
    from assistant.language.fr.practitioners import preferred_practitioner

    named = [(m.start, m.end, m.value) for m in find_mentions(text, VOCABULARY) if m.entity == "practitioner"]
    assert preferred_practitioner(text, named) == expected


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # the model read only the surname, or the whole name as one first name, or two surnames
        ("je m'appelle Julien Dufresne et je voudrais un rdv", [("last_name", "Dufresne")], ("Julien", "Dufresne")),
        ("Julien Dufresne né le 5 avril 1992", [("first_name", "Julien Dufresne")], ("Julien", "Dufresne")),
        ("Julien Dufresne", [("last_name", "Julien"), ("last_name", "Dufresne")], ("Julien", "Dufresne")),
        ("c'est pour mon fils Lucas Dufresne", [], ("Lucas", "Dufresne")),
        ("oui Julien Dufresne à l'appareil", [], ("Julien", "Dufresne")),
        # the surname first, where only the second word is a first name
        ("bonjour c'est Dufresne Nadine je voudrais décaler", [("last_name", "Dufresne")], ("Nadine", "Dufresne")),
        # a practitioner's first name is the caller's too when the words make it theirs
        ("je m'appelle Agathe Dufresne", [("last_name", "Dufresne")], ("Agathe", "Dufresne")),
    ],
)
def test_a_whole_name_given_as_the_callers_is_split_first_name_then_surname(
    text: str, model: list[tuple[str, str]], expected: tuple[str, str]
) -> None:
    read = _reconciled(text, model)
    first, last = expected
    assert ("first_name", first) in read and ("last_name", last) in read
    assert not [kind for kind, _ in read if kind == "practitioner"]
    assert len([kind for kind, _ in read if kind in ("first_name", "last_name")]) == 2


@pytest.mark.parametrize(
    "text", ["mon prénom c'est Agathe", "un vaccin pour mon fils Agathe", "le rdv de Agathe mon fils est lundi"]
)
def test_a_lone_first_name_said_as_the_callers_or_a_relatives_is_a_first_name(text: str) -> None:
    assert _reconciled(text, []) == [("first_name", "Agathe")]


@pytest.mark.parametrize(
    ("text", "practitioner"),
    [
        ("un rdv avec Agathe Wojcik samedi", "wojcik"),  # a practitioner's whole name stays the practitioner
        ("c'est Agathe Wojcik qui me suit", "wojcik"),
        ("je suis en retard de dix minutes prévenez Agathe", "wojcik"),
    ],
)
def test_a_practitioner_named_whole_or_asked_for_is_no_callers_name(text: str, practitioner: str) -> None:
    read = _reconciled(text, [])
    assert read == [("practitioner", practitioner)]


@pytest.mark.parametrize(
    "text", ["c'est pour Julien demain", "Julien pour un vaccin", "je suis Julien et je voudrais un rdv"]
)
def test_a_first_name_beside_a_word_of_the_sentence_makes_no_surname(text: str) -> None:
    assert not [kind for kind, _ in _reconciled(text, []) if kind == "last_name"]


def test_a_condition_spelt_like_a_motif_label_is_the_condition() -> None:
    practice = make_practice(
        practitioners=(Practitioner("petit", "Luc Petit", "M.", "infirmier", schedule=GP),),
        appointment_types=(AppointmentType("inj", "injection", 15, ("petit",)),),
    )
    vocabulary = vocabulary_of(practice)
    said = "bonjour je voudrais un rendez-vous pour une infection urinaire"
    assert _reconciled(said, [], vocabulary) == [("motif", "infection urinaire")]
    assert _reconciled("c'est pour une injection", [], vocabulary) == [("motif", "inj")]


def test_what_a_vaccine_protects_against_is_no_reason() -> None:
    practice = make_practice(
        practitioners=(Practitioner("petit", "Luc Petit", "M.", "infirmier", schedule=GP),),
        appointment_types=(AppointmentType("vacc", "vaccination", 15, ("petit",), synonyms=("rappel de vaccin",)),),
    )
    text = "un créneau pour un rappel de vaccin contre le tétanos"
    assert _reconciled(text, [("motif", "tétanos")], vocabulary_of(practice)) == [("motif", "vacc")]


def test_a_paper_beside_the_motif_it_is_for_is_no_second_motif() -> None:
    text = "mon ordonnance est finie il me faut un renouvellement"
    assert _reconciled(text, [("motif", "ordonnance")]) == [("motif", "renouv")]
    # alone, the paper of a practice's motif still tells it
    assert _reconciled("c'est pour mon ordonnance", [("motif", "ordonnance")]) == [("motif", "renouv")]


def test_a_hesitation_before_a_first_name_is_no_surname() -> None:
    assert _reconciled("euh Agathe elle travaille le samedi", []) == [("practitioner", "wojcik")]


@pytest.mark.parametrize(
    ("text", "model", "expected"),
    [
        # beside the practice's motif, other words the model read as a motif say what for, not a second motif
        ("une consultation pour un certificat de judo", [("motif", "judo")], [("motif", "consult")]),
        ("un renouvellement svp ordonnance du labo en main", [("motif", "labo en main")], [("motif", "renouv")]),
        # a known condition beside it is still the reason, said with it
        ("une séance de kiné pour une sciatique", [], [("motif", "seance"), ("motif", "sciatique")]),
    ],
)
def test_beside_the_practices_motif_only_a_condition_is_a_second_motif(
    text: str, model: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    assert _reconciled(text, model) == expected


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("mon médecin traitant le docteur Dufresne m'a prescrit une écho pelvienne", [("practitioner", "Dufresne")]),
        ("c'est le docteur Dufresne qui m'a prescrit une écho pelvienne", [("practitioner", "Dufresne")]),
        ("ma gynécologue madame Dufresne m'a prescrit une écho pelvienne", [("last_name", "Dufresne")]),
        ("mon kiné voudrait que je fasse une écho pelvienne", [("practitioner", "kiné")]),
        ("le premier rendez-vous disponible pour une écho pelvienne", [("practitioner", "premier")]),
    ],
)
def test_a_doctor_from_elsewhere_or_an_ordinal_is_nobody_here(text: str, model: list[tuple[str, str]]) -> None:
    practice = make_practice(
        practitioners=(Practitioner("vandenberghe", "Julie Van den Berghe", "Mme", "sage-femme", schedule=GP),),
        appointment_types=(
            AppointmentType("echo-pelv", "échographie pelvienne", 30, ("vandenberghe",), synonyms=("écho pelvienne",)),
        ),
    )
    assert _reconciled(text, model, vocabulary_of(practice)) == [("motif", "echo-pelv")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("est-ce que Agathe pourrait me faire ma séance mardi", ["wojcik"]),
        ("Agathe peut me prendre jeudi", ["wojcik"]),
        ("ma fille Agathe peut venir jeudi", []),  # a relative's name
        ("j'ai besoin d'une copie de mon ordonnance de kiné", []),  # the care prescribed, nobody in particular
        ("je voudrais voir le kiné", ["wojcik"]),
    ],
)
def test_who_is_asked_to_do_something_and_a_care_on_a_prescription(text: str, expected: list[str]) -> None:
    assert _practitioners(text) == expected


def test_the_verb_consulter_said_of_a_practitioner_is_no_consultation() -> None:
    practice = make_practice(
        practitioners=(Practitioner("martin", "Paul Martin", "Dr", "médecin généraliste", schedule=GP),),
        appointment_types=(AppointmentType("consult", "consultation", 20, ("martin",), synonyms=("consult",)),),
    )
    vocabulary = vocabulary_of(practice)
    assert _reconciled("le docteur Martin consulte le samedi ?", [], vocabulary) == [("practitioner", "martin")]
    assert ("motif", "consult") in _reconciled("une consult avec le docteur Martin", [], vocabulary)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("est-ce que le docteur Boudiaf peut me prendre ? sinon Agathe ça m'est égal", ["boudiaf", "wojcik"]),
        ("je sais plus si c'est Nour ou Agathe que je vois jeudi", ["wojcik"]),
        ("c'est possible d'avoir Agathe jeudi", ["wojcik"]),
        ("c'est ma fille Agathe que je vois", []),
    ],
)
def test_another_practitioner_offered_or_the_one_the_caller_sees(text: str, expected: list[str]) -> None:
    assert _practitioners(text) == expected
