"""Occupation classifier: index load time and per-title latency (one core), against ``find_codes``.

    python -m bench.occupation_bench [--limit 1000]

Titles: the held-out France Travail offer titles of ../shared/data (the split of ``evals/occupation``).
"""

from __future__ import annotations

import argparse
import json
import time

from bench.stats import summarize
from offline.occupation_build import REAL_OFFERS, held_out, read_offer_titles
from referentials.occupation import OccupationClassifier
from referentials.taxonomy import RomeReferential


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    titles = [t.title for t in read_offer_titles(REAL_OFFERS) if held_out(t.offer_id)][: args.limit]
    t0 = time.perf_counter()
    classifier = OccupationClassifier.from_directory()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rome = RomeReferential().load()
    rome_load_s = time.perf_counter() - t0
    rows = {}
    for name, fn, load in (
        ("occupation_classifier", classifier.classify, load_s),
        ("rome_find_codes", rome.find_codes, rome_load_s),
    ):
        samples = []
        for title in titles:
            start = time.perf_counter()
            fn(title)
            samples.append((time.perf_counter() - start) * 1000)
        rows[name] = {"load_s": round(load, 3), **summarize(samples)}
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
