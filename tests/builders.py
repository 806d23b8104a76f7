"""Small builders for hand-made practices in tests (independent of the YAML loader)."""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil import tz

from assistant.core.model import (
    Address,
    AppointmentType,
    BookingRules,
    Closure,
    EmergencyNumbers,
    Practice,
    Practitioner,
    ScheduleRule,
    Secretariat,
    TimeRange,
)

PARIS = tz.gettz("Europe/Paris")
MON_TO_FRI = (0, 1, 2, 3, 4)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def hours(*ranges: str) -> tuple[TimeRange, ...]:
    out = []
    for text in ranges:
        start, end = text.split("-")
        out.append(TimeRange(time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(out)


def rule(weekdays: tuple[int, ...], *ranges: str, **kwargs: object) -> ScheduleRule:
    return ScheduleRule(weekdays=weekdays, ranges=hours(*ranges), **kwargs)  # type: ignore[arg-type]


def make_practice(
    practitioners: tuple[Practitioner, ...] | None = None,
    appointment_types: tuple[AppointmentType, ...] | None = None,
    closures: tuple[Closure, ...] = (),
    rules: BookingRules | None = None,
    public_holidays_closed: bool = True,
) -> Practice:
    if practitioners is None:
        practitioners = (
            Practitioner(
                id="dupont",
                name="Anne Dupont",
                title="Dr",
                specialty="médecine générale",
                schedule=(rule(MON_TO_FRI, "08:30-12:00", "14:00-18:00"),),
            ),
            Practitioner(
                id="martin",
                name="Paul Martin",
                title="Dr",
                specialty="médecine générale",
                accepts_new_patients=False,
                schedule=(rule((1, 3), "09:00-12:00"),),
            ),
        )
    if appointment_types is None:
        appointment_types = (
            AppointmentType("consultation", "Consultation", 20, ("dupont", "martin")),
            AppointmentType("long", "Première consultation", 40, ("dupont",)),
            AppointmentType("secretariat-only", "Visite à domicile", 30, ("dupont",), bookable_online=False),
        )
    return Practice(
        id="test",
        name="Cabinet de test",
        kind="cabinet de groupe",
        address=Address("1 rue de la Paix", "59000", "Lille"),
        phone="03 20 00 00 00",
        practitioners=practitioners,
        appointment_types=appointment_types,
        closures=closures,
        public_holidays_closed=public_holidays_closed,
        rules=rules or BookingRules(min_notice_minutes=60, horizon_days=30, slot_step_minutes=20),
    )


def day_closure(first: date, last: date, practitioner_id: str | None = None) -> Closure:
    from datetime import timedelta

    return Closure(
        start=datetime.combine(first, time(0), tzinfo=PARIS),
        end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=PARIS),
        reason="fermeture",
        practitioner_id=practitioner_id,
    )


def practice_with_desk() -> Practice:
    """The test practice with a phone, a secretariat staffed on weekdays 8:00-19:00 that can take a transfer,
    and an on-call number: what the safety net and the turn guard say depends on all three."""
    import dataclasses

    return dataclasses.replace(
        make_practice(),
        phone="03 20 00 00 00",
        secretariat=Secretariat(hours=(rule(MON_TO_FRI, "08:00-19:00"),), transfer_number="03 20 00 00 01"),
        emergency=EmergencyNumbers(on_call="03 20 99 99 99"),
    )
