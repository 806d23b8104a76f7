"""Agenda benchmark: slot search and booking throughput on a full year's agenda.

    python -m bench.agenda_bench            # SQLite, and PostgreSQL if reachable
    python -m bench.agenda_bench --quick    # smaller run, for a smoke check

It fills a year of agenda for 10 practitioners at 80 % occupancy, then measures
(1) the time to find the first 3 free slots for a motif over the next 30 days,
through the real service (database read of busy intervals + pure search), from
random moments of the year, and (2) sequential bookings per second (slots found beforehand,
each booking a locking, audited transaction). Target: search p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.migrate import upgrade
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.clock import FixedClock, get_timezone
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import (
    Address,
    AppointmentType,
    BookingRules,
    Channel,
    Interval,
    Patient,
    Practice,
    Practitioner,
    ScheduleRule,
    TimeRange,
)
from assistant.core.slots import SlotQuery, opening_intervals
from assistant.core.windows import TimeWish
from assistant.services.agenda import Actor, AgendaService

PARIS = get_timezone("Europe/Paris")
START_DAY = date(2026, 1, 5)
PRACTITIONERS = 10
OCCUPANCY = 0.8
SLOT_MINUTES = 20


def bench_practice() -> Practice:
    def wall(text_range: str) -> TimeRange:
        a, b = text_range.split("-")
        return TimeRange(datetime.strptime(a, "%H:%M").time(), datetime.strptime(b, "%H:%M").time())

    practitioners = tuple(
        Practitioner(
            id=f"p{i:02d}",
            name=f"Praticien {i}",
            title="Dr",
            specialty="médecine générale",
            schedule=(
                ScheduleRule((0, 1, 2, 3, 4), (wall("08:00-12:00"), wall("14:00-19:00"))),
                ScheduleRule((5,), (wall("09:00-12:00"),), every_weeks=2, anchor=START_DAY),
            ),
        )
        for i in range(PRACTITIONERS)
    )
    ids = tuple(p.id for p in practitioners)
    return Practice(
        id="bench",
        name="Cabinet de mesure",
        kind="centre de santé",
        address=Address("1 rue du Banc", "59000", "Lille"),
        phone="03 20 00 00 00",
        practitioners=practitioners,
        appointment_types=(
            AppointmentType("consultation", "Consultation", SLOT_MINUTES, ids),
            AppointmentType("long", "Consultation longue", 40, ids),
        ),
        rules=BookingRules(
            min_notice_minutes=60,
            horizon_days=400,
            slot_step_minutes=SLOT_MINUTES,
            max_future_appointments_per_patient=0,
        ),
    )


def fill(engine, agenda: AgendaService, practice: Practice, days: int, seed: int = 7) -> int:
    """Insert a year of appointments at OCCUPANCY directly (bulk), as a busy practice would have."""
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            insert(t.patients),
            [
                {
                    "last_name": f"Patient{i}",
                    "first_name": "Bench",
                    "last_name_key": f"patient{i}",
                    "first_name_key": "bench",
                    "birth_date": date(1950, 1, 1) + timedelta(days=i),
                    "phone": "",
                    "phone_key": "",
                    "email": "",
                    "created_at": now,
                }
                for i in range(1, 5001)
            ],
        )
        rows = []
        for offset in range(days):
            day = START_DAY + timedelta(days=offset)
            for practitioner in practice.practitioners:
                for opening in opening_intervals(practice, practitioner, day, PARIS):
                    start = opening.start
                    while start + timedelta(minutes=SLOT_MINUTES) <= opening.end:
                        if rng.random() < OCCUPANCY:
                            rows.append(
                                {
                                    "practitioner_id": practitioner.id,
                                    "appointment_type_id": "consultation",
                                    "patient_id": rng.randint(1, 5000),
                                    "start_at": start,
                                    "end_at": start + timedelta(minutes=SLOT_MINUTES),
                                    "status": "booked",
                                    "channel": "secretariat",
                                    "conversation_id": "",
                                    "created_by": "bench",
                                    "updated_by": "bench",
                                    "created_at": now,
                                    "updated_at": now,
                                    "version": 1,
                                }
                            )
                        start += timedelta(minutes=SLOT_MINUTES)
        for chunk in range(0, len(rows), 5000):
            connection.execute(insert(t.appointments), rows[chunk : chunk + 5000])
    return len(rows)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(url: str, label: str, days: int, searches: int, bookings: int) -> dict[str, object]:
    engine = create_agenda_engine(url)
    upgrade(engine)
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=PARIS))
    agenda = AgendaService(uow_factory_for(engine), clock)
    practice = bench_practice()
    agenda.apply_practice(practice, "bench", Actor("bench", Channel.CLI))
    started = time.perf_counter()
    filled = fill(engine, agenda, practice, days)
    fill_seconds = time.perf_counter() - started

    rng = random.Random(11)
    latencies: list[float] = []
    for _ in range(searches):
        now = datetime.combine(
            START_DAY + timedelta(days=rng.randrange(days - 30)), datetime.min.time(), PARIS
        ) + timedelta(hours=rng.randint(7, 18), minutes=rng.choice((0, 15, 30, 45)))
        motif = rng.choice(("consultation", "long"))
        practitioners = (f"p{rng.randrange(PRACTITIONERS):02d}",) if rng.random() < 0.5 else ()
        wish = TimeWish(intervals=(Interval(now, now + timedelta(days=30)),))
        begin = time.perf_counter()
        found = agenda.find_slots(
            SlotQuery(motif, practitioner_ids=practitioners, wish=wish, count=3, spread_days=rng.random() < 0.5),
            now=now,
        )
        latencies.append((time.perf_counter() - begin) * 1000)
        assert found, "a 80 % agenda always has free slots within 30 days"

    booked = 0
    patient = Patient(None, "Bench", "Booker", date(1980, 1, 1))
    actor = Actor("bench", Channel.SECRETARIAT)
    free = agenda.find_slots(SlotQuery("consultation", count=bookings))
    begin = time.perf_counter()
    for slot in free:
        try:
            agenda.book(
                BookingRequest("consultation", slot.practitioner_id, slot.start, Channel.SECRETARIAT), patient, actor
            )
            booked += 1
        except AgendaError:
            pass
    booking_seconds = time.perf_counter() - begin
    engine.dispose()
    return {
        "store": label,
        "appointments": filled,
        "fill_s": fill_seconds,
        "search_p50": statistics.median(latencies),
        "search_p95": percentile(latencies, 0.95),
        "search_max": max(latencies),
        "bookings_per_s": booked / booking_seconds,
    }


def postgres_database(admin_url: str):
    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    name = f"assistant_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="90 days, fewer searches")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ASSISTANT_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    days, searches, bookings = (90, 50, 20) if args.quick else (365, 300, 200)

    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(measure(f"sqlite:///{folder}/bench.db", "SQLite", days, searches, bookings))
    if not args.no_postgres:
        try:
            url, drop = postgres_database(args.postgres)
        except Exception as error:
            print(f"PostgreSQL skipped: {error.__class__.__name__}", file=sys.stderr)
        else:
            try:
                results.append(measure(url, "PostgreSQL", days, searches, bookings))
            finally:
                drop()

    print(
        f"\nAgenda benchmark: {PRACTITIONERS} practitioners, {days} days at {OCCUPANCY:.0%} occupancy, {searches} searches (first 3 free slots over 30 days), {bookings} sequential bookings\n"
    )
    print("| store | appointments | search p50 (ms) | search p95 (ms) | search max (ms) | bookings/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['store']} | {r['appointments']} | {r['search_p50']:.1f} | {r['search_p95']:.1f} | {r['search_max']:.1f} | {r['bookings_per_s']:.0f} |"
        )
    worst = max(float(r["search_p95"]) for r in results)  # type: ignore[arg-type]
    print(f"\nTarget search p95 < 20 ms: {'met' if worst < 20 else 'NOT met'} (worst p95 {worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
