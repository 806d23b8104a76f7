"""Slot search: pure functions over schedules, closures and busy intervals.

The agenda's truth is the database, but *finding* a free slot needs no database:
given the practice (schedules, closures, holidays, rules), the busy intervals of
each practitioner and ``now``, the free slots follow. Keeping this pure makes it
fast (no query per candidate) and testable in milliseconds, including DST weeks.

Conventions
- Intervals are half-open ``[start, end)`` and timezone-aware.
- A slot *starts* inside one of the wish's windows and lies *wholly* inside the
  practitioner's opening hours, clear of busy intervals (widened by the buffer).
- Candidate starts are the opening range's grid (every ``slot_step_minutes`` from
  the range start), the end of each busy interval (so a 20-minute visit can
  follow a 20-minute visit even on a 15-minute grid), and the start of a wished
  window (a patient asking for "10 h 10" gets 10 h 10 if it is free).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo

from assistant.core.holidays import is_public_holiday
from assistant.core.intervals import subtract, union
from assistant.core.model import (
    AppointmentType,
    Interval,
    Practice,
    Practitioner,
    ScheduleRule,
    Slot,
)
from assistant.core.windows import TimeWish, local_datetime, utc_interval, wish_intervals


def rule_applies(rule: ScheduleRule, day: date) -> bool:
    """Whether a weekly schedule rule opens on ``day`` (weekday, validity, alternate weeks)."""
    if day.weekday() not in rule.weekdays:
        return False
    if rule.valid_from is not None and day < rule.valid_from:
        return False
    if rule.valid_until is not None and day > rule.valid_until:
        return False
    if rule.every_weeks > 1:
        anchor = rule.anchor or rule.valid_from or day
        anchor_monday = anchor - timedelta(days=anchor.weekday())
        day_monday = day - timedelta(days=day.weekday())
        weeks = (day_monday - anchor_monday).days // 7
        if weeks % rule.every_weeks != 0:
            return False
    return True


def opening_intervals(practice: Practice, practitioner: Practitioner, day: date, tz: tzinfo) -> list[Interval]:
    """When ``practitioner`` receives on ``day``: schedule minus holidays and closures."""
    if practice.public_holidays_closed and is_public_holiday(day, practice.holiday_region):
        return []
    ranges = [
        Interval(local_datetime(day, wall.start, tz), local_datetime(day, wall.end, tz))
        for rule in practitioner.schedule
        if rule_applies(rule, day)
        for wall in rule.ranges
    ]
    if not ranges:
        return []
    opened = union(ranges)
    day_start = opened[0].start
    day_end = opened[-1].end
    closures = [
        Interval(closure.start, closure.end)
        for closure in practice.closures
        if (closure.practitioner_id is None or closure.practitioner_id == practitioner.id)
        and closure.start < day_end
        and day_start < closure.end
    ]
    return subtract(opened, closures)


class OpeningCalendar:
    """Memoised :func:`opening_intervals` for one practice version.

    Opening hours depend only on the practice and the day (not on ``now`` or the
    agenda), and resolving local times through DST rules is the costliest part of
    a search; the service keeps one calendar per applied configuration.
    """

    def __init__(self, practice: Practice, max_days: int = 4000) -> None:
        self.practice = practice
        self.tz = _practice_tz(practice, timezone.utc)
        self._cache: dict[tuple[str, date], list[Interval]] = {}
        self._max_entries = max_days * max(1, len(practice.practitioners))

    def opening(self, practitioner: Practitioner, day: date) -> list[Interval]:
        key = (practitioner.id, day)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= self._max_entries:
                self._cache.clear()
            found = opening_intervals(self.practice, practitioner, day, self.tz)
            self._cache[key] = found
        return found


@dataclass(frozen=True)
class SlotQuery:
    """What to search: a motif, optionally some practitioners, a time wish.

    ``spread_days`` asks for choices on different days first (a loose wish
    deserves "mardi, jeudi ou vendredi" rather than three slots in one morning).
    """

    appointment_type_id: str
    practitioner_ids: tuple[str, ...] = ()
    wish: TimeWish = field(default_factory=TimeWish)
    count: int = 3
    spread_days: bool = False
    new_patient: bool = False
    min_gap_minutes: int = 0  # choices on one day at least this far apart ("9 h, 9 h 30, 10 h", not "9 h, 9 h 05…")
    excluded_practitioner_ids: tuple[str, ...] = ()  # anyone but them ("un autre kiné", after their slots)


def eligible_practitioners(
    practice: Practice, appointment_type: AppointmentType, query: SlotQuery
) -> list[Practitioner]:
    """Practitioners who do this motif, restricted to those asked for and not excluded, open to new patients if
    needed."""
    wanted = set(query.practitioner_ids)
    chosen = []
    for practitioner_id in appointment_type.practitioner_ids:
        if (wanted and practitioner_id not in wanted) or practitioner_id in query.excluded_practitioner_ids:
            continue
        practitioner = practice.practitioner(practitioner_id)
        if query.new_patient and not practitioner.accepts_new_patients:
            continue
        chosen.append(practitioner)
    return chosen


def search_bounds(practice: Practice, now: datetime) -> Interval:
    """From now plus the minimum notice to the end of the booking horizon's last day."""
    tz = now.tzinfo
    assert tz is not None, "now must be timezone-aware"
    tz = _practice_tz(practice, tz)
    now = now.astimezone(timezone.utc)
    earliest = now + timedelta(minutes=practice.rules.min_notice_minutes)
    last_day = now.astimezone(tz).date() + timedelta(days=practice.rules.horizon_days)
    return Interval(earliest, local_datetime(last_day + timedelta(days=1), datetime.min.time(), tz))


