"""The practice and its agenda as plain, immutable data.

Everything here is pure Python: no database, no Rasa, no I/O. The configuration
loader builds a :class:`Practice`; the database adapter stores and returns
:class:`Appointment` and :class:`Patient`; slot search and booking rules are pure
functions over these values, so they can be tested in milliseconds.

All datetimes are timezone-aware. Local wall-clock values (schedules, closures
given as dates) are interpreted in the practice's timezone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class TimeRange:
    """A wall-clock range within one day, e.g. 08:30-12:00 (end exclusive)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class ScheduleRule:
    """Opening ranges on some weekdays, optionally every N weeks, within a validity period.

    Alternate weeks are expressed with ``every_weeks=2`` and an ``anchor`` date: the
    rule applies in the week containing the anchor and every N-th week after (and before).
    """

    weekdays: tuple[int, ...]  # 0 = Monday
    ranges: tuple[TimeRange, ...]
    every_weeks: int = 1
    anchor: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None  # inclusive


@dataclass(frozen=True)
class Closure:
    """A period when the practice, or one practitioner, takes no appointment.

    ``start``/``end`` are aware datetimes (end exclusive). A closure given as whole
    days in the file is turned into midnight-to-midnight local time by the loader.
    """

    start: datetime
    end: datetime
    reason: str = ""
    practitioner_id: str | None = None  # None: the whole practice


@dataclass(frozen=True)
class Practitioner:
    id: str
    name: str
    title: str  # "Dr", "M.", "Mme"
    specialty: str
    accepts_new_patients: bool = True
    schedule: tuple[ScheduleRule, ...] = ()
    phone_label: str = ""  # how the practitioner is announced, e.g. "le docteur Durand"
    #: "f" or "m" as the file says (empty: not said); "la docteure Leroy", never guessed from a first name.
    gender: str = ""

    @property
    def spoken_name(self) -> str:
        return self.phone_label or f"{self.title} {self.name}".strip()


@dataclass(frozen=True)
class AppointmentType:
    """A "motif": what the patient comes for, how long it takes, who can do it."""

    id: str
    name: str
    duration_minutes: int
    practitioner_ids: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    new_patients: bool = True
    bookable_online: bool = True
    instructions: str = ""
    fee: str = ""
    #: When it may start, every day (empty: whenever its practitioners receive). A fasting blood test
    #: in the morning only: a patient was offered 17 h 40 for one.
    hours: tuple[TimeRange, ...] = ()
    #: The motif booked when a patient gives a symptom as the reason ("une otite"): a consultation.
    for_symptoms: bool = False
    #: Whether the patient needs a prescription (a doctor's "ordonnance") for it: an MRI, physiotherapy.
    prescription_required: bool = False
    #: The grammatical gender of its name, "f" or "m", when the file gives it ("une IRM", "un drainage");
    #: empty: guessed from the name (assistant.dialogue.speech).
    gender: str = ""

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class BookingRules:
    min_notice_minutes: int = 120
    horizon_days: int = 60
    buffer_minutes: int = 0
    slot_step_minutes: int = 15
    max_future_appointments_per_patient: int = 3
    cancel_notice_hours: int = 24  # later than this, cancelling or moving is for the secretariat


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    floor: str = ""
    access: str = ""
    parking: str = ""
    public_transport: str = ""
    wheelchair_access: str = ""

    def one_line(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


@dataclass(frozen=True)
class Fees:
    sector: str = ""  # "secteur 1", "secteur 2", "non conventionné"
    tiers_payant: str = ""
    carte_vitale: bool = True
    payment_methods: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Secretariat:
    hours: tuple[ScheduleRule, ...]
    transfer_number: str = ""


@dataclass(frozen=True)
class NationalNumbers:
    """France's emergency numbers: SAMU, European emergency, for the deaf and hard of hearing, suicide prevention."""

    samu: str = "15"
    european: str = "112"
    deaf_sms: str = "114"
    suicide_prevention: str = "3114"


@dataclass(frozen=True)
class EmergencyNumbers(NationalNumbers):
    """The national numbers as the practice's file gives them (overseas, the SAMU's differs), and its on-call line."""

    on_call: str = ""  # the practice's on-call / permanence des soins number
    on_call_label: str = ""


@dataclass(frozen=True)
class Phrase:
    """A practice's own text for a reply id of the catalogue (its greeting, how it names itself)."""

    id: str
    text: str


@dataclass(frozen=True)
class Practice:
    id: str
    name: str
    kind: str
    address: Address
    phone: str
    timezone: str = "Europe/Paris"
    languages: tuple[str, ...] = ("fr",)
    email: str = ""
    website: str = ""
    fees: Fees = field(default_factory=Fees)
    documents_to_bring: tuple[str, ...] = ()
    secretariat: Secretariat = field(default_factory=lambda: Secretariat(hours=()))
    emergency: EmergencyNumbers = field(default_factory=EmergencyNumbers)
    practitioners: tuple[Practitioner, ...] = ()
    appointment_types: tuple[AppointmentType, ...] = ()
    closures: tuple[Closure, ...] = ()
    public_holidays_closed: bool = True
    holiday_region: str = "metropole"  # or "alsace-moselle"
    rules: BookingRules = field(default_factory=BookingRules)
    #: The practice's own wording of replies of the catalogue (``assistant/language/fr/replies_fr.yml``).
    phrases: tuple[Phrase, ...] = ()

    def practitioner(self, practitioner_id: str) -> Practitioner:
        for practitioner in self.practitioners:
            if practitioner.id == practitioner_id:
                return practitioner
        raise KeyError(practitioner_id)

    def appointment_type(self, type_id: str) -> AppointmentType:
        for appointment_type in self.appointment_types:
            if appointment_type.id == type_id:
                return appointment_type
        raise KeyError(type_id)


class AppointmentStatus(str, enum.Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    DONE = "done"


ACTIVE_STATUSES = (AppointmentStatus.BOOKED,)


class Channel(str, enum.Enum):
    PHONE = "phone"
    CHAT = "chat"
    SMS = "sms"
    SECRETARIAT = "secretariat"
    CLI = "cli"


@dataclass(frozen=True)
class Patient:
    id: int | None
    last_name: str
    first_name: str
    birth_date: date
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Appointment:
    id: int | None
    practitioner_id: str
    appointment_type_id: str
    patient_id: int
    start: datetime
    end: datetime
    status: AppointmentStatus = AppointmentStatus.BOOKED
    channel: Channel = Channel.CLI
    created_by: str = ""
    updated_by: str = ""
    conversation_id: str = ""


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit trail: who did what, when, through which channel; ids and times only (no name, no number)."""

    at: datetime
    actor: str
    channel: Channel
    action: str
    details: dict[str, Any]
    appointment_id: int | None = None
    patient_id: int | None = None
    escalation_id: int | None = None


@dataclass(frozen=True, order=True)
class Slot:
    """A free slot: ordered by start time, then practitioner."""

    start: datetime
    end: datetime
    practitioner_id: str
    appointment_type_id: str


@dataclass(frozen=True)
class Interval:
    """A half-open interval [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def utc(instant: datetime) -> datetime:
    """``instant`` in UTC, as the records keep their times; a naive datetime is refused (ValueError)."""
    if instant.tzinfo is None:
        raise ValueError(f"times must be timezone-aware, not {instant.isoformat()}")
    return instant.astimezone(timezone.utc)
