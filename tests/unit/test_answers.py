"""Practical answers come from the practice file and answer what was asked, short enough to be spoken."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.core.model import Address, Interval
from assistant.core.practice_config import load_practice_file
from assistant.core.windows import TimeWish
from assistant.dialogue.answers import (
    address_topics,
    answer_address,
    answer_documents,
    answer_fees,
    answer_hours,
    answer_on_call,
    answer_open_now,
    answer_practitioners,
    asked_day,
    asked_weekday,
    asks_about_now,
    closed_reason,
    motif_hours_reason,
)
from assistant.language.fr.motifs import resolve_motif
from assistant.nlu.time_wish import parse_time_wish

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
    assert answer.endswith(
        "Vous pouvez aussi me demander l'étage, les transports, le stationnement ou l'accès en fauteuil."
    )
    assert "rez-de-chaussée" not in answer  # the floor when asked: 55 words on the phone with it
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
    assert answer_fees(DEMO) == (
        "Les praticiens sont conventionnés en secteur 1. La carte Vitale est acceptée. "
        "Vous pouvez aussi me demander les moyens de paiement ou le tiers payant."
    )
    blood_test = resolve_motif("prise-de-sang", DEMO)
    assert answer_documents(DEMO, blood_test).startswith("Pour la prise de sang, venez à jeun")


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("et vous prenez la carte vitale", "La carte Vitale est acceptée."),
        ("je peux payer par chèque", "Vous pouvez régler par carte bancaire, espèces ou chèque."),
        ("faut avancer les frais", "Tiers payant pour les patients en affection de longue durée (ALD) et pour"),
        ("c'est combien la consultation", "Les praticiens sont conventionnés en secteur 1. Aucun dépassement"),
        ("le certificat de sport c'est remboursé", "Les praticiens sont conventionnés en secteur 1. Aucun dépassement"),
    ],
)
def test_a_fees_question_gets_only_what_it_asks(question, answer):
    assert answer_fees(DEMO, question).startswith(answer)
    assert len(answer_fees(DEMO, question).split()) < 40  # the whole file read out was about sixty words


def test_a_card_the_practice_does_not_read_is_said_so():
    no_card = replace(DEMO, fees=replace(DEMO.fees, carte_vitale=False))
    assert answer_fees(no_card, "la carte vitale ça marche ?") == "La carte Vitale n'est pas lue au cabinet."
    assert "carte Vitale" not in answer_fees(no_card)


def test_a_question_about_one_practitioner_is_answered_about_them():
    assert answer_practitioners(DEMO, "lefebvre") == (
        "Le docteur Lefebvre, médecin généraliste, prend de nouveaux patients. Je peux prendre rendez-vous pour "
        "une consultation de médecine générale, une première consultation, un renouvellement d'ordonnance "
        "ou un certificat médical de sport."
    )
    closed = answer_practitioners(DEMO, "benali")
    assert closed.startswith(
        "Le docteur Benali, médecin généraliste, ne prend pas de nouveaux patients pour le moment."
    )
    assert "Pour ses patients, je peux prendre rendez-vous pour" in closed
    assert answer_practitioners(DEMO).startswith("Au cabinet consultent le docteur Lefebvre")


# -- opening hours --------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Monday


def test_a_plain_hours_question_gets_the_secretariat_the_holidays_and_the_emergency_numbers():
    answer = answer_hours(DEMO, NOW)
    assert answer.startswith("Le secrétariat répond du lundi au vendredi de 8 h 30 à midi et demi")
    assert "permanence des soins répond au 03 53 01 20 09" in answer and answer.endswith("appelez le 15.")


def test_the_on_call_question_gets_the_practices_on_call_number_and_every_emergency_number():
    answer = answer_on_call(DEMO)
    assert answer.startswith(
        "En dehors des horaires, la permanence des soins répond au 03 53 01 20 09 : médecin de garde"
    )
    assert "le 15 ou le 112" in answer and "SMS au 114" in answer
    assert "(" not in answer  # read aloud on the phone
    assert answer_on_call(DEMO, "la pharmacie de garde ce soir ?").startswith(
        "Pour la pharmacie de garde, appelez le 32 37."
    )
    without = replace(DEMO, emergency=replace(DEMO.emergency, on_call="", on_call_label=""))
    assert answer_on_call(without).startswith("En cas d'urgence vitale, appelez le 15")


def test_one_weekday_gets_that_days_hours_or_that_the_practice_is_closed():
    assert answer_hours(DEMO, NOW, weekday=5) == (
        "Le secrétariat répond le samedi de 9 h à midi. Les consultations se font sur rendez-vous."
    )
    assert answer_hours(DEMO, NOW, weekday=6) == (
        "Le dimanche, le cabinet est fermé. La permanence des soins répond au 03 53 01 20 09."
    )


def test_a_practitioners_hours_are_theirs_not_the_secretariats():
    assert answer_hours(DEMO, NOW, "lefebvre", 2) == (
        "Le docteur Lefebvre consulte le mercredi de 8 h 30 à midi et demi, sur rendez-vous."
    )
    assert answer_hours(DEMO, NOW, "benali", 5) == (
        "Le docteur Benali ne consulte pas le samedi. Ses jours de consultation : du lundi au vendredi."
    )
    nurse = answer_hours(DEMO, NOW, "lambert")
    assert nurse.startswith("Sophie Lambert, l'infirmière, consulte le lundi") and nurse.endswith(", sur rendez-vous.")
    assert "secrétariat" not in nurse


def test_the_weekday_of_an_hours_question_is_one_named_day_or_none():
    paris = ZoneInfo("Europe/Paris")
    wednesday = datetime(2026, 11, 25, tzinfo=paris)
    assert asked_weekday(TimeWish(weekdays=(5,)), paris) == 5
    assert asked_weekday(TimeWish(intervals=(Interval(wednesday, wednesday + timedelta(days=1)),)), paris) == 2
    assert asked_weekday(TimeWish(weekdays=(1, 3)), paris) is None  # "mardi ou jeudi": the whole week
    assert asked_weekday(TimeWish(intervals=(Interval(wednesday, wednesday + timedelta(days=7)),)), paris) is None
    assert asked_weekday(TimeWish(), paris) is None


def test_the_date_of_an_hours_question_is_one_day_not_every_such_weekday():
    paris = ZoneInfo("Europe/Paris")
    christmas = datetime(2026, 12, 25, tzinfo=paris)
    assert asked_day(TimeWish(intervals=(Interval(christmas, christmas + timedelta(days=1)),)), paris) == date(
        2026, 12, 25
    )
    assert asked_day(TimeWish(weekdays=(5,)), paris) is None  # "le samedi": every Saturday
    assert asked_day(TimeWish(intervals=(Interval(christmas, christmas + timedelta(days=7)),)), paris) is None


@pytest.mark.parametrize(
    ("day", "practitioner", "expected"),
    [
        # seen on the demo: a Friday's hours for Christmas, a Thursday's for the team's training day
        (date(2026, 12, 25), None, "Le vendredi 25 décembre est un jour férié (Noël) : le cabinet est fermé."),
        (date(2027, 1, 21), None, "Le jeudi 21 janvier, le cabinet est fermé (journée de formation de l'équipe)."),
        (date(2026, 11, 23), None, "Aujourd'hui, le secrétariat répond de 8 h 30 à midi et demi et de 14 h à 18 h."),
        (date(2026, 11, 29), None, "Le dimanche 29 novembre, le cabinet est fermé."),
        # every other Saturday, and the week of 23 November is one
        (date(2026, 11, 28), "lefebvre", "Le docteur Lefebvre consulte le samedi 28 novembre de 9 h à midi"),
        (date(2026, 12, 5), "lefebvre", "Le docteur Lefebvre ne consulte pas le samedi 5 décembre."),
        # the nurse's Saturdays start on 9 January 2027
        (date(2026, 11, 28), "lambert", "Sophie Lambert, l'infirmière, ne consulte pas le samedi 28 novembre."),
        (date(2027, 1, 9), "lambert", "Sophie Lambert, l'infirmière, consulte le samedi 9 janvier de 8 h à 9 h 30"),
        # on leave; and a closure for one afternoon leaves the morning
        (date(2026, 12, 28), "mercier", "ne consulte pas le lundi 28 décembre (congés de fin d'année)."),
        (date(2026, 12, 14), "benali", "Le docteur Benali consulte le lundi 14 décembre de 9 h à midi et demi, sur"),
    ],
)
def test_hours_on_a_date_follow_holidays_closures_alternate_weeks_and_rules_to_come(day, practitioner, expected):
    assert expected in answer_hours(DEMO, NOW, practitioner, day=day)


def test_a_day_when_one_practitioner_is_away_says_so_and_when_the_next_day_is():
    answer = answer_hours(DEMO, NOW, day=date(2026, 12, 24))
    assert answer.startswith("Le jeudi 24 décembre, le secrétariat répond de 8 h 30")
    assert answer.endswith("Thomas Mercier, le kinésithérapeute, ne consulte pas ce jour-là (congés de fin d'année).")
    away = answer_hours(DEMO, NOW, "mercier", day=date(2026, 12, 28))
    assert away.endswith("Prochain jour de consultation : lundi 4 janvier.")


def test_a_schedule_rule_to_come_is_said_with_its_start():
    """Seen on the demo: the nurse's Saturdays (from 9 January 2027) were given as if already open."""
    assert answer_hours(DEMO, NOW, "lambert", 5) == (
        "Sophie Lambert, l'infirmière, consulte le samedi de 8 h à 9 h 30 (à partir du 9 janvier), sur rendez-vous."
    )
    assert "le samedi de 8 h à 9 h 30 (à partir du 9 janvier)" in answer_hours(DEMO, NOW, "lambert")
    later = NOW.replace(year=2027, month=2)
    assert "(à partir" not in answer_hours(DEMO, later, "lambert")


