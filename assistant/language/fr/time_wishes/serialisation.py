"""A TimeWish as a slot value (JSON) and back."""

from __future__ import annotations

from datetime import datetime, time, tzinfo
from typing import Any

from assistant.core.model import Interval, TimeRange
from assistant.core.windows import (
    END_OF_DAY,
    TimeWish,
)
from assistant.language.fr.time_wishes.expressions import resolve_timezone


def _format_wall(value: time) -> str:
    if value == END_OF_DAY:
        return "24:00"
    if value.second:
        return f"{value:%H:%M:%S}"
    return f"{value:%H:%M}"


def _parse_wall(value: str) -> time:
    value = value.strip()
    if value in ("24:00", "24:00:00"):
        return END_OF_DAY
    return time.fromisoformat(value)


def to_serializable(wish: TimeWish) -> dict[str, Any]:
    """A JSON-friendly dict (entity value, slot value): ISO intervals, "HH:MM-HH:MM"
    day parts (the end of the day is written "24:00"), weekdays 0=Monday, earliest."""
    return {
        "intervals": [{"start": i.start.isoformat(), "end": i.end.isoformat()} for i in wish.intervals],
        "day_parts": [f"{_format_wall(p.start)}-{_format_wall(p.end)}" for p in wish.day_parts],
        "weekdays": list(wish.weekdays),
        "earliest": wish.earliest,
    }


def from_serializable(data: dict[str, Any] | None, tz: tzinfo | str | None = None) -> TimeWish:
    """Rebuild a :class:`TimeWish` from :func:`to_serializable`'s dict.

    Datetimes keep their ISO offset, or are converted to ``tz`` when given.
    Missing keys mean "no constraint"; ``None`` gives an open wish.
    """
    if not data:
        return TimeWish()
    zone = resolve_timezone(tz)[0] if tz is not None else None

    def instant(value: str) -> datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            if zone is None:
                raise ValueError(f"Naive datetime in a serialised time wish: {value!r}")
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(zone) if zone is not None else parsed

    intervals = tuple(Interval(instant(i["start"]), instant(i["end"])) for i in data.get("intervals") or ())
    parts = []
    for text in data.get("day_parts") or ():
        start, _, end = str(text).partition("-")
        parts.append(TimeRange(_parse_wall(start), _parse_wall(end)))
    return TimeWish(
        intervals=intervals,
        day_parts=tuple(parts),
        weekdays=tuple(int(d) for d in data.get("weekdays") or ()),
        earliest=bool(data.get("earliest", False)),
    )
