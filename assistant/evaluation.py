"""The open evaluation: how well the assistant understands French patients.

    python -m assistant.evaluation [--folds 5] [--skip-cv] [--no-train] [--out results/evaluation]
    python -m assistant.evaluation --only dev     # quick: the development sets alone, with their errors
    python -m assistant.evaluation --only heldout # the blind sets' scores alone (never their errors)

1. NLU cross-validation on the training data (``rasa test nlu --cross-validation``), published for
   information: since issue 18 the training data holds roles with invented names, not a practice's
   people and motifs, so it no longer measures what a patient of a practice gets;
2. the test sets, each read by the whole pipeline of the trained model with its practice file loaded
   (see :func:`read_sets`): the development sets ``tests/nlu/dev_fr.yml``, ``dev_douai.yml`` and
   ``dev_dunkerque.yml``, one per practice (their errors are read while the training data is improved,
   so they are reported for information, not against the targets) and the held-out sets, written blind — without access to the training data or to earlier errors,
   never trained on, phone transcripts included: ``heldout_fr.yml`` for the demo practice,
   ``heldout_douai.yml`` and ``heldout_dunkerque.yml`` for the two others (a set not written yet is
   skipped, and the table says so);
3. the test stories (``rasa test core``).

Why not ``rasa test nlu`` on the test sets: it scores entities per extractor and token by token,
by type only. A practitioner or motif comes from :class:`assistant.nlu.practice_component.PracticeEntities`
(not counted at all there), and its value is the practice's id: "le docteur Durand" read as
``moreau`` is a wrong booking, which a type-level score calls right. Here each sentence goes through
everything the server runs (overrides and fallback included) and an entity counts when its type and
its value (folded with :func:`assistant.core.text.normalise`) are those annotated.

It prints intent and entity F1 per class and overall, as a Markdown table the README publishes
(``results/evaluation/summary.md``), and exits non-zero when a target is missed. The targets are on
the blind held-out sets, each and all together: intent macro-F1 ≥ 0.95, entity micro-F1 ≥ 0.93,
practitioner F1 and motif F1 ≥ 0.97 each; and every test story passing. The clock is frozen
(``ASSISTANT_NOW``) so that the date and time extractor reads every run the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.text import normalise
from assistant.launcher import MODEL, ROOT, rasa_executable, train_command

TESTS = ROOT / "tests" / "nlu"
PRACTICES = ROOT / "practices"
HELDOUT = TESTS / "heldout_fr.yml"
DEV = TESTS / "dev_fr.yml"
DEMO = PRACTICES / "demo-lille.yml"
TARGETS = {"intent_macro_f1": 0.95, "entity_f1": 0.93, "practitioner_f1": 0.97, "motif_f1": 0.97}
#: The entities a practice file gives (their value is one of its ids), held to the higher target.
PRACTICE_ENTITIES = ("practitioner", "motif")
IGNORED_LABELS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
#: The column of the blind sets' sentences scored as one set (the targets hold for it too).
ALL_BLIND = "held-out, all"


@dataclass(frozen=True)
class GoldSet:
    """A test file and the practice its values are ids of; ``blind``: written without seeing errors (a target)."""

    label: str
    path: Path
    practice: Path
    blind: bool


TEST_SETS = (
    GoldSet("dev", DEV, DEMO, blind=False),
    GoldSet("held-out demo", HELDOUT, DEMO, blind=True),
    GoldSet("held-out douai", TESTS / "heldout_douai.yml", PRACTICES / "douai-kine.yml", blind=True),
    GoldSet("held-out dunkerque", TESTS / "heldout_dunkerque.yml", PRACTICES / "dunkerque-radiologie.yml", blind=True),
    # development sets of the two other practices (2026-12-07): their errors are read, like dev_fr.yml's
    GoldSet("dev douai", TESTS / "dev_douai.yml", PRACTICES / "douai-kine.yml", blind=False),
    GoldSet("dev dunkerque", TESTS / "dev_dunkerque.yml", PRACTICES / "dunkerque-radiologie.yml", blind=False),
)
ONLY = {
    "dev": tuple(s.label for s in TEST_SETS if not s.blind),
    "heldout": tuple(s.label for s in TEST_SETS if s.blind),
}


# --- Scoring: pure, from what was annotated and what was understood (no Rasa here) ---------------------


@dataclass(frozen=True)
class Reading:
    """One test sentence: what its writer annotated and what the pipeline understood.

    Entities are (type, value) pairs, the values as given: the annotation's value (synonym or text),
    the entity's value in the pipeline's output.
    """

    text: str
    intent: str
    predicted_intent: str
    entities: tuple[tuple[str, str], ...] = ()
    predicted_entities: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Counts:
    """True positives, false positives, false negatives of one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """2·tp / (2·tp + fp + fn); 1.0 when there was nothing to find and nothing was found."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass(frozen=True)
class SetScores:
    """A test set's scores: per intent of the gold set, and per entity type the gold set annotates."""

    sentences: int
    correct_intents: int
    intents: dict[str, Counts]
    entities: dict[str, Counts]

    @property
    def intent_macro_f1(self) -> float:
        return sum(c.f1 for c in self.intents.values()) / len(self.intents) if self.intents else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct_intents / self.sentences if self.sentences else 0.0

    @property
    def entity_micro(self) -> Counts:
        return sum(self.entities.values(), Counts())

    @property
    def practice_micro(self) -> Counts | None:
        """Practitioners and motifs together; None when the set annotates neither."""
        kinds = [self.entities[kind] for kind in PRACTICE_ENTITIES if kind in self.entities]
        return sum(kinds, Counts()) if kinds else None

    def entity_f1(self, kind: str) -> float | None:
        return self.entities[kind].f1 if kind in self.entities else None