@pytest.mark.parametrize(
    ("question", "motif", "expected"),
    [
        # seen on the demo: each got the sector and the sport certificate's note, never the price
        ("combien coute une consultation", "consultation", "La consultation de médecine générale coûte 30 € (tarif"),
        ("c combien le certif sport", "certificat-sport", "Le certificat médical de sport coûte 30 €, non remboursé"),
        ("ca coute combien une seance de kine", "kine-seance", "le tarif de la séance de kinésithérapie."),
        (
            "c'est combien le bilan kiné",
            "kine-bilan",
            "Le secrétariat vous donnera le tarif du bilan de kinésithérapie.",
        ),
    ],
)
def test_a_price_question_naming_a_motif_gets_that_motifs_fee(question, motif, expected):
    answer = answer_fees(DEMO, question, resolve_motif(motif, DEMO))
    assert expected in answer and "sport" not in answer.replace("certificat médical de sport", "")
    assert "secteur 1" in answer


def test_a_motif_does_not_hide_what_else_a_fees_question_asks():
    assert answer_fees(DEMO, "vous prenez la carte vitale", resolve_motif("consultation", DEMO)) == (
        "La carte Vitale est acceptée."
    )


def test_who_takes_new_patients_is_said_in_two_sentences():
    """Seen on the demo: "vous prenez des nouveaux patients" got the whole team and six motifs."""
    assert answer_practitioners(DEMO, None, "vous prenez des nouveaux patients ?") == (
        "Le docteur Lefebvre, Thomas Mercier, le kinésithérapeute et Sophie Lambert, l'infirmière, prennent de "
        "nouveaux patients. Le docteur Benali ne prend pas de nouveaux patients pour le moment."
    )
    doctors = answer_practitioners(DEMO, None, "je cherche un médecin traitant")
    assert "Mercier" not in doctors and doctors.startswith("Le docteur Lefebvre prend de nouveaux patients.")


