"""Reading a person's name in a French answer, and refusing what is not one.

QA: "😀" was accepted as a surname and "le premier" as a first name, and an appointment was booked
for « Le Premier 😀 ». A name is made of letters of the Latin script, accents included ("Müller",
"Ngô", "Çelik"), particles ("Le Gall", "Da Costa", "de La Tour", "Ben Salah"), hyphens
("Saint-Exupéry"), apostrophes ("N'Diaye", "O'Brien") and spaces, within :data:`MAX_NAME_LENGTH`
characters and :data:`MAX_NAME_WORDS` words. Anything else is not a name and is never stored as one:
an emoji, digits or a date, the words of a choice among the proposed slots ("le premier", "le
deuxième"), yes and no, hesitations ("euh"), a question ("pouvez-vous répéter"), a sentence.
:func:`clean_name` then returns None and the form asks again (then hands over: see
``assistant.dialogue.failures``).

Pure: no Rasa, no I/O but its packaged list of common first names (``first_names_fr.txt``, read once). Every reading of a name (the identity form, a lone name taken for an
emergency, a practitioner's first name that is the patient's) goes through :func:`clean_name`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.core.text import normalise
from assistant.language.fr.lexicon import is_hesitation
from assistant.language.fr.numbers import NUMBER_TEENS, NUMBER_TENS, NUMBER_UNITS

#: At most 60 characters of name (separators included). French civil status sets no limit, but the
#: longest compound names patients give ("Nguyen Van Thanh", "de La Rochefoucauld-Liancourt") stay
#: well under it, and a longer answer is a sentence, not a name. (The agenda's columns hold 200.)
MAX_NAME_LENGTH = 60
#: At most four words ("Maria Da Conceição Santos", "de La Tour"): more is a phrase ("je ne sais pas
#: trop"), and a surname said with the first name is split elsewhere (``name_without_other``).
MAX_NAME_WORDS = 4

#: Particles: parts of a name ("Le Gall", "Da Costa", "Van Damme", "Ben Salah", "Mac Gregor"), never a
#: name on their own. A particle typed in lower case before a capitalised word keeps its case ("de La Tour").
PARTICLES = frozenset(
    {
        "de", "d", "du", "des", "le", "la", "les", "l", "van", "von", "der", "den", "ter", "ten", "zu",
        "da", "das", "do", "dos", "di", "del", "della", "degli", "el", "al", "ben", "bin", "ibn", "bou",
        "abou", "abu", "mac", "mc", "o", "n", "m", "saint", "sainte", "st", "ste", "y", "e",
    }
)  # fmt: skip

#: Words said before a name that are not part of it: "euh je m'appelle Dupont", "mon nom c'est Martin".
_NAME_FILLERS = re.compile(
    r"^(?:(?:euh+|bah|ben|alors|oui|donc|voila|bonjour)\s+)*"
    r"(?:(?:je m appelle|je suis|moi c est|c est|mon nom(?: de famille)? (?:c est|est)|nom(?: de famille)?|"
    r"son nom(?: de famille)? (?:c est|est)|il s appelle|elle s appelle|mon prenom (?:c est|est)|prenom|"
    r"son prenom (?:c est|est)|au nom(?: de)?|ici|madame|monsieur|mademoiselle|mme|m)\s+)*",
)
#: Words a caller says after their name on the phone: "c'est madame Martin à l'appareil" was stored
#: « Martin À L'appareil » (QA over REST), "Martin au téléphone", "Dupont au bout du fil".
_AFTER_NAME = re.compile(r"(?:(?:^|\s)(?:a l appareil|au telephone|au bout du fil|qui (?:vous )?(?:appelle|parle)))+$")

#: Words that make an answer something other than a name: "pas avant dix-sept heures" was saved as
#: the surname "Pas Avant Dix-Sept Heures", and "non" after the first name as "Camille Non".
#: (Articles stay allowed: Le Gall, La Fontaine, Du Pont; and the months that are names: Avril, Juin, Mars.)
_NOT_NAMES = frozenset(
    {
        "oui", "non", "pas", "avant", "apres", "heure", "heures", "h", "rdv", "rendez", "merci", "pardon",
        "attendez", "voudrais", "veux", "voulais", "svp", "plait", "demain", "aujourd", "hui", "matin", "soir",
        "midi", "semaine", "prochain", "prochaine", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
        "dimanche", "janvier", "fevrier", "juillet", "aout", "septembre", "octobre",
        "novembre", "decembre", "sais", "quoi", "comment", "pourquoi", "docteur", "rappeler", "annuler",
        # "oui deja venue" and "pouvez-vous répéter" were saved as surnames (QA, 2026-12-05)
        "deja", "venu", "venue", "venus", "jamais", "fois", "patient", "patiente", "suivi", "suivie",
        "repeter", "repetez", "pouvez", "redire", "compris", "entendu",
        *NUMBER_UNITS, *NUMBER_TEENS, *NUMBER_TENS,
    }
)  # fmt: skip

#: Words of a choice among proposed slots ("le premier", "le deuxième", "celui de 15 h": QA booked for
#: « Le Premier 😀 »), of yes and no, and of a question or a remark about the conversation.
_NOT_NAMES_EITHER = frozenset(
    {
        # choices
        "premier", "premiere", "deuxieme", "second", "seconde", "troisieme", "quatrieme", "cinquieme",
        "dernier", "derniere", "celui", "celle", "ceux", "lequel", "laquelle", "creneau", "choix", "horaire",
        # yes, no, agreement
        "ouais", "ouai", "ok", "okay", "yes", "daccord", "accord", "exact", "exactement", "voila", "volontiers",
        "aucun", "aucune", "rien",
        # questions and remarks about the conversation
        "je", "j", "tu", "vous", "nous", "est", "suis", "quel", "quelle", "quels", "quelles", "qui", "que", "qu",
        "peux", "peut", "pourriez", "voulez", "dites", "desole", "desolee", "excusez", "comprends",
        "connais", "allo", "bonjour", "bonsoir", "revoir", "ca", "cela", "aujourdhui", "sil", "cest",
        # the words around a name, never in it (QA over REST: « Dubois Prénom Marc », « Martin À L'appareil »)
        "nom", "prenom", "moi", "ici", "appareil", "telephone",
    }
)  # fmt: skip

#: Characters of code and markup, never of a name (QA booked « Drop Table Patients » for
#: "'; DROP TABLE patients;--" and « Robert » from "Robert'); DROP TABLE appointments;--").
_CODE = re.compile(r"[;()<>=\[\]{}\\|`]|--")

#: Insults and vulgar words (folded): never a name (QA booked « Connard Va Te Faire Voir »). A short list.
_INSULTS = frozenset(
    {
        "connard", "connards", "connasse", "conard", "salope", "salaud", "pute", "putain", "merde", "encule",
        "enculer", "encules", "batard", "nique", "niquer", "niquez", "gueule", "fdp", "ntm", "tg", "abruti",
        "debile", "cretin", "imbecile", "enfoire", "bouffon", "couille", "couilles", "chier", "foutre", "bite",
        "fuck", "shit", "bitch",
    }
)  # fmt: skip
#: Insults of several words: "va te faire voir", "va te faire foutre".
_INSULT_PHRASES = re.compile(r"\b(?:va te faire|allez vous faire|ta gueule|ferme la|nique ta|fils de)\b")
#: Placeholder words that a form, a test or a program writes where a name is missing (QA: « Paul Null »).
_PLACEHOLDERS = frozenset({"null", "undefined", "none", "nan", "test", "xxx", "nil"})

_PUNCTUATION = re.compile(r"[.,;!?\"«»]")
_HYPHENS = re.compile(r"[\u2010\u2011\u2012\u2013\u2212]")  # typographic hyphens and dashes read as "-"
_SEPARATORS = frozenset(" -'")


def never_a_name(text: str) -> bool:
    """Whether nothing in this answer may be stored as a name, not even a name-like word inside it.

    Code or markup ("Robert'); DROP TABLE…", "<b>Dupont</b>"), an insult, a placeholder ("null",
    "undefined"): the whole answer is refused, so that the NLU's name entity in it ("Robert") is not
    kept either.
    """
    if _CODE.search(text):
        return True
    folded = normalise(text)
    words = set(folded.split())
    return bool(words & (_INSULTS | _PLACEHOLDERS)) or _INSULT_PHRASES.search(folded) is not None


def clean_name(text: str) -> str | None:
    """The name in an answer such as "euh je m'appelle Dupont", keeping its accents, hyphens and particles.

    Returns None for an answer that cannot be a name (see the module docstring): the caller asks again
    rather than store "😀" or "Le Premier". Never raises, whatever the text.
    """
    if never_a_name(text):
        return None
    original = _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text))
    original = _HYPHENS.sub("-", original).replace("’", "'").replace("‘", "'").strip()
    if not original or re.search(r"\d", original):
        return None
    words = [word.strip("'-") for word in original.split() if word.strip("'-")]  # "'Dupont" is Dupont
    words = _unspelled(_without_spelling_hint(_without_words_after_name(_after_correction(words))))
    # normalise() splits "m'appelle" into two words; count words on the same basis, and glue back the
    # parts of one word ("N'Diaye" was stored "N' Diaye", then never found again as "Ndiaye").
    expanded: list[tuple[int, str]] = []
    for index, word in enumerate(words):
        expanded.extend((index, part) for part in re.split(r"(?<=')", word) if part)
    owners = [position for position, (_, part) in enumerate(expanded) for _ in normalise(part).split()]
    prefix = _NAME_FILLERS.match(" ".join(normalise(part) for _, part in expanded))
    skip_tokens = min(len(prefix.group(0).split()) if prefix else 0, len(owners))
    skip = 0
    if skip_tokens:  # the parts whose every normalised word is a filler
        last = owners[skip_tokens - 1]
        skip = last + 1 if skip_tokens == len(owners) or owners[skip_tokens] != last else last
    while 0 < skip < len(expanded) and expanded[skip - 1][0] == expanded[skip][0]:
        skip -= 1  # never half a word: "M'Bappé" is not "monsieur Bappé"
    kept = expanded[skip:]
    glued: list[str] = []
    for position, (index, part) in enumerate(kept):
        if position and kept[position - 1][0] == index:
            glued[-1] += part
        else:
            glued.append(part)
    name = " ".join(re.sub(r"-{2,}", "-", word).strip("'-") for word in glued)
    name = " ".join(name.split())
    if not is_name(name):
        return None
    return _capitalised(name)


#: Words that set a name right within the answer: "Durand non pardon Durant", "non pardon c'est Durant".
_CORRECTION_MARKERS = re.compile(
    r"\b(?:non|pardon|plutot|enfin|erreur|oups|je veux dire|je voulais dire|excusez moi|je me suis trompee?|je me trompe)\b"
)
#: A spelling hint after the name: "Durant avec un t", "Lefort avec un t a la fin", "Bernard sans d".
_SPELLING_HINT = re.compile(
    r"\b(?:avec|sans)(?: (?:un|une|deux|trois|double|1|2|3))? [a-z](?: (?:a la fin|au bout|final|finale))?$"
)
#: Words said while spelling a name: "J E A N tiret P I E R R E", "N apostrophe D I A Y E".
_SPELLED_SEPARATORS = {"tiret": "-", "apostrophe": "'"}


def _folded_words(words: list[str]) -> tuple[str, list[int]]:
    """The words folded and joined by spaces, and where each word starts in that text."""
    starts, parts, position = [], [], 0
    for word in words:
        folded = normalise(word)
        starts.append(position)
        parts.append(folded)
        position += len(folded) + 1
    return " ".join(parts), starts


def _after_correction(words: list[str]) -> list[str]:
    """The words after the last correction in the answer ("Durand non pardon Durant" → "Durant")."""
    folded, starts = _folded_words(words)
    ends = [match.end() for match in _CORRECTION_MARKERS.finditer(folded)]
    if not ends:
        return words
    after = [word for word, start in zip(words, starts, strict=True) if start >= ends[-1]]
    return after or words  # "Camille non": nothing after, the answer stays what it is (no name)


def _without_words_after_name(words: list[str]) -> list[str]:
    """The name without what a caller says after it ("Martin à l'appareil" → "Martin").

    Nothing is left of an answer that is only those words ("à l'appareil"): it is no name.
    """
    folded, starts = _folded_words(words)
    match = _AFTER_NAME.search(folded)
    if match is None:
        return words
    return [word for word, start in zip(words, starts, strict=True) if start < match.start()]


def _without_spelling_hint(words: list[str]) -> list[str]:
    """The name without the spelling hint said after it ("Durant avec un t" → "Durant")."""
    folded, starts = _folded_words(words)
    match = _SPELLING_HINT.search(folded)
    if match is None or match.start() == 0:
        return words
    return [word for word, start in zip(words, starts, strict=True) if start < match.start()]


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _unspelled(words: list[str]) -> list[str]:
    """A spelled name read as the word: "D U P O N T" → "DUPONT", "M-A-R-I-E" → "MARIE".

    Single letters separated by spaces, dots or hyphens (two letters at least), with "tiret" and
    "apostrophe" said between them. A name said then spelled ("Marie M A R I E") is said once.
    """
    expanded: list[str] = []
    for word in words:  # "D-U-P-O-N-T": one word of single letters
        pieces = word.split("-")
        if len(pieces) > 2 and all(_is_letter(piece) for piece in pieces):
            expanded.extend(pieces)
        elif normalise(word) == "d union" and expanded and normalise(expanded[-1]) == "trait":
            expanded[-1] = "tiret"  # "trait d'union"
        else:
            expanded.append(word)
    out: list[str] = []
    index = 0
    while index < len(expanded):
        end, letters, spelled = index, 0, ""
        while end < len(expanded):
            word = expanded[end]
            key = normalise(word)
            if _is_letter(word):
                letters += 1
                spelled += word
            elif key in _SPELLED_SEPARATORS and letters and end + 1 < len(expanded):
                spelled += _SPELLED_SEPARATORS[key]
            else:
                break
            end += 1
        if letters >= 2:
            spelled = spelled.strip("-'")
            if not (out and normalise(out[-1]).replace(" ", "") == normalise(spelled).replace(" ", "")):
                out.append(spelled)
            index = end
        else:
            out.append(expanded[index])
            index += 1
    return out


def is_name(name: str) -> bool:
    """Whether ``name``, as it would be stored (no filler words around it), is a person's name."""
    if not name or len(name) > MAX_NAME_LENGTH or len(name.split()) > MAX_NAME_WORDS:
        return False
    if not all(_is_name_character(ch) for ch in name):
        return False  # an emoji, digits, "<script>", a slash or an at sign
    parts = [word for word in name.split() if word.strip("'-")]
    if len(parts) != len(name.split()):
        return False
    keys = [_word_key(word) for word in parts]  # "N'Diaye" → "ndiaye": one word, whatever its separators
    tokens = set(normalise(name).split()) | set(keys)
    if tokens & (_NOT_NAMES | _NOT_NAMES_EITHER):
        return False
    if all(key in PARTICLES for key in keys):
        return False  # "le", "de la": a particle is part of a name, not one
    for position, key in enumerate(keys):
        if is_hesitation(key) and not (key in PARTICLES and position < len(keys) - 1):
            return False  # "euh", "hein"; "Ben" before a name is a particle ("Ben Salah")
    # "gzrt plouf", "vlan zzz krr": no name is unpronounceable (Ng, two letters, is one)
    return not any(len(word) >= 3 and not re.search(r"[aeiouy]", word) for word in normalise(name).split())


