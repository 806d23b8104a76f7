"""French time wishes: what a patient says about *when*, read into a TimeWish.

Patients say *when* they would like to come in many ways ("mardi ou jeudi
après-midi", "pas avant 16h30", "le trois décembre à neuf heures", "euh le plus
tôt possible"). Duckling (``pyduckling-native-phihos``) recognises most French
time expressions, but its raw readings are not the patient's wish: parts of day
are wide ("matin" from 04:00), a morning hour already past is read as the
evening, interval ends are one grain past the spoken hour, "pas avant 16h30"
comes back as "avant 16h30", "été" in "j'ai été malade" is a season... This
package turns Duckling's raw output into a :class:`~assistant.core.windows.TimeWish`.

Neither Rasa nor Duckling is imported here: :mod:`assistant.nlu.time_wish` runs Duckling in its
worker process and passes its matches in (``duckling=``); without them the lexicon alone reads
the message. One module a job: ``cues`` (the words of bounds, negations and cues), ``expressions``
(lexicon phrases and Duckling matches, false positives dropped), ``items`` (what one expression
names), ``combination`` (lists, negations, clipping, the final wish), ``reading`` (the whole
message), ``serialisation`` (the slot value).

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

from assistant.language.fr.time_wishes.expressions import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_TIMEZONE,
    DucklingParse,
    TimeExpression,
    find_time_expressions,
    resolve_timezone,
)
from assistant.language.fr.time_wishes.reading import TimeWishAnalysis, analyse_time_wish
from assistant.language.fr.time_wishes.serialisation import from_serializable, to_serializable

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "DEFAULT_TIMEZONE",
    "DucklingParse",
    "TimeExpression",
    "TimeWishAnalysis",
    "analyse_time_wish",
    "find_time_expressions",
    "from_serializable",
    "resolve_timezone",
    "to_serializable",
]