class _BusyIndex:
    """Busy intervals of one practitioner, sorted, widened by the buffer, searchable by time."""

    def __init__(self, intervals: Sequence[Interval], buffer: timedelta) -> None:
        widened = [Interval(i.start - buffer, i.end + buffer) for i in intervals] if buffer else list(intervals)
        self.intervals = union(widened)
        self.ends = [interval.end for interval in self.intervals]

    def within(self, bound: Interval) -> list[Interval]:
        index = bisect_left(self.ends, bound.start)
        found = []
        while index < len(self.intervals) and self.intervals[index].start < bound.end:
            found.append(self.intervals[index])
            index += 1
        return found


def _starts_in(
    free: Interval, grid_origin: datetime, step: timedelta, duration: timedelta, window: Interval
) -> Iterable[datetime]:
    """Candidate starts inside ``free`` (grid points plus the free interval's own start)."""
    lower = max(free.start, window.start)
    upper = min(free.end - duration, window.end - timedelta(microseconds=1))
    if lower > upper:
        return
    if free.start >= window.start and free.start != grid_origin and (free.start - grid_origin) % step:
        yield free.start  # right after a busy interval, off the grid
    precise = window.end - window.start < step  # a window shorter than the grid is a precise time
    if precise and free.start < window.start and (window.start - grid_origin) % step:
        yield window.start  # the patient asked for this very time ("à 10 h 10"), off the grid
    offset = (lower - grid_origin) % step
    candidate = lower if not offset else lower + (step - offset)
    while candidate <= upper:
        yield candidate
        candidate += step


def free_slots_on_day(
    calendar: OpeningCalendar,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    day: date,
    windows: Sequence[Interval],
    busy: _BusyIndex,
) -> list[Slot]:
    step = timedelta(minutes=calendar.practice.rules.slot_step_minutes)
    duration = appointment_type.duration
    slots: list[Slot] = []
    for opening in calendar.opening(practitioner, day):
        day_windows = [w for w in windows if w.overlaps(opening)]
        if not day_windows:
            continue
        for free in subtract([opening], busy.within(opening)):
            if free.end - free.start < duration:
                continue
            for window in day_windows:
                for start in _starts_in(free, opening.start, step, duration, window):
                    slots.append(Slot(start, start + duration, practitioner.id, appointment_type.id))
    return sorted(set(slots))


