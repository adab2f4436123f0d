"""The calibrated combination of pair features into a 0–100 score.

Method (see ``CALIBRATION.md``): a logistic regression on the features of labelled (seeker, offer)
pairs, fitted by Newton's method with a small L2 penalty on standardised features, every weight
constrained to be non-negative (a better fit on any aspect never lowers the score). Its output is the
probability that the offer is in the person's target job; the score is that probability × 100.
An unknown feature takes its reference value: 1 for a condition the person did not state
(no contract wish, no place: nothing to violate), the training mean for the others. The fitted
weights live in ``calibration.json`` next to this module (``python -m offline.calibrate``
regenerates it).

Each score keeps its parts: the logit is ``bias + Σ wᵢ·xᵢ``; feature i's contribution is
``wᵢ·(xᵢ − refᵢ)`` (logit units; 0 when unknown) and, in points, its share of the distance between the
score and the baseline score (every feature at its reference value).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
ECE_BINS = 10


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class CrossEncoderStack:
    """How a cross-encoder's logit joins the feature logit: ``z += weight · ce_logit + shift``."""

    model_id: str
    weight: float
    shift: float = 0.0


@dataclass
class Calibration:
    """Weights of the logistic combination, reference values (taken when unknown), and what was measured when fitting."""

    features: tuple[str, ...]
    weights: dict[str, float]
    bias: float
    reference: dict[str, float]
    metadata: dict[str, Any] = field(default_factory=dict)
    cross_encoders: dict[str, CrossEncoderStack] = field(default_factory=dict)

    # --- scoring ------------------------------------------------------------------------------
    def vector(self, values: Mapping[str, float | None]) -> list[float]:
        """Feature values in order, unknown ones replaced by their mean."""
        out = []
        for name in self.features:
            v = values.get(name)
            out.append(self.reference[name] if v is None else float(v))
        return out

    def logit(self, values: Mapping[str, float | None]) -> float:
        return self.bias + sum(
            self.weights[n] * x for n, x in zip(self.features, self.vector(values), strict=True)
        )

    def probability(self, values: Mapping[str, float | None]) -> float:
        return sigmoid(self.logit(values))

    @property
    def baseline_logit(self) -> float:
        """The logit of a pair with every feature at its reference value."""
        return self.bias + sum(self.weights[n] * self.reference[n] for n in self.features)

    def contributions(self, values: Mapping[str, float | None]) -> dict[str, float]:
        """Feature → ``wᵢ·(xᵢ − meanᵢ)`` in logit units (0 for unknown features)."""
        return {
            n: self.weights[n] * (x - self.reference[n])
            for n, x in zip(self.features, self.vector(values), strict=True)
        }

    # --- persistence --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "method": "logistic-regression",
            "features": list(self.features),
            "weights": {k: round(v, 6) for k, v in self.weights.items()},
            "bias": round(self.bias, 6),
            "reference": {k: round(v, 6) for k, v in self.reference.items()},
            "cross_encoders": {
                k: {"weight": round(c.weight, 6), "shift": round(c.shift, 6)}
                for k, c in self.cross_encoders.items()
            },
            "metadata": self.metadata,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        features = tuple(data["features"])
        return cls(
            features=features,
            weights={k: float(data["weights"][k]) for k in features},
            bias=float(data["bias"]),
            reference={k: float(data["reference"][k]) for k in features},
            metadata=dict(data.get("metadata", {})),
            cross_encoders={
                k: CrossEncoderStack(k, float(v["weight"]), float(v.get("shift", 0.0)))
                for k, v in dict(data.get("cross_encoders", {})).items()
            },
        )

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def default_calibration() -> Calibration:
    """The calibration shipped with the package."""
    return Calibration.load(CALIBRATION_FILE)


# --- fitting ----------------------------------------------------------------------------------
def impute(
    rows: Sequence[Mapping[str, float | None]],
    features: Sequence[str],
    fixed: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
    """Feature matrix with unknowns replaced by their reference: ``fixed[name]`` when given, else the
    mean of the known values (0.5 if none is known)."""
    raw = np.array(
        [[np.nan if (v := r.get(f)) is None else float(v) for f in features] for r in rows], dtype=np.float64
    ).reshape(len(rows), len(features))
    reference: dict[str, float] = {}
    for j, name in enumerate(features):
        col = raw[:, j]
        known = col[~np.isnan(col)]
        if fixed and name in fixed:
            reference[name] = float(fixed[name])
        else:
            reference[name] = float(known.mean()) if known.size else 0.5
        col[np.isnan(col)] = reference[name]
    return raw, reference


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 1.0,
    sample_weight: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    iterations: int = 50,
) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method; returns (weights, bias) on the raw scale.

    Features are standardised for the fit (so the penalty treats them alike), then the weights are
    mapped back. ``y`` may hold soft labels in [0, 1]. The bias is not penalised. ``offset`` is a
    fixed per-row logit term (for stacking a new signal on an already fitted score).
    """
    n, d = x.shape
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = np.hstack([np.ones((n, 1)), (x - mu) / sd])
    w = np.zeros(d + 1)
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=np.float64)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(off + z @ w, -35, 35)))
        grad = z.T @ (sw * (p - y)) + penalty * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    weights = w[1:] / sd
    bias = float(w[0] - np.sum(weights * mu))
    return weights, bias


def fit_calibration(
    rows: Sequence[Mapping[str, float | None]],
    labels: Sequence[float],
    features: Sequence[str],
    *,
    l2: float = 1.0,
    fixed_reference: Mapping[str, float] | None = None,
    non_negative: bool = True,
    metadata: dict[str, Any] | None = None,
) -> Calibration:
    """Fit a ``Calibration`` on feature dicts and binary (or soft) labels.

    With ``non_negative`` (the default) every feature is monotone: a feature whose fitted weight is
    negative is set to 0 and the others are refitted, until no weight is negative. A better fit never
    lowers a score, so explanations never read "having this skill cost you points".
    """
    x, reference = impute(rows, features, fixed_reference)
    y = np.asarray(labels, dtype=np.float64)
    active = list(range(len(features)))
    while True:
        fitted, bias = fit_logistic(x[:, active], y, l2=l2)
        negative = [j for j, w in zip(active, fitted, strict=True) if w < 0] if non_negative else []
        if not negative:
            break
        active = [j for j in active if j not in negative]
    weights = np.zeros(len(features))
    weights[active] = fitted
    return Calibration(
        features=tuple(features),
        weights={f: float(w) for f, w in zip(features, weights, strict=True)},
        bias=bias,
        reference=reference,
        metadata=metadata or {},
    )


def expected_calibration_error(
    probs: Sequence[float] | np.ndarray, labels: Sequence[float] | np.ndarray, bins: int = ECE_BINS
) -> float:
    """ECE with equal-width bins: Σ_b |b|/n · |mean label − mean probability| over the bins."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if p.size == 0:
        return 0.0
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            total += mask.sum() / p.size * abs(float(y[mask].mean()) - float(p[mask].mean()))
    return float(total)


def reliability_table(
    probs: Sequence[float] | np.ndarray, labels: Sequence[float] | np.ndarray, bins: int = ECE_BINS
) -> list[dict[str, float]]:
    """Per bin: range, count, mean probability, observed rate (for CALIBRATION.md)."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = idx == b
        n = int(mask.sum())
        out.append(
            {
                "low": b / bins,
                "high": (b + 1) / bins,
                "count": n,
                "mean_probability": float(p[mask].mean()) if n else float("nan"),
                "observed_rate": float(y[mask].mean()) if n else float("nan"),
            }
        )
    return out
