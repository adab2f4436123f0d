"""Unrelated-result rate of offer search, ranked (what users get) beside fusion-only, on requests whose
occupation is known.

Requests are built from real offers of the shipped sample: "<the offer's ROME appellation> à <its town>",
and, to exercise the honest "no match", the same appellation in a town far from every offer of that
code. The offer's France Travail ``romeCode`` is the request's occupation. A top-10 result is
*unrelated* when its ROME family (first three characters) differs from the request's. Requests are split
by the offer's id with the occupation index's fixed-seed hash (``offline.occupation_build.held_out``):
``dev`` and ``held_out`` are reported apart; the ranker's constants were set looking at ``dev`` only.

Run over the demo data dir (``make demo`` first)::

    python -m evals.relevance --data-dir var/demo [--limit 150]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.runtime import Engine, build_engine
from app.settings import Settings
from offline.occupation_build import held_out
from services.offer_search import OfferSearchService

SAMPLE = Path("data/offers/france_travail_sample.jsonl.gz")
OUT = Path("var/evals/relevance")
K = 10
SEED = 13
# Towns spread over France, used to ask for an occupation where the sample may have none nearby.
FAR_TOWNS = ("Brest", "Perpignan", "Strasbourg", "Ajaccio", "Lille", "Biarritz", "Nice", "Rennes")


def requests(sample: Path, limit: int) -> list[dict[str, Any]]:
    """Requests with a known occupation, from the sample's offers (one per appellation and town)."""
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    with gzip.open(sample, "rt", encoding="utf-8") as fh:
        offers = [json.loads(line) for line in fh]
    random.Random(SEED).shuffle(offers)
    for o in offers:
        code, label = o.get("romeCode"), o.get("appellationlibelle")
        town = ((o.get("lieuTravail") or {}).get("libelle") or "").split(" - ")[-1].strip().title()
        if not code or not label or not town or (label, town) in seen:
            continue
        seen.add((label, town))
        split = "held_out" if held_out(str(o["id"])) else "dev"
        out.append(
            {"id": o["id"], "split": split, "code": code, "text": f"{label} à {town}", "kind": "local"}
        )
        far = FAR_TOWNS[len(out) % len(FAR_TOWNS)]
        out.append({"id": o["id"], "split": split, "code": code, "text": f"{label} à {far}", "kind": "far"})
        if len(out) >= limit:
            break
    return out


def run(engine: Engine, reqs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    ranked = engine.offer_search
    fusion = OfferSearchService(
        searcher=engine.searcher, repository=engine.offers, interpreter=engine.interpreter
    )
    records = []
    for r in reqs:
        rec = dict(r)
        for name, service in (("ranked", ranked), ("fusion", fusion)):
            response = service.search(r["text"], top_k=K)
            codes = [x.rome_code or "" for x in response.results]
            rec[name] = {
                "results": len(codes),
                "unrelated": sum(1 for c in codes if c[:3] != r["code"][:3]),
                "same_family": sum(1 for c in codes if c[:3] == r["code"][:3]),
                "no_match": response.no_match is not None,
            }
        records.append(rec)
    return records


def summarize(records: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| split | place | requests | system | unrelated share of top-10 results | requests with ≥1 unrelated "
        "| no result | said 'no match' + nearest offers |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for split, kind in [(s, k) for s in ("dev", "held_out") for k in ("local", "far")]:
        part = [r for r in records if r["split"] == split and r["kind"] == kind]
        if not part:
            continue
        for system in ("fusion", "ranked"):
            shown = sum(r[system]["results"] for r in part)
            unrelated = sum(r[system]["unrelated"] for r in part)
            lines.append(
                f"| {split} | {'offer town' if kind == 'local' else 'other town'} | {len(part)} | {system} | {unrelated / max(1, shown):.1%} "
                f"| {sum(1 for r in part if r[system]['unrelated']) / len(part):.1%} "
                f"| {sum(1 for r in part if not r[system]['results']) / len(part):.1%} "
                f"| {sum(1 for r in part if r[system]['no_match']) / len(part):.1%} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="unrelated-result rate, ranked vs fusion-only")
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"))
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    engine = build_engine(Settings(data_dir=args.data_dir))
    try:
        records = run(engine, requests(args.sample, args.limit))
    finally:
        engine.close()
    table = summarize(records)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    (args.out / "summary.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
