"""Any practice, one model (issue 18): whole conversations against each practice in practices/.

The same trained model serves the demo maison de santé in Lille, the physiotherapy practice in Douai and
the radiology centre in Dunkerque; none of their names is in the training data (a unit test checks it).
Patients name practitioners the ways people do (surname, first name, title, misspelt, as speech-to-text
writes them), motifs by their synonyms, practitioners by their profession. A simulated patient answers
whatever the assistant asks from a profile; assertions read the agenda tables, not the wording.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.adapters.db import tables as t
from assistant.launcher import ROOT
from tests.builders import PARIS
from tests.e2e import phone
from tests.e2e.chat import Conversation as ChatConversation
from tests.e2e.servers import running_servers

pytestmark = pytest.mark.e2e

PRACTICES = ROOT / "practices"


@dataclass
class Profile:
    """What a patient answers to each of the assistant's questions."""

    motif: str = ""
    practitioner: str = "peu importe"
    when: str = "jeudi matin"
    followed: str = "oui je suis déjà venu"
    last_name: str = "Roussel"
    first_name: str = "Élise"
    birth_date: str = "14 février 1979"
    choice: str = "le premier"


#: The assistant's questions, by words of the reply catalogue (assistant/language/fr/replies_fr.yml).
QUESTIONS = (
    ("je confirme", "confirm"),
    ("voulez-vous l'annuler", "confirm"),
    ("voulez-vous le déplacer", "confirm"),
    ("lequel préférez-vous", "choice"),
    ("cela vous convient", "confirm"),
    ("déjà consulté", "followed"),
    ("déjà passé un examen", "followed"),
    ("préférence pour le praticien", "practitioner"),
    ("quel motif", "motif"),
    ("c'est pour ", "motif"),
    ("à quel nom", "last_name"),
    ("nom de famille", "last_name"),
    ("prénom", "first_name"),
    ("date de naissance", "birth_date"),
    ("numéro de portable", "phone"),
    ("quel jour", "when"),
    ("quand souhaiteriez", "when"),
    ("quel autre moment", "when"),
)


class Conversation(ChatConversation):
    def hold(self, opening: str, profile: Profile, turns: int = 14) -> None:
        """Says ``opening``, then answers each question from ``profile`` until the booking is confirmed."""
        replies = self.say(opening)
        for _ in range(turns):
            question = _question(replies)
            if question is None:
                return
            replies = self.say(_answer(question, profile))
            if question == "confirm" and not any("?" in reply for reply in replies):
                return


def _answer(question: str, profile: Profile) -> str:
    return "aucun" if question == "phone" else "oui" if question == "confirm" else getattr(profile, question)


def _question(replies: list[str]) -> str | None:
    last = (replies[-1] if replies else "").lower()
    if "?" not in last:
        return None
    return next((kind for words, kind in QUESTIONS if words in last), None)


def booked(engine, conversation: Conversation) -> list:
    with engine.connect() as connection:
        return connection.execute(
            select(t.appointments).where(
                t.appointments.c.conversation_id == conversation.sender, t.appointments.c.status == "booked"
            )
        ).all()


