"""Retrieval benchmark runner: lexical-only, vector-only, hybrid, hybrid + scorer, side by side in one run.

Queries are the *evaluation* split of ``offline.labelled`` (ROME appellations, employers' offer
titles, real resumes mapped to ROME families by ``resume_families.yaml``); the scorer was calibrated on
the other split only. The engine is built once over the 7,779 real offers into ``var/evals/offers-full``.

Run::

    python -m evals.retrieval [--limit N] [--kinds appellation,title,resume]

``BASSIN_RERANKER_MODEL`` (a local cross-encoder directory) adds a "hybrid + scorer + cross-encoder" column.
Writes ``var/evals/retrieval/results.jsonl`` and ``summary.md``; exits 1 when the full pipeline does not
beat the best single retriever on mean nDCG@10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.runtime import Engine
from app.settings import Settings
from domain.search import SearchFilters, SearchQuery
from evals.retrieval.metrics import ndcg_at_k, recall_at_k
from offline.calibrate import labelled_seeker
from offline.corpus import DEFAULT_CACHE, REAL_OFFERS, REAL_RESUMES, open_offer_corpus
from offline.labelled import LabelledQuery, job_queries, resume_queries
from referentials.taxonomy import default_rome
from scoring.calibration import Calibration, expected_calibration_error
from scoring.matcher import OfferMatcher
from scoring.scorer import MatchScorer

K = 10
DEPTH = 50
OUT_DIR = DEFAULT_CACHE.parent / "retrieval"
SINGLE = ("lexical", "vector")


def evaluation_queries(engine: Engine, resumes: Path, kinds: Sequence[str]) -> list[LabelledQuery]:
    tax = engine.taxonomy
    labels: dict[str, str] = {}
    for doc in engine.offers.iter_documents():
        for key in doc.skills:
            labels.setdefault(key, tax.label(key) if key in tax else key)
    queries = job_queries(engine.offers.iter_documents(), default_rome(), labels) + resume_queries(resumes)
    return [q for q in queries if q.split == "evaluation" and q.kind in kinds]


def run(
    engine: Engine,
    queries: Sequence[LabelledQuery],
    *,
    reranker_model: str | None = None,
    calibration: Calibration | None = None,
) -> list[dict[str, Any]]:
    """One record per query: nDCG@10 and recall@10 per system, and the scored pool for ECE.

    ``calibration`` replaces the shipped one (ablations).
    """
    rome = default_rome()
    codes = {doc.doc_id: (doc.rome[0] if doc.rome else None) for doc in engine.offers.iter_documents()}
    scorer = MatchScorer(
        taxonomy=engine.taxonomy,
        rome=rome,
        embedder=engine.embedder,
        stored_vectors=engine.offers,
        calibration=calibration,
    )
    matcher = OfferMatcher(searcher=engine.searcher, repository=engine.offers, scorer=scorer, depth=DEPTH)
    ce_matcher = None
    if reranker_model:
        ce_scorer = MatchScorer(
            taxonomy=engine.taxonomy,
            rome=rome,
            embedder=engine.embedder,
            stored_vectors=engine.offers,
            reranker_model=reranker_model,
            rerank_budget_ms=None,
        )
        ce_matcher = OfferMatcher(
            searcher=engine.searcher, repository=engine.offers, scorer=ce_scorer, depth=DEPTH
        )
    records = []
    for q in queries:
        built = labelled_seeker(q, taxonomy=engine.taxonomy, rome=rome)
        if built is None or not built[1]:
            continue
        seeker, text = built
        skip = set(q.exclude)
        pool = [q.grade(code) for doc_id, code in codes.items() if doc_id not in skip]
        relevant = sum(g == 2 for g in pool)
        if relevant == 0:
            continue
        ranked: dict[str, list[int]] = {}
        t0 = time.perf_counter()
        ranked["lexical"] = [
            h.doc_id
            for h in engine.lexical.search(text, SearchFilters(), K + len(skip))
            if h.doc_id not in skip
        ][:K]
        vector_hits = engine.vectors.search(engine.embedder.embed_query(text), None, K + len(skip))
        ranked["vector"] = [h.doc_id for h in vector_hits if h.doc_id not in skip][:K]
        ranked["hybrid"] = [
            r.doc_id for r in engine.searcher.search(SearchQuery(text=text, top_k=K), exclude=q.exclude)
        ]
        t1 = time.perf_counter()
        full = matcher.best_offers(
            seeker, filters=SearchFilters(), text=text, top_k=DEPTH, exclude=q.exclude, rerank=False
        )
        t2 = time.perf_counter()
        ranked["hybrid+scorer"] = [m.row.id for m in full.results][:K]
        if ce_matcher is not None:
            with_ce = ce_matcher.best_offers(
                seeker, filters=SearchFilters(), text=text, top_k=K, exclude=q.exclude
            )
            ranked["hybrid+scorer+cross-encoder"] = [m.row.id for m in with_ce.results]
        rec: dict[str, Any] = {
            "qid": q.qid,
            "kind": q.kind,
            "text": text,
            "relevant": relevant,
            "retrieval_ms": round((t1 - t0) * 1000, 1),
            "scoring_ms": round((t2 - t1) * 1000, 1),
            "ndcg": {},
            "recall": {},
            "pool": [
                {"p": m.score.probability, "label": int(q.grade(m.row.rome_code) == 2)}
                for m in full.results
                if m.score.probability is not None
            ],
        }
        for system, ids in ranked.items():
            grades = [q.grade(codes.get(i)) for i in ids]
            rec["ndcg"][system] = round(ndcg_at_k(grades, pool, K), 4)
            rec["recall"][system] = round(recall_at_k(grades, relevant, K), 4)
        records.append(rec)
    return records


def summarize(records: Sequence[dict[str, Any]]) -> tuple[str, dict[str, float]]:
    """Markdown table (overall and per query kind) and the overall means."""
    systems = list(records[0]["ndcg"]) if records else []
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups["all"].append(r)
        groups[r["kind"]].append(r)
    lines = [
        f"| queries | n | {' | '.join(f'nDCG@{K} {s}' for s in systems)} |",
        "|" + " --- |" * (2 + len(systems)),
    ]
    means: dict[str, float] = {}
    for name in ["all", "appellation", "title", "resume"]:
        rows = groups.get(name)
        if not rows:
            continue
        vals = [statistics.fmean(r["ndcg"][s] for r in rows) for s in systems]
        if name == "all":
            means = dict(zip(systems, vals, strict=True))
        best = max(vals)
        cells = [f"**{v:.3f}**" if v == best else f"{v:.3f}" for v in vals]
        lines.append(f"| {name} | {len(rows)} | {' | '.join(cells)} |")
    probs = [p["p"] for r in records for p in r["pool"]]
    labels = [p["label"] for r in records for p in r["pool"]]
    ece = expected_calibration_error(probs, labels)
    lines.append("")
    lines.append(
        f"Scorer calibration on the evaluation queries' top-{DEPTH} pools: ECE(10 bins) = {ece:.3f} over "
        f"{len(probs)} pairs (label: same ROME code / primary family; no stated conditions)."
    )
    scoring = [r["scoring_ms"] for r in records]
    if scoring:
        lines.append(
            f"Re-scoring {DEPTH} results (search + features + calibration + verified explanations): median "
            f"{statistics.median(scoring):.0f} ms per query."
        )
    return "\n".join(lines), means


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nDCG@10 of lexical, vector, hybrid and hybrid + scorer")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--offers", type=Path, default=REAL_OFFERS)
    parser.add_argument("--resumes", type=Path, default=REAL_RESUMES)
    parser.add_argument("--kinds", default="appellation,title,resume")
    parser.add_argument("--limit", type=int, default=None, help="first N queries only (smoke runs)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    engine = open_offer_corpus(args.data_dir, args.offers)
    queries = evaluation_queries(engine, args.resumes, args.kinds.split(","))[: args.limit]
    records = run(engine, queries, reranker_model=Settings().reranker_model)
    engine.close()
    table, means = summarize(records)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps({k: v for k, v in r.items() if k != "pool"}, ensure_ascii=False) + "\n")
    header = f"# Retrieval benchmark ({len(records)} evaluation queries, {time.perf_counter() - started:.0f} s)\n\n"
    (args.out / "summary.md").write_text(header + table + "\n", encoding="utf-8")
    print(header + table)
    best_single = max(means.get(s, 0.0) for s in SINGLE)
    full = means.get("hybrid+scorer", 0.0)
    if full <= best_single:
        print(
            f"FAIL: hybrid + scorer ({full:.3f}) does not beat the best single retriever ({best_single:.3f})"
        )
        return 1
    print(f"OK: hybrid + scorer {full:.3f} > best single retriever {best_single:.3f}")
    return 0
