"""CI quality gate: the gold test split must not fall below the stored thresholds.

Thresholds live in eval/thresholds.json, a small margin under what was
measured (eval/RESULTS.md); raise them as quality rises, never lower them
silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.evaluation.metrics import load_gold, run

EVAL = Path(__file__).resolve().parents[1] / "eval"


@pytest.fixture(scope="module")
def gate_metrics(engine):
    items = load_gold(EVAL / "gold.jsonl", split="test")
    assert len(items) >= 40
    return run(items, lambda q, k: engine.search(q, k=k), lambda q, k: engine.ask(q, k=k), k=10)


@pytest.mark.parametrize("metric", ["hit@5", "mrr@10", "figure_accuracy",
                                    "abstention_recall", "abstention_precision"])
def test_metric_at_or_above_threshold(gate_metrics, metric):
    thresholds = json.loads((EVAL / "thresholds.json").read_text())
    got = gate_metrics["overall"][metric]
    assert got is not None and got >= thresholds[metric], f"{metric} = {got} < {thresholds[metric]}"


def test_no_diacritics_slice_threshold(gate_metrics):
    thresholds = json.loads((EVAL / "thresholds.json").read_text())
    got = gate_metrics["by_style"]["no_diacritics"]["hit@5"]
    assert got >= thresholds["no_diacritics_hit@5"]
