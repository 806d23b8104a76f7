"""The catalogue of what the assistant says, its channel variants and a practice's own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.conversation.replies import catalogue, parameters, render, reply, say
from assistant.core.model import Channel
from assistant.core.practice_config import PracticeConfigError, parse_practice

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "practices" / "demo-lille.yml").read_text(encoding="utf-8")


def with_wording(text: str):
    return parse_practice(DEMO + "\nwording:\n" + text, "cabinet.yml")


def test_every_entry_has_a_written_text_and_its_variants_use_the_same_parameters() -> None:
    for reply_id, variants in catalogue().items():
        assert variants["text"], reply_id
        assert set(variants) <= {"text", "phone", "sms"}, reply_id
        for variant in variants.values():
            assert parameters(variant) == parameters(variants["text"]), reply_id


def test_a_reply_is_filled_with_its_parameters_and_nested_replies() -> None:
    promise = reply("callback_promise", digits="89")
    assert say("callback_noted", promise=promise) == (
        "C'est noté : le secrétariat vous rappellera au numéro qui se termine par 89."
    )
    assert render([reply("nothing_then"), reply("next_availabilities")]) == (
        "Je n'ai rien de libre à ce moment-là. Voici les prochaines disponibilités."
    )


def test_an_unknown_reply_id_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        reply("no_such_reply")


def test_the_channel_variant_is_said_on_its_channel_and_the_written_text_elsewhere() -> None:
    written = say("callback_phone_not_understood", Channel.CHAT)
    assert "zéro six" in written and say("callback_phone_not_understood", Channel.PHONE) == written
    assert "06 12 34 56 78" in say("callback_phone_not_understood", Channel.SMS)


def test_a_practice_rewords_a_phrase_on_every_channel() -> None:
    practice = with_wording('  greeting: "{practice_name}, {hello} ! Que puis-je pour vous ?"\n')
    for channel in (Channel.CHAT, Channel.PHONE, Channel.SMS):
        said = say("greeting", channel, practice, practice_name="MSP", hello="bonjour")
        assert said == "MSP, bonjour ! Que puis-je pour vous ?"
    assert say("transfer", Channel.PHONE, practice) == "Je vous passe le secrétariat, ne quittez pas."


def test_an_unknown_phrase_id_or_parameter_is_an_error_with_its_line() -> None:
    with pytest.raises(PracticeConfigError) as raised:
        with_wording('  gretting: "Bonjour"\n  transfer: "Un instant, {name}."\n')
    issues = {issue.field: issue for issue in raised.value.issues}
    assert "phrase inconnue 'gretting'" in issues["wording.gretting"].message
    assert "paramètre inconnu {name}" in issues["wording.transfer"].message
    assert issues["wording.transfer"].line == issues["wording.gretting"].line + 1


def test_wording_survives_the_stored_snapshot() -> None:
    from assistant.core.practice_config import practice_from_dict, practice_to_dict

    practice = with_wording('  transfer: "Un instant."\n')
    assert practice_from_dict(practice_to_dict(practice)).phrases == practice.phrases
