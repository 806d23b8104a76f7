"""The practice's own people and motifs, found in what a patient says or what speech-to-text wrote.

The trained model knows roles ("avec le docteur X", "pour un X"), never a practice's names: those come
from the practice file loaded in the agenda, so that any practice is understood without retraining
(issue 18). :func:`vocabulary_of` turns a :class:`~assistant.core.model.Practice` into what is looked
for; :func:`find_mentions` finds it in one message, with the character offsets of the original text.

What counts as a practitioner, most certain first:

- a title and a name: "docteur Boudiaf", "Dr Boudiafe", "madame Wojcik", "le docteur bou diaf";
- a first name and a surname, in either order: "Agathe Wojcik", "Wojcik Agathe";
- a first name and the profession: "Agathe la kiné";
- a profession the practice has one person for: "le kiné", "l'infirmière", "la sage-femme";
- a surname or first name after a word that asks for someone: "avec Wojcik", "chez Agathe", "voir Boudiaf",
  or beside another practitioner's as an alternative ("Agathe ou sinon Nour");
- a surname alone, spelled as in the file (accents and case aside), unless it is one of the common
  words a surname can be ("Petit", "Blanc"), or the message says it is the patient's own name
  ("je m'appelle …", "c'est madame … à l'appareil", "au nom de …").

Spelling is forgiven in proportion to the evidence: after a title a close spelling is enough ("lefevre",
"boudiafe", "bou diaf" joined), alone only an exact or same-sounding one. Which question was asked (the
patient's name or the practitioner) is the dialogue's to weigh: both may read the same word.

Motifs: the motif's name and its synonyms, exactly (folded) or closely spelled ("ordonance",
"echographie abdominal"), except where the words name no visit: a profession said as a person ("le kiné",
"un kiné de garde", where "kiné" is also the name of the care), a place ("le cabinet de kiné"), papers
of past exams ("mes anciennes radios"); a visit word followed by the motif it is for is that motif ("des
séances de drainage").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from assistant.core.model import Practice, Practitioner
from assistant.core.text import fold_keeping_offsets, normalise
from assistant.language.fr.conditions import BODY_PARTS, condition_spans, names_no_reason, protected_against
from assistant.language.fr.lexicon import ANY_ONE, ARTICLES, MOTIF_FILLERS
from assistant.language.fr.names import could_be_surname, is_known_first_name

PRACTITIONER = "practitioner"
MOTIF = "motif"
#: The evidence of a condition given as the reason (:func:`condition_mentions`), no word of the practice's.
CONDITION = "condition"

#: Titles that only a practitioner carries.
DOCTOR_TITLES = frozenset({"docteur", "docteure", "doctoresse", "dr", "dre", "doc", "professeur", "pr", "toubib"})
#: Titles a patient carries too ("madame Dupont à l'appareil").
CIVIL_TITLES = frozenset({"madame", "mme", "monsieur", "m", "mr", "mademoiselle", "mlle", "mam", "msieur"})
#: Words before a name that ask for a person: "avec", "chez", "voir"...
ASKING_WORDS = frozenset(
    {"avec", "chez", "voir", "voit", "vois", "voient", "verra", "vu", "consulter", "consulte", "aupres", "par"}
    | {"rencontrer", "revoir", "revoit", "prevenir", "previent", "prevenez", "previens", "dire", "avoir"}
)
#: Verbs after which "à" asks for a person: "parler à Bastien", "passer à Nadège".
_ASKING_BEFORE_A = frozenset({"parler", "parle", "passer", "passez", "adresser", "demander", "dire"})
#: Words between two names said as alternatives: "avec Nadège ou sinon Bastien", "pas Nadège plutôt Bastien"
#: (not "et": "mes enfants Nadège et Bastien" are patients).
_ALTERNATIVES = frozenset({"ou", "sinon", "plutot", "alors", "bien", "non", "pas"})
#: Adverbs that may come between an asking word and the name: "voit bien", "parler directement à".
_ADVERBS = frozenset({"bien", "toujours", "encore", "aussi", "plutot", "directement", "seulement", "juste"})
#: Words after a first name that talk about that person: "Nadège elle travaille le samedi ?".
_THIRD_PERSON = frozenset({"il", "elle"})
#: Words after a first name that ask what that person can do for the caller: "est-ce que Nadège pourrait me
#: faire ma piqûre", "Bastien peut la prendre" (then the name is the practitioner's, where one has it).
_ABLE_TO = frozenset({"peut", "pourrait", "pourra", "accepte", "accepterait", "prend", "prendrait", "recoit"})
_WHOM = frozenset({"me", "m", "nous", "la", "le", "l", "les", "lui", "mon", "ma", "mes", "prendre", "faire", "voir"})
#: Words after which a name is the caller's own ("je m'appelle", "au nom de", "c'est ... à l'appareil").
_OWN_NAME_BEFORE = re.compile(
    r"(?:\bm appelle|\bappelle|\bnom (?:est|c est|de famille(?: est| c est)?|de naissance)|\bnom c est|\bau nom de"
    r"|\bnom de|\bje suis|\bmoi c est|\bici|\bc est|\bde la part de|\bmon (?:fils|mari|pere|frere|conjoint|compagnon)"
    r"|\bma (?:fille|femme|mere|soeur|conjointe|compagne)|^nom|^prenom|\bmon nom|\bmon prenom"
    r"|\bpour|\b(?:maman|mere|papa|pere|parents?|grand mere|grand pere|tuteur|tutrice) de)"
    r"(?: (?:madame|monsieur|mme|mr|m|mademoiselle|mlle))?$"
)
_OWN_NAME_AFTER = re.compile(
    r"^(?:a l appareil|au telephone|qui (?:appelle|vous appelle|parle)|j appelle|c est (?:mon|ma) (?:nom|prenom)"
    r"|(?:mon|ma) (?:fils|fille|mari|femme|pere|mere|frere|soeur|bebe|enfant|garcon|conjoint|conjointe))\b"
)
#: Words after a name that say what that person does: "c'est Nadège Bastien qui fait les frottis ?".
_TALKED_ABOUT_AFTER = re.compile(
    r"^(?:qui (?!appelle|vous appelle|parle)|que (?:je|j|on|nous) (?:vois|voyais|dois|ai|verrai))"
)
#: Surnames that are also everyday words: never a practitioner without a title or an asking word.
COMMON_WORD_SURNAMES = frozenset(
    {
        "petit",
        "blanc",
        "grand",
        "gros",
        "noir",
        "brun",
        "roux",
        "rose",
        "roy",
        "leger",
        "bon",
        "doux",
        "fort",
        "jeune",
        "vieux",
        "bas",
        "haut",
        "marchand",
        "boucher",
        "boulanger",
        "masson",
        "meunier",
        "berger",
        "fontaine",
        "riviere",
        "bois",
        "lac",
        "mars",
        "juin",
        "avril",
        "lundi",
        "samedi",
    }
)
#: Professions as patients say them, each with the stem its specialty is written with in a file.
PROFESSIONS: dict[str, tuple[str, ...]] = {
    "kine": ("kine", "kines", "kinesi", "kinesitherapeute", "kinesitherapeutes", "masseur", "physio"),
    "infirm": ("infirmier", "infirmiere", "infirmieres", "infirmiers", "idel", "ide"),
    "sage femme": ("sage femme", "sage femmes", "sagefemme"),
    "radiolog": ("radiologue", "radiologues", "radiologiste"),
    "manipulat": (
        "manipulateur radio",
        "manipulatrice radio",
        "manip radio",
        "manipulateur",
        "manipulatrice",
        "manip",
        "manipulateurs",
    ),
    "generaliste": ("generaliste", "medecin generaliste", "medecin traitant", "medecin"),
    "osteopath": ("osteo", "osteopathe"),
    "orthophon": ("orthophoniste", "ortho"),
    "podolog": ("podologue", "pedicure", "podo"),
    "psycholog": ("psychologue", "psy"),
    "dentist": ("dentiste",),
    "pediat": ("pediatre",),
    "gyneco": ("gyneco", "gynecologue"),
    "dermato": ("dermato", "dermatologue"),
    "cardio": ("cardio", "cardiologue"),
    "dieteti": ("dieteticienne", "dieteticien", "nutritionniste"),
}


@dataclass(frozen=True)
class Mention:
    """One practitioner or motif said in a message: its id, where it is, and on what evidence."""

    entity: str
    value: str
    start: int
    end: int
    evidence: str  # "title", "full_name", "profession", "asked", "surname", "first_name", "label", "close_label"
    score: float
    #: where the words that make it a practitioner start ("docteur" of "docteur Durand"); -1: at ``start``
    said_from: int = -1


@dataclass(frozen=True)
class PractitionerNames:
    id: str
    first_name: str  # folded
    surname: str  # folded, spaces removed ("le gall" → "legall")
    surname_words: tuple[str, ...]
    profession: str  # key of PROFESSIONS, or ""


@dataclass(frozen=True)
class MotifLabel:
    motif_id: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class PracticeVocabulary:
    """What :func:`find_mentions` looks for, built once per practice file (:func:`vocabulary_of`)."""

    practitioners: tuple[PractitionerNames, ...]
    motif_labels: tuple[MotifLabel, ...]
    #: profession key → the ids of the practitioners who have it
    professions: tuple[tuple[str, tuple[str, ...]], ...]

    @functools.cached_property
    def motif_ids(self) -> frozenset[str]:
        """The practice's motif ids (read for every message: derived once per vocabulary)."""
        return frozenset(label.motif_id for label in self.motif_labels)

    @functools.cached_property
    def motif_words(self) -> frozenset[str]:
        """Every word of every motif's names and synonyms (folded)."""
        return frozenset(word for label in self.motif_labels for word in label.words)


