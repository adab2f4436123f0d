"""Field accuracy of the CV parser on the French CV set, per split.

    python -m evals.cv_fields [--split dev|heldout|all] [--failures FIELD]

Prints one table per split; ``--failures`` lists the misses of one field, on the dev split only: the
held-out part is read as aggregate figures, never case by case.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from evals.cv_fields.metrics import FIELDS, CVScore, score_cv, summarise

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "evals" / "fixtures" / "cvs_fr"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.cv_fields")
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--failures", choices=FIELDS, default=None, help="list a field's misses (dev only)")
    args = parser.parse_args(argv)
    from cv import parse_cv

    truths = [json.loads(line) for line in (FIXTURES / "truth.jsonl").read_text().splitlines() if line]
    splits = ["dev", "heldout"] if args.split == "all" else [args.split]
    for split in splits:
        scores: list[CVScore] = []
        for truth in (t for t in truths if t["split"] == split):
            parsed = parse_cv(FIXTURES / truth["file"], today=date.fromisoformat(truth["as_of"]))
            scores.append(score_cv(truth, parsed))
        print(f"\n{split}: {len(scores)} CVs")
        for name, value in summarise(scores).items():
            print(f"  {name:<28} {value:6.1%}")
        if args.failures and split == "dev":
            for score in scores:
                for miss in score.misses.get(args.failures, []):
                    print(f"  ✗ {score.id} [{score.layout}/{score.format}] {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
