"""Text normalisation shared by everything that compares what people say.

Chat and phone transcripts differ in accents, case, apostrophes and punctuation
("J’ai mal à la poitrine.", "jai mal a la poitrine"); comparisons happen on the
normalised form: lowercase, no accents, apostrophes and punctuation as spaces,
single spaces.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from typing import Any

_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Apostrophes and dashes as people type them, and the one character each becomes.
_APOSTROPHES = "\u2019\u2018`\u00b4\u02bc"
_DASHES = "\u2010\u2011\u2012\u2013\u2014"


def strip_accents(text: str) -> str:
    """Lowercase (casefold), without accents, "œ" and "æ" written "oe" and "ae"; nothing else changes."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("œ", "oe").replace("æ", "ae")


def normalise(text: str, keep: str = "") -> str:
    """The folded form: :func:`strip_accents`, apostrophes and punctuation as single spaces.

    ``keep`` lists characters that are not punctuation to this caller (the triage patterns'
    wildcards ``*`` and ``?``).
    """
    non_word = _NON_WORD if not keep else re.compile(rf"[^a-z0-9{re.escape(keep)}]+")
    return non_word.sub(" ", strip_accents(text)).strip()


def fold_keeping_offsets(text: str) -> str:
    """:func:`strip_accents` character by character, so that offsets in the result are offsets in ``text``.

    For entity spans: regexes are written without accents ("apres-midi") and their matches still
    index the original. Every character stays one character: a character whose folded form is
    longer ("œ", "ß") or empty (a lone combining accent) is only lowercased; apostrophes become
    "'" and dashes "-", punctuation stays.
    """
    out = []
    for char in text:
        if char in _APOSTROPHES:
            out.append("'")
        elif char in _DASHES:
            out.append("-")
        else:
            folded, lower = strip_accents(char), char.lower()
            out.append(folded if len(folded) == 1 else lower if len(lower) == 1 else char)
    return "".join(out)


#: Invisible characters that reorder or hide text (bidirectional overrides and isolates, zero-width
#: spaces, the byte-order mark): an attacker's tools, never a patient's words.
_INVISIBLE = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200b", "\u200c", "\u200e", "\u200f", "\u2060", "\ufeff"]
)
_SPACES = re.compile(r"\s+")


def clean_input(text: str) -> str:
    """A message as every component may read it: printable Unicode, single spaces, NFC.

    Control characters (NUL crashed the date reader's worker), unpaired surrogates, private-use and
    unassigned code points and invisible reordering marks are removed before the NLU, the triage
    rules or a log line sees the text; line breaks and tabs become spaces. The zero-width joiner
    stays (it is part of emoji such as family pictographs).
    """
    kept: list[str] = []
    for character in text:
        category = unicodedata.category(character)
        if character in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or character in _INVISIBLE:
            continue
        else:
            kept.append(character)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(kept))).strip()


#: Moved to the French language toolkit (issue 17), still importable from here for the callers not
#: switched yet; read lazily, as the core never imports the language layer.
_MOVED = {"is_only_hesitation": "assistant.language.fr.lexicon"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
