"""The practice configuration file: YAML in, a validated :class:`Practice` out.

A practice manager (not a developer) edits one YAML file per practice; see
``docs/practice-format.md`` and ``practices/demo-lille.yml``. A mistake in that
file must never reach patients as a wrong slot, so the loader is strict and
*explains itself*: every problem is reported at once, each with the file, the
line of the offending value and a dotted field path such as
``practitioners[1].schedule[0].hours[2]`` (indexes start at 0).

Why a hand-written walk over ``yaml.compose()`` rather than ``yaml.safe_load()``
plus a schema library:

- the node tree keeps the line of every key and value, so messages point at the
  exact line; ``safe_load`` loses that;
- PyYAML silently keeps the last of two duplicate keys; the walk reports them;
- YAML 1.1 implicit typing is a trap for this kind of file (``14:00`` is the
  sexagesimal integer 840, ``59000``/``01000`` lose their leading zeros,
  ``no`` is ``False``). The walk reads the raw text of every scalar and
  interprets it itself, according to what the field expects.

The module also offers a JSON-serialisable round trip of a validated
:class:`Practice` (:func:`practice_to_dict` / :func:`practice_from_dict`), used to
store the applied configuration in the database. Everything here is pure except
:func:`load_practice_file`, which only reads the file.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import string
import types
import typing
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import yaml
from dateutil import tz as dateutil_tz

from assistant.core.config_formats import LANGUAGE_CODE, iso_date
from assistant.core.model import (
    Address,
    AppointmentType,
    BookingRules,
    Closure,
    EmergencyNumbers,
    Fees,
    Phrase,
    Practice,
    Practitioner,
    ScheduleRule,
    Secretariat,
    TimeRange,
)
from assistant.core.text import normalise
from assistant.core.windows import local_datetime
from assistant.core.wording import wording_refusal

__all__ = [
    "ConfigIssue",
    "PracticeConfigError",
    "load_practice_file",
    "parse_practice",
    "practice_from_dict",
    "practice_to_dict",
]

T = TypeVar("T")

DEFAULT_TIMEZONE = "Europe/Paris"

# Bounds: wide enough for any real practice, narrow enough to catch a slip of the
# keyboard (a 4500-minute consultation, a 10-year booking horizon).
DURATION_BOUNDS = (5, 480)
EVERY_WEEKS_BOUNDS = (1, 52)
BOOKING_RULE_BOUNDS: dict[str, tuple[int, int]] = {
    "min_notice_minutes": (0, 30 * 24 * 60),
    "horizon_days": (1, 730),
    "buffer_minutes": (0, 120),
    "slot_step_minutes": (5, 120),
    "max_future_appointments_per_patient": (1, 50),
    "cancel_notice_hours": (0, 30 * 24),
}

_NULL_TAG = "tag:yaml.org,2002:null"
_PHONE = re.compile(r"\+?[0-9][0-9 .\-]*")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2})|[hH](\d{2})?)")
_RANGE_SEPARATOR = re.compile(r"\s*[-\u2013\u2014]\s*")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[Tt]|\s+)(\d{1,2}:\d{2})")


class _Refused(ValueError):
    """A text that does not read as its field expects; the message is the report's sentence."""


class _Format(NamedTuple):
    """What a text field must look like, and how a report names it: "'x' n'est pas <what>"."""

    pattern: re.Pattern[str]
    what: str

    def check(self, value: str) -> str:
        if not self.pattern.fullmatch(value):
            raise _Refused(f"{value!r} n'est pas {self.what}")
        return value


