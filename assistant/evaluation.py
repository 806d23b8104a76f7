"""The open evaluation: how well the assistant understands French patients.

    python -m assistant.evaluation [--folds 5] [--skip-cv] [--out results/evaluation]

1. NLU cross-validation on the training data (``rasa test nlu --cross-validation``);
2. the held-out French test set ``tests/nlu/heldout_fr.yml`` — written apart from
   the training data, never trained on, phone transcripts included — scored
   with the trained model;
3. the test stories (``rasa test core``).

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.launcher import MODEL, ROOT, rasa_executable, train_command

HELDOUT = ROOT / "tests" / "nlu" / "heldout_fr.yml"
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


def markdown(
    cv: tuple[Scores | None, Scores | None], heldout: tuple[Scores | None, Scores | None], stories: str
) -> str:
    cv_intents, cv_entities = cv
    ho_intents, ho_entities = heldout
    lines = ["| intent | CV F1 | held-out F1 | held-out n |", "|---|---:|---:|---:|"]
    labels = sorted(set((cv_intents.per_class if cv_intents else {}) | (ho_intents.per_class if ho_intents else {})))
    for label in labels:
        cv_f1 = f"{cv_intents.per_class[label]:.3f}" if cv_intents and label in cv_intents.per_class else "–"
        ho_f1 = f"{ho_intents.per_class[label]:.3f}" if ho_intents and label in ho_intents.per_class else "–"
        n = ho_intents.support.get(label, 0) if ho_intents else 0
        lines.append(f"| {label} | {cv_f1} | {ho_f1} | {n} |")
    lines.append(
        f"| **macro F1** | **{cv_intents.macro_f1:.3f}** | **{ho_intents.macro_f1:.3f}** | |"
        if cv_intents and ho_intents
        else f"| **macro F1** | {cv_intents.macro_f1 if cv_intents else '–'} | {ho_intents.macro_f1 if ho_intents else '–'} | |"
    )
    lines += ["", "| entity | CV F1 | held-out F1 | held-out n |", "|---|---:|---:|---:|"]
    entity_labels = sorted(
        set((cv_entities.per_class if cv_entities else {}) | (ho_entities.per_class if ho_entities else {}))
        - {"no_entity"}
    )
    for label in entity_labels:
        cv_f1 = f"{cv_entities.per_class[label]:.3f}" if cv_entities and label in cv_entities.per_class else "–"
        ho_f1 = f"{ho_entities.per_class[label]:.3f}" if ho_entities and label in ho_entities.per_class else "–"
        n = ho_entities.support.get(label, 0) if ho_entities else 0
        lines.append(f"| {label} | {cv_f1} | {ho_f1} | {n} |")
    if cv_entities or ho_entities:
        lines.append(
            f"| **micro F1** | **{cv_entities.micro_f1 if cv_entities else 0:.3f}** | **{ho_entities.micro_f1 if ho_entities else 0:.3f}** | |"
        )
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

    if run(train_command(), env) != 0:
        print("Erreur : l'entraînement a échoué.", file=sys.stderr)
        return 1
    cv: tuple[Scores | None, Scores | None] = (None, None)
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
    run(
        [rasa_executable(), "test", "nlu", "--nlu", str(HELDOUT), "--model", str(MODEL), "--out", str(out / "heldout")],
        env,
    )
    heldout = (read_report(out / "heldout" / "intent_report.json"), entity_report(out / "heldout"))
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

    table = markdown(cv, heldout, stories)
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
