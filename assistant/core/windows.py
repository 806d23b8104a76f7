"""Time wishes: when a patient would like an appointment.

A :class:`TimeWish` is what the dialogue understood ("mardi ou jeudi après 17h",
"demain matin", "le plus tôt possible"); :func:`wish_intervals` turns it into the
absolute intervals that slot search walks. Both are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from assistant.core.intervals import clip, union
from assistant.core.model import Interval, TimeRange

MORNING = TimeRange(time(7, 0), time(12, 0))
LUNCHTIME = TimeRange(time(12, 0), time(14, 0))
AFTERNOON = TimeRange(time(13, 0), time(18, 0))
LATE_AFTERNOON = TimeRange(time(16, 0), time(20, 0))
EVENING = TimeRange(time(18, 0), time(23, 0))
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class TimeWish:
    """When the patient wants to come, as understood.

    - ``intervals``: absolute windows (a day, "mardi ou jeudi", "avant le 15");
      empty means anywhere from now to the booking horizon.
    - ``day_parts``: wall-clock restrictions applied every day ("le matin",
      "après 17h"); empty means the whole day.
    - ``weekdays``: restrict to these weekdays (0 = Monday); empty means any.
    - ``earliest``: the patient wants the first possible slot ("dès que possible").
    """

    intervals: tuple[Interval, ...] = ()
    day_parts: tuple[TimeRange, ...] = ()
    weekdays: tuple[int, ...] = ()
    earliest: bool = False

    @property
    def is_open(self) -> bool:
        return not (self.intervals or self.day_parts or self.weekdays)


def local_datetime(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant of a local wall-clock time in ``tz``, resolving DST gaps forward.

    On the spring-forward night 02:30 does not exist: it is read as 03:30, which is
    what a clock on the wall shows an hour after 01:30. The result is in UTC on
    purpose: Python subtracts and adds datetimes that share a tzinfo by *wall clock*
    (01:00 to 04:00 would be three hours on the night that has two), so all
    interval arithmetic in the core happens on UTC instants.
    """
    offset = _steady_offset(day, tz)
    if offset is not None:  # every day but the two DST change days: no resolution needed
        return datetime(day.year, day.month, day.day, at.hour, at.minute, at.second, tzinfo=timezone.utc) - offset
    from dateutil import tz as dateutil_tz

    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    if not dateutil_tz.datetime_exists(aware):
        aware = dateutil_tz.resolve_imaginary(aware)
    return aware.astimezone(timezone.utc)


_OFFSETS: dict[tuple[date, int], tuple[tzinfo, timedelta | None]] = {}


def _steady_offset(day: date, tz: tzinfo) -> timedelta | None:
    """The UTC offset of ``tz`` on ``day`` if it holds all day long, else None (a DST change day).

    Memoised per (day, zone): slot search asks for the same days over and over.
    """
    key = (day, id(tz))
    cached = _OFFSETS.get(key)
    if cached is not None and cached[0] is tz:
        return cached[1]
    first = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
    last = datetime.combine(day, time(23, 59, 59), tzinfo=tz).utcoffset()
    offset = first if first == last else None
    if len(_OFFSETS) > 50_000:
        _OFFSETS.clear()
    _OFFSETS[key] = (tz, offset)
    return offset


def day_bounds(day: date, tz: tzinfo) -> Interval:
    """Local midnight to the next local midnight (23 or 25 hours on DST days)."""
    return Interval(local_datetime(day, time(0), tz), local_datetime(day + timedelta(days=1), time(0), tz))


def _range_on(day: date, wall: TimeRange, tz: tzinfo) -> Interval:
    start = local_datetime(day, wall.start, tz)
    if wall.end == time(0) or wall.end <= wall.start:
        end = local_datetime(day + timedelta(days=1), time(0), tz)
    else:
        end = local_datetime(day, wall.end, tz)
    return Interval(start, end)


def utc_interval(interval: Interval) -> Interval:
    if interval.start.tzinfo is timezone.utc and interval.end.tzinfo is timezone.utc:
        return interval
    return Interval(interval.start.astimezone(timezone.utc), interval.end.astimezone(timezone.utc))


def wish_intervals(wish: TimeWish, search_from: datetime, search_to: datetime, tz: tzinfo) -> list[Interval]:
    """The absolute intervals, within [search_from, search_to), that satisfy ``wish``."""
    search_from, search_to = search_from.astimezone(timezone.utc), search_to.astimezone(timezone.utc)
    bound = Interval(search_from, search_to)
    base = clip(union(utc_interval(i) for i in wish.intervals), bound) if wish.intervals else [bound]
    if not wish.day_parts and not wish.weekdays:
        return base
    result: list[Interval] = []
    day = search_from.astimezone(tz).date()
    last_day = search_to.astimezone(tz).date()
    while day <= last_day:
        if not wish.weekdays or day.weekday() in wish.weekdays:
            parts = [_range_on(day, part, tz) for part in wish.day_parts] or [day_bounds(day, tz)]
            for part in union(parts):
                result.extend(clip(base, part))
        day += timedelta(days=1)
    return union(result)
