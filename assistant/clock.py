"""The injectable clock.

Tests, demos and evaluations run at a fixed time: ``ASSISTANT_NOW=2026-11-23T10:00``
freezes the clock everywhere (a naive value is read in the practice timezone). The
domain core never asks for the time itself; it receives ``now`` from a clock that
the composition root builds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Protocol

from dateutil import tz as dateutil_tz

NOW_ENV_VAR = "ASSISTANT_NOW"
DEFAULT_TIMEZONE = "Europe/Paris"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


@dataclass(frozen=True)
class SystemClock:
    tz: tzinfo

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(self.tz)


@dataclass(frozen=True)
class FixedClock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant


def get_timezone(name: str) -> tzinfo:
    zone = dateutil_tz.gettz(name)
    if zone is None:
        raise ValueError(f"Unknown timezone: {name!r}")
    return zone


def parse_instant(value: str, tz: tzinfo) -> datetime:
    """Parse an ISO date-time; a naive value is local time in ``tz``."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"{NOW_ENV_VAR} must be an ISO date-time such as 2026-11-23T10:00, not {value!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


def clock_from_env(tz: tzinfo | str = DEFAULT_TIMEZONE, environ: dict[str, str] | None = None) -> Clock:
    """A fixed clock when ``ASSISTANT_NOW`` is set, the system clock otherwise."""
    zone = get_timezone(tz) if isinstance(tz, str) else tz
    env = os.environ if environ is None else environ
    frozen = env.get(NOW_ENV_VAR, "").strip()
    if frozen:
        return FixedClock(parse_instant(frozen, zone))
    return SystemClock(zone)