def test_closed_reason_is_said_only_when_nobody_receives_then():
    def reason(text, practitioners):
        return closed_reason(DEMO, parse_time_wish(text, NOW), practitioners, NOW.date())

    assert reason("le 25 décembre", ["lefebvre"]) == "Le vendredi 25 décembre est un jour férié : le cabinet est fermé."
    assert reason("samedi 5 décembre", ["lefebvre"]) == "Le docteur Lefebvre ne consulte pas le samedi 5 décembre."
    assert reason("le lundi 28 décembre", ["mercier"]).endswith("(congés de fin d'année).")
    assert reason("jeudi matin", ["lefebvre"]) is None  # she receives then: slots taken, not closed
    assert reason("la semaine prochaine", ["lefebvre"]) is None  # several days: nothing to say


def test_a_motif_without_instructions_gets_two_documents_not_the_whole_list():
    """Seen on the demo: "et pour un frottis ?" got the whole list, kinésithérapie prescriptions included."""
    answer = answer_documents(DEMO, resolve_motif("frottis", DEMO))
    assert answer == (
        "Pour le frottis de dépistage, pas de consigne particulière : pensez à apporter votre carte Vitale "
        "(ou votre attestation de droits) et votre carte de mutuelle ou de complémentaire santé."
    )


def test_a_question_about_languages_is_answered_from_the_practice_file():
    """Seen on the demo: "vous parlez anglais à l'accueil" was not understood; the file lists them."""
    assert answer_practitioners(DEMO, None, "vous parlez anglais à l'accueil") == (
        "À l'accueil, on parle français et anglais."
    )
    assert answer_practitioners(DEMO, "benali", "le docteur benali parle arabe ?").startswith("À l'accueil")


