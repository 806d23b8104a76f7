"""The open evaluation: how well the assistant understands French patients.

    python -m assistant.evaluation [--folds 5] [--skip-cv] [--out results/evaluation]

1. NLU cross-validation on the training data (``rasa test nlu --cross-validation``);
2. the development set ``tests/nlu/dev_fr.yml`` (the first held-out set; its
   errors were read while the training data was improved, so it is reported
   for information, not against the targets);
3. the held-out French test set ``tests/nlu/heldout_fr.yml`` — written blind,
   without access to the training data or to earlier errors, never trained on,
   phone transcripts included — scored with the trained model;
4. the test stories (``rasa test core``).

It prints intent and entity F1 per class and overall, as a Markdown table the
README publishes, and exits non-zero when a target is missed: intent macro-F1
≥ 0.95 in cross-validation and ≥ 0.92 on the held-out set, entity F1 ≥ 0.90,
every test story passing. The clock is frozen (``ASSISTANT_NOW``) so that the
date and time extractor reads every run the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.launcher import MODEL, ROOT, rasa_executable, train_command

HELDOUT = ROOT / "tests" / "nlu" / "heldout_fr.yml"
DEV = ROOT / "tests" / "nlu" / "dev_fr.yml"
TARGETS = {"cv_intent_macro_f1": 0.95, "heldout_intent_macro_f1": 0.92, "entity_f1": 0.90}
IGNORED_LABELS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass(frozen=True)
class Scores:
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


def _cell(scores: Scores | None, label: str) -> str:
    return f"{scores.per_class[label]:.3f}" if scores and label in scores.per_class else "–"


def _total(scores: Scores | None, micro: bool = False) -> str:
    if scores is None:
        return "–"
    return f"**{scores.micro_f1 if micro else scores.macro_f1:.3f}**"


def markdown(cv: Pair, heldout: Pair, stories: str, dev: Pair = (None, None)) -> str:
    """The published table: one row per class, columns CV, dev, held-out (and held-out support)."""
    columns = (("CV F1", cv), ("dev F1", dev), ("held-out F1", heldout))
    header = "| {} | " + " | ".join(name for name, _ in columns) + " | held-out n |"
    rule = "|---|" + "---:|" * (len(columns) + 1)
    lines = [header.format("intent"), rule]
    intent_labels = sorted(set().union(*(pair[0].per_class for _, pair in columns if pair[0])))
    for label in intent_labels:
        n = heldout[0].support.get(label, 0) if heldout[0] else 0
        lines.append(f"| {label} | " + " | ".join(_cell(pair[0], label) for _, pair in columns) + f" | {n} |")
    lines.append("| **macro F1** | " + " | ".join(_total(pair[0]) for _, pair in columns) + " | |")
    lines += ["", header.format("entity"), rule]
    entity_labels = sorted(set().union(*(pair[1].per_class for _, pair in columns if pair[1])) - {"no_entity"})
    for label in entity_labels:
        n = heldout[1].support.get(label, 0) if heldout[1] else 0
        lines.append(f"| {label} | " + " | ".join(_cell(pair[1], label) for _, pair in columns) + f" | {n} |")
    lines.append("| **micro F1** | " + " | ".join(_total(pair[1], micro=True) for _, pair in columns) + " | |")
    lines += ["", f"Test stories: {stories}"]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true", help="skip cross-validation (slow: one training per fold)")
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
    if run(train_command(), env) != 0:
        print("Erreur : l'entraînement a échoué.", file=sys.stderr)
        return 1
    training = f"{(time.monotonic() - started) / 60:.1f} min (seconds only when the model was already up to date)"
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
    scored: dict[str, Pair] = {}
    for name, path in (("dev", DEV), ("heldout", HELDOUT)):
        run(
            [rasa_executable(), "test", "nlu", "--nlu", str(path), "--model", str(MODEL), "--out", str(out / name)],
            env,
        )
        scored[name] = (read_report(out / name / "intent_report.json"), entity_report(out / name))
    heldout, dev = scored["heldout"], scored["dev"]
    run(
        [
            rasa_executable(),
            "test",
            "core",
            "--stories",
            "tests/stories",
            "--model",
            str(MODEL),
            "--out",
            str(out / "stories"),
        ],
        env,
    )
    stories, stories_ok = stories_summary(out / "stories")

    table = markdown(cv, heldout, stories, dev) + f"\n\nTraining (`rasa train`, this run): {training}"
    (out / "summary.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    problems = []
    if cv[0] is not None and cv[0].macro_f1 < TARGETS["cv_intent_macro_f1"]:
        problems.append(f"CV intent macro-F1 {cv[0].macro_f1:.3f} < {TARGETS['cv_intent_macro_f1']}")
    if heldout[0] is None or heldout[0].macro_f1 < TARGETS["heldout_intent_macro_f1"]:
        problems.append(
            f"held-out intent macro-F1 {heldout[0].macro_f1 if heldout[0] else 0:.3f} < {TARGETS['heldout_intent_macro_f1']}"
        )
    for name, scores in (("CV", cv[1]), ("held-out", heldout[1])):
        if scores is not None and scores.micro_f1 < TARGETS["entity_f1"]:
            problems.append(f"{name} entity F1 {scores.micro_f1:.3f} < {TARGETS['entity_f1']}")
    if not stories_ok:
        problems.append(f"test stories: {stories}")
    for problem in problems:
        print(f"Objectif manqué : {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
