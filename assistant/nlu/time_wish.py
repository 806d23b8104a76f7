"""French date/time wishes and birth dates, with Duckling in process.

Patients say *when* they would like to come in many ways ("mardi ou jeudi
après-midi", "pas avant 16h30", "le trois décembre à neuf heures", "euh le plus
tôt possible"). Duckling (``pyduckling-native-phihos``) recognises most French
time expressions, but its raw readings are not the patient's wish: parts of day
are wide ("matin" from 04:00), a morning hour already past is read as the
evening, interval ends are one grain past the spoken hour, "pas avant 16h30"
comes back as "avant 16h30", "été" in "j'ai été malade" is a season... This
module turns Duckling's raw output into a :class:`~assistant.core.windows.TimeWish`.

No Rasa import here: the Rasa component (``duckling_component``) is a thin
wrapper, and actions can use :func:`from_serializable` without loading Rasa.

Semantics (the choices a booking assistant has to make; tests pin each one):

* Reading. Duckling runs with the reference time at *local midnight* of the day
  of ``now``: times of day are then read without Duckling's "already past today,
  so tonight/tomorrow" bias ("entre 9h et 11h" said at 15:00 is 09:00-11:00, not
  21:00-24:00). Relative expressions in hours/minutes ("dans deux heures") are
  re-based on the real ``now``. Ambiguous hours 1-6 (no "du matin"/"de la nuit")
  are read in the afternoon (clinic hours are 07:00-20:00): "à 3h" is 15:00.
* Structure. Days go to ``intervals`` (absolute, aware, in ``tz``), times of day go
  to ``day_parts`` (wall clock, applied on every day), habitual weekdays ("le
  mardi", "les mardis") to ``weekdays``. "lundi prochain à 14h30" is therefore
  ``intervals=[that Monday]`` + ``day_parts=[14:30-14:31]``. When alternatives
  do not share their times of day ("mardi matin ou jeudi après-midi"), each
  alternative is materialised into absolute intervals and ``day_parts`` stays empty.
* Clipping. Every interval starts at ``now`` at the earliest: "aujourd'hui" said at
  10:00 is [10:00, midnight); "cet après-midi" said at 15:00 gives 15:00-18:00
  through the day part. A wish entirely in the past ("hier", "je suis né le 12 mars
  1985") is not a wish and is dropped. "ce matin" said at 15:00 stays what it is,
  [now, midnight) with the morning part: no window at all, not an open wish, so
  the dialogue can say that this morning is over.
* Parts of day: matin 07-12, début de matinée 07-10, fin de matinée 10-12, midi
  (as a period: "ce midi", "demain midi", "entre midi et deux", "pause déjeuner")
  12-14, après-midi 12-18, début d'après-midi 13-15, fin d'après-midi / fin de
  journée 16-20, soir 18-23, début de soirée 18-20 (the constants of
  ``assistant.core.windows`` where they exist).
* Precise times: "à 14h30" is [14:30, 14:31): slot search requires a slot to
  *start* inside a window, so this asks for a slot starting at 14:30 exactly.
  "à midi" is 12:00 precisely, while a bare "midi" is the lunch period.
  "vers 10h" / "aux alentours de 10h" is [09:30, 10:30).
* Bounds: "après 16h30", "à partir de 17h", "pas avant 16h30", "dès 16h30",
  "au plus tôt à 16h30" → 16:30 to the end of the day (written "24:00"); "avant 10h" → midnight to 10:00; "avant mercredi" → [now, Wednesday
  00:00); "jusqu'à mercredi", "d'ici mercredi", "au plus tard mercredi" include
  Wednesday; "après le 15" starts on the 16th (strictly after), while "à partir
  du 15", "dès le 15", "pas avant le 15" start on the 15th; open ends are closed
  with ``now + horizon_days``.
* Days: a weekday name is the next such day strictly after today, as Duckling
  reads it: "lundi" said on a Monday is *next* Monday (a caller meaning today
  says "aujourd'hui" or "ce lundi", and "ce lundi" on a Monday is today).
  "mardi prochain" is the first Tuesday after today (the Académie française
  reading: the nearest one). The dialogue reads the date back to the patient.
  "la semaine prochaine" is Monday to Sunday of next week; "cette semaine" is
  now to Sunday night; "dans trois jours" is that day; fuzzy spans of a week or
  more ("dans quinze jours", "dans un mois") are a 7-day window starting on
  that day.
* Lists: "mardi ou jeudi" gives two intervals (merged when they touch); a part of
  day said after the last element applies to all ("mardi ou jeudi après-midi");
  "mardi ou jeudi de la semaine prochaine" puts both days in next week; a
  correction ("mardi, non, plutôt jeudi") replaces; "ou"/"sinon" between a day
  and a time of day ("demain ou l'après-midi") keeps both alternatives
  (materialised); "pas lundi", "sauf mercredi" exclude that weekday, "pas le
  matin" excludes mornings, "pas demain" excludes that day.
* "dès que possible", "au plus vite", "le plus tôt possible", "rapidement"... set
  ``earliest`` (Duckling finds nothing there); "n'importe quand", "peu importe"...
  are recognised as an open wish.
* False positives dropped: seasons ("j'ai été malade"), bare spelled-out numbers
  ("quatre-vingt"), numbers read as clock times without any clock word ("3 et 5"),
  years ("né en 1980"), bare ordinals used to pick an option ("le premier"; a
  bare "le deux" stays the 2nd of the month), phone numbers ("06 12 34 56 78"),
  "une fois par semaine", "une seconde".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from assistant.core.intervals import intersection, subtract, union
from assistant.core.model import Interval, TimeRange
from assistant.core.text import NUMBER_TEENS, NUMBER_TENS, NUMBER_UNITS
from assistant.core.text import fold_keeping_offsets as fold
from assistant.core.windows import (
    AFTERNOON,
    END_OF_DAY,
    EVENING,
    LATE_AFTERNOON,
    LUNCHTIME,
    MORNING,
    TimeWish,
    day_bounds,
    local_datetime,
    wish_intervals,
)
from assistant.nlu.duckling_process import DucklingProcess, DucklingUnavailable, shared_duckling

DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_HORIZON_DAYS = 90
ZONEINFO_DIR = "/usr/share/zoneinfo"

EARLY_MORNING = TimeRange(time(7, 0), time(10, 0))
LATE_MORNING = TimeRange(time(10, 0), time(12, 0))
EARLY_AFTERNOON = TimeRange(time(13, 0), time(15, 0))
EARLY_EVENING = TimeRange(time(18, 0), time(20, 0))
WHOLE_DAY = TimeRange(time(0, 0), END_OF_DAY)

#: A precise time ("à 14h30") is a window this long: the slot must *start* in it.
PRECISE_WINDOW = timedelta(minutes=1)
#: "vers 10h" is 10:00 plus or minus this.
APPROXIMATE_MARGIN = timedelta(minutes=30)
#: Hours the practice can plausibly mean when the spoken hour is ambiguous.
CLINIC_FIRST_HOUR, CLINIC_LAST_HOUR = 7, 20
#: Day-level readings starting later than this are taken as false positives.
FAR_FUTURE = timedelta(days=400)

logger = logging.getLogger(__name__)

WEEKDAY_WORDS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


# --------------------------------------------------------------------------- text


# --------------------------------------------------------------------------- Duckling


def duckling_engine() -> DucklingProcess:
    """Duckling, in its own worker process (see :mod:`assistant.nlu.duckling_process`).

    Raises :class:`DucklingUnavailable` from ``parse`` when the worker cannot answer.
    """
    return shared_duckling(ZONEINFO_DIR)


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


# --------------------------------------------------------------------------- lexicon

_DET = r"(?:(?:dans|en|pour|vers|pendant|durant|sur|au|tout)\s+)?(?:(?:le|la|les|ce|cet|cette|du|de la|de l'|l')\s*)?"
_APREM = r"(?:apres[- ]?midis?|apres[- ]m\b|aprem(?:s)?\b|apm\b)"

#: Parts of day, most specific first. Spans include their determiner ("dans l'après-midi").
PARTS_OF_DAY: tuple[tuple[re.Pattern[str], TimeRange], ...] = tuple(
    (re.compile(pattern), wall)
    for pattern, wall in (
        (rf"\b{_DET}(?:tout\s+)?debut\s+(?:de\s+|d'|d\s+)(?:la\s+)?mat(?:in|inee)\b", EARLY_MORNING),
        (r"\b(?:tres\s+)?(?:tot|de bonne heure)\s+(?:le|dans la|en)\s+mat(?:in|inee)\b", EARLY_MORNING),
        (rf"\b{_DET}mat(?:in|inee)\s+(?:tres\s+)?(?:tot|de\s+bonne\s+heure)\b", EARLY_MORNING),
        (r"\b(?:tres\s+)?de\s+bonne\s+heure\b", EARLY_MORNING),
        (r"\b(?:a\s+la\s+|en\s+)?premiere\s+heure\b", EARLY_MORNING),
        (rf"\b{_DET}fin\s+(?:de\s+|d'|d\s+)(?:la\s+)?mat(?:in|inee)\b", LATE_MORNING),
        (rf"\b{_DET}(?:tout\s+)?debut\s+(?:d'|d\s+|de\s+l'|de\s+l\s+|de\s+)\s*{_APREM}", EARLY_AFTERNOON),
        (rf"\b{_DET}(?:tout\s+)?fin\s+(?:d'|d\s+|de\s+l'|de\s+l\s+|de\s+)\s*{_APREM}", LATE_AFTERNOON),
        (rf"\b{_DET}fin\s+de\s+(?:la\s+)?journee\b", LATE_AFTERNOON),
        (rf"\b{_DET}debut\s+de\s+(?:la\s+)?soiree\b", EARLY_EVENING),
        (r"\bentre\s+midi\s+et\s+(?:deux|2|14\s*h(?:eures)?|quatorze\s+heures)\b", LUNCHTIME),
        (
            r"\b(?:a\s+|sur\s+|pendant\s+)?(?:l'heure|la\s+pause|le\s+temps)\s+(?:du\s+|de\s+|de\s+la\s+)?(?:midi|dejeuner)\b",
            LUNCHTIME,
        ),
        (r"\bpause\s+(?:de\s+)?(?:midi|dejeuner)\b", LUNCHTIME),
        (rf"\b{_DET}mat(?:in|inee)s?\b", MORNING),
        (rf"\b{_DET}{_APREM}", AFTERNOON),
        (rf"\b{_DET}soir(?:ee)?s?\b", EVENING),
    )
)

_EARLIEST = re.compile(
    r"\b(?:des\s+que\s+(?:possible|vous\s+(?:pouvez|avez|aurez)(?:\s+(?:une\s+)?(?:place|un\s+creneau))?)"
    r"|au\s+plus\s+vite|le\s+plus\s+(?:tot|vite|rapidement)(?:\s+possible)?|au\s+plus\s+pres"
    r"|(?:assez\s+|tres\s+)?rapidement|vite|urgent|en\s+urgence|urgence|asap|tout\s+de\s+suite|immediatement"
    r"|maintenant|(?:le|la)\s+premi(?:er|ere)\s+(?:creneau|rendez-vous|rdv|disponibilite|place|date|dispo)"
    r"(?:\s+(?:disponible|libre|possible))?|(?:le|la)\s+premi(?:er|ere)\s+(?:disponible|libre))\b"
)
_SOONEST = re.compile(r"\bau\s+plus\s+tot\b")
_AT_THE_LATEST = re.compile(r"\bau\s+plus\s+tard\b")
_BY = re.compile(r"\bd'ici(?:\s+(?:a|au))?(?=\s)")
_OPEN = re.compile(
    r"\b(?:n'?importe\s+(?:quand|quel\s+(?:jour|moment|creneau|horaire))|quand\s+vous\s+(?:voulez|pouvez)"
    r"|peu\s+importe(?:\s+(?:le\s+jour|l'heure|quand))?|ca\s+m'est\s+(?:egal|indifferent)|comme\s+vous\s+(?:voulez|preferez)"
    r"|je\s+suis\s+(?:tres\s+)?(?:flexible|disponible\s+tout\s+le\s+temps|dispo\s+tout\s+le\s+temps)"
    r"|a\s+tout\s+moment|(?:pas\s+de|aucune)\s+preference|quel\s+que\s+soit\s+le\s+(?:jour|moment))"
)
_NOT_BEFORE_EARLIEST = re.compile(r"\b(?:pas|rien|n'est)\s+(?:(?:si|tres|trop|d'|de)\s+)?$")

_MODIFIER_KINDS = ("soonest", "at_the_latest", "by")
_WEEKDAY_RE = "|".join(WEEKDAY_WORDS)
_HABITUAL = re.compile(
    rf"\b(?:(?:tous|toutes)\s+les\s+|les\s+|chaque\s+)?({_WEEKDAY_RE})s\b|\bchaque\s+({_WEEKDAY_RE})\b"
)
_NEXT_WEEK_START = re.compile(r"\b(?:en\s+|au\s+)?(?:tout\s+)?debut\s+de\s+(?:la\s+)?semaine\s+prochaine\b")
_NEXT_WEEK_END = re.compile(r"\b(?:en\s+|a\s+la\s+)?fin\s+de\s+(?:la\s+)?semaine\s+prochaine\b")
_BY_END_OF_WEEK = re.compile(r"\b(?:avant|d'ici|pour)\s+la\s+fin\s+de\s+(?:la|cette)\s+semaine\b")
_BY_END_OF_MONTH = re.compile(r"\b(?:avant|d'ici|pour)\s+la\s+fin\s+(?:du|de\s+ce)\s+mois\b")
_LATER_TODAY = re.compile(r"\bplus\s+tard\s+dans\s+la\s+journee\b")
#: Text-message spellings of "demain" and "aujourd'hui", which Duckling does not read.
_SMS_TOMORROW = re.compile(r"(?<![\w'])(?:dem1|2m1|2main)(?![\w'])")
_SMS_TODAY = re.compile(r"(?<![\w'])(?:ajd|auj|aujd)(?![\w'])")

_NEGATION_BEFORE = re.compile(
    r"\b(?:pas|sauf|hormis|excepte|jamais|surtout\s+pas)\s+(?:(?:disponibles?|dispos?|libres?|possible|le|la|les|l')\s*)?$"
)
_FUZZY = re.compile(r"\b(?:vers|aux\s+alentours\s+de|autour\s+de|environ|a\s+peu\s+pres|approximativement)\b")
_FROM_BEFORE = re.compile(r"(?:\bdes|\ba\s+partir\s+d[eu']?|\bpas\s+avant)\s*$")
_CORRECTION = re.compile(r"\b(?:non|plutot|pardon|je\s+veux\s+dire|enfin|finalement|en\s+fait)\b")
#: "vous n'auriez pas", "vous avez pas", "il reste pas": a question for the time, not an exclusion of it.
_ASKING_FOR = re.compile(
    r"\b(?:auriez|avez|aurez|aviez|aurait|aura|avait|reste|resterait|restait)(?:[- ](?:vous|t[- ]il|il))?\s*$"
)
_DISJUNCTION = re.compile(r"\bou\b|\bet\b|,|/|\bsinon\b|\bvoire\b")
_STRONG_DISJUNCTION = re.compile(r"\bou\b|\bsinon\b")

_CLOCK = re.compile(r"\d\s*h\b|\d\s*h\s*\d|\d:\d|\bheures?\b|\bminuit\b|\bmidi\b|\bquart\b|\bdemie?\b")
_NUMBER_WORDS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|premier"
)
_DAY_CUE = re.compile(
    rf"\b(?:aujourd'?\s?hui|demain|apres[- ]demain|hier|{_WEEKDAY_RE}|janvier|fevrier|mars|avril|mai|juin|juillet"
    r"|aout|septembre|octobre|novembre|decembre|semaines?|week[- ]?ends?|mois|jours?|quinzaine|en\s+huit)\b"
    r"|\b(?:ce|cet|cette)\s+(?:matin|matinee|soir|soiree|midi|apres|aprem|nuit)"
    rf"|\d{{1,2}}/\d{{1,2}}|\b(?:le|du|au)\s+(?:\d{{1,2}}|{_NUMBER_WORDS})\b"
)
_TIME_CUE = re.compile(
    rf"\d|\b(?:heures?|midi|minuit|matin|matinee|soir|soiree|apres[- ]?midi|nuit|aujourd|demain|hier|{_WEEKDAY_RE}"
    r"|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|semaines?|week"
    r"|mois|jours?|journee|quinzaine|quart|demie?|prochaine?|derniere?|ete|hiver|printemps|automne|maintenant|suite|tard|tot)\b"
    rf"|\b(?:le|du|au)\s+(?:{_NUMBER_WORDS})"
)
_AMOUNT = r"(?:(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|quelques|demi|et|quart)[\s-]*)+"
_RELATIVE_SHORT = re.compile(rf"\bdans\s+{_AMOUNT}(?:heures?|minutes?|min|h)\b")
_RELATIVE_DAYS = re.compile(rf"\b(?:dans|d'ici)\s+{_AMOUNT}(?:jours?|semaines?|mois|quinzaine)\b")
_SEASON = re.compile(r"^(?:ete|hiver|printemps|automne)$")
_SEASON_KEEP = re.compile(r"\b(?:cet|en|l'|pendant\s+l'|durant\s+l')\s*$")
_BARE_UNIT = re.compile(r"^(?:la\s+|le\s+|une\s+|un\s+)?(?:semaine|jour|mois|an|annee|journee)$")
_ORDINAL_ALONE = re.compile(r"^(?:le|la)\s+(?:premier|premiere|1er|1ere|dernier|derniere)$")
_SEMAINE = re.compile(r"\bsemaine\b")
_WEEKEND = re.compile(r"\bweek[- ]?ends?\b")


# --------------------------------------------------------------------------- expressions


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
    grain: str | None = None
    value: datetime | None = None
    interval_from: datetime | None = None
    interval_to: datetime | None = None
    part_of_day: TimeRange | None = None
    weekdays: tuple[int, ...] = ()
    #: Duckling's wall-clock readings (naive, local): on a DST night they may name
    #: a time that does not exist, and the spoken hour is what a time of day needs.
    local_value: datetime | None = None
    local_from: datetime | None = None
    local_to: datetime | None = None


@dataclass(frozen=True)
class _Context:
    now: datetime  # aware, in tz
    tz: tzinfo
    tz_name: str
    today: date
    midnight: datetime  # local midnight of today (aware, tz)
    horizon_end: datetime

    @classmethod
    def build(cls, now: datetime, tz: tzinfo | str, horizon_days: int) -> _Context:
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


def _lexicon_expressions(text: str, low: str, ctx: _Context) -> list[TimeExpression]:
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
    for match in _NEXT_WEEK_START.finditer(low):
        add(
            match,
            "period",
            grain="day",
            interval_from=ctx.at(next_monday),
            interval_to=ctx.at(next_monday + timedelta(days=2)),
        )
    for match in _NEXT_WEEK_END.finditer(low):
        add(
            match,
            "period",
            grain="day",
            interval_from=ctx.at(next_monday + timedelta(days=3)),
            interval_to=ctx.at(next_monday + timedelta(days=7)),
        )
    for match in _BY_END_OF_WEEK.finditer(low):
        add(match, "period", grain="day", interval_from=ctx.now, interval_to=ctx.at(next_monday))
    first_next_month = (ctx.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    for match in _BY_END_OF_MONTH.finditer(low):
        add(match, "period", grain="day", interval_from=ctx.now, interval_to=ctx.at(first_next_month))
    for match in _LATER_TODAY.finditer(low):
        add(match, "period", grain="day", interval_from=ctx.now, interval_to=ctx.at(ctx.today + timedelta(days=1)))
    tomorrow = ctx.today + timedelta(days=1)
    for match in _SMS_TOMORROW.finditer(low):
        add(
            match,
            "period",
            grain="day",
            interval_from=ctx.at(tomorrow),
            interval_to=ctx.at(tomorrow + timedelta(days=1)),
        )
    for match in _SMS_TODAY.finditer(low):
        add(match, "period", grain="day", interval_from=ctx.now, interval_to=ctx.at(tomorrow))
    for match in _OPEN.finditer(low):
        add(match, "open")
    for match in _SOONEST.finditer(low):
        add(match, "soonest")
    for match in _AT_THE_LATEST.finditer(low):
        add(match, "at_the_latest")
    for match in _EARLIEST.finditer(low):
        if _NOT_BEFORE_EARLIEST.search(low[: match.start()]):
            continue  # "ce n'est pas urgent", "pas si vite"
        add(match, "earliest")
    for match in _BY.finditer(low):
        add(match, "by")
    for match in _HABITUAL.finditer(low):
        word = match.group(1) or match.group(2)
        add(match, "weekdays", weekdays=(WEEKDAY_WORDS.index(word),))
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
    if not _TIME_CUE.search(span_low):
        return True  # "quatre-vingt", "vingt-cinq": numbers, not times
    if grain == "year":
        return True  # "je suis né en 1980"
    if _SEASON.match(span_low) and not _SEASON_KEEP.search(low[:start]):
        return True  # "j'ai été malade"
    if _BARE_UNIT.match(span_low):
        return True  # "une fois par semaine"
    if _ORDINAL_ALONE.match(span_low):
        return True  # "je prends le premier": an option, not the 1st of the month
    if grain in ("hour", "minute", "second") and value.get("type") == "value":
        if not (_CLOCK.search(span_low) or _RELATIVE_SHORT.search(span_low) or _RELATIVE_DAYS.search(span_low)):
            if not any(pattern.search(span_low) for pattern, _ in PARTS_OF_DAY) and not _DAY_CUE.search(span_low):
                return True  # "deux enfants de 3 et 5 ans" read as 03:05
    return _digit_group_run(text, start, end) >= 4  # "06 12 34 56 78" read as 6 December 2034


def find_time_expressions(text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE) -> list[TimeExpression]:
    """Time expressions in ``text``, false positives removed, sorted by position.

    Duckling is called with the reference time at local midnight of ``now``'s day
    (see the module docstring); relative hours ("dans deux heures") are re-based
    on ``now``. Lexicon phrases (earliest, open, parts of day Duckling misses such
    as "l'aprèm", "la semaine prochaine" periods...) are added.
    """
    ctx = _Context.build(now, tz, DEFAULT_HORIZON_DAYS)
    return _find(text, ctx)


def _find(text: str, ctx: _Context) -> list[TimeExpression]:
    if not text or not text.strip():
        return []
    low = fold(text)
    lexicon = _lexicon_expressions(text, low, ctx)
    lexicon_spans = [(e.start, e.end) for e in lexicon]
    pods = _parts_of_day(low)
    try:
        matches = duckling_engine().parse(text, ctx.tz_name, ctx.midnight)
    except DucklingUnavailable:
        # Read what the lexicon knows; the dialogue asks again for anything missed.
        logger.error("Duckling unavailable: dates and times in this message read by the lexicon only")
        matches = []

    kept: list[TimeExpression] = []
    duckling_spans: list[tuple[int, int]] = []
    for match in sorted(matches, key=lambda m: (m["start"], -(m["end"] - m["start"]))):
        if match.get("dim") != "time":
            continue
        start, end = int(match["start"]), int(match["end"])
        span = (start, end)
        # Duckling reads "d'ici deux semaines" whole: its own modifier wins over the lexicon's.
        swallowed = [e for e in lexicon if e.kind in _MODIFIER_KINDS and _contains(span, (e.start, e.end))]
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
    match: dict[str, Any], text: str, low: str, start: int, end: int, pod: TimeRange | None, ctx: _Context
) -> TimeExpression:
    value = match["value"]
    span_low = low[start:end]
    relative = bool(_RELATIVE_SHORT.search(span_low)) and not _RELATIVE_DAYS.search(span_low)

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


# --------------------------------------------------------------------------- interpretation


@dataclass
class _Item:
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


def _explicit_day(instant: datetime, span_low: str, ctx: _Context) -> bool:
    """Does the expression name a day, or only a time of day (read on today by Duckling)?"""
    return instant.astimezone(ctx.tz).date() != ctx.today or bool(_DAY_CUE.search(span_low))


def _named_day(instant: datetime, span_low: str, ctx: _Context) -> date:
    """The local day of a reading, with today's weekday name meaning next week.

    Read from midnight, "lundi matin" said on a Monday is today, while "lundi" alone
    is next Monday: both are made next Monday ("ce lundi" stays today).
    """
    day = instant.astimezone(ctx.tz).date()
    if day == ctx.today and re.search(rf"\b{WEEKDAY_WORDS[day.weekday()]}\b", span_low):
        if not re.search(rf"\b(?:ce|aujourd'?\s?hui)\s+{WEEKDAY_WORDS[day.weekday()]}\b", span_low):
            day += timedelta(days=7)
    return day


def _day_scope(instant: datetime, span_low: str, ctx: _Context) -> list[Interval]:
    """The day(s) a composite expression names: a day, or a whole week/weekend."""
    day = _named_day(instant, span_low, ctx)
    if _WEEKEND.search(span_low):
        saturday = day - timedelta(days=1) if day.weekday() == 6 else day + timedelta(days=5 - day.weekday())
        return [ctx.days(saturday, saturday + timedelta(days=2))]
    if _SEMAINE.search(span_low) and not re.search(rf"\b(?:{_WEEKDAY_RE})\b|\d", span_low):
        monday = day - timedelta(days=day.weekday())
        return [ctx.days(monday, monday + timedelta(days=7))]
    return [ctx.day(day)]


def _bare_weekday(span_low: str) -> int | None:
    found = re.fullmatch(rf"\s*(?:(?:ce|le)\s+)?({_WEEKDAY_RE})\s*", span_low)
    return WEEKDAY_WORDS.index(found.group(1)) if found else None


def _item_from_duckling(expression: TimeExpression, low: str, ctx: _Context) -> _Item | None:
    span_low = low[expression.start : expression.end]
    before = low[max(0, expression.start - 40) : expression.start]
    fuzzy = bool(_FUZZY.search(span_low) or re.search(r"(?:vers|alentours\s+de|autour\s+de|environ)\s*$", before))
    has_clock = bool(_CLOCK.search(_mask_parts_of_day(span_low)))
    item = _Item(expression.start, expression.end)
    grain = expression.grain

    if expression.value is not None:
        instant = expression.value
        local_day = instant.astimezone(ctx.tz).date()
        if grain in ("quarter", "year"):
            return None
        if _RELATIVE_SHORT.search(span_low) and not _RELATIVE_DAYS.search(span_low):
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
        if _RELATIVE_DAYS.search(span_low) and not has_clock:
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
            item.week_anchor = bool(_SEMAINE.search(span_low)) and grain == "day"
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
            item.week_anchor = bool(_SEMAINE.search(span_low))
        return item

    start, end = expression.interval_from, expression.interval_to
    if start is None and end is None:
        return None
    if grain in ("day", "week", "month", "quarter", "year", "second") or (_WEEKEND.search(span_low) and not has_clock):
        if _WEEKEND.search(span_low):
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
        item.week_anchor = bool(_SEMAINE.search(span_low))
    return item


def _end_grain(expression: TimeExpression) -> str | None:
    """Duckling's closed intervals end one grain past the spoken end: "entre 9h et 11h" → 12:00."""
    return expression.grain


