"""Confirmation SMS: who gets one, what it says (assistant.language.fr.sms), when it is tried again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from assistant.core import sms
from assistant.core.model import Address, Appointment, Channel
from assistant.language.fr import sms as wording
from tests.builders import at, make_practice

TODAY = date(2026, 11, 23)
NOW = at(2026, 11, 23, 10, 0)


def practice_with(instructions: str = "", **changes):
    practice = make_practice()
    types = tuple(
        replace(t, instructions=instructions) if t.id == "consultation" else t for t in practice.appointment_types
    )
    return replace(practice, appointment_types=types, **changes)


def appointment(start=None, practitioner="dupont", type_id="consultation") -> Appointment:
    start = start or at(2026, 11, 26, 15, 30)
    return Appointment(7, practitioner, type_id, 3, start, start + timedelta(minutes=20))


# -- who gets an SMS ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.55.66.77.88", "+33755667788"),
        ("0612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033 7 55 66 77 88", "+33755667788"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        # Overseas mobiles: French national numbers, their own country codes.
        ("0692 12 34 56", "+262692123456"),
        ("06 39 12 34 56", "+262639123456"),
        ("0690 12 34 56", "+590690123456"),
        ("0696 12 34 56", "+596696123456"),
        ("+262 692 12 34 56", "+262692123456"),
        ("+33 6 92 12 34 56", "+262692123456"),
    ],
)
def test_french_mobiles_are_recognised_and_normalised_to_e164(phone, expected):
    assert sms.mobile_e164(phone) == expected
    assert sms.is_mobile(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "   ",
        None,
        "03 20 00 00 00",  # landline
        "01 23 45 67 89",
        "09 87 65 43 21",  # VoIP
        "08 00 00 00 00",  # free number
        "06 12 34 56 7",  # one digit short
        "06 12 34 56 78 9",
        "+32 470 12 34 56",  # Belgian mobile: foreign numbers get no SMS
        "+590 590 12 34 56",  # Guadeloupe landline
        "+262 690 12 34 56",  # a Guadeloupe prefix under the Réunion code
        "tel 06 12 34 56 78",
        "6 12 34 56 78",
    ],
)
def test_landlines_foreign_and_malformed_numbers_get_no_sms(phone):
    assert sms.mobile_e164(phone) is None
    assert not sms.is_mobile(phone)


@pytest.mark.parametrize(
    ("channel", "notify", "expected"),
    [
        (Channel.PHONE, None, True),
        (Channel.CHAT, None, True),
        (Channel.SMS, None, True),
        (Channel.SECRETARIAT, None, False),
        (Channel.CLI, None, False),
        (Channel.SECRETARIAT, True, True),
        (Channel.CLI, True, True),
        (Channel.PHONE, False, False),
    ],
)
def test_patients_own_changes_are_confirmed_the_secretariats_only_on_request(channel, notify, expected):
    assert sms.should_notify(channel, notify) is expected


def test_numbers_are_masked_but_the_last_two_digits():
    assert sms.mask_number("+33612345678") == "**********78"
    assert sms.mask_number("+262692123456") == "***********56"
    assert "1234" not in sms.mask_number("+33612345678")


# -- the text -----------------------------------------------------------------------------


def test_booking_confirmation_says_when_with_whom_where_and_how_to_cancel():
    text = wording.confirmation_text("booked", appointment(), practice_with("Venez à jeun."), TODAY)
    assert text == (
        "Cabinet de test : rendez-vous confirmé le jeudi 26 novembre à 15 h 30 avec le docteur Dupont. "
        "Adresse : 1 rue de la Paix, 59000 Lille. Venez à jeun. "
        "Pour annuler ou déplacer, appelez le 03 20 00 00 00."
    )
    assert sms.is_gsm7(text) and sms.segments(text) == 2


def test_move_confirmation_says_from_when_to_when():
    text = wording.confirmation_text(
        "moved", appointment(), practice_with(), TODAY, previous_start=at(2026, 11, 24, 12, 0)
    )
    assert text == (
        "Cabinet de test : votre rendez-vous du mardi 24 novembre à midi est déplacé au jeudi 26 novembre "
        "à 15 h 30 avec le docteur Dupont. Adresse : 1 rue de la Paix, 59000 Lille. "
        "Pour annuler ou déplacer, appelez le 03 20 00 00 00."
    )
    without_previous = wording.confirmation_text("moved", appointment(), practice_with(), TODAY)
    assert without_previous.startswith("Cabinet de test : votre rendez-vous est déplacé au jeudi 26 novembre à 15 h 30")


def test_cancellation_says_which_appointment_and_how_to_book_again():
    text = wording.confirmation_text("cancelled", appointment(), practice_with("Venez à jeun."), TODAY)
    assert text == (
        "Cabinet de test : nous avons annulé votre rendez-vous du jeudi 26 novembre à 15 h 30 avec le docteur Dupont. "
        "Pour reprendre rendez-vous, appelez le 03 20 00 00 00."
    )


def test_dates_in_words_first_of_month_noon_whole_hours_and_next_year():
    practice = practice_with()
    first = wording.confirmation_text("booked", appointment(at(2026, 12, 1, 9, 0)), practice, TODAY)
    assert "le mardi 1er décembre à 9 h avec" in first
    next_year = wording.confirmation_text("booked", appointment(at(2027, 1, 4, 12, 0)), practice, date(2026, 12, 20))
    assert "le lundi 4 janvier 2027 à midi avec" in next_year
    # Stored in UTC, said in the practice's time, across the DST change.
    utc = appointment(datetime(2026, 11, 26, 14, 30, tzinfo=timezone.utc))
    assert "jeudi 26 novembre à 15 h 30" in wording.confirmation_text("booked", utc, practice, TODAY)


def test_long_instructions_are_cut_to_their_first_sentence_or_left_out():
    long_tail = " Apportez aussi " + "vos comptes rendus, " * 8 + "et votre carte Vitale."
    cut = wording.confirmation_text("booked", appointment(), practice_with("Venez à jeun." + long_tail), TODAY)
    assert "Venez à jeun. Pour annuler" in cut and "comptes rendus" not in cut
    endless = wording.confirmation_text("booked", appointment(), practice_with("x" * 200), TODAY)
    assert "xxx" not in endless and endless.endswith("appelez le 03 20 00 00 00.")


def test_instructions_are_kept_before_the_address_when_both_do_not_fit():
    instructions = "Venez à jeun : ne mangez rien après le dîner de la veille ; vous pouvez boire de l'eau."
    practice = practice_with(instructions, name="Centre de prélèvements et de soins infirmiers du Vieux-Lille")
    text = wording.confirmation_text("moved", appointment(), practice, TODAY, previous_start=at(2026, 11, 24, 12, 0))
    assert "Venez à jeun : ne mangez rien après le diner de la veille" in text
    assert "Adresse" not in text
    assert len(text) <= sms.MAX_LENGTH


def test_every_text_stays_within_320_characters_and_keeps_the_way_to_cancel():
    practice = practice_with(
        "Venez à jeun. " + "Consigne. " * 30,
        name="Maison de santé pluriprofessionnelle universitaire " * 4,
        address=Address("123 boulevard " + "de la République " * 10, "59000", "Lille"),
    )
    for kind in sms.KINDS:
        text = wording.confirmation_text(kind, appointment(), practice, TODAY, previous_start=at(2026, 11, 24, 9, 0))
        assert len(text) <= sms.MAX_LENGTH
        assert text.endswith("appelez le 03 20 00 00 00.")


def test_no_number_to_call_means_no_promise():
    text = wording.confirmation_text("booked", appointment(), practice_with(phone=""), TODAY)
    assert "appelez" not in text and "annuler" not in text
    assert text.endswith("59000 Lille.")


def test_an_unknown_practitioner_or_motif_still_gives_a_text():
    text = wording.confirmation_text("booked", appointment(practitioner="gone", type_id="gone"), practice_with(), TODAY)
    assert text.startswith("Cabinet de test : rendez-vous confirmé le jeudi 26 novembre à 15 h 30. Adresse")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        wording.confirmation_text("postponed", appointment(), practice_with(), TODAY)


def test_texts_are_folded_to_the_gsm_alphabet_keeping_french_accents_it_has():
    assert sms.gsm7("Le dîner, la fête, l’hôpital, « çà », cœur…") == 'Le diner, la fete, l\'hopital, "cà", coeur...'
    assert sms.gsm7("é è à ù É") == "é è à ù É"
    assert sms.gsm7("À Noël") == "A Noel"
    assert sms.is_gsm7(sms.gsm7("Île-de-France, rendez-vous à 9 h"))
    assert sms.gsm7("漢") == "漢"  # nothing to fold to: kept (the SMS is then sent in Unicode)


def test_segments_follow_the_gsm_and_unicode_limits():
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2
    assert sms.segments("a" * 306) == 2
    assert sms.segments("a" * 307) == 3
    assert sms.segments("€" * 80) == 1  # two characters each in GSM-7
    assert sms.segments("€" * 81) == 2
    assert sms.segments("ê" * 70) == 1
    assert sms.segments("ê" * 71) == 2


# -- retries ----------------------------------------------------------------------------------


def test_retry_schedule_one_five_thirty_minutes_two_hours_then_give_up():
    assert sms.next_attempt(0, NOW) == NOW
    assert sms.next_attempt(1, NOW) == NOW + timedelta(minutes=1)
    assert sms.next_attempt(2, NOW) == NOW + timedelta(minutes=5)
    assert sms.next_attempt(3, NOW) == NOW + timedelta(minutes=30)
    assert sms.next_attempt(4, NOW) == NOW + timedelta(hours=2)
    assert sms.next_attempt(5, NOW) is None
    assert sms.MAX_ATTEMPTS == 5


def queued(phone: str = "06 12 34 56 78") -> sms.OutboxMessage:
    message = wording.new_confirmation(
        practice=practice_with(), appointment=appointment(), kind="booked", phone=phone, now=NOW
    )
    assert message is not None
    return message


def test_a_new_confirmation_is_pending_now_for_the_e164_number():
    message = queued()
    assert (message.status, message.attempts, message.to_number) == ("pending", 0, "+33612345678")
    assert message.next_attempt_at == NOW and message.next_attempt_at.tzinfo == timezone.utc
    assert message.appointment_id == 7 and message.practice_id == "test"
    assert message.body.startswith("Cabinet de test : rendez-vous confirmé")
    # Neither the number nor the text shows in a log line that prints the message.
    assert "+33612345678" not in repr(message) and "Cabinet" not in repr(message)
    assert (
        wording.new_confirmation(
            practice=practice_with(), appointment=appointment(), kind="booked", phone="03 20 00 00 00", now=NOW
        )
        is None
    )


def test_a_claimed_message_is_sending_under_a_lease_and_counts_the_attempt():
    claimed = sms.claim(queued(), NOW)
    assert claimed.status == "sending" and claimed.attempts == 1
    assert claimed.next_attempt_at == NOW + sms.SENDING_LEASE


def test_failures_follow_the_schedule_then_fail_and_permanent_errors_fail_at_once():
    message = queued()
    for attempt, delay in enumerate(sms.RETRY_DELAYS, start=1):
        message = sms.after_failure(sms.claim(message, NOW), "http_503", False, NOW)
        assert (message.status, message.attempts, message.last_error_code) == ("pending", attempt, "http_503")
        assert message.next_attempt_at == NOW + delay
    message = sms.after_failure(sms.claim(message, NOW), "http_503", False, NOW)
    assert (message.status, message.attempts) == ("failed", 5)

    invalid = sms.after_failure(sms.claim(queued(), NOW), "21211", True, NOW)
    assert (invalid.status, invalid.attempts, invalid.last_error_code) == ("failed", 1, "21211")


def test_sent_keeps_the_provider_id_and_clears_the_error():
    retried = sms.after_failure(sms.claim(queued(), NOW), "timeout", False, NOW)
    sent = sms.mark_sent(sms.claim(retried, NOW), "SM" + "a" * 32, NOW + timedelta(minutes=1))
    assert (sent.status, sent.provider_sid, sent.last_error_code) == ("sent", "SM" + "a" * 32, None)
    assert sent.sent_at == NOW + timedelta(minutes=1)


def test_only_failed_messages_can_be_queued_again():
    failed = sms.after_failure(sms.claim(queued(), NOW), "21211", True, NOW)
    again = sms.requeue(failed, NOW + timedelta(hours=3))
    assert (again.status, again.attempts, again.last_error_code) == ("pending", 0, None)
    with pytest.raises(sms.OutboxError) as caught:
        sms.requeue(queued(), NOW)
    assert caught.value.code == "sms_not_failed"
    assert caught.value.message == "Le SMS n°None n'est pas en échec (en attente) : rien à relancer."


@pytest.mark.parametrize(
    ("status", "code", "stored", "permanent"),
    [
        (400, 21211, "21211", True),  # invalid number
        (400, 21610, "21610", True),  # the patient replied STOP
        (400, 21614, "21614", True),  # not a mobile
        (400, 21606, "21606", False),  # our sender number is wrong: fixable, so retried
        (401, 20003, "20003", False),  # bad credentials: fixable, so retried
        (429, 20429, "20429", False),
        (503, 503, "http_503", False),  # no Twilio code in the answer
        (500, None, "http_500", False),
        (None, None, "network", False),
    ],
)
def test_error_codes_and_which_are_permanent(status, code, stored, permanent):
    assert sms.error_code(status, code) == stored
    assert sms.is_permanent(status, code) is permanent


def test_kinds_fit_the_audit_vocabulary():
    assert sms.KINDS == ("booked", "moved", "cancelled")
    assert set(sms.STATUS_LABELS) == set(sms.STATUSES)


# -- delivery reports ---------------------------------------------------------------------------

SID = "SM" + "b" * 32


def sent_message():
    return sms.mark_sent(sms.claim(queued(), NOW), SID, NOW)


@pytest.mark.parametrize(
    ("current", "reported", "applies"),
    [
        (None, "queued", True),
        (None, "sent", True),
        (None, "delivered", True),
        (None, "undelivered", True),
        ("queued", "sending", True),
        ("sending", "sent", True),
        ("sent", "delivered", True),
        ("sent", "undelivered", True),
        ("sent", "failed", True),
        ("delivered", "read", True),
        # Out of order: a late report never moves the message back.
        ("delivered", "sent", False),
        ("delivered", "queued", False),
        ("sent", "sending", False),
        ("sent", "sent", False),  # the same report twice
        ("read", "delivered", False),
        # A failure is final: nothing comes after it, not even a contradictory success.
        ("undelivered", "delivered", False),
        ("undelivered", "read", False),
        ("failed", "undelivered", False),
        ("delivered", "undelivered", False),
        # Words Twilio uses for other messages (incoming, scheduled and cancelled) or never: ignored.
        (None, "received", False),
        ("sent", "canceled", False),
        (None, "", False),
    ],
)
def test_delivery_reports_only_move_a_message_forward(current, reported, applies):
    assert sms.delivery_applies(current, reported) is applies


def test_a_delivery_report_is_recorded_with_its_time_and_a_failure_keeps_its_error_code():
    later = NOW + timedelta(seconds=20)
    delivered = sms.record_delivery(sent_message(), "delivered", None, later)
    assert delivered is not None
    assert (delivered.delivery_status, delivered.delivery_error_code) == ("delivered", None)
    assert delivered.delivery_updated_at == later and delivered.delivery_updated_at.tzinfo == timezone.utc
    assert (delivered.status, delivered.provider_sid) == ("sent", SID)  # the outbox status is not touched
    assert not sms.is_undelivered(delivered)

    undelivered = sms.record_delivery(sent_message(), " Undelivered ", "30003", later)
    assert undelivered is not None
    assert (undelivered.delivery_status, undelivered.delivery_error_code) == ("undelivered", "30003")
    assert sms.is_undelivered(undelivered)
    assert sms.record_delivery(undelivered, "delivered", None, later) is None
    assert sms.record_delivery(delivered, "sent", None, later) is None


def test_an_error_code_is_kept_only_with_a_failure_and_only_when_it_is_a_number():
    assert sms.record_delivery(sent_message(), "sent", "30003", NOW).delivery_error_code is None
    assert sms.record_delivery(sent_message(), "failed", "", NOW).delivery_error_code is None
    assert sms.record_delivery(sent_message(), "failed", "+33612345678 unknown", NOW).delivery_error_code is None
    assert sms.record_delivery(sent_message(), "failed", "30008", NOW).delivery_error_code == "30008"


def test_a_new_send_forgets_the_delivery_reports_of_an_earlier_one():
    undelivered = sms.record_delivery(sent_message(), "undelivered", "30003", NOW)
    again = sms.mark_sent(undelivered, "SM" + "c" * 32, NOW + timedelta(hours=1))
    assert (again.delivery_status, again.delivery_error_code, again.delivery_updated_at) == (None, None, None)
    assert again.provider_sid == "SM" + "c" * 32


def test_a_report_that_came_during_the_send_is_kept_when_the_send_ends():
    """Twilio reports as soon as it accepts: the report may be stored (with Twilio's id) before the worker's
    outcome, which must not wipe it."""
    in_flight = sms.claim(queued(), NOW)
    assert sms.awaits_provider_id(in_flight)
    early = sms.record_delivery(replace(in_flight, provider_sid=SID), "sent", None, NOW + timedelta(seconds=1))
    assert early is not None and not sms.awaits_provider_id(early)
    done = sms.mark_sent(early, SID, NOW + timedelta(seconds=2))
    assert (done.status, done.provider_sid, done.delivery_status) == ("sent", SID, "sent")
    assert done.delivery_updated_at == NOW + timedelta(seconds=1)
    # A report about another attempt (another id) does not survive this one.
    other = sms.mark_sent(early, "SM" + "d" * 32, NOW + timedelta(seconds=2))
    assert (other.provider_sid, other.delivery_status) == ("SM" + "d" * 32, None)


def test_only_a_message_being_sent_without_twilios_id_takes_a_report_by_its_outbox_id():
    assert not sms.awaits_provider_id(queued())  # pending: nothing was sent
    assert not sms.awaits_provider_id(sent_message())  # its id is known: reports name it
    assert not sms.awaits_provider_id(replace(sms.claim(queued(), NOW), provider_sid=SID))


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("30003", "téléphone éteint ou hors réseau"),
        ("30005", "numéro inconnu ou qui n'existe plus"),
        ("30006", "ligne fixe, ou opérateur injoignable"),
        ("30007", "filtré par l'opérateur comme spam"),
        ("21610", "le patient a répondu STOP"),
        (" 30003 ", "téléphone éteint ou hors réseau"),
        ("30099", None),
        ("http_503", None),
        (None, None),
    ],
)
def test_common_twilio_error_codes_are_explained_in_french(code, label):
    assert sms.error_label(code) == label


def test_every_delivery_status_has_a_place_and_a_label():
    assert set(sms.DELIVERY_STATUSES) <= set(sms.DELIVERY_ORDER)
    assert set(sms.DELIVERY_ORDER) == set(sms.DELIVERY_LABELS)
    assert set(sms.DELIVERY_FAILURES) < set(sms.DELIVERY_STATUSES)
    assert all(label and len(label) <= 60 for label in sms.ERROR_LABELS.values())


# -- a patient the SMS did not reach --------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_ahead", "urgency"),
    [(1, "urgent"), (48, "urgent"), (49, "routine")],
)
def test_an_unreached_patient_is_urgent_within_48_hours(hours_ahead, urgency):
    start = NOW + timedelta(hours=hours_ahead)
    failed = sms.give_up(queued(), sms.FAILED, "21211")
    unreached = wording.unreached_patient(failed, appointment(start), make_practice(), NOW)
    assert unreached is not None and unreached.urgency == urgency
    assert unreached.conversation_id == "sms-rdv-7"
    assert (unreached.channel, unreached.category) == (Channel.SMS, "unreached")
    assert (unreached.patient_id, unreached.callback_number) == (3, "+33612345678")  # the number not reached
    assert unreached.reason.startswith("SMS de confirmation non remis (numéro invalide) : rendez-vous du ")


def test_only_a_message_lost_for_good_about_a_coming_appointment_needs_a_call():
    coming, message = appointment(), queued()
    practice = make_practice()
    assert wording.unreached_patient(message, coming, practice, NOW) is None  # still pending
    assert wording.unreached_patient(sms.mark_sent(message, "SM1", NOW), coming, practice, NOW) is None
    expired = sms.give_up(message, sms.FAILED, "expired")
    assert wording.unreached_patient(expired, coming, practice, NOW) is None
    superseded = sms.give_up(message, sms.SUPERSEDED)
    assert wording.unreached_patient(superseded, coming, practice, NOW) is None
    undelivered = sms.record_delivery(sms.mark_sent(message, "SM1", NOW), "undelivered", "30005", NOW)
    assert undelivered is not None
    assert wording.unreached_patient(undelivered, None, practice, NOW) is None  # the appointment is gone
    assert wording.unreached_patient(undelivered, coming, practice, coming.start) is None  # it has started
    reason = wording.unreached_patient(undelivered, coming, practice, NOW).reason
    assert "(numéro inconnu ou qui n'existe plus)" in reason and "jeudi 26 novembre à 15 h 30" in reason
    assert "12 34" not in repr(wording.unreached_patient(undelivered, coming, practice, NOW))
