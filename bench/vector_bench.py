"""Vector backends side by side in one run: FAISS, Elasticsearch kNN (int8 HNSW) and pgvector (HNSW).

The 7,779 real offers are ingested once with the real pipeline and model (their documents and stored
embeddings are what the backends index), then scaled to ``--size`` documents: copies get new ids,
places jittered by up to ~5 km and vectors perturbed (Gaussian, sigma 0.01 per component, then
re-normalised), so no two documents share a vector. Each backend bulk-loads the same documents
(``reindex``: what ``bassin reindex`` and ``sync --rebuild`` do), then answers the same queries under
the same filters, top 10; recall@10 is against an exact search over the documents each filter allows.

    BASSIN_ES_PORT=… BASSIN_PG_PORT=… .venv/bin/python -m bench.vector_bench --size 100000
    (Elasticsearch from ``scripts/elasticsearch.sh start``, PostgreSQL from ``scripts/postgres.sh start``)
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from app.runtime import build_engine
from app.settings import Settings
from domain.documents import IndexDocument
from domain.filters import matches
from domain.search import GeoFilter, SearchFilters
from ingestion.offers.readers import read_offer_items
from retrieval.vector import FaissVectorIndex, VectorBackend

ROOT = Path(__file__).resolve().parents[1]
OFFERS = ROOT.parent / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"
FILTERS: dict[str, SearchFilters] = {
    "none": SearchFilters(),
    "CDI": SearchFilters(contracts=["CDI"]),
    "Lyon 30 km": SearchFilters(geo=GeoFilter(label="Lyon", lat=45.764, lon=4.8357, radius_km=30)),
    "Lyon 30 km + CDI": SearchFilters(
        geo=GeoFilter(label="Lyon", lat=45.764, lon=4.8357, radius_km=30), contracts=["CDI"]
    ),
    "dept 33 + ≤ 24 months": SearchFilters(departments=["33"], experience_max_months=24),
    "since 2025-11-14, not MIS": SearchFilters(published_since=date(2025, 11, 14), exclude_contracts=["MIS"]),
}


def real_corpus(workdir: Path, cache: Path | None) -> tuple[list[IndexDocument], np.ndarray, str, float]:
    """The real offers through the real pipeline: documents, stored embeddings, model id, seconds
    (kept in ``cache`` when given, so a second run skips the ingestion)."""
    if cache is not None and (cache / "corpus.pkl").exists():
        return pickle.loads((cache / "corpus.pkl").read_bytes())  # type: ignore[no-any-return]
    corpus = _ingest_real(workdir)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "corpus.pkl").write_bytes(pickle.dumps(corpus))
    return corpus


def _ingest_real(workdir: Path) -> tuple[list[IndexDocument], np.ndarray, str, float]:
    engine = build_engine(Settings(data_dir=workdir / "real", _env_file=None))  # type: ignore[call-arg]
    try:
        t0 = time.perf_counter()
        engine.pipeline.ingest(read_offer_items(OFFERS))
        seconds = time.perf_counter() - t0
        docs = list(engine.offers.iter_documents())
        stored = engine.offers.load_embeddings([d.doc_id for d in docs], engine.embedder.model_id)
        vectors = np.stack([stored[d.doc_id][1] for d in docs]).astype(np.float32)
        return docs, vectors, engine.embedder.model_id, seconds
    finally:
        engine.close()


def scale(
    docs: list[IndexDocument], vectors: np.ndarray, size: int, seed: int = 0
) -> tuple[list[IndexDocument], np.ndarray]:
    rng = np.random.default_rng(seed)
    out_docs: list[IndexDocument] = []
    out = np.empty((size, vectors.shape[1]), dtype=np.float32)
    for n in range(size):
        src, copy = n % len(docs), n // len(docs)
        d = docs[src]
        lat, lon = d.lat, d.lon
        if copy and lat is not None and lon is not None:
            dlat, dlon = rng.uniform(-0.045, 0.045, size=2)
            lat, lon = lat + float(dlat), lon + float(dlon)
        out_docs.append(
            replace(
                d,
                doc_id=n + 1,
                external_id=f"{d.external_id}-{copy}",
                content_hash=f"{d.content_hash[:24]}{copy:08d}",
                lat=lat,
                lon=lon,
            )
        )
        v = vectors[src] + (rng.standard_normal(vectors.shape[1]).astype(np.float32) * 0.01 if copy else 0)
        out[n] = v / np.linalg.norm(v)
    return out_docs, out


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def open_backend(name: str, model_id: str, dim: int, workdir: Path) -> tuple[VectorBackend, Any]:
    if name == "faiss":
        return FaissVectorIndex.open(workdir / "faiss", model_id=model_id, dim=dim), None
    if name == "elasticsearch":
        from retrieval.lexical.elastic import connect_elasticsearch
        from retrieval.vector.elastic_vectors import ElasticsearchVectorIndex

        client = connect_elasticsearch(
            os.environ.get("BASSIN_BENCH_ELASTICSEARCH_URL")
            or f"http://127.0.0.1:{os.environ.get('BASSIN_ES_PORT', '9200')}"
        )
        index = ElasticsearchVectorIndex(
            client, "offers", model_id=model_id, dim=dim, index_prefix="bench-vectors", recreate=True
        )
        return index, client
    from sqlalchemy import create_engine

    from retrieval.vector.pgvector_index import PgVectorIndex

    url = (
        os.environ.get("BASSIN_BENCH_DATABASE_URL")
        or f"postgresql+psycopg://postgres@127.0.0.1:{os.environ.get('BASSIN_PG_PORT', '5433')}/bassin"
    )
    engine = create_engine(url)
    return PgVectorIndex(engine, "bench", model_id=model_id, dim=dim, recreate=True), engine


def footprint(
    name: str, index: VectorBackend, handle: Any, workdir: Path, rss_before: float
) -> dict[str, Any]:
    if name == "faiss":
        # what a process pays to serve it: open it afresh from disk
        rss0 = rss_mb()
        reopened = FaissVectorIndex.open(workdir / "faiss", model_id=index.model_id, dim=index.dim)
        grown = rss_mb() - rss0
        held = f"{grown:.0f} MB RSS on open" if grown > 1 else "loaded whole into each process (≈ disk)"
        out = {"disk_mb": round(dir_mb(workdir / "faiss"), 1), "memory": held}
        del reopened
        return out
    if name == "elasticsearch":
        stats = handle.indices.stats(index=index.alias, metric="store")  # type: ignore[attr-defined]
        size = sum(v["primaries"]["store"]["size_in_bytes"] for v in stats["indices"].values())
        jvm = next(iter(handle.nodes.stats(metric="jvm")["nodes"].values()))["jvm"]["mem"][
            "heap_used_in_bytes"
        ]
        return {
            "disk_mb": round(size / 2**20, 1),
            "memory": f"off-heap (page cache) + {jvm / 2**20:.0f} MB JVM heap in use",
        }
    from sqlalchemy import text

    with handle.connect() as conn:
        total = conn.execute(text("SELECT pg_total_relation_size('bassin_vectors_bench')")).scalar_one()
        hnsw = conn.execute(text("SELECT pg_relation_size('bassin_vectors_bench_hnsw')")).scalar_one()
    return {
        "disk_mb": round(total / 2**20, 1),
        "memory": f"shared buffers / page cache (HNSW {hnsw / 2**20:.0f} MB)",
    }


def run(size: int, queries: int, backends: list[str], cache: Path | None = None) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bassin-vector-bench-"))
    try:
        base_docs, base_vecs, model_id, ingest_s = real_corpus(workdir, cache)
        docs, vecs = scale(base_docs, base_vecs, size)
        rng = np.random.default_rng(1)
        picks = rng.choice(len(base_docs), size=queries, replace=False)
        qs = base_vecs[picks] + rng.standard_normal((queries, vecs.shape[1])).astype(np.float32) * 0.02
        qs /= np.linalg.norm(qs, axis=1, keepdims=True)
        allowed = {name: np.array([matches(d, f) for d in docs]) for name, f in FILTERS.items()}
        # recall@10 counts a hit as right when its exact score reaches the 10th best allowed score:
        # offers with the same title share a vector, and any of the tied ones is a right answer
        kth: dict[str, np.ndarray] = {}
        for name, mask in allowed.items():
            scores = qs @ vecs[np.flatnonzero(mask)].T
            k = min(10, scores.shape[1])
            kth[name] = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
        result: dict[str, Any] = {
            "size": size,
            "queries": queries,
            "dim": int(vecs.shape[1]),
            "model": model_id,
            "allowed": {k: int(v.sum()) for k, v in allowed.items()},
            "real_ingest_s": round(ingest_s, 1),
            "backends": {},
        }
        for name in backends:
            rss0 = rss_mb()
            index, handle = open_backend(name, model_id, int(vecs.shape[1]), workdir)

            def items() -> Iterator[tuple[IndexDocument, np.ndarray]]:
                yield from zip(docs, vecs, strict=True)

            t0 = time.perf_counter()
            index.reindex(items())
            index.save()
            load_s = time.perf_counter() - t0
            for q in qs[:20]:  # warm-up
                index.search(q, None, 10)
            per_filter: dict[str, Any] = {}
            all_lat: list[float] = []
            for fname, f in FILTERS.items():
                lat, rec = [], []
                for qi, q in enumerate(qs):
                    t = time.perf_counter()
                    hits = index.search(q, f, 10)
                    lat.append((time.perf_counter() - t) * 1000)
                    assert all(allowed[fname][h.doc_id - 1] for h in hits), (name, fname)
                    wanted = min(10, int(allowed[fname].sum()))
                    exact = vecs[[h.doc_id - 1 for h in hits]] @ q if hits else np.empty(0)
                    rec.append(min(wanted, int((exact >= kth[fname][qi] - 1e-5).sum())) / max(1, wanted))
                all_lat += lat
                per_filter[fname] = {
                    "p50_ms": round(statistics.median(lat), 2),
                    "p95_ms": round(float(np.percentile(lat, 95)), 2),
                    "recall@10": round(float(np.mean(rec)), 4),
                }
            result["backends"][name] = {
                "mode": index.mode,
                "load_s": round(load_s, 1),
                "docs_per_s": round(size / load_s, 0),
                "p50_ms": round(statistics.median(all_lat), 2),
                "p95_ms": round(float(np.percentile(all_lat, 95)), 2),
                "recall@10": round(float(np.mean([v["recall@10"] for v in per_filter.values()])), 4),
                "filters": per_filter,
                **footprint(name, index, handle, workdir, rss0),
            }
            print(json.dumps({name: result["backends"][name]}, ensure_ascii=False), flush=True)
            index.close()
            if name == "elasticsearch":
                names = list(handle.indices.get(index="bench-vectors-*", allow_no_indices=True))
                if names:
                    handle.indices.delete(index=",".join(names), ignore_unavailable=True)
                handle.close()
            elif name == "pgvector":
                from sqlalchemy import text

                with handle.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS bassin_vectors_bench"))
                handle.dispose()
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def table(result: dict[str, Any]) -> str:
    lines = [
        "| backend | index | load (docs/s) | filtered kNN p50 | p95 | recall@10 | disk | memory |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, r in result["backends"].items():
        lines.append(
            f"| {name} | {r['mode']} | {r['load_s']} s ({r['docs_per_s']:.0f}) | {r['p50_ms']} ms | {r['p95_ms']} ms "
            f"| {r['recall@10']:.3f} | {r['disk_mb']} MB | {r['memory']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--backends", default="faiss,elasticsearch,pgvector")
    parser.add_argument("--cache", type=Path, help="Folder keeping the ingested real corpus between runs.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "vectors.json")
    args = parser.parse_args()
    result = run(args.size, args.queries, args.backends.split(","), args.cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(table(result))


if __name__ == "__main__":
    main()
