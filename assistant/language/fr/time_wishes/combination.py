"""Items combined into a wish: lists, shared parts of day, negations, clipping to now, the final TimeWish."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time, timedelta

from assistant.core.intervals import intersection, subtract, union
from assistant.core.model import Interval, TimeRange
from assistant.core.windows import (
    END_OF_DAY,
    TimeWish,
    wish_intervals,
)
from assistant.language.fr.time_wishes.cues import CORRECTION, DISJUNCTION, FAR_FUTURE, STRONG_DISJUNCTION, WHOLE_DAY
from assistant.language.fr.time_wishes.expressions import Context
from assistant.language.fr.time_wishes.items import Item


@dataclass(frozen=True)
class _Alt:
    days: tuple[Interval, ...] | None
    walls: tuple[TimeRange, ...] | None
    weekdays: frozenset[int] | None


def _intersect_days(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    return union(intersection(a, b))


def _intersect_walls(a: Sequence[TimeRange], b: Sequence[TimeRange]) -> list[TimeRange]:
    return merge_walls(intersection(a, b))


def _normal_wall(wall: TimeRange) -> TimeRange | None:
    """Midnight as an end is the end of the day; an empty or reversed range is nothing."""
    end = END_OF_DAY if wall.end == time(0) else wall.end
    return TimeRange(wall.start, end) if wall.start < end else None


def merge_walls(walls: Iterable[TimeRange]) -> list[TimeRange]:
    return union(n for n in (_normal_wall(w) for w in walls) if n is not None)


def _weekday_days(days: Sequence[Interval], weekday: int, ctx: Context) -> list[Interval]:
    """The days with ``weekday`` inside ``days`` ("mardi" within "la semaine prochaine")."""
    out: list[Interval] = []
    for interval in days:
        day = interval.start.astimezone(ctx.tz).date()
        last = interval.end.astimezone(ctx.tz).date()
        while day <= last:
            if day.weekday() == weekday:
                out.extend(_intersect_days([ctx.day(day)], [interval]))
            day += timedelta(days=1)
    return out


def _combine(a: Item, b: Item, ctx: Context) -> Item | None:
    """Both constraints at once ("mardi" and "l'après-midi"); None if contradictory."""
    result = Item(min(a.start, b.start), max(a.end, b.end))
    if a.days is None or b.days is None:
        result.days = a.days if b.days is None else b.days
        result.bare_weekday = a.bare_weekday if b.days is None else b.bare_weekday
    else:
        days = _intersect_days(a.days, b.days)
        if not days:
            # "mardi, la semaine prochaine": the weekday is read inside the other range.
            for single, other in ((a, b), (b, a)):
                if single.bare_weekday is not None:
                    days = _weekday_days(other.days or [], single.bare_weekday, ctx)
                    if days:
                        break
        if not days:
            return None
        result.days = days
    if a.walls is None or b.walls is None:
        result.walls = a.walls if b.walls is None else b.walls
    else:
        result.walls = _intersect_walls(a.walls, b.walls) or _precise_over_part(a.walls, b.walls)
        if not result.walls:
            return None
    if a.weekdays is None or b.weekdays is None:
        result.weekdays = a.weekdays if b.weekdays is None else b.weekdays
    else:
        result.weekdays = a.weekdays & b.weekdays
        if not result.weekdays:
            return None
    result.week_anchor = a.week_anchor or b.week_anchor
    return result


def _span_minutes(walls: list[TimeRange]) -> int:
    return sum(
        (wall.end.hour * 60 + wall.end.minute if wall.end != END_OF_DAY else 24 * 60)
        - (wall.start.hour * 60 + wall.start.minute)
        for wall in walls
    )


def _precise_over_part(a: list[TimeRange], b: list[TimeRange]) -> list[TimeRange] | None:
    """A time said with a part of day it falls outside of: the time ("demain soir vers 17h" is 17h).

    The caller's "soir" starts earlier than the practice's 18:00; the hour is what they mean.
    """
    narrow, wide = (a, b) if _span_minutes(a) < _span_minutes(b) else (b, a)
    if _span_minutes(narrow) <= 90 < _span_minutes(wide):
        return narrow
    return None


def group_items(items: list[Item], low: str) -> list[list[Item]]:
    """Split positive items into conjunctive groups of alternatives.

    Items joined by "ou"/"sinon", or by "et"/"," when of the same nature (days with
    days, times with times), are alternatives; otherwise they constrain each other. A
    correction ("non", "plutôt") replaces the previous item's components.
    """
    groups: list[list[Item]] = []
    previous: Item | None = None
    for item in items:
        if previous is None:
            groups.append([item])
            previous = item
            continue
        gap = low[previous.end : item.start]
        # Days and weekdays are of one nature, times of day of another: "le vendredi si possible, en
        # fin d'après-midi" is one wish (Fridays, late), not "any Friday or any late afternoon".
        same_nature = bool({"D", "K"} & item.components()) == bool({"D", "K"} & previous.components())
        if CORRECTION.search(gap) and item.components() <= previous.components():
            merged = Item(previous.start, item.end)
            for name in ("days", "walls", "weekdays", "bare_weekday", "week_anchor"):
                setattr(merged, name, getattr(previous, name))
            if item.days is not None:
                merged.days, merged.bare_weekday, merged.week_anchor = item.days, item.bare_weekday, item.week_anchor
            if item.walls is not None:
                merged.walls = item.walls
            if item.weekdays is not None:
                merged.weekdays = item.weekdays
            group = groups[-1]
            group[group.index(previous)] = merged
            previous = merged
            continue
        short = len(gap.split()) <= 4
        if short and (STRONG_DISJUNCTION.search(gap) or (DISJUNCTION.search(gap) and same_nature)):
            groups[-1].append(item)  # "mardi ou jeudi"; "17h, sinon l'après-midi"
        else:
            groups.append([item])
        previous = item
    return groups


def _distribute(group: list[Item], ctx: Context) -> list[Item]:
    """ "mardi ou jeudi après-midi": the last member's time of day applies to all;
    "mardi ou jeudi de la semaine prochaine": its week too."""
    if len(group) < 2:
        return group
    last = group[-1]
    out = []
    for member in group:
        copy = Item(
            member.start,
            member.end,
            member.days,
            member.walls,
            member.weekdays,
            member.bare_weekday,
            member.week_anchor,
        )
        if member is not last:
            if copy.walls is None and last.walls is not None and copy.days is not None and last.days is not None:
                copy.walls = list(last.walls)
        out.append(copy)
    anchor = next((m for m in out if m.week_anchor and m.days), None)
    if anchor is not None:
        anchor_day = anchor.days[0].start.astimezone(ctx.tz).date()  # type: ignore[index]
        monday = anchor_day - timedelta(days=anchor_day.weekday())
        for member in out:
            if member.bare_weekday is not None and member is not anchor:
                member.days = [ctx.day(monday + timedelta(days=member.bare_weekday))]
    return out


def alternatives_of(groups: list[list[Item]], ctx: Context) -> list[Item]:
    alternatives: list[Item] = [Item(0, 0)]
    for group in groups:
        members = _distribute(group, ctx)
        combined = [c for alt in alternatives for m in members if (c := _combine(alt, m, ctx)) is not None]
        # Contradictory ("demain matin après 17h"): the last thing said wins.
        alternatives = combined or members
    return alternatives


def apply_negations(alt: Item, negations: list[Item], ctx: Context) -> Item:
    for negation in negations:
        if negation.bare_weekday is not None and negation.walls is None:
            alt.weekdays = frozenset(alt.weekdays if alt.weekdays is not None else range(7)) - {negation.bare_weekday}
        elif negation.weekdays is not None and negation.days is None:
            alt.weekdays = frozenset(alt.weekdays if alt.weekdays is not None else range(7)) - negation.weekdays
        elif negation.days is not None:
            holes = materialise(negation, ctx)
            alt.days = union(
                subtract(alt.days if alt.days is not None else [Interval(ctx.now, ctx.horizon_end)], holes)
            )
        elif negation.walls is not None:
            alt.walls = subtract(alt.walls if alt.walls is not None else [WHOLE_DAY], negation.walls)
    return alt


def materialise(item: Item, ctx: Context) -> list[Interval]:
    """Absolute intervals of one alternative (days x times of day x weekdays)."""
    days = item.days if item.days is not None else [Interval(ctx.now, ctx.horizon_end)]
    if not days:
        return []
    wish = TimeWish(
        intervals=tuple(days), day_parts=tuple(item.walls or ()), weekdays=tuple(sorted(item.weekdays or ()))
    )
    lower = min(d.start for d in days)
    upper = max(d.end for d in days)
    return [_in_tz(i, ctx) for i in wish_intervals(wish, lower, upper, ctx.tz)]


def _in_tz(interval: Interval, ctx: Context) -> Interval:
    return Interval(interval.start.astimezone(ctx.tz), interval.end.astimezone(ctx.tz))


def clip_to_now(item: Item, ctx: Context) -> Item | None:
    """Start every day window at ``now``; an expression wholly in the past is no wish."""
    if item.days is None:
        return item
    if item.days and all(d.end <= ctx.now for d in item.days):
        return None
    if item.days and min(d.start for d in item.days) > ctx.now + FAR_FUTURE:
        return None
    item.days = [
        _in_tz(d, ctx)
        for d in _intersect_days(item.days, [Interval(ctx.now, max(ctx.horizon_end, max(d.end for d in item.days)))])
    ]
    return item


def to_wish(alternatives: list[Item], earliest: bool, ctx: Context) -> TimeWish:
    if not alternatives:
        return TimeWish(earliest=earliest)
    frozen = []
    for alt in alternatives:
        frozen.append(
            _Alt(
                tuple(union(alt.days)) if alt.days is not None else None,
                tuple(merge_walls(alt.walls)) if alt.walls is not None else None,
                frozenset(alt.weekdays) if alt.weekdays is not None else None,
            )
        )
    unique = list(dict.fromkeys(frozen))

    def same(attribute: str) -> bool:
        return len({getattr(alt, attribute) for alt in unique}) == 1

    days: tuple[Interval, ...] | None
    walls: tuple[TimeRange, ...] | None
    weekdays: frozenset[int] | None
    if same("walls") and same("weekdays"):
        walls, weekdays = unique[0].walls, unique[0].weekdays
        days = None if any(a.days is None for a in unique) else tuple(union([d for a in unique for d in a.days or ()]))
    elif same("days") and same("weekdays"):
        days, weekdays = unique[0].days, unique[0].weekdays
        walls = (
            None
            if any(a.walls is None for a in unique)
            else tuple(merge_walls(w for a in unique for w in a.walls or ()))
        )
    elif same("days") and same("walls"):
        days, walls = unique[0].days, unique[0].walls
        weekdays = (
            None if any(a.weekdays is None for a in unique) else frozenset().union(*(a.weekdays or () for a in unique))
        )
    else:
        materialised = [
            i
            for alt in unique
            for i in materialise(
                Item(
                    0,
                    0,
                    list(alt.days) if alt.days is not None else None,
                    list(alt.walls) if alt.walls is not None else None,
                    alt.weekdays,
                ),
                ctx,
            )
        ]
        return TimeWish(intervals=tuple(_in_tz(i, ctx) for i in union(materialised)), earliest=earliest)
    if days is not None and not days and (walls or weekdays):
        days = ()
    return TimeWish(
        intervals=tuple(_in_tz(i, ctx) for i in union(list(days or ()))),
        day_parts=tuple(walls or ()) if walls != (WHOLE_DAY,) else (),
        weekdays=tuple(sorted(weekdays)) if weekdays is not None and len(weekdays) < 7 else (),
        earliest=earliest,
    )
