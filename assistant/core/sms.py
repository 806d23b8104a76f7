"""Confirmation SMS as plain data and pure rules: who gets one, what it says, when to try again.

After a booking, a move or a cancellation made by a patient (phone, chat, SMS),
the agenda service stores a confirmation in the outbox, in the same transaction
as the change; a worker sends it later (:mod:`assistant.adapters.sms`). Here:

- :func:`mobile_e164` / :func:`is_mobile`: only French mobiles get an SMS
  (06, 07, and the overseas 0639, 069x ranges with their own country codes);
- :func:`confirmation_text`: short, correct French, GSM-7 where it can be
  (an accent outside the GSM alphabet would make the SMS Unicode and cut each
  part from 153 to 67 characters), at most :data:`MAX_LENGTH` characters;
- :func:`next_attempt`: the retry schedule (1 min, 5 min, 30 min, 2 h, then give up);
- :class:`OutboxMessage` and its transitions (claim, sent, failure);
- :func:`record_delivery`: Twilio's delivery reports (status callbacks), which
  only ever move a message forward (a late "sent" never undoes "delivered"),
  and :func:`error_label`, what a Twilio error code means, in a few French words.

The body and the number stay out of ``repr`` and of every log and audit event.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

from assistant.clock import get_timezone
from assistant.core.booking import PATIENT_CHANNELS
from assistant.core.errors import AgendaError
from assistant.core.model import Appointment, Channel, Practice
from assistant.dialogue.speech import practitioner_phrase, say_date, say_time

# -- vocabulary -------------------------------------------------------------------

BOOKED = "booked"
MOVED = "moved"
CANCELLED = "cancelled"
KINDS = (BOOKED, MOVED, CANCELLED)

PENDING = "pending"  # waiting for its (next) attempt at ``next_attempt_at``
SENDING = "sending"  # claimed by a worker until ``next_attempt_at`` (the lease)
SENT = "sent"  # accepted by the provider
FAILED = "failed"  # given up: permanent error, too many attempts, or the appointment is past
SUPERSEDED = "superseded"  # a newer message about the same appointment replaces it (never sent)
STATUSES = (PENDING, SENDING, SENT, FAILED, SUPERSEDED)
STATUS_LABELS = {
    PENDING: "en attente",
    SENDING: "en cours d'envoi",
    SENT: "envoyé",
    FAILED: "en échec",
    SUPERSEDED: "remplacé",
}
KIND_LABELS = {BOOKED: "confirmation", MOVED: "déplacement", CANCELLED: "annulation"}

# Delivery, as Twilio reports it once it has accepted a message (``sent`` above): its status callbacks.
# These are Twilio's words, stored as received; they say nothing about the outbox status.
DELIVERY_QUEUED = "queued"
DELIVERY_SENDING = "sending"
DELIVERY_SENT = "sent"  # handed to the mobile operator
DELIVERY_DELIVERED = "delivered"  # the operator says it reached the phone
DELIVERY_UNDELIVERED = "undelivered"  # the operator says it did not (phone off, unknown number, filtered…)
DELIVERY_FAILED = "failed"  # Twilio could not send it at all
DELIVERY_READ = "read"  # WhatsApp and RCS only
DELIVERY_STATUSES = (
    DELIVERY_QUEUED,
    DELIVERY_SENDING,
    DELIVERY_SENT,
    DELIVERY_DELIVERED,
    DELIVERY_UNDELIVERED,
    DELIVERY_FAILED,
    DELIVERY_READ,
)
# Where each report stands in a message's life: a report applies only if it is further along than the last
# one stored (callbacks may arrive out of order). Accepted and scheduled come before queued.
DELIVERY_ORDER = {
    "accepted": 0,
    "scheduled": 0,
    DELIVERY_QUEUED: 0,
    DELIVERY_SENDING: 1,
    DELIVERY_SENT: 2,
    DELIVERY_DELIVERED: 3,
    DELIVERY_UNDELIVERED: 3,
    DELIVERY_FAILED: 3,
    DELIVERY_READ: 4,
}
DELIVERY_FAILURES = (DELIVERY_UNDELIVERED, DELIVERY_FAILED)  # final: nothing comes after them
DELIVERY_LABELS = {
    "accepted": "accepté par Twilio",
    "scheduled": "programmé chez Twilio",
    DELIVERY_QUEUED: "en file chez Twilio",
    DELIVERY_SENDING: "en cours d'acheminement",
    DELIVERY_SENT: "transmis à l'opérateur",
    DELIVERY_DELIVERED: "remis",
    DELIVERY_UNDELIVERED: "non remis",
    DELIVERY_FAILED: "échec chez Twilio",
    DELIVERY_READ: "lu",
}

# What a Twilio error code means, for the secretary: delivery failures (30xxx, in status callbacks) and the
# sending errors that fail a message at once (21xxx). Other codes are shown as numbers.
ERROR_LABELS = {
    "21211": "numéro invalide",
    "21610": "le patient a répondu STOP",
    "21612": "numéro injoignable par SMS",
    "21614": "pas un numéro de mobile",
    "30001": "file d'attente saturée chez Twilio",
    "30002": "compte Twilio suspendu",
    "30003": "téléphone éteint ou hors réseau",
    "30004": "SMS bloqué par le destinataire",
    "30005": "numéro inconnu ou qui n'existe plus",
    "30006": "ligne fixe, ou opérateur injoignable",
    "30007": "filtré par l'opérateur comme spam",
    "30008": "erreur inconnue de l'opérateur",
}

MAX_LENGTH = 320  # three GSM-7 parts at most (153 characters each once concatenated)
MAX_INSTRUCTIONS = 160  # longer motif instructions are cut to their first sentence (or left out)
MAX_NAME = 60  # practice name and practitioner phrase, so that the essentials always fit

# Tries: the first at once, then after each failure these delays; after the last one, give up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
SENDING_LEASE = timedelta(minutes=10)  # a worker that died mid-send frees its message after this

# Twilio error codes that no retry can fix: the recipient, not the service, is the problem.
PERMANENT_TWILIO_CODES = frozenset(
    {
        21211,  # invalid 'To' phone number
        21214,  # 'To' phone number cannot be reached
        21217,  # phone number does not appear to be valid
        21610,  # the recipient replied STOP (unsubscribed)
        21612,  # 'To' number not reachable by SMS
        21614,  # 'To' number is not a mobile number
        21617,  # body too long
    }
)

# -- errors -----------------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    "sms_not_found": "SMS introuvable : n°{sms_id}.",
    "sms_not_failed": "Le SMS n°{sms_id} n'est pas en échec ({status}) : rien à relancer.",
}


class OutboxError(AgendaError):
    """A refused outbox operation: a stable code and one French sentence."""

    messages = MESSAGES


class SmsSendError(Exception):
    """A send that did not go through. ``code``: a Twilio error code, ``http_503``, ``timeout``…

    Never the provider's message: it quotes the phone number.
    """

    def __init__(self, code: str, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code[:20]
        self.permanent = permanent


def error_code(status: int | None, code: int | None) -> str:
    """What is stored about a failed send: the Twilio code, else the HTTP status."""
    if code is not None and code != status:
        return str(code)
    if status is not None:
        return f"http_{status}"
    return "network"


def is_permanent(status: int | None, code: int | None) -> bool:
    """Only errors about the recipient are permanent; outages, rate limits and set-up errors are retried."""
    return code is not None and code in PERMANENT_TWILIO_CODES


# -- who gets an SMS ----------------------------------------------------------------------

# Overseas departments use French national numbers (06 9x…) but their own country codes.
OVERSEAS_MOBILES = {
    "0639": "+262",  # Mayotte
    "0690": "+590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "+590",
    "0692": "+262",  # La Réunion
    "0693": "+262",
    "0694": "+594",  # Guyane
    "0696": "+596",  # Martinique
    "0697": "+596",
}
OVERSEAS_CODES = frozenset(code.lstrip("+") for code in OVERSEAS_MOBILES.values())


def mobile_e164(phone: str | None) -> str | None:
    """A French mobile number in E.164 (``+33612345678``), or None when it is not one.

    Accepts "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678",
    "+33 (0)6 12 34 56 78"; overseas mobiles get their own code ("0692…" → "+262692…").
    """
    if not phone or not phone.strip():
        return None
    text = phone.strip()
    if re.search(r"[^\d\s.\-()/+]", text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        international = digits[2:] if digits.startswith("00") else digits
        if international[:3] in OVERSEAS_CODES:
            national = "0" + international[3:]
            if len(national) == 10 and OVERSEAS_MOBILES.get(national[:4]) == "+" + international[:3]:
                return "+" + international
            return None
        if not international.startswith("33"):
            return None  # foreign numbers: no confirmation SMS (cost, and the text is French-only)
        rest = international[2:]
        national = rest if rest.startswith("0") else "0" + rest  # "+33 (0)6…"
    else:
        national = digits
    if len(national) != 10 or national[:2] not in ("06", "07"):
        return None
    return OVERSEAS_MOBILES.get(national[:4], "+33") + national[1:]


def is_mobile(phone: str | None) -> bool:
    return mobile_e164(phone) is not None


def should_notify(channel: Channel, notify: bool | None = None) -> bool:
    """Patients' own changes (phone, chat, SMS) are confirmed; the secretariat's only when asked."""
    if notify is not None:
        return notify
    return channel in PATIENT_CHANNELS


def mask_number(number: str) -> str:
    """Every digit hidden but the last two: "+33612345678" → "**********78"."""
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 2:
        return "*" * len(number)
    return "*" * (len(number.strip()) - 2) + digits[-2:]


# -- the text ---------------------------------------------------------------------------------

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")  # two characters each
_FOLD = {
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
    "\u00a0": " ",
    "\u202f": " ",
}


def gsm7(text: str) -> str:
    """The nearest text in the GSM alphabet: é, è, à, ù stay; â, ê, î, ô, û, ç lose their mark.

    What cannot be folded (a letter with no GSM base) is kept: the SMS is then sent
    in Unicode, which is longer but still right.
    """
    text = re.sub(r"\s*»", "»", re.sub(r"«\s*", "«", text))  # « guillemets » → "quotes"
    out = []
    for character in text:
        if character in GSM7_BASIC or character in GSM7_EXTENDED:
            out.append(character)
            continue
        if character in _FOLD:
            out.append(_FOLD[character])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        out.append(base if base and all(c in GSM7_BASIC for c in base) else character)
    return "".join(out)


def is_gsm7(text: str) -> bool:
    return all(character in GSM7_BASIC or character in GSM7_EXTENDED for character in text)


def segments(text: str) -> int:
    """How many SMS parts ``text`` takes (GSM-7: 160, then 153 per part; Unicode: 70, then 67)."""
    if is_gsm7(text):
        length = len(text) + sum(1 for character in text if character in GSM7_EXTENDED)
        return 1 if length <= 160 else math.ceil(length / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def confirmation_text(
    kind: str,
    appointment: Appointment,
    practice: Practice,
    today: date,
    *,
    previous_start: datetime | None = None,
) -> str:
    """The SMS for a booking, a move (``previous_start``: where it was) or a cancellation.

    "Maison de santé des Tisserands : rendez-vous confirmé le jeudi 26 novembre à
    15 h 30 avec le docteur Lefebvre. Adresse : 23 rue des Tisserands, 59000 Lille.
    Pour annuler ou déplacer, appelez le 03 53 01 20 00."

    Only what works is promised: the practice's number, which reaches the secretariat
    or the assistant. Optional parts (address, the motif's instructions) are left out,
    or the instructions cut to their first sentence, when the whole would pass
    :data:`MAX_LENGTH`. No patient name: the phone may be shared.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown confirmation kind {kind!r}")
    name = _clip(_one_line(practice.name), MAX_NAME)
    when = _when(appointment.start, practice, today)
    who = _clip(_one_line(practitioner_phrase(practice, appointment.practitioner_id)), MAX_NAME)
    with_who = f" avec {who}" if who else ""
    number = _display_number(practice.phone)
    if kind == BOOKED:
        head = f"{name} : rendez-vous confirmé le {when}{with_who}."
    elif kind == MOVED:
        before = f" du {_when(previous_start, practice, today)}" if previous_start else ""
        head = f"{name} : votre rendez-vous{before} est déplacé au {when}{with_who}."
    else:
        # The practitioner phrase may be an apposition ("Sophie Lambert, l'infirmière"): it ends the sentence.
        head = f"{name} : nous avons annulé votre rendez-vous du {when}{with_who}."
    if kind == CANCELLED:
        tail = f"Pour reprendre rendez-vous, appelez le {number}." if number else ""
        return _fit(head, [], [], tail)
    tail = f"Pour annuler ou déplacer, appelez le {number}." if number else ""
    try:
        instructions = practice.appointment_type(appointment.appointment_type_id).instructions
    except KeyError:
        instructions = ""
    address = [f"Adresse : {_one_line(practice.address.one_line())}."]
    # Read in this order; kept in the other: "à jeun" matters more than an address the patient may know.
    return _fit(head, address, _instruction_choices(instructions), tail)


def _fit(head: str, address: list[str], instructions: list[str], tail: str) -> str:
    """Head and tail always; then the richest middle that fits, instructions first ("à jeun" above all).

    Tried in order: address with the instructions (whole, then their first sentence), the instructions
    alone, the address alone, nothing.
    """
    head, tail = gsm7(head), gsm7(tail)
    places = [gsm7(choice) for choice in address]
    notes = [gsm7(choice) for choice in instructions]
    middles = [(place, note) for note in notes for place in places] + [("", note) for note in notes]
    middles += [(place, "") for place in places] + [("", "")]
    for place, note in middles:
        text = " ".join(part for part in (head, place, note, tail) if part)
        if len(text) <= MAX_LENGTH:
            return text
    return text[: MAX_LENGTH - 3].rstrip() + "..."


def _instruction_choices(instructions: str) -> list[str]:
    text = _one_line(instructions)
    if not text:
        return []
    text = _sentence(text)
    choices = [text] if len(text) <= MAX_INSTRUCTIONS else []
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    if first != text and len(first) <= MAX_INSTRUCTIONS:
        choices.append(_sentence(first))
    return choices


def _when(start: datetime, practice: Practice, today: date) -> str:
    local = start.astimezone(get_timezone(practice.timezone))
    return f"{say_date(local.date(), with_year=local.year != today.year)} à {say_time(local.time())}"


def _display_number(phone: str) -> str:
    """A French number as "03 53 01 20 00"; anything else as written."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return _clip(_one_line(phone or ""), 30)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text.rstrip(" ;:,") + "."


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- the message and its life ------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxMessage:
    id: int | None
    practice_id: str
    appointment_id: int | None
    kind: str
    to_number: str = field(repr=False)  # E.164; shown masked (:func:`mask_number`), never logged
    body: str = field(repr=False)
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error_code: str | None = None
    provider_sid: str | None = None
    sent_at: datetime | None = None
    delivery_status: str | None = None  # Twilio's last delivery report that applied (DELIVERY_STATUSES)
    delivery_error_code: str | None = None  # its error code (30003…), only with a failed delivery
    delivery_updated_at: datetime | None = None


def new_confirmation(
    *,
    practice: Practice,
    appointment: Appointment,
    kind: str,
    phone: str,
    now: datetime,
    previous_start: datetime | None = None,
) -> OutboxMessage | None:
    """The confirmation to queue, or None when the number is not a French mobile."""
    number = mobile_e164(phone)
    if number is None:
        return None
    utc_now = _utc(now)
    return OutboxMessage(
        id=None,
        practice_id=practice.id,
        appointment_id=appointment.id,
        kind=kind,
        to_number=number,
        body=confirmation_text(kind, appointment, practice, now.date(), previous_start=previous_start),
        status=PENDING,
        attempts=0,
        next_attempt_at=utc_now,
        created_at=utc_now,
    )


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None: give up."""
    if attempts <= 0:
        return now
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def claim(message: OutboxMessage, now: datetime, lease: timedelta = SENDING_LEASE) -> OutboxMessage:
    """A worker takes the message for one attempt; if it dies, the lease expires and another retries."""
    return replace(message, status=SENDING, attempts=message.attempts + 1, next_attempt_at=_utc(now) + lease)


def mark_sent(message: OutboxMessage, provider_sid: str, now: datetime) -> OutboxMessage:
    """Accepted by the provider.

    Delivery reports about an earlier attempt no longer apply; a report about this very attempt that
    arrived before the worker stored the provider's id (:func:`awaits_provider_id`) already carries that
    id on ``message``, and is kept.
    """
    sid = provider_sid[:64] or None
    sent = replace(message, status=SENT, provider_sid=sid, sent_at=_utc(now), last_error_code=None)
    if sid is not None and message.provider_sid == sid:
        return sent
    return replace(sent, delivery_status=None, delivery_error_code=None, delivery_updated_at=None)


def after_failure(message: OutboxMessage, code: str, permanent: bool, now: datetime) -> OutboxMessage:
    """Back to pending at the next time of the schedule, or failed (permanent error, or no try left)."""
    when = None if permanent else next_attempt(message.attempts, _utc(now))
    if when is None:
        return replace(message, status=FAILED, last_error_code=code[:20])
    return replace(message, status=PENDING, next_attempt_at=when, last_error_code=code[:20])


def give_up(message: OutboxMessage, status: str, code: str | None = None) -> OutboxMessage:
    """Never sent: replaced by a newer message (``superseded``) or pointless (``failed``, e.g. ``expired``)."""
    return replace(message, status=status, last_error_code=code[:20] if code else message.last_error_code)


def requeue(message: OutboxMessage, now: datetime) -> OutboxMessage:
    """A failed message, tried again from scratch (after an outage longer than the schedule)."""
    if message.status != FAILED:
        raise OutboxError("sms_not_failed", sms_id=message.id, status=STATUS_LABELS.get(message.status))
    return replace(message, status=PENDING, attempts=0, next_attempt_at=_utc(now), last_error_code=None)


# -- delivery reports ---------------------------------------------------------------------------


def delivery_applies(current: str | None, reported: str) -> bool:
    """Whether a delivery report moves the message forward.

    Unknown reports never apply; a failure (``undelivered``, ``failed``) is final; otherwise the report must be
    further along than the current one: ``sent`` after ``delivered`` is a late callback, ignored.
    """
    if reported not in DELIVERY_ORDER:
        return False
    if current is None:
        return True
    if current in DELIVERY_FAILURES:
        return False
    return DELIVERY_ORDER[reported] > DELIVERY_ORDER.get(current, -1)


def record_delivery(message: OutboxMessage, reported: str, error: str | None, now: datetime) -> OutboxMessage | None:
    """The message with Twilio's delivery report, or None when the report does not apply (see above).

    ``error`` (Twilio's ``ErrorCode``) is kept only with a failure, and only if it is a number.
    """
    status = (reported or "").strip().lower()
    if not delivery_applies(message.delivery_status, status):
        return None
    code = (error or "").strip()
    kept = code[:20] if status in DELIVERY_FAILURES and code.isdigit() else None
    return replace(message, delivery_status=status, delivery_error_code=kept, delivery_updated_at=_utc(now))


def awaits_provider_id(message: OutboxMessage) -> bool:
    """Being sent, the provider's id not stored yet: a delivery report naming this message by its outbox id
    (not by the provider's id) belongs to the attempt in flight, and brings that id with it."""
    return message.status == SENDING and message.provider_sid is None


def is_undelivered(message: OutboxMessage) -> bool:
    """Twilio or the operator said the SMS did not reach the phone."""
    return message.delivery_status in DELIVERY_FAILURES


# -- a patient the SMS did not reach: a task for the secretariat ----------------------------------

EXPIRED = "expired"  # the error code of a message given up because its appointment has started
UNREACHED_URGENT_WITHIN = timedelta(hours=48)  # an appointment this close: call the patient today
UNREACHED_HEADS = {
    BOOKED: "SMS de confirmation non remis",
    MOVED: "SMS de déplacement non remis",
    CANCELLED: "SMS d'annulation non remis",
}
UNREACHED_WHAT = {
    BOOKED: "rendez-vous du {when} avec {who}",
    MOVED: "rendez-vous déplacé au {when} avec {who}",
    CANCELLED: "rendez-vous du {when} avec {who}, annulé",
}


@dataclass(frozen=True)
class UnreachedPatient:
    """What the secretariat must do when a confirmation did not reach the patient: call them."""

    conversation_id: str  # one per appointment: a second failure about it updates the same request
    reason: str = field(repr=False)
    urgency: str  # "urgent" (the appointment is within 48 h) or "routine"


def unreached_patient(
    message: OutboxMessage, appointment: Appointment | None, practice: Practice, now: datetime
) -> UnreachedPatient | None:
    """The request to open when ``message`` will never reach the patient, or None when none is needed.

    Needed when the message failed for good (given up after its retries, or a delivery report of
    ``undelivered``/``failed``) about an appointment still to come. Not needed when a newer message
    replaced it, nor when the appointment has started (nothing left to tell).
    """
    failed_for_good = (message.status == FAILED and message.last_error_code != EXPIRED) or is_undelivered(message)
    if not failed_for_good or appointment is None or message.appointment_id is None:
        return None
    if appointment.start <= now:
        return None
    why = error_label(message.delivery_error_code or message.last_error_code)
    head = UNREACHED_HEADS.get(message.kind, "SMS non remis") + (f" ({why})" if why else "")
    what = UNREACHED_WHAT.get(message.kind, UNREACHED_WHAT[BOOKED]).format(
        when=_when(appointment.start, practice, now.astimezone(get_timezone(practice.timezone)).date()),
        who=practitioner_phrase(practice, appointment.practitioner_id),
    )
    urgent = appointment.start - now <= UNREACHED_URGENT_WITHIN
    return UnreachedPatient(
        conversation_id=f"sms-rdv-{message.appointment_id}",
        reason=f"{head} : {what}. Prévenir le patient par téléphone.",
        urgency="urgent" if urgent else "routine",
    )


def error_label(code: str | None) -> str | None:
    """A Twilio error code in a few French words ("30003" → "téléphone éteint…"); None if not known."""
    return ERROR_LABELS.get((code or "").strip())


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("outbox times must be timezone-aware")
    return value.astimezone(timezone.utc)