_SLUG = _Format(
    re.compile(r"[a-z0-9][a-z0-9-]*"),
    "un identifiant valide : lettres minuscules, chiffres et tirets, par exemple durand ou bilan-sanguin",
)
_POSTAL_CODE = _Format(re.compile(r"\d{5}"), "un code postal français (5 chiffres)")
_EMAIL = _Format(re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"), "une adresse électronique")
_WEBSITE = _Format(re.compile(r"https?://\S+"), "une adresse web commençant par http:// ou https://")
_LANGUAGE = _Format(LANGUAGE_CODE, "un code de langue comme fr ou en")


_TRUE = frozenset({"true", "yes", "on", "oui"})
_FALSE = frozenset({"false", "no", "off", "non"})

_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "lun", "lundi", "monday"),
        ("tue", "mar", "mardi", "tuesday"),
        ("wed", "mer", "mercredi", "wednesday"),
        ("thu", "jeu", "jeudi", "thursday"),
        ("fri", "ven", "vendredi", "friday"),
        ("sat", "sam", "samedi", "saturday"),
        ("sun", "dim", "dimanche", "sunday"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index
_DAY_HELP = "utilisez lun, mar, mer, jeu, ven, sam, dim (ou mon, tue, wed, thu, fri, sat, sun)"

_PUBLIC_HOLIDAYS = {"closed": True, "open": False, "fermé": True, "ferme": True, "ouvert": False}
#: Grammatical gender (``gender:`` of a practitioner or a motif): "f" or "m"; the words are accepted too.
_GENDERS = {"f": "f", "m": "m", "féminin": "f", "feminin": "f", "masculin": "m", "femme": "f", "homme": "m"}
#: Titles that say a gender ("Mme", "M."): a ``gender`` that contradicts them is a slip.
_TITLE_GENDERS = {"mme": "f", "madame": "f", "mlle": "f", "mademoiselle": "f", "m": "m", "monsieur": "m", "mr": "m"}
#: "le docteur", "la kinésithérapeute", "l'infirmière" in a ``spoken_name``: the gender it says.
_SPOKEN_ROLE = re.compile(
    r"\b(?:(le|la)\s+(?:docteure?|doctoresse|professeure?|médecin|kinés?|kinésithérapeute|masseur|masseuse"
    r"|radiologue|manipulateur|manipulatrice|sage-femme|dentiste|orthophoniste|ostéopathe|psychologue|podologue)"
    r"|l['’](infirmière|infirmier))\b",
    re.IGNORECASE,
)

#: Titles said in the masculine for a woman too, by many practices ("le docteur Durand").
_TRADITIONAL_MASCULINE = re.compile(r"\ble\s+(?:docteur|professeur|médecin)\b", re.IGNORECASE)
_HOLIDAY_REGIONS = {
    "metropole": "metropole",
    "métropole": "metropole",
    "alsace-moselle": "alsace-moselle",
}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a configuration file, located precisely enough to fix it blind.

    ``line`` is 1-based (0 when unknown, e.g. an unreadable file); ``field`` is a
    dotted path such as ``appointment_types[3].duration_minutes`` (indexes start
    at 0), empty for problems about the file as a whole.
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PracticeConfigError(Exception):
    """The configuration was rejected; ``issues`` holds every problem found, in file order."""

    def __init__(self, issues: Sequence[ConfigIssue]) -> None:
        self.issues: list[ConfigIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


# --------------------------------------------------------------------------- public API


def load_practice_file(path: str | os.PathLike[str]) -> Practice:
    """Read a practice file (UTF-8) and parse it; I/O problems become a :class:`PracticeConfigError`."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise PracticeConfigError([ConfigIssue(source, 0, "", "fichier introuvable")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PracticeConfigError([ConfigIssue(source, 0, "", f"impossible de lire le fichier : {reason}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = "le fichier n'est pas un texte UTF-8 valide ; enregistrez-le avec l'encodage UTF-8"
        raise PracticeConfigError([ConfigIssue(source, line, "", message)]) from None
    return parse_practice(text, source)


def parse_practice(text: str, source: str = "<string>") -> Practice:
    """Parse and fully validate a practice file's text; raise with *all* the problems found.

    Pure: no I/O. ``source`` only names the file in the messages.
    """
    checker = _Checker(source)
    root = checker.compose(text)
    practice = _read_practice(checker, root) if root is not None else None
    if checker.issues or practice is None:
        raise PracticeConfigError(checker.sorted_issues())
    return practice


# --------------------------------------------------------------------------- YAML walk


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "un bloc « clé: valeur »"
    if isinstance(node, yaml.SequenceNode):
        return "une liste"
    if _is_null(node):
        return "une valeur vide"
    return f"le texte {str(node.value)!r}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _suggest(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire {close[0]!r} ?" if close else ""


def _normalise_phrase(text: str) -> str:
    """Case-, accent- and spacing-insensitive form, to detect synonyms that collide."""
    return normalise(text)


class _Checker:
    """Collects issues while the tree is walked; converts scalars the way each field needs."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[ConfigIssue] = []

    def error(self, line: int, field: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.source, line, field, message))

    def sorted_issues(self) -> list[ConfigIssue]:
        return sorted(self.issues, key=lambda issue: issue.line)

    def compose(self, text: str) -> yaml.Node | None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = int(mark.line) + 1 if mark is not None else 0
            message = f"syntaxe YAML invalide : {exc.problem or exc.context or 'erreur de syntaxe'}"
            if exc.context and exc.problem and exc.context_mark is not None:
                message += f" ({exc.context}, ligne {exc.context_mark.line + 1})"
            if "\t" in (exc.problem or "") or "'\\t'" in (exc.problem or ""):
                message += " ; indentez avec des espaces, jamais avec des tabulations"
            self.error(line, "", message)
            return None
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            self.error(line, "", f"caractère invalide {exc.character!r} dans le fichier")
            return None
        except yaml.YAMLError as exc:  # pragma: no cover - PyYAML always marks its errors
            self.error(0, "", f"syntaxe YAML invalide : {exc}")
            return None
        if node is None:
            self.error(0, "", "le fichier est vide")
        return node

    # -- mappings and lists

    def section(
        self,
        node: yaml.Node | None,
        path: str,
        keys: _Keys,
        *,
        owner_line: int = 0,
    ) -> _Section:
        """Open a mapping, reporting wrong type, unknown and duplicate keys, missing required keys.

        ``owner_line`` is where the mapping is introduced (the ``address:`` line); a
        missing key is reported there, which is where the reader will look first.
        """
        section = _Section(self, path)
        if node is None or _is_null(node):
            # Absent or empty: the parent mapping already reported it if it was required.
            return section
        if not isinstance(node, yaml.MappingNode):
            if path:
                message = f"doit être un bloc de lignes « clé: valeur », pas {_describe(node)}"
            else:
                message = (
                    "le fichier doit être un bloc de lignes « clé: valeur » (practice:, address:...), "
                    f"pas {_describe(node)}"
                )
            self.error(_line(node), path, message)
            return section
        required, allowed = keys.required, keys.allowed
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(_line(key_node), path, "une clé doit être un simple mot")
                continue
            key = str(key_node.value)
            key_path = _join(path, key)
            if key == "<<":
                self.error(
                    _line(key_node),
                    key_path,
                    "les clés de fusion YAML (« << ») ne sont pas prises en charge ; écrivez les valeurs en entier",
                )
                continue
            if key not in allowed:
                hint = _suggest(key, allowed) or f" ; clés possibles : {', '.join(allowed)}"
                self.error(_line(key_node), key_path, f"clé inconnue {key!r}{hint}")
                continue
            if key in section.key_lines:
                first = section.key_lines[key]
                self.error(_line(key_node), key_path, f"clé {key!r} en double (déjà présente ligne {first})")
                continue
            section.key_lines[key] = _line(key_node)
            if _is_null(value_node):
                if key in required:
                    self.error(_line(value_node), key_path, "est vide ; une valeur est obligatoire")
                continue  # an empty optional key means "use the default"
            section.values[key] = value_node
        line = owner_line or _line(node)
        for key in required:
            if key not in section.key_lines:
                self.error(line, _join(path, key), f"clé obligatoire {key!r} manquante")
        return section

    def items(self, node: yaml.Node, path: str) -> Iterator[tuple[str, yaml.Node]]:
        """Yield (path, node) for each list item; a non-list or an empty item is reported."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(
                _line(node),
                path,
                f"doit être une liste (un « - élément » par ligne, ou [a, b]), pas {_describe(node)}",
            )
            return
        for index, item in enumerate(node.value):
            item_path = f"{path}[{index}]"
            if _is_null(item):
                self.error(_line(item), item_path, "élément de liste vide")
                continue
            yield item_path, item

    # -- scalars

    def text(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(_line(node), path, f"doit être un texte, pas {_describe(node)}")
            return None
        return str(node.value).strip()

    def nonempty_text(self, node: yaml.Node, path: str) -> str | None:
        value = self.text(node, path)
        if value == "":
            self.error(_line(node), path, "ne doit pas être vide")
            return None
        return value

    def read(self, node: yaml.Node, path: str, parse: Callable[[str], T], *, nonempty: bool = False) -> T | None:
        """``parse`` applied to the node's text, or None: not a text (or empty, with ``nonempty``), or refused.

        Every typed scalar reads this way, so a refusal (:class:`_Refused`) is always reported against the
        value's own line and field, and the walk goes on.
        """
        value = self.nonempty_text(node, path) if nonempty else self.text(node, path)
        if value is None:
            return None
        try:
            return parse(value)
        except _Refused as refusal:
            self.error(_line(node), path, str(refusal))
            return None

    def integer(self, node: yaml.Node, path: str, bounds: tuple[int, int]) -> int | None:
        return self.read(node, path, lambda value: _integer(value, bounds))

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        return self.read(node, path, _boolean)

    def day(self, node: yaml.Node, path: str) -> date | None:
        return self.read(node, path, _day)

    def date_or_datetime(self, node: yaml.Node, path: str) -> date | datetime | None:
        return self.read(node, path, _date_or_datetime)

    def matching(self, node: yaml.Node, path: str, expected: _Format) -> str | None:
        return self.read(node, path, expected.check, nonempty=True)

    def phone(self, node: yaml.Node, path: str) -> str | None:
        return self.read(node, path, _phone, nonempty=True)


class _Section:
    """A mapping being read: typed getters that fall back to a default after reporting.

    Getters always return a usable value so the walk goes on and finds the next
    problem; the :class:`Practice` is only built when no issue was reported.
    """

    def __init__(self, checker: _Checker, path: str) -> None:
        self.checker = checker
        self.path = path
        self.values: dict[str, yaml.Node] = {}
        self.key_lines: dict[str, int] = {}

    def has(self, key: str) -> bool:
        return key in self.values

    def node(self, key: str) -> yaml.Node | None:
        return self.values.get(key)

    def path_of(self, key: str) -> str:
        return _join(self.path, key)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 0)

    def _get(self, key: str, read: Callable[[yaml.Node, str], T | None], default: T) -> T:
        node = self.values.get(key)
        if node is None:
            return default
        value = read(node, self.path_of(key))
        return default if value is None else value

    def text(self, key: str, default: str = "") -> str:
        return self._get(key, self.checker.text, default)

    def nonempty_text(self, key: str, default: str = "") -> str:
        return self._get(key, self.checker.nonempty_text, default)

    def integer(self, key: str, default: int, bounds: tuple[int, int]) -> int:
        return self._get(key, lambda node, path: self.checker.integer(node, path, bounds), default)

    def boolean(self, key: str, default: bool) -> bool:
        return self._get(key, self.checker.boolean, default)

    def day(self, key: str) -> date | None:
        node = self.values.get(key)
        return None if node is None else self.checker.day(node, self.path_of(key))

    def phone(self, key: str, default: str = "") -> str:
        return self._get(key, self.checker.phone, default)

    def matching(self, key: str, expected: _Format, default: str = "") -> str:
        return self._get(key, lambda node, path: self.checker.matching(node, path, expected), default)

    def choice(self, key: str, choices: dict[str, T], default: T, shown: Sequence[str]) -> T:
        node = self.values.get(key)
        if node is None:
            return default
        value = self.checker.text(node, self.path_of(key))
        if value is None:
            return default
        if value.lower() in choices:
            return choices[value.lower()]
        self.checker.error(_line(node), self.path_of(key), f"doit valoir {' ou '.join(shown)}, pas {value!r}")
        return default

    def items(self, key: str) -> Iterator[tuple[str, yaml.Node]]:
        node = self.values.get(key)
        if node is not None:
            yield from self.checker.items(node, self.path_of(key))

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-empty texts (synonyms, payment methods, documents...)."""
        values: list[str] = []
        for item_path, item in self.items(key):
            value = self.checker.nonempty_text(item, item_path)
            if value is not None:
                values.append(value)
        return tuple(values)

    def section(self, key: str, keys: _Keys) -> _Section:
        return self.checker.section(self.values.get(key), self.path_of(key), keys, owner_line=self.line_of(key))


def _integer(value: str, bounds: tuple[int, int]) -> int:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise _Refused(f"doit être un nombre entier, pas {value!r}")
    number = int(value)
    low, high = bounds
    if not low <= number <= high:
        raise _Refused(f"doit être compris entre {low} et {high}, pas {number}")
    return number


def _boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _Refused(f"doit valoir true ou false (ou oui, non), pas {value!r}")


def _day(value: str) -> date:
    day = iso_date(value)
    if day is None:
        raise _Refused(f"{value!r} n'est pas une date valide ; écrivez-la AAAA-MM-JJ, par exemple 2026-11-23")
    return day


def _date_or_datetime(value: str) -> date | datetime:
    """A whole day (``2026-12-24``) or a local wall time (``2026-12-24 14:00``)."""
    match = _DATETIME.fullmatch(value)
    if match:
        day = iso_date(match.group(1))
        at = _parse_time(match.group(2))
        if day is not None and isinstance(at, time):
            return datetime.combine(day, at)
    else:
        day = iso_date(value)
        if day is not None:
            return day
    raise _Refused(
        f"{value!r} n'est ni une date ni une date et heure valides ; écrivez AAAA-MM-JJ ou "
        "AAAA-MM-JJ HH:MM (heure locale du cabinet, sans décalage horaire)"
    )


def _phone(value: str) -> str:
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.fullmatch(value) or not 2 <= digits <= 15:
        raise _Refused(f"{value!r} n'est pas un numéro de téléphone (chiffres, espaces, points, + initial)")
    return value


def _parse_time(value: str) -> time | str:
    """A wall-clock time (``08:30``, ``8:30``, ``8h30``, ``8h``), or the reason it is not one."""
    match = _TIME.fullmatch(value.strip())
    if not match:
        return f"{value!r} n'est pas une heure ; écrivez HH:MM, par exemple 08:30"
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(3) or 0)
    if hour > 23 or minute > 59:
        return f"{value!r} n'est pas une heure valide (de 00:00 à 23:59)"
    return time(hour, minute)


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class _Keys:
    """The keys a mapping may hold; the order is the one suggested in messages."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.required + self.optional


_PRACTICE_KEYS = _Keys(("id", "name", "kind", "phone"), ("email", "website", "timezone", "languages"))
_ADDRESS_KEYS = _Keys(
    ("street", "postal_code", "city"), ("floor", "access", "parking", "public_transport", "wheelchair_access")
)
_FEES_KEYS = _Keys(optional=("sector", "tiers_payant", "carte_vitale", "payment_methods", "notes"))
_SECRETARIAT_KEYS = _Keys(optional=("hours", "transfer_number"))
_EMERGENCY_KEYS = _Keys(optional=("samu", "european", "deaf_sms", "suicide_prevention", "on_call", "on_call_label"))
_PRACTITIONER_KEYS = _Keys(
    ("id", "name", "title", "specialty", "schedule"), ("accepts_new_patients", "spoken_name", "gender")
)
_RULE_KEYS = _Keys(("days", "hours"), ("every_weeks", "week_of", "from", "until"))
_TYPE_KEYS = _Keys(
    ("id", "name", "duration_minutes", "practitioners"),
    (
        "synonyms",
        "new_patients",
        "bookable_online",
        "prescription_required",
        "instructions",
        "fee",
        "hours",
        "for_symptoms",
        "gender",
    ),
)
_CLOSURE_KEYS = _Keys(("from",), ("to", "reason", "practitioner"))
_BOOKING_RULES_KEYS = _Keys(optional=tuple(BOOKING_RULE_BOUNDS))
_TOP_KEYS = _Keys(
    ("practice", "address", "practitioners", "appointment_types"),
    (
        "fees",
        "documents_to_bring",
        "secretariat",
        "emergency",
        "closures",
        "public_holidays",
        "holiday_region",
        "booking_rules",
        "wording",
    ),
)


def _read_practice(checker: _Checker, root: yaml.Node) -> Practice | None:
    top = checker.section(root, "", _TOP_KEYS)
    if not isinstance(root, yaml.MappingNode):
        return None

    info = top.section("practice", _PRACTICE_KEYS)
    timezone_name, zone = _read_timezone(checker, info)
    languages = _read_languages(checker, info)

    address_section = top.section("address", _ADDRESS_KEYS)
    address = Address(
        street=address_section.nonempty_text("street"),
        postal_code=address_section.matching("postal_code", _POSTAL_CODE),
        city=address_section.nonempty_text("city"),
        floor=address_section.text("floor"),
        access=address_section.text("access"),
        parking=address_section.text("parking"),
        public_transport=address_section.text("public_transport"),
        wheelchair_access=address_section.text("wheelchair_access"),
    )

    fees_section = top.section("fees", _FEES_KEYS)
    fees = Fees(
        sector=fees_section.text("sector"),
        tiers_payant=fees_section.text("tiers_payant"),
        carte_vitale=fees_section.boolean("carte_vitale", Fees.carte_vitale),
        payment_methods=fees_section.texts("payment_methods"),
        notes=fees_section.text("notes"),
    )

    secretariat_section = top.section("secretariat", _SECRETARIAT_KEYS)
    secretariat = Secretariat(
        hours=_read_rules(checker, secretariat_section, "hours"),
        transfer_number=secretariat_section.phone("transfer_number"),
    )

    emergency_section = top.section("emergency", _EMERGENCY_KEYS)
    defaults = EmergencyNumbers()
    emergency = EmergencyNumbers(
        samu=emergency_section.phone("samu", defaults.samu),
        european=emergency_section.phone("european", defaults.european),
        deaf_sms=emergency_section.phone("deaf_sms", defaults.deaf_sms),
        suicide_prevention=emergency_section.phone("suicide_prevention", defaults.suicide_prevention),
        on_call=emergency_section.phone("on_call"),
        on_call_label=emergency_section.text("on_call_label"),
    )

    practitioners, known_ids = _read_practitioners(checker, top)
    appointment_types = _read_appointment_types(checker, top, known_ids)
    closures = _read_closures(checker, top, known_ids, zone)

    rules_section = top.section("booking_rules", _BOOKING_RULES_KEYS)
    base_rules = BookingRules()
    rules = BookingRules(
        **{
            name: rules_section.integer(name, getattr(base_rules, name), bounds)
            for name, bounds in BOOKING_RULE_BOUNDS.items()
        }
    )

    return Practice(
        id=info.matching("id", _SLUG),
        name=info.nonempty_text("name"),
        kind=info.nonempty_text("kind"),
        address=address,
        phone=info.phone("phone"),
        timezone=timezone_name,
        languages=languages,
        email=info.matching("email", _EMAIL),
        website=info.matching("website", _WEBSITE),
        fees=fees,
        documents_to_bring=top.texts("documents_to_bring"),
        secretariat=secretariat,
        emergency=emergency,
        practitioners=practitioners,
        appointment_types=appointment_types,
        closures=closures,
        public_holidays_closed=top.choice("public_holidays", _PUBLIC_HOLIDAYS, True, ("closed", "open")),
        holiday_region=top.choice("holiday_region", _HOLIDAY_REGIONS, "metropole", ("metropole", "alsace-moselle")),
        rules=rules,
        phrases=_read_phrases(checker, top),
    )


#: The catalogue of replies a practice may reword (``wording:``; not "phrases", which "horaires" resembles); read as data, the core imports no dialogue.
REPLY_CATALOGUE = Path(__file__).resolve().parents[1] / "language" / "fr" / "replies_fr.yml"


def _catalogue_parameters() -> dict[str, set[str]]:
    """Reply id → the parameters its texts use ({name}): what an override may use."""
    raw = yaml.safe_load(REPLY_CATALOGUE.read_text(encoding="utf-8")) or {}
    found: dict[str, set[str]] = {}
    for key, value in raw.items():
        texts = [value] if isinstance(value, str) else [str(v) for v in value.values()]
        found[str(key)] = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
    return found


def _read_phrases(checker: _Checker, top: _Section) -> tuple[Phrase, ...]:
    """``wording:``, reply id → the practice's own text, checked against the catalogue."""
    node = top.node("wording")
    if node is None or _is_null(node):
        return ()
    if not isinstance(node, yaml.MappingNode):
        checker.error(_line(node), "wording", "doit associer des identifiants de phrase à des textes")
        return ()
    known = _catalogue_parameters()
    phrases: list[Phrase] = []
    for key_node, value_node in node.value:
        reply_id = str(key_node.value)
        path = f"wording.{reply_id}"
        if reply_id not in known:
            checker.error(_line(key_node), path, f"phrase inconnue {reply_id!r} (voir {REPLY_CATALOGUE.name})")
            continue
        refusal = wording_refusal(reply_id, known[reply_id])  # the safety replies are the same everywhere
        if refusal is not None:
            checker.error(_line(key_node), path, refusal)
            continue
        text = checker.nonempty_text(value_node, path)
        if text is None:
            continue
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError:
            checker.error(_line(value_node), path, "accolades mal fermées ; écrivez {nom} pour un paramètre")
            continue
        extra = sorted(used - known[reply_id])
        if extra:
            allowed = ", ".join(f"{{{name}}}" for name in sorted(known[reply_id])) or "aucun"
            checker.error(_line(value_node), path, f"paramètre inconnu {{{extra[0]}}} (possibles : {allowed})")
            continue
        phrases.append(Phrase(reply_id, text))
    return tuple(phrases)


