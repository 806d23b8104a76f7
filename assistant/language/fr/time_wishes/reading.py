"""A time wish from one message: expressions found, read, bounded ("au plus tard"), negated, combined."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from assistant.core.model import Interval, TimeRange
from assistant.core.text import fold_keeping_offsets as fold
from assistant.core.windows import (
    END_OF_DAY,
    TimeWish,
)
from assistant.language.fr.time_wishes.combination import (
    alternatives_of,
    apply_negations,
    clip_to_now,
    group_items,
    materialise,
    merge_walls,
    to_wish,
)
from assistant.language.fr.time_wishes.cues import ASKING_FOR, FROM_BEFORE, NEGATION_BEFORE
from assistant.language.fr.time_wishes.expressions import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_TIMEZONE,
    Context,
    DucklingParse,
    TimeExpression,
    find_expressions,
)
from assistant.language.fr.time_wishes.items import Item, item_from_duckling


@dataclass(frozen=True)
class TimeWishAnalysis:
    """The wish and what it was read from; ``start``/``end`` span every expression used."""

    wish: TimeWish
    expressions: tuple[TimeExpression, ...] = ()
    start: int | None = None
    end: int | None = None

    @property
    def found(self) -> bool:
        return bool(self.expressions)


def analyse_time_wish(
    text: str,
    now: datetime,
    tz: tzinfo | str = DEFAULT_TIMEZONE,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    duckling: DucklingParse | None = None,
) -> TimeWishAnalysis:
    """What the patient wants, from one utterance, relative to ``now`` (never the system clock).

    The wish (an open ``TimeWish()`` when the message says no time), with the expressions used
    and their overall span. Every reading choice is in :mod:`assistant.language.fr.time_wishes`.
    """
    ctx = Context.build(now, tz, horizon_days)
    expressions = find_expressions(text, ctx, duckling)
    low = fold(text)
    items: list[Item] = []
    used: list[TimeExpression] = []
    earliest = False
    modifiers: list[tuple[TimeExpression, str]] = []
    for expression in expressions:
        if expression.kind == "earliest":
            earliest = True
            used.append(expression)
            continue
        if expression.kind == "open":
            used.append(expression)
            continue
        if expression.kind in ("soonest", "at_the_latest", "by"):
            modifiers.append((expression, "from" if expression.kind == "soonest" else "until"))
            continue
        item = _item_from_expression(expression, low, ctx)
        if item is None:
            continue
        if item.walls is not None:
            item.walls = merge_walls(item.walls)
            if not item.walls:
                continue
        item = clip_to_now(item, ctx)
        if item is None:
            continue
        items.append(item)
        used.append(expression)

    for modifier, direction in modifiers:
        target = _adjacent_item(items, modifier, low)
        if target is None:
            if modifier.kind == "soonest":
                earliest = True  # "au plus tôt" on its own: the first possible slot
                used.append(modifier)
            continue
        _bound(target, direction, ctx)
        used.append(modifier)

    spans = [(e.start, e.end) for e in used]
    for item in items:
        window_start = max(0, item.start - 40)
        before = low[window_start : item.start]
        from_word = FROM_BEFORE.search(before)
        if from_word and not re.search(r"pas\s+avant\s*$", before) and (item.days is None) != (item.walls is None):
            _bound(item, "from", ctx)  # "dès lundi", "dès 8h"
            spans.append((window_start + from_word.start(), item.start))
        negation = NEGATION_BEFORE.search(before)
        if negation and ASKING_FOR.search(before[: negation.start()]):
            negation = None  # "vous n'auriez pas samedi matin ?" asks for Saturday morning
        item.negated = bool(negation)
        if negation:
            spans.append((window_start + negation.start(), item.start))

    positives = [item for item in items if not item.negated]
    negations = [item for item in items if item.negated]
    alternatives = (
        alternatives_of(group_items(positives, low), ctx) if positives else ([Item(0, 0)] if negations else [])
    )
    alternatives = [apply_negations(alt, negations, ctx) for alt in alternatives]
    wish = to_wish([a for a in alternatives if a.components()], earliest, ctx)
    if not used:
        return TimeWishAnalysis(wish)
    used.sort(key=lambda e: e.start)
    spans += [(e.start, e.end) for e in used if (e.start, e.end) not in spans]
    return TimeWishAnalysis(wish, tuple(used), min(s for s, _ in spans), max(e for _, e in spans))


def _item_from_expression(expression: TimeExpression, low: str, ctx: Context) -> Item | None:
    if expression.kind == "duckling":
        return item_from_duckling(expression, low, ctx)
    if expression.kind == "part_of_day" and expression.part_of_day is not None:
        return Item(expression.start, expression.end, walls=[expression.part_of_day])
    if expression.kind == "weekdays":
        return Item(expression.start, expression.end, weekdays=frozenset(expression.weekdays))
    if expression.kind == "period" and expression.interval_from and expression.interval_to:
        return Item(expression.start, expression.end, days=[Interval(expression.interval_from, expression.interval_to)])
    return None


def _adjacent_item(items: list[Item], modifier: TimeExpression, low: str) -> Item | None:
    """The item a bound modifier ("au plus tard", "d'ici") is glued to, if any."""
    for item in items:
        gap_after = low[modifier.end : item.start] if item.start >= modifier.end else None
        gap_before = low[item.end : modifier.start] if modifier.start >= item.end else None
        if gap_after is not None and re.fullmatch(r"[\s,]*(?:le\s+|la\s+|a\s+)?", gap_after):
            return item
        if gap_before is not None and modifier.kind != "by" and re.fullmatch(r"[\s,]*", gap_before):
            return item
    return None


def _bound(item: Item, direction: str, ctx: Context) -> None:
    """Turn an item into "from it on" or "until it (included)"."""
    if item.days is not None:
        if item.walls is not None:
            points = materialise(item, ctx)
            if not points:
                return
            item.days = (
                [Interval(points[0].start, max(ctx.horizon_end, points[-1].end))]
                if direction == "from"
                else [Interval(ctx.now, points[-1].end)]
            )
            item.walls = None
        else:
            first, last = min(d.start for d in item.days), max(d.end for d in item.days)
            item.days = (
                [Interval(first, max(ctx.horizon_end, last))] if direction == "from" else [Interval(ctx.now, last)]
            )
        item.bare_weekday = None
    elif item.walls is not None:
        first_wall, last_wall = item.walls[0].start, item.walls[-1].end
        item.walls = [TimeRange(first_wall, END_OF_DAY)] if direction == "from" else [TimeRange(time(0), last_wall)]
