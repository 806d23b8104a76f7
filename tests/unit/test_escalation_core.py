"""Escalations as pure data: validation, merging, transitions, triage order and the French summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from assistant.core import escalation as esc
from assistant.core.errors import AgendaError
from assistant.core.escalation import Escalation, EscalationError
from assistant.core.model import Channel, Patient
from tests.builders import PARIS, at

NOW = at(2026, 11, 23, 10, 0)
LEA = Patient(4, "Martin", "Léa", date(1990, 2, 3), "06 01 02 03 04")


def make(practice_id: str = "test", now: datetime = NOW, **overrides: object) -> Escalation:
    values: dict[str, object] = {
        "channel": Channel.CHAT,
        "conversation_id": "conv-1",
        "reason": "Demande de résultats",
        "category": "sensitive",
        "urgency": "routine",
    }
    values.update(overrides)
    return esc.new_escalation(esc.EscalationRequest(**values), practice_id=practice_id, now=now)  # type: ignore[arg-type]


# -- building ---------------------------------------------------------------------


def test_new_escalation_is_open_normalised_and_in_utc():
    e = make(
        reason="  Demande   de résultats ",
        channel="phone",
        understood={"motif": "bilan", "praticien": None, "": "x", "demande": "  "},
        transcript=[("patient", " Bonjour "), ("assistant", ""), ["patient", "mes résultats"]],
        callback_number="+33 6 01 02 03 04",
    )
    assert e.id is None and e.status == "open" and not e.callback_requested
    assert e.reason == "Demande de résultats"
    assert e.channel is Channel.PHONE
    assert e.created_at == NOW and e.created_at.tzinfo == timezone.utc
    assert e.understood == {"motif": "bilan"}
    assert e.transcript == (("patient", "Bonjour"), ("patient", "mes résultats"))
    assert e.callback_number == "06 01 02 03 04"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"category": "availability"}, "catégorie inconnue"),
        ({"urgency": "asap"}, "urgence inconnue"),
        ({"conversation_id": "  "}, "conversation manquante"),
        ({"channel": "fax"}, "canal inconnu"),
        ({"transcript": [("patient", "a", "b")]}, "transcription"),
    ],
)
def test_invalid_input_is_refused_with_a_french_sentence(overrides, fragment):
    with pytest.raises(EscalationError) as raised:
        make(**overrides)
    assert raised.value.code == "invalid_escalation"
    assert fragment in raised.value.message and raised.value.message.startswith("Demande transmise invalide")
    assert isinstance(raised.value, AgendaError)  # the CLI and the actions handle it like any refusal


def test_every_category_and_urgency_is_accepted_and_labelled():
    for category in esc.CATEGORIES:
        for urgency in esc.URGENCIES:
            assert make(category=category, urgency=urgency).category == category
    assert set(esc.CATEGORY_LABELS) == set(esc.CATEGORIES)
    assert esc.URGENCY_LABELS == {
        "immediate": "urgence vitale",
        "urgent": "à traiter aujourd'hui",
        "routine": "sans urgence",
    }


def test_a_bad_callback_number_is_dropped_not_fatal_and_limits_apply():
    assert make(callback_number="12").callback_number is None
    assert make(callback_number="anonymous").callback_number is None
    assert make(callback_number="+44 20 7946 0958").callback_number == "+442079460958"
    long = make(reason="x" * 900, transcript=[("patient", str(i)) for i in range(300)])
    assert len(long.reason) == esc.MAX_REASON
    assert len(long.transcript) == esc.MAX_TRANSCRIPT_LINES and long.transcript[-1] == ("patient", "299")
    assert make(reason="", category="human").reason == "Demande à parler à une personne"


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        make(now=datetime(2026, 11, 23, 10, 0))


# -- merging ----------------------------------------------------------------------


def test_merge_raises_urgency_appends_reason_and_replaces_the_transcript():
    first = replace(
        make(
            reason="Demande à parler au secrétariat",
            category="human",
            understood={"motif": "consultation", "identité vérifiée": "non"},
            transcript=[("patient", "je veux parler à quelqu'un")],
            callback_number="0601020304",
        ),
        id=7,
    )
    second = make(
        reason="Douleur thoracique; demande à parler au secrétariat",
        category="emergency",
        urgency="immediate",
        understood={"identité vérifiée": "oui"},
        transcript=[("patient", "je veux parler à quelqu'un"), ("patient", "j'ai mal à la poitrine")],
        patient_id=4,
        now=NOW + timedelta(minutes=3),
    )
    merged = esc.merge(first, second, NOW + timedelta(minutes=3))
    assert merged.id == 7 and merged.created_at == first.created_at
    assert merged.updated_at == NOW + timedelta(minutes=3)
    assert merged.urgency == "immediate" and merged.category == "emergency"
    assert merged.reason == "Demande à parler au secrétariat; Douleur thoracique"  # the repeated part is not doubled
    assert merged.understood == {"motif": "consultation", "identité vérifiée": "oui"}
    assert merged.transcript == second.transcript
    assert merged.patient_id == 4 and merged.callback_number == "06 01 02 03 04"


def test_merge_never_lowers_urgency_or_category_nor_forgets_what_was_known():
    first = make(category="suicide", urgency="immediate", patient_id=4, transcript=[("patient", "a")])
    merged = esc.merge(first, make(category="misunderstanding", urgency="routine"), NOW)
    assert (merged.category, merged.urgency, merged.patient_id, merged.transcript) == (
        "suicide",
        "immediate",
        4,
        (("patient", "a"),),
    )
    assert esc.most_urgent("routine", "urgent") == "urgent"
    assert esc.most_serious_category("human", "sensitive") == "sensitive"


# -- transitions --------------------------------------------------------------------


def test_take_then_close_then_nothing_more():
    later = NOW + timedelta(minutes=5)
    taken = esc.take(replace(make(), id=3), "  Claire  ", later)
    assert (taken.status, taken.taken_by, taken.taken_at) == ("taken", "Claire", later)
    retaken = esc.take(taken, "Sophie", later + timedelta(minutes=1))
    assert retaken.taken_by == "Sophie"  # a colleague takes over
    closed = esc.close(retaken, "resolved", "Sophie", later + timedelta(minutes=10))
    assert (closed.status, closed.outcome, closed.closed_by) == ("closed", "resolved", "Sophie")
    for attempt in (
        lambda: esc.take(closed, "Claire", later),
        lambda: esc.close(closed, "resolved", "Claire", later),
        lambda: esc.request_callback(closed, "0601020304", None, later),
    ):
        with pytest.raises(EscalationError) as raised:
            attempt()
        assert raised.value.code == "escalation_closed" and raised.value.message == "La demande n°3 est déjà close."


def test_close_checks_outcome_and_person():
    with pytest.raises(EscalationError) as raised:
        esc.close(make(), "done", "Claire", NOW)
    assert raised.value.code == "invalid_outcome" and "resolved" in raised.value.message
    with pytest.raises(EscalationError):
        esc.take(make(), "   ", NOW)


def test_request_callback_normalises_the_number_and_keeps_the_time():
    morning = at(2026, 11, 24, 8, 30)
    called = esc.request_callback(make(), "06.01.02.03.04", morning, NOW)
    assert called.callback_requested and called.callback_number == "06 01 02 03 04"
    assert called.callback_after == morning and called.callback_after.tzinfo == timezone.utc
    with pytest.raises(EscalationError) as raised:
        esc.request_callback(make(), "123", None, NOW)
    assert raised.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("said", "stored"),
    [("no-answer", "no_answer"), ("Completed", "completed"), ("canceled", "abandoned"), ("transferred", "transferred")],
)
def test_call_outcomes_are_normalised(said, stored):
    assert esc.record_call(make(), 125, said, NOW).call_outcome == stored


def test_call_outcome_rejects_unknown_words_and_negative_durations():
    with pytest.raises(EscalationError):
        esc.record_call(make(), 10, "teleported", NOW)
    with pytest.raises(EscalationError):
        esc.record_call(make(), -1, "completed", NOW)


# -- triage order ---------------------------------------------------------------------


def test_triage_order_puts_the_most_urgent_first_then_the_oldest():
    def at_minute(minute: int, urgency: str, ident: int) -> Escalation:
        return replace(make(urgency=urgency, now=NOW + timedelta(minutes=minute)), id=ident)

    items = [
        at_minute(0, "routine", 1),
        at_minute(5, "urgent", 2),
        at_minute(9, "immediate", 3),
        at_minute(1, "urgent", 4),
        at_minute(2, "immediate", 5),
        at_minute(0, "routine", 6),
    ]
    assert [e.id for e in esc.triage_order(items)] == [5, 3, 4, 2, 1, 6]


# -- summaries ---------------------------------------------------------------------------


def test_written_summary_says_everything_the_secretary_needs():
    e = replace(
        make(
            channel=Channel.PHONE,
            understood={"motif": "bilan sanguin", "identité vérifiée": "oui"},
            patient_id=4,
        ),
        id=12,
    )
    e = esc.request_callback(e, "0601020304", at(2026, 11, 24, 8, 30), NOW)
    e = esc.record_call(e, 125, "no-answer", NOW)
    text = esc.written_summary(e, PARIS, LEA)
    assert text.splitlines() == [
        "Demande n°12 : Demande de résultats",
        "Urgence : sans urgence (demande médicale ou sensible)",
        "Reçue le 23/11/2026 à 10:00 par téléphone",
        "Statut : ouverte",
        "Identité vérifiée : MARTIN Léa, né(e) le 03/02/1990",
        "Compris : motif : bilan sanguin",
        "Rappel demandé au 06 01 02 03 04, à partir du 24/11/2026 à 08:30",
        "Appel : 2 min 05 s, transfert sans réponse",
    ]


def test_written_summary_for_an_unverified_closed_escalation_in_local_time():
    e = replace(make(urgency="urgent", category="urgent", reason="Fièvre forte"), id=2)
    e = esc.take(e, "Claire", at(2026, 11, 23, 10, 5))
    e = esc.close(e, "callback", "Claire", at(2026, 11, 23, 10, 30))
    lines = esc.written_summary(e, PARIS).splitlines()
    assert "Urgence : à traiter aujourd'hui (demande urgente)" in lines
    assert "Statut : close par Claire le 23/11/2026 à 10:30 (patient rappelé)" in lines
    assert "Identité non vérifiée" in lines and "Compris : rien de précis" in lines
    heard = replace(e, transcript=(("patient", "mon fils a 39 de fièvre"), ("assistant", "Je transmets.")))
    assert "Compris : rien de précis ; dernier message : « mon fils a 39 de fièvre »" in (
        esc.written_summary(heard, PARIS).splitlines()
    )
    assert "Aucun numéro de rappel" in lines
    caller = esc.written_summary(replace(e, callback_number="06 01 02 03 04"), PARIS)
    assert "Numéro de l'appelant : 06 01 02 03 04" in caller.splitlines()


def test_spoken_summary_is_one_short_sentence():
    verified = make(patient_id=4)
    assert esc.spoken_summary(verified) == (
        "Appel transféré par l'assistant : demande de résultats, sans urgence, identité vérifiée."
    )
    assert esc.spoken_summary(verified, LEA).endswith("identité vérifiée pour Léa Martin.")
    emergency = make(
        reason="Douleur thoracique. Essoufflement; IRM demandée", category="emergency", urgency="immediate"
    )
    sentence = esc.spoken_summary(emergency)
    assert sentence == (
        "Appel transféré par l'assistant : douleur thoracique, essoufflement et IRM demandée, "
        "urgence vitale, identité non vérifiée."
    )
    assert sentence.count(".") == 1 and sentence.endswith(".")
    many = make(reason="A a; B b; C c")
    assert "a a et b b et d'autres demandes" in esc.spoken_summary(many)


def test_transcript_text_names_the_speakers():
    e = make(transcript=[("patient", "Bonjour"), ("assistant", "Bonjour, que puis-je faire ?"), ("bot", "x")])
    assert esc.transcript_text(e) == "Patient : Bonjour\nAssistant : Bonjour, que puis-je faire ?\nBot : x"


def test_repr_leaks_neither_what_was_said_nor_the_number():
    e = make(reason="Douleur thoracique", understood={"motif": "bilan"}, transcript=[("patient", "j'ai mal")])
    text = repr(esc.request_callback(e, "0601020304", None, NOW))
    assert "Douleur" not in text and "bilan" not in text and "j'ai mal" not in text and "06 01" not in text
    assert "urgency='routine'" in text