def folded(pairs: Iterable[tuple[str, str]], kinds: set[str]) -> Counter[tuple[str, str]]:
    """The multiset of (type, folded value) of the scored types: "Dr Durand" and "dr durand" are one value."""
    return Counter((kind, normalise(str(value))) for kind, value in pairs if kind in kinds)


def annotated_types(readings: Iterable[Reading]) -> set[str]:
    """The entity types a gold set annotates: the others (dates from Duckling, names from spaCy) are not scored."""
    return {kind for reading in readings for kind, _ in reading.entities}


def score(readings: Sequence[Reading]) -> SetScores:
    """Intent counts per gold intent (a prediction outside them, like ``nlu_fallback``, is only a miss);
    entity counts per annotated type, over the multiset of (type, folded value) of each sentence."""
    gold_intents = sorted({r.intent for r in readings})
    intents = {
        intent: Counts(
            tp=sum(r.intent == intent and r.predicted_intent == intent for r in readings),
            fp=sum(r.intent != intent and r.predicted_intent == intent for r in readings),
            fn=sum(r.intent == intent and r.predicted_intent != intent for r in readings),
        )
        for intent in gold_intents
    }
    kinds = annotated_types(readings)
    entities = {kind: Counts() for kind in sorted(kinds)}
    for reading in readings:
        gold, predicted = folded(reading.entities, kinds), folded(reading.predicted_entities, kinds)
        found = gold & predicted
        for kind in kinds:
            tp = sum(n for (k, _), n in found.items() if k == kind)
            entities[kind] += Counts(
                tp=tp,
                fp=sum(n for (k, _), n in predicted.items() if k == kind) - tp,
                fn=sum(n for (k, _), n in gold.items() if k == kind) - tp,
            )
    correct = sum(r.intent == r.predicted_intent for r in readings)
    return SetScores(len(readings), correct, intents, entities)


def mistakes(readings: Sequence[Reading]) -> list[str]:
    """One line per sentence read wrongly: the intent, entities missed and entities found wrongly.

    For the development set only: a held-out set's mistakes are never printed (reading them would turn
    it into a development set).
    """
    kinds = annotated_types(readings)
    lines = []
    for reading in readings:
        gold, predicted = folded(reading.entities, kinds), folded(reading.predicted_entities, kinds)
        parts = []
        if reading.intent != reading.predicted_intent:
            parts.append(f"intent {reading.intent} → {reading.predicted_intent}")
        parts += [f"missed {kind}={value}" for kind, value in sorted((gold - predicted).elements())]
        parts += [f"extra {kind}={value}" for kind, value in sorted((predicted - gold).elements())]
        if parts:
            lines.append(f"- {reading.text!r}: " + "; ".join(parts))
    return lines


