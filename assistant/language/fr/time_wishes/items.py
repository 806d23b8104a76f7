"""Each time expression on its own: the days, times of day and weekdays it names (an item)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from assistant.core.model import Interval, TimeRange
from assistant.core.windows import (
    END_OF_DAY,
    LUNCHTIME,
)
from assistant.language.fr.lexicon import PARTS_OF_DAY, WEEKDAYS
from assistant.language.fr.time_wishes.cues import (
    APPROXIMATE_MARGIN,
    CLINIC_FIRST_HOUR,
    CLINIC_LAST_HOUR,
    CLOCK,
    DAY_CUE,
    FUZZY,
    PRECISE_WINDOW,
    RELATIVE_DAYS,
    RELATIVE_SHORT,
    SEMAINE,
    WEEKDAY_RE,
    WEEKEND,
)
from assistant.language.fr.time_wishes.expressions import Context, TimeExpression


@dataclass
class Item:
    """What one expression constrains: days (absolute), times of day, weekdays."""

    start: int
    end: int
    days: list[Interval] | None = None
    walls: list[TimeRange] | None = None
    weekdays: frozenset[int] | None = None
    bare_weekday: int | None = None  # "mardi" alone: may become a filter inside a range
    week_anchor: bool = False  # names its week ("jeudi de la semaine prochaine")
    negated: bool = False

    def components(self) -> frozenset[str]:
        return frozenset(
            name
            for name, present in (
                ("D", self.days is not None),
                ("W", self.walls is not None),
                ("K", self.weekdays is not None),
            )
            if present
        )


def _mask_parts_of_day(span_low: str) -> str:
    """Blank the part-of-day words, so "l'heure du déjeuner" is not taken for a clock time."""
    for pattern, _ in PARTS_OF_DAY:
        span_low = pattern.sub(lambda m: " " * len(m.group(0)), span_low)
    return span_low


def _daytime_hour(hour: int, span_low: str) -> int:
    """Read an ambiguous small hour in the afternoon: "à 3h" is 15:00 at a practice."""
    if 1 <= hour < CLINIC_FIRST_HOUR and hour + 12 <= CLINIC_LAST_HOUR:
        if not re.search(r"du\s+matin|de\s+la\s+nuit|minuit", span_low):
            return hour + 12
    return hour


def _wall_of(local: datetime, span_low: str) -> time:
    """The spoken wall-clock time of a Duckling reading (naive local), daytime-adjusted."""
    return time(_daytime_hour(local.hour, span_low), local.minute)


def _add_minutes(wall: time, delta: timedelta) -> time:
    moved = datetime.combine(date(2000, 1, 1), wall) + delta
    if moved.date() > date(2000, 1, 1):
        return END_OF_DAY
    if moved.date() < date(2000, 1, 1):
        return time(0)
    return moved.time()


def _point_range(wall: time, fuzzy: bool) -> TimeRange:
    if fuzzy:
        return TimeRange(_add_minutes(wall, -APPROXIMATE_MARGIN), _add_minutes(wall, APPROXIMATE_MARGIN))
    return TimeRange(wall, _add_minutes(wall, PRECISE_WINDOW))


def _minus_grain(local: datetime, grain: str | None) -> datetime:
    """One grain back, on naive wall-clock times."""
    step = {"hour": timedelta(hours=1), "minute": timedelta(minutes=1), "second": timedelta(seconds=1)}.get(grain or "")
    return local - step if step else local


def _explicit_day(instant: datetime, span_low: str, ctx: Context) -> bool:
    """Does the expression name a day, or only a time of day (read on today by Duckling)?"""
    return instant.astimezone(ctx.tz).date() != ctx.today or bool(DAY_CUE.search(span_low))


def _named_day(instant: datetime, span_low: str, ctx: Context) -> date:
    """The local day of a reading, with today's weekday name meaning next week.

    Read from midnight, "lundi matin" said on a Monday is today, while "lundi" alone
    is next Monday: both are made next Monday ("ce lundi" stays today).
    """
    day = instant.astimezone(ctx.tz).date()
    if day == ctx.today and re.search(rf"\b{WEEKDAYS[day.weekday()]}\b", span_low):
        if not re.search(rf"\b(?:ce|aujourd'?\s?hui)\s+{WEEKDAYS[day.weekday()]}\b", span_low):
            day += timedelta(days=7)
    return day


def _day_scope(instant: datetime, span_low: str, ctx: Context) -> list[Interval]:
    """The day(s) a composite expression names: a day, or a whole week/weekend."""
    day = _named_day(instant, span_low, ctx)
    if WEEKEND.search(span_low):
        saturday = day - timedelta(days=1) if day.weekday() == 6 else day + timedelta(days=5 - day.weekday())
        return [ctx.days(saturday, saturday + timedelta(days=2))]
    if SEMAINE.search(span_low) and not re.search(rf"\b(?:{WEEKDAY_RE})\b|\d", span_low):
        monday = day - timedelta(days=day.weekday())
        return [ctx.days(monday, monday + timedelta(days=7))]
    return [ctx.day(day)]


def _bare_weekday(span_low: str) -> int | None:
    found = re.fullmatch(rf"\s*(?:(?:ce|le)\s+)?({WEEKDAY_RE})\s*", span_low)
    return WEEKDAYS.index(found.group(1)) if found else None


def item_from_duckling(expression: TimeExpression, low: str, ctx: Context) -> Item | None:
    span_low = low[expression.start : expression.end]
    before = low[max(0, expression.start - 40) : expression.start]
    fuzzy = bool(FUZZY.search(span_low) or re.search(r"(?:vers|alentours\s+de|autour\s+de|environ)\s*$", before))
    has_clock = bool(CLOCK.search(_mask_parts_of_day(span_low)))
    item = Item(expression.start, expression.end)
    grain = expression.grain

    if expression.value is not None:
        instant = expression.value
        local_day = instant.astimezone(ctx.tz).date()
        if grain in ("quarter", "year"):
            return None
        if RELATIVE_SHORT.search(span_low) and not RELATIVE_DAYS.search(span_low):
            # "dans deux heures": from then to the end of that day.
            item.days = [Interval(instant, ctx.day(local_day).end)]
            return item
        if grain == "second":
            return None  # "maintenant" and the like are handled by the lexicon
        if grain == "week":
            monday = local_day - timedelta(days=local_day.weekday())
            item.days = [ctx.days(monday, monday + timedelta(days=7))]
            return item
        if grain == "month":
            following = (local_day.replace(day=1) + timedelta(days=32)).replace(day=1)
            item.days = [ctx.days(local_day.replace(day=1), following)]
            return item
        if RELATIVE_DAYS.search(span_low) and not has_clock:
            span_days = (local_day - ctx.today).days
            length = 7 if span_days >= 7 else 1  # "dans quinze jours" is fuzzy: a week from that day
            item.days = [ctx.days(local_day, local_day + timedelta(days=length))]
            return item
        weekday = _bare_weekday(span_low)
        if weekday is not None and re.match(r"\s*ce\s", span_low) and weekday == ctx.today.weekday():
            local_day = ctx.today  # "ce lundi" said on a Monday
            instant = ctx.at(ctx.today)
        if grain == "day" or not (has_clock or expression.part_of_day):
            if re.match(r"\s*le\s", span_low) and weekday is not None:
                item.weekdays = frozenset({weekday})  # "le mardi": habitually, any Tuesday
                return item
            item.days = _day_scope(instant, span_low, ctx)
            item.bare_weekday = weekday
            item.week_anchor = bool(SEMAINE.search(span_low)) and grain == "day"
            return item
        # A time of day, maybe on a named day.
        if has_clock:
            wall = _wall_of(expression.local_value or instant, span_low)
            lunch = (
                wall == time(12, 0)
                and re.search(r"\bmidi\b", span_low)
                and not re.search(r"(?:\ba|\bvers|\bpour|alentours\s+de|autour\s+de|environ)\s+midi\b", span_low)
                and not re.search(r"(?:\ba|\bvers|\bpour)\s*$", before)
            )
            item.walls = [LUNCHTIME] if lunch else [_point_range(wall, fuzzy)]
        else:
            item.walls = [expression.part_of_day]  # type: ignore[list-item]
        if _explicit_day(instant, span_low, ctx):
            item.days = _day_scope(instant, span_low, ctx)
            item.week_anchor = bool(SEMAINE.search(span_low))
        return item

    start, end = expression.interval_from, expression.interval_to
    if start is None and end is None:
        return None
    if grain in ("day", "week", "month", "quarter", "year", "second") or (WEEKEND.search(span_low) and not has_clock):
        if WEEKEND.search(span_low):
            anchor = (end or start).astimezone(ctx.tz).date()  # type: ignore[union-attr]
            if end is not None:
                anchor = anchor - timedelta(days=1)
            item.days = _day_scope(ctx.at(anchor), span_low, ctx)
            if expression.part_of_day is not None:
                item.walls = [expression.part_of_day]
            return item
        if start is not None and end is not None:
            item.days = [Interval(start, end)]
        elif start is not None:
            if re.match(r"\s*apres\b", span_low):
                start = ctx.at(start.astimezone(ctx.tz).date() + timedelta(days=1))  # "après le 15": from the 16th
            item.days = [
                Interval(start, max(ctx.horizon_end, ctx.at(start.astimezone(ctx.tz).date() + timedelta(days=1))))
            ]
        else:
            assert end is not None
            if re.match(r"\s*(?:jusqu|au\s+plus\s+tard|d'ici)", span_low):
                end = ctx.at(end.astimezone(ctx.tz).date() + timedelta(days=1))  # "jusqu'à mercredi" includes it
            item.days = [Interval(ctx.now, end)]
        return item

    # Hour-level interval: a part of day or explicit hours, maybe on a named day.
    reference = start or end
    assert reference is not None
    if has_clock:
        local_from = expression.local_from or (start.replace(tzinfo=None) if start else None)
        local_to = expression.local_to or (end.replace(tzinfo=None) if end else None)
        if local_from is not None and local_to is not None:
            first = _wall_of(local_from, span_low)
            last_local = _minus_grain(local_to, _end_grain(expression))
            last = _wall_of(last_local, span_low)
            if last_local.date() > local_from.date() and last == time(0):
                last = END_OF_DAY
            item.walls = [TimeRange(first, last)] if last > first else [TimeRange(first, END_OF_DAY)]
        elif local_from is not None:
            item.walls = [TimeRange(_wall_of(local_from, span_low), END_OF_DAY)]
        else:
            assert local_to is not None
            item.walls = [TimeRange(time(0), _wall_of(local_to, span_low))]
    elif expression.part_of_day is not None:
        item.walls = [expression.part_of_day]
    else:
        if start is None or end is None:
            return None
        item.walls = [TimeRange(start.astimezone(ctx.tz).time(), end.astimezone(ctx.tz).time())]
    if _explicit_day(reference, span_low, ctx):
        item.days = _day_scope(reference, span_low, ctx)
        item.week_anchor = bool(SEMAINE.search(span_low))
    return item


def _end_grain(expression: TimeExpression) -> str | None:
    """Duckling's closed intervals end one grain past the spoken end: "entre 9h et 11h" → 12:00."""
    return expression.grain
