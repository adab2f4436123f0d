"""Calibration: the logistic fit, the ECE, the shipped weights, and scores that spread over 0–100."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from referentials.taxonomy import default_rome, default_skill_taxonomy
from scoring.calibration import (
    Calibration,
    default_calibration,
    expected_calibration_error,
    fit_calibration,
    fit_logistic,
)
from scoring.features import FEATURES
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_query
from store.models import OfferRow
from tests.unit.scoring_support import real_store


def test_fit_logistic_recovers_known_weights() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(20_000, 2))
    z = -2.0 + 3.0 * x[:, 0] + 1.0 * x[:, 1]
    y = (rng.uniform(size=len(z)) < 1 / (1 + np.exp(-z))).astype(float)
    w, b = fit_logistic(x, y, l2=0.01)
    assert w == pytest.approx([3.0, 1.0], abs=0.2)
    assert b == pytest.approx(-2.0, abs=0.15)


def test_ece_is_zero_when_calibrated_and_large_when_not() -> None:
    assert expected_calibration_error([0.25] * 4, [0, 0, 0, 1]) == pytest.approx(0.0)
    assert expected_calibration_error([0.95] * 10, [0] * 10) == pytest.approx(0.95)
    # two bins, each off by 0.1, weighted by their counts
    assert expected_calibration_error([0.15, 0.15, 0.85, 0.85], [0, 0.5, 1, 0.5]) == pytest.approx(0.1)


def test_fit_keeps_every_weight_non_negative_and_unknowns_neutral() -> None:
    rng = np.random.default_rng(1)
    rows, labels = [], []
    for _ in range(3000):
        good, noise = rng.uniform(), rng.uniform()
        rows.append({"a": good, "b": noise if rng.uniform() < 0.5 else None, "c": 1 - good})
        labels.append(float(rng.uniform() < good))
    cal = fit_calibration(rows, labels, ["a", "b", "c"], fixed_reference={"b": 1.0})
    assert all(w >= 0 for w in cal.weights.values())
    assert cal.weights["a"] > 1.0 and cal.weights["c"] == 0.0  # "c" is anti-correlated: dropped, not negative
    assert cal.contributions({"a": 0.7, "b": None, "c": 0.3})["b"] == 0.0


def test_shipped_calibration_is_complete_and_was_measured() -> None:
    cal = default_calibration()
    assert cal.features == FEATURES
    assert all(w >= 0 for w in cal.weights.values())
    meta = cal.metadata
    assert meta["held_out_pairs"] > 1000
    assert 0 <= meta["held_out_ece_10_bins"] <= 0.05
    data = cal.to_json()
    assert Calibration.from_json(data).to_json() == data


@pytest.fixture(scope="module")
def store_rows(tmp_path_factory: pytest.TempPathFactory) -> list[OfferRow]:
    _, rows = real_store(tmp_path_factory.mktemp("cal"), limit=400)
    return rows


def test_scores_spread_over_0_100_on_real_offers(store_rows: list[OfferRow]) -> None:
    """Not a 0.50–0.52 band: for a job query, offers of that job score high and the others low."""
    tax, rome = default_skill_taxonomy(), default_rome()
    scorer = MatchScorer(taxonomy=tax, rome=rome)
    code = "K2303"  # ripeur
    assert sum(r.rome_code == code for r in store_rows) >= 10
    seeker = seeker_from_query("ripeur", None, taxonomy=tax, rome=rome)
    scored = scorer.score_offers(seeker, store_rows, explain=False).scores
    values = np.array([s.score for s in scored if s.score is not None])
    assert values.min() <= 5 and values.max() >= 70
    assert np.percentile(values, 90) - np.percentile(values, 10) >= 20
    same = [
        s.score
        for s, r in zip(scored, store_rows, strict=True)
        if r.rome_code == code and s.score is not None
    ]
    other = [
        s.score
        for s, r in zip(scored, store_rows, strict=True)
        if r.rome_code != code and s.score is not None
    ]
    assert np.mean(same) > np.mean(other) + 30


def test_contributions_add_up_to_the_score(store_rows: list[OfferRow]) -> None:
    tax, rome = default_skill_taxonomy(), default_rome()
    scorer = MatchScorer(taxonomy=tax, rome=rome)
    seeker = seeker_from_query("aide-soignant", None, taxonomy=tax, rome=rome)
    for s in scorer.score_offers(seeker, store_rows[:40], explain=False).scores:
        assert s.score is not None and s.baseline is not None and s.probability is not None
        total = sum(c.points for c in s.contributions)
        assert total == pytest.approx(100 * s.probability - s.baseline, abs=0.2)
        assert {c.feature for c in s.contributions} == set(FEATURES)


def test_calibration_file_roundtrip(tmp_path: Path) -> None:
    cal = default_calibration()
    cal.save(tmp_path / "c.json")
    again = Calibration.load(tmp_path / "c.json")
    values: dict[str, float | None] = dict.fromkeys(FEATURES, 0.5)
    assert again.probability(values) == pytest.approx(cal.probability(values), abs=1e-5)