def _is_name_character(ch: str) -> bool:
    if ch in _SEPARATORS:
        return True
    if unicodedata.category(ch) == "Mn":  # a combining accent NFC could not compose
        return True
    return ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


def _word_key(word: str) -> str:
    return normalise(word.replace("'", "")).replace(" ", "")


def _capitalised(name: str) -> str:
    words = name.split()
    out: list[str] = []
    for position, word in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else ""
        if word.islower() and _word_key(word) in PARTICLES and following[:1].isupper():
            out.append(word)  # "de La Tour", "van Gogh": the particle as the patient wrote it
        else:
            out.append(_capitalise(word))
    return " ".join(out)


def _capitalise(word: str) -> str:
    if word.isupper() and len(word) > 1:
        word = word.lower()
    return "-".join(piece[:1].upper() + piece[1:] for piece in word.split("-"))


#: The labels of the two names in one answer, on the phone: "nom Dubois prénom Marc" (QA stored the
#: surname « Dubois Prénom Marc » and asked "Et le prénom ?" again), "prénom Marc nom Dubois", "mon nom
#: c'est Dubois et mon prénom c'est Marc", "nom de famille …", "c'est au nom de …". Read on the text as said.
_LAST_NAME_LABEL = (
    r"(?:c'est\s+)?au\s+nom(?:\s+de)?"
    r"|(?:(?:mon|son|le|votre)\s+)?nom(?:\s+de\s+famille|\s+de\s+naissance|\s+de\s+jeune\s+fille|\s+d'usage)?"
)
_FIRST_NAME_LABEL = r"(?:(?:mon|son|le|votre)\s+)?pr[ée]nom"
_NAME_LABEL = re.compile(
    rf"(?<![\w'-])(?:(?:et|puis)\s+)?(?:(?P<last_name>{_LAST_NAME_LABEL})|(?P<first_name>{_FIRST_NAME_LABEL}))"
    r"(?:\s+(?:c'est|est|ce\s+sera|ça\s+sera))?(?![\w'-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LabelledNames:
    """The surname and the first name an answer labels, each None when not said (or no name)."""

    last_name: str | None = None
    first_name: str | None = None


def labelled_names(text: str) -> LabelledNames | None:
    """The names an answer says with their labels, each read by :func:`clean_name`; None when it labels none.

    "nom Dubois prénom Marc" and "prénom Marc nom Dubois" give both; a name said before the one label of
    the other ("Le Gall prénom Yann", said for the surname; "Jean-Pierre nom Le Gall") is the other name.
    A label whose words are no name ("nom 😀") gives None for that name, as :func:`clean_name` would.
    """
    said = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'").replace(":", " ")
    labels = list(_NAME_LABEL.finditer(said))
    if not labels:
        return None
    if never_a_name(text):
        return LabelledNames()
    after_names = _labels_after_names(said, labels)
    if after_names is not None:
        return LabelledNames(after_names.get("last_name"), after_names.get("first_name"))
    names: dict[str, str | None] = {}
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(said)
        slot = str(label.lastgroup)
        name = clean_name(said[label.end() : end])
        if name is not None or slot not in names:  # "nom Dubois non pardon nom Dupont": the last one said
            names[slot] = name
    kinds = {str(label.lastgroup) for label in labels}
    before = said[: labels[0].start()]
    if len(kinds) == 1 and not _NAME_FILLERS.fullmatch(normalise(before) + " "):  # "bah nom Dubois": no name before
        other = "first_name" if "last_name" in kinds else "last_name"
        names[other] = clean_name(before)
    return LabelledNames(names.get("last_name"), names.get("first_name"))


#: What joins a name to its label said after it: "Bernard c'est le nom", "Julien ça c'est mon prénom", "et Marc le prénom".
_LINK_BEFORE_LABEL = re.compile(r"(?:(?<=\s)|^)(?:(?:et\s+)?(?:ça|ca)\s+)?(?:c'est|c\s+est|est)\s*$", re.IGNORECASE)
_AND_BEFORE_NAME = re.compile(r"^[\s,.]*(?:et|puis)\s+", re.IGNORECASE)


def _labels_after_names(said: str, labels: Sequence[re.Match[str]]) -> dict[str, str] | None:
    """The names of an answer that says each label after its name ("non Bernard c'est le nom, Julien le
    prénom": QA stored the surname « Julien », the name read after the label), or None when the answer is
    not said so: something follows its last label, or a label has no name before it."""
    if normalise(said[labels[-1].end() :]).strip():
        return None
    names: dict[str, str] = {}
    start = 0
    for label in labels:
        segment = _AND_BEFORE_NAME.sub("", _LINK_BEFORE_LABEL.sub("", said[start : label.start()].rstrip(" ,.")))
        name = clean_name(segment)
        if name is None:
            return None
        names[str(label.lastgroup)] = name
        start = label.end()
    return names


def name_in_answer(text: str, which: str) -> str | None:
    """The ``which`` name ("last_name" or "first_name") in an answer to a name question.

    An answer that labels its names is read by its labels (:func:`labelled_names`), whichever name was
    asked; any other answer is one name (:func:`clean_name`).
    """
    labelled = labelled_names(text)
    if labelled is None:
        return clean_name(text)
    return labelled.last_name if which == "last_name" else labelled.first_name


def name_without_other(name: str | None, other_names: Iterable[str | None]) -> str | None:
    """A surname answer without the first name said with it, and the other way round.

    "Petit. Léa Petit.", said for the surname, was read back "Léa Petit Léa Petit" and stored as the
    surname "Petit Léa Petit": that patient could then never be found. The words of the other name
    are dropped (a one-word answer is kept whole: Marie Marie exists), then a word said twice in a row.
    """
    if not name or len(name.split()) < 2:
        return name
    others = {normalise(word) for other in other_names if other for word in str(other).split()}
    kept = [word for word in name.split() if normalise(word) not in others] or name.split()
    once = [word for index, word in enumerate(kept) if index == 0 or normalise(word) != normalise(kept[index - 1])]
    return " ".join(once)


#: Words right before a name that give it as the caller's own, within a longer message: "bonjour c'est Nadège
#: Bastien née le …", "je m'appelle …", "moi c'est …", "de la part de …" (a civil title may follow).
_OWN_NAME_BEFORE = re.compile(
    r"(?:(?:\bje m appelle|\bje suis|\bmoi c est|\bc est|\bici|\bmon nom (?:c est|est)|\bde la part de)"
    r"|^(?:(?:bonjour|bonsoir|allo|oui|euh)\s*)*)"  # or what the message starts with: "Bonjour, Nadège Bastien, …"
    r"(?: ?(?:madame|monsieur|mademoiselle|mme|mlle|m))?$"
)


def own_name_in(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """The name a message gives as the caller's own ("bonjour c'est Nadège Bastien, née le 3 mars 1980…"), among
    the names read in it (``spans``: character offsets; adjacent ones are one name), read by :func:`clean_name`;
    None when no name follows words that give it as one's own."""
    ordered = sorted((start, end) for start, end in spans if 0 <= start < end <= len(text))
    runs: list[tuple[int, int]] = []
    for start, end in ordered:
        if runs and (start < runs[-1][1] or not text[runs[-1][1] : start].strip(" -")):
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]))  # adjacent or overlapping: one name
        else:
            runs.append((start, end))
    for start, end in runs:
        if _OWN_NAME_BEFORE.search(normalise(text[:start])):
            return clean_name(text[start:end])
    return None


