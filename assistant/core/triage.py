"""French triage: is a message an emergency, a suicide risk, urgent, sensitive, or none of these?

What counts is data, not code: ``assistant/triage/rules_fr.yml`` (documented in
``docs/triage.md``) holds the rules, written so that a doctor can read and amend
them. This module loads and checks that file, compiles its patterns once, and
applies them to a message together with the NLU's intent, recall first: either
the rules or the intent can raise the level, neither ever lowers it (a missed
emergency is worse than an unneeded escalation).

Pattern syntax (full description in ``docs/triage.md``), matched on the text as
:func:`assistant.core.text.normalise` writes it (lowercase, no accents,
punctuation and apostrophes as spaces), filler words such as « euh » removed:

- ``douleur poitrine``: these words in this order, with at most ``max_gap`` other
  words between two of them (4 by default);
- ``douleur*``: any ending (douleur, douleurs); ``*`` may stand anywhere in a word;
- ``?``: exactly one digit (``7? ans``: 70 to 79 ans);
- ``mal|douleur*``: one word among several;
- ``(perte de connaissance)``: the words in parentheses follow each other
  exactly; a parenthesised group can be an alternative (``(crise cardiaque)|infarctus``);
- ``...``: any number of words between its neighbours.

Pure except :func:`load_triage_rules`, which only reads the file; nothing is read,
compiled or cached at import time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from assistant.core.config_formats import LANGUAGE_CODE, iso_date
from assistant.core.model import NationalNumbers
from assistant.core.text import normalise

__all__ = [
    "CATEGORIES",
    "IntentRule",
    "Pattern",
    "PatternSyntaxError",
    "TriageNumbers",
    "TriageResult",
    "TriageRule",
    "TriageRules",
    "TriageRulesError",
    "compile_pattern",
    "default_rules_path",
    "load_triage_rules",
    "numbers_for",
    "parse_triage_rules",
    "triage",
]

#: Rule categories, most severe first.
CATEGORIES: tuple[str, ...] = ("suicide", "emergency", "urgent", "sensitive")
SEVERITY: dict[str, int] = {"none": 0, "sensitive": 1, "urgent": 2, "emergency": 3, "suicide": 4}
URGENCY: dict[str, str] = {
    "none": "none",
    "sensitive": "routine",
    "urgent": "urgent",
    "emergency": "immediate",
    "suicide": "immediate",
}

DEFAULT_MAX_GAP = 4
MAX_GAP_BOUNDS = (0, 10)

_WORD = "[a-z0-9]"
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_INTENT_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ]*")
_ELLIPSES = ("...", "…")

_TOP_KEYS = ("version", "updated", "language", "max_gap", "ignore_words", "numbers", "intents", "shared", "rules")
_REQUIRED_TOP_KEYS = ("version", "updated", "language", "rules")
_RULE_KEYS = ("id", "category", "reason", "intent", "patterns", "all_of", "unless")
_INTENT_KEYS = ("category", "threshold", "reason")
_NUMBER_KEYS = ("samu", "european", "deaf_sms", "suicide_prevention")


#: How a chat message writes what the rules spell out (folded). "jveux plus vivre", "jai envie den finir"
#: and "jvais me foutre en lair" were not understood at all: no 3114 (chat QA, 2026-12-05).
CHAT_CONTRACTIONS = {
    "jveux": "je veux", "jve": "je veux", "jvais": "je vais", "jsuis": "je suis", "jsui": "je suis",
    "chui": "je suis", "chuis": "je suis", "jpeux": "je peux", "jpeu": "je peux", "jsais": "je sais",
    "jai": "j ai", "jen": "j en", "jme": "je me", "jmen": "je m en", "jte": "je te", "jy": "j y",
    "jarrive": "j arrive", "jarrete": "j arrete", "jfais": "je fais", "jcrois": "je crois",
    "jpense": "je pense", "jsens": "je sens", "jdois": "je dois", "jvoudrais": "je voudrais",
    "jaimerais": "j aimerais", "den": "d en", "lair": "l air", "ya": "il y a", "cest": "c est",
    "jtrouve": "je trouve", "jmange": "je mange", "jdors": "je dors", "jsupporte": "je supporte",
    "jpp": "j en peux plus", "jpeuxplus": "je peux plus", "jveuxplus": "je veux plus",
}  # fmt: skip


def default_rules_path() -> Path:
    """The packaged French rule file."""
    return Path(__file__).resolve().parent.parent / "triage" / "rules_fr.yml"


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class TriageResult:
    category: str  # "emergency" | "suicide" | "urgent" | "sensitive" | "none"
    urgency: str  # "immediate" | "urgent" | "routine" | "none"
    numbers: tuple[str, ...] = ()  # numbers to give at once (emergency, suicide), most important first
    reasons: tuple[str, ...] = ()  # French, for the secretary, most severe first
    matched_rules: tuple[str, ...] = ()  # rule ids, most severe first
    # Suicidal words that are also a medical emergency (an overdose): the 15 comes before the 3114.
    life_threatening: bool = False

    @property
    def is_emergency(self) -> bool:
        return self.category in ("emergency", "suicide")


def numbers_for(
    category: str,
    samu: str = "15",
    european: str = "112",
    deaf_sms: str = "114",
    suicide_prevention: str = "3114",
) -> tuple[str, ...]:
    """The numbers to give for ``category``; the practice may pass its own."""
    if category == "emergency":
        return (samu, european, deaf_sms)
    if category == "suicide":
        return (suicide_prevention, samu)
    if category in SEVERITY:
        return ()
    raise ValueError(f"catégorie de tri inconnue : {category!r}")


# --- patterns -----------------------------------------------------------------------


class PatternSyntaxError(ValueError):
    """A pattern that cannot be read; the message is one French sentence."""


@dataclass(frozen=True)
class Pattern:
    source: str
    regex: re.Pattern[str]

    def search(self, prepared: str) -> bool:
        """Whether the pattern occurs in ``prepared`` (text from :meth:`TriageRules.prepare`)."""
        return self.regex.search(prepared) is not None


def _pattern_words(chunk: str) -> list[str]:
    """``normalise`` for one chunk of a pattern, keeping the wildcards ``*`` and ``?``."""
    return normalise(chunk, keep="*?").split()


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "(", ")", "|", "..."
    text: str
    spaced_before: bool


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    index, spaced = 0, True
    while index < len(source):
        char = source[index]
        if char.isspace():
            spaced = True
            index += 1
            continue
        if char in "()|":
            tokens.append(_Token(char, char, spaced))
            index += 1
        else:
            end = index
            while end < len(source) and not source[end].isspace() and source[end] not in "()|":
                end += 1
            chunk = source[index:end]
            if chunk in _ELLIPSES:
                tokens.append(_Token("...", chunk, spaced))
            elif any(ellipsis in chunk for ellipsis in _ELLIPSES):
                raise PatternSyntaxError(f"« ... » doit être séparé des mots par des espaces (« {chunk} »)")
            else:
                tokens.append(_Token("word", chunk, spaced))
            index = end
        spaced = False
    return tokens


def _gap(words: int | None) -> str:
    """Regex between two consecutive elements: ``words`` other words at most (None: any number)."""
    if words is None:
        return f"(?: {_WORD}+)* "
    if words == 0:
        return " "
    return f"(?: {_WORD}+){{0,{words}}} "


class _Parser:
    def __init__(self, tokens: list[_Token], max_gap: int, ignore_words: frozenset[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.max_gap = max_gap
        self.ignore_words = ignore_words

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> str:
        body = self.sequence(self.max_gap, inside=False)
        token = self.peek()
        if token is not None:  # only a ")" can stop the outer sequence
            raise PatternSyntaxError("parenthèse fermante « ) » sans parenthèse ouvrante")
        return body

    def sequence(self, gap: int, inside: bool) -> str:
        parts: list[str] = []
        unbounded = False
        while True:
            token = self.peek()
            if token is None or token.kind == ")":
                break
            if token.kind == "...":
                if not parts:
                    raise PatternSyntaxError("« ... » ne peut pas commencer un motif ni un groupe")
                if unbounded:
                    raise PatternSyntaxError("« ... » écrit deux fois de suite")
                self.take()
                unbounded = True
                continue
            if token.kind == "|":
                raise PatternSyntaxError("« | » doit être entre deux mots, sans espace autour")
            element = self.alternation()
            if parts:
                parts.append(_gap(None if unbounded else gap))
            parts.append(element)
            unbounded = False
        if unbounded:
            raise PatternSyntaxError("« ... » ne peut pas finir un motif ni un groupe")
        if not parts:
            raise PatternSyntaxError("groupe vide « () »" if inside else "motif vide")
        return "".join(parts)

    def alternation(self) -> str:
        options = [self.atom()]
        while (token := self.peek()) is not None and token.kind == "|":
            following = self.tokens[self.position + 1] if self.position + 1 < len(self.tokens) else None
            if token.spaced_before or following is None or following.spaced_before:
                raise PatternSyntaxError(
                    "« | » doit coller aux deux mots qu'il sépare (« mal|douleur ») ; "
                    "pour deux expressions, écrivez deux motifs ou utilisez des parenthèses"
                )
            self.take()
            options.append(self.atom())
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def atom(self) -> str:
        token = self.take()
        if token.kind == "(":
            inner = self.sequence(0, inside=True)
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise PatternSyntaxError("parenthèse « ( » non fermée")
            self.take()
            return f"(?:{inner})"
        if token.kind == "word":
            return self.word(token.text)
        if token.kind == ")":
            raise PatternSyntaxError("parenthèse fermante « ) » sans parenthèse ouvrante")
        raise PatternSyntaxError(f"« {token.text} » mal placé")

    def word(self, chunk: str) -> str:
        words = _pattern_words(chunk)
        if not words:
            raise PatternSyntaxError(f"« {chunk} » ne contient aucune lettre ni chiffre")
        regexes = []
        for word in words:
            if set(word) == {"*"}:
                raise PatternSyntaxError(
                    "« * » seul n'est pas un mot : pour laisser des mots entre deux autres, écrivez « ... »"
                )
            if word in self.ignore_words:
                raise PatternSyntaxError(
                    f"« {word} » fait partie des mots ignorés (ignore_words) : il ne peut jamais être trouvé"
                )
            regexes.append(
                "".join(f"{_WORD}*" if ch == "*" else "[0-9]" if ch == "?" else re.escape(ch) for ch in word)
            )
        return " ".join(regexes) if len(regexes) == 1 else "(?:" + " ".join(regexes) + ")"


def compile_pattern(source: str, max_gap: int = DEFAULT_MAX_GAP, ignore_words: Iterable[str] = ()) -> Pattern:
    """Compile one pattern; :class:`PatternSyntaxError` explains a mistake in French."""
    if not source or not source.strip():
        raise PatternSyntaxError("motif vide")
    body = _Parser(_tokens(source), max_gap, frozenset(ignore_words)).parse()
    return Pattern(source=source, regex=re.compile(f"(?<![a-z0-9]){body}(?![a-z0-9])"))


# --- rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageRule:
    id: str
    category: str
    reason: str
    patterns: tuple[Pattern, ...] = ()
    all_of: tuple[tuple[Pattern, ...], ...] = ()
    unless: tuple[Pattern, ...] = ()
    #: The NLU intent the rule's requests belong to ("complaint"), for a message the NLU was unsure of.
    intent: str | None = None

    def matches(self, prepared: str) -> bool:
        """Any pattern, or every ``all_of`` group (one pattern each), and no ``unless`` pattern."""
        found = any(pattern.search(prepared) for pattern in self.patterns) or (
            bool(self.all_of) and all(any(pattern.search(prepared) for pattern in group) for group in self.all_of)
        )
        return found and not any(pattern.search(prepared) for pattern in self.unless)


@dataclass(frozen=True)
class IntentRule:
    """The NLU's intent, above ``threshold``, raises the category to at least ``category``."""

    intent: str
    category: str
    threshold: float
    reason: str