def mistake_counts(readings: Sequence[Reading]) -> Counter[str]:
    """How many mistakes of each kind: ``intent <gold>``, ``missed <type>``, ``extra <type>``."""
    kinds = annotated_types(readings)
    counts: Counter[str] = Counter()
    for reading in readings:
        if reading.intent != reading.predicted_intent:
            counts[f"intent {reading.intent}"] += 1
        gold, predicted = folded(reading.entities, kinds), folded(reading.predicted_entities, kinds)
        for (kind, _), n in (gold - predicted).items():
            counts[f"missed {kind}"] += n
        for (kind, _), n in (predicted - gold).items():
            counts[f"extra {kind}"] += n
    return counts


# --- Reading the test sets with the trained model -------------------------------------------------------


def read_sets(model: Path, practice_file: Path, paths: Sequence[Path]) -> dict[str, Any]:
    """In this process: load the model once, check the practice it reads, and parse every test sentence.

    Runs in a process of its own (:func:`read_with_practice`): the practice the NLU reads is the process's
    (``PracticeEntities``' watch and the settings). The agenda database is empty, so the watch falls back
    on the practice file; the practice it read is checked by id before and after the sentences, so that a
    score is never that of another practice's vocabulary.
    """
    import asyncio
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    from assistant.adapters import lean_model_loading
    from assistant.core.practice_config import load_practice_file
    from assistant.nlu.practice_component import WATCH

    # Rasa logs every parse (text and entities) at debug level: a held-out sentence is never printed.
    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    # The empty agenda is expected here: its warning each second would drown the output.
    logging.getLogger("assistant.adapters.practice_watch").setLevel(logging.ERROR)
    expected = load_practice_file(practice_file).id
    lean_model_loading.install()  # loaded as the server loads it: what is scored is what is served
    agent = Agent.load(str(model))

    def practice_read() -> str | None:
        WATCH.current()
        return WATCH.practice.id if WATCH.practice is not None else None

    if practice_read() != expected:
        raise SystemExit(f"PracticeEntities read {practice_read()!r}, not {expected!r} ({practice_file})")
    loop = asyncio.new_event_loop()
    sets: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        rows = []
        for message in load_data(str(path), language="fr").training_examples:
            if not message.get(INTENT):
                continue
            parsed = loop.run_until_complete(agent.parse_message(message.get(TEXT)))
            rows.append(
                {
                    "text": message.get(TEXT),
                    "intent": message.get(INTENT),
                    "predicted_intent": (parsed.get("intent") or {}).get("name") or "",
                    "entities": [[e["entity"], str(e.get("value", ""))] for e in message.get(ENTITIES) or []],
                    "predicted_entities": [
                        [e["entity"], str(e.get("value", ""))] for e in parsed.get("entities") or []
                    ],
                }
            )
        sets[str(path)] = rows
    read = practice_read()
    if read != expected:
        raise SystemExit(f"PracticeEntities switched to {read!r} while reading ({practice_file})")
    return {"practice": read, "sets": sets}


def practice_environment(env: dict[str, str], practice_file: Path, folder: Path) -> dict[str, str]:
    """``env`` for a process that must read ``practice_file``: its agenda a fresh empty SQLite file in
    ``folder`` (whatever practice the machine's agenda holds, it is not read: the file stands in)."""
    database = folder / "agenda.db"
    database.touch()
    return {
        **env,
        "ASSISTANT_PRACTICE_FILE": str(practice_file),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{database}",
        "ASSISTANT_SPOOL_DIR": str(folder / "spool"),
        "TF_CPP_MIN_LOG_LEVEL": env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }


