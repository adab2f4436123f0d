"""Regenerate ``calibration.json``: fit the score on labelled pairs derived from the real corpus.

Run::

    python -m offline.calibrate            # uses/builds var/evals/offers-full (a few minutes once)

Pairs are what the scorer sees in production: for each *calibration* query (``labelled.py``; the
*evaluation* queries are never read here), the top ``--depth`` offers of the hybrid search. A pair's
label is 1 when the offer is in the person's target job (grade 2: same ROME code, or a primary family
for a resume) and satisfies the conditions the person stated. Half of the queries get such stated
conditions (a place and radius, sometimes a contract or remote work), drawn from the corpus' own
offer locations,
as soft wishes (not search filters), so that the distance and contract features learn what a
violated condition costs. A fifth of the calibration queries are held out to measure the expected
calibration error (ECE) of the shipped weights.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.runtime import Engine
from domain.filters import haversine_km
from domain.search import SearchQuery
from offline.corpus import DEFAULT_CACHE, REAL_OFFERS, REAL_RESUMES, open_offer_corpus
from offline.labelled import LabelledQuery, job_queries, resume_queries, stable_unit
from referentials.taxonomy import default_rome
from scoring.calibration import (
    CALIBRATION_FILE,
    Calibration,
    CrossEncoderStack,
    expected_calibration_error,
    fit_calibration,
    fit_logistic,
    reliability_table,
)
from scoring.features import FEATURES
from scoring.matcher import seeker_search_text
from scoring.scorer import MatchScorer
from scoring.seeker import RomeFinder, Seeker, SkillFinder, seeker_from_profile, seeker_from_query
from store.models import OfferRow
from store.offers import offer_contract_keys, offer_embed_text

log = logging.getLogger(__name__)

# A condition the person did not state cannot be violated: unknown = satisfied.
CONDITION_REFERENCE = {"contract": 1.0, "distance": 1.0, "remote": 1.0}
HOLDOUT_SHARE = 0.2
DEFAULT_DEPTH = 50
L2 = 1.0


@dataclass
class PairRecord:
    """One labelled (query, offer) pair as the scorer sees it."""

    qid: str
    kind: str
    doc_id: int
    grade: int
    label: int
    fused_rank: int
    features: dict[str, float | None]


@dataclass
class LabelledPool:
    """A query, its seeker, and the hybrid top-K it was scored on."""

    query: LabelledQuery
    seeker: Seeker
    text: str
    rows: list[OfferRow]


def labelled_seeker(
    query: LabelledQuery, *, taxonomy: SkillFinder, rome: RomeFinder
) -> tuple[Seeker, str] | None:
    """The seeker of a labelled query and the text it searches with (None: the resume cannot be parsed)."""
    if query.kind != "resume":
        return seeker_from_query(query.text, None, taxonomy=taxonomy, rome=rome), query.text
    from cv import CVParseError, parse_cv_text

    try:  # US resumes: their places are not French, skip geocoding
        parsed = parse_cv_text(query.resume_text or "", gazetteer=None)
    except CVParseError:
        return None
    seeker = seeker_from_profile(parsed.profile, parsed.text, rome=rome)
    return seeker, seeker_search_text(seeker)


def with_wishes(seeker: Seeker, qid: str, places: Sequence[tuple[str, float, float]]) -> Seeker:
    """Half of the seekers get a stated place and radius, some a contract wish (seeded by ``qid``)."""
    rng = random.Random(f"wishes:{qid}")
    if rng.random() >= 0.5 or not places:
        return seeker
    label, lat, lon = rng.choice(places)
    changes: dict[str, Any] = {
        "place": label,
        "lat": lat,
        "lon": lon,
        "radius_km": rng.choice([20.0, 30.0, 50.0]),
    }
    if rng.random() < 0.5:
        changes["contracts"] = tuple(rng.choice([["CDI"], ["MIS"], ["CDD"], ["CDI", "CDD"]]))
    if rng.random() < 0.2:
        changes["remote"] = True
    return dataclasses.replace(seeker, **changes)


def satisfies_wishes(seeker: Seeker, row: OfferRow) -> bool:
    """The offer meets the place, contract and remote conditions the seeker stated (none stated: True)."""
    if seeker.lat is not None and seeker.lon is not None:
        if row.latitude is None or row.longitude is None:
            return False
        if haversine_km(seeker.lat, seeker.lon, row.latitude, row.longitude) > seeker.radius_km:
            return False
    if seeker.remote is True and row.remote is not True:
        return False
    return not seeker.contracts or bool(set(seeker.contracts) & set(offer_contract_keys(row)))


def build_pools(
    engine: Engine,
    queries: Sequence[LabelledQuery],
    *,
    depth: int = DEFAULT_DEPTH,
    wishes: bool = False,
    rome: RomeFinder | None = None,
) -> list[LabelledPool]:
    """Run the hybrid search of every query (the retrieval the scorer re-ranks in production)."""
    rome = rome or default_rome()
    places: list[tuple[str, float, float]] = []
    if wishes:
        places = [
            (doc.external_id, doc.lat, doc.lon)
            for doc in engine.offers.iter_documents()
            if doc.lat is not None and doc.lon is not None
        ]
    pools = []
    for q in queries:
        built = labelled_seeker(q, taxonomy=engine.taxonomy, rome=rome)
        if built is None or not built[1]:
            continue
        seeker, text = built
        if wishes:
            seeker = with_wishes(seeker, q.qid, places)
        ranked = engine.searcher.search(SearchQuery(text=text, top_k=depth), exclude=q.exclude)
        rows = engine.offers.get_many([r.doc_id for r in ranked])
        pools.append(LabelledPool(q, seeker, text, rows))
    return pools


def pool_records(scorer: MatchScorer, pools: Sequence[LabelledPool]) -> list[PairRecord]:
    """Features and labels of every pair of every pool."""
    out = []
    for pool in pools:
        for rank, (row, feats) in enumerate(
            zip(pool.rows, scorer.features(pool.seeker, pool.rows), strict=True), 1
        ):
            grade = pool.query.grade(row.rome_code)
            label = int(grade == 2 and satisfies_wishes(pool.seeker, row))
            out.append(PairRecord(pool.query.qid, pool.query.kind, row.id, grade, label, rank, feats.values))
    return out


def is_holdout(qid: str) -> bool:
    return stable_unit(f"holdout:{qid}") < HOLDOUT_SHARE


def calibration_report(cal: Calibration, records: Sequence[PairRecord]) -> dict[str, Any]:
    """ECE (10 bins), Brier score, score spread and reliability table of ``cal`` on ``records``."""
    probs = np.array([cal.probability(r.features) for r in records])
    labels = np.array([r.label for r in records], dtype=np.float64)
    scores = np.round(100 * probs)
    return {
        "pairs": len(records),
        "queries": len({r.qid for r in records}),
        "positive_rate": round(float(labels.mean()), 4) if len(records) else 0.0,
        "ece_10_bins": round(expected_calibration_error(probs, labels), 4),
        "brier": round(float(np.mean((probs - labels) ** 2)), 4) if len(records) else 0.0,
        "score_percentiles": {str(p): float(np.percentile(scores, p)) for p in (5, 25, 50, 75, 95)}
        if len(records)
        else {},
        "reliability": reliability_table(probs, labels),
    }


def fit_from_records(
    records: Sequence[PairRecord], *, metadata: dict[str, Any]
) -> tuple[Calibration, dict[str, Any]]:
    """Fit on the non-held-out pairs; report on the held-out ones."""
    train = [r for r in records if not is_holdout(r.qid)]
    held = [r for r in records if is_holdout(r.qid)]
    cal = fit_calibration(
        [r.features for r in train],
        [r.label for r in train],
        FEATURES,
        l2=L2,
        fixed_reference=CONDITION_REFERENCE,
        metadata=metadata,
    )
    report = {"train": calibration_report(cal, train), "held_out": calibration_report(cal, held)}
    cal.metadata.update(
        {
            "train_pairs": len(train),
            "held_out_pairs": len(held),
            "held_out_ece_10_bins": report["held_out"]["ece_10_bins"],
            "held_out_brier": report["held_out"]["brier"],
            "held_out_score_percentiles": report["held_out"]["score_percentiles"],
        }
    )
    return cal, report


def fit_cross_encoder_stack(
    cal: Calibration,
    pools: Sequence[LabelledPool],
    records: Sequence[PairRecord],
    score_pairs: Callable[[list[tuple[str, str]]], list[float]],
    model_id: str,
    *,
    top_k: int = 20,
) -> CrossEncoderStack:
    """Fit ``z = z_features + w·ce_logit + shift`` on the training pairs the cross-encoder reads (top K)."""
    by_pair = {(r.qid, r.doc_id): r for r in records if not is_holdout(r.qid)}
    offsets, logits, labels = [], [], []
    for pool in pools:
        rows = [r for r in pool.rows[:top_k] if (pool.query.qid, r.id) in by_pair]
        if not rows:
            continue
        ce = score_pairs(
            [(pool.seeker.embed_text or pool.seeker.text[:1000], offer_embed_text(r)) for r in rows]
        )
        for row, value in zip(rows, ce, strict=True):
            rec = by_pair[(pool.query.qid, row.id)]
            offsets.append(cal.logit(rec.features))
            logits.append(value)
            labels.append(rec.label)
    w, shift = fit_logistic(
        np.array(logits).reshape(-1, 1), np.array(labels, dtype=np.float64), l2=L2, offset=np.array(offsets)
    )
    return CrossEncoderStack(model_id, float(w[0]), shift)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_CACHE, help="engine cache over the real offers"
    )
    parser.add_argument("--offers", type=Path, default=REAL_OFFERS)
    parser.add_argument("--resumes", type=Path, default=REAL_RESUMES)
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH)
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    parser.add_argument("--report", type=Path, default=DEFAULT_CACHE.parent / "calibration_report.json")
    parser.add_argument(
        "--reranker-model", default=None, help="also fit the stacking weight of this cross-encoder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    engine = open_offer_corpus(args.data_dir, args.offers)
    rome = default_rome()
    tax = engine.taxonomy
    labels = {}
    for doc in engine.offers.iter_documents():
        for key in doc.skills:
            if key not in labels:
                labels[key] = tax.label(key) if key in tax else key
    queries = [
        q
        for q in job_queries(engine.offers.iter_documents(), rome, labels) + resume_queries(args.resumes)
        if q.split == "calibration"
    ]
    pools = build_pools(engine, queries, depth=args.depth, wishes=True, rome=rome)
    scorer = MatchScorer(taxonomy=tax, rome=rome, embedder=engine.embedder, stored_vectors=engine.offers)
    records = pool_records(scorer, pools)
    metadata = {
        "label": "offer in the target job (same ROME code / primary family) and meets the stated place, "
        "contract and remote conditions",
        "queries": len(pools),
        "pairs": len(records),
        "depth": args.depth,
        "embedding_model": engine.embedder.model_id,
        "l2": L2,
        "offers_file": args.offers.name,
    }
    cal, report = fit_from_records(records, metadata=metadata)
    if args.reranker_model:
        from scoring.reranker import CrossEncoderReranker

        reranker = CrossEncoderReranker(args.reranker_model)
        stack = fit_cross_encoder_stack(
            cal,
            pools,
            records,
            lambda pairs: [v if v is not None else 0.0 for v in reranker.score_pairs(pairs).logits],
            reranker.model_id,
        )
        cal.cross_encoders[stack.model_id] = stack
    cal.save(args.out)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    held = report["held_out"]
    print(f"calibration: {len(pools)} queries, {len(records)} pairs, {time.perf_counter() - started:.0f} s")
    print(
        f"held-out: {held['pairs']} pairs, positive rate {held['positive_rate']}, ECE(10) {held['ece_10_bins']}, "
        f"Brier {held['brier']}, score percentiles {held['score_percentiles']}"
    )
    print("weights:", json.dumps(cal.to_json()["weights"], ensure_ascii=False))
    print(f"wrote {args.out} and {args.report}")
    engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
