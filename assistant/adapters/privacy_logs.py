"""Privacy of the logs: no name, birth date, phone number or message text in any log line.

Installed by every process the project starts (Rasa server, action server, CLI and
SMS worker; the Duckling worker silences its own stderr, see ``duckling_worker.py``)::

    from assistant.adapters import privacy_logs
    privacy_logs.install("INFO")

How it works
------------
- **Every stdlib record** is redacted when it is *created*, by a wrapper around
  :func:`logging.setLogRecordFactory`. The factory is process-wide and is called
  for every record of every logger, before any handler, filter or formatter sees
  it, so it survives ``logging.basicConfig``, Sanic's ``dictConfig`` and the
  handlers Rasa adds later (a filter on each handler would miss handlers added
  after :func:`install`, and a filter on each logger misses child loggers). The
  record's message is formatted once (``msg % args``), redacted, cut to
  :data:`MAX_LINE` characters, and stored back with no arguments.
- **Tracebacks**: the record's ``exc_info`` is replaced by a traceback of exception
  *types* and frame locations (file, line, function) only, put in ``exc_text``,
  which every ``logging.Formatter`` prints as is. Exception messages (third-party
  code puts request bodies and values in them) and local variables are never
  printed. The same applies to uncaught exceptions (``sys.excepthook``,
  ``threading.excepthook``) and to warnings (routed through logging).
- **structlog** (Rasa 3.6 logs part of its events with it, and its console renderer
  prints *rich* tracebacks with ``show_locals=True``; its JSON renderer's
  ``dict_tracebacks`` keeps locals too): :func:`structlog.configure` is wrapped, so
  whatever configuration Rasa sets later gets our processors: first one that
  turns ``exc_info`` into the safe traceback (so no rich/dict traceback is ever
  built), masks the event keys Rasa itself declares as carrying user data
  (``text``, ``slot_values``, ``tracker_states``…), and redacts every other string
  value; last, one that redacts and cuts the rendered line.
- **What is redacted** (:func:`redact`): phone numbers (8 or more digits with any
  separators, ``+33``/``0033`` forms), numeric dates (``03/02/1990``,
  ``1990-02-03``, ``3.2.90``), French dates in words (``12 mars 1985``,
  ``douze mars mille neuf cent…``), e-mail addresses, and every text registered as
  sensitive by :func:`sensitive` while it is active.
- **Third-party loggers** (anything not ``assistant.*``/``actions.*``): besides the
  above, only the first line of a multi-line message is kept (Rasa's DEBUG lines
  list slot values and tracker states on the following lines), quoted text
  containing a space is masked (user and bot utterances), and ``value: …`` /
  ``value=…`` fields are masked (event reprs such as ``SlotSet(key: last_name,
  value: Martin)``).

Residual risks (see also README "Privacy")
------------------------------------------
- A name said in an *earlier* turn, logged by a third-party library outside of
  any :func:`sensitive` block and on a single line without quotes, is not
  recognised: a surname is not a pattern. The channels register each turn's
  message text and the action server each call's slot values, which covers
  Rasa's DEBUG lines about the current message; DEBUG level should still not be
  used in production.
- Output that bypasses both logging and structlog (a library calling ``print``
  or writing to file descriptor 2 from C code) is not filtered. The Duckling
  worker's native code is the known case; its stderr is sent to /dev/null once
  it is ready.
- Redaction over-matches: version numbers (``3.6.21``), long numeric ids and
  durations with 8 or more digits become ``[date]``/``[tél]``.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import logging
import re
import sys
import threading
import traceback
import unicodedata
from collections.abc import Iterator
from types import TracebackType
from typing import Any

#: Every log line (each line of a multi-line message) is cut to this many characters.
MAX_LINE = 500
#: At most this many frames of a traceback are kept (the innermost ones).
MAX_FRAMES = 30

OUR_LOGGERS = ("assistant", "actions", "__main__")
PHONE, DATE, EMAIL, MASK = "[tél]", "[date]", "[e-mail]", "[masqué]"
MARKER_ATTRIBUTE = "privacy_redacted"

# ---------------------------------------------------------------------------- patterns

_MONTHS = (
    r"janv(?:ier|\.)?|f[ée]v(?:rier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|ao[uû]t|"
    r"sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?"
)
_NUMBER_WORD = (
    r"premier|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|et"
)
_NUMBER_WORDS = rf"(?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}))*"
_DAY = rf"(?:\d{{1,2}}(?:er)?|{_NUMBER_WORDS})"
_YEAR = rf"(?:\d{{2,4}}|{_NUMBER_WORDS})"

_EMAIL_RE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_WORD_DATE_RE = re.compile(
    rf"\b(?:{_DAY}[\s-]+(?:{_MONTHS})(?:[\s-]+{_YEAR})?|(?:{_MONTHS})[\s-]+\d{{4}})\b", re.IGNORECASE
)
_NUMERIC_DATE_RE = re.compile(r"(?<![\d./\-])\d{1,4}([/.\-])\d{1,2}\1\d{1,4}(?!\d|[./\-]\d)")
# 8 digits or more, with any separators between them (06 01 02 03 04, +33 (0)6-01…, 0033.6…).
# Digits inside an identifier (a CallSid "CAaf2db3…", a hash) are not a phone number: the run must stand alone.
_PHONE_RE = re.compile(r"(?<![A-Za-z0-9])(?:\+|\b00)?\d(?:[\s.\-/()]{0,3}\d){7,}(?![A-Za-z0-9])")
# A quotation opens and closes outside words: the apostrophe of "Couldn't" or "l'agenda" is no quote.
_QUOTED_RE = re.compile(r"(?<![A-Za-zÀ-ÿ])'[^'\n]*'(?![A-Za-zÀ-ÿ])|\"[^\"\n]*\"")
_VALUE_FIELD_RE = re.compile(r"\b(value\s*[:=]\s*)([^,)}\]\n]+)", re.IGNORECASE)

#: Words of three letters or more that are common in messages and never a name:
#: they are not registered alone by :func:`sensitive` (the whole text still is).
COMMON_WORDS = frozenset(
    """
    les des une est pas pour que qui quoi avec dans sur par mais vous nous elle elles ils eux son ses
    mon mes ton tes notre votre nos vos leur leurs cette ces cet aux au du oui non bonjour bonsoir
    merci revoir madame monsieur docteur doctoresse rendez vous rdv voudrais voulais veux peux pouvez
    pourrais faut faire avoir être suis ai avez êtes sont été était demain aujourd hui hier matin soir
    midi après avant heure heures minute minutes semaine prochain prochaine jour jours lundi mardi
    mercredi jeudi vendredi samedi dimanche plait plaît appelle appelé appelée nom prénom date
    naissance numéro téléphone portable née plutôt possible encore aussi très bien tout tous toute
    comme quand comment pourquoi combien alors donc parce car ceci cela ça annuler déplacer décaler
    prendre réserver consultation rappeler besoin merci voilà bon bonne ok d'accord accord
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_ACCENTS = {
    "a": "aàâäáã",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóò",
    "u": "uùûüú",
    "y": "yÿý",
}


