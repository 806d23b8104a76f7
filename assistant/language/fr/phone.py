"""French phone numbers in every way people say and write them, read with libphonenumber and text2num.

Patients give their number grouped ("06 01 02 03 04", "06.01.02.03.04", "0601020304"), digit by digit
("0 6 0 1…", "zéro six zéro un…"), in pairs of words as speech-to-text writes them ("zéro six, douze,
trente-quatre…", "soixante et onze", "quatre-vingt-dix-neuf"), with the country code ("+33 6…",
"+33 (0)6…", "0033 6…", "33 6…"), with hesitations between the groups ("euh", "alors", "c'est le",
"attendez") and inside a sentence ("mon numéro c'est le 06 01 02 03 04 merci").

Two libraries do the work: ``text_to_num.alpha2digit`` turns the French number words into digits
(it knows "soixante et onze", the Belgian "septante" and keeps "zéro six" as "06"), and ``phonenumbers``
(Google's libphonenumber) decides what a French number is and writes it. What is left here is only the
part neither knows: which digits of a message make one number. Digits belong together when nothing but
separators and hesitations lie between them, and only in a number's shape: groups of one or two digits
(or one block), so that a birth date ("12 03 1985", "le 2 février 1976, non, 1967") or a time ("à 14 h
30") is never taken for a phone number.

Pure functions, no Rasa, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from text_to_num import alpha2digit

from assistant.core.text import normalise, strip_accents
from assistant.language.fr.lexicon import is_hesitation
from assistant.language.fr.numbers import DIGIT_WORDS, NUMBER_WORDS

#: Words that may come between the groups of one number: "06 euh 12, alors 34, attendez, 56 78",
#: "c'est le 06…". Kept short on purpose: any other word ends the number ("et", "non", "pardon" start another).
_BETWEEN_GROUPS = frozenset({"alors", "donc", "voila", "bon", "c", "est", "ce", "le", "l", "attendez", "attends"})

#: Pieces of a message once its number words are digits: a number (its "+" kept), the "(0)" written after
#: "+33", a word, or any other sign.
_TOKEN = re.compile(r"\+?\d+|\(0\)|[^\W\d_]+|[^\w\s]")

#: A message that is nothing but a written number: its digits are one number however they are grouped
#: ("0612 345 678").
_ONLY_WRITTEN = re.compile(r"[\d\s.\-+()/]*")

#: Tens that alpha2digit joins to the next number: "soixante dix-huit" (60 18) becomes 78, "quatre-vingts
#: douze" (80 12) 92. Read once more with a pause after them when the first reading gives no number.
_TENS_ALONE = re.compile(
    r"\b(vingts?|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|quatre-vingts?)\s+(?=\w)"
)

_COUNTRY_CODE = "33"
_REGION = "FR"


def read_phone(text: str) -> str | None:
    """The first French phone number in ``text``, as "06 12 34 56 78", or None when there is none.

    Landlines (01–05, 09), mobiles (06, 07) and the other national numbers (08, the overseas 0639, 069x)
    are all read: a patient gives the number they can be reached at, whatever its kind
    (:func:`is_mobile` says whether it takes an SMS).
    """
    if not text or not text.strip():
        return None
    # "zero" without its accent is not a number word for alpha2digit
    spoken = re.sub(r"\bzero\b", "zéro", text, flags=re.IGNORECASE)
    any_grouping = bool(_ONLY_WRITTEN.fullmatch(text.strip()))
    for reading in (spoken, _TENS_ALONE.sub(r"\1, ", spoken)):
        # threshold 1: a digit said alone ("+33 deux, 00…") is a digit too, "un" is left to _runs
        for digits in _runs(alpha2digit(reading, "fr", threshold=1)):
            number = _french_number(digits, any_grouping)
            if number is not None:
                return _national(number)
    return None


def names_a_phone_number(span: str, message: str) -> bool:
    """Whether a span the model read as a phone number is one, or part of the one the message gives.

    The model reads numbers in words as a phone number wherever they stand: "dix-huit" of "celui de
    dix-huit heures trente", "neuf cent" of a birth year, "cinquante" of "j'ai cinquante-deux ans".
    Such a reading would fill the callback number in the middle of a booking.
    """
    return read_phone(span) is not None or read_phone(message) is not None


def national_form(number: str) -> str | None:
    """A French number written any usual way ("+33612345678", "0033 6…", "06.12…") as "06 12 34 56 78".

    None for a foreign number or anything else: the caller keeps it as it came (E.164).
    """
    parsed = _parse(number.strip())
    return _national(parsed) if parsed is not None and _is_french(parsed) else None


def to_e164(number: str) -> str | None:
    """A French number in E.164 ("06 12 34 56 78" → "+33612345678"), or None when it is not one."""
    parsed = _parse(number.strip())
    if parsed is None or not _is_french(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(number: str) -> bool:
    """Whether a French number is a mobile (06, 07), by libphonenumber's own plan of French numbers."""
    parsed = _parse(number.strip())
    return (
        parsed is not None
        and _is_french(parsed)
        and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )


# -- reading ---------------------------------------------------------------------------------------


def _runs(text: str) -> Iterator[list[str]]:
    """The groups of digits that follow one another with only separators and hesitations between them."""
    run: list[str] = []
    for token in _TOKEN.findall(text):
        if token[-1].isdigit():
            if token.startswith("+") and run:
                yield run  # a "+" starts a number
                run = []
            run.append(token)
        elif token == "(0)":
            if run and run[-1].lstrip("+") in (_COUNTRY_CODE, "00" + _COUNTRY_CODE):
                continue  # "+33 (0)6…": the national zero written after the country code
            if run:
                yield run
            run = []
        elif token.isalpha():
            word = strip_accents(token)
            if word in DIGIT_WORDS and (run or word == "zero"):
                # a digit alpha2digit left alone ("un" is an article as often as a digit, "neuf" an adjective):
                # within a number it is a digit ("+33 un, 23…", "+33 neuf, 00…")
                run.append(DIGIT_WORDS[word])
            elif word not in _BETWEEN_GROUPS and not is_hesitation(word):
                if run:
                    yield run
                run = []
        # any other sign (space, comma, dot, hyphen, slash, apostrophe, "…") separates groups of one number
    if run:
        yield run


def _french_number(groups: list[str], any_grouping: bool = False) -> phonenumbers.PhoneNumber | None:
    """The French number these groups of digits make, if they have a number's shape (or ``any_grouping``)."""
    first = groups[0]
    plus = first.startswith("+")
    digits = "".join(groups).lstrip("+")
    national_groups = groups[1:] if first.lstrip("+") in (_COUNTRY_CODE, "00" + _COUNTRY_CODE) else groups
    # Digits among words are a number only in a number's shape: one block, or groups of one or two digits
    # (a group may start with zeros alpha2digit joined: "zéro zéro onze" is "0011"). A year ("1985") is not
    # a group of a phone number.
    if (
        not any_grouping
        and len(national_groups) > 1
        and not all(len(g) <= 2 or g.startswith("0") for g in national_groups)
    ):
        return None
    if plus:
        candidate = "+" + digits
    elif first == _COUNTRY_CODE and len(digits) in (11, 12):
        candidate = "+" + digits  # "33 6 12 34 56 78": the country code said without its "+"
    else:
        candidate = digits  # national ("06…", "6…" without its zero) or international from France ("0033 6…")
    parsed = _parse(candidate)
    return parsed if parsed is not None and _is_french(parsed) else None


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, _REGION)
    except phonenumbers.NumberParseException:
        return None


def _is_french(parsed: phonenumbers.PhoneNumber) -> bool:
    """A number of the French plan: country code 33, nine digits after the zero, the first one not zero.

    Possible rather than valid: libphonenumber files the overseas mobiles (0639, 069x) under their own
    regions, and a newly opened range must not be refused to a patient.
    """
    national = phonenumbers.national_significant_number(parsed)
    return (
        parsed.country_code == int(_COUNTRY_CODE)
        and len(national) == 9
        and national[0] != "0"
        and phonenumbers.is_possible_number(parsed)
    )


def _national(parsed: phonenumbers.PhoneNumber) -> str:
    """ "06 12 34 56 78": the form the secretariat dials and the dialogue reads back, in pairs."""
    national = "0" + phonenumbers.national_significant_number(parsed)
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


NO_PHONE = "none"


def parse_phone(text: str) -> str | None:
    """A French phone number, however it is said or written (:func:`assistant.language.fr.phone.read_phone`).

    Returns the national form "06 12 34 56 78", :data:`NO_PHONE` when the patient
    has none ("aucun", "je n'ai pas de portable"), or None when it is not a number.
    """
    said = normalise(text)
    if said == NO_PHONE:  # its own answer, validated again when a form restarts (idempotent, as for numbers)
        return NO_PHONE
    phone = read_phone(text)  # a number first: "non pardon, zéro six…" gives one
    if phone is not None:
        return phone
    refused = re.search(r"\b(aucun|pas de (?:portable|telephone|numero)|j en ai pas|je n en ai pas|non)\b", said)
    # "non" with numbers in it corrects something ("non pardon quatre-vingt-onze"): not "no phone"
    if refused and not re.search(r"\d", said) and not set(said.split()) & _NUMBER_WORD_SET:
        return NO_PHONE
    return None


_NUMBER_WORD_SET = NUMBER_WORDS - {"un", "une"}
