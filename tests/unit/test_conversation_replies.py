"""The catalogue of what the assistant says, its channel variants and a practice's own wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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
    spoken = say("callback_phone_not_understood", Channel.PHONE)
    assert "zéro six" in written and "zéro six" in spoken and "…" not in spoken
    assert "06 12 34 56 78" in say("callback_phone_not_understood", Channel.SMS)
    assert say("transfer", Channel.SMS) == say("transfer", Channel.CHAT)  # no variant: the written text


#: What a voice must not read out: quotes, markup, brackets, ellipses, links (parameters aside).
UNSPEAKABLE = re.compile(r"[«»*#()\[\]/…_~|<>@]|https?://|www\.|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
#: At most what a voice says in one breath or so, and what one SMS holds.
MAX_SPOKEN, MAX_SMS = 250, 160


def spoken(reply_id: str) -> str:
    variants = catalogue()[reply_id]
    return re.sub(r"\{\w+\}", "", variants.get("phone", variants["text"]))


def test_what_the_phone_says_can_be_spoken() -> None:
    for reply_id in catalogue():
        text = spoken(reply_id)
        assert not UNSPEAKABLE.search(text), f"{reply_id}: {text}"
        assert len(text) <= MAX_SPOKEN, reply_id


def test_what_an_sms_says_is_short() -> None:
    for reply_id, variants in catalogue().items():
        assert len(variants.get("sms", variants["text"])) <= MAX_SMS, reply_id


def test_the_phone_lines_own_sentences_are_in_the_catalogue() -> None:
    line = {reply_id for reply_id in catalogue() if reply_id.startswith("line.")}
    assert {"line.disclosure", "line.callback_offer", "line.whisper_intro", "line.in_danger"} <= line
    assert say("line.in_danger", Channel.PHONE, samu="15", suicide_prevention="3114").startswith(
        "Si vous êtes en danger, appelez le 15."
    )


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


#: The output channels whose response variations domain.yml gives, by the catalogue's variant.
DOMAIN_CHANNELS = {"phone": "twilio_voice_fr", "sms": "twilio_sms"}


def test_the_domains_responses_say_what_the_catalogue_says_on_every_channel() -> None:
    """domain.yml's responses are the catalogue's ``utter_*`` entries, a variation per channel."""
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    entries = {reply_id: variants for reply_id, variants in catalogue().items() if reply_id.startswith("utter_")}
    assert set(responses) == set(entries)
    for name, variations in responses.items():
        by_channel = {variation.get("channel"): variation["text"] for variation in variations}
        expected = {None: entries[name]["text"]}
        expected.update({DOMAIN_CHANNELS[v]: text for v, text in entries[name].items() if v != "text"})
        assert by_channel == expected, name
