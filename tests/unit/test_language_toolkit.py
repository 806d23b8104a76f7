"""The shared pieces of the French language toolkit: folding, numbers, lexicons, the interval algebra,
and time wishes read without Duckling."""

from __future__ import annotations

from datetime import datetime, time, timezone

import pytest
from dateutil import tz as dateutil_tz

from assistant.core.intervals import clip, intersection, subtract, union
from assistant.core.model import Interval, TimeRange
from assistant.core.text import fold_keeping_offsets, normalise, strip_accents
from assistant.core.windows import AFTERNOON, TimeWish
from assistant.language.fr.lexicon import ANY_TIME, MONTHS, WEEKDAYS, is_hesitation, is_only_hesitation
from assistant.language.fr.numbers import DIGIT_WORDS, read_number
from assistant.language.fr.time_wishes import analyse_time_wish

PARIS = dateutil_tz.gettz("Europe/Paris")
UTC = timezone.utc


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


# -- folding


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("J’ai mal à la poitrine.", "j ai mal a la poitrine"),
        ("Œdème, SŒUR, Lætitia", "oedeme soeur laetitia"),
        ("  Après-midi !! ", "apres midi"),
        ("ÉCOLE", "ecole"),
    ],
)
def test_normalise_folds_case_accents_ligatures_and_punctuation(text: str, folded: str) -> None:
    assert normalise(text) == folded


def test_normalise_keeps_the_characters_a_caller_asks_for() -> None:
    assert normalise("Douleur* thorac?que !", keep="*?") == "douleur* thorac?que"


def test_strip_accents_changes_nothing_but_case_accents_and_ligatures() -> None:
    assert strip_accents("N'Diaye-Lœw Æ") == "n'diaye-loew ae"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("L’après-midi – vers 15h", "l'apres-midi - vers 15h"),
        ("Œuf, straße", "œuf, straße"),  # a character folded into two stays one, lowercased
        ("e\u0301te\u0301", "e\u0301te\u0301"),  # a lone combining accent stays
        ("Déjà vu", "deja vu"),
    ],
)
def test_the_offset_keeping_fold_keeps_every_offset(text: str, folded: str) -> None:
    assert fold_keeping_offsets(text) == folded
    assert len(folded) == len(text)


def test_the_offset_keeping_fold_writes_one_apostrophe_and_one_dash() -> None:
    assert fold_keeping_offsets("L’Après–Midi") == "l'apres-midi"


# -- numbers and lexicons


@pytest.mark.parametrize(
    ("words", "value"),
    [("quarante cinq", 45), ("vingt et une", 21), ("dix sept", 17), ("quatre vingt dix neuf", 99), ("midi", None)],
)
def test_read_number_reads_a_whole_phrase_as_one_number(words: str, value: int | None) -> None:
    assert read_number(words.split()) == value


def test_two_numbers_are_not_one() -> None:
    assert read_number(["douze", "zero", "trois"]) is None
    assert read_number(["12"]) is None  # digits are not words


def test_digit_words_are_the_ten_digits() -> None:
    assert sorted(DIGIT_WORDS.values()) == [str(digit) for digit in range(10)]


def test_lexicons() -> None:
    assert WEEKDAYS[0] == "lundi" and len(WEEKDAYS) == 7
    assert MONTHS["fevrier"] == 2 and len(MONTHS) == 12
    assert ANY_TIME.search(fold_keeping_offsets("N'importe quand, ça m'est égal"))
    assert is_hesitation("euuuh") and not is_hesitation("oui")
    assert is_only_hesitation("Hmm… euh, ben") and not is_only_hesitation("euh demain")


def test_is_only_hesitation_is_still_importable_from_core_text() -> None:
    from assistant.core import text

    assert text.is_only_hesitation is is_only_hesitation


# -- the interval algebra


def test_union_merges_overlapping_and_touching_intervals() -> None:
    merged = union([Interval(utc(10), utc(11)), Interval(utc(8), utc(9)), Interval(utc(9), utc(9, 30))])
    assert merged == [Interval(utc(8), utc(9, 30)), Interval(utc(10), utc(11))]


def test_subtract_cuts_holes() -> None:
    day = [Interval(utc(8), utc(12))]
    assert subtract(day, [Interval(utc(9), utc(10)), Interval(utc(11), utc(13))]) == [
        Interval(utc(8), utc(9)),
        Interval(utc(10), utc(11)),
    ]


def test_intersection_and_clip() -> None:
    mornings = [Interval(utc(8), utc(12)), Interval(utc(13), utc(15))]
    assert intersection(mornings, [Interval(utc(11), utc(14))]) == [
        Interval(utc(11), utc(12)),
        Interval(utc(13), utc(14)),
    ]
    assert clip(mornings, Interval(utc(12), utc(13))) == []


def test_the_algebra_works_on_wall_clock_ranges_too() -> None:
    assert subtract([TimeRange(time(8), time(18))], [TimeRange(time(12), time(14))]) == [
        TimeRange(time(8), time(12)),
        TimeRange(time(14), time(18)),
    ]
    assert union([TimeRange(time(8), time(12)), TimeRange(time(12), time(13))]) == [TimeRange(time(8), time(13))]


# -- time wishes without Duckling


def test_time_wishes_are_read_by_the_lexicon_alone_without_duckling() -> None:
    now = datetime(2026, 11, 23, 10, tzinfo=PARIS)
    assert analyse_time_wish("plutôt l'après-midi", now).wish == TimeWish(day_parts=(AFTERNOON,))
    assert analyse_time_wish("le plus tôt possible", now).wish.earliest
    assert analyse_time_wish("n'importe quand", now).found


def test_duckling_matches_are_passed_in() -> None:
    now = datetime(2026, 11, 23, 10, tzinfo=PARIS)
    asked: list[tuple[str, str, datetime]] = []

    def duckling(text: str, tz_name: str, reference: datetime) -> list[dict[str, object]]:
        asked.append((text, tz_name, reference))
        return []

    analyse_time_wish("mardi", now, duckling=duckling)
    assert asked == [("mardi", "Europe/Paris", now.replace(hour=0))]