def test_a_time_of_day_outside_a_motifs_hours_is_said_so():
    blood_test = resolve_motif("prise de sang", DEMO)
    afternoon = parse_time_wish("jeudi après-midi", NOW)
    assert motif_hours_reason(blood_test, afternoon) == "Les rendez-vous pour une prise de sang sont de 7 h 30 à 10 h."
    assert motif_hours_reason(blood_test, parse_time_wish("jeudi matin", NOW)) is None  # then all taken, not closed
    assert motif_hours_reason(resolve_motif("consultation", DEMO), afternoon) is None  # no hours of its own


def test_open_right_now_is_answered_for_now_not_with_the_whole_week():
    """Phone QA: "vous êtes ouverts là ?" at 21:30 got 60 words of weekly hours."""
    paris = ZoneInfo("Europe/Paris")
    night = answer_open_now(DEMO, datetime(2026, 11, 23, 21, 30, tzinfo=paris))
    assert night.startswith("Non, le secrétariat est fermé en ce moment ; il rouvre demain à 8 h 30.")
    assert "03 53 01 20 09" in night
    assert answer_open_now(DEMO, datetime(2026, 11, 23, 10, 0, tzinfo=paris)) == (
        "Oui, le secrétariat répond jusqu'à midi et demi."
    )
    saturday = answer_open_now(DEMO, datetime(2026, 11, 28, 15, 0, tzinfo=paris))
    assert "il rouvre lundi 30 novembre à 8 h 30" in saturday
    assert asks_about_now("vous êtes ouverts là ?") and asks_about_now("c'est encore ouvert")
    assert not asks_about_now("vous êtes ouverts le samedi")


def test_where_and_a_detail_in_one_question_get_both():
    """Phone QA: "c'est où exactement ? il y a un parking ?" got the parking only."""
    answer = answer_address(DEMO, "vous êtes où exactement ? il y a un parking ?")
    assert answer.startswith("Le cabinet se trouve au 23 rue des Tisserands, à Lille. Parking gratuit")
    assert answer_address(DEMO, "on se gare où").startswith("Parking gratuit")
