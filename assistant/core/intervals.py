"""One algebra of half-open intervals ``[start, end)``, shared by slots, windows and time wishes.

It works on absolute intervals (:class:`~assistant.core.model.Interval`, aware datetimes: compute
them in UTC, see :mod:`assistant.core.windows`) and on wall-clock ranges within a day
(:class:`~assistant.core.model.TimeRange`); every result has the type of its inputs. Empty pieces
never appear in a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from assistant.core.model import Interval, TimeRange

Span = TypeVar("Span", Interval, TimeRange)


def overlap(a: Span, b: Span) -> bool:
    """Whether two half-open intervals share a moment (touching ones do not)."""
    return a.start < b.end and b.start < a.end


def union(spans: Iterable[Span]) -> list[Span]:
    """Sorted, with overlapping or touching intervals merged into one."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = type(span)(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def clip(spans: Iterable[Span], bound: Span) -> list[Span]:
    """The parts of ``spans`` inside ``bound``, in their order."""
    return intersection(spans, [bound])


def intersection(a: Iterable[Span], b: Sequence[Span]) -> list[Span]:
    """Every non-empty meeting of an interval of ``a`` with one of ``b``, in that order (not merged)."""
    out: list[Span] = []
    for x in a:
        for y in b:
            start, end = max(x.start, y.start), min(x.end, y.end)
            if start < end:
                out.append(type(x)(start, end))
    return out


def subtract(spans: Sequence[Span], holes: Iterable[Span]) -> list[Span]:
    """``spans`` minus ``holes``."""
    result = list(spans)
    for hole in holes:
        remaining: list[Span] = []
        for span in result:
            if not overlap(span, hole):
                remaining.append(span)
                continue
            if span.start < hole.start:
                remaining.append(type(span)(span.start, hole.start))
            if hole.end < span.end:
                remaining.append(type(span)(hole.end, span.end))
        result = remaining
    return result
