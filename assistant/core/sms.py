"""Confirmation SMS as plain data and pure rules: who gets one, what it says, when to try again.

After a booking, a move or a cancellation made by a patient (phone, chat, SMS),
the agenda service stores a confirmation in the outbox, in the same transaction
as the change; a worker sends it later (:mod:`assistant.adapters.sms`). Here:

- :func:`mobile_e164` / :func:`is_mobile`: only French mobiles get an SMS
  (06, 07, and the overseas 0639, 069x ranges with their own country codes);
- :func:`gsm7`, :func:`segments`, :data:`MAX_LENGTH`: the text's constraints (an accent
  outside the GSM alphabet would make the SMS Unicode and cut each part from 153 to 67
  characters); the French wording itself is :mod:`assistant.language.fr.sms`;
- :func:`next_attempt`: the retry schedule (1 min, 5 min, 30 min, 2 h, then give up);
- :class:`OutboxMessage` (:func:`new_message`) and its transitions (claim, sent, failure);
- :func:`unreached_urgency`: when a message that never arrived needs a call from the secretariat;
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
from datetime import datetime, timedelta

from assistant.core.booking import PATIENT_CHANNELS
from assistant.core.errors import AgendaError
from assistant.core.model import Appointment, Channel, utc

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


# -- the message and its life ------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxMessage:
    id: int | None
    practice_id: str
    appointment_id: int | None
    kind: str
    to_number: str = field(repr=False)  # E.164; shown masked (:func:`mask_number`), never logged
    body: str = field(repr=False)
    # A new message: pending, not tried yet.
    status: str = field(default=PENDING, kw_only=True)
    attempts: int = field(default=0, kw_only=True)
    next_attempt_at: datetime
    created_at: datetime
    last_error_code: str | None = None
    provider_sid: str | None = None
    sent_at: datetime | None = None
    delivery_status: str | None = None  # Twilio's last delivery report that applied (DELIVERY_STATUSES)
    delivery_error_code: str | None = None  # its error code (30003…), only with a failed delivery
    delivery_updated_at: datetime | None = None


def new_message(
    *, practice_id: str, appointment_id: int | None, kind: str, phone: str, body: str, now: datetime
) -> OutboxMessage | None:
    """The message to queue, pending now, or None when the number is not a French mobile.

    ``body``: its text (the French wording is :func:`assistant.language.fr.sms.confirmation_text`).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown confirmation kind {kind!r}")
    number = mobile_e164(phone)
    if number is None:
        return None
    return OutboxMessage(
        id=None,
        practice_id=practice_id,
        appointment_id=appointment_id,
        kind=kind,
        to_number=number,
        body=body,
        next_attempt_at=utc(now),
        created_at=utc(now),
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
    return replace(message, status=SENDING, attempts=message.attempts + 1, next_attempt_at=utc(now) + lease)


def mark_sent(message: OutboxMessage, provider_sid: str, now: datetime) -> OutboxMessage:
    """Accepted by the provider.

    Delivery reports about an earlier attempt no longer apply; a report about this very attempt that
    arrived before the worker stored the provider's id (:func:`awaits_provider_id`) already carries that
    id on ``message``, and is kept.
    """
    sid = provider_sid[:64] or None
    sent = replace(message, status=SENT, provider_sid=sid, sent_at=utc(now), last_error_code=None)
    if sid is not None and message.provider_sid == sid:
        return sent
    return replace(sent, delivery_status=None, delivery_error_code=None, delivery_updated_at=None)


def after_failure(message: OutboxMessage, code: str, permanent: bool, now: datetime) -> OutboxMessage:
    """Back to pending at the next time of the schedule, or failed (permanent error, or no try left)."""
    when = None if permanent else next_attempt(message.attempts, utc(now))
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
    return replace(message, status=PENDING, attempts=0, next_attempt_at=utc(now), last_error_code=None)


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
    return replace(message, delivery_status=status, delivery_error_code=kept, delivery_updated_at=utc(now))


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


def unreached_urgency(message: OutboxMessage, appointment: Appointment | None, now: datetime) -> str | None:
    """Whether ``message`` calls for a request to the secretariat, and how urgent: "urgent", "routine" or None.

    Needed when the message failed for good (given up after its retries, or a delivery report of
    ``undelivered``/``failed``) about an appointment still to come. Not needed when a newer message
    replaced it, nor when the appointment has started (nothing left to tell). Urgent when the
    appointment is within :data:`UNREACHED_URGENT_WITHIN`. The request's French wording is
    :func:`assistant.language.fr.sms.unreached_patient`.
    """
    failed_for_good = (message.status == FAILED and message.last_error_code != EXPIRED) or is_undelivered(message)
    if not failed_for_good or appointment is None or message.appointment_id is None:
        return None
    if appointment.start <= now:
        return None
    return "urgent" if appointment.start - now <= UNREACHED_URGENT_WITHIN else "routine"


def error_label(code: str | None) -> str | None:
    """A Twilio error code in a few French words ("30003" → "téléphone éteint…"); None if not known."""
    return ERROR_LABELS.get((code or "").strip())
