"""French public holidays, computed rather than listed.

A practice configuration never has to list "lundi de Pâques 2027": the eleven
national holidays (and the two extra days of Alsace-Moselle) follow from the year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import EASTER_WESTERN, easter


@lru_cache(maxsize=64)
def french_public_holidays(year: int, region: str = "metropole") -> dict[date, str]:
    """Return the public holidays of ``year`` as {date: French name}.

    ``region`` is ``"metropole"`` or ``"alsace-moselle"`` (which adds Vendredi saint
    and the Saint-Étienne).
    """
    easter_sunday = easter(year, EASTER_WESTERN)
    holidays = {
        date(year, 1, 1): "Jour de l'an",
        easter_sunday + timedelta(days=1): "Lundi de Pâques",
        date(year, 5, 1): "Fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter_sunday + timedelta(days=39): "Ascension",
        easter_sunday + timedelta(days=50): "Lundi de Pentecôte",
        date(year, 7, 14): "Fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }
    if region == "alsace-moselle":
        holidays[easter_sunday - timedelta(days=2)] = "Vendredi saint"
        holidays[date(year, 12, 26)] = "Saint-Étienne"
    return holidays


def is_public_holiday(day: date, region: str = "metropole") -> bool:
    return day in french_public_holidays(day.year, region)