def split_full_name(name: str | None) -> tuple[str, str] | None:
    """A full name said the usual way, first name then surname: "Nadège Bastien" → ("Nadège", "Bastien"),
    "Anne Marie Le Gall" → ("Anne Marie", "Le Gall") (particles go with the surname); None for one word."""
    words = (name or "").split()
    if len(words) < 2:
        return None
    start = len(words) - 1
    while start > 1 and normalise(words[start - 1]) in PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


#: Common first names of French callers (``first_names_fr.txt``, one a line).
FIRST_NAMES_FILE = Path(__file__).resolve().parent / "first_names_fr.txt"


@cache
def _known_first_names() -> frozenset[str]:
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line) for line in lines if line.strip() and not line.startswith("#"))


def is_known_first_name(word: str) -> bool:
    """Whether ``word`` is a common French first name ("Julien", "nadege", "Jean-Pierre")."""
    return normalise(word) in _known_first_names()


#: Words that end a name said inside a sentence ("je m'appelle Anna et je voudrais…", "c'est Anna pour…").
_ENDS_A_NAME = frozenset(
    {
        "et", "ou", "pour", "avec", "chez", "par", "sur", "dans", "en", "a", "au", "aux", "de", "du", "des", "d",
        "un", "une", "mon", "ma", "mes", "ton", "ta", "son", "sa", "ses", "notre", "votre", "il", "elle", "on",
        "ils", "elles", "me", "m", "te", "t", "se", "s", "ne", "n", "y", "ce", "c", "mais", "donc", "si",
        "comme", "ai", "as", "avons", "avez", "ont", "sont", "es", "etre", "avoir", "fait", "peut",
        "voudrait", "voudrions", "souhaite", "souhaiterais", "aimerais", "appelle", "appelait", "nee",
        "le", "la", "les", "l", "qui", "que", "qu", "dont", "quand", "alors", "aussi", "encore", "bien",
        "tres", "plus", "moins", "tout", "tous", "toute", "toutes", "car", "puis", "ensuite",
    }
)  # fmt: skip