def _read_timezone(checker: _Checker, info: _Section) -> tuple[str, tzinfo]:
    """The practice timezone name, and the zone itself (Europe/Paris when invalid, to carry on)."""
    fallback = dateutil_tz.gettz(DEFAULT_TIMEZONE)
    assert fallback is not None
    node = info.node("timezone")
    if node is None:
        return DEFAULT_TIMEZONE, fallback
    name = checker.nonempty_text(node, info.path_of("timezone"))
    if name is None:
        return DEFAULT_TIMEZONE, fallback
    # gettz("") is the machine's local zone and gettz("XYZ+3") a POSIX TZ rule:
    # neither is a place name, and both would silently depend on the server.
    zone = dateutil_tz.gettz(name) if re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name) else None
    if zone is None or isinstance(zone, (dateutil_tz.tzlocal, dateutil_tz.tzstr)):
        message = f"fuseau horaire inconnu {name!r} ; utilisez un nom IANA comme Europe/Paris ou America/Martinique"
        checker.error(_line(node), info.path_of("timezone"), message)
        return DEFAULT_TIMEZONE, fallback
    return name, zone


def _read_languages(checker: _Checker, info: _Section) -> tuple[str, ...]:
    if not info.has("languages"):
        return Practice.languages
    languages: list[str] = []
    for item_path, item in info.items("languages"):
        value = checker.matching(item, item_path, _LANGUAGE)
        if value is not None:
            languages.append(value)
    node = info.node("languages")
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), info.path_of("languages"), "doit citer au moins une langue, par exemple [fr]")
    return tuple(languages) or Practice.languages


