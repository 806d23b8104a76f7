"""French time wishes with Duckling: the reading of :mod:`assistant.language.fr.time_wishes`, fed by Duckling.

Duckling (``pyduckling-native-phihos``) runs in a worker process of its own
(:mod:`assistant.nlu.duckling_process`); this module asks it for its matches and hands them to the
pure reading, which documents every choice. When the worker cannot answer, the lexicon alone reads
the message (the dialogue asks again for anything missed). No Rasa import here: the Rasa
component (``duckling_component``) is a thin wrapper.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any

from assistant.core.windows import TimeWish
from assistant.language.fr import time_wishes
from assistant.language.fr.time_wishes import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_TIMEZONE,
    TimeExpression,
    TimeWishAnalysis,
)
from assistant.nlu.duckling_process import DucklingProcess, DucklingUnavailable, shared_duckling

ZONEINFO_DIR = "/usr/share/zoneinfo"

logger = logging.getLogger(__name__)


def duckling_engine() -> DucklingProcess:
    """Duckling, in its own worker process (see :mod:`assistant.nlu.duckling_process`).

    Raises :class:`DucklingUnavailable` from ``parse`` when the worker cannot answer.
    """
    return shared_duckling(ZONEINFO_DIR)


def duckling_matches(text: str, tz_name: str, reference: datetime) -> list[dict[str, Any]]:
    """Duckling's raw matches, or none when its worker cannot answer."""
    try:
        return duckling_engine().parse(text, tz_name, reference)
    except DucklingUnavailable:
        # Read what the lexicon knows; the dialogue asks again for anything missed.
        logger.error("Duckling unavailable: dates and times in this message read by the lexicon only")
        return []


def find_time_expressions(text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE) -> list[TimeExpression]:
    """:func:`assistant.language.fr.time_wishes.find_time_expressions` with Duckling."""
    return time_wishes.find_time_expressions(text, now, tz, duckling_matches)


def analyse_time_wish(
    text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> TimeWishAnalysis:
    """:func:`assistant.language.fr.time_wishes.analyse_time_wish` with Duckling."""
    return time_wishes.analyse_time_wish(text, now, tz, horizon_days, duckling_matches)


def parse_time_wish(
    text: str, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> TimeWish:
    """What the patient wants, from one utterance, relative to ``now``, read with Duckling."""
    return analyse_time_wish(text, now, tz, horizon_days).wish
