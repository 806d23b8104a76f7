"""Conditions given as the reason for a visit, and body parts alone, in what patients say (issue 18)."""

from __future__ import annotations

import pytest

from assistant.language.fr.conditions import condition_spans, names_no_reason
from assistant.language.fr.practice_mentions import find_mentions, reconcile
from tests.unit.test_practice_mentions import _physio_and_imaging


def _said(text: str) -> list[str]:
    return [text[start:end] for start, end in condition_spans(text)]


@pytest.mark.parametrize(
    ("text", "conditions"),
    [
        ("bonjour je voudrais un rendez vous j'ai un lumbago je suis bloqué", ["lumbago"]),
        ("je voudrais voir monsieur X pour mon torticolis", ["torticolis"]),
        ("c'est pour ma fille elle a une scoliose", ["scoliose"]),
        ("j'ai une entorse de la cheville droite", ["entorse de la cheville droite"]),
        ("une tendinite à l'épaule depuis un mois", ["tendinite à l'épaule"]),
        ("il a une bosse au cou", ["bosse au cou"]),
        ("un Lymphœdème au bras après mon cancer", ["Lymphœdème au bras"]),
        ("pour mon mal de dos ça me lance jusque dans la jambe", ["mal de dos"]),
        ("des douleurs dans le genou gauche", ["douleurs dans le genou gauche"]),
        ("mon fils a une maladie d'Osgood, le médecin du sport", ["maladie d'Osgood"]),
        ("la maladie de Parkinson depuis deux ans", ["maladie de Parkinson"]),
        ("euh pour une SCIATIQUE et une otite", ["SCIATIQUE", "otite"]),
    ],
)
def test_conditions_and_pains_with_where_they_hurt_are_found(text: str, conditions: list[str]) -> None:
    assert _said(text) == conditions


@pytest.mark.parametrize(
    "text",
    [
        "j'ai trop mal depuis une semaine",  # a pain, but where?
        "une maladie de la peau",  # nobody's name
        "je voudrais une radio du genou",  # an exam, not a condition
        "la toussaint",  # "toux" inside another word
        "je suis dans la salle d'attente",
        "",
    ],
)
def test_no_condition_where_none_is_said(text: str) -> None:
    assert _said(text) == []


@pytest.mark.parametrize(
    ("span", "no_reason"),
    [
        ("genou", True),
        ("mon genou droit", True),
        ("dans la jambe", True),
        ("jambes", True),
        ("mal", True),
        ("du sport", True),
        ("mal de dos", False),
        ("sciatique", False),
        ("drainage des jambes", False),
        ("radio du genou", False),
        ("", False),
    ],
)
def test_a_body_part_or_a_pain_alone_names_no_reason(span: str, no_reason: bool) -> None:
    assert names_no_reason(span) is no_reason