def _check_unique_id(
    checker: _Checker, seen: dict[str, int], value: str, node: yaml.Node | None, path: str, what: str
) -> None:
    if not value or node is None:
        return
    if value in seen:
        checker.error(
            _line(node), path, f"identifiant de {what} {value!r} en double (déjà utilisé ligne {seen[value]})"
        )
    else:
        seen[value] = _line(node)


def _read_practitioners(checker: _Checker, top: _Section) -> tuple[tuple[Practitioner, ...], set[str]]:
    """The practitioners, and every id written for one (even invalid ones).

    References to an id that was already reported as malformed are not reported
    again as "unknown practitioner": one mistake, one message.
    """
    practitioners: list[Practitioner] = []
    seen: dict[str, int] = {}
    written_ids: set[str] = set()
    node = top.node("practitioners")
    for item_path, item in top.items("practitioners"):
        section = checker.section(item, item_path, _PRACTITIONER_KEYS)
        practitioner_id = section.matching("id", _SLUG)
        id_node = section.node("id")
        if isinstance(id_node, yaml.ScalarNode):
            written_ids.add(str(id_node.value).strip())
        _check_unique_id(checker, seen, practitioner_id, section.node("id"), section.path_of("id"), "praticien")
        title = section.text("title")
        spoken_name = section.text("spoken_name")
        gender = section.choice("gender", _GENDERS, "", ("f", "m"))
        _check_gender(checker, section, gender, title, spoken_name)
        practitioners.append(
            Practitioner(
                id=practitioner_id,
                name=section.nonempty_text("name"),
                title=title,
                specialty=section.nonempty_text("specialty"),
                accepts_new_patients=section.boolean("accepts_new_patients", True),
                schedule=_read_rules(checker, section, "schedule", at_least_one=True),
                phone_label=spoken_name,
                gender=gender,
            )
        )
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), top.path_of("practitioners"), "doit contenir au moins un praticien")
    return tuple(practitioners), written_ids


