"""A linear baseline for the intent cross-validation: how hard is the data itself?

    python -m assistant.nlu_baseline [--folds 5]

Trains a linear SVM on TF-IDF words (1-2 grams) and character n-grams (2-5,
within words) in stratified k-fold cross-validation over ``data/nlu`` and
prints its intent macro-F1 and the weakest classes. Seconds instead of the
hour DIET's cross-validation takes, so it answers quickly whether a change to
the training data makes left-out sentences easier to recognise, whatever the
model. It is a yardstick for the evaluation (README, Evaluation), never used by
the assistant.
"""

from __future__ import annotations

import argparse
import sys

from assistant.launcher import ROOT


def cross_validate(folds: int = 5, seed: int = 0) -> tuple[float, dict[str, float]]:
    """Intent macro-F1 and per-class F1 of the linear baseline in ``folds``-fold cross-validation."""
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    texts = [str(example.get("text")).lower() for example in examples]
    intents = [str(example.get("intent")) for example in examples]
    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=40000),
        ),
        LinearSVC(C=0.5, class_weight="balanced"),
    )
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, texts, intents, cv=splits)
    report = classification_report(intents, predicted, output_dict=True, zero_division=0)
    per_class = {
        label: float(scores["f1-score"])
        for label, scores in report.items()
        if isinstance(scores, dict) and label not in {"macro avg", "weighted avg"}
    }
    return float(report["macro avg"]["f1-score"]), per_class


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    macro, per_class = cross_validate(args.folds)
    print(f"linear baseline, {args.folds}-fold cross-validation: intent macro-F1 {macro:.3f}")
    for label, score in sorted(per_class.items(), key=lambda item: item[1])[:8]:
        print(f"  {label:<24} {score:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
