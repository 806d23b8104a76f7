"""Text normalisation shared by everything that compares what people say.

Chat and phone transcripts differ in accents, case, apostrophes and punctuation
("J’ai mal à la poitrine.", "jai mal a la poitrine"); comparisons happen on the
normalised form: lowercase, no accents, apostrophes and punctuation as spaces,
single spaces.
"""

from __future__ import annotations

import re
import unicodedata

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


# French number words, folded (lowercase, no accents), shared by the readers of spoken phone
# numbers (``dialogue.understanding``) and of birth dates (``nlu.time_wish``).
NUMBER_UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
NUMBER_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
#: Tens, with the Belgian and Swiss ones ("septante", "octante"/"huitante", "nonante") that
#: patients from there say, and the plural "vingts" of "quatre-vingts".
NUMBER_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "octante": 80,
    "huitante": 80,
    "nonante": 90,
}


#: Sounds of a phone transcript that carry no meaning on their own (letters repeated any number
#: of times are read once: "euuuh", "hmmm", "pfff").
HESITATIONS = frozenset({"euh", "eu", "heu", "hum", "hm", "m", "mh", "ben", "bah", "beh", "hein", "pf"})


def is_only_hesitation(text: str) -> bool:
    """True when a message is nothing but hesitations ("hmm euh ben", "hein ?"): not understood.

    Such a message must count as a misunderstanding whatever the classifier guesses; two in a
    row hand the conversation to the secretariat.
    """
    words = normalise(text).split()
    return bool(words) and all(is_hesitation(word) for word in words)


def is_hesitation(word: str) -> bool:
    """True for one normalised word that is a hesitation, its letters repeated any number of times."""
    return re.sub(r"(.)\1+", r"\1", word) in HESITATIONS


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