def _check_gender(checker: _Checker, section: _Section, gender: str, title: str, spoken_name: str) -> None:
    """A ``gender`` the title ("Mme", "M.") or the spoken name ("la docteure…") contradicts is a slip."""
    if not gender:
        return
    said = {"f": "f (féminin)", "m": "m (masculin)"}
    title_gender = _TITLE_GENDERS.get(title.lower().rstrip(".").strip())
    if title_gender is not None and title_gender != gender:
        checker.error(
            section.line_of("gender"),
            section.path_of("gender"),
            f"vaut {said[gender]}, mais le titre {title!r} dit {said[title_gender]} ; corrigez l'un des deux",
        )
    match = _SPOKEN_ROLE.search(spoken_name)
    if match is not None:
        article, elided = match.group(1), match.group(2)
        spoken = (
            ("f" if article.lower() == "la" else "m") if article else ("f" if elided.lower().endswith("e") else "m")
        )
        # "le docteur Durand" for a woman is the usage of many practices: only a feminine article
        # or noun for a man, or a masculine noun that has a common feminine ("le kiné" for her), is a slip.
        traditional = gender == "f" and spoken == "m" and _TRADITIONAL_MASCULINE.search(match.group(0)) is not None
        if spoken != gender and not traditional:
            checker.error(
                section.line_of("spoken_name"),
                section.path_of("spoken_name"),
                f"« {match.group(0)} » ne s'accorde pas avec gender: {gender} ; "
                f"écrivez {'la docteure, la kinésithérapeute' if gender == 'f' else 'le docteur, le kinésithérapeute'}…",
            )


