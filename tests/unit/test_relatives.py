"""The relative a call is about, found by rule where the model missed it (issue 18)."""

from __future__ import annotations

import pytest

from assistant.language.fr.relatives import relatives_in, relatives_said


def _said(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], value) for start, end, value in relatives_said(text)]


@pytest.mark.parametrize(
    ("text", "relatives"),
    [
        ("euh je vous appelle parce que mon fils ne viendra pas il est parti chez son père", [("fils", "child")]),
        ("desencombrement pour le bebe", [("bebe", "child")]),
        ("allo c'est pour déplacer la rééduc de ma femme avec madame X", [("femme", "spouse")]),
        ("c'est pour ma belle-mère", [("belle-mère", "other")]),
        ("Le cabinet est accessible ? Mon mari ne marche plus.", [("mari", "spouse")]),
        ("ma femme m'a dit d'appeler pour ma fille", [("fille", "child")]),  # who sent the caller is not the patient
        ("je suis sa mère", []),  # the caller describing themselves
        ("il est parti chez son père", []),  # third person
        ("un rendez-vous pour le petit", []),  # "petit" alone may be a surname
    ],
)
def test_the_relatives_a_caller_names_as_theirs(text: str, relatives: list[tuple[str, str]]) -> None:
    assert _said(text) == relatives


def _entities(text: str, *tagged: tuple[str, str, str]) -> list[dict]:
    return [
        {"entity": kind, "value": value, "start": text.index(words), "end": text.index(words) + len(words)}
        for kind, words, value in tagged
    ]


def test_a_relative_the_model_missed_is_added_once() -> None:
    text = "c'est pour annuler le bilan de mon fils et de ma fille"
    found = relatives_in([], text, "cancel_appointment")
    assert [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in found] == [("relation", "child", "fils")]


def test_the_models_relative_is_kept_and_none_added() -> None:
    text = "c'est pour ma mère et mon fils"
    model = _entities(text, ("relation", "mère", "parent"))
    assert relatives_in(model, text, "book_appointment") == model


def test_a_woman_is_nobodys_wife() -> None:
    text = "est-ce que vous avez une femme radiologue"
    assert relatives_in(_entities(text, ("relation", "femme", "spouse")), text, "ask_practitioners") == []
    text = "le docteur c'est un homme ou une femme"
    assert relatives_in(_entities(text, ("relation", "femme", "spouse")), text, "ask_practitioners") == []


def test_no_relative_is_added_where_no_one_is_asked_about() -> None:
    assert relatives_in([], "merci pour ma fille au revoir", "goodbye") == []
    assert relatives_in([], "je voudrais offrir un massage à ma femme", "out_of_scope") == []