def load_practice(env: dict[str, str], practice_file: Path) -> None:
    cli = [sys.executable, "-m", "assistant.cli"]
    subprocess.run([*cli, "practice", "load", str(practice_file)], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module", params=["demo-lille", "douai-kine", "dunkerque-radiologie"])
def practice(request, tmp_path_factory, trained_model):
    folder = tmp_path_factory.mktemp(request.param)
    practice_file = PRACTICES / f"{request.param}.yml"
    with running_servers(
        folder,
        trained_model,
        practice_file=practice_file,
        credentials=phone.credentials(folder),
    ) as running:
        running["name"] = request.param
        yield running


#: practice → (opening message, profile, expected motif id, expected practitioner id or None for anyone)
BOOKINGS = {
    "demo-lille": [
        (
            "Je voudrais voir le docteur Lefebvre jeudi",
            Profile(motif="un renouvellement d'ordonnance"),
            "renouvellement",
            "lefebvre",
        ),
        ("rdv avec le dr benalli pour un renouvelement dordonnance", Profile(), "renouvellement", "benali"),
        (
            "bonjour je voudrais un rendez vous avec Sophie pour une prise de sang",
            Profile(),
            "prise-de-sang",
            "lambert",
        ),
        ("un rdv chez le kiné svp", Profile(motif="une séance"), "kine-seance", "mercier"),
        (
            "je voudrais un certif pour le foot de mon fils",
            Profile(practitioner="avec Lefebvre"),
            "certificat-sport",
            "lefebvre",
        ),
        # the motif is asked, never assumed (three motifs or more, different durations)
        (
            "Je voudrais le premier rendez-vous disponible",
            Profile(motif="un renouvellement d'ordonnance"),
            "renouvellement",
            None,
        ),
    ],
    "douai-kine": [
        ("je voudrais un bilan avec madame chepaniak", Profile(), "bilan-kine", "szczepaniak"),
        ("bonjour c'est pour une séance de rééduc avec Grégory", Profile(), "seance-kine", "vanderhaeghe"),
        ("un rendez vous avec vanderhague pour une seance de kine", Profile(), "seance-kine", "vanderhaeghe"),
        ("rééducation du périnée après mon accouchement", Profile(), "reeducation-perineale", "szczepaniak"),
        (
            "je voudrais un drainage lymphatique",
            Profile(practitioner="avec madame Kheddouci", when="vendredi matin"),
            "drainage-lymphatique",
            "kheddouci",
        ),
    ],
    "dunkerque-radiologie": [
        (
            "une écho du ventre avec le docteur ouadghiri",
            Profile(when="vendredi matin"),
            "echographie-abdominale",
            "ouadghiri",
        ),
        ("bonjour il me faut une mammo", Profile(when="mardi matin"), "mammographie", "grabowska"),
        ("une radio du genou avec le manipulateur", Profile(), "radiographie", "cuvelier"),
        ("un scanner avec le docteur van grevelinge", Profile(), "scanner", "vangrevelinghe"),
    ],
}


#: One patient per conversation: a patient may hold only a few future appointments.
PATIENTS = ("Roussel", "Caron", "Delmotte", "Leclercq", "Dupuis", "Hennion", "Carlier", "Desmet")


def test_bookings_by_name_motif_and_profession(practice):
    failures = []
    for (opening, profile, motif, practitioner), patient in zip(BOOKINGS[practice["name"]], PATIENTS, strict=False):
        chat = Conversation(practice["url"])
        chat.hold(opening, replace(profile, last_name=patient))
        rows = booked(practice["engine"], chat)
        got = [(row.appointment_type_id, row.practitioner_id) for row in rows]
        if (
            len(rows) != 1
            or rows[0].appointment_type_id != motif
            or (practitioner and rows[0].practitioner_id != practitioner)
        ):
            failures.append(
                f"{opening!r}: expected {(motif, practitioner)}, booked {got}\n  " + "\n  ".join(chat.heard)
            )
    assert not failures, "\n\n".join(failures)


def test_the_first_available_keeps_the_day_asked_for(practice):
    openings = {
        "demo-lille": ("je voudrais une consultation mardi", "consultation"),
        "douai-kine": ("une séance de kiné mardi", "seance-kine"),
        "dunkerque-radiologie": ("une échographie mardi", "echographie"),
    }
    opening, motif = openings[practice["name"]]
    chat = Conversation(practice["url"])
    chat.hold(opening, Profile(practitioner="peu importe, le premier disponible", when="mardi", last_name="Morvan"))
    rows = booked(practice["engine"], chat)
    assert len(rows) == 1 and rows[0].appointment_type_id == motif, chat.heard
    assert rows[0].start_at.astimezone(PARIS).weekday() == 1, chat.heard  # a Tuesday, not today's slots


def test_a_motif_only_the_secretariat_books_is_not_booked_online(practice):
    openings = {
        "demo-lille": "je voudrais des soins infirmiers à domicile pour ma mère",
        "douai-kine": "je voudrais une séance de kiné à domicile",
        "dunkerque-radiologie": "je voudrais une IRM du genou avec le docteur Ouadghiri",
    }
    chat = Conversation(practice["url"])
    chat.hold(openings[practice["name"]], Profile(last_name="Brasseur"))
    assert booked(practice["engine"], chat) == [], chat.heard
    with practice["engine"].connect() as connection:
        handed_over = connection.execute(
            select(t.escalations).where(t.escalations.c.conversation_id == chat.sender)
        ).all()
    assert len(handed_over) == 1, chat.heard


def test_a_booking_moved_then_cancelled(practice):
    chat = Conversation(practice["url"])
    first_motif = {
        "demo-lille": "une prise de sang",
        "douai-kine": "une séance de kiné",
        "dunkerque-radiologie": "une radio",
    }
    profile = Profile(motif=first_motif[practice["name"]], last_name="Delcourt", first_name="Maëlle")
    chat.hold(f"bonjour je voudrais prendre rendez-vous pour {profile.motif}", profile)
    (before,) = booked(practice["engine"], chat)
    mover = Conversation(practice["url"])
    mover.hold(
        "je voudrais déplacer mon rendez-vous",
        Profile(when="vendredi", last_name="Delcourt", first_name="Maëlle"),
    )
    with practice["engine"].connect() as connection:
        moved = connection.execute(select(t.appointments).where(t.appointments.c.id == before.id)).one()
    assert moved.status == "booked" and moved.start_at != before.start_at, mover.heard
    assert moved.start_at.astimezone(PARIS).weekday() == 4, mover.heard
    canceller = Conversation(practice["url"])
    canceller.hold("je voudrais annuler mon rendez-vous", Profile(last_name="Delcourt", first_name="Maëlle"))
    with practice["engine"].connect() as connection:
        cancelled = connection.execute(select(t.appointments).where(t.appointments.c.id == before.id)).one()
    assert cancelled.status == "cancelled", canceller.heard


def test_a_whole_phone_call_books_a_practitioner_by_name(practice):
    spoken = {  # each on a day the practitioner receives
        "demo-lille": (
            "je voudrais voir le docteur le fèvre pour un renouvellement d'ordonnance",
            "lefebvre",
            "vendredi matin",
        ),
        "douai-kine": ("je voudrais un bilan avec madame kedoucie", "kheddouci", "vendredi matin"),
        "dunkerque-radiologie": ("une échographie avec le docteur grabowska", "grabowska", "mardi matin"),
    }
    opening, practitioner, when = spoken[practice["name"]]
    call = phone.Call(practice["url"])
    call.start()
    call.say(opening)
    profile = Profile(when=when, last_name="Lemaître", birth_date="quatorze février mille neuf cent soixante-dix-neuf")
    for _ in range(14):
        last = (call.heard[-1] if call.heard else "").lower()
        question = next((kind for words, kind in QUESTIONS if words in last), None)
        if question is None:
            break
        call.say(_answer(question, profile))
        if question == "confirm":
            break
    with practice["engine"].connect() as connection:
        rows = connection.execute(
            select(t.appointments).where(
                t.appointments.c.conversation_id == call.sid, t.appointments.c.status == "booked"
            )
        ).all()
    assert [(row.practitioner_id, row.channel) for row in rows] == [(practitioner, "phone")], call.heard


@pytest.mark.parametrize("practice", ["demo-lille"], indirect=True)
def test_a_practitioner_added_while_the_servers_run_is_bookable_by_name(practice, tmp_path):
    source = (PRACTICES / "demo-lille.yml").read_text(encoding="utf-8")
    newcomer = (
        "practitioners:\n"
        "  - id: kerbrat\n"
        "    title: Dr\n"
        "    name: Maïwenn Kerbrat\n"
        "    specialty: médecin généraliste\n"
        "    schedule:\n"
        "      - days: [lun, mar, mer, jeu, ven]\n"
        "        hours: [08:30-12:00, 14:00-18:00]\n"
    )
    grown = source.replace("practitioners:\n", newcomer, 1).replace(
        "practitioners: [lefebvre, benali]", "practitioners: [lefebvre, benali, kerbrat]"
    )
    practice_file = tmp_path / "demo-lille.yml"
    practice_file.write_text(grown, encoding="utf-8")
    load_practice(practice["env"], practice_file)
    time.sleep(2.5)  # the understanding looks at the agenda every second
    chat = Conversation(practice["url"])
    chat.hold("je voudrais voir le docteur Kerbrat jeudi pour un renouvellement", Profile(last_name="Quéméner"))
    rows = booked(practice["engine"], chat)
    assert [(row.practitioner_id, row.appointment_type_id) for row in rows] == [("kerbrat", "renouvellement")], (
        chat.heard
    )
    assert rows[0].start_at.astimezone(PARIS).date() >= datetime(2026, 11, 26).date()


@pytest.mark.parametrize("practice", ["demo-lille"], indirect=True)
def test_an_answer_the_form_refuses_gets_the_question_again_and_the_booking_goes_on(practice):
    """ "oui" to "quand ?" once jumped to the identity and ended in a hand-over "no slot" (QA)."""
    chat = Conversation(practice["url"])
    chat.say("Bonjour, je voudrais une prise de sang")
    chat.say("oui")
    chat.hold("avec Sophie Lambert", Profile(last_name="Vandamme"))
    rows = booked(practice["engine"], chat)
    assert [(row.appointment_type_id, row.practitioner_id) for row in rows] == [("prise-de-sang", "lambert")], (
        chat.heard
    )
    with practice["engine"].connect() as connection:
        assert not connection.execute(select(t.escalations).where(t.escalations.c.conversation_id == chat.sender)).all()