def search_slots(
    practice: Practice,
    query: SlotQuery,
    busy: Mapping[str, Sequence[Interval]],
    now: datetime,
    until: datetime | None = None,
    calendar: OpeningCalendar | None = None,
) -> list[Slot]:
    """The best ``query.count`` free slots for ``query``, earliest first.

    ``busy`` maps practitioner id to that practitioner's busy intervals (booked
    appointments) over the searched range; ``until`` may cut the search short of
    the horizon (the database adapter searches in chunks); ``calendar`` reuses
    opening hours computed by earlier searches on the same practice.
    """
    if calendar is None or calendar.practice is not practice:
        calendar = OpeningCalendar(practice)
    tz = now.tzinfo
    assert tz is not None, "now must be timezone-aware"
    tz = _practice_tz(practice, tz)
    now = now.astimezone(timezone.utc)
    appointment_type = practice.appointment_type(query.appointment_type_id)
    practitioners = eligible_practitioners(practice, appointment_type, query)
    bounds = search_bounds(practice, now)
    if until is not None and until < bounds.end:
        bounds = Interval(bounds.start, until)
    windows = wish_intervals(query.wish, bounds.start, bounds.end, tz)
    if appointment_type.hours:  # the motif's own start times ("prises de sang de 7 h 30 à 10 h")
        windows = intersect(
            windows, wish_intervals(TimeWish(day_parts=appointment_type.hours), bounds.start, bounds.end, tz)
        )
    if not practitioners or not windows or query.count <= 0:
        return []
    buffer = timedelta(minutes=practice.rules.buffer_minutes)
    indexes = {p.id: _BusyIndex([utc_interval(i) for i in busy.get(p.id, ())], buffer) for p in practitioners}

    chosen: list[Slot] = []
    spare: list[Slot] = []
    day = windows[0].start.astimezone(tz).date()
    last_day = windows[-1].end.astimezone(tz).date()
    window_index = 0
    while day <= last_day:
        while window_index < len(windows) and windows[window_index].end.astimezone(tz).date() < day:
            window_index += 1
        day_windows = [w for w in windows[window_index:] if w.start.astimezone(tz).date() <= day]
        if day_windows:
            day_slots = sorted(
                slot
                for practitioner in practitioners
                for slot in free_slots_on_day(
                    calendar, practitioner, appointment_type, day, day_windows, indexes[practitioner.id]
                )
            )
            if query.min_gap_minutes and day_slots:
                day_slots = _spaced(day_slots, timedelta(minutes=query.min_gap_minutes))
            if day_slots:
                if query.spread_days:
                    chosen.append(day_slots[0])
                    spare.extend(day_slots[1 : query.count])
                else:
                    chosen.extend(day_slots[: query.count - len(chosen)])
                if len(chosen) >= query.count:
                    break
        day += timedelta(days=1)
    if len(chosen) < query.count and spare:
        chosen.extend(sorted(spare)[: query.count - len(chosen)])
    return sorted(chosen)[: query.count]


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The parts common to two sorted lists of disjoint intervals."""
    common: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if start < end:
            common.append(Interval(start, end))
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return common


def _spaced(slots: list[Slot], gap: timedelta) -> list[Slot]:
    """Greedily keep slots (sorted) that start at least ``gap`` after the previous kept one."""
    kept: list[Slot] = []
    for slot in slots:
        if not kept or slot.start - kept[-1].start >= gap:
            kept.append(slot)
    return kept


def _practice_tz(practice: Practice, fallback: tzinfo) -> tzinfo:
    from dateutil import tz as dateutil_tz

    return dateutil_tz.gettz(practice.timezone) or fallback


def fits_opening_hours(practice: Practice, practitioner: Practitioner, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies wholly within one of the practitioner's opening intervals."""
    tz = _practice_tz(practice, start.tzinfo or timezone.utc)
    start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    day = start.astimezone(tz).date()
    return any(o.start <= start and end <= o.end for o in opening_intervals(practice, practitioner, day, tz))
