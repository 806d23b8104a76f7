"""The words and phrases that shape a time wish besides dates and times: bounds, negations, cues."""

from __future__ import annotations

import re
from datetime import time, timedelta

from assistant.core.model import TimeRange
from assistant.core.windows import END_OF_DAY
from assistant.language.fr.lexicon import MONTHS, WEEKDAYS

WHOLE_DAY = TimeRange(time(0, 0), END_OF_DAY)

#: A precise time ("à 14h30") is a window this long: the slot must *start* in it.
PRECISE_WINDOW = timedelta(minutes=1)
#: "vers 10h" is 10:00 plus or minus this.
APPROXIMATE_MARGIN = timedelta(minutes=30)
#: Hours the practice can plausibly mean when the spoken hour is ambiguous.
CLINIC_FIRST_HOUR, CLINIC_LAST_HOUR = 7, 20
#: Day-level readings starting later than this are taken as false positives.
FAR_FUTURE = timedelta(days=400)


EARLIEST = re.compile(
    r"\b(?:des\s+que\s+(?:possible|vous\s+(?:pouvez|avez|aurez)(?:\s+(?:une\s+)?(?:place|un\s+creneau))?)"
    r"|au\s+plus\s+vite|le\s+plus\s+(?:tot|vite|rapidement)(?:\s+possible)?|au\s+plus\s+pres"
    r"|(?:assez\s+|tres\s+)?rapidement|vite|urgent|en\s+urgence|urgence|asap|tout\s+de\s+suite|immediatement"
    r"|maintenant|(?:le|la)\s+premi(?:er|ere)\s+(?:creneau|rendez-vous|rdv|disponibilite|place|date|dispo)"
    r"(?:\s+(?:disponible|libre|possible))?|(?:le|la)\s+premi(?:er|ere)\s+(?:disponible|libre))\b"
)
SOONEST = re.compile(r"\bau\s+plus\s+tot\b")
AT_THE_LATEST = re.compile(r"\bau\s+plus\s+tard\b")
BY = re.compile(r"\bd'ici(?:\s+(?:a|au))?(?=\s)")
NOT_BEFORE_EARLIEST = re.compile(r"\b(?:pas|rien|n'est)\s+(?:(?:si|tres|trop|d'|de)\s+)?$")

MODIFIER_KINDS = ("soonest", "at_the_latest", "by")
WEEKDAY_RE = "|".join(WEEKDAYS)
MONTH_RE = "|".join(MONTHS)
SEASON_RE = "ete|hiver|printemps|automne"
HABITUAL = re.compile(rf"\b(?:(?:tous|toutes)\s+les\s+|les\s+|chaque\s+)?({WEEKDAY_RE})s\b|\bchaque\s+({WEEKDAY_RE})\b")
NEXT_WEEK_START = re.compile(r"\b(?:en\s+|au\s+)?(?:tout\s+)?debut\s+de\s+(?:la\s+)?semaine\s+prochaine\b")
NEXT_WEEK_END = re.compile(r"\b(?:en\s+|a\s+la\s+)?fin\s+de\s+(?:la\s+)?semaine\s+prochaine\b")
BY_END_OF_WEEK = re.compile(r"\b(?:avant|d'ici|pour)\s+la\s+fin\s+de\s+(?:la|cette)\s+semaine\b")
BY_END_OF_MONTH = re.compile(r"\b(?:avant|d'ici|pour)\s+la\s+fin\s+(?:du|de\s+ce)\s+mois\b")
LATER_TODAY = re.compile(r"\bplus\s+tard\s+dans\s+la\s+journee\b")
#: Text-message spellings of "demain" and "aujourd'hui", which Duckling does not read.
SMS_TOMORROW = re.compile(r"(?<![\w'])(?:dem1|2m1|2main)(?![\w'])")
SMS_TODAY = re.compile(r"(?<![\w'])(?:ajd|auj|aujd)(?![\w'])")

