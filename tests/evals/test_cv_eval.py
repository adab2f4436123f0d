"""The French CV eval on its held-out third: every gate of ``evals/thresholds.yaml`` (``cvs.heldout``) holds.

Parses the 55 held-out CVs once with the real parser (about 20 s).
"""

from __future__ import annotations

import pytest

from evals.cv.runner import METRICS, SplitScore, gate_failures, load_gates, load_truth, run


@pytest.fixture(scope="module")
def heldout() -> SplitScore:
    scores, _ = run(["heldout"], report_dir=None)
    return scores["heldout"]


def test_heldout_is_a_third_of_the_set_and_never_shares_an_id_with_dev() -> None:
    records = load_truth()
    dev = {r["id"] for r in records if r["split"] == "dev"}
    held = {r["id"] for r in records if r["split"] == "heldout"}
    assert len(records) >= 150 and not dev & held
    assert abs(len(held) - len(records) / 3) <= 1


def test_every_metric_has_a_gate() -> None:
    assert set(load_gates()) == set(METRICS)


def test_heldout_meets_the_gates(heldout: SplitScore) -> None:
    assert heldout.n >= 50 and heldout.errors == 0
    assert gate_failures(heldout.values(), load_gates()) == []