# --------------------------------------------------------------------------- combination


@dataclass(frozen=True)
class _Alt:
    days: tuple[Interval, ...] | None
    walls: tuple[TimeRange, ...] | None
    weekdays: frozenset[int] | None


def _intersect_days(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    return union(intersection(a, b))


def _intersect_walls(a: Sequence[TimeRange], b: Sequence[TimeRange]) -> list[TimeRange]:
    return _merge_walls(intersection(a, b))


def _normal_wall(wall: TimeRange) -> TimeRange | None:
    """Midnight as an end is the end of the day; an empty or reversed range is nothing."""
    end = END_OF_DAY if wall.end == time(0) else wall.end
    return TimeRange(wall.start, end) if wall.start < end else None


def _merge_walls(walls: Iterable[TimeRange]) -> list[TimeRange]:
    return union(n for n in (_normal_wall(w) for w in walls) if n is not None)


def _weekday_days(days: Sequence[Interval], weekday: int, ctx: _Context) -> list[Interval]:
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


def _combine(a: _Item, b: _Item, ctx: _Context) -> _Item | None:
    """Both constraints at once ("mardi" and "l'après-midi"); None if contradictory."""
    result = _Item(min(a.start, b.start), max(a.end, b.end))
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


def _group(items: list[_Item], low: str) -> list[list[_Item]]:
    """Split positive items into conjunctive groups of alternatives.

    Items joined by "ou"/"sinon", or by "et"/"," when of the same nature (days with
    days, times with times), are alternatives; otherwise they constrain each other. A
    correction ("non", "plutôt") replaces the previous item's components.
    """
    groups: list[list[_Item]] = []
    previous: _Item | None = None
    for item in items:
        if previous is None:
            groups.append([item])
            previous = item
            continue
        gap = low[previous.end : item.start]
        # Days and weekdays are of one nature, times of day of another: "le vendredi si possible, en
        # fin d'après-midi" is one wish (Fridays, late), not "any Friday or any late afternoon".
        same_nature = bool({"D", "K"} & item.components()) == bool({"D", "K"} & previous.components())
        if _CORRECTION.search(gap) and item.components() <= previous.components():
            merged = _Item(previous.start, item.end)
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
        if short and (_STRONG_DISJUNCTION.search(gap) or (_DISJUNCTION.search(gap) and same_nature)):
            groups[-1].append(item)  # "mardi ou jeudi"; "17h, sinon l'après-midi"
        else:
            groups.append([item])
        previous = item
    return groups


def _distribute(group: list[_Item], ctx: _Context) -> list[_Item]:
    """ "mardi ou jeudi après-midi": the last member's time of day applies to all;
    "mardi ou jeudi de la semaine prochaine": its week too."""
    if len(group) < 2:
        return group
    last = group[-1]
    out = []
    for member in group:
        copy = _Item(
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


def _alternatives(groups: list[list[_Item]], ctx: _Context) -> list[_Item]:
    alternatives: list[_Item] = [_Item(0, 0)]
    for group in groups:
        members = _distribute(group, ctx)
        combined = [c for alt in alternatives for m in members if (c := _combine(alt, m, ctx)) is not None]
        # Contradictory ("demain matin après 17h"): the last thing said wins.
        alternatives = combined or members
    return alternatives


def _apply_negations(alt: _Item, negations: list[_Item], ctx: _Context) -> _Item:
    for negation in negations:
        if negation.bare_weekday is not None and negation.walls is None:
            alt.weekdays = frozenset(alt.weekdays if alt.weekdays is not None else range(7)) - {negation.bare_weekday}
        elif negation.weekdays is not None and negation.days is None:
            alt.weekdays = frozenset(alt.weekdays if alt.weekdays is not None else range(7)) - negation.weekdays
        elif negation.days is not None:
            holes = _materialise(negation, ctx)
            alt.days = union(
                subtract(alt.days if alt.days is not None else [Interval(ctx.now, ctx.horizon_end)], holes)
            )
        elif negation.walls is not None:
            alt.walls = subtract(alt.walls if alt.walls is not None else [WHOLE_DAY], negation.walls)
    return alt


def _materialise(item: _Item, ctx: _Context) -> list[Interval]:
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


def _in_tz(interval: Interval, ctx: _Context) -> Interval:
    return Interval(interval.start.astimezone(ctx.tz), interval.end.astimezone(ctx.tz))


def _clip_to_now(item: _Item, ctx: _Context) -> _Item | None:
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


def _to_wish(alternatives: list[_Item], earliest: bool, ctx: _Context) -> TimeWish:
    if not alternatives:
        return TimeWish(earliest=earliest)
    frozen = []
    for alt in alternatives:
        frozen.append(
            _Alt(
                tuple(union(alt.days)) if alt.days is not None else None,
                tuple(_merge_walls(alt.walls)) if alt.walls is not None else None,
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
            else tuple(_merge_walls(w for a in unique for w in a.walls or ()))
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
            for i in _materialise(
                _Item(
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
    text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> TimeWishAnalysis:
    """:func:`parse_time_wish` plus the expressions used and their overall span."""
    ctx = _Context.build(now, tz, horizon_days)
    expressions = _find(text, ctx)
    low = fold(text)
    items: list[_Item] = []
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
            item.walls = _merge_walls(item.walls)
            if not item.walls:
                continue
        item = _clip_to_now(item, ctx)
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
        from_word = _FROM_BEFORE.search(before)
        if from_word and not re.search(r"pas\s+avant\s*$", before) and (item.days is None) != (item.walls is None):
            _bound(item, "from", ctx)  # "dès lundi", "dès 8h"
            spans.append((window_start + from_word.start(), item.start))
        negation = _NEGATION_BEFORE.search(before)
        if negation and _ASKING_FOR.search(before[: negation.start()]):
            negation = None  # "vous n'auriez pas samedi matin ?" asks for Saturday morning
        item.negated = bool(negation)
        if negation:
            spans.append((window_start + negation.start(), item.start))

    positives = [item for item in items if not item.negated]
    negations = [item for item in items if item.negated]
    alternatives = _alternatives(_group(positives, low), ctx) if positives else ([_Item(0, 0)] if negations else [])
    alternatives = [_apply_negations(alt, negations, ctx) for alt in alternatives]
    wish = _to_wish([a for a in alternatives if a.components()], earliest, ctx)
    if not used:
        return TimeWishAnalysis(wish)
    used.sort(key=lambda e: e.start)
    spans += [(e.start, e.end) for e in used if (e.start, e.end) not in spans]
    return TimeWishAnalysis(wish, tuple(used), min(s for s, _ in spans), max(e for _, e in spans))


def parse_time_wish(
    text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> TimeWish:
    """What the patient wants, from one utterance, relative to ``now`` (never the system clock).

    An utterance with no time expression gives an open wish (``TimeWish()``).
    See the module docstring for every reading choice.
    """
    return analyse_time_wish(text, now, tz, horizon_days).wish


def _item_from_expression(expression: TimeExpression, low: str, ctx: _Context) -> _Item | None:
    if expression.kind == "duckling":
        return _item_from_duckling(expression, low, ctx)
    if expression.kind == "part_of_day" and expression.part_of_day is not None:
        return _Item(expression.start, expression.end, walls=[expression.part_of_day])
    if expression.kind == "weekdays":
        return _Item(expression.start, expression.end, weekdays=frozenset(expression.weekdays))
    if expression.kind == "period" and expression.interval_from and expression.interval_to:
        return _Item(
            expression.start, expression.end, days=[Interval(expression.interval_from, expression.interval_to)]
        )
    return None


def _adjacent_item(items: list[_Item], modifier: TimeExpression, low: str) -> _Item | None:
    """The item a bound modifier ("au plus tard", "d'ici") is glued to, if any."""
    for item in items:
        gap_after = low[modifier.end : item.start] if item.start >= modifier.end else None
        gap_before = low[item.end : modifier.start] if modifier.start >= item.end else None
        if gap_after is not None and re.fullmatch(r"[\s,]*(?:le\s+|la\s+|a\s+)?", gap_after):
            return item
        if gap_before is not None and modifier.kind != "by" and re.fullmatch(r"[\s,]*", gap_before):
            return item
    return None


def _bound(item: _Item, direction: str, ctx: _Context) -> None:
    """Turn an item into "from it on" or "until it (included)"."""
    if item.days is not None:
        if item.walls is not None:
            points = _materialise(item, ctx)
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


# --------------------------------------------------------------------------- serialisation


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


# --------------------------------------------------------------------------- birth dates

_UNITS, _TEENS, _TENS = NUMBER_UNITS, NUMBER_TEENS, NUMBER_TENS
_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_ORDINAL_ONE = {"premier", "1er", "1ere", "premiere"}
_FILLERS = {
    "euh",
    "heu",
    "hum",
    "ben",
    "bah",
    "le",
    "la",
    "l",
    "en",
    "de",
    "du",
    "et",
    "a",
    "ne",
    "nee",
    "né",
    "suis",
    "je",
    "j",
    "ai",
}
_MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class _Number:
    value: int
    digits: int  # how many digits it was said/written with (2 for "zéro trois", "85")
    written: bool  # written in digits (not words)
    first: int = 0  # token indexes covered: [first, last)
    last: int = 0


@dataclass(frozen=True)
class _Word:
    text: str
    first: int
    last: int


def french_number_tokens(words: Sequence[str]) -> list[_Number | _Word]:
    """Group French number words into numbers; other tokens pass through as words.

    "mille neuf cent quatre vingt cinq" → 1985, "dix neuf cent" → 1900,
    "douze zero trois quatre vingt cinq" → 12, 03, 85 (a zero followed by a unit is a
    two-digit group, as when reading a date digit by digit). Words are folded
    (lowercase, no accents), as :func:`fold` makes them.
    """
    out: list[_Number | _Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            out.append(_Number(int(word), len(word), True, i, i + 1))
            i += 1
            continue
        if word in _ORDINAL_ONE:
            out.append(_Number(1, 1, False, i, i + 1))
            i += 1
            continue
        if word == "zero":
            if i + 1 < len(words) and words[i + 1] in _UNITS and words[i + 1] != "zero":
                out.append(_Number(_UNITS[words[i + 1]], 2, False, i, i + 2))
                i += 2
            else:
                out.append(_Number(0, 1, False, i, i + 1))
                i += 1
            continue
        total, current, last, j = 0, 0, None, i
        while j < len(words):
            w = words[j]
            if w == "et" and last == "tens" and j + 1 < len(words) and words[j + 1] in ("un", "une", "onze"):
                j += 1
                continue
            if w in _UNITS and w != "zero":
                unit = _UNITS[w]
                if last is None or last in ("cent", "mille"):
                    current += unit
                elif last == "tens" and current % 10 == 0:
                    current += unit
                elif last == "dix" and current % 100 in (10, 70, 90) and unit in (7, 8, 9):
                    current += unit
                else:
                    break
                last = "unit"
            elif w in _TEENS:
                teen = _TEENS[w]
                if last is None or last in ("cent", "mille"):
                    current += teen
                elif last == "tens" and current % 100 in (60, 80):
                    current += teen
                else:
                    break
                last = "dix" if w == "dix" else "teen"
            elif w in _TENS:
                if w.startswith("vingt") and last == "unit" and current % 100 == 4:
                    current += 76  # quatre vingt(s)
                elif last is None or last in ("cent", "mille"):
                    current += _TENS[w]
                else:
                    break
                last = "tens"
            elif w in ("cent", "cents"):
                if current >= 100 and last != "mille":
                    break
                small = current % 1000
                current = current - small + (small or 1) * 100
                last = "cent"
            elif w in ("mille", "mil"):
                if total or current >= 1000:
                    break
                total += (current or 1) * 1000
                current = 0
                last = "mille"
            else:
                break
            j += 1
        if j == i:
            out.append(_Word(word, i, i + 1))
            i += 1
            continue
        value = total + current
        out.append(_Number(value, len(str(value)), False, i, j))
        i = j
    return out


_TOKEN = re.compile(r"[^\s/.\-,;:'()]+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their offsets in ``text`` ("1er" is read "1")."""
    tokens = []
    for match in _TOKEN.finditer(fold(text)):
        word = re.sub(r"^(\d+)(?:er|ere)$", r"\1", match.group(0))
        tokens.append((word, match.start(), match.end()))
    return tokens


def _year(number: _Number, day: int, month: int, today: date) -> int | None:
    if number.digits == 4 or number.value >= 1000:
        return number.value
    if number.value < 100 and (number.digits == 2 or not number.written):
        year = 2000 + number.value
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:
            return None
        return 1900 + number.value
    return None


def _valid_birth_date(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is None:
        return None
    try:
        candidate = date(year, month, day)
    except ValueError:
        return None  # 31 février
    if candidate > today:
        return None
    try:
        oldest = today.replace(year=today.year - _MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - _MAX_AGE_YEARS, day=28)
    if candidate < oldest:
        return None
    return candidate


@dataclass(frozen=True)
class BirthDateMatch:
    """A birth date found in a text, with its span (offsets into the original text)."""

    value: date
    start: int
    end: int
    text: str


def find_birth_date(text: str, now: datetime | date) -> BirthDateMatch | None:
    """Like :func:`parse_birth_date`, with where the date was said."""
    today = now.date() if isinstance(now, datetime) else now
    tokens = _tokens(text)
    elements = [
        e for e in french_number_tokens([t for t, _, _ in tokens]) if not (isinstance(e, _Word) and e.text in _FILLERS)
    ]

    def match(found: date | None, first: _Number | _Word, last: _Number | _Word) -> BirthDateMatch | None:
        if found is None:
            return None
        start, end = tokens[first.first][1], tokens[last.last - 1][2]
        return BirthDateMatch(found, start, end, text[start:end])

    for index, element in enumerate(elements):
        if not isinstance(element, _Number):
            continue
        run_start = index == 0 or not isinstance(elements[index - 1], _Number)
        if not run_start:
            continue
        # "12 mars 1985", "premier janvier quatre-vingt-dix"
        if index + 2 < len(elements):
            month_word, year_number = elements[index + 1], elements[index + 2]
            if isinstance(month_word, _Word) and month_word.text in _MONTHS and isinstance(year_number, _Number):
                if 1 <= element.value <= 31:
                    month = _MONTHS[month_word.text]
                    year = _year(year_number, element.value, month, today)
                    found = match(_valid_birth_date(element.value, month, year, today), element, year_number)
                    if found:
                        return found
        run: list[_Number] = [element]
        for following in elements[index + 1 :]:
            if not isinstance(following, _Number):
                break
            run.append(following)
        if len(run) == 3:  # "12 03 85", "12/03/1985", "douze zéro trois quatre-vingt-cinq", ISO
            first, second, third = run
            if first.digits == 4 and first.value >= 1000:
                candidate = _valid_birth_date(third.value, second.value, first.value, today)
            else:
                year = _year(third, first.value, second.value, today)
                candidate = _valid_birth_date(first.value, second.value, year, today)
            found = match(candidate, first, third)
            if found:
                return found
        elif len(run) == 1 and element.written and element.digits in (6, 8):  # keypad "12031985"
            digits = str(element.value).zfill(element.digits)
            day, month = int(digits[:2]), int(digits[2:4])
            year = _year(_Number(int(digits[4:]), element.digits - 4, True), day, month, today)
            candidate = _valid_birth_date(day, month, year, today)
            if candidate is None and element.digits == 8:
                candidate = _valid_birth_date(int(digits[6:]), int(digits[4:6]), int(digits[:4]), today)  # 19850312
            found = match(candidate, element, element)
            if found:
                return found
    return None


def parse_birth_date(text: str, now: datetime | date) -> date | None:
    """A birth date as patients say or type it, or None.

    Accepts "12 mars 1985", "le douze mars mille neuf cent quatre-vingt-cinq",
    "12/03/1985", "12-03-1985", "1985-03-12", "12 03 85", "douze zéro trois
    quatre-vingt-cinq", keypad input "12031985" / "120385". Two-digit years are
    20xx unless that would be in the future, then 19xx. Impossible dates
    (31 février), future dates and people older than 120 years give None. A run of
    more than three numbers (a phone number) is never read as a date. Duckling is
    not needed here: spelled-out years ("mille neuf cent...") are where it fails.
    """
    found = find_birth_date(text, now)
    return found.value if found else None


_BIRTH_CUE = re.compile(r"\bne(?:e|\(e\))?\s+(?:le|en|au)\b|\bnaissance\b|\bne(?:e)?\s+\d")


def mentions_birth(text: str) -> bool:
    """Whether the utterance talks about a birth ("je suis née le...", "date de naissance")."""
    return bool(_BIRTH_CUE.search(fold(text)))