def _reconciled(text: str, model: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What :func:`reconcile` keeps of the model's (entity, words) in ``text``, as (entity, value)."""
    vocabulary = _physio_and_imaging()
    entities = [
        {"entity": kind, "value": words, "start": text.index(words), "end": text.index(words) + len(words)}
        for kind, words in model
    ]
    return [(e["entity"], e["value"]) for e in reconcile(entities, find_mentions(text, vocabulary), vocabulary, text)]


def test_a_condition_the_model_missed_is_the_reason() -> None:
    text = "bonjour je voudrais un rendez-vous le plus vite possible j'ai un lumbago"
    assert _reconciled(text, []) == [("motif", "lumbago")]


def test_a_condition_beside_the_practices_motif_is_said_beside_it() -> None:
    text = "des séances de kiné pour ma sciatique"
    assert {value for _, value in _reconciled(text, [("motif", "séances de kiné")])} == {"seance", "sciatique"}


def test_the_piece_of_a_condition_the_model_read_becomes_the_whole_condition() -> None:
    text = "une écho pour mon fils il a une bosse au cou"
    assert _reconciled(text, [("motif", "cou")]) == [("motif", "bosse au cou")]


def test_a_name_inside_an_illness_is_nobody() -> None:
    text = "mon fils a une maladie d'Osgood il lui faut des séances"
    found = _reconciled(text, [("motif", "maladie d'"), ("practitioner", "Osgood"), ("last_name", "Osgood")])
    assert ("motif", "maladie d'Osgood") in found
    assert all(kind == "motif" for kind, _ in found)


def test_a_body_part_the_model_read_apart_is_no_motif() -> None:
    text = "je voudrais commencer la rééducation de mon genou"
    assert _reconciled(text, [("motif", "genou")]) == []
    text = "ma femme a les jambes gonflées il lui faut un drainage"
    assert _reconciled(text, [("motif", "jambes")]) == [("motif", "drainage")]
    text = "une radio du dos j'ai trop mal"
    assert _reconciled(text, [("motif", "mal")]) == [("motif", "radio")]


def test_a_condition_the_practice_names_is_the_practices_motif() -> None:
    """The practice's own label wins over the lexicon: "kiné pour la bronchiolite" is its motif."""
    text = "un rendez-vous de kiné pour la bronchiolite de mon bébé"
    assert ("motif", "respi") in _reconciled(text, [])
    assert ("motif", "bronchiolite") not in _reconciled(text, [])


def test_what_a_vaccine_protects_against_is_no_condition() -> None:
    assert _said("le vaccin contre la grippe c'est combien") == []
    assert _said("un vaccin de la grippe pour ma mère") == []
    assert _said("ma mère a la grippe") == ["grippe"]


def test_a_condition_with_a_body_part_books_no_exam_of_that_body_part() -> None:
    """ "une bosse au cou" in a radiology centre with an "échographie du cou": the exam is asked, not chosen."""
    from assistant.core.model import AppointmentType, Practitioner
    from assistant.language.fr.practice_mentions import vocabulary_of
    from tests.builders import make_practice
    from tests.unit.test_practice_mentions import GP

    practice = make_practice(
        practitioners=(Practitioner("kaci", "Lina Kaci", "Dr", "radiologue", schedule=GP),),
        appointment_types=(
            AppointmentType("echo", "échographie", 20, ("kaci",), synonyms=("échographie du cou", "écho du cou")),
            AppointmentType("radio", "radiographie", 10, ("kaci",), synonyms=("radio de la cheville",)),
        ),
    )
    vocabulary = vocabulary_of(practice)
    for text, condition in (
        ("euh j'ai une bosse au cou", "bosse au cou"),
        ("c'est pour une entorse de la cheville", "entorse de la cheville"),
    ):
        entities = reconcile([], find_mentions(text, vocabulary), vocabulary, text)
        assert [(e["entity"], e["value"]) for e in entities] == [("motif", condition)]


def test_a_condition_alone_makes_an_unsure_message_a_booking() -> None:
    from assistant.language.fr.practice_mentions import condition_mentions, practice_intent

    said = condition_mentions("bonjour j'ai un lumbago")
    assert [m.value for m in said] == ["lumbago"]
    assert practice_intent([("greet", 0.5), ("book_appointment", 0.3)], said, 0.45) == "book_appointment"
    assert practice_intent([("book_appointment", 0.4), ("inform", 0.3)], said, 0.45) == "book_appointment"
    # an advice question or an emergency is never lowered
    assert practice_intent([("medical_question", 0.4), ("book_appointment", 0.3)], said, 0.45) is None
    assert practice_intent([("greet", 0.5)], condition_mentions("bonjour"), 0.45) is None


def test_an_ordinal_is_no_reason() -> None:
    assert names_no_reason("premier")
    assert names_no_reason("la première")
    assert not names_no_reason("première consultation")


def test_someone_elses_condition_out_of_scope_stays_out_of_scope() -> None:
    from assistant.language.fr.practice_mentions import practice_intent, visit_evidence

    text = "mon cheval a une tendinite vous pouvez venir le masser"
    ranking = [("out_of_scope", 0.4), ("book_appointment", 0.35)]
    assert practice_intent(ranking, visit_evidence([], text, "out_of_scope"), 0.45) is None
    text = "bonjour j'ai une tendinite"
    ranking = [("greet", 0.4), ("book_appointment", 0.35)]
    assert practice_intent(ranking, visit_evidence([], text, "greet"), 0.45) == "book_appointment"
