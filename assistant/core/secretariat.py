"""When a human answers: the secretariat's staffed hours.

Escalations behave differently in and out of these hours (a transfer or a quick
callback during the day; the on-call number and a callback request for the
morning at night), so the question "is someone there now, and if not, when?"
has one answer, here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from assistant.clock import get_timezone
from assistant.core.holidays import is_public_holiday
from assistant.core.model import Interval, Practice
from assistant.core.slots import rule_applies
from assistant.core.windows import local_datetime


def staffed_intervals(practice: Practice, day_count: int, start: datetime) -> list[Interval]:
    """The secretariat's staffed intervals from ``start``'s local day, over ``day_count`` days."""
    tz = get_timezone(practice.timezone)
    first_day = start.astimezone(tz).date()
    intervals: list[Interval] = []
    for offset in range(day_count):
        day = first_day + timedelta(days=offset)
        if practice.public_holidays_closed and is_public_holiday(day, practice.holiday_region):
            continue
        for rule in practice.secretariat.hours:
            if rule_applies(rule, day):
                intervals.extend(
                    Interval(local_datetime(day, wall.start, tz), local_datetime(day, wall.end, tz))
                    for wall in rule.ranges
                )
    return sorted(intervals, key=lambda i: i.start)


def is_staffed(practice: Practice, now: datetime) -> bool:
    instant = now.astimezone(timezone.utc)
    return any(i.start <= instant < i.end for i in staffed_intervals(practice, 1, now))


def next_staffed(practice: Practice, now: datetime) -> datetime | None:
    """The next moment the secretariat opens (within two weeks), or None if it never does."""
    instant = now.astimezone(timezone.utc)
    upcoming = [i.start for i in staffed_intervals(practice, 15, now) if i.start > instant]
    return upcoming[0] if upcoming else None
