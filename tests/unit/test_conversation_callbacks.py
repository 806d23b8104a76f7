"""The callback number of a request for the secretariat: decided in the conversation layer, without Rasa."""

from __future__ import annotations

from assistant.conversation.escalation import callback_changed, callback_noted, callback_promise
from assistant.conversation.replies import reply
from assistant.language.fr.phone import NO_PHONE


def test_only_the_last_two_digits_are_said_back() -> None:
    assert callback_promise("06 12 34 56 89") == reply("callback_promise", digits="89")


def test_a_number_given_for_a_request_is_kept_with_it_and_said_back() -> None:
    noted = callback_noted(3, "0612345689", "03 20 00 00 00", live_transfer=False)
    assert noted.callback_number == "0612345689"
    assert noted.said == (reply("callback_noted", promise=callback_promise("0612345689")),)


def test_without_a_number_the_patient_is_told_how_to_reach_the_secretariat() -> None:
    for phone in (None, NO_PHONE):
        told = callback_noted(3, phone, "03 20 00 00 00", live_transfer=False)
        assert told.said == (reply("request_sent_call_us", phone="03 20 00 00 00"),) and told.callback_number is None


def test_nothing_is_said_during_a_live_transfer_or_without_a_request() -> None:
    assert callback_noted(3, "0612345689", "03", live_transfer=True) == callback_noted(None, "0612345689", "03", False)
    assert not callback_noted(None, "0612345689", "03", False).said


def test_another_number_replaces_the_first_then_anything_else() -> None:
    changed = callback_changed(3, "0320000000", words=6)
    assert changed.callback_number == "0320000000" and changed.changes == {"phone": "0320000000"}
    assert changed.said == (reply("callback_corrected", promise=callback_promise("0320000000")),)
    assert changed.follow == "utter_anything_else" and changed.handover is None


def test_words_for_the_secretariat_are_added_to_the_request_not_lost() -> None:
    details = callback_changed(3, None, words=8)
    assert details.handover is not None and not details.handover.announce
    assert details.handover.reason == "Précisions du patient" and details.handover.urgency == "routine"
    assert details.said == (reply("details_passed_on"),) and details.callback_number is None


def test_a_short_message_without_a_number_only_confirms_the_request() -> None:
    for escalation_id, phone, words in ((3, None, 2), (3, NO_PHONE, 2), (None, "0320000000", 6), (None, None, 9)):
        sent = callback_changed(escalation_id, phone, words)
        assert sent.said == (reply("request_sent"),) and sent.handover is None and sent.callback_number is None
        assert sent.follow == "utter_anything_else"
