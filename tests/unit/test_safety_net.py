"""What a patient hears when the dialogue cannot work, and the cleaning of every message (pure)."""

from __future__ import annotations

import dataclasses
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.model import Channel, EmergencyNumbers, Secretariat
from assistant.core.text import clean_input
from assistant.core.triage import TriageResult
from assistant.dialogue.safety_net import (
    emergency_reply,
    says_emergency_number,
    technical_failure_reply,
    too_long_reply,
)
from tests.builders import MON_TO_FRI, at, make_practice, practice_with_desk, rule

CHEST_PAIN = TriageResult("emergency", "immediate", ("15", "112", "114"), ("Douleur thoracique",))
SUICIDE = TriageResult("suicide", "immediate", ("3114", "15"), ("Idées suicidaires",))
SUICIDE_NOW = TriageResult("suicide", "immediate", ("15", "3114"), ("Passage à l'acte",), life_threatening=True)


def test_emergency_reply_without_any_practice_gives_the_national_numbers() -> None:
    assert "appelez immédiatement le 15, ou le 112" in emergency_reply(None, CHEST_PAIN)
    assert "SMS au 114" in emergency_reply(None, CHEST_PAIN)
    assert "appelez le 3114" in emergency_reply(None, SUICIDE)
    assert emergency_reply(None, SUICIDE_NOW).startswith("Appelez tout de suite le 15.")


def test_emergency_reply_uses_the_practice_numbers() -> None:
    practice = dataclasses.replace(make_practice(), emergency=EmergencyNumbers(samu="15", european="112"))
    assert emergency_reply(practice, CHEST_PAIN) == emergency_reply(None, CHEST_PAIN)
    overseas = dataclasses.replace(make_practice(), emergency=EmergencyNumbers(samu="0262 15"))
    assert "le 0262 15" in emergency_reply(overseas, CHEST_PAIN)


def test_a_reply_that_already_gives_the_number_is_recognised() -> None:
    assert says_emergency_number([emergency_reply(None, CHEST_PAIN)], None, CHEST_PAIN)
    assert says_emergency_number([emergency_reply(None, SUICIDE)], None, SUICIDE)
    assert not says_emergency_number(["Je vous écoute."], None, CHEST_PAIN)
    # The 15 said for something else does not count for a suicide case, whose first number is the 3114.
    assert not says_emergency_number(["En cas d'urgence, appelez le 15."], None, SUICIDE)


def test_technical_failure_on_chat_gives_the_practice_number_and_the_15() -> None:
    reply = technical_failure_reply(practice_with_desk(), Channel.CHAT, at(2026, 11, 23, 10), recorded=True)
    assert "incident technique" in reply
    assert "03 20 00 00 00" in reply
    assert "transmis au secrétariat" in reply
    assert reply.endswith("appelez le 15.")


def test_technical_failure_never_promises_what_was_not_kept() -> None:
    reply = technical_failure_reply(practice_with_desk(), Channel.CHAT, at(2026, 11, 23, 10), recorded=False)
    assert "transmis" not in reply


def test_technical_failure_without_practice_still_says_what_to_do() -> None:
    reply = technical_failure_reply(None, Channel.SMS, None, recorded=True)
    assert "réessayer" in reply and "le 15" in reply


def test_technical_failure_on_the_phone_in_staffed_hours_leaves_the_transfer_to_the_channel() -> None:
    staffed = technical_failure_reply(practice_with_desk(), Channel.PHONE, at(2026, 11, 23, 10), recorded=True)
    night = technical_failure_reply(practice_with_desk(), Channel.PHONE, at(2026, 11, 23, 22), recorded=True)
    assert "rappeler" not in staffed and "transmis" not in staffed
    assert "rappeler un peu plus tard" in night and "transmis au secrétariat" in night


def test_too_long_reply_names_the_limit_and_asks_a_short_message() -> None:
    assert "2000 caractères" in too_long_reply(2000)
    assert too_long_reply(2000).endswith("?")


def test_clean_input_removes_what_no_patient_types() -> None:
    assert clean_input("Jean\x00 Dupont\x07") == "Jean Dupont"
    assert clean_input("rdv\r\ndemain\tmatin") == "rdv demain matin"
    assert clean_input("a\u202eb\u200bc\ufeff") == "abc"
    assert clean_input("\ud800bonjour") == "bonjour"
    assert clean_input("e\u0301te") == "éte"
    assert clean_input("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_input_leaves_only_printable_text(text: str) -> None:
    cleaned = clean_input(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert all(unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn") for ch in cleaned)
    assert clean_input(cleaned) == cleaned


def test_out_of_hours_chat_gets_the_on_call_number_not_the_closed_desk() -> None:
    """QA at 21:30: the apology gave the desk's number while the practice was closed."""
    reply = technical_failure_reply(practice_with_desk(), Channel.CHAT, at(2026, 11, 23, 21, 30), recorded=True)
    assert "03 20 99 99 99" in reply and "03 20 00 00 00" not in reply
    assert "fermé" in reply and reply.endswith("appelez le 15.")


def test_a_caller_whose_call_failed_at_night_is_told_the_call_back_only_when_it_is_asked() -> None:
    night = at(2026, 11, 23, 21, 30)
    promised = technical_failure_reply(practice_with_desk(), Channel.PHONE, night, recorded=True, callback=True)
    assert "vous rappellera au numéro de cet appel" in promised
    unknown = technical_failure_reply(practice_with_desk(), Channel.PHONE, night, recorded=True, callback=False)
    assert "rappellera" not in unknown and "transmis" in unknown


def test_a_practice_with_its_own_samu_number_still_puts_the_15_first_for_an_overdose() -> None:
    """Review: life-threatening was read from the practice's numbers, so a practice's own SAMU number made an
    overdose get the 3114 first."""
    overseas = dataclasses.replace(make_practice(), emergency=EmergencyNumbers(samu="0262 15"))
    assert emergency_reply(overseas, SUICIDE_NOW).startswith("Appelez tout de suite le 0262 15.")


def test_a_date_or_a_longer_number_is_not_the_emergency_number_said() -> None:
    assert not says_emergency_number(["Votre rendez-vous est le 15 mars à 9 h."], None, CHEST_PAIN)
    assert not says_emergency_number(["Il reste le 150 à composer."], None, CHEST_PAIN)
    assert says_emergency_number(["Appelez le 15, ou le 112."], None, CHEST_PAIN)


def test_on_a_line_with_no_transfer_number_a_failed_call_is_told_to_call_back() -> None:
    """Review: in staffed hours without a number to dial, the caller heard nothing about calling back."""
    no_transfer = dataclasses.replace(
        practice_with_desk(), secretariat=Secretariat(hours=(rule(MON_TO_FRI, "08:00-19:00"),), transfer_number="")
    )
    reply = technical_failure_reply(no_transfer, Channel.PHONE, at(2026, 11, 23, 10), recorded=True, callback=True)
    assert "rappeler un peu plus tard" in reply and "vous rappellera" in reply