#: The national numbers the rule file may restate (its ``numbers`` section).
TriageNumbers = NationalNumbers


@dataclass(frozen=True)
class TriageRules:
    version: int
    updated: date
    language: str
    source: str
    rules: tuple[TriageRule, ...]
    intents: tuple[IntentRule, ...] = ()
    numbers: TriageNumbers = field(default_factory=TriageNumbers)
    max_gap: int = DEFAULT_MAX_GAP
    ignore_words: frozenset[str] = frozenset()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def rule(self, rule_id: str) -> TriageRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def intent(self, name: str | None) -> IntentRule | None:
        return next((rule for rule in self.intents if rule.intent == name), None)

    def prepare(self, text: str) -> str:
        """The text as patterns see it: normalised, text-message contractions spelled out, without filler words."""
        words = " ".join(CHAT_CONTRACTIONS.get(word, word) for word in normalise(text).split()).split()
        return " ".join(word for word in words if word not in self.ignore_words)

    def matching(self, text: str) -> tuple[TriageRule, ...]:
        """The rules that match ``text``, most severe first (file order within a category)."""
        prepared = self.prepare(text)
        if not prepared:
            return ()
        found = [rule for rule in self.rules if rule.matches(prepared)]
        return tuple(sorted(found, key=lambda rule: -SEVERITY[rule.category]))


