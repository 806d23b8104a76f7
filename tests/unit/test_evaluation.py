"""The evaluation scores what the whole pipeline understood, by value, and says when a target is missed."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation import (
    ALL_BLIND,
    ONLY,
    TEST_SETS,
    Counts,
    GoldSet,
    Reading,
    markdown,
    missed_targets,
    mistake_counts,
    mistakes,
    practice_environment,
    read_report,
    score,
    stories_summary,
)


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


def reading(intent, predicted, entities=(), predicted_entities=(), text="une phrase"):
    return Reading(text, intent, predicted, tuple(entities), tuple(predicted_entities))


def test_intent_macro_f1_is_over_the_gold_intents_and_a_fallback_is_only_a_miss():
    scores = score(
        [
            reading("greet", "greet"),
            reading("greet", "nlu_fallback"),
            reading("deny", "greet"),
            reading("deny", "deny"),
        ]
    )
    assert set(scores.intents) == {"greet", "deny"}
    assert scores.intents["greet"] == Counts(tp=1, fp=1, fn=1)
    assert scores.intents["deny"] == Counts(tp=1, fp=0, fn=1)
    assert scores.intent_macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)
    assert scores.accuracy == 0.5


def test_entities_are_scored_by_folded_value_not_by_type_alone():
    scores = score(
        [
            reading(
                "book_appointment",
                "book_appointment",
                [("practitioner", "benali"), ("motif", "prise-de-sang")],
                [("practitioner", "Bénali"), ("motif", "prise de sang"), ("time_wish", "{'day': 1}")],
            ),
            # The right type with another practitioner's id is a wrong booking: one false positive, one miss.
            reading(
                "book_appointment", "book_appointment", [("practitioner", "lefebvre")], [("practitioner", "benali")]
            ),
        ]
    )
    assert set(scores.entities) == {"practitioner", "motif"}  # time_wish is never annotated: not scored
    assert scores.entities["practitioner"] == Counts(tp=1, fp=1, fn=1)
    assert scores.entities["motif"] == Counts(tp=1)
    assert scores.entity_micro == Counts(tp=2, fp=1, fn=1)
    assert scores.entity_micro.f1 == pytest.approx(4 / 6)
    assert scores.entity_f1("motif") == 1.0 and scores.entity_f1("relation") is None


def test_entities_are_a_multiset_per_sentence():
    scores = score(
        [
            reading("inform", "inform", [("first_name", "Marie")], [("first_name", "marie"), ("first_name", "Marie")]),
            reading("inform", "inform", [("relation", "child"), ("relation", "child")], [("relation", "child")]),
            reading("inform", "inform", [], [("relation", "child"), ("PER", "Marie")]),
        ]
    )
    assert scores.entities == {"first_name": Counts(tp=1, fp=1), "relation": Counts(tp=1, fp=1, fn=1)}
    assert scores.practice_micro is None


def test_practice_micro_pools_practitioners_and_motifs_only():
    scores = score(
        [
            reading("x", "x", [("practitioner", "a"), ("motif", "m"), ("relation", "child")], [("motif", "m")]),
            reading("x", "x", [("motif", "n")], [("motif", "n"), ("relation", "parent")]),
        ]
    )
    assert scores.practice_micro == Counts(tp=2, fn=1)
    assert scores.practice_micro.f1 == pytest.approx(0.8)
    assert scores.entity_micro == Counts(tp=2, fp=1, fn=2)


def test_counts_f1_is_the_harmonic_mean():
    counts = Counts(tp=3, fp=1, fn=2)
    assert counts.precision == 0.75 and counts.recall == 0.6
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 1.0 and Counts(fp=2).f1 == 0.0


def test_mistakes_name_the_intent_and_the_entities_missed_or_extra():
    readings = [
        reading("book_appointment", "book_appointment", [("motif", "vaccin")], [("motif", "vaccin")], "ok"),
        reading(
            "cancel_appointment",
            "reschedule_appointment",
            [("practitioner", "benali")],
            [("practitioner", "lefebvre"), ("time_wish", "demain")],
            "annuler avec Benali",
        ),
    ]
    assert mistakes(readings) == [
        "- 'annuler avec Benali': intent cancel_appointment → reschedule_appointment; "
        "missed practitioner=benali; extra practitioner=lefebvre"
    ]
    assert mistake_counts(readings) == {
        "intent cancel_appointment": 1,
        "missed practitioner": 1,
        "extra practitioner": 1,
    }


def test_the_table_skips_a_set_not_written_yet_and_marks_a_missed_target_on_blind_sets_only(tmp_path):
    sets = (
        GoldSet("dev", tmp_path / "dev.yml", tmp_path / "demo.yml", blind=False),
        GoldSet("held-out a", tmp_path / "a.yml", tmp_path / "demo.yml", blind=True),
        GoldSet("held-out b", tmp_path / "b.yml", tmp_path / "other.yml", blind=True),
    )
    weak = score(
        [reading("greet", "greet", [("motif", "m")], []), reading("deny", "deny", [("motif", "m")], [("motif", "m")])]
    )
    scored = {"dev": weak, "held-out a": weak}
    blind = {"held-out a", ALL_BLIND}
    table = markdown((None, None), scored, "all passed (files: 4)", sets, blind)
    assert "| held-out b | " in table and "| other | – | not written yet: skipped |" in table
    assert "| held-out a | " in table and "| demo | 2 | blind: targets |" in table
    assert "| motif F1 | 0.667 | 0.667 ✘ | ≥ 0.97 |" in table
    assert "| intent macro-F1 | 1.000 | 1.000 | ≥ 0.95 |" in table
    assert "| motif | – | 0.667 | 0.667 | 2 |" in table
    assert "| **macro F1** | – | **1.000** | **1.000** | |" in table
    assert "Not run (`--skip-cv`)" in table and "Test stories: all passed (files: 4)" in table
    assert missed_targets(scored, blind) == [
        "held-out a: entity micro-F1 0.667 < 0.93",
        "held-out a: motif F1 0.667 < 0.97",
    ]


def test_the_cross_validation_column_comes_from_rasa_reports(tmp_path):
    write(tmp_path / "cv.json", {"greet": {"f1-score": 0.9, "support": 50}, "macro avg": {"f1-score": 0.9}})
    write(
        tmp_path / "ent.json",
        {"motif": {"f1-score": 0.75, "support": 4}, "no_entity": {"f1-score": 1.0}, "micro avg": {"f1-score": 0.8}},
    )
    held_out = score([reading("greet", "greet", [("motif", "m")], [("motif", "m")])])
    table = markdown(
        (read_report(tmp_path / "cv.json"), read_report(tmp_path / "ent.json")),
        {"held-out demo": held_out},
        "all passed (files: 4)",
        TEST_SETS[1:2],
    )
    assert "| intent | CV F1 | held-out demo | n (blind) |" in table
    assert "| greet | 0.900 | 1.000 | 1 |" in table
    assert "| motif | 0.750 | 1.000 | 1 |" in table and "no_entity" not in table
    assert "| **micro F1** | **0.800** | **1.000** | |" in table
    assert "Not run" not in table


def test_every_held_out_set_has_its_practice_and_the_dev_set_is_no_target():
    assert [(s.path.name, s.practice.name, s.blind) for s in TEST_SETS] == [
        ("dev_fr.yml", "demo-lille.yml", False),
        ("heldout_fr.yml", "demo-lille.yml", True),
        ("heldout_douai.yml", "douai-kine.yml", True),
        ("heldout_dunkerque.yml", "dunkerque-radiologie.yml", True),
        ("dev_douai.yml", "douai-kine.yml", False),
        ("dev_dunkerque.yml", "dunkerque-radiologie.yml", False),
    ]
    assert all(s.practice.exists() for s in TEST_SETS)
    assert ONLY["dev"] == ("dev", "dev douai", "dev dunkerque")
    assert ONLY["heldout"] == ("held-out demo", "held-out douai", "held-out dunkerque")


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


def test_a_test_set_is_read_with_its_practice_file_and_an_empty_agenda_whatever_the_machine_has(tmp_path):
    machine = {"ASSISTANT_DATABASE_URL": "postgresql://db/agenda", "ASSISTANT_PRACTICE_FILE": "other.yml", "X": "1"}
    env = practice_environment(machine, TEST_SETS[2].practice, tmp_path)
    assert env["ASSISTANT_PRACTICE_FILE"].endswith("douai-kine.yml") and env["X"] == "1"
    assert env["ASSISTANT_DATABASE_URL"] == f"sqlite:///{tmp_path / 'agenda.db'}"
    assert (tmp_path / "agenda.db").stat().st_size == 0