NEGATION_BEFORE = re.compile(
    r"\b(?:pas|sauf|hormis|excepte|jamais|surtout\s+pas)\s+(?:(?:disponibles?|dispos?|libres?|possible|le|la|les|l')\s*)?$"
)
FUZZY = re.compile(r"\b(?:vers|aux\s+alentours\s+de|autour\s+de|environ|a\s+peu\s+pres|approximativement)\b")
#: "depuis septembre", "mal depuis lundi": since when, a time past, not a wish.
SINCE = re.compile(r"\bdepuis\s*(?:le\s+|la\s+|l'|les\s+|ce\s+|cet\s+|cette\s+)?$")
FROM_BEFORE = re.compile(r"(?:\bdes|\ba\s+partir\s+d[eu']?|\bpas\s+avant)\s*$")
CORRECTION = re.compile(r"\b(?:non|plutot|pardon|je\s+veux\s+dire|enfin|finalement|en\s+fait)\b")
#: "vous n'auriez pas", "vous avez pas", "il reste pas": a question for the time, not an exclusion of it.
ASKING_FOR = re.compile(
    r"\b(?:auriez|avez|aurez|aviez|aurait|aura|avait|reste|resterait|restait)(?:[- ](?:vous|t[- ]il|il))?\s*$"
)
DISJUNCTION = re.compile(r"\bou\b|\bet\b|,|/|\bsinon\b|\bvoire\b")
STRONG_DISJUNCTION = re.compile(r"\bou\b|\bsinon\b")

CLOCK = re.compile(r"\d\s*h\b|\d\s*h\s*\d|\d:\d|\bheures?\b|\bminuit\b|\bmidi\b|\bquart\b|\bdemie?\b")
_NUMBER_WORDS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|premier"
)
DAY_CUE = re.compile(
    rf"\b(?:aujourd'?\s?hui|demain|apres[- ]demain|hier|{WEEKDAY_RE}|{MONTH_RE}"
    r"|semaines?|week[- ]?ends?|mois|jours?|quinzaine|en\s+huit)\b"
    r"|\b(?:ce|cet|cette)\s+(?:matin|matinee|soir|soiree|midi|apres|aprem|nuit)"
    rf"|\d{{1,2}}/\d{{1,2}}|\b(?:le|du|au)\s+(?:\d{{1,2}}|{_NUMBER_WORDS})\b"
)
TIME_CUE = re.compile(
    rf"\d|\b(?:heures?|midi|minuit|matin|matinee|soir|soiree|apres[- ]?midi|nuit|aujourd|demain|hier|{WEEKDAY_RE}"
    rf"|{MONTH_RE}|semaines?|week|mois|jours?|journee|quinzaine|quart|demie?|prochaine?|derniere?|{SEASON_RE}"
    r"|maintenant|suite|tard|tot)\b"
    rf"|\b(?:le|du|au)\s+(?:{_NUMBER_WORDS})"
)
_AMOUNT = r"(?:(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|quelques|demi|et|quart)[\s-]*)+"
RELATIVE_SHORT = re.compile(rf"\bdans\s+{_AMOUNT}(?:heures?|minutes?|min|h)\b")
RELATIVE_DAYS = re.compile(rf"\b(?:dans|d'ici)\s+{_AMOUNT}(?:jours?|semaines?|mois|quinzaine)\b")
SEASON = re.compile(rf"^(?:{SEASON_RE})$")
SEASON_KEEP = re.compile(r"\b(?:cet|en|l'|pendant\s+l'|durant\s+l')\s*$")
BARE_UNIT = re.compile(r"^(?:la\s+|le\s+|une\s+|un\s+)?(?:semaine|jour|mois|an|annee|journee)$")
ORDINAL_ALONE = re.compile(r"^(?:le|la)\s+(?:premier|premiere|1er|1ere|dernier|derniere)$")
SEMAINE = re.compile(r"\bsemaine\b")
WEEKEND = re.compile(r"\bweek[- ]?ends?\b")