def _fold(char: str) -> str:
    return unicodedata.normalize("NFKD", char)[:1].lower()


def _loose_pattern(text: str) -> str:
    """A pattern matching ``text`` whatever its accents, case and spacing."""
    parts = []
    for char in text:
        base = _fold(char)
        if char.isspace():
            parts.append(r"\s+")
        elif base in _ACCENTS:
            parts.append(f"[{_ACCENTS[base]}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


# ---------------------------------------------------------------------------- sensitive texts

_SENSITIVE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("privacy_sensitive", default=())
# Texts of the turns being handled right now in this process, whatever their context:
# ``loop.run_in_executor`` does not carry context variables into its threads.
_ACTIVE: dict[int, tuple[str, ...]] = {}
_ACTIVE_LOCK = threading.Lock()
_ACTIVE_IDS = itertools.count(1)
_pattern_cache: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def sensitive_terms(*texts: str) -> tuple[str, ...]:
    """The whole texts and their name-like words (3 letters or more, not common French words)."""
    terms: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        whole = " ".join(text.split())
        if len(whole) >= 2:
            terms.add(whole)
        for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", whole):
            for piece in re.split(r"['’-]", word):
                if len(piece) >= 3 and piece.lower() not in COMMON_WORDS:
                    terms.add(piece)
        for digits in re.findall(r"\d[\d\s./-]{3,}\d", whole):
            terms.add(digits)
    return tuple(sorted(terms, key=lambda term: (-len(term), term)))


@contextlib.contextmanager
def sensitive(*texts: str) -> Iterator[None]:
    """Within the block, log lines have ``texts`` (and their name-like words) redacted.

    Registered in a context variable (this task or thread) and, while the block
    runs, process-wide, so that lines logged from executor threads are covered too.
    """
    terms = sensitive_terms(*texts)
    if not terms:
        yield
        return
    token = _SENSITIVE.set(tuple(dict.fromkeys(_SENSITIVE.get() + terms)))
    key = next(_ACTIVE_IDS)
    with _ACTIVE_LOCK:
        _ACTIVE[key] = terms
    try:
        yield
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.pop(key, None)
        _SENSITIVE.reset(token)


def _current_terms() -> tuple[str, ...]:
    with _ACTIVE_LOCK:
        active = [term for terms in _ACTIVE.values() for term in terms]
    terms = set(_SENSITIVE.get()) | set(active)
    return tuple(sorted(terms, key=lambda term: (-len(term), term)))


def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    pattern = _pattern_cache.get(terms)
    if pattern is None:
        if len(_pattern_cache) > 256:
            _pattern_cache.clear()
        alternatives = "|".join(_loose_pattern(term) for term in terms)
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        _pattern_cache[terms] = pattern
    return pattern


# ---------------------------------------------------------------------------- redaction


def redact(text: str) -> str:
    """``text`` without phone numbers, dates, e-mail addresses and the registered sensitive texts."""
    if not text:
        return text
    pattern = _terms_pattern(_current_terms())
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _WORD_DATE_RE.sub(DATE, text)
    text = _NUMERIC_DATE_RE.sub(DATE, text)
    return _PHONE_RE.sub(PHONE, text)


def redact_third_party(text: str) -> str:
    """:func:`redact`, plus the stricter policy for libraries' messages (first line, quotes, values)."""
    first, newline, rest = text.partition("\n")
    if newline and rest.strip():
        first = f"{first.rstrip()} [+{rest.count(chr(10)) + 1} ligne(s) masquée(s)]"
    first = _QUOTED_RE.sub(lambda match: f"'{MASK}'" if re.search(r"\s", match.group()) else match.group(), first)
    first = _VALUE_FIELD_RE.sub(lambda match: match.group(1) + MASK, first)
    return redact(first)


def cap(text: str, limit: int = MAX_LINE) -> str:
    """Each line of ``text`` cut to ``limit`` characters."""
    return "\n".join(line if len(line) <= limit else line[: limit - 1] + "…" for line in text.split("\n"))


def safe_traceback(exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> str:
    """A traceback of exception types and frame locations, with no message and no variable."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[tuple[type[BaseException] | None, BaseException | None, TracebackType | None]] = []
    while current is not None and id(current) not in seen and len(chain) < 5:
        seen.add(id(current))
        chain.append((type(current), current, current.__traceback__ if current is not exc else tb))
        current = current.__cause__ or current.__context__
    if not chain:
        chain = [(exc_type, exc, tb)]
    for index, (kind, value, trace) in enumerate(reversed(chain)):
        if index:
            lines.append("During the handling of that exception, another one occurred:")
        lines.append("Traceback (types et emplacements seulement) :")
        frames = traceback.extract_tb(trace)[-MAX_FRAMES:] if trace is not None else []
        for frame in frames:
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        name = kind.__qualname__ if kind is not None else "Exception"
        module = getattr(kind, "__module__", "builtins")
        label = name if module in ("builtins", None) else f"{module}.{name}"
        errno = getattr(value, "errno", None)
        lines.append(f"{label} (errno {errno})" if isinstance(errno, int) else label)
    return cap(redact("\n".join(lines)))


# ---------------------------------------------------------------------------- stdlib logging


def _is_ours(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in OUR_LOGGERS)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redacts ``record`` in place (message, arguments, exception, stack); idempotent."""
    if getattr(record, MARKER_ATTRIBUTE, False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a wrong format string: say so rather than print its arguments
        message = f"[message de journal illisible : {record.msg!s:.80}]"
    if record.msg is getattr(_rendered, "line", None) and not record.args:
        message = redact(message)  # a structlog line, redacted field by field already
    elif record.name == "py.warnings":
        # "<file>:<line>: <Category>: <text>\n<source line>": the text may quote a value; the rest is enough.
        message = redact(":".join(message.split("\n", 1)[0].split(":")[:3]))
    elif _is_ours(record.name):
        message = redact(message)
    else:
        message = redact_third_party(message)
    record.msg, record.args = cap(message), None
    if record.exc_info:
        kind, value, trace = record.exc_info
        record.exc_text = safe_traceback(kind, value, trace) if kind is not None else None
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = cap(redact(record.exc_text))
    if record.stack_info:
        record.stack_info = cap(redact(record.stack_info))
    setattr(record, MARKER_ATTRIBUTE, True)
    return record


class RedactingFilter(logging.Filter):
    """Redaction as a filter, for handlers created in code that builds records by hand."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class _RedactingFactory:
    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.wrapped(*args, **kwargs))


# ---------------------------------------------------------------------------- structlog

#: Event keys that Rasa's own anonymizer lists as carrying user data (rasa/utils/log_utils.py).
STRUCTLOG_MASKED_KEYS = frozenset(
    """text response_text user_text slot_values parse_data_text parse_data_entities prediction_events
    tracker_latest_message prefilled_slots message response slot_candidates rasa_event rasa_events
    tracker_states current_states old_states successes current_entity next_entity states entity
    token_text user_message json_message""".split()  # noqa: SIM905
)


def _structlog_first(_: Any, method_name: str, event_dict: Any) -> Any:
    """Safe traceback instead of ``exc_info``; masked user-data keys; redacted strings."""
    if not isinstance(event_dict, dict):
        return event_dict
    exc_info = event_dict.pop("exc_info", None)
    event_dict.pop("exception", None)
    if exc_info is True or (exc_info is None and method_name == "exception"):
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info and exc_info[0] is not None:
        event_dict["traceback"] = safe_traceback(*exc_info)
    event_dict["exc_info"] = False  # so that set_exc_info and the renderers add nothing
    for key, value in list(event_dict.items()):
        if key in STRUCTLOG_MASKED_KEYS:
            event_dict[key] = MASK
        elif key == "event" and isinstance(value, str):
            event_dict[key] = cap(redact(value))
        elif isinstance(value, str) and key != "traceback":
            event_dict[key] = cap(redact(value))
        elif isinstance(value, (dict, list, tuple, set)):
            event_dict[key] = cap(redact(repr(value)))
    return event_dict


_rendered = threading.local()


def _structlog_last(_: Any, __: str, rendered: Any) -> Any:
    """Redacts and cuts the rendered line (strings and bytes)."""
    if isinstance(rendered, str):
        # Remembered so that the stdlib record carrying it is not cut to its first line.
        _rendered.line = cap(redact(rendered))
        return _rendered.line
    if isinstance(rendered, bytes):
        return cap(redact(rendered.decode("utf-8", "replace"))).encode("utf-8")
    return rendered


def _safe_processors(processors: Any) -> list[Any]:
    chain = [p for p in (processors or []) if p not in (_structlog_first, _structlog_last)]
    return [_structlog_first, *chain, _structlog_last]


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:
        return
    configure = structlog.configure
    if getattr(configure, "_privacy_wrapped", False):
        return

    def configure_privately(*args: Any, **kwargs: Any) -> None:
        processors = kwargs.pop("processors", None)
        if processors is None and args:
            processors, args = args[0], args[1:]
        if processors is None:
            processors = structlog.get_config()["processors"]
        configure(*args, processors=_safe_processors(processors), **kwargs)

    configure_privately._privacy_wrapped = True  # type: ignore[attr-defined]
    configure_privately._privacy_original = configure  # type: ignore[attr-defined]
    structlog.configure = configure_privately  # type: ignore[assignment]
    structlog.configure(processors=structlog.get_config()["processors"])
    # structlog's default processor chain (used until someone configures it) prints
    # through rich with locals; the module-level default list is replaced too.
    try:
        from structlog import _config

        _config._CONFIG.default_processors = _safe_processors(_config._CONFIG.default_processors)
    except (ImportError, AttributeError):
        pass


# ---------------------------------------------------------------------------- install

_INSTALL_LOCK = threading.Lock()


def _excepthook(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, None)
        return
    logging.getLogger("assistant.uncaught").critical(
        "uncaught exception %s", kind.__name__, exc_info=(kind, value, trace)
    )


def _thread_excepthook(arguments: Any) -> None:
    if arguments.exc_type is SystemExit:
        return
    thread = arguments.thread.name if arguments.thread is not None else "?"
    logging.getLogger("assistant.uncaught").error(
        "uncaught exception %s in thread %s",
        arguments.exc_type.__name__,
        thread,
        exc_info=(arguments.exc_type, arguments.exc_value, arguments.exc_traceback),
    )


def install(level: str = "INFO") -> None:
    """Redacts every log line of this process from now on (idempotent; see the module's docstring).

    Also gives the root logger a plain stderr handler at ``level`` when it has none
    (a process that configured its handlers keeps them and their levels).
    """
    with _INSTALL_LOCK:
        factory = logging.getLogRecordFactory()
        if not isinstance(factory, _RedactingFactory):
            logging.setLogRecordFactory(_RedactingFactory(factory))
        root = logging.getLogger()
        if not root.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            root.addHandler(handler)
            numeric = logging.getLevelName(str(level).upper())
            root.setLevel(numeric if isinstance(numeric, int) else logging.INFO)
        logging.captureWarnings(True)
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook
        _install_structlog()


def uninstall() -> None:
    """Undoes :func:`install` (for tests that install it in their own process)."""
    with _INSTALL_LOCK:
        factory = logging.getLogRecordFactory()
        if isinstance(factory, _RedactingFactory):
            logging.setLogRecordFactory(factory.wrapped)
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
        logging.captureWarnings(False)
        try:
            import structlog
        except ImportError:
            return
        original = getattr(structlog.configure, "_privacy_original", None)
        if original is not None:
            structlog.configure = original
            chain = [p for p in structlog.get_config()["processors"] if p not in (_structlog_first, _structlog_last)]
            original(processors=chain)


def installed() -> bool:
    """Whether this process's log records and structlog output go through redaction now."""
    if not isinstance(logging.getLogRecordFactory(), _RedactingFactory):
        return False
    try:
        import structlog
    except ImportError:
        return True
    processors = structlog.get_config()["processors"]
    return bool(getattr(structlog.configure, "_privacy_wrapped", False)) and (
        bool(processors) and processors[0] is _structlog_first and processors[-1] is _structlog_last
    )
