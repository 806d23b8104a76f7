"""Practical answers come from the practice file and answer what was asked, short enough to be spoken."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.core.model import Address
from assistant.core.practice_config import load_practice_file
from assistant.dialogue.answers import address_topics, answer_address, answer_documents, answer_fees
from assistant.dialogue.understanding import resolve_motif

DEMO = load_practice_file(Path(__file__).resolve().parents[2] / "practices" / "demo-lille.yml")


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        ("vous êtes où", []),
        ("c'est quoi l'adresse exacte", []),
        ("c'est où qu'on se gare", ["parking"]),
        ("je me gare où", ["parking"]),
        ("y a du stationnement dans la rue", ["parking"]),
        ("c'est loin de la gare", ["public_transport"]),
        ("quel bus pour venir chez vous", ["public_transport"]),
        ("euh y a un ascenseur", ["floor", "wheelchair_access"]),
        ("je suis en fauteuil c'est accessible", ["wheelchair_access"]),
        ("c'est à quel étage", ["floor"]),
        ("il y a un code pour la porte", ["access"]),
    ],
)
def test_an_address_question_is_read_for_the_detail_it_asks(question, topics):
    assert address_topics(question) == topics


def test_a_plain_address_question_gets_the_way_in_and_the_offer_of_the_rest_not_everything():
    answer = answer_address(DEMO, "vous êtes où")
    assert answer.startswith("Le cabinet se trouve au 23 rue des Tisserands, à Lille.")
    assert "Sonnez à l'interphone" in answer
    assert "Parking" not in answer and "Métro" not in answer
    assert answer.endswith("Vous pouvez aussi me demander les transports, le stationnement ou l'accès en fauteuil.")
    assert len(answer.split()) < 60  # spoken in about twenty seconds


def test_a_detail_question_gets_that_detail_from_the_file():
    assert answer_address(DEMO, "on se gare où").startswith("Parking gratuit de douze places dans la cour")
    assert answer_address(DEMO, "quel métro").startswith("Métro ligne 2")
    elsewhere = replace(DEMO, address=replace(DEMO.address, parking="Parking de la mairie, en face."))
    assert answer_address(elsewhere, "on se gare où") == "Parking de la mairie, en face."


def test_a_detail_the_file_does_not_give_falls_back_to_the_address_and_offers_only_what_it_has():
    bare = replace(DEMO, address=Address("4 place du Marché", "59800", "Lille"))
    assert answer_address(bare, "on se gare où") == "Le cabinet se trouve au 4 place du Marché, à Lille."
    some = replace(bare, address=replace(bare.address, parking="Parking dans la cour."))
    assert answer_address(some, "vous êtes où").endswith("Vous pouvez aussi me demander le stationnement.")


def test_fees_and_documents_come_from_the_file():
    assert "secteur 1" in answer_fees(DEMO)
    blood_test = resolve_motif("prise-de-sang", DEMO)
    assert answer_documents(DEMO, blood_test).startswith("Pour la prise de sang, venez à jeun")