def triage(text: str, rules: TriageRules, nlu_intent: str | None = None, confidence: float = 0.0) -> TriageResult:
    """The most severe of what the rules found and what the NLU's intent says (recall first)."""
    matched = rules.matching(text or "")
    category = matched[0].category if matched else "none"
    reasons = [rule.reason for rule in matched]
    intent_rule = rules.intent(nlu_intent)
    if (
        intent_rule is not None
        and confidence >= intent_rule.threshold
        and SEVERITY[intent_rule.category] > SEVERITY[category]
    ):
        category = intent_rule.category
        reasons.insert(0, intent_rule.reason)
    numbers = rules.numbers
    to_give = numbers_for(
        category,
        samu=numbers.samu,
        european=numbers.european,
        deaf_sms=numbers.deaf_sms,
        suicide_prevention=numbers.suicide_prevention,
    )
    life_threatening = category == "suicide" and any(rule.category == "emergency" for rule in matched)
    if life_threatening:
        # A suicide attempt in progress (an overdose, say) is first a medical emergency: the SAMU first.
        to_give = (numbers.samu, numbers.suicide_prevention, numbers.european)
    return TriageResult(
        category=category,
        urgency=URGENCY[category],
        numbers=to_give,
        reasons=tuple(dict.fromkeys(reasons)),
        matched_rules=tuple(rule.id for rule in matched),
        life_threatening=life_threatening,
    )


