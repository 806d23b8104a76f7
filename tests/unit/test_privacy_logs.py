"""redact() and sensitive(): what a log line may never carry."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from assistant.adapters import privacy_logs
from assistant.adapters.privacy_logs import DATE, EMAIL, MASK, PHONE, cap, redact, redact_third_party, sensitive


@pytest.mark.parametrize(
    "phone",
    [
        "0601020304",
        "06 01 02 03 04",
        "06.01.02.03.04",
        "06-01-02-03-04",
        "+33 6 01 02 03 04",
        "+33 (0)6 01 02 03 04",
        "+33601020304",
        "0033 6 01 02 03 04",
        "+44 20 7946 0958",
        "01 23 45 67 89",
    ],
)
def test_phone_numbers_of_any_shape_are_redacted(phone):
    out = redact(f"rappeler le {phone} svp")
    assert out == f"rappeler le {PHONE} svp"


@pytest.mark.parametrize(
    "date",
    [
        "12/03/1985",
        "1985-03-12",
        "3.2.90",
        "12 mars 1985",
        "1er janvier 2000",
        "12 MARS 85",
        "3 février 1990",
        "3 fevrier 1990",
        "12 déc. 1985",
        "douze mars mille neuf cent quatre-vingt-cinq",
        "mars 1985",
        "12 mars",
    ],
)
def test_dates_numeric_and_in_french_words_are_redacted(date):
    out = redact(f"née le {date}.")
    assert out == f"née le {DATE}.", out


def test_email_addresses_are_redacted():
    assert redact("écrire à lea.martin+rdv@exemple.fr") == f"écrire à {EMAIL}"


def test_ordinary_log_text_is_kept():
    for text in (
        "action server on http://127.0.0.1:5055",
        "appointment 12 booked",
        "rendez-vous mardi à 10:30",
        "Duckling worker died (exit code 1), attempt 2",
    ):
        assert redact(text) == text


def test_sensitive_texts_are_redacted_only_inside_the_block():
    message = "Je m'appelle Léa Martin-Dupont"
    with sensitive(message, "Bérénice"):
        assert redact(message) == MASK
        assert redact("patient LEA MARTIN dupont") == f"patient {MASK} {MASK} {MASK}"
        assert redact("prenom berenice") == f"prenom {MASK}"  # accents and case do not matter
        assert redact("les vous appelle") == "les vous appelle"  # common words alone are not names
        assert redact("Martinez") == "Martinez"  # whole words only
    assert redact("Léa Martin") == "Léa Martin"


def test_sensitive_blocks_nest_and_follow_their_task():
    async def turn(name: str, seen: dict[str, str]) -> None:
        with sensitive(name):
            await asyncio.sleep(0.01)
            seen[name] = redact(f"hello {name}")

    async def both() -> dict[str, str]:
        seen: dict[str, str] = {}
        await asyncio.gather(turn("Zéphirine", seen), turn("Anatole", seen))
        return seen

    assert asyncio.run(both()) == {"Zéphirine": f"hello {MASK}", "Anatole": f"hello {MASK}"}
    with sensitive("Zéphirine"), sensitive("Anatole"):
        assert redact("Zéphirine Anatole") == f"{MASK} {MASK}"
    assert redact("Zéphirine Anatole") == "Zéphirine Anatole"


def test_lines_logged_from_another_thread_during_the_block_are_covered():
    # loop.run_in_executor does not carry context variables into its thread.
    results: list[str] = []
    with sensitive("Zéphirine"):
        thread = threading.Thread(target=lambda: results.append(redact("for Zéphirine")))
        thread.start()
        thread.join()
    assert results == [f"for {MASK}"]


def test_third_party_policy_keeps_the_first_line_and_masks_quotes_and_values():
    text = "Current slot values: \n\tlast_name: Martin\n\tfirst_name: Léa"
    assert redact_third_party(text) == "Current slot values: [+2 ligne(s) masquée(s)]"
    assert "Martin" not in redact_third_party("Received user message 'je suis Léa Martin' with intent 'inform'")
    assert "'inform'" in redact_third_party("Received user message 'je suis Léa Martin' with intent 'inform'")
    assert redact_third_party("SlotSet(key: last_name, value: Martin)") == f"SlotSet(key: last_name, value: {MASK})"


def test_lines_are_capped():
    assert len(cap("x" * 5000)) == privacy_logs.MAX_LINE
    assert cap("a\nb") == "a\nb"


def test_records_are_redacted_by_the_factory_whoever_logs_them(caplog):
    privacy_logs.install()
    try:
        assert privacy_logs.installed()
        with caplog.at_level(logging.DEBUG):
            with sensitive("Zéphirine"):
                logging.getLogger("sanic.error").error("for %s at %s", "Zéphirine", "06 01 02 03 04")
            try:
                raise KeyError("Zéphirine 1985-03-12")
            except KeyError:
                logging.getLogger("assistant.x").exception("failed %d", 3)
        assert caplog.records[0].getMessage() == f"for {MASK} at {PHONE}"
        record = caplog.records[1]
        assert record.getMessage() == "failed 3" and record.exc_info is None
        assert "KeyError" in record.exc_text and "Zéphirine" not in record.exc_text
        assert "1985" not in caplog.text and "Zéphirine" not in caplog.text
        privacy_logs.install()  # idempotent
        assert not isinstance(logging.getLogRecordFactory().wrapped, type(logging.getLogRecordFactory()))
    finally:
        privacy_logs.uninstall()
    assert not privacy_logs.installed()


def test_identifiers_and_apostrophes_survive_the_redaction() -> None:
    """QA: CallSids were mangled ("CAaf2db3ea25da4246af[tél]b84871") and Rasa's "Couldn't connect" cut."""
    from assistant.adapters.privacy_logs import redact, redact_third_party

    sid = "CAaf2db3ea25da4246af12345678b84871"
    assert redact(f"call {sid} answered") == f"call {sid} answered"
    line = "Couldn't connect to the server at 'http://127.0.0.1:5055/webhook'. Is it running?"
    assert redact_third_party(line) == line
    assert "06 12 34 56 78" not in redact("appel du 06 12 34 56 78 pour l'agenda")
    assert "Eulalie" not in redact_third_party("Received user message 'je suis Eulalie Martin' with intent")
