"""Information answers for each kind of practice (issue 18), from its file only: whether a prescription is
needed (``prescription_required``), how to prepare and what to bring (the motif's ``instructions``), and
people and motifs said with the articles and gender the file gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.conversation.booking import plural
from assistant.conversation.informing import Question, answer
from assistant.core.model import Practice
from assistant.core.practice_config import load_practice_file
from assistant.dialogue.answers import (
    answer_address,
    answer_documents,
    answer_fees,
    answer_hours,
    answer_practitioners,
    answer_preparation,
    answer_prescription,
    asks_about_preparation,
    asks_about_prescription,
)
from assistant.dialogue.speech import indefinite, motif_question, practitioner_subject, with_article
from assistant.language.fr.motifs import resolve_motif
from assistant.language.fr.practitioners import practitioner_phrase

PRACTICES = Path(__file__).resolve().parents[2] / "practices"
LILLE = load_practice_file(PRACTICES / "demo-lille.yml")
DOUAI = load_practice_file(PRACTICES / "douai-kine.yml")
DUNKERQUE = load_practice_file(PRACTICES / "dunkerque-radiologie.yml")
ALL = {"demo-lille": LILLE, "douai-kine": DOUAI, "dunkerque-radiologie": DUNKERQUE}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def asked(practice: Practice, question: str, motif_said: str | None) -> str:
    """The answer to an ``ask_documents`` question, the motif as the patient said it."""
    motif = resolve_motif(motif_said, practice) if motif_said else None
    assert motif_said is None or motif is not None, motif_said
    return answer(Question("ask_documents", question, motif=motif), practice, NOW)


# --------------------------------------------------------------------------- what a question asks


@pytest.mark.parametrize(
    "question",
    ["faut-il une ordonnance pour une IRM ?", "il me faut une ordo ?", "c'est possible sans ordonnance ?",
     "le kiné doit être prescrit ?"],
)  # fmt: skip
def test_a_prescription_question_is_recognised(question: str) -> None:
    assert asks_about_prescription(question)


@pytest.mark.parametrize(
    "question",
    ["comment je me prépare pour l'écho ?", "il faut être à jeun pour le scanner ?", "je peux manger avant ?",
     "je dois avoir la vessie pleine ?", "je peux garder mes bijoux pour l'IRM ?", "il y a des consignes ?"],
)  # fmt: skip
def test_a_preparation_question_is_recognised(question: str) -> None:
    assert asks_about_preparation(question)
    assert not asks_about_prescription(question)


def test_a_plain_documents_question_is_neither() -> None:
    question = "qu'est-ce que j'apporte pour le bilan kiné ?"
    assert not asks_about_prescription(question) and not asks_about_preparation(question)


# --------------------------------------------------------------------------- prescriptions


def test_faut_il_une_ordonnance_pour_une_irm() -> None:
    said = asked(DUNKERQUE, "faut-il une ordonnance pour une IRM ?", "IRM")
    assert said == "Oui, pour l'IRM, il faut une ordonnance. Pensez à l'apporter le jour du rendez-vous."


def test_a_prescription_for_a_physiotherapy_motif() -> None:
    said = asked(DOUAI, "il faut une ordonnance pour le drainage ?", "drainage")
    assert said.startswith("Oui, pour le drainage lymphatique, il faut une ordonnance.")  # "le", from gender: m
    assert asked(DOUAI, "faut une ordonnance pour la kiné respiratoire ?", "kiné respi").startswith(
        "Oui, pour la kinésithérapie respiratoire du nourrisson, il faut une ordonnance."
    )


def test_a_motif_without_a_prescription_says_no_and_a_renewal_says_what_to_bring() -> None:
    assert asked(LILLE, "il faut une ordonnance pour le vaccin ?", "vaccin") == (
        "Non, pour la vaccination, il n'y a pas besoin d'ordonnance."
    )
    # a renewal needs none, but its instructions speak of the last one: they are the answer, not a "non"
    said = asked(LILLE, "je dois apporter mon ordonnance pour le renouvellement ?", "renouvellement")
    assert said == "Pour le renouvellement d'ordonnance, merci d'apporter votre dernière ordonnance."
    assert asked(LILLE, "faut-il une ordonnance pour la prise de sang ?", "prise de sang").startswith("Oui")


def test_without_a_motif_a_practice_where_everything_needs_one_says_so_in_its_own_words() -> None:
    assert answer_prescription(DOUAI) == (
        "Oui, il faut une ordonnance pour tous les rendez-vous du cabinet. Pensez à l'apporter."
    )
    # the centre's own wording (wording: in its file)
    assert answer_prescription(DUNKERQUE) == (
        "Oui, tous les examens du centre demandent une ordonnance. Pensez à l'apporter."
    )


def test_a_practices_own_wording_is_used_by_the_information_answers() -> None:
    assert answer_practitioners(DUNKERQUE).startswith("Au centre travaillent la docteure Vangrevelinghe, radiologue,")
    assert answer_address(DUNKERQUE, "vous êtes où").startswith("Le centre se trouve au 27 rue Pieter-Houtsaeghe")
    hours = answer_hours(DUNKERQUE, NOW)
    assert "Les examens se font sur rendez-vous. Le centre est fermé les jours fériés." in hours
    assert "Les séances se font sur rendez-vous." in answer_hours(DOUAI, NOW)
    assert answer_practitioners(LILLE).startswith("Au cabinet consultent")  # the catalogue's, without wording


def test_without_a_motif_a_practice_where_some_need_one_names_them() -> None:
    said = asked(LILLE, "il faut une ordonnance ?", None)
    assert said.startswith("Il faut une ordonnance notamment pour un bilan de kinésithérapie,")
    assert "une consultation" not in said and said.endswith("je vérifie.")


def test_a_practice_where_none_needs_one() -> None:
    practice = replace(LILLE, appointment_types=LILLE.appointment_types[:3])
    assert answer_prescription(practice) == "Non, les rendez-vous du cabinet se prennent sans ordonnance."


# --------------------------------------------------------------------------- preparation


def test_comment_je_me_prepare_pour_l_echo() -> None:
    said = asked(DUNKERQUE, "comment je me prépare pour l'écho ?", "écho")
    assert said.startswith("Pour l'échographie, cela dépend de la région examinée : pour le ventre, venez à jeun")
    assert "vessie pleine" in said


def test_il_faut_etre_a_jeun_pour_le_scanner() -> None:
    said = asked(DUNKERQUE, "il faut être à jeun pour le scanner ?", "scanner")
    assert said.startswith("Pour le scanner, sans injection, inutile d'être à jeun.")
    assert "à jeun depuis 6 heures" in asked(DUNKERQUE, "à jeun pour le scanner injecté ?", "scanner injecté")


@pytest.mark.parametrize(
    ("question", "motif", "expected"),
    [
        ("il faut être à jeun pour l'écho du ventre ?", "écho du ventre", "Pour l'échographie abdominale, venez à jeun depuis 6 heures"),
        ("je dois boire avant l'écho pelvienne ?", "écho pelvienne", "Pour l'échographie pelvienne, venez la vessie pleine"),
        ("je peux garder ma montre pour l'IRM du genou ?", "IRM du genou", "Pour l'IRM, aucun objet métallique"),
        ("je peux mettre du déodorant pour la mammo ?", "mammo", "Pour la mammographie, ne mettez ni déodorant"),
    ],
)  # fmt: skip
def test_radiology_preparation_comes_from_the_motifs_instructions(question: str, motif: str, expected: str) -> None:
    assert asked(DUNKERQUE, question, motif).startswith(expected)


def test_a_physiotherapy_preparation() -> None:
    said = asked(DOUAI, "comment je prépare mon bébé pour la kiné respiratoire ?", "kiné respiratoire")
    assert said.startswith("Pour la kinésithérapie respiratoire du nourrisson, venez au moins une heure après")


def test_a_motif_without_instructions_has_no_particular_preparation_but_the_prescription_is_recalled() -> None:
    assert answer_preparation(LILLE, LILLE.appointment_type("frottis")) == (
        "Pour le frottis de dépistage, il n'y a pas de préparation particulière."
    )
    home = DOUAI.appointment_type("seance-domicile")  # a prescription, no instructions
    assert answer_preparation(DOUAI, home) == (
        "Pour la séance à domicile, il n'y a pas de préparation particulière. "
        "Pensez aussi à l'ordonnance : elle est nécessaire pour ce rendez-vous."
    )


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_preparation_question_without_a_motif_asks_which_one(name: str) -> None:
    said = asked(ALL[name], "comment je me prépare ?", None)
    assert said.startswith("Les consignes dépendent du rendez-vous, par exemple pour ")
    assert said.endswith("dites-moi lequel et je vous les donne.")


# --------------------------------------------------------------------------- what to bring


def test_qu_est_ce_que_j_apporte_pour_le_bilan_kine() -> None:
    said = asked(DOUAI, "qu'est-ce que j'apporte pour le bilan kiné ?", "bilan kiné")
    assert said.startswith("Pour le bilan de kinésithérapie, apportez l'ordonnance de votre médecin")
    assert "Pensez aussi à l'ordonnance" not in said  # the instructions already say it


def test_a_motif_needing_a_prescription_its_instructions_do_not_mention_gets_the_reminder() -> None:
    # Douai's list of documents starts with the prescription: it is not said twice
    said = answer_documents(DOUAI, DOUAI.appointment_type("seance-domicile"))
    assert said == (
        "Pour la séance à domicile, pas de consigne particulière : pensez à apporter l'ordonnance de votre "
        "médecin, de votre sage-femme ou de votre chirurgien et votre carte Vitale."
    )
    # a list that does not name it: the reminder
    practice = replace(DOUAI, documents_to_bring=("Votre carte Vitale", "Votre carte de mutuelle"))
    said = answer_documents(practice, practice.appointment_type("seance-domicile"))
    assert said == (
        "Pour la séance à domicile, pas de consigne particulière : pensez à apporter votre carte Vitale et votre "
        "carte de mutuelle. Pensez aussi à l'ordonnance : elle est nécessaire pour ce rendez-vous."
    )


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_motifs_documents_answer_is_short_and_filled(name: str) -> None:
    practice = ALL[name]
    for motif in practice.appointment_types:
        for question in ("qu'est-ce que j'apporte ?", "comment je me prépare ?", "il faut une ordonnance ?"):
            said = answer_documents(practice, motif, question)
            assert "{" not in said and said.endswith("."), said
            assert len(said.split()) <= 65, said  # about twenty seconds spoken


# --------------------------------------------------------------------------- people and motifs as the file says


def test_doctors_are_said_with_the_gender_of_the_file() -> None:
    assert practitioner_phrase(DUNKERQUE, "vangrevelinghe") == "la docteure Vangrevelinghe"
    assert practitioner_phrase(DUNKERQUE, "ouadghiri") == "le docteur Ouadghiri"
    assert practitioner_subject(DUNKERQUE, "grabowska") == "La docteure Grabowska"
    assert practitioner_phrase(DUNKERQUE, "cuvelier") == "Ghislain Cuvelier, le manipulateur radio"
    assert practitioner_phrase(LILLE, "lefebvre") == "le docteur Lefebvre"  # the demo's own spoken name


def test_a_doctor_whose_gender_is_not_given_is_not_guessed_from_the_first_name() -> None:
    doctor = replace(DUNKERQUE.practitioner("vangrevelinghe"), gender="")
    practice = replace(DUNKERQUE, practitioners=(doctor,))
    assert practitioner_phrase(practice, "vangrevelinghe") == "le docteur Vangrevelinghe"


def test_physiotherapists_are_said_by_their_spoken_names() -> None:
    said = answer_practitioners(DOUAI)
    assert said.startswith(
        "Au cabinet travaillent Joanna Szczepaniak, la kinésithérapeute, Grégory Vanderhaeghe, le kinésithérapeute"
    )
    assert "Jérémie Wattebled ne prend pas de nouveaux patients" in said


def test_motifs_take_the_article_of_their_gender() -> None:
    irm, drainage = DUNKERQUE.appointment_type("irm"), DOUAI.appointment_type("drainage-lymphatique")
    assert (indefinite(irm), with_article(irm)) == ("une IRM", "l'IRM")
    assert (indefinite(drainage), with_article(drainage)) == ("un drainage lymphatique", "le drainage lymphatique")
    assert indefinite("drainage lymphatique") == "une drainage lymphatique"  # what the guess alone would say
    assert indefinite(DUNKERQUE.appointment_type("scanner-injection")) == "un scanner avec injection"
    assert plural("IRM") == "IRM" and plural("séance à domicile") == "séances à domicile"


def test_motif_questions_offer_each_practices_own_motifs() -> None:
    assert motif_question(DOUAI) == (
        "C'est pour quel motif ? Par exemple un bilan de kinésithérapie, une séance de kinésithérapie "
        "ou une rééducation périnéale."
    )
    assert motif_question(DUNKERQUE) == (
        "C'est pour quel motif ? Par exemple une radiographie, une échographie ou une échographie abdominale."
    )
    assert "IRM" not in motif_question(DUNKERQUE)  # only the secretariat books it


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_other_practical_answers_work_for_every_practice(name: str) -> None:
    practice = ALL[name]
    for said in (
        answer_hours(practice, NOW),
        answer_address(practice, "vous êtes où"),
        answer_fees(practice, "c'est combien"),
        answer_practitioners(practice),
        answer_practitioners(practice, None, "vous prenez des nouveaux patients ?"),
        *(answer_practitioners(practice, p.id) for p in practice.practitioners),
    ):
        assert said and "{" not in said, said
    assert practice.address.city in answer_address(practice, "vous êtes où")
