"""French phone numbers in every way patients say and write them (assistant.language.fr.phone).

A table of the forms heard and typed, the messages that are not a phone number, and a property: any
valid French number, rendered in any of those ways, reads back to itself.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.language.fr.phone import NO_PHONE, is_mobile, national_form, parse_phone, read_phone, to_e164

READ = [
    # grouped, written
    ("06 01 02 03 04", "06 01 02 03 04"),  # the README's own example
    ("06.01.02.03.04", "06 01 02 03 04"),
    ("06-01-02-03-04", "06 01 02 03 04"),
    ("06/01/02/03/04", "06 01 02 03 04"),
    ("0601020304", "06 01 02 03 04"),
    ("0612 345 678", "06 12 34 56 78"),  # a message that is only the number: any grouping
    # digit by digit, in digits and in words (the bot's own hint: « chiffre par chiffre »)
    ("0 6 0 1 0 2 0 3 0 4", "06 01 02 03 04"),
    ("zéro six zéro un zéro deux zéro trois zéro quatre", "06 01 02 03 04"),
    ("zéro, six, un, deux, trois, quatre, cinq, six, sept, huit", "06 12 34 56 78"),
    ("zero six un deux trois quatre cinq six sept huit", "06 12 34 56 78"),
    # pairs in words, as speech-to-text writes them
    ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "06 12 34 56 78"),
    ("zéro six douze trente quatre cinquante six soixante dix huit", "06 12 34 56 78"),
    ("Zéro six. Douze. Trente-quatre. Cinquante-six. Soixante-dix-huit.", "06 12 34 56 78"),
    ("zéro un soixante et onze quatre-vingt-dix-neuf douze trente-quatre", "01 71 99 12 34"),
    ("zéro sept quatre-vingt-dix-neuf zéro zéro onze vingt-deux", "07 99 00 11 22"),
    ("zéro six septante-deux nonante et un huitante-cinq octante", "06 72 91 85 80"),
    # 60 and 80 before a teen: alpha2digit reads "soixante dix-huit" as 78, the pairs say 60 18
    ("zéro six soixante dix-huit trente-quatre cinquante-six", "06 60 18 34 56"),
    ("zéro six quatre-vingts douze trente-quatre cinquante-six", "06 80 12 34 56"),
    # digits and words mixed
    ("06 douze 34 cinquante-six 78", "06 12 34 56 78"),
    ("0 six 1 deux 3 quatre 5 six 7 huit", "06 12 34 56 78"),
    # the country code
    ("+33 6 12 34 56 78", "06 12 34 56 78"),
    ("+33612345678", "06 12 34 56 78"),
    ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
    ("0033 6 12 34 56 78", "06 12 34 56 78"),
    ("33 6 12 34 56 78", "06 12 34 56 78"),
    ("plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", "06 12 34 56 78"),
    ("6 12 34 56 78", "06 12 34 56 78"),  # the zero left out
    # hesitations between the groups, and a sentence around
    ("06 euh 12 heu 34 alors 56 78", "06 12 34 56 78"),
    ("c'est le 06, euh, 12. 34 attendez 56 78", "06 12 34 56 78"),
    (
        "c'est le zéro six... euh... douze, trente-quatre, heu, cinquante-six, attendez, soixante-dix-huit",
        "06 12 34 56 78",
    ),
    ("mon numéro c'est le 06 01 02 03 04 merci", "06 01 02 03 04"),
    ("rdv kine le 3/12 a 9h, c pour un bilan, tel 06 01 02 03 04", "06 01 02 03 04"),
    ("non pardon zéro six douze trente-quatre cinquante-six soixante-dix-huit", "06 12 34 56 78"),
    # a year said in the same message does not hide the number (it did: no number was read)
    ("zéro six douze trente-quatre cinquante-six soixante-dix-huit, je suis née en 1985", "06 12 34 56 78"),
    ("06 12 34 56 78 et 07 12 34 56 78", "06 12 34 56 78"),  # the first of two
    # landlines, the other national numbers, the overseas mobiles
    ("01 23 45 67 89", "01 23 45 67 89"),
    ("zéro trois vingt douze trente-quatre cinquante-six", "03 20 12 34 56"),
    ("05 56 00 11 22", "05 56 00 11 22"),
    ("09 87 65 43 21", "09 87 65 43 21"),
    ("0639 98 11 55", "06 39 98 11 55"),
]

REFUSED = [
    "06 12 34",  # too few digits
    "06 12 34 56 7",
    "06 12 34 56 78 90",  # too many: which number?
    "00 00 00 00 00",
    "12 03 1985",  # a birth date
    "12/03/1985",
    "le 06/12/2025 à 14h",
    "12 03 1985 06 12",  # a date and a few digits (was read as 03 19 85 06 12)
    "à 14 h 30",  # a time
    "le 12 à 14h30",
    "le 2 février 1976, non, 1967",  # a date with a correction
    "Le 2 février 1976. Non attendez, je me suis trompé, c'est 1967.",
    "non pardon quatre-vingt-onze",  # a birth year correction
    "j'ai 2 enfants de 12 et 14 ans et 3 de 5 6 7",  # digits among words (was read as 02 12 14 35 67)
    "douze",
    "zéro six cent douze",
    "bonjour",
    "je voudrais un rendez-vous vendredi",
    "",
]


@pytest.mark.parametrize(("said", "phone"), READ)
def test_every_way_of_giving_a_number_is_read(said: str, phone: str) -> None:
    assert read_phone(said) == phone
    assert parse_phone(said) == phone  # what the forms call
    assert parse_phone(phone) == phone  # a form that starts again validates its own answer again


@pytest.mark.parametrize("said", REFUSED)
def test_what_is_not_a_phone_number_is_refused(said: str) -> None:
    assert read_phone(said) is None
    assert parse_phone(said) is None


@pytest.mark.parametrize("said", ["aucun", "je n'ai pas de portable", "non je n'en ai pas", NO_PHONE])
def test_no_phone_is_still_no_phone(said: str) -> None:
    assert parse_phone(said) == NO_PHONE


def test_written_numbers_in_national_and_e164_forms() -> None:
    assert national_form("+33612345678") == national_form("0033 6 12 34 56 78") == "06 12 34 56 78"
    assert national_form("+442071234567") is None  # foreign: kept as it came by the caller
    assert national_form("anonymous") is None
    assert to_e164("06 12 34 56 78") == "+33612345678"
    assert to_e164("03 20 12 34 56") == "+33320123456"
    assert to_e164("12 34") is None
    assert is_mobile("06 12 34 56 78") and is_mobile("+33 7 81 23 45 67")
    assert not is_mobile("01 23 45 67 89") and not is_mobile("09 87 65 43 21")


# -- property: any French number, said or written any way, reads back to itself ---------------------

_UNITS = [
    *("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    *("dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"),
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _pair_in_words(n: int, hyphen: bool) -> str:
    """0–99 in French words, as speech-to-text writes them (with or without hyphens)."""
    join = "-" if hyphen else " "
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return join.join(["dix", _UNITS[n - 10]])
    if n < 70:
        tens, unit = divmod(n, 10)
        return (
            _TENS[tens]
            if unit == 0
            else join.join([_TENS[tens], "et", "un"] if unit == 1 else [_TENS[tens], _UNITS[unit]])
        )
    if n < 80:
        return join.join(["soixante", "et", "onze"] if n == 71 else ["soixante", _pair_in_words(n - 60, hyphen)])
    if n == 80:
        return "quatre-vingts" if hyphen else "quatre vingts"
    return join.join(["quatre", "vingt", _pair_in_words(n - 80, hyphen)])


_DIGITS_STYLE, _DIGIT_BY_DIGIT, _DIGIT_WORDS, _PAIR_WORDS = "digits", "digit_by_digit", "digit_words", "pair_words"
_HESITATIONS = [", ", " euh ", ", euh, ", " heu ", " alors ", ", attendez, ", "... ", ". ", " c'est le "]


@st.composite
def spoken_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(how the number is said or written, the number in national form)."""
    first = draw(st.sampled_from("12345679"))
    rest = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    national = "0" + first + rest
    prefix = draw(st.sampled_from(["0", "+33 ", "+33 (0)", "0033 ", "33 "]))
    hyphen = draw(st.booleans())
    groups: list[tuple[str, str]] = []  # (style, text)
    pairs = [first, *(rest[i : i + 2] for i in range(0, 8, 2))]
    for index, pair in enumerate(pairs):
        if index == 0 and prefix == "0":
            pair = "0" + pair
        style = draw(st.sampled_from([_DIGITS_STYLE, _DIGIT_BY_DIGIT, _DIGIT_WORDS, _PAIR_WORDS]))
        if style == _DIGITS_STYLE:
            text = pair
        elif style == _DIGIT_BY_DIGIT:
            text = " ".join(pair)
        elif style == _DIGIT_WORDS or len(pair) == 1 or pair.startswith("0"):
            style, text = _DIGIT_WORDS, " ".join(_UNITS[int(digit)] for digit in pair)
        else:
            text = _pair_in_words(int(pair), hyphen)
        groups.append((style, text))
    # "33 six…" is the country code only when the rest is digits too; in words it is "trente-trois"
    assume(prefix != "33 " or groups[0][0] in (_DIGITS_STYLE, _DIGIT_BY_DIGIT))
    if prefix == "0" and groups[0][0] in (_DIGITS_STYLE, _DIGIT_BY_DIGIT):
        said = groups[0][1]
    elif prefix == "0":
        said = groups[0][1]  # "zéro six"
    else:
        said = prefix + groups[0][1]
    written = all(style == _DIGITS_STYLE for style, _ in groups)
    glued = written and draw(st.booleans())  # "0612345678", "+33612345678"
    for (before, _), (style, text) in itertools.pairwise(groups):
        in_words = {before, style} & {_DIGIT_WORDS, _PAIR_WORDS}
        if glued:
            separator = ""
        elif written:
            separator = draw(st.sampled_from([" ", ".", "-", *_HESITATIONS]))
        elif not in_words or before == style == _DIGIT_WORDS or text.startswith("zéro"):
            separator = draw(st.sampled_from([" ", *_HESITATIONS]))
        elif before == style == _PAIR_WORDS and hyphen:
            separator = draw(st.sampled_from([" ", *_HESITATIONS]))  # one word a pair: no doubt where it ends
        else:
            # "vingt trois quatre", "trente quatre vingt deux": words that run on are said with a pause
            separator = draw(st.sampled_from(_HESITATIONS))
        said += separator + text
    wrapper = draw(st.sampled_from(["{}", "mon numéro c'est le {} merci", "euh c'est le {}", "alors {}.", "{}, voilà"]))
    return wrapper.format(said), " ".join(national[i : i + 2] for i in range(0, 10, 2))


@settings(max_examples=400, deadline=None)
@given(spoken_numbers())
def test_any_french_number_said_any_way_reads_back_to_itself(case: tuple[str, str]) -> None:
    said, national = case
    assert read_phone(said) == national
    assert parse_phone(said) == national


@pytest.mark.parametrize(
    ("span", "message", "is_phone"),
    [
        ("dix-huit", "celui de dix-huit heures trente", False),
        ("neuf cent", "née le douze février mille neuf cent soixante-dix-huit", False),
        ("cinquante", "c'est pour le dépistage j'ai cinquante-deux ans", False),
        ("zéro six douze", "zéro six douze trente-quatre cinquante-six soixante-dix-huit", True),  # a piece of it
        ("06 12 34 56 78", "rappelez-moi au 06 12 34 56 78", True),
    ],
)
def test_number_words_name_a_phone_number_only_where_the_message_gives_one(
    span: str, message: str, is_phone: bool
) -> None:
    from assistant.language.fr.phone import names_a_phone_number

    assert names_a_phone_number(span, message) is is_phone