def _read_rules(
    checker: _Checker, owner: _Section, key: str, *, at_least_one: bool = False
) -> tuple[ScheduleRule, ...]:
    """A weekly schedule: a list of rules (practitioner ``schedule``, secretariat ``hours``)."""
    rules: list[ScheduleRule] = []
    for item_path, item in owner.items(key):
        rule = _read_rule(checker, checker.section(item, item_path, _RULE_KEYS))
        if rule is not None:
            rules.append(rule)
    node = owner.node(key)
    if at_least_one and isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), owner.path_of(key), "doit contenir au moins une règle (jours et horaires)")
    return tuple(rules)


def _read_rule(checker: _Checker, section: _Section) -> ScheduleRule | None:
    weekdays = _read_days(checker, section)
    ranges = _read_ranges(checker, section)

    every_weeks = section.integer("every_weeks", 1, EVERY_WEEKS_BOUNDS)
    anchor = section.day("week_of")
    if every_weeks > 1 and not section.has("week_of"):
        every_node = section.node("every_weeks")
        assert every_node is not None
        checker.error(
            _line(every_node),
            section.path_of("week_of"),
            f"every_weeks vaut {every_weeks} : week_of est obligatoire ; donnez une date de l'une des semaines "
            "où cette règle s'applique",
        )
    if every_weeks == 1 and anchor is not None and not section.has("every_weeks"):
        checker.error(
            section.line_of("week_of"),
            section.path_of("week_of"),
            "week_of ne sert qu'avec every_weeks: 2 (ou plus) ; ajoutez every_weeks ou retirez week_of",
        )

    valid_from = section.day("from")
    valid_until = section.day("until")
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        checker.error(
            section.line_of("until"),
            section.path_of("until"),
            f"until ({valid_until.isoformat()}) est antérieur à from ({valid_from.isoformat()})",
        )
    if not weekdays or not ranges:
        return None
    return ScheduleRule(
        weekdays=weekdays,
        ranges=ranges,
        every_weeks=every_weeks,
        anchor=anchor if every_weeks > 1 else None,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _read_days(checker: _Checker, section: _Section) -> tuple[int, ...]:
    """Weekday names (English or French, abbreviated or not) and ranges such as ``mon-fri``."""
    days: set[int] = set()
    for item_path, item in section.items("days"):
        value = checker.nonempty_text(item, item_path)
        if value is None:
            continue
        parts = [part.strip().lower().rstrip(".") for part in value.split("-")]
        numbers = [_DAY_NAMES.get(part) for part in parts]
        if len(parts) > 2 or None in numbers:
            unknown = next((part for part, number in zip(parts, numbers, strict=True) if number is None), value)
            if len(parts) > 2:
                message = f"{value!r} n'est ni un jour ni un intervalle de jours comme lun-ven"
            else:
                message = f"jour inconnu {unknown!r}{_suggest(unknown, _DAY_NAMES) or ' ; ' + _DAY_HELP}"
            checker.error(_line(item), item_path, message)
            continue
        first, last = typing.cast(list[int], numbers)[0], typing.cast(list[int], numbers)[-1]
        if last < first:
            checker.error(
                _line(item), item_path, f"l'intervalle de jours {value!r} est à l'envers ; écrivez par exemple lun-ven"
            )
            continue
        span = set(range(first, last + 1))
        if span & days:
            checker.error(_line(item), item_path, f"{value!r} répète un jour déjà cité dans cette règle")
        days |= span
    node = section.node("days")
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), section.path_of("days"), "doit citer au moins un jour")
    return tuple(sorted(days))