def read_with_practice(model: Path, practice_file: Path, paths: Sequence[Path], env: dict[str, str]) -> dict[str, Any]:
    """:func:`read_sets` in a subprocess whose agenda is a fresh empty SQLite file and whose practice file is
    ``practice_file``; returns its readings (kept in memory: a held-out set's mistakes are not written out)."""
    from assistant.core.practice_config import load_practice_file

    expected = load_practice_file(practice_file).id
    with tempfile.TemporaryDirectory(prefix="evaluation-") as folder:
        result = Path(folder) / "readings.json"
        child_env = {**practice_environment(env, practice_file, Path(folder)), "LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "assistant.evaluation", "--read", str(model), str(practice_file), str(result)]
        print(f"$ {' '.join(command[:4])} … {practice_file.name}: {', '.join(p.name for p in paths)}", flush=True)
        # Its output is not shown (only its errors): nothing there may print a held-out sentence.
        reading = subprocess.run([*command, *map(str, paths)], cwd=ROOT, env=child_env, stdout=subprocess.DEVNULL)
        if reading.returncode != 0:
            raise RuntimeError(f"reading the test sets with {practice_file.name} failed")
        data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    if data["practice"] != expected:
        raise RuntimeError(f"the pipeline read practice {data['practice']!r}, not {expected!r}")
    print(f"PracticeEntities read practice {data['practice']!r} from {practice_file.name}", flush=True)
    return data


def readings_of(rows: Iterable[dict[str, Any]]) -> list[Reading]:
    return [
        Reading(
            text=row["text"],
            intent=row["intent"],
            predicted_intent=row["predicted_intent"],
            entities=tuple((kind, value) for kind, value in row["entities"]),
            predicted_entities=tuple((kind, value) for kind, value in row["predicted_entities"]),
        )
        for row in rows
    ]


def score_test_sets(test_sets: Sequence[GoldSet], model: Path, env: dict[str, str]) -> dict[str, list[Reading]]:
    """The readings of each test set that exists, one subprocess (one model load) per practice."""
    by_practice: dict[Path, list[GoldSet]] = {}
    for test_set in test_sets:
        if test_set.path.exists():
            by_practice.setdefault(test_set.practice, []).append(test_set)
    readings: dict[str, list[Reading]] = {}
    for practice, sets in by_practice.items():
        data = read_with_practice(model, practice, [s.path for s in sets], env)
        for test_set in sets:
            readings[test_set.label] = readings_of(data["sets"][str(test_set.path)])
    return readings


# --- The published table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """Per-class F1 from one of Rasa's reports (cross-validation)."""

    per_class: dict[str, float]
    support: dict[str, int]
    macro_f1: float
    micro_f1: float


def read_report(path: Path) -> Scores | None:
    """Per-class F1 from one of Rasa's ``*_report.json`` files."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    per_class = {
        label: float(values["f1-score"])
        for label, values in data.items()
        if label not in IGNORED_LABELS and isinstance(values, dict) and "f1-score" in values
    }
    support = {label: int(data[label].get("support", 0)) for label in per_class}
    macro = data.get("macro avg", {}).get("f1-score")
    micro = data.get("micro avg", data.get("weighted avg", {})).get("f1-score")
    if macro is None and per_class:
        macro = sum(per_class.values()) / len(per_class)
    return Scores(per_class, support, float(macro or 0.0), float(micro or 0.0))


def run(command: list[str], env: dict[str, str]) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def entity_report(folder: Path) -> Scores | None:
    return read_report(folder / "DIETClassifier_report.json")


Pair = tuple[Scores | None, Scores | None]


def _f(value: float | None, bold: bool = False) -> str:
    if value is None:
        return "–"
    return f"**{value:.3f}**" if bold else f"{value:.3f}"


def _mark(value: float | None, target: float, blind: bool) -> str:
    """A blind set's score with ✘ when it misses its target."""
    return _f(value) + (" ✘" if blind and value is not None and value < target else "")


def headline(scored: dict[str, SetScores], blind: set[str]) -> list[str]:
    """Overall scores per set, with the targets (which apply to the blind sets only)."""
    names = list(scored)
    lines = ["| measure | " + " | ".join(names) + " | target (blind sets) |", "|---|" + "---:|" * (len(names) + 1)]
    rows: list[tuple[str, Any, float | None]] = [
        ("intent macro-F1", lambda s: s.intent_macro_f1, TARGETS["intent_macro_f1"]),
        ("intent accuracy", lambda s: s.accuracy, None),
        ("entity micro-F1 (values)", lambda s: s.entity_micro.f1, TARGETS["entity_f1"]),
        ("practitioner + motif micro-F1", lambda s: s.practice_micro.f1 if s.practice_micro else None, None),
        ("practitioner F1", lambda s: s.entity_f1("practitioner"), TARGETS["practitioner_f1"]),
        ("motif F1", lambda s: s.entity_f1("motif"), TARGETS["motif_f1"]),
    ]
    for label, value_of, target in rows:
        cells = [
            _mark(value_of(s), target, name in blind) if target is not None else _f(value_of(s))
            for name, s in scored.items()
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {'≥ ' + format(target) if target else ''} |")
    return lines


def markdown(
    cv: Pair,
    scored: dict[str, SetScores],
    stories: str,
    sets: Sequence[GoldSet] = TEST_SETS,
    blind: set[str] | None = None,
) -> str:
    """The published table: the test sets, the overall scores and targets, then one row per class.

    ``scored`` maps a column name (a test set's label, or :data:`ALL_BLIND`) to its scores; a test set
    of ``sets`` missing from it was not written yet, and the first table says so.
    """
    blind = {s.label for s in sets if s.blind} | {ALL_BLIND} if blind is None else blind
    lines = ["| test set | file | practice | sentences | use |", "|---|---|---|---:|---|"]
    for test_set in sets:
        where = f"`{test_set.path.relative_to(ROOT) if test_set.path.is_relative_to(ROOT) else test_set.path}`"
        use = "blind: targets" if test_set.blind else "development (errors read): for information"
        if test_set.label in scored:
            count = str(scored[test_set.label].sentences)
        else:
            count, use = "–", "not written yet: skipped"
        lines.append(f"| {test_set.label} | {where} | {test_set.practice.stem} | {count} | {use} |")
    lines += ["", *headline(scored, blind)]

    columns = list(scored.items())
    support_of = scored.get(ALL_BLIND) or next((s for name, s in scored.items() if name in blind), None)
    header = "| {} | CV F1 | " + " | ".join(name for name, _ in columns) + " | n (blind) |"
    rule = "|---|" + "---:|" * (len(columns) + 2)
    intent_labels = sorted(
        set(cv[0].per_class if cv[0] else {}).union(*(s.intents for s in scored.values())) - IGNORED_LABELS
    )
    lines += ["", header.format("intent"), rule]
    for label in intent_labels:
        cells = [_f(cv[0].per_class.get(label) if cv[0] else None)]
        cells += [_f(s.intents[label].f1 if label in s.intents else None) for _, s in columns]
        n = support_of.intents[label].support if support_of and label in support_of.intents else 0
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {n} |")
    totals = [_f(cv[0].macro_f1 if cv[0] else None, bold=True)]
    totals += [_f(s.intent_macro_f1, bold=True) for _, s in columns]
    lines.append("| **macro F1** | " + " | ".join(totals) + " | |")

    entity_labels = sorted(
        (set(cv[1].per_class if cv[1] else {}) - {"no_entity"}).union(*(s.entities for s in scored.values()))
    )
    lines += ["", header.format("entity (value)"), rule]
    for label in entity_labels:
        cells = [_f(cv[1].per_class.get(label) if cv[1] else None)]
        cells += [_f(s.entity_f1(label)) for _, s in columns]
        n = support_of.entities[label].support if support_of and label in support_of.entities else 0
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {n} |")
    totals = [_f(cv[1].micro_f1 if cv[1] else None, bold=True)]
    totals += [_f(s.entity_micro.f1, bold=True) for _, s in columns]
    lines.append("| **micro F1** | " + " | ".join(totals) + " | |")
    lines += [
        "",
        "CV: `rasa test nlu --cross-validation` on the training data, published, not a target; its entity"
        " scores are DIET's, token by token and by type (the practice's values come at run time)."
        + ("" if cv[0] else " Not run (`--skip-cv`)."),
        "",
        f"Test stories: {stories}",
    ]
    return "\n".join(lines)


def stories_summary(folder: Path) -> tuple[str, bool]:
    failed_file = folder / "failed_test_stories.yml"
    report = read_report(folder / "story_report.json")
    failed = 0
    if failed_file.exists():
        failed = failed_file.read_text(encoding="utf-8").count("- story:")
    total = len(list((ROOT / "tests" / "stories").glob("*.yml")))
    if report is None and not failed_file.exists():
        return "not run", False
    text = "all passed" if failed == 0 else f"{failed} failed"
    return f"{text} (files: {total})", failed == 0


def missed_targets(scored: dict[str, SetScores], blind: set[str]) -> list[str]:
    """Each target a blind set (or all of them together) misses, as one sentence."""
    problems = []
    for name, scores in scored.items():
        if name not in blind:
            continue
        checks = [
            ("intent macro-F1", scores.intent_macro_f1, TARGETS["intent_macro_f1"]),
            ("entity micro-F1", scores.entity_micro.f1, TARGETS["entity_f1"]),
            ("practitioner F1", scores.entity_f1("practitioner"), TARGETS["practitioner_f1"]),
            ("motif F1", scores.entity_f1("motif"), TARGETS["motif_f1"]),
        ]
        problems += [
            f"{name}: {label} {value:.3f} < {target}"
            for label, value, target in checks
            if value is not None and value < target
        ]
    return problems


def print_dev_mistakes(readings: Sequence[Reading], label: str = "dev") -> None:
    """A development set's mistakes, one line each, and how many of each kind."""
    lines = mistakes(readings)
    print(f"\nDevelopment set {label!r}: {len(lines)} sentences with a mistake")
    print("\n".join(lines))
    counts = mistake_counts(readings)
    print("\n" + ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--read"]:  # the subprocess of read_with_practice
        model, practice, result, *paths = argv[1:]
        data = read_sets(Path(model), Path(practice), [Path(p) for p in paths])
        Path(result).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true", help="skip cross-validation (slow: one training per fold)")
    parser.add_argument("--no-train", action="store_true", help="use the model as it is (no `rasa train`)")
    parser.add_argument(
        "--only",
        choices=sorted(ONLY),
        help="score these test sets only (no CV, no stories, no summary.md); dev prints its mistakes",
    )
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "evaluation")
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "ASSISTANT_NOW": os.environ.get("ASSISTANT_NOW", "2026-11-23T10:00"),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    if not args.no_train and run(train_command(), env) != 0:
        print("Erreur : l'entraînement a échoué.", file=sys.stderr)
        return 1
    training = f"{(time.monotonic() - started) / 60:.1f} min (seconds only when the model was already up to date)"
    if not args.model.exists():
        print(f"Erreur : pas de modèle {args.model}.", file=sys.stderr)
        return 1
    sets = [s for s in TEST_SETS if not args.only or s.label in ONLY[args.only]]
    readings = score_test_sets(sets, args.model, env)
    scored = {label: score(rows) for label, rows in readings.items()}
    blind_labels = [s.label for s in sets if s.blind and s.label in readings]
    if len(blind_labels) > 1:
        scored[ALL_BLIND] = score([r for label in blind_labels for r in readings[label]])
    blind = set(blind_labels) | {ALL_BLIND}
    problems = missed_targets(scored, blind)
    if any(s.blind for s in sets) and not blind_labels:
        problems.append("no blind held-out set to score")

    if args.only:
        print("\n" + "\n".join(headline(scored, blind)))
        for test_set in sets:
            if not test_set.blind and test_set.label in readings:  # never a blind set's mistakes
                print_dev_mistakes(readings[test_set.label], test_set.label)
    else:
        cv: Pair = (None, None)
        if not args.skip_cv:
            run(
                [
                    rasa_executable(),
                    "test",
                    "nlu",
                    "--nlu",
                    "data/nlu",
                    "--config",
                    "config.yml",
                    "--cross-validation",
                    "--folds",
                    str(args.folds),
                    "--out",
                    str(out / "cv"),
                ],
                env,
            )
            cv = (read_report(out / "cv" / "intent_report.json"), entity_report(out / "cv"))
        with tempfile.TemporaryDirectory(prefix="evaluation-") as folder:  # the stories are the demo's
            run(
                [
                    rasa_executable(),
                    "test",
                    "core",
                    "--stories",
                    "tests/stories",
                    "--model",
                    str(args.model),
                    "--out",
                    str(out / "stories"),
                ],
                practice_environment(env, DEMO, Path(folder)),
            )
        stories, stories_ok = stories_summary(out / "stories")
        if not stories_ok:
            problems.append(f"test stories: {stories}")
        table = markdown(cv, scored, stories, sets, blind)
        if not args.no_train:
            table += f"\n\nTraining (`rasa train`, this run): {training}"
        (out / "summary.md").write_text(table + "\n", encoding="utf-8")
        print("\n" + table)
    for problem in problems:
        print(f"Objectif manqué : {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
