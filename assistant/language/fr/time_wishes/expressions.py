"""Time expressions in a message: the lexicon's phrases and Duckling's matches, false positives dropped.

Duckling itself is not called here: the caller passes its matches in (:data:`DucklingParse`, see
:mod:`assistant.nlu.time_wish`), so this reading runs, and is tested, without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from assistant.core.model import Interval, TimeRange
from assistant.core.text import fold_keeping_offsets as fold
from assistant.core.windows import (
    day_bounds,
    local_datetime,
)
from assistant.language.fr.lexicon import ANY_TIME, PARTS_OF_DAY, WEEKDAYS
from assistant.language.fr.time_wishes.cues import (
    AT_THE_LATEST,
    BARE_UNIT,
    BY,
    BY_END_OF_MONTH,
    BY_END_OF_WEEK,
    CLOCK,
    DAY_CUE,
    EARLIEST,
    HABITUAL,
    LATER_TODAY,
    MODIFIER_KINDS,
    NEXT_WEEK_END,
    NEXT_WEEK_START,
    NOT_BEFORE_EARLIEST,
    ORDINAL_ALONE,
    RELATIVE_DAYS,
    RELATIVE_SHORT,
    SEASON,
    SEASON_KEEP,
    SINCE,
    SMS_TODAY,
    SMS_TOMORROW,
    SOONEST,
    TIME_CUE,
)

DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_HORIZON_DAYS = 90

#: Duckling's raw matches for (text, IANA zone name, reference time); it may return [] when Duckling is down.
DucklingParse = Callable[[str, str, datetime], list[dict[str, Any]]]


def resolve_timezone(tz: tzinfo | str) -> tuple[tzinfo, str]:
    """The tzinfo and the IANA name Duckling needs (it takes names, not objects)."""
    from dateutil import tz as dateutil_tz

    if isinstance(tz, str):
        zone = dateutil_tz.gettz(tz)
        if zone is None:
            raise ValueError(f"Unknown timezone: {tz!r}")
        return zone, tz
    name = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if not name:
        filename = getattr(tz, "_filename", None)
        if filename:
            name = filename.split("zoneinfo/", 1)[-1]
    if not name and tz.utcoffset(datetime(2000, 1, 1)) == timedelta(0) and tz.tzname(datetime(2000, 1, 1)) == "UTC":
        name = "UTC"
    if not name:
        raise ValueError(f"Cannot find the IANA name of timezone {tz!r}; pass its name instead")
    return tz, name


@dataclass(frozen=True)
class TimeExpression:
    """One time expression found in the text.

    ``start``/``end`` are offsets into the original text and ``text`` is
    ``text[start:end]`` (never Duckling's ``body``, which is mis-decoded). ``kind``:

    - ``"duckling"``: a Duckling match, with ``grain`` and the resolved ``value``
      (instant) or ``interval_from``/``interval_to`` (either may be None), aware in
      the requested zone; ``part_of_day`` when the match names one;
    - ``"part_of_day"``: a part of day Duckling missed or read too narrowly;
    - ``"weekdays"``: habitual weekdays ("les mardis", "tous les jeudis");
    - ``"period"``: a lexicon period (``interval_from``/``interval_to`` set);
    - ``"earliest"``, ``"soonest"`` ("au plus tôt"), ``"at_the_latest"``, ``"by"``
      ("d'ici"), ``"open"`` ("n'importe quand").
    """

    start: int
    end: int
    text: str
    kind: str
    #: Duckling's reading: its grain ("hour", "day"), and the instant or the ends of the interval.
    grain: str | None = None
    value: datetime | None = None
    interval_from: datetime | None = None
    interval_to: datetime | None = None
    #: What the lexicon adds: the part of day the match names, the habitual weekdays it says.
    part_of_day: TimeRange | None = None
    weekdays: tuple[int, ...] = ()
    #: Duckling's wall-clock readings (naive, local): on a DST night they may name
    #: a time that does not exist, and the spoken hour is what a time of day needs.
    local_value: datetime | None = None
    local_from: datetime | None = None
    local_to: datetime | None = None


@dataclass(frozen=True)
class Context:
    now: datetime  # aware, in tz
    tz: tzinfo
    tz_name: str
    today: date
    midnight: datetime  # local midnight of today (aware, tz)
    horizon_end: datetime

    @classmethod
    def build(cls, now: datetime, tz: tzinfo | str, horizon_days: int) -> Context:
        zone, name = resolve_timezone(tz)
        if now.tzinfo is None:
            now = now.replace(tzinfo=zone)
        now = now.astimezone(zone)
        today = now.date()
        midnight = local_datetime(today, time(0), zone).astimezone(zone)
        horizon_end = (now.astimezone(timezone.utc) + timedelta(days=horizon_days)).astimezone(zone)
        return cls(now, zone, name, today, midnight, horizon_end)

    def at(self, day: date, wall: time = time(0)) -> datetime:
        return local_datetime(day, wall, self.tz).astimezone(self.tz)

    def days(self, first: date, last_exclusive: date) -> Interval:
        return Interval(self.at(first), self.at(last_exclusive))

    def day(self, day: date) -> Interval:
        bounds = day_bounds(day, self.tz)
        return Interval(bounds.start.astimezone(self.tz), bounds.end.astimezone(self.tz))


def _spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _contains(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _naive(value: str) -> datetime:
    """Duckling's local wall-clock time (its own offset is ignored: on DST nights it
    can name a wall time that does not exist, which ``local_datetime`` resolves)."""
    return datetime.fromisoformat(value).replace(tzinfo=None)


def _lexicon_expressions(text: str, low: str, ctx: Context) -> list[TimeExpression]:
    """Phrases Duckling misses or reads wrongly, first match wins on overlaps."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], kind: str, **extra: Any) -> None:
        span = match.span()
        if any(_spans_overlap(span, other) for other in taken):
            return
        taken.append(span)
        found.append(TimeExpression(span[0], span[1], text[span[0] : span[1]], kind, **extra))

    this_monday = ctx.today - timedelta(days=ctx.today.weekday())
    next_monday = this_monday + timedelta(days=7)
    tomorrow = ctx.today + timedelta(days=1)
    first_next_month = (ctx.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    periods = (
        (NEXT_WEEK_START, ctx.at(next_monday), ctx.at(next_monday + timedelta(days=2))),
        (NEXT_WEEK_END, ctx.at(next_monday + timedelta(days=3)), ctx.at(next_monday + timedelta(days=7))),
        (BY_END_OF_WEEK, ctx.now, ctx.at(next_monday)),
        (BY_END_OF_MONTH, ctx.now, ctx.at(first_next_month)),
        (LATER_TODAY, ctx.now, ctx.at(tomorrow)),
        (SMS_TOMORROW, ctx.at(tomorrow), ctx.at(tomorrow + timedelta(days=1))),
        (SMS_TODAY, ctx.now, ctx.at(tomorrow)),
    )
    for pattern, period_start, period_end in periods:
        for match in pattern.finditer(low):
            add(match, "period", grain="day", interval_from=period_start, interval_to=period_end)
    for match in ANY_TIME.finditer(low):
        add(match, "open")
    for match in SOONEST.finditer(low):
        add(match, "soonest")
    for match in AT_THE_LATEST.finditer(low):
        add(match, "at_the_latest")
    for match in EARLIEST.finditer(low):
        if NOT_BEFORE_EARLIEST.search(low[: match.start()]):
            continue  # "ce n'est pas urgent", "pas si vite"
        add(match, "earliest")
    for match in BY.finditer(low):
        add(match, "by")
    for match in HABITUAL.finditer(low):
        word = match.group(1) or match.group(2)
        add(match, "weekdays", weekdays=(WEEKDAYS.index(word),))
    return found


def _parts_of_day(low: str) -> list[tuple[int, int, TimeRange]]:
    """Non-overlapping part-of-day spans, most specific pattern first."""
    spans: list[tuple[int, int, TimeRange]] = []
    for pattern, wall in PARTS_OF_DAY:
        for match in pattern.finditer(low):
            start, end = match.span()
            # Do not let the determiner swallow a neighbour: "demain matin" keeps "demain".
            if any(_spans_overlap((start, end), (s, e)) for s, e, _ in spans):
                continue
            spans.append((start, end, wall))
    return sorted(spans, key=lambda span: span[0])


def _digit_group_run(text: str, start: int, end: int) -> int:
    """How many space-separated groups of 2 digits surround [start, end): phone numbers."""
    left = text[:start]
    right = text[end:]
    groups = len(re.findall(r"\d{2}", text[start:end]))
    # Both patterns can match the empty string, so they always match.
    before = re.search(r"(?:\d{2}[ .]?)*$", left)
    after = re.match(r"(?:[ .]?\d{2})*", right)
    groups += len(re.findall(r"\d{2}", before.group(0) if before else ""))
    groups += len(re.findall(r"\d{2}", after.group(0) if after else ""))
    return groups


def _is_false_positive(match: dict[str, Any], text: str, low: str, start: int, end: int) -> bool:
    span_low = low[start:end].strip()
    value = match["value"]
    grain = value.get("grain") or (value.get("from") or value.get("to") or {}).get("grain")
    if not TIME_CUE.search(span_low):
        return True  # "quatre-vingt", "vingt-cinq": numbers, not times
    if grain == "year":
        return True  # "je suis né en 1980"
    if SINCE.search(low[:start]) or span_low.startswith("depuis"):
        return True  # "je viens déjà depuis septembre": since when, not when
    if SEASON.match(span_low) and not SEASON_KEEP.search(low[:start]):
        return True  # "j'ai été malade"
    if BARE_UNIT.match(span_low):
        return True  # "une fois par semaine"
    if ORDINAL_ALONE.match(span_low):
        return True  # "je prends le premier": an option, not the 1st of the month
    if grain in ("hour", "minute", "second") and value.get("type") == "value":
        if not (CLOCK.search(span_low) or RELATIVE_SHORT.search(span_low) or RELATIVE_DAYS.search(span_low)):
            if not any(pattern.search(span_low) for pattern, _ in PARTS_OF_DAY) and not DAY_CUE.search(span_low):
                return True  # "deux enfants de 3 et 5 ans" read as 03:05
    return _digit_group_run(text, start, end) >= 4  # "06 12 34 56 78" read as 6 December 2034


def find_time_expressions(
    text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE, duckling: DucklingParse | None = None
) -> list[TimeExpression]:
    """Time expressions in ``text``, false positives removed, sorted by position.

    ``duckling`` is called with the reference time at local midnight of ``now``'s day
    (see :mod:`assistant.language.fr.time_wishes`); relative hours ("dans deux heures") are
    re-based on ``now``. Lexicon phrases (earliest, open, parts of day Duckling misses such
    as "l'aprèm", "la semaine prochaine" periods...) are added. Without ``duckling``, the
    lexicon alone reads the message.
    """
    ctx = Context.build(now, tz, DEFAULT_HORIZON_DAYS)
    return find_expressions(text, ctx, duckling)


def find_expressions(text: str, ctx: Context, duckling: DucklingParse | None) -> list[TimeExpression]:
    if not text or not text.strip():
        return []
    low = fold(text)
    lexicon = _lexicon_expressions(text, low, ctx)
    lexicon_spans = [(e.start, e.end) for e in lexicon]
    pods = _parts_of_day(low)
    matches = duckling(text, ctx.tz_name, ctx.midnight) if duckling is not None else []

    kept: list[TimeExpression] = []
    duckling_spans: list[tuple[int, int]] = []
    for match in sorted(matches, key=lambda m: (m["start"], -(m["end"] - m["start"]))):
        if match.get("dim") != "time":
            continue
        start, end = int(match["start"]), int(match["end"])
        span = (start, end)
        # Duckling reads "d'ici deux semaines" whole: its own modifier wins over the lexicon's.
        swallowed = [e for e in lexicon if e.kind in MODIFIER_KINDS and _contains(span, (e.start, e.end))]
        if any(_spans_overlap(span, (e.start, e.end)) for e in lexicon if e not in swallowed):
            continue
        if any(_contains((s, e), span) and (s, e) != span for s, e, _ in pods):
            continue  # "midi" inside "après-midi"
        if any(_contains(other, span) for other in duckling_spans):
            continue
        if any(_spans_overlap(span, other) for other in duckling_spans):
            # Overlapping readings: keep the longer, already kept (sorted by start, then length).
            continue
        if _is_false_positive(match, text, low, start, end):
            continue
        # A part of day inside the reading ("demain matin"), else one running over its end:
        # "mercredi matin de bonne heure" is read "mercredi matin" by Duckling, early by the lexicon.
        pod = next((wall for s, e, wall in pods if _contains(span, (s, e))), None) or next(
            (wall for s, e, wall in pods if _spans_overlap(span, (s, e))), None
        )
        expression = _from_duckling(match, text, low, start, end, pod, ctx)
        kept.append(expression)
        duckling_spans.append(span)
        lexicon = [e for e in lexicon if e not in swallowed]
        lexicon_spans = [(e.start, e.end) for e in lexicon]

    for s, e, wall in pods:
        if any(_spans_overlap((s, e), other) for other in duckling_spans + lexicon_spans):
            continue
        kept.append(TimeExpression(s, e, text[s:e], "part_of_day", part_of_day=wall))
    return sorted(kept + lexicon, key=lambda e: (e.start, e.end))


def _from_duckling(
    match: dict[str, Any], text: str, low: str, start: int, end: int, pod: TimeRange | None, ctx: Context
) -> TimeExpression:
    value = match["value"]
    span_low = low[start:end]
    relative = bool(RELATIVE_SHORT.search(span_low)) and not RELATIVE_DAYS.search(span_low)

    def resolve(raw: dict[str, Any] | None) -> tuple[datetime | None, str | None, datetime | None]:
        if not raw or raw.get("value") is None:
            return None, None, None
        naive = _naive(raw["value"])
        if relative:
            delta = naive - ctx.midnight.replace(tzinfo=None)
            instant = (ctx.now.astimezone(timezone.utc) + delta).astimezone(ctx.tz)
            return instant, raw.get("grain"), instant.replace(tzinfo=None)
        return local_datetime(naive.date(), naive.time(), ctx.tz).astimezone(ctx.tz), raw.get("grain"), naive

    if value.get("type") == "interval":
        start_dt, start_grain, start_local = resolve(value.get("from"))
        end_dt, end_grain, end_local = resolve(value.get("to"))
        return TimeExpression(
            start,
            end,
            text[start:end],
            "duckling",
            grain=end_grain or start_grain,
            interval_from=start_dt,
            interval_to=end_dt,
            part_of_day=pod,
            local_from=start_local,
            local_to=end_local,
        )
    instant, grain, local = resolve(value)
    return TimeExpression(
        start, end, text[start:end], "duckling", grain=grain, value=instant, part_of_day=pod, local_value=local
    )