# --- loading ----------------------------------------------------------------------------


class TriageRulesError(ValueError):
    """An invalid rule file; the message names the file, and for each mistake its line, rule and field."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"Fichier de règles de tri invalide : {source}\n{lines}")


def load_triage_rules(path: str | Path | None = None) -> TriageRules:
    """Read and check a rule file; ``None`` means the packaged ``assistant/triage/rules_fr.yml``."""
    file = Path(path) if path is not None else default_rules_path()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TriageRulesError(str(file), [f"impossible de lire le fichier ({reason})"]) from exc
    return parse_triage_rules(text, source=str(file))


def parse_triage_rules(text: str, source: str = "<texte>") -> TriageRules:
    """Check and compile the rule file's text; every mistake is reported at once."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1} : " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TriageRulesError(
            source,
            [f"{where}YAML illisible ({problem}) ; un motif qui commence par * ou ? s'écrit entre guillemets"],
        ) from exc
    reader = _Reader(source)
    rules = reader.read(root)
    if reader.problems or rules is None:
        raise TriageRulesError(source, reader.problems or ["fichier vide"])
    return rules


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _field_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


class _Reader:
    """Walks the YAML node tree (lines kept, raw scalars, duplicate keys reported)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.max_gap = DEFAULT_MAX_GAP
        self.ignore_words: frozenset[str] = frozenset()

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = f"ligne {_line(node)}, " if node is not None else ""
        self.problems.append(f"{line}{where} : {message}")

    # generic readers

    def mapping(self, node: yaml.Node, where: str, known: Sequence[str]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, "une liste de champs « nom: valeur » est attendue")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if key in fields:
                self.problem(key_node, f"{where}.{key}", "champ écrit deux fois")
                continue
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f" (vouliez-vous dire « {close[0]} » ?)" if close else f" (champs possibles : {', '.join(known)})"
                )
                self.problem(key_node, f"{where}.{key}", f"champ inconnu{hint}")
                continue
            fields[key] = value_node
        return fields

    def text(self, node: yaml.Node, where: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.problem(node, where, "un texte non vide est attendu")
            return None
        return str(node.value).strip()

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, where, "une liste (lignes commençant par « - ») est attendue")
            return None
        return list(node.value)

    def integer(self, node: yaml.Node, where: str, low: int, high: int) -> int | None:
        value = self.text(node, where)
        if value is None:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.problem(node, where, f"un nombre entier de {low} à {high} est attendu, pas « {value} »")
            return None
        return int(value)

    def category(self, node: yaml.Node, where: str) -> str | None:
        value = self.text(node, where)
        if value is None:
            return None
        if value not in CATEGORIES:
            self.problem(node, where, f"catégorie inconnue « {value} » (possibles : {', '.join(CATEGORIES)})")
            return None
        return value

    # the file

    def read(self, root: yaml.Node | None) -> TriageRules | None:
        if root is None:
            self.problems.append("fichier vide")
            return None
        fields = self.mapping(root, "fichier", _TOP_KEYS)
        if fields is None:
            return None
        for key in _REQUIRED_TOP_KEYS:
            if key not in fields:
                self.problem(root, key, "champ obligatoire absent")
        version = self.integer(fields["version"], "version", 1, 10_000) if "version" in fields else None
        updated = self.date(fields["updated"], "updated") if "updated" in fields else None
        language = self.language(fields["language"]) if "language" in fields else None
        if "max_gap" in fields:
            max_gap = self.integer(fields["max_gap"], "max_gap", *MAX_GAP_BOUNDS)
            self.max_gap = DEFAULT_MAX_GAP if max_gap is None else max_gap
        if "ignore_words" in fields:
            self.ignore_words = self.words(fields["ignore_words"], "ignore_words")
        numbers = self.numbers(fields["numbers"]) if "numbers" in fields else TriageNumbers()
        intents = self.intents(fields["intents"]) if "intents" in fields else ()
        if "shared" in fields:
            self.shared(fields["shared"])
        rules = self.rules(fields["rules"]) if "rules" in fields else ()
        if version is None or updated is None or language is None or self.problems:
            return None
        return TriageRules(
            version=version,
            updated=updated,
            language=language,
            source=self.source,
            rules=rules,
            intents=intents,
            numbers=numbers,
            max_gap=self.max_gap,
            ignore_words=self.ignore_words,
        )

    def date(self, node: yaml.Node, where: str) -> date | None:
        value = self.text(node, where)
        if value is None:
            return None
        day = iso_date(value)
        if day is None:
            self.problem(node, where, f"une date AAAA-MM-JJ est attendue, pas « {value} »")
        return day

    def language(self, node: yaml.Node) -> str | None:
        value = self.text(node, "language")
        if value is not None and not LANGUAGE_CODE.fullmatch(value):
            self.problem(node, "language", f"un code de langue (« fr ») est attendu, pas « {value} »")
            return None
        return value

    def words(self, node: yaml.Node, where: str) -> frozenset[str]:
        words: set[str] = set()
        for index, item in enumerate(self.sequence(node, where) or []):
            value = self.text(item, f"{where}[{index}]")
            if value is None:
                continue
            normalised = normalise(value).split()
            if len(normalised) != 1:
                self.problem(item, f"{where}[{index}]", f"un seul mot est attendu, pas « {value} »")
                continue
            words.add(normalised[0])
        return frozenset(words)

    def numbers(self, node: yaml.Node) -> TriageNumbers:
        fields = self.mapping(node, "numbers", _NUMBER_KEYS) or {}
        values: dict[str, str] = {}
        for key, value_node in fields.items():
            value = self.text(value_node, f"numbers.{key}")
            if value is None:
                continue
            if not _PHONE_NUMBER.fullmatch(value):
                self.problem(value_node, f"numbers.{key}", f"un numéro de téléphone est attendu, pas « {value} »")
                continue
            values[key] = value
        return TriageNumbers(**values)

    def intents(self, node: yaml.Node) -> tuple[IntentRule, ...]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "intents", "une liste « intention: {category, threshold, reason} » est attendue")
            return ()
        intents: list[IntentRule] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            where = f"intents.{name}"
            if not _INTENT_NAME.fullmatch(name):
                self.problem(key_node, where, "nom d'intention invalide (minuscules, chiffres, « _ »)")
                continue
            if name in seen:
                self.problem(key_node, where, "intention écrite deux fois")
                continue
            seen.add(name)
            fields = self.mapping(value_node, where, _INTENT_KEYS)
            if fields is None:
                continue
            for key in _INTENT_KEYS:
                if key not in fields:
                    self.problem(value_node, f"{where}.{key}", "champ obligatoire absent")
            category = self.category(fields["category"], f"{where}.category") if "category" in fields else None
            threshold = self.threshold(fields["threshold"], f"{where}.threshold") if "threshold" in fields else None
            reason = self.text(fields["reason"], f"{where}.reason") if "reason" in fields else None
            if category is not None and threshold is not None and reason is not None:
                intents.append(IntentRule(intent=name, category=category, threshold=threshold, reason=reason))
        return tuple(intents)

    def threshold(self, node: yaml.Node, where: str) -> float | None:
        value = self.text(node, where)
        if value is None:
            return None
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = -1.0
        if not 0.0 <= number <= 1.0:
            self.problem(node, where, f"un seuil de 0 à 1 (par exemple 0.3) est attendu, pas « {value} »")
            return None
        return number

    def shared(self, node: yaml.Node) -> None:
        """Named pattern lists that rules reuse through YAML (``&name`` … ``*name``); checked here."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "shared", "une liste « nom: [motifs] » est attendue")
            return
        for key_node, value_node in node.value:
            self.patterns(value_node, f"shared.{key_node.value}")

    def rules(self, node: yaml.Node) -> tuple[TriageRule, ...]:
        items = self.sequence(node, "rules")
        if items is None:
            return ()
        if not items:
            self.problem(node, "rules", "aucune règle")
        rules: list[TriageRule] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            rule = self.rule(item, index, seen)
            if rule is not None:
                rules.append(rule)
        return tuple(rules)

    def rule(self, node: yaml.Node, index: int, seen: dict[str, int]) -> TriageRule | None:
        where = f"rules[{index}]"
        id_node = _field_node(node, "id")
        raw_id = str(id_node.value).strip() if isinstance(id_node, yaml.ScalarNode) else ""
        if raw_id:
            where = f"{where} ({raw_id})"  # every message about this rule names it
        errors_before = len(self.problems)
        fields = self.mapping(node, where, _RULE_KEYS)
        if fields is None:
            return None
        rule_id = None
        if "id" not in fields:
            self.problem(node, f"{where}.id", "champ obligatoire absent")
        else:
            rule_id = self.text(fields["id"], f"{where}.id")
            if rule_id is not None and not _RULE_ID.fullmatch(rule_id):
                self.problem(fields["id"], f"{where}.id", f"« {rule_id} » : minuscules, chiffres et tirets seulement")
                rule_id = None
            elif rule_id is not None and rule_id in seen:
                self.problem(
                    fields["id"], f"{where}.id", f"identifiant déjà utilisé par la règle rules[{seen[rule_id]}]"
                )
                rule_id = None
            elif rule_id is not None:
                seen[rule_id] = index
        for key in ("category", "reason"):
            if key not in fields:
                self.problem(node, f"{where}.{key}", "champ obligatoire absent")
        category = self.category(fields["category"], f"{where}.category") if "category" in fields else None
        reason = self.text(fields["reason"], f"{where}.reason") if "reason" in fields else None
        patterns = self.patterns(fields["patterns"], f"{where}.patterns") if "patterns" in fields else ()
        all_of = self.groups(fields["all_of"], f"{where}.all_of") if "all_of" in fields else ()
        unless = self.patterns(fields["unless"], f"{where}.unless") if "unless" in fields else ()
        intent = self.text(fields["intent"], f"{where}.intent") if "intent" in fields else None
        if intent is not None and not _INTENT_NAME.fullmatch(intent):
            self.problem(fields["intent"], f"{where}.intent", f"« {intent} » : un nom d'intention (minuscules et _)")
        if "patterns" not in fields and "all_of" not in fields:
            self.problem(
                node,
                f"{where}.patterns",
                "champ obligatoire absent : une règle a des « patterns », un « all_of », ou les deux",
            )
        if len(self.problems) > errors_before or rule_id is None or category is None or reason is None:
            return None
        return TriageRule(
            id=rule_id, category=category, reason=reason, patterns=patterns, all_of=all_of, unless=unless, intent=intent
        )

    def patterns(self, node: yaml.Node, where: str) -> tuple[Pattern, ...]:
        items = self.sequence(node, where)
        if items is None:
            return ()
        if not items:
            self.problem(node, where, "liste vide : écrivez au moins un motif")
            return ()
        compiled: list[Pattern] = []
        for index, item in enumerate(items):
            source = self.text(item, f"{where}[{index}]")
            if source is None:
                continue
            try:
                compiled.append(compile_pattern(source, self.max_gap, self.ignore_words))
            except PatternSyntaxError as exc:
                self.problem(item, f"{where}[{index}]", f"motif « {source} » illisible : {exc}")
        return tuple(compiled)

    def groups(self, node: yaml.Node, where: str) -> tuple[tuple[Pattern, ...], ...]:
        items = self.sequence(node, where)
        if items is None:
            return ()
        if len(items) < 2:
            self.problem(node, where, "au moins deux groupes sont attendus (sinon, utilisez « patterns »)")
            return ()
        return tuple(self.patterns(item, f"{where}[{index}]") for index, item in enumerate(items))
