"""Ranked search (the pipeline users get) beside fusion-only search, on the same queries and engine.

Ranked = interpret → hybrid pool + occupation-code pool under the hard filters → calibrated re-scoring →
relevance floor → cut (``services.offer_search`` with its ``OfferRanker``). Fusion-only = the same service
without a ranker (the RRF order, as before wave 2).

Run on the demo data dir (``make demo`` first), and on engines scaled up from it (``bench.scaled_engine``:
the real offers copied with new ids, places jittered)::

    python -m bench.ranking_bench --data-dir var/demo [--scale 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from app.runtime import Engine, build_engine
from app.settings import Settings
from bench.queries import benchmark_queries
from bench.scaled_engine import scaled_engine
from bench.stats import summarize
from services.offer_search import OfferSearchService


def _wall_and_cpu_ms(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU time (this process, all threads) of one call, in ms: on a shared machine the CPU
    time says what the search costs when the wall clock also counts other processes' turns."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000


def bench_ranking(engine: Engine, rounds: int = 3) -> dict[str, Any]:
    """p50/p95 (ms) of ranked and fusion-only search over the benchmark queries, warm: wall clock, and
    CPU time (``<kind>_cpu``); ``first_seen``: ranked, with no offer of the pool read before."""
    ranked = engine.offer_search
    fusion = OfferSearchService(
        searcher=engine.searcher, repository=engine.offers, interpreter=engine.interpreter
    )
    queries = benchmark_queries(engine.gazetteer.load())
    for q in queries:  # warm-up: models, offer facts, caches
        ranked.search(q.text, q.filters, interpret=False)
        fusion.search(q.text, q.filters, interpret=False)
    engine.warm()  # as a server does at startup
    out: dict[str, list[float]] = {
        "ranked": [], "fusion": [], "ranked_cpu": [], "fusion_cpu": [], "first_seen": [], "first_seen_cpu": []
    }  # fmt: skip
    for _ in range(rounds):
        for q in queries:
            for kind, service in (("ranked", ranked), ("fusion", fusion)):
                wall, cpu = _wall_and_cpu_ms(partial(service.search, q.text, q.filters, interpret=False))
                out[kind].append(wall)
                out[f"{kind}_cpu"].append(cpu)
    for q in queries:  # offers never read before (a new question in a fresh process): facts and vectors
        engine.scorer.forget_offers()
        engine.offers.forget_rows()
        wall, cpu = _wall_and_cpu_ms(partial(ranked.search, q.text, q.filters, interpret=False))
        out["first_seen"].append(wall)
        out["first_seen_cpu"].append(cpu)
    return {"offers": engine.offers.count(), **{k: summarize(v) for k, v in out.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", default="", help="also on scaled engines of these sizes: 100000,1000000")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-scaled"))
    parser.add_argument("--out", type=Path, default=None, help="also write the results here (JSON)")
    args = parser.parse_args(argv)
    engine = build_engine(Settings(data_dir=args.data_dir))
    results = []
    try:
        results.append(bench_ranking(engine, args.rounds))
        print(json.dumps(results[-1]), flush=True)
        for size in [int(s) for s in args.scale.split(",") if s.strip()]:
            scaled = scaled_engine(engine, size, args.workdir)
            try:
                results.append(bench_ranking(scaled, args.rounds))
                print(json.dumps(results[-1]), flush=True)
            finally:
                scaled.close()
    finally:
        engine.close()
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(
        "| offers | fusion p50 | fusion p95 | ranked p50 | ranked p95 | ranked CPU p50 | ranked CPU p95 "
        "| first-seen p50 | first-seen p95 |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        f, k, c, n = r["fusion"], r["ranked"], r["ranked_cpu"], r["first_seen"]
        print(
            f"| {r['offers']:,} | {f['p50_ms']} ms | {f['p95_ms']} ms | {k['p50_ms']} ms | {k['p95_ms']} ms "
            f"| {c['p50_ms']} ms | {c['p95_ms']} ms | {n['p50_ms']} ms | {n['p95_ms']} ms |"
        )


if __name__ == "__main__":
    main()