def profession_of(specialty: str) -> str:
    """The key of :data:`PROFESSIONS` a specialty written in a practice file belongs to, or ""."""
    folded = normalise(specialty)
    # the profession said first: "manipulateur en radiologie" is a manipulateur, not a radiologue
    found = [(folded.find(key), key) for key in PROFESSIONS if key in folded]
    return min(found)[1] if found else ""


def _names(practitioner: Practitioner) -> PractitionerNames:
    words = normalise(practitioner.name).split()
    first, surname = (words[0], words[1:]) if len(words) > 1 else ("", words)
    return PractitionerNames(
        practitioner.id, first, "".join(surname), tuple(surname), profession_of(practitioner.specialty)
    )


def vocabulary_of(practice: Practice) -> PracticeVocabulary:
    practitioners = tuple(_names(p) for p in practice.practitioners)
    labels: dict[tuple[str, ...], str] = {}
    for motif in practice.appointment_types:
        for label in (motif.name, *motif.synonyms):  # not the id: technical, and "premiere" would be "premier"
            words = tuple(normalise(label).split())
            if words:
                labels.setdefault(words, motif.id)  # the file refuses one phrase for two motifs
    for motif in practice.appointment_types:  # then as typed short: "séance kiné", "prise sang"
        for label in (motif.name, *motif.synonyms):
            words = tuple(normalise(label).split())
            short = tuple(word for word in words if word not in _OF)
            if len(short) >= 2 and short != words:
                labels.setdefault(short, motif.id)
    by_profession: dict[str, list[str]] = {}
    for names in practitioners:
        if names.profession:
            by_profession.setdefault(names.profession, []).append(names.id)
    return PracticeVocabulary(
        practitioners,
        tuple(MotifLabel(motif_id, words) for words, motif_id in labels.items()),
        tuple((key, tuple(ids)) for key, ids in by_profession.items()),
    )


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int