def _read_ranges(checker: _Checker, section: _Section) -> tuple[TimeRange, ...]:
    """Opening ranges of one rule; the gaps between them are the breaks (lunch...)."""
    ranges: list[tuple[TimeRange, str, int]] = []
    for item_path, item in section.items("hours"):
        value = checker.nonempty_text(item, item_path)
        if value is None:
            continue
        parsed = _parse_range(value)
        if isinstance(parsed, str):
            checker.error(_line(item), item_path, parsed)
            continue
        for other, other_path, other_line in ranges:
            if parsed.start < other.end and other.start < parsed.end:
                checker.error(
                    _line(item),
                    item_path,
                    f"{parsed} chevauche {other} ({other_path.rsplit('.', 1)[-1]}, ligne {other_line})",
                )
                break
        else:
            ranges.append((parsed, item_path, _line(item)))
    node = section.node("hours")
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(
            _line(node), section.path_of("hours"), "doit contenir au moins une plage, par exemple [08:30-12:00]"
        )
    return tuple(sorted((time_range for time_range, _, _ in ranges), key=lambda r: r.start))


def _parse_range(value: str) -> TimeRange | str:
    """``08:30-12:00`` -> TimeRange, or the reason why not."""
    parts = _RANGE_SEPARATOR.split(value.strip())
    if len(parts) != 2:
        return f"{value!r} n'est pas une plage horaire ; écrivez HH:MM-HH:MM, par exemple 08:30-12:00"
    start, end = _parse_time(parts[0]), _parse_time(parts[1])
    if isinstance(start, str):
        return start
    if isinstance(end, str):
        return end
    if end <= start:
        return f"la plage {value!r} doit finir après avoir commencé"
    return TimeRange(start, end)


def _read_appointment_types(checker: _Checker, top: _Section, known_ids: set[str]) -> tuple[AppointmentType, ...]:
    types_: list[AppointmentType] = []
    seen: dict[str, int] = {}
    # normalised phrase -> (where it was first used, line): a phrase shared by two
    # motifs would make the assistant unable to tell which one the patient means.
    phrases: dict[str, tuple[str, int]] = {}
    node = top.node("appointment_types")
    for item_path, item in top.items("appointment_types"):
        section = checker.section(item, item_path, _TYPE_KEYS)
        type_id = section.matching("id", _SLUG)
        _check_unique_id(checker, seen, type_id, section.node("id"), section.path_of("id"), "motif")
        name = section.nonempty_text("name")
        synonyms = section.texts("synonyms")
        _check_phrases(checker, section, name, synonyms, phrases)
        practitioner_ids = _read_references(checker, section, known_ids)
        types_.append(
            AppointmentType(
                id=type_id,
                name=name,
                duration_minutes=section.integer("duration_minutes", DURATION_BOUNDS[0], DURATION_BOUNDS),
                practitioner_ids=practitioner_ids,
                synonyms=synonyms,
                new_patients=section.boolean("new_patients", True),
                bookable_online=section.boolean("bookable_online", True),
                instructions=section.text("instructions"),
                fee=section.text("fee"),
                hours=_read_ranges(checker, section),
                for_symptoms=section.boolean("for_symptoms", False),
                prescription_required=section.boolean("prescription_required", False),
                gender=section.choice("gender", _GENDERS, "", ("f", "m")),
            )
        )
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), top.path_of("appointment_types"), "doit contenir au moins un motif")
    return tuple(types_)


def _check_phrases(
    checker: _Checker,
    section: _Section,
    name: str,
    synonyms: tuple[str, ...],
    phrases: dict[str, tuple[str, int]],
) -> None:
    own: dict[str, tuple[str, int]] = {}
    entries: list[tuple[str, str, int]] = []
    if name:
        entries.append((name, section.path_of("name"), section.line_of("name")))
    synonyms_node = section.node("synonyms")
    if isinstance(synonyms_node, yaml.SequenceNode):
        for index, item in enumerate(synonyms_node.value):
            if isinstance(item, yaml.ScalarNode) and not _is_null(item) and str(item.value).strip():
                entries.append((str(item.value).strip(), f"{section.path_of('synonyms')}[{index}]", _line(item)))
    for phrase, path, line in entries:
        key = _normalise_phrase(phrase)
        if not key:
            continue
        if key in own:
            if own[key][0] != section.path_of("name"):  # a synonym equal to the name is harmless
                checker.error(line, path, f"{phrase!r} figure deux fois pour ce motif")
            continue
        own[key] = (path, line)
        if key in phrases:
            other_path, other_line = phrases[key]
            checker.error(
                line,
                path,
                f"{phrase!r} est aussi utilisé par {other_path} (ligne {other_line}) : "
                "l'assistant ne pourrait pas distinguer les deux motifs",
            )
    for key, where in own.items():
        phrases.setdefault(key, where)


def _read_references(checker: _Checker, section: _Section, known_ids: set[str]) -> tuple[str, ...]:
    """The practitioners who perform an appointment type: at least one, each one known."""
    ids: list[str] = []
    for item_path, item in section.items("practitioners"):
        value = checker.nonempty_text(item, item_path)
        if value is None:
            continue
        if value not in known_ids:
            _unknown_practitioner(checker, item, item_path, value, known_ids)
        elif value in ids:
            checker.error(_line(item), item_path, f"le praticien {value!r} est cité deux fois")
        else:
            ids.append(value)
    node = section.node("practitioners")
    if isinstance(node, yaml.SequenceNode) and not node.value:
        checker.error(_line(node), section.path_of("practitioners"), "doit citer au moins un identifiant de praticien")
    return tuple(ids)


