"""The safety replies are the catalogue's and the same for every practice: no practice rewords them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.conversation.replies import catalogue, protected, say
from assistant.core.model import Channel, Phrase
from assistant.core.practice_config import PracticeConfigError, parse_practice
from assistant.core.triage import TriageResult
from assistant.core.wording import wording_refusal
from assistant.dialogue.safety_net import TECHNICAL_APOLOGY, emergency_reply, technical_failure_reply, too_long_reply
from tests.builders import at, practice_with_desk

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "practices" / "demo-lille.yml").read_text(encoding="utf-8")
CHEST_PAIN = TriageResult("emergency", "immediate", ("15", "112", "114"), ("Douleur thoracique",))
SUICIDE = TriageResult("suicide", "immediate", ("3114", "15"), ("Idées suicidaires",))
SUICIDE_NOW = TriageResult("suicide", "immediate", ("15", "3114"), ("Passage à l'acte",), life_threatening=True)


def test_the_safety_nets_sentences_are_the_catalogues() -> None:
    assert emergency_reply(None, CHEST_PAIN) == say("safety.emergency", samu="15", european="112", deaf_sms="114")
    assert emergency_reply(None, SUICIDE) == say("safety.suicide", samu="15", suicide_prevention="3114")
    assert emergency_reply(None, SUICIDE_NOW) == say(
        "safety.suicide_life_threatening", samu="15", suicide_prevention="3114"
    )
    assert too_long_reply(2000) == say("safety.too_long", limit=2000)
    failure = technical_failure_reply(practice_with_desk(), Channel.CHAT, at(2026, 11, 23, 10), recorded=True)
    assert failure.startswith(say("safety.technical_apology")) and failure.endswith(
        say("safety.failure.if_emergency", samu="15")
    )


def test_the_safety_replies_and_any_reply_giving_an_emergency_number_are_protected() -> None:
    assert all(protected(reply_id) for reply_id in catalogue() if reply_id.startswith("safety."))
    assert protected("answer.emergency") and protected("line.in_danger") and protected("emergency_no_booking")
    assert not protected("greeting") and not protected("answer.address") and not protected("transfer")


def test_a_practice_that_rewords_a_safety_reply_is_refused_in_french() -> None:
    refusal = wording_refusal("safety.emergency")
    assert refusal is not None and "'safety.emergency' ne peut pas être modifiée" in refusal
    assert "numéros d'urgence" in refusal
    assert wording_refusal("answer.emergency", {"samu"}) is not None
    assert wording_refusal("greeting", {"practice_name", "hello"}) is None


def test_a_practices_text_for_a_safety_reply_is_never_said() -> None:
    practice = parse_practice(DEMO + '\nwording:\n  greeting: "{practice_name}, {hello} !"\n', "cabinet.yml")
    rewording = (
        *practice.phrases,
        Phrase("safety.emergency", "Appelez le 18."),
        Phrase("answer.emergency", "Appelez le 18."),
    )
    reworded = dataclasses.replace(practice, phrases=rewording)
    for channel in (Channel.CHAT, Channel.PHONE, Channel.SMS):
        assert say("safety.emergency", channel, reworded, samu="15", european="112", deaf_sms="114").startswith(
            "Cela peut être une urgence : appelez immédiatement le 15"
        )
        assert say("answer.emergency", channel, reworded, samu="15") == "En cas d'urgence vitale, appelez le 15."
        assert say("greeting", channel, reworded, practice_name="MSP", hello="bonjour") == "MSP, bonjour !"


def test_the_practice_file_check_refuses_a_safety_reply_with_its_line() -> None:
    with pytest.raises(PracticeConfigError) as raised:
        parse_practice(DEMO + '\nwording:\n  safety.emergency: "Appelez le 18."\n', "cabinet.yml")
    issues = {issue.field: issue for issue in raised.value.issues}
    assert "ne peut pas être modifiée" in issues["wording.safety.emergency"].message
    assert issues["wording.safety.emergency"].line == DEMO.count("\n") + 3
    with pytest.raises(PracticeConfigError) as raised:  # a reply that says an emergency number, whatever its id
        parse_practice(DEMO + '\nwording:\n  answer.emergency: "Appelez le {samu}."\n', "cabinet.yml")
    assert "numéros d'urgence" in raised.value.issues[0].message


# --- one apology for a technical failure, whoever says it (issue 17)


def test_one_catalogue_entry_apologises_for_a_technical_failure() -> None:
    apologies = [
        reply_id
        for reply_id, variants in catalogue().items()
        if "incident technique" in variants["text"] and not reply_id.startswith("reason.")
    ]
    assert apologies == ["safety.technical_apology"]
    sources = [*(ROOT / "assistant").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]
    assert not [path.name for path in sources if "un incident technique" in path.read_text(encoding="utf-8")]


def test_the_action_the_guard_and_the_phone_line_say_that_apology_in_the_channels_variant() -> None:
    from assistant.adapters.channels import twiml

    assert TECHNICAL_APOLOGY.startswith(say("safety.technical_apology"))
    desk = practice_with_desk()
    for channel in (Channel.CHAT, Channel.SMS, Channel.PHONE):
        reply = technical_failure_reply(desk, channel, at(2026, 11, 23, 10), recorded=True)
        assert reply.startswith(say("safety.technical_apology", channel))
    assert twiml.technical_apology() == say("safety.technical_apology", Channel.PHONE)
