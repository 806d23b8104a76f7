"""The evaluation reads Rasa's reports correctly and says when a target is missed."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation import markdown, read_report, stories_summary


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_read_report_takes_per_class_and_macro_f1(tmp_path):
    write(
        tmp_path / "intent_report.json",
        {
            "book_appointment": {"precision": 1.0, "recall": 0.9, "f1-score": 0.947, "support": 30},
            "emergency": {"precision": 0.9, "recall": 1.0, "f1-score": 0.947, "support": 60},
            "accuracy": 0.95,
            "macro avg": {"f1-score": 0.947},
            "weighted avg": {"f1-score": 0.95},
        },
    )
    scores = read_report(tmp_path / "intent_report.json")
    assert scores is not None
    assert scores.per_class == {"book_appointment": 0.947, "emergency": 0.947}
    assert scores.support["emergency"] == 60 and scores.macro_f1 == 0.947
    assert read_report(tmp_path / "missing.json") is None


def test_markdown_table_lists_every_class(tmp_path):
    write(tmp_path / "a.json", {"greet": {"f1-score": 1.0, "support": 5}, "macro avg": {"f1-score": 1.0}})
    write(
        tmp_path / "b.json",
        {
            "greet": {"f1-score": 0.8, "support": 7},
            "deny": {"f1-score": 0.5, "support": 2},
            "macro avg": {"f1-score": 0.65},
        },
    )
    table = markdown(
        (read_report(tmp_path / "a.json"), None), (read_report(tmp_path / "b.json"), None), "all passed (files: 3)"
    )
    assert "| greet | 1.000 | – | 0.800 | 7 |" in table
    assert "| deny | – | – | 0.500 | 2 |" in table
    assert "| **macro F1** | **1.000** | – | **0.650** | |" in table


def test_markdown_reports_the_dev_set_beside_cv_and_held_out(tmp_path):
    write(tmp_path / "cv.json", {"greet": {"f1-score": 0.9, "support": 50}, "macro avg": {"f1-score": 0.9}})
    write(tmp_path / "dev.json", {"greet": {"f1-score": 0.7, "support": 5}, "macro avg": {"f1-score": 0.7}})
    write(tmp_path / "ho.json", {"greet": {"f1-score": 0.6, "support": 6}, "macro avg": {"f1-score": 0.6}})
    write(
        tmp_path / "ent.json",
        {"option": {"f1-score": 0.75, "support": 4}, "no_entity": {"f1-score": 1.0}, "micro avg": {"f1-score": 0.8}},
    )
    table = markdown(
        (read_report(tmp_path / "cv.json"), None),
        (read_report(tmp_path / "ho.json"), read_report(tmp_path / "ent.json")),
        "all passed (files: 4)",
        dev=(read_report(tmp_path / "dev.json"), None),
    )
    assert "| intent | CV F1 | dev F1 | held-out F1 | held-out n |" in table
    assert "| greet | 0.900 | 0.700 | 0.600 | 6 |" in table
    assert "| option | – | – | 0.750 | 4 |" in table and "no_entity" not in table
    assert "| **micro F1** | – | – | **0.800** | |" in table


def test_stories_summary_counts_failures(tmp_path):
    assert stories_summary(tmp_path) == ("not run", False)
    (tmp_path / "failed_test_stories.yml").write_text("stories:\n- story: a\n- story: b\n", encoding="utf-8")
    text, ok = stories_summary(tmp_path)
    assert text.startswith("2 failed") and not ok


def test_the_linear_baseline_cross_validates_every_intent_of_the_domain() -> None:
    import yaml

    from assistant.launcher import ROOT
    from assistant.nlu_baseline import cross_validate

    macro, per_class = cross_validate(folds=2)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(per_class) == set(domain["intents"])
    assert 0.5 < macro <= 1.0
    assert macro == pytest.approx(sum(per_class.values()) / len(per_class))