def _unknown_practitioner(checker: _Checker, node: yaml.Node, path: str, value: str, known_ids: set[str]) -> None:
    known = ", ".join(sorted(known_ids)) or "aucun"
    hint = _suggest(value, known_ids) or f" ; identifiants connus : {known}"
    checker.error(_line(node), path, f"praticien inconnu {value!r}{hint}")


def _read_closures(checker: _Checker, top: _Section, known_ids: set[str], zone: tzinfo) -> tuple[Closure, ...]:
    """Closures; whole days become local midnight to the local midnight after ``to``."""
    closures: list[Closure] = []
    for item_path, item in top.items("closures"):
        section = checker.section(item, item_path, _CLOSURE_KEYS)
        from_node, to_node = section.node("from"), section.node("to")
        begin = checker.date_or_datetime(from_node, section.path_of("from")) if from_node is not None else None
        finish = checker.date_or_datetime(to_node, section.path_of("to")) if to_node is not None else None
        practitioner_id: str | None = None
        practitioner_node = section.node("practitioner")
        if practitioner_node is not None:
            practitioner_id = checker.nonempty_text(practitioner_node, section.path_of("practitioner"))
            if practitioner_id is not None and practitioner_id not in known_ids:
                _unknown_practitioner(
                    checker, practitioner_node, section.path_of("practitioner"), practitioner_id, known_ids
                )
        reason = section.text("reason")
        if begin is None:
            continue
        if to_node is None:
            if isinstance(begin, datetime):
                checker.error(
                    section.line_of("from"),
                    section.path_of("to"),
                    "une fermeture qui commence à une heure précise doit avoir une fin : "
                    "ajoutez « to: AAAA-MM-JJ HH:MM »",
                )
                continue
            finish = begin  # a single whole day
        if finish is None:
            continue
        start = _closure_bound(begin, zone, end=False)
        end = _closure_bound(finish, zone, end=True)
        if end <= start:
            checker.error(
                section.line_of("to"),
                section.path_of("to"),
                f"la fermeture doit finir après avoir commencé ({_show(finish)} n'est pas après {_show(begin)})",
            )
            continue
        closures.append(Closure(start=start, end=end, reason=reason, practitioner_id=practitioner_id))
    return tuple(closures)


def _show(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


def _closure_bound(value: date | datetime, zone: tzinfo, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return local_datetime(value.date(), value.time(), zone)
    day = value + timedelta(days=1) if end else value  # dates are inclusive
    return local_datetime(day, time(0), zone)


# --------------------------------------------------------------------------- dict round trip

FORMAT_VERSION = 1
_VERSION_KEY = "format_version"


def practice_to_dict(practice: Practice) -> dict[str, Any]:
    """A JSON-serialisable snapshot of a validated practice, to store what was applied.

    Keys mirror the model's field names (``weekdays`` are 0 = Monday); dates are
    ISO strings, datetimes ISO with their UTC offset, times ``HH:MM``. A
    ``format_version`` key lets a later version read older snapshots.
    """
    data = _encode(practice)
    assert isinstance(data, dict)
    data[_VERSION_KEY] = FORMAT_VERSION
    return data


def practice_from_dict(data: dict[str, Any]) -> Practice:
    """Rebuild the :class:`Practice` stored by :func:`practice_to_dict`.

    The input is trusted (it was validated before being stored) but its shape is
    checked: a malformed snapshot raises ``ValueError`` naming the field. Datetimes
    come back as UTC instants, like the ones :func:`parse_practice` builds with
    :func:`~assistant.core.windows.local_datetime`.
    """
    if not isinstance(data, dict):
        raise ValueError("un instantané de cabinet doit être un dictionnaire")
    payload = dict(data)
    version = payload.pop(_VERSION_KEY, FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version {version!r} d'instantané de cabinet non pris en charge")
    practice = _decode(Practice, payload, "")
    assert isinstance(practice, Practice)
    return practice


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"date et heure sans fuseau horaire : {value!r}")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M") if not (value.second or value.microsecond) else value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"type {type(value).__name__} non pris en charge dans un instantané de cabinet")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(hint: Any, value: Any, path: str) -> Any:
    """Rebuild a value of type ``hint`` from its JSON form, driven by the model's annotations.

    Driven by the annotations so that a field added to the model (with a default)
    needs no change here, and older snapshots without it still load.
    """
    where = path or getattr(hint, "__name__", "?")
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if value is None and len(options) < len(typing.get_args(hint)):
            return None
        return _decode(options[0], value, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(f"{where} : une liste est attendue")
        item_hint = typing.get_args(hint)[0]
        return tuple(_decode(item_hint, item, f"{path}[{index}]") for index, item in enumerate(value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ValueError(f"{where} : un objet est attendu")
        hints = _hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        unknown = sorted(set(value) - names)
        if unknown:
            raise ValueError(f"{where} : clés inconnues {unknown}")
        kwargs = {name: _decode(hints[name], item, _join(path, name)) for name, item in value.items()}
        try:
            return hint(**kwargs)
        except TypeError as exc:
            raise ValueError(f"{where} : {exc}") from None
    try:
        if hint is datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("décalage horaire manquant")
            return parsed.astimezone(timezone.utc)
        if hint is date:
            return date.fromisoformat(value)
        if hint is time:
            return time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} : {exc}") from None
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str):
        return value
    raise ValueError(f"{where} : {getattr(hint, '__name__', hint)} attendu, pas {value!r}")
