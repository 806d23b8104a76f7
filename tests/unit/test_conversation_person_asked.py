"""Whom a request for a person asks for reaches the secretary (QA: "je voudrais parler à Nadège" was handed over
as « Demande à parler au secrétariat », and the secretary did not know whom the caller wanted)."""

from __future__ import annotations

import dataclasses

from assistant.conversation.escalation import handover_for, person_asked_for, summary
from assistant.conversation.state import ConversationState, Identity, Triage
from assistant.core.escalation import IDENTITY_KEY
from assistant.core.model import Practitioner
from assistant.language.fr.requests import name_asked_for
from tests.builders import make_practice

BASTIEN = Practitioner(id="bastien", name="Nadège Bastien", title="Dr", specialty="médecine générale")
PRACTICE = dataclasses.replace(make_practice(), practitioners=(*make_practice().practitioners, BASTIEN))


def entity(text: str, kind: str, words: str, value: str | None = None) -> dict:
    start = text.index(words)
    return {"entity": kind, "value": value or words, "start": start, "end": start + len(words)}


def asked(text: str, *entities: tuple[str, str] | tuple[str, str, str], intent: str = "request_human") -> str | None:
    spans = [entity(text, *e) for e in entities]
    return person_asked_for(intent, spans, text, PRACTICE)


def test_a_practitioner_asked_for_is_named_as_the_practice_knows_them() -> None:
    text = "passez-moi le docteur Bastien s'il vous plaît"
    assert asked(text, ("practitioner", "docteur Bastien", "bastien")) == "Dr Nadège Bastien"
    # the practitioner's first name, read as a first name by the model
    assert asked("je voudrais parler à Nadège", ("first_name", "Nadège")) == "Dr Nadège Bastien"


def test_someone_the_practice_does_not_know_is_named_as_said() -> None:
    assert asked("je voudrais parler à Alex", ("first_name", "Alex")) == "Alex"
    text = "passez-moi Alex Carpentier"
    assert asked(text, ("first_name", "Alex"), ("last_name", "Carpentier")) == "Alex Carpentier"
    assert asked("je voudrais parler au docteur Carpentier", ("practitioner", "docteur Carpentier")) == (
        "docteur Carpentier"
    )


def test_a_name_only_spacy_read_is_asked_for_too() -> None:
    # "passez-moi <a doctor's first name>": the NLU gave nothing but spaCy's person (QA)
    assert asked("passez-moi Nadège", ("PER", "Nadège")) == "Dr Nadège Bastien"
    text = "je voudrais parler à Alex Carpentier"
    both = (("first_name", "Alex"), ("PER", "Alex Carpentier"), ("last_name", "Carpentier"))
    assert asked(text, *both) == "Alex Carpentier"


def test_the_callers_own_name_the_desk_or_anyone_is_nobody_asked_for() -> None:
    assert asked("c'est Alex, je voudrais parler au secrétariat", ("first_name", "Alex")) is None
    assert asked("je voudrais parler à la secrétaire", ("practitioner", "secrétaire")) is None
    assert asked("passez-moi n'importe qui", ("practitioner", "n'importe qui", "any")) is None
    assert asked("je voudrais parler à Nadège", ("first_name", "Nadège"), intent="book_appointment") is None


def test_the_name_asked_for_is_the_one_after_the_words_that_ask() -> None:
    text = "c'est Alex Carpentier, pourriez-vous me passer Nadège Bastien"
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Alex", "Carpentier", "Nadège", "Bastien")]
    start, end = name_asked_for(text, spans) or (0, 0)
    assert text[start:end] == "Nadège Bastien"
    assert name_asked_for("bonjour c'est Alex", [(14, 18)]) is None


def test_the_hand_over_says_whom_the_caller_wants_to_speak_to() -> None:
    handover = handover_for("request_human", Triage(), "Dr Nadège Bastien")
    assert handover.reason == "Demande à parler à Dr Nadège Bastien"
    assert (handover.category, handover.urgency) == ("human", "routine")
    assert handover_for("request_human", Triage()).reason == "Demande à parler au secrétariat"
    # an urgent triage still says why first; the person stays in the summary
    assert handover_for("request_human", Triage("urgent", ("Fièvre élevée",)), "Alex").reason == "Fièvre élevée"
    state = ConversationState(identity=Identity("Carpentier", "Alex"))
    assert summary(state, "Dr Nadège Bastien") == {
        "personne demandée": "Dr Nadège Bastien",
        "nom": "Carpentier",
        "prénom": "Alex",
        IDENTITY_KEY: "non",
    }