def could_be_surname(word: str) -> bool:
    """Whether a word said after a first name may be a surname: letters, and no word of the sentence around a
    name ("et", "pour", "je", "demain", "rdv")."""
    folded = normalise(word)
    return (
        len(folded) >= 2
        and folded.isalpha()
        and folded not in _ENDS_A_NAME
        and folded not in _NOT_NAMES
        and folded not in _NOT_NAMES_EITHER
        and not is_hesitation(folded)
    )


def split_said_name(name: str | None) -> tuple[str, str] | None:
    """(first name, surname) of a whole name said for the surname, in the order French callers say it: the first
    name first when the first word is a known first name ("julien bernard" → ("Julien", "Bernard"), whatever
    the second word may also be), the surname first when only the last word is one ("Lemaire Adrien"); None
    when the words do not tell (neither is a known first name: "Le Gall", "Da Costa", "Dupont Durand")."""
    words = (name or "").split()
    if len(words) < 2:
        return None
    if is_known_first_name(words[0]):
        return split_full_name(name)
    surname = words[:-1]  # one word, or one after its particles ("Le Gall"): "Garnier, avec X" is no name
    if is_known_first_name(words[-1]) and all(normalise(word) in PARTICLES for word in surname[:-1]):
        return words[-1], " ".join(surname)
    return None
