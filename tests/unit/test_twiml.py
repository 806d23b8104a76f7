"""What the phone line says and how Twilio is told: pure functions, checked on the TwiML XML itself."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from assistant.adapters.channels import twiml
from assistant.core.model import AppointmentType, Practitioner
from tests.builders import make_practice

SETTINGS = twiml.VoiceSettings(voice="Google.fr-FR-Neural2-A", timeout=7, part_pause=2)
ACTION = "https://voix.example.fr/webhooks/twilio_voice_fr/webhook?event=answer"
SILENCE = "https://voix.example.fr/webhooks/twilio_voice_fr/webhook?event=silence&count=1"


def parse(document: object) -> ET.Element:
    return ET.fromstring(str(document).encode("utf-8"))


# --- text for speech ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("C'est noté ✅ 😀", "C'est noté"),
        ("**Important** : venez *à jeun*.", "Important : venez à jeun."),
        ("Voir [le plan d'accès](https://example.fr/plan).", "Voir le plan d'accès."),
        ("Site : https://www.cabinet-lille.fr/acces?x=1", "Site : cabinet-lille.fr"),
        ("## Documents\n- carte Vitale\n- ordonnance", "Documents. carte Vitale. ordonnance"),
        ("> Fermé le 25 décembre", "Fermé le 25 décembre"),
        ("Code `ABC`", "Code ABC"),
        ("Le motif prise_de_sang reste tel quel", "Le motif prise_de_sang reste tel quel"),
        ("Paiement : carte & espèces", "Paiement : carte et espèces"),
        ("![logo](https://x/y.png)Bonjour", "Bonjour"),
    ],
)
def test_speakable_removes_what_a_voice_cannot_say(text: str, spoken: str) -> None:
    assert twiml.speakable(text) == spoken


def test_messages_are_joined_as_sentences() -> None:
    assert twiml.join_for_speech(["C'est noté", "", "Puis-je faire autre chose pour vous ?"]) == (
        "C'est noté. Puis-je faire autre chose pour vous ?"
    )


def test_a_part_lasts_at_most_25_seconds_at_15_characters_a_second() -> None:
    assert twiml.VoiceSettings().max_part_chars == 375
    assert twiml.estimated_seconds("a" * 375) == 25


def test_short_speech_is_one_part() -> None:
    assert twiml.split_for_speech("Bonjour. Que puis-je faire pour vous ?", 375) == [
        "Bonjour. Que puis-je faire pour vous ?"
    ]
    assert twiml.split_for_speech("   ", 375) == []


def test_long_speech_is_cut_between_sentences() -> None:
    sentences = [f"Phrase numéro {i} qui donne une information pratique sur le cabinet." for i in range(15)]
    text = " ".join(sentences)
    parts = twiml.split_for_speech(text, 375)
    assert len(parts) > 1
    assert all(len(part) <= 375 for part in parts)
    assert all(part.endswith(".") for part in parts)  # never in the middle of a sentence
    assert " ".join(parts) == text  # nothing is lost


def test_a_sentence_longer_than_a_part_is_cut_after_a_comma_then_between_words() -> None:
    sentence = (
        "Le cabinet se trouve au deuxième étage du bâtiment B, " + "après la pharmacie et la boulangerie " * 6 + "fin."
    )
    parts = twiml.split_for_speech(sentence, 120)
    assert parts[0] == "Le cabinet se trouve au deuxième étage du bâtiment B,"
    assert all(len(part) <= 120 for part in parts)
    assert all(not part.startswith(" ") and part for part in parts)
    assert " ".join(parts).split() == sentence.split()


# --- greeting and whisper -------------------------------------------------------------------------


def test_greeting_names_the_practice_discloses_the_machine_and_how_to_reach_a_person() -> None:
    text = twiml.greeting("Cabinet des Tilleuls")
    assert text.startswith("Cabinet des Tilleuls, bonjour.")
    assert "assistant automatique" in text
    assert "dites secrétariat" in text
    assert text.endswith("Que puis-je faire pour vous ?")
    assert twiml.estimated_seconds(text) < 25


def test_greeting_without_disclosure_still_says_how_to_reach_a_person() -> None:
    text = twiml.greeting("Cabinet des Tilleuls", disclosure=False)
    assert "automatique" not in text
    assert "secrétariat" in text
    assert twiml.greeting("").startswith("Bonjour.")


def test_in_the_evening_with_nobody_at_the_desk_the_greeting_says_so() -> None:
    text = twiml.greeting("Cabinet des Tilleuls", local_hour=21, staffed=False)
    assert text.startswith("Cabinet des Tilleuls, bonsoir.")
    assert "Le secrétariat est fermé" in text and "dites secrétariat" in text
    assert "à tout moment" not in text
    assert twiml.estimated_seconds(text) < 25


def test_whisper_text_flags_urgency_and_cleans_the_summary() -> None:
    text = twiml.whisper_text("Demande de résultats **d'analyse** 🧪", "urgent")
    assert text == (
        "Appel transféré par l'assistant automatique du cabinet. Demande urgente. Demande de résultats d'analyse."
    )
    assert "urgence signalée" in twiml.whisper_text("Douleur thoracique", "immediate")
    assert twiml.whisper_text("", "routine").endswith(twiml.line("whisper_no_summary"))


# --- caller, keypad, answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+33612345678", "+33612345678"),
        ("+266696687", ""),  # withheld: Twilio's stand-in for "anonymous"
        ("+7378742833", ""),
        ("anonymous", ""),
        ("", ""),
        (None, ""),
        ("client:accueil", ""),
    ],
)
def test_caller_number(raw: str | None, expected: str) -> None:
    assert twiml.caller_number(raw) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("03 20 12 34 56", "+33320123456"),
        ("03.20.12.34.56", "+33320123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("15", None),
        ("", None),
        ("+0612", None),
    ],
)
def test_to_e164(number: str, expected: str | None) -> None:
    assert twiml.to_e164(number) == expected


def test_keypad_digits_are_kept_as_text() -> None:
    assert twiml.digits_as_text("12031985") == "12031985"
    assert twiml.digits_as_text("0612345678#") == "0612345678"
    assert twiml.digits_as_text("*") == ""
    assert twiml.digits_as_text(None) == ""


@pytest.mark.parametrize(
    ("speech", "digits", "answer"),
    [
        (None, "1", True),
        (None, "2", False),
        (None, "7", None),
        ("Oui, s'il vous plaît.", None, True),
        ("d'accord", None, True),
        ("pas de problème", None, True),
        ("Non merci.", None, False),
        ("ce n'est pas la peine", None, False),
        ("je ne veux pas", None, False),
        ("euh pardon ?", None, None),
        ("", "", None),
    ],
)
def test_callback_answer(speech: str | None, digits: str | None, answer: bool | None) -> None:
    assert twiml.callback_answer(speech, digits) is answer


def test_speech_hints_come_from_practitioners_and_motifs() -> None:
    practice = make_practice(
        practitioners=(
            Practitioner("lefebvre", "Claire Lefebvre", "Dr", "médecine générale"),
            Practitioner("mercier", "Marc Mercier", "M.", "kinésithérapie", phone_label="le kiné, M. Mercier"),
        ),
        appointment_types=(
            AppointmentType("vaccin", "Vaccination", 15, ("lefebvre",), synonyms=("vaccin", "rappel, DTP")),
            AppointmentType("vaccin-bis", "vaccination", 15, ("lefebvre",)),
        ),
    )
    hints = twiml.speech_hints(practice)
    assert {"Claire Lefebvre", "Lefebvre", "docteur Lefebvre", "Mercier", "Vaccination", "vaccin"} <= set(hints)
    assert "le kiné M. Mercier" in hints  # commas separate hints, so none inside a hint
    assert "rappel DTP" in hints
    assert all("," not in hint for hint in hints)
    assert len({hint.casefold() for hint in hints}) == len(hints)
    assert "secrétariat" in hints
    assert twiml.speech_hints(None) == twiml.BASE_HINTS


def test_speech_hints_are_capped() -> None:
    many = tuple(Practitioner(f"p{i}", f"Prénom Nom{i}", "Dr", "x") for i in range(200))
    assert len(twiml.speech_hints(make_practice(practitioners=many))) == twiml.MAX_HINTS


# --- TwiML documents ------------------------------------------------------------------------------


def test_a_turn_gathers_speech_and_keys_in_french_then_redirects_on_silence() -> None:
    root = parse(twiml.conversation_turn(["Bonjour. Que puis-je faire ?"], SETTINGS, ("Dupont",), ACTION, SILENCE))
    gather, redirect = list(root)
    assert gather.tag == "Gather"
    assert gather.attrib["input"] == "speech dtmf"
    assert gather.attrib["language"] == "fr-FR"
    assert gather.attrib["action"] == ACTION
    assert gather.attrib["method"] == "POST"
    assert gather.attrib["bargeIn"] == "true"
    assert gather.attrib["finishOnKey"] == "#"
    assert gather.attrib["timeout"] == "7"
    assert gather.attrib["speechTimeout"] == "2"
    assert gather.attrib["hints"] == "Dupont"
    assert "speechModel" not in gather.attrib  # Twilio picks its recogniser for French
    say = gather.find("Say")
    assert say is not None
    assert say.attrib["voice"] == "Google.fr-FR-Neural2-A"
    assert say.text == "Bonjour. Que puis-je faire ?"
    assert redirect.tag == "Redirect"
    assert redirect.text == SILENCE


def test_each_part_of_a_long_reply_has_its_own_gather_with_a_short_pause() -> None:
    root = parse(twiml.conversation_turn(["Première partie.", "Deuxième ?"], SETTINGS, (), ACTION, SILENCE))
    gathers = root.findall("Gather")
    assert [g.attrib["timeout"] for g in gathers] == ["2", "7"]
    assert [g.find("Say").text for g in gathers] == ["Première partie.", "Deuxième ?"]  # type: ignore[union-attr]
    assert "hints" not in gathers[0].attrib
    assert list(root)[-1].tag == "Redirect"


def test_an_empty_reply_still_listens() -> None:
    root = parse(twiml.conversation_turn([], SETTINGS, (), ACTION, SILENCE))
    assert root.find("Gather/Say").text == twiml.line("listening")  # type: ignore[union-attr]


def test_speech_model_is_sent_when_configured() -> None:
    settings = twiml.VoiceSettings(speech_model="googlev2_telephony")
    root = parse(twiml.conversation_turn(["Oui ?"], settings, (), ACTION, SILENCE))
    assert root.find("Gather").attrib["speechModel"] == "googlev2_telephony"  # type: ignore[union-attr]


def test_goodbye_ends_with_hangup() -> None:
    root = parse(twiml.goodbye("Au revoir.", SETTINGS))
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert [child.tag for child in parse(twiml.goodbye("", SETTINGS))] == ["Hangup"]


def test_transfer_rings_the_secretariat_which_hears_the_whisper_first() -> None:
    root = parse(
        twiml.transfer(
            "Je vous mets en relation.",
            SETTINGS,
            "+33320999999",
            "https://voix.example.fr/w/dial_status?escalation_id=4",
            "https://voix.example.fr/w/whisper?escalation_id=4",
            20,
        )
    )
    say, dial = list(root)
    assert say.text == "Je vous mets en relation."
    assert dial.tag == "Dial"
    assert dial.attrib["action"] == "https://voix.example.fr/w/dial_status?escalation_id=4"
    assert dial.attrib["timeout"] == "20"
    number = dial.find("Number")
    assert number is not None
    assert number.text == "+33320999999"
    assert number.attrib["url"] == "https://voix.example.fr/w/whisper?escalation_id=4"


def test_transfer_without_text_announces_itself() -> None:
    root = parse(twiml.transfer("", SETTINGS, "+33320999999", "https://x/d", None, 20))
    assert root.find("Say").text == twiml.line("transfer")  # type: ignore[union-attr]
    assert "url" not in root.find("Dial/Number").attrib  # type: ignore[union-attr]


def test_whisper_only_speaks_so_that_the_calls_get_connected() -> None:
    root = parse(twiml.whisper("Appel transféré.", SETTINGS))
    assert [child.tag for child in root] == ["Say"]


def test_yes_no_question_takes_one_key_then_says_goodbye_and_hangs_up() -> None:
    root = parse(twiml.yes_no_question("Tapez 1 ou 2.", SETTINGS, "https://x/callback", "Au revoir."))
    gather, say, hangup = list(root)
    assert gather.attrib["numDigits"] == "1"
    assert gather.attrib["input"] == "speech dtmf"
    assert gather.attrib["language"] == "fr-FR"
    assert gather.attrib["action"] == "https://x/callback"
    assert say.text == "Au revoir."
    assert hangup.tag == "Hangup"


def test_a_practice_rewords_its_phone_greeting_from_its_file() -> None:
    """Issue 17: a practice overrides any phrase of the catalogue (``wording:``), the line's greeting included."""
    import dataclasses

    from assistant.core.model import Phrase
    from tests.builders import make_practice

    practice = dataclasses.replace(
        make_practice(), phrases=(Phrase("line.opening_question", "En quoi puis-je vous aider ?"),)
    )
    text = twiml.greeting("Cabinet des Tilleuls", practice=practice)
    assert text.endswith("En quoi puis-je vous aider ?")
    assert twiml.greeting("Cabinet des Tilleuls").endswith("Que puis-je faire pour vous ?")
