"""Top-1 / top-3 ROME-code accuracy of the occupation classifier on France Travail offer titles.

Gold codes are France Travail's own ``romeCode``. The split is the builder's (``offline.occupation_build
.held_out``): the index was built from the dev (training) offers only, so the *held-out* figures are
the ones to quote; *held-out, unseen titles* keeps only held-out titles whose words match no dev
title. The former matcher, ``RomeReferential.find_codes``, is measured side by side.

Run::

    python -m evals.occupation [--offers PATH] [--limit N] [--out DIR]

Writes ``summary.md`` and ``results.json`` into ``var/evals/occupation``; exits 1 when a held-out
figure is below its gate in ``evals/thresholds.yaml`` (section ``occupation``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from offline.occupation_build import REAL_OFFERS, LabelledTitle, held_out, read_offer_titles
from referentials.occupation import OccupationClassifier, default_occupations
from referentials.occupation.text import title_words
from referentials.taxonomy import RomeReferential, default_rome

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "var" / "evals" / "occupation"
THRESHOLDS = ROOT / "evals" / "thresholds.yaml"
Ranker = Callable[[str], list[str]]


def classifier_ranker(classifier: OccupationClassifier) -> Ranker:
    return lambda text: [g.code for g in classifier.classify(text, k=3)]


def find_codes_ranker(rome: RomeReferential) -> Ranker:
    return lambda text: [code for code, _, _ in rome.find_codes(text, limit=3)]


def accuracy(ranker: Ranker, titles: Sequence[LabelledTitle]) -> dict[str, float]:
    """``n``, ``top1`` and ``top3``: share of titles whose gold code is ranked first / in the first three."""
    hits1 = hits3 = 0
    for t in titles:
        ranked = ranker(t.title)
        hits1 += ranked[:1] == [t.code]
        hits3 += t.code in ranked[:3]
    n = max(len(titles), 1)
    return {"n": len(titles), "top1": round(hits1 / n, 4), "top3": round(hits3 / n, 4)}


def calibration_error(
    classifier: OccupationClassifier, titles: Sequence[LabelledTitle], bins: int = 10
) -> float:
    """Expected calibration error of the top-1 confidence (equal-width bins)."""
    pairs = []
    for t in titles:
        guesses = classifier.classify(t.title, k=1)
        pairs.append((guesses[0].confidence, guesses[0].code == t.code) if guesses else (0.0, False))
    total = 0.0
    for b in range(bins):
        inside = [
            (c, ok) for c, ok in pairs if b / bins <= c < (b + 1) / bins or (b == bins - 1 and c == 1.0)
        ]
        if inside:
            mean_conf = sum(c for c, _ in inside) / len(inside)
            total += len(inside) * abs(mean_conf - sum(ok for _, ok in inside) / len(inside))
    return round(total / max(len(pairs), 1), 4)


def splits(titles: Sequence[LabelledTitle]) -> dict[str, list[LabelledTitle]]:
    """``dev`` (the index's training offers), ``held_out`` and ``held_out_unseen`` (words unlike any dev title)."""
    dev = [t for t in titles if not held_out(t.offer_id)]
    test = [t for t in titles if held_out(t.offer_id)]
    seen = {tuple(title_words(t.title)) for t in dev}
    return {
        "dev": dev,
        "held_out": test,
        "held_out_unseen": [t for t in test if tuple(title_words(t.title)) not in seen],
    }


def evaluate(titles: Sequence[LabelledTitle]) -> dict[str, Any]:
    """Accuracy of the classifier and of ``find_codes`` on every split, and the held-out calibration error."""
    classifier = default_occupations()
    rankers = {"classifier": classifier_ranker(classifier), "find_codes": find_codes_ranker(default_rome())}
    parts = splits(titles)
    results: dict[str, Any] = {
        name: {split: accuracy(ranker, items) for split, items in parts.items()}
        for name, ranker in rankers.items()
    }
    results["classifier"]["held_out_ece"] = calibration_error(classifier, parts["held_out"])
    return results


def load_gates(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    """The ``occupation`` section of the thresholds file: ``{metric: {"min": value}}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {metric: dict(gate) for metric, gate in (data.get("occupation") or {}).items()}


def gate_failures(results: dict[str, Any], gates: dict[str, dict[str, float]]) -> list[str]:
    """Lines for each gated metric (``held_out.top1`` style paths into the classifier's results) out of bounds."""
    failures = []
    for metric, gate in gates.items():
        split, name = metric.split(".")
        value = results["classifier"][split][name]
        if "min" in gate and value < gate["min"]:
            failures.append(f"occupation {metric} = {value} < {gate['min']}")
        if "max" in gate and value > gate["max"]:
            failures.append(f"occupation {metric} = {value} > {gate['max']}")
    return failures


def summary(results: dict[str, Any]) -> str:
    lines = ["| matcher | split | n | top-1 | top-3 |", "| --- | --- | ---: | ---: | ---: |"]
    for name in ("classifier", "find_codes"):
        for split in ("dev", "held_out", "held_out_unseen"):
            r = results[name][split]
            lines.append(f"| {name} | {split} | {r['n']} | {r['top1']:.3f} | {r['top3']:.3f} |")
    lines.append(
        f"\nHeld-out expected calibration error of the top-1 confidence: {results['classifier']['held_out_ece']}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=Path, default=REAL_OFFERS)
    parser.add_argument("--limit", type=int, default=None, help="évaluer seulement les N premières offres")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    titles = read_offer_titles(args.offers)[: args.limit]
    results = evaluate(titles)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = summary(results)
    (args.out / "summary.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    failures = gate_failures(results, load_gates())
    if failures:
        print("Seuils non atteints :\n  " + "\n  ".join(failures))
        return 1
    print("Tous les seuils sont atteints.")
    return 0