_WORD = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[_Token]:
    folded = fold_keeping_offsets(text)
    return [_Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


@functools.lru_cache(maxsize=8192)
def _sound(word: str) -> str:
    """A rough French sound key: "lefebure" and "lefeburre", "boudiafe" and "boudiaf" sound alike; the
    spellings of the names of the Nord said by ear: the Flemish "ae" ("Van Daele", "vandale"), the Polish
    "szcz" ("Szczesny", "chtesny"), "en" said as "an" ("vendeur ague")."""
    key = re.sub(r"en(?![aeiouy])", "an", word)  # "vendeur", "vandeur"; not "drenage"
    for written, sound in (
        ("szcz", "xt"),
        ("sh", "x"),
        ("ph", "f"),
        ("bv", "v"),
        ("ck", "k"),
        ("qu", "k"),
        ("sch", "x"),
        ("tch", "x"),
        ("cz", "x"),
        ("sz", "x"),
        ("ch", "x"),
        ("w", "v"),
        ("oua", "va"),
        ("oue", "ve"),
        ("oui", "vi"),
        ("y", "i"),
        ("eau", "o"),
        ("au", "o"),
        ("ai", "e"),
        ("ei", "e"),
        ("h", ""),
    ):
        key = key.replace(written, sound)
    key = key.replace("ae", "a")  # Flemish: "Verhaeghe" is said "Verhague"
    key = re.sub(r"m(?=[pbf])", "n", key)  # "lymphatique", "linfatique"
    key = re.sub(r"gu(?=[ei])", "g", key)  # "Verhague" sounds as "Verhaeghe"
    key = re.sub(r"c(?=[eiy])", "s", key)
    key = re.sub(r"c", "k", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return re.sub(r"(?<=.)(?:e|es|s|t|d|x|z)$", "", key) or key


@functools.lru_cache(maxsize=65536)
def name_similarity(said: str, name: str) -> float:
    """How close a folded word (or joined words) is to a folded name, from 0 to 1: spelling or sound.

    Cached: every word of a message (alone and joined with the next ones) is compared with every surname,
    and the same words come back from message to message ("bonjour", "rendez", "vous").
    """
    if not said or not name:
        return 0.0
    if said == name:
        return 1.0
    spelled = fuzz.ratio(said, name) / 100
    sounded = 0.97 if _sound(said) == _sound(name) else fuzz.ratio(_sound(said), _sound(name)) / 100 * 0.95
    prefixed = JaroWinkler.similarity(said, name) * 0.95 if min(len(said), len(name)) >= 5 else 0.0
    return max(spelled, sounded, prefixed)


#: How close a name must be, by evidence: after a title or an asking word, alone.
CLOSE_AFTER_TITLE = 0.8
CLOSE_ALONE = 0.96
#: After a practitioner's first name, a surname this close is theirs; "Bastien Leroy" is a patient beside a Dr Bastien Lefort.
CLOSE_IN_FULL_NAME = 0.85
#: A first name said otherwise than the file writes it ("Matis", "Nadege") sounds the same.
CLOSE_FIRST_NAME = 0.95
#: A first name said short ("Alex" for "Alexandre") has at least this many letters.
_SHORT_FIRST_NAME = 4


def _surname_at(
    tokens: Sequence[_Token], i: int, vocabulary: PracticeVocabulary, threshold: float
) -> tuple[str, int, float] | None:
    """The practitioner whose surname starts at token ``i`` (one to three words joined), the end token, the score."""
    best: tuple[str, int, float] | None = None
    for width in (1, 2, 3):
        if i + width > len(tokens):
            break
        said = "".join(t.word for t in tokens[i : i + width])
        if len(said) < 3:
            continue
        for names in vocabulary.practitioners:
            if width > 1 and len(names.surname_words) == 1 and len(names.surname) < 5:
                continue
            score = name_similarity(said, names.surname)
            if score >= threshold and (best is None or score > best[2]):
                best = (names.id, i + width, score)
    return best


def _first_name_at(tokens: Sequence[_Token], i: int, vocabulary: PracticeVocabulary, close: bool = False) -> list[str]:
    """The practitioners whose first name is said at token ``i``: as written in the file, or, with ``close``
    (a title or an asking word before it), sounding the same ("Matis", "Nadege") or said short ("Alex")."""
    word = tokens[i].word
    exact = [n.id for n in vocabulary.practitioners if n.first_name and word == n.first_name]
    if exact or not close:
        return exact
    return [
        n.id
        for n in vocabulary.practitioners
        if n.first_name
        and (
            name_similarity(word, n.first_name) >= CLOSE_FIRST_NAME
            or (len(word) >= _SHORT_FIRST_NAME and len(n.first_name) > len(word) and n.first_name.startswith(word))
        )
    ]


def _asked_at(tokens: Sequence[_Token], i: int, vocabulary: PracticeVocabulary) -> bool:
    """Whether the words before token ``i`` ask for a person: "avec …", "chez le …", "parler à …", and the
    second of two names ("avec Bastien ou Mathis")."""
    # without the adverbs between: "voit bien Agathe", "parler directement à Agathe"
    before = [t.word for t in tokens[max(0, i - 5) : i] if t.word not in _ADVERBS]
    if before and before[-1] in ASKING_WORDS:
        return True
    if len(before) >= 2 and before[-1] in ("le", "la", "l") and before[-2] in ASKING_WORDS:
        return True
    if len(before) >= 2 and before[-1] == "a" and before[-2] in _ASKING_BEFORE_A:
        return True
    if len(before) >= 2 and before[-1] == "moi" and before[-2] in _ASKING_BEFORE_A:
        return True  # "passez-moi Nadège"
    if before and before[-1] == "sinon":
        return True  # "… peut me prendre ? Sinon Nadège, ça m'est égal": another practitioner
    said = [t.word for t in tokens[max(0, i - 5) : i]]  # "plutôt" is an adverb, and here joins two names
    joining = 0
    while joining < len(said) and said[-1 - joining] in _ALTERNATIVES:
        joining += 1
    if joining and joining < len(said) and said[-1] != "pas" and _names_a_practitioner(said[-1 - joining], vocabulary):
        return True
    # the first of two: "Nadège ou sinon Bastien"
    after = [t.word for t in tokens[i + 1 : i + 4]]
    joining = 0
    while joining < len(after) and after[joining] in _ALTERNATIVES and after[joining] != "pas":
        joining += 1
    return 0 < joining < len(after) and _names_a_practitioner(after[joining], vocabulary)


def _names_a_practitioner(word: str, vocabulary: PracticeVocabulary) -> bool:
    """Whether a word is a practitioner's first name or surname, as the file writes it (folded)."""
    return any(word in (n.first_name, n.surname) for n in vocabulary.practitioners)


def _profession_at(tokens: Sequence[_Token], i: int, vocabulary: PracticeVocabulary) -> tuple[str, int] | None:
    """The key of a profession said at token ``i`` that this practice has, and the end token."""
    for key, _ids in vocabulary.professions:
        for form in PROFESSIONS[key]:
            words = form.split()
            if tuple(t.word for t in tokens[i : i + len(words)]) == tuple(words):
                return key, i + len(words)
    return None


#: Words that cannot be a first name between "je suis" and a surname ("je suis Anna Durand").
_NOT_A_FIRST_NAME = ARTICLES | frozenset(
    [
        "pour",
        "voir",
        "avec",
        "chez",
        "rdv",
        "rendez",
        "vous",
        "suivi",
        "suivie",
        "par",
        "en",
        "a",
        "au",
        "docteur",
        "dr",
        "patient",
        "patiente",
        "deja",
        "bien",
        "venu",
        "que",
        "qu",
        "qui",
    ]
)


def _own_name(tokens: Sequence[_Token], start: int, end: int) -> bool:
    """Whether the words around tokens ``start``..``end`` say that it is the caller's (or a relative's) name:
    "je m'appelle Durand", "je suis Anna Durand" (a first name or two may come between)."""
    after = " ".join(t.word for t in tokens[end : end + 4])
    if _OWN_NAME_AFTER.search(after):
        return True
    if _TALKED_ABOUT_AFTER.search(after):
        return False  # "c'est Nadège Bastien qui fait les frottis ?"
    for between in (0, 1, 2):
        names = [t.word for t in tokens[max(0, start - between) : start]]
        if len(names) < between or any(word in _NOT_A_FIRST_NAME or word in ASKING_WORDS for word in names):
            break
        before = " ".join(t.word for t in tokens[max(0, start - between - 5) : start - between])
        if _OWN_NAME_BEFORE.search(before):
            return True
    return False


#: Words after which a lone first name is surely the caller's or a relative's: "je m'appelle Anna", "prénom
#: Anna", "mon fils Noah", "c'est pour ma fille Léa" (a bare "c'est Anna" may answer "avec qui ?").
_OWN_FIRST_NAME_BEFORE = re.compile(
    r"(?:\bm appelle|\bs appelle|\bprenom(?: (?:c est|est))?"
    r"|\b(?:mon|ma) (?:fils|fille|bebe|garcon|enfant|mari|femme|pere|mere|frere|soeur|conjoint|conjointe))$"
)
#: Words after a lone first name that make it the caller's relative: "le rendez-vous de Bastien mon fils".
_OWN_FIRST_NAME_AFTER = re.compile(r"^(?:mon|ma) (?:fils|fille|bebe|garcon|enfant|mari|femme|conjoint|conjointe)\b")
#: Particles said between a first name and the rest of a surname: "Alex Van der Berg", "Erwan Le Gall".
_SURNAME_PARTICLES = frozenset({"van", "von", "der", "den", "ter", "le", "la", "da", "dos", "el", "ben", "bou", "mac"})


def names_said(text: str, mentions: Sequence[Mention]) -> list[dict]:
    """The caller's (or a relative's) names said whole where the words around make them theirs: "je m'appelle
    Anna Durand", "c'est Durand Anna à l'appareil", "pour mon fils Noah", a whole name answered alone ("Anna
    Durand né le…"); a first name and a surname as entities (dicts as Rasa writes them).

    The model often reads such a name as one first name, or as two last names, or misses a first name that a
    practitioner also carries; a common first name (:func:`assistant.language.fr.names.is_known_first_name`)
    beside a word that may be a surname tells the two apart in the order French callers say them. A
    practitioner's whole name ("c'est Anna Durand qui…" where Dr Anna Durand works) is left to the mentions.
    """
    tokens = _tokens(text)
    words = [t.word for t in tokens]
    taken = [(m.start, m.end) for m in mentions if m.entity == PRACTITIONER and m.evidence in ("full_name", "title")]
    found: list[dict] = []
    i = 0
    while i < len(tokens):
        first_end = i + 1
        if first_end < len(tokens) and text[tokens[i].end : tokens[first_end].start] == "-":
            if is_known_first_name(f"{words[i]}-{words[first_end]}"):
                first_end += 1  # "Anne-Laure"
        first_said = "-".join(words[i:first_end])
        before = " ".join(words[max(0, i - 5) : i])
        rest = first_end
        while rest < len(tokens) - 1 and words[rest] in _SURNAME_PARTICLES:
            rest += 1
        surname_end = rest + 1 if rest < len(tokens) and could_be_surname(words[rest]) else first_end
        after = " ".join(words[surname_end : surname_end + 4])
        whole = (tokens[i].start, tokens[surname_end - 1].end)
        own_whole_name = (
            bool(_OWN_NAME_BEFORE.search(before) or i == 0 or _OWN_NAME_AFTER.search(after))
            and surname_end > first_end
            and not _overlaps(whole, taken)
        )
        if not is_known_first_name(first_said):
            # "Leroux Nadège", "Lemaire Adrien": the surname first where only the second word is a first name
            if own_whole_name and rest == first_end and is_known_first_name(words[rest]) and could_be_surname(words[i]):
                found += _name_entities(text, tokens, first=(rest, surname_end), last=(i, first_end))
                i = surname_end
            else:
                i += 1
            continue
        if own_whole_name:
            found += _name_entities(text, tokens, first=(i, first_end), last=(first_end, surname_end))
            i = surname_end
            continue
        if surname_end == first_end and not _overlaps(whole, taken):
            if _OWN_FIRST_NAME_BEFORE.search(before) or _OWN_FIRST_NAME_AFTER.search(after):
                found += _name_entities(text, tokens, first=(i, first_end), last=None)
        i = first_end
    return found


def _name_entities(
    text: str, tokens: Sequence[_Token], first: tuple[int, int], last: tuple[int, int] | None
) -> list[dict]:
    entities = []
    for kind, (start, end) in (("first_name", first), ("last_name", last)) if last else (("first_name", first),):
        span = (tokens[start].start, tokens[end - 1].end)
        entities.append(
            {"entity": kind, "value": text[span[0] : span[1]], "start": span[0], "end": span[1], **_LEXICON}
        )
    return entities


def _practitioner_mentions(tokens: Sequence[_Token], vocabulary: PracticeVocabulary) -> list[Mention]:
    """The practitioners named, but not by the caller's own surname, however often it comes back ("je
    m'appelle Kowalska, Anna Kowalska"): only a title ("le docteur …") names the practitioner then."""
    own = {pid for pid, _start, _end in _own_surnames(tokens, vocabulary)}
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        mention = _practitioner_at(tokens, i, vocabulary)
        if mention is None:
            i += 1
            continue
        said, end = mention
        if end < len(tokens) and said.value in _first_name_at(tokens, end, vocabulary, close=True):
            said, end = replace(said, end=tokens[end].end), end + 1  # "Bastien Nadège": surname, first name
        if said.value not in own or said.evidence in ("title", "profession"):
            found.append(said)
        i = end
    return found


def _own_surnames(tokens: Sequence[_Token], vocabulary: PracticeVocabulary) -> list[tuple[str, int, int]]:
    """The practitioners' surnames the caller gives as their own ("je m'appelle Kowalska"): the practitioner's
    id and the token range."""
    found = []
    for i in range(len(tokens)):
        found_name = _surname_at(tokens, i, vocabulary, CLOSE_ALONE)
        if found_name is not None and _own_name(tokens, i, found_name[1]):
            found.append((found_name[0], i, found_name[1]))
    return found


def own_surname_spans(text: str, vocabulary: PracticeVocabulary) -> list[tuple[int, int]]:
    """Where ``text`` gives a practitioner's surname as the caller's own (:func:`_own_surnames`), in characters."""
    tokens = _tokens(text)
    return [(tokens[start].start, tokens[end - 1].end) for _pid, start, end in _own_surnames(tokens, vocabulary)]


def _practitioner_at(tokens: Sequence[_Token], i: int, vocabulary: PracticeVocabulary) -> tuple[Mention, int] | None:
    word = tokens[i].word

    def mention(pid: str, first: int, end: int, evidence: str, score: float) -> tuple[Mention, int]:
        start = tokens[first].start
        return Mention(PRACTITIONER, pid, start, tokens[end - 1].end, evidence, score, tokens[i].start), end

    # a title, maybe a first name, a surname: "docteur Boudiaf", "madame Agathe Wojcik"
    if word in DOCTOR_TITLES or word in CIVIL_TITLES:
        after = i + 1
        if after < len(tokens) and tokens[after].word in ("la", "le") and word in DOCTOR_TITLES:
            after += 1
        firsts = _first_name_at(tokens, after, vocabulary, close=True) if after < len(tokens) else []
        start_surname = after + 1 if firsts else after
        found = (
            _surname_at(tokens, start_surname, vocabulary, CLOSE_AFTER_TITLE) if start_surname < len(tokens) else None
        )
        if found is None and firsts and after < len(tokens):
            found = (firsts[0], after + 1, 1.0) if len(firsts) == 1 else None
        if found is not None:
            pid, end, score = found
            if word in CIVIL_TITLES and _own_name(tokens, i, end):
                return None
            return mention(pid, after, end, "title", score)  # the name's words: "docteur" is not the name
    # a first name and a surname: "Agathe Wojcik", "Agate Wojcik" (both must be the same practitioner's)
    firsts = _first_name_at(tokens, i, vocabulary, close=True)
    if firsts and i + 1 < len(tokens):
        found = _surname_at(tokens, i + 1, vocabulary, CLOSE_IN_FULL_NAME)
        if found is not None and found[0] in firsts and not _own_name(tokens, i, found[1]):
            return mention(found[0], i, found[1], "full_name", found[2])
    # a first name and the profession: "Nadège l'infirmière", "Bastien le kiné" (where another has that name)
    if firsts:
        after = i + 2 if i + 1 < len(tokens) and tokens[i + 1].word in ("le", "la", "l") else i + 1
        found_profession = _profession_at(tokens, after, vocabulary) if after < len(tokens) else None
        if found_profession is not None:
            owners = [pid for pid in firsts if pid in dict(vocabulary.professions)[found_profession[0]]]
            if len(owners) == 1 and not _own_name(tokens, i, i + 1):
                return mention(owners[0], i, found_profession[1], "full_name", 1.0)
    # a profession the practice has one person for: "le kiné"
    profession = _profession_at(tokens, i, vocabulary)
    if profession is not None and i >= 2 and tokens[i - 1].word in _OF and tokens[i - 2].word in _PAPERS:
        return None  # "une ordonnance de kiné": the care prescribed, not the person
    if profession is not None:
        ids = dict(vocabulary.professions)[profession[0]]
        if len(ids) == 1:
            return mention(ids[0], i, profession[1], "profession", 1.0)
        return None
    asked = _asked_at(tokens, i, vocabulary)
    found = _surname_at(tokens, i, vocabulary, CLOSE_AFTER_TITLE if asked else CLOSE_ALONE)
    if found is not None and not _own_name(tokens, i, found[1]):
        pid, end, score = found
        said = "".join(t.word for t in tokens[i:end])
        if asked:
            return mention(pid, i, end, "asked", score)
        if said not in COMMON_WORD_SURNAMES and len(said) >= 4:
            return mention(pid, i, end, "surname", score)
    talked_about = i + 1 < len(tokens) and (
        tokens[i + 1].word in _THIRD_PERSON
        or (tokens[i + 1].word in _ABLE_TO and i + 2 < len(tokens) and tokens[i + 2].word in _WHOM)
    )
    if asked or talked_about:
        firsts = _first_name_at(tokens, i, vocabulary, close=True)
        if len(firsts) == 1 and not _own_name(tokens, i, i + 1):
            return mention(firsts[0], i, i + 1, "first_name", 1.0)
    return None


#: Words after a motif's label that make it a time: "le premier rdv dispo", "la première consultation libre".
_AVAILABLE = frozenset({"disponible", "disponibles", "dispo", "dispos", "libre", "libres", "possible", "qui"})
#: Words before a profession that make it a person, not the care it gives: "le kiné", "un kiné", "quel kiné"
#: ("de la kiné", "une ordonnance de kiné", "commencer la kiné" are the care).
_PERSON_BEFORE = frozenset(
    {"le", "l", "un", "quel", "mon", "ton", "son", "votre", "notre", "du", "au", "ce", "cet", "autre", "chaque", "meme"}
)
#: Places named after what they do: "le cabinet de kiné", "le centre de radio", "la salle de radio".
_PLACES = frozenset({"cabinet", "cabinets", "centre", "centres", "service", "salle", "institut", "maison"})
#: Words before a motif's label that make it papers of past exams: "mes anciennes radios".
_PAST = frozenset(
    {"ancien", "ancienne", "anciens", "anciennes", "precedent", "precedente", "precedents", "precedentes", "vieilles"}
)
#: Words that name a visit without saying what for: "des séances de drainage" are drainages.
_SESSION_WORDS = frozenset({"seance", "seances", "consultation", "consultations", "examen", "examens"})
_OF = frozenset({"de", "d", "du", "des"})
_PROFESSION_FORMS = frozenset(form for forms in PROFESSIONS.values() for form in forms)


#: Words after which "de" + a motif's words name no visit: "le carnet de vaccination", "les jours de consultation",
#: "je change de kiné" (a person), "le manipulateur radio".
_NOT_A_VISIT_OF = frozenset({"carnet", "jours", "jour", "heures", "horaires", "change", "changer", "changes"})
_WHO_DOES_IT = frozenset({"manipulateur", "manipulatrice", "manip", "manipulateurs", "manipulatrices"})
#: Words just before a motif that make it a visit already made: "je suis déjà venue pour une mammo", and after
#: an auxiliary, "j'ai fait une écho l'an dernier", "on m'a fait une radio", "j'ai eu une IRM" ("il fait les
#: échographies ?", "vous faites des IRM ?" ask about a service).
_CAME = frozenset({"venu", "venue", "venus", "venues"})
_DONE = frozenset({"fait", "faite", "eu", "passe", "passee"})
_AUXILIARIES = frozenset({"ai", "a", "as", "avez", "avons", "ont", "deja"})


def _done_before(words: Sequence[str], start: int) -> bool:
    """Whether the three words before ``start`` say that the visit was made already."""
    for k in range(max(0, start - 3), start):
        if words[k] in _CAME or (words[k] in _DONE and k and words[k - 1] in _AUXILIARIES):
            return True
    return False


def _no_motif_here(words: Sequence[str], start: int, end: int) -> bool:
    """Whether the label ``words[start:end]`` names no visit where it is said: a profession said as a person
    ("le kiné", "un kiné de garde"), a place ("le cabinet de kiné"), old papers ("mes anciennes radios"),
    a visit already made ("je suis déjà venue pour une mammo"), what a paper or a time is of ("le carnet de
    vaccination", "les jours de consultation")."""
    before = words[start - 1] if start else ""
    if before in _WHO_DOES_IT or _done_before(words, start):
        return True
    if before in _OF and start >= 2 and words[start - 2] in _NOT_A_VISIT_OF:
        return True
    if before in _PAST:
        return True
    if " ".join(words[start:end]) in _PROFESSION_FORMS and before in _PERSON_BEFORE:
        return True
    return before in _OF and start >= 2 and words[start - 2] in _PLACES


def _motif_mentions(tokens: Sequence[_Token], vocabulary: PracticeVocabulary) -> list[Mention]:
    """Labels of motifs, longest first, exactly (folded) or closely spelled; they do not overlap."""
    words = [t.word for t in tokens]
    candidates: list[Mention] = []
    for label in vocabulary.motif_labels:
        size = len(label.words)
        joined = " ".join(label.words)
        for i in range(len(words) - size + 1):
            window = words[i : i + size]
            if tuple(window) == label.words:
                score, evidence = 1.0, "label"
            elif len(joined) >= 6 and window[0][:1] == label.words[0][:1] and not _DOES_NOT_NAME.intersection(window):
                score, evidence = fuzz.ratio(" ".join(window), joined) / 100, "close_label"
                if score < 0.88 and all(len(w) > 3 for w in window) and _sounds_as(window, label.words):
                    score = CLOSE_SOUNDING_LABEL  # "drénage linfatique"
                elif score < 0.88 and size >= 2 and all(map(_same_word, window, label.words)):
                    score = CLOSE_SOUNDING_LABEL  # "première consult", each word the label's said short
                elif score < 0.88:
                    continue
            else:
                continue
            end = i + size
            if end < len(words) and words[end] in _AVAILABLE:
                continue  # "le premier rendez-vous disponible" asks for the earliest time, not a first visit
            if _no_motif_here(words, i, end):
                continue
            candidates.append(Mention(MOTIF, label.motif_id, tokens[i].start, tokens[end - 1].end, evidence, score))
        for i, end in _label_with_words_between(words, label.words):
            if not _no_motif_here(words, i, end):
                candidates.append(
                    Mention(MOTIF, label.motif_id, tokens[i].start, tokens[end - 1].end, "close_label", WORDS_BETWEEN)
                )
    candidates.sort(key=lambda m: (-(m.end - m.start), -m.score))
    kept: list[Mention] = []
    for candidate in candidates:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return _said_what_for(sorted(kept, key=lambda m: m.start), tokens)


#: Verbs spelt like a motif's word, which say what a practitioner does, not what the caller comes for: "le
#: docteur consulte le samedi ?" ("consult" is a consultation said short).
_DOES_NOT_NAME = frozenset({"consulte", "consultent", "consultez", "consultait", "consultera", "consultaient"})


#: The score of a label said with a word or two between its first word and the rest ("scanner abdominal avec
#: injection" for "scanner avec injection").
WORDS_BETWEEN = 0.9
#: How many words may come between a label's first word and the rest.
_MOST_WORDS_BETWEEN = 2


def _label_with_words_between(words: Sequence[str], label: Sequence[str]) -> list[tuple[int, int]]:
    """Where a label of three words or more is said with one or two words (a body part, an adjective) after its
    first word: the token range of the whole."""
    if len(label) < 3:
        return []
    found = []
    for i, word in enumerate(words):
        if word != label[0]:
            continue
        for between in range(1, _MOST_WORDS_BETWEEN + 1):
            rest = i + 1 + between
            inserted = words[i + 1 : rest]
            if any(len(w) < 4 or w in ARTICLES or w in _OF for w in inserted):
                break
            if tuple(words[rest : rest + len(label) - 1]) == tuple(label[1:]):
                found.append((i, rest + len(label) - 1))
                break
    return found


#: The score of a label said with other letters for the same sounds.
CLOSE_SOUNDING_LABEL = 0.9


def _sounds_as(words: Sequence[str], label: Sequence[str]) -> bool:
    """Whether every word sounds as the label's word in its place ("linfatique", "lymphatique")."""
    return all(_sound(word) == _sound(other) for word, other in zip(words, label, strict=True))


def _said_what_for(motifs: list[Mention], tokens: Sequence[_Token]) -> list[Mention]:
    """Without a visit word followed by the motif it is for: "des séances de drainage" is a drainage."""
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    kept = []
    for n, motif in enumerate(motifs):
        following = motifs[n + 1] if n + 1 < len(motifs) else None
        first, last = starts.get(motif.start), ends.get(motif.end)
        if following is not None and following.value != motif.value and first is not None and last is not None:
            said = {t.word for t in tokens[first : last + 1]}
            between = [t.word for t in tokens[last + 1 : starts.get(following.start, last + 1)]]
            if said <= _SESSION_WORDS and between and all(word in _OF or word in ("la", "l") for word in between):
                continue
        kept.append(motif)
    return kept


#: "N'importe quel médecin", "peu importe lequel", "n'importe qui": whoever is free (folded text).
_ANYONE_SAID = re.compile(
    r"\b(?:n ?importe (?:lequel|laquelle|qui)|peu importe (?:lequel|laquelle|qui)"
    r"|(?:n ?importe quel(?:le)?(?: autre)?|peu importe (?:le|la|l))"
    r" (?:medecin|docteur|praticien|praticienne|kine|kinesitherapeute|radiologue|infirmiere|infirmier|sage femme)"
    r"|(?<=avec )le premier (?:(?:medecin|docteur|praticien|kine|radiologue) )?(?:disponible|dispo|libre)"
    r"|le premier (?:medecin|docteur|praticien|kine|radiologue) (?:disponible|dispo|libre))\b"
)


def _anyone(tokens: Sequence[_Token]) -> list[Mention]:
    folded = " ".join(t.word for t in tokens)
    starts = [0]
    for token in tokens[:-1]:
        starts.append(starts[-1] + len(token.word) + 1)
    found = []
    for match in _ANYONE_SAID.finditer(folded):
        first = max(i for i, start in enumerate(starts) if start <= match.start())
        last = max(i for i, start in enumerate(starts) if start < match.end())
        found.append(Mention(PRACTITIONER, ANYONE, tokens[first].start, tokens[last].end, "anyone", 1.0))
    return found


def find_mentions(text: str, vocabulary: PracticeVocabulary) -> list[Mention]:
    """The practice's practitioners and motifs named in ``text``, in order; offsets index ``text``.

    A profession inside a motif's label ("séance de kiné") is the motif, not a practitioner; a label that
    runs into a titled name ("voir le docteur" of "voir le docteur Durand") is the practitioner.
    """
    tokens = _tokens(text)
    if not tokens:
        return []
    conditions = condition_spans(text)
    # a label spelt close to a condition's word is that condition: "infection" is no "injection"
    motifs = [m for m in _motif_mentions(tokens, vocabulary) if m.evidence == "label" or not overlapping(m, conditions)]
    named = _practitioner_mentions(tokens, vocabulary)
    titled = [
        (m.said_from if m.said_from >= 0 else m.start, m.end) for m in named if m.evidence in ("title", "full_name")
    ]
    motifs = [m for m in motifs if not overlapping(m, titled)]
    spans = [(m.start, m.end) for m in motifs]
    practitioners = [m for m in named if m.evidence != "profession" or not overlapping(m, spans)]
    practitioners += [m for m in _anyone(tokens) if not overlapping(m, [(p.start, p.end) for p in practitioners])]
    return sorted([*motifs, *practitioners], key=lambda m: m.start)


def condition_mentions(text: str) -> list[Mention]:
    """The conditions given as a reason in ``text`` (:func:`assistant.language.fr.conditions.condition_spans`),
    as mentions."""
    return [Mention(MOTIF, text[start:end], start, end, CONDITION, 1.0) for start, end in condition_spans(text)]


def visit_evidence(mentions: Sequence[Mention], text: str, top_intent: str | None) -> list[Mention]:
    """What says that a message is about a visit here (for :func:`practice_intent`): the practice's own words,
    and a condition given as the reason ("bonjour j'ai un lumbago") unless the model read the message as out of
    scope ("mon cheval a une tendinite": someone else's condition)."""
    if top_intent == "out_of_scope":
        return list(mentions)
    return [*mentions, *condition_mentions(text)]


def overlapping(mention: Mention, spans: Iterable[tuple[int, int]]) -> bool:
    return _overlaps((mention.start, mention.end), spans)


#: Entities the model reads that a practitioner's name must not also be.
PERSON_NAME_ENTITIES = frozenset({"last_name", "first_name"})
#: Evidence strong enough to say that a name is a practitioner's, not the caller's.
_CERTAIN = frozenset({"title", "full_name", "profession", "asked", "first_name", "surname"})


def practitioner_in(span: str, vocabulary: PracticeVocabulary, close: float = CLOSE_AFTER_TITLE) -> str | None:
    """The practitioner a span the model read as one names ("docteur Boudiafe", "Agathe"), or None; a surname
    at least ``close`` to the words."""
    tokens = _tokens(span)
    for i, token in enumerate(tokens):
        if token.word in DOCTOR_TITLES or token.word in CIVIL_TITLES or token.word in ("le", "la", "l"):
            continue
        found = _surname_at(tokens, i, vocabulary, close)
        if found is not None:
            return found[0]
        firsts = _first_name_at(tokens, i, vocabulary)
        if len(firsts) == 1:
            return firsts[0]
    profession = next((p for i in range(len(tokens)) if (p := _profession_at(tokens, i, vocabulary))), None)
    if profession is not None:
        ids = dict(vocabulary.professions)[profession[0]]
        return ids[0] if len(ids) == 1 else None
    return None


def reconcile(
    entities: Sequence[dict], mentions: Sequence[Mention], vocabulary: PracticeVocabulary, text: str = ""
) -> list[dict]:
    """The model's entities with the practice's mentions (dicts as Rasa writes them: entity, value, start, end).

    A mention replaces the model's practitioner or motif over the same words; a practitioner the model
    found alone is resolved against the practice when it can be (else its words stay, for the dialogue
    to say that nobody here has that name); a patient's first or last name over a practitioner's
    name is dropped (the name questions read the whole answer anyway). A motif the model read in "le premier
    rendez-vous disponible" is a time, not a motif (``text`` is the message), and so are the words that go on
    naming the practice's motif ("hanche" of "une échographie de la hanche"); a reason whose words tell a
    motif already named keeps its words ("une kiné respiratoire pour sa bronchiolite"). A surname the model
    read as a practitioner that names nobody here and that the caller gives as their own ("c'est madame
    Dupuis") is the caller's last name. A condition given as the reason (:mod:`assistant.language.fr.conditions`:
    "un lumbago", "une entorse de la cheville") is a motif with its words, whole where the model read a piece
    of it ("cou" of "une bosse au cou"), and no name ("Osgood" of "une maladie d'Osgood"); a body part or a
    pain alone ("mon genou" of "la rééducation de mon genou") is no motif. Beside a motif of the practice, the
    model's other motif words are a reason only when they are a known condition: "un certificat pour le
    judo", "mes séances de drainage après mon cancer du sein" say what for or since when, not a second motif.
    A doctor who prescribed or follows the patient elsewhere ("mon médecin traitant le docteur X m'a
    prescrit…", "mon kiné voudrait que…") is nobody here.
    """
    said = names_said(text, mentions)
    if said:  # the caller's names, said whole where the words make them theirs: they replace the model's reading
        spans = [_span_of(e) for e in said]
        people = (PRACTITIONER, *PERSON_NAME_ENTITIES)
        entities = [e for e in entities if not (e.get("entity") in people and _overlaps(_span_of(e), spans))]
        entities = [*entities, *said]
        mentions = [m for m in mentions if not (m.entity == PRACTITIONER and overlapping(m, spans))]
    mentions, patients = _patients_named_like(mentions, entities, vocabulary, text)
    mentions = _professions_inside_cares(mentions, entities, vocabulary)
    entities = [*entities, *patients, *_own_surnames_unread(entities, mentions, vocabulary, text)]
    motif_mentions = [m for m in mentions if m.entity == MOTIF]
    mention_spans = [(m.start, m.end) for m in motif_mentions]
    named_motifs = {m.value for m in motif_mentions}
    conditions = [span for span in condition_spans(text) if not _overlaps(span, mention_spans)]
    practitioner_spans = [(m.start, m.end) for m in mentions if m.entity == PRACTITIONER and m.evidence in _CERTAIN]
    named_spans = [
        (m.start, m.end) for m in mentions if m.entity == PRACTITIONER and m.evidence in ("title", "full_name")
    ]
    kept: list[dict] = []
    for entity in entities:
        span = _span_of(entity)
        kind = entity.get("entity")
        if kind in (PRACTITIONER, MOTIF) and _overlaps(span, [(m.start, m.end) for m in mentions if m.entity == kind]):
            continue
        # the model's span inside a condition ("cou" of "une bosse au cou"), or a condition and more words
        # ("entorse à la cheville au foot"): the condition's words
        condition = next((c for c in conditions if (c[0] <= span[0] and span[1] <= c[1]) or c[0] == span[0]), None)
        if kind in (PRACTITIONER, *PERSON_NAME_ENTITIES) and _overlaps(span, conditions):
            continue  # "Osgood" of "une maladie d'Osgood"
        if kind == MOTIF and condition is not None:
            continue  # the condition's whole words are added below
        if kind == MOTIF and _overlaps(span, practitioner_spans):
            continue  # "Nadège" of "avec Nadège": the practitioner says it
        if kind == MOTIF and _profession_only(str(entity.get("value", ""))):
            continue  # "n'importe lequel de vos radiologues": a person, not a care
        if kind == MOTIF and _said_as_own_name(text, span):
            entity = {**entity, "entity": "last_name", "value": text[span[0] : span[1]]}  # "c'est monsieur …"
            kind = "last_name"
        if kind == MOTIF and _someone_not_a_care(entity, vocabulary):
            entity = {**entity, "entity": PRACTITIONER}  # "un rdv irm avec Bastien": read below as a name
            kind = PRACTITIONER
        if kind in PERSON_NAME_ENTITIES and _overlaps(span, mention_spans):
            continue  # "mamographie" said alone is the motif, nobody's name
        if kind == MOTIF and (
            names_no_reason(text[span[0] : span[1]] if 0 <= span[0] < span[1] <= len(text) else "")
            or _overlaps(span, named_spans)
            or _is_availability(text, span)
            or _no_motif_in(text, span)
            or _goes_on_naming(text, span, motif_mentions)
        ):
            continue
        if kind in (PRACTITIONER, *PERSON_NAME_ENTITIES) and not _names_someone(str(entity.get("value", ""))):
            continue  # "le" of "le premier disponible"
        if kind == PRACTITIONER and _profession_of_several(str(entity.get("value", "")), vocabulary):
            continue  # "le kiné" where four kinés work: nobody in particular
        if kind in PERSON_NAME_ENTITIES and _profession_only(str(entity.get("value", ""))):
            continue  # "le kiné", "le radiologue" is nobody's name
        if kind == MOTIF and _paper_only(str(entity.get("value", "")), vocabulary, named_motifs):
            continue  # "j'ai une ordonnance pour une radio": the paper is no motif here
        if kind == MOTIF and protected_against(text, span[0]):
            continue  # "un rappel de vaccin contre le tétanos": what the vaccine is for, no reason
        if kind == PRACTITIONER and _overlaps(span, mention_spans):
            continue  # "kiné" of "une séance de kiné": the motif says it
        if kind == PRACTITIONER and _says_anyone(str(entity.get("value", ""))):
            entity = {**entity, "value": ANYONE}
        if kind == MOTIF:
            entity = _practice_motif(entity, vocabulary, named_motifs)
            if named_motifs and entity.get("value") not in vocabulary.motif_ids:
                continue  # beside the practice's motif, other words are no reason unless a known condition
        if kind in PERSON_NAME_ENTITIES and _overlaps(span, practitioner_spans):
            continue
        if kind in PERSON_NAME_ENTITIES and (_after_doctor_title(text, span) or _prescriber(text, span)):
            continue  # "le docteur Bastien m'a prescrit …": another doctor, not the caller
        if kind == PRACTITIONER and isinstance(entity.get("value"), str):
            resolved = practitioner_in(str(entity["value"]), vocabulary)
            if resolved is None and (_profession_only(str(entity["value"])) or _prescriber(text, span)):
                continue  # "mon kiné voudrait que …", "mon médecin le docteur X m'a prescrit": nobody here
            if resolved is not None and not _said_as_own_name(text, span):
                entity = {**entity, "value": resolved}
            elif _given_as_own_name(text, span):
                entity = {**entity, "entity": "last_name", "value": text[span[0] : span[1]]}
            elif resolved is not None:
                entity = {**entity, "value": resolved}
        kept.append(entity)
    motif_spans = [_span_of(e) for e in kept if e.get("entity") == MOTIF]
    for start, end in conditions:
        if not _overlaps((start, end), motif_spans):
            reason = {"entity": MOTIF, "value": text[start:end], "start": start, "end": end, **_LEXICON}
            kept.append(_practice_motif(reason, vocabulary, named_motifs))
    for mention in mentions:
        kept.append(
            {
                "entity": mention.entity,
                "value": mention.value,
                "start": mention.start,
                "end": mention.end,
                "confidence_entity": round(mention.score, 3),
                "extractor": "PracticeEntities",
            }
        )
    return sorted(kept, key=lambda e: (int(e.get("start", 0)), str(e.get("entity"))))


def _patients_named_like(
    mentions: Sequence[Mention], entities: Sequence[dict], vocabulary: PracticeVocabulary, text: str
) -> tuple[list[Mention], list[dict]]:
    """The mentions without the practitioners' surnames said beside another first name, which the model read
    ("Bastien Tomasz", "Tomasz Bastien" beside a Dr Nadège Bastien: a patient of that name), and those
    surnames as the patient's last names."""
    first_names = [e for e in entities if e.get("entity") == "first_name"]
    practitioners = {n.id: n for n in vocabulary.practitioners}
    kept: list[Mention] = []
    patients: list[dict] = []
    for mention in mentions:
        names = practitioners.get(mention.value)
        beside = [e for e in first_names if _adjacent((mention.start, mention.end), _span_of(e), text)]
        if (
            mention.entity == PRACTITIONER
            and mention.evidence == "surname"
            and names is not None
            and beside
            and all(normalise(str(e.get("value", ""))) != names.first_name for e in beside)
        ):
            span = (mention.start, mention.end)
            if not any(e.get("entity") in PERSON_NAME_ENTITIES and _overlaps(span, [_span_of(e)]) for e in entities):
                said = text[mention.start : mention.end]
                patients.append({"entity": "last_name", "value": said, "start": span[0], "end": span[1], **_LEXICON})
            continue
        kept.append(mention)
    return kept, patients


def _own_surnames_unread(
    entities: Sequence[dict], mentions: Sequence[Mention], vocabulary: PracticeVocabulary, text: str
) -> list[dict]:
    """A practitioner's surname given as the caller's ("je m'appelle Bastien Jacqueline") that the model read
    as nothing: the caller's last name."""
    taken = [_span_of(e) for e in entities if e.get("entity") in (PRACTITIONER, *PERSON_NAME_ENTITIES)]
    taken += [(m.start, m.end) for m in mentions if m.entity == PRACTITIONER]
    return [
        {"entity": "last_name", "value": text[start:end], "start": start, "end": end, **_LEXICON}
        for start, end in own_surname_spans(text, vocabulary)
        if not _overlaps((start, end), taken)
    ]


def _professions_inside_cares(
    mentions: Sequence[Mention], entities: Sequence[dict], vocabulary: PracticeVocabulary
) -> list[Mention]:
    """The mentions without a profession inside a care the model read as the motif ("kiné" of "ma séance kiné"
    where the file says "séance de kiné"): the care is said, not the person."""
    cares = [
        _span_of(e)
        for e in entities
        if e.get("entity") == MOTIF
        and len(str(e.get("value", "")).split()) <= _CARE_WORDS  # not "infirmière peut venir à domicile"
        and _practice_motif(e, vocabulary).get("value") in vocabulary.motif_ids
    ]
    return [
        m
        for m in mentions
        if m.evidence != "profession"
        or not any(start <= m.start and m.end <= end and (start, end) != (m.start, m.end) for start, end in cares)
    ]


#: The most words of a care named with its profession ("séance kiné", "soins infirmiers à domicile").
_CARE_WORDS = 4


def _span_of(entity: dict) -> tuple[int, int]:
    return int(entity.get("start", -1)), int(entity.get("end", -1))


def _adjacent(span: tuple[int, int], other: tuple[int, int], text: str) -> bool:
    """Whether two spans of ``text`` follow each other with only spaces or punctuation between."""
    (start, end), (other_start, other_end) = sorted([span, other])
    return start >= 0 and end <= other_start and other_end <= len(text) and not normalise(text[end:other_start])


def _after_doctor_title(text: str, span: tuple[int, int]) -> bool:
    """Whether a name comes just after a doctor's title ("le docteur Bastien", "dr Nadège"): a doctor, not
    the caller or a relative."""
    words = _words_of_span(text, span)
    if words is None:
        return False
    tokens, first, _last = words
    before = [t.word for t in tokens[max(0, first - 2) : first]]
    if before and before[-1] in ("le", "la"):
        before = before[:-1]
    return bool(before) and before[-1] in DOCTOR_TITLES


#: How an entity this module adds says where it comes from.
_LEXICON = {"confidence_entity": 1.0, "extractor": "PracticeEntities"}


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return start >= 0 and any(start < other_end and other_start < end for other_start, other_end in spans)


#: The practitioner value that means whoever is free ("peu importe", "n'importe lequel").
ANYONE = "any"


def _says_anyone(value: str) -> bool:
    folded = normalise(value)
    return folded != ANYONE and any(phrase in folded for phrase in ANY_ONE)


def _practice_motif(entity: dict, vocabulary: PracticeVocabulary, named_already: set[str] | None = None) -> dict:
    """A motif the model read alone: the practice's motif it names; else its words stay (a symptom given
    as the reason, "mal au dos", which books the practice's motif for symptoms: docs/nlu-data.md). A reason
    whose telling words point to a motif the message names already is that reason, said beside it."""
    said = str(entity.get("value", ""))
    if said in vocabulary.motif_ids:
        return entity
    named = [m.value for m in find_mentions(said, vocabulary) if m.entity == MOTIF]
    if len(set(named)) == 1:
        return {**entity, "value": named[0]}
    if condition_spans(said):  # "une bosse au cou" tells no "échographie du cou": the body part is no exam
        said = " ".join(word for word in normalise(said).split() if word not in BODY_PARTS)
    motif_id = motif_of_words(said, vocabulary)
    if motif_id is None or motif_id in (named_already or set()):
        return entity
    return {**entity, "value": motif_id}


#: Words between a motif and what goes on naming it: "échographie de la hanche", "écho-doppler".
_JOINING = frozenset({"de", "du", "des", "d", "la", "l", "le", "les"})


def _goes_on_naming(text: str, span: tuple[int, int], motifs: Sequence[Mention]) -> bool:
    """Whether the model's motif span only goes on naming a practice motif said just before it."""
    start, end = span
    if not 0 <= start < end <= len(text):
        return False
    for motif in motifs:
        if motif.end <= start and all(t.word in _JOINING for t in _tokens(text[motif.end : start])):
            return True
    return False


def _words_of_span(text: str, span: tuple[int, int]) -> tuple[list[_Token], int, int] | None:
    """The message's tokens and the token range ``[first, last)`` that the model's character ``span`` covers
    (None for a span out of the text or covering no whole word)."""
    start, end = span
    if not 0 <= start < end <= len(text):
        return None
    tokens = _tokens(text)
    inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
    return (tokens, inside[0], inside[-1] + 1) if inside else None


def _someone_not_a_care(entity: dict, vocabulary: PracticeVocabulary) -> bool:
    """Whether a span the model read as a motif is a practitioner's name and no motif's words."""
    said = str(entity.get("value", ""))
    return (
        said not in vocabulary.motif_ids
        and not any(m.entity == MOTIF for m in find_mentions(said, vocabulary))
        and practitioner_in(said, vocabulary, CLOSE_IN_FULL_NAME) is not None  # "main" is no "Martin"
    )


#: Words before a name that surely give it as the caller's own, even where a practitioner has that name:
#: "c'est madame …", "je m'appelle …", "nom … prénom …" (a bare "c'est …" may answer "avec qui ?").
_SURELY_OWN_BEFORE = re.compile(
    r"(?:\bm appelle|\bnom|\bprenom|\bnom (?:est|c est)|\bau nom de|\bde la part de)$"
    r"|\b(?:c est|je suis|ici|moi c est) (?:madame|monsieur|mme|mr|m|mademoiselle|mlle)$"
)


def _said_as_own_name(text: str, span: tuple[int, int]) -> bool:
    """Whether the words around ``span`` surely make it the caller's name: "c'est madame … à l'appareil",
    "je m'appelle …", "nom … prénom …"."""
    words = _words_of_span(text, span)
    if words is None:
        return False
    tokens, first, last = words
    after = " ".join(t.word for t in tokens[last : last + 4])
    before = " ".join(t.word for t in tokens[max(0, first - 4) : first])
    return bool(_OWN_NAME_AFTER.search(after) or _SURELY_OWN_BEFORE.search(before))


def _given_as_own_name(text: str, span: tuple[int, int]) -> bool:
    """Whether the words around ``span`` give it as the caller's (or a relative's) name: "c'est madame …"."""
    words = _words_of_span(text, span)
    if words is None:
        return False
    tokens, first, last = words
    if first and tokens[first - 1].word in CIVIL_TITLES:
        first -= 1  # "c'est madame Dupuis": the title belongs to the name
    return _own_name(tokens, first, last)


#: Intents in which the words of a motif name no visit to book or ask about (docs/nlu-data.md: "les
#: résultats de ma prise de sang", a complaint's object, an advice question, an emergency's symptoms).
NOT_ABOUT_A_MOTIF = frozenset(
    {"ask_results", "request_records", "complaint", "medical_question", "out_of_scope", "emergency"}
)


#: Questions about a service: the service is the practice's motif; other words read as a motif beside it
#: are what the question is about ("je porte un pacemaker, je peux passer une IRM ?"), not a reason.
ABOUT_A_SERVICE = frozenset({"ask_documents", "ask_fees", "ask_hours", "ask_address", "ask_practitioners"})
#: Moving, cancelling or checking an appointment for one of the practice's motifs: other words read as a motif
#: say why ("sa prise de sang ne sera pas prête"), not what the appointment is for.
ABOUT_AN_APPOINTMENT = frozenset({"reschedule_appointment", "cancel_appointment", "check_appointment"})


def motifs_in_context(entities: Sequence[dict], intent: str | None, motif_ids: Iterable[str] = ()) -> list[dict]:
    """The entities, without motifs when the message's intent makes them no motif (:data:`NOT_ABOUT_A_MOTIF`),
    and, in a question about a service that names one of the practice's motifs (``motif_ids``), without the
    motifs that are none of the practice's (:data:`ABOUT_A_SERVICE`)."""
    if intent in NOT_ABOUT_A_MOTIF:
        return [e for e in entities if e.get("entity") != MOTIF]
    ids = set(motif_ids)
    motifs = [e for e in entities if e.get("entity") == MOTIF]
    if intent in ABOUT_A_SERVICE | ABOUT_AN_APPOINTMENT and any(e.get("value") in ids for e in motifs):
        return [e for e in entities if e.get("entity") != MOTIF or e.get("value") in ids]
    return list(entities)


def _is_availability(text: str, span: tuple[int, int]) -> bool:
    """Whether a motif span is (or runs into) "disponible", "dispo"...: "le premier rendez-vous disponible"."""
    start, end = span
    if not 0 <= start <= end <= len(text):
        return False
    inside = [t.word for t in _tokens(text[start:end])]
    after = [t.word for t in _tokens(text[end:])][:4]
    while after and after[0] in _VISIT_WORDS:  # "le premier rendez-vous disponible"
        after = after[1:]
    return any(word in _AVAILABLE for word in inside) or (bool(after) and after[0] in _AVAILABLE)


#: Words for a visit between an ordinal and "disponible": "le premier rendez-vous disponible".
_VISIT_WORDS = frozenset({"rendez", "vous", "rdv", "creneau", "creneaux", "place", "horaire"})


def _no_motif_in(text: str, span: tuple[int, int]) -> bool:
    """Whether the model's motif span names no visit where it is said (:func:`_no_motif_here`)."""
    words = _words_of_span(text, span)
    if words is None:
        return False
    tokens, first, last = words
    return _no_motif_here([t.word for t in tokens], first, last)


#: Papers a patient brings or asks about: a motif only where the practice's motifs say them ("renouvellement
#: d'ordonnance"), else no motif ("j'ai une ordonnance pour une radio").
_PAPERS = frozenset({"ordonnance", "ordonnances", "ordo", "ordos", "prescription", "prescriptions", "courrier"})


def _paper_only(value: str, vocabulary: PracticeVocabulary, named_motifs: set[str]) -> bool:
    """Whether a motif span says only a paper that names no motif here, or one beside a motif the message names
    ("mon ordonnance est finie, il me faut un renouvellement": the renewal says it)."""
    words = [w for w in normalise(value).split() if w not in MOTIF_FILLERS and len(w) > 2]
    return bool(words) and all(w in _PAPERS and (w not in vocabulary.motif_words or named_motifs) for w in words)


def _profession_only(value: str) -> bool:
    words = [w for w in normalise(value).split() if w not in _NOBODY]
    return bool(words) and " ".join(words) in _PROFESSION_FORMS


def _profession_of_several(value: str, vocabulary: PracticeVocabulary) -> bool:
    """Whether a practitioner the model read is only a profession word that several here share ("le kiné")."""
    words = [w for w in normalise(value).split() if w not in _NOBODY and w not in CIVIL_TITLES]
    said = " ".join(words)
    return any(said in PROFESSIONS[key] and len(ids) > 1 for key, ids in vocabulary.professions)


#: Words that name nobody on their own, when the model reads them as a practitioner.
_NOBODY = frozenset(
    {"le", "la", "les", "l", "de", "du", "des", "un", "une", "premier", "premiere", "disponible"}
    | {"mon", "ma", "mes", "son", "sa", "ses", "votre", "notre"}
)


def _names_someone(value: str) -> bool:
    """Whether the words (or the value: "1" for the "premier" of an option) may name a person."""
    words = normalise(value).split()
    return bool(words) and not all(
        word in _NOBODY or word in DOCTOR_TITLES or word in CIVIL_TITLES or word.isdigit() for word in words
    )


#: Words before a doctor who is not one of the practice's: the one who prescribed, who follows the patient
#: elsewhere ("mon médecin traitant le docteur …", "ma sage-femme madame …").
_PRESCRIBER_BEFORE = re.compile(
    r"\b(?:mon|ma) (?:medecin(?: traitant)?|sage femme|gyneco(?:logue)?|generaliste|rhumato(?:logue)?|orl|pediatre"
    r"|cardiologue|dermato(?:logue)?|chirurgien(?:ne)?|specialiste|kine)(?: c est)?(?: (?:le|la))?"
    r"(?: (?:docteur|docteure|dr|madame|monsieur|mme|m))?$"
)
#: Words after such a doctor: "… m'a prescrit", "… qui l'a faite", "… a écrit".
_PRESCRIBER_AFTER = re.compile(
    r"^(?:qui )?(?:m |l |me |nous )?(?:a|avait) (?:prescrit|fait|faite|ecrit|demande|adresse)\b"
)


def _prescriber(text: str, span: tuple[int, int]) -> bool:
    """Whether a name is said as the doctor who prescribed or who follows the patient elsewhere."""
    words = _words_of_span(text, span)
    if words is None:
        return False
    tokens, first, last = words
    before = " ".join(t.word for t in tokens[max(0, first - 6) : first])
    after = " ".join(t.word for t in tokens[last : last + 5])
    return bool(_PRESCRIBER_BEFORE.search(before) or _PRESCRIBER_AFTER.search(after))


#: Intents about the practice's appointments and information: a message naming the practice's motif or
#: practitioner is one of these, whatever else the model thought (out of scope, not understood).
PRACTICE_INTENTS = (
    "book_appointment",
    "inform",
    "reschedule_appointment",
    "cancel_appointment",
    "check_appointment",
    "ask_documents",
    "ask_fees",
    "ask_hours",
    "ask_practitioners",
    "ask_address",
)
#: What the model's first intent may be, unsure or not, and still give way to a practice intent.
_GIVES_WAY = frozenset({"out_of_scope", "nlu_fallback", "bot_challenge", "greet", "thank", "goodbye", "affirm"})
#: Intents never turned into a practice intent, however unsure: an emergency (the triage rules have their own
#: say), a medical question (no practice answer stands for advice: "mon pansement est mouillé, je le change
#: moi-même ?" is better not understood, then handed over), a person asked for, a complaint. Any other intent
#: gives way when the model is unsure of it (an unsure result or record request naming the practice's motif):
#: the fallback would otherwise answer "je n'ai pas compris".
_NEVER_LOWERED = frozenset({"emergency", "medical_question", "request_human", "complaint"})


def practice_intent(
    ranking: Sequence[tuple[str, float]], mentions: Sequence[Mention], unsure_below: float
) -> str | None:
    """The intent a message naming the practice's own motif or practitioner is, when the model did not know.

    The model never saw this practice's words ("une écho du ventre", "un drainage lymphatique") and may
    call the message out of scope or be unsure; naming the practice's motif or practitioner makes it a
    message about the practice: the best-ranked practice intent (:data:`PRACTICE_INTENTS`) is taken,
    booking when none is ranked. None when the model was sure of an intent that keeps its meaning, and for the
    intents never lowered (:data:`_NEVER_LOWERED`); an unsure other intent is lowered only for the practice's
    own words, not for a condition alone.
    """
    if not mentions or not ranking:
        return None
    top, confidence = ranking[0]
    if top in PRACTICE_INTENTS and confidence >= unsure_below:
        return None
    practice_said = any(m.evidence != CONDITION for m in mentions)  # not only a condition ("un lumbago")
    if (
        top not in PRACTICE_INTENTS
        and top not in _GIVES_WAY
        and (top in _NEVER_LOWERED or confidence >= unsure_below or not practice_said)
    ):
        return None  # sure of a result, a record…, or an emergency, a medical question, a complaint: kept
    ranked = [name for name, _ in ranking if name in PRACTICE_INTENTS]
    return ranked[0] if ranked else PRACTICE_INTENTS[0]


#: How many leading letters two words must share to be the same word said shorter ("renouveler", "renouvellement").
_SHARED_PREFIX = 6


def _same_word(said: str, label_word: str) -> bool:
    if said == label_word:
        return True
    if min(len(said), len(label_word)) >= _SHARED_PREFIX and said[:_SHARED_PREFIX] == label_word[:_SHARED_PREFIX]:
        return True
    # misspelt, not another word of the same ending: "tomodensitometrie" is no "osteodensitometrie"
    return len(said) >= 5 and said[:1] == label_word[:1] and fuzz.ratio(said, label_word) >= _SAME_WORD_SPELLING


#: How close (0–100) a word must be spelt to a motif's word to be that word: a letter left out or doubled in a
#: long word ("mamographie"), not a letter changed in a word of nine ("infection" is no "injection": 89).
_SAME_WORD_SPELLING = 90


def motif_of_words(span: str, vocabulary: PracticeVocabulary) -> str | None:
    """The motif a phrase the model read as one means, by its telling words ("certificat pour le basket").

    Each word of the phrase that is a word of some motif's labels counts for those motifs, the more the
    fewer motifs share it (inverse frequency: "certificat" tells one motif, "consultation" several); the
    best motif wins when it wins alone. None for a phrase that tells no motif of this practice (a symptom).
    """
    words = [w for w in normalise(span).split() if w not in MOTIF_FILLERS and len(w) >= 3]
    if not words:
        return None
    motif_words: dict[str, set[str]] = {}
    for label in vocabulary.motif_labels:
        motif_words.setdefault(label.motif_id, set()).update(w for w in label.words if w not in MOTIF_FILLERS)
    scores: dict[str, float] = {}
    for word in words:
        owners = [mid for mid, known in motif_words.items() if any(_same_word(word, k) for k in known)]
        for motif_id in owners:
            scores[motif_id] = scores.get(motif_id, 0.0) + 1.0 / len(owners)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best, score = ranked[0]
    if score < 0.5 or (len(ranked) > 1 and ranked[1][1] >= score):
        return None
    return best


def within_categories(entities: Sequence[dict], categories: dict[str, Iterable[str]]) -> list[dict]:
    """The entities whose value is one of their type's categories (``{"relation": ["child", …]}``).

    The model sometimes reads a word as a categorical entity the synonyms give no category ("encore",
    "dossier" as a patient status): such a value means nothing to the dialogue and is dropped.
    """
    allowed = {kind: set(values) for kind, values in categories.items()}
    return [e for e in entities if e.get("entity") not in allowed or e.get("value") in allowed[str(e.get("entity"))]]
