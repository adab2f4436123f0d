"""Ingestion throughput and hybrid search latency at the real corpus size and scaled up."""

from __future__ import annotations

import dataclasses
import gc
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from app.runtime import Engine, build_engine
from app.settings import Settings
from bench.stats import summarize, timed_ms
from domain.documents import IndexDocument
from domain.search import SearchQuery
from ingestion.offers.readers import count_items, read_offer_items
from retrieval.hybrid import FusionConfig, HybridSearcher
from retrieval.lexical.tantivy_backend import TantivyBackend
from retrieval.vector import FaissVectorIndex


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ingestion(offers: Path, workdir: Path) -> tuple[Engine, dict[str, Any]]:
    """Ingest a real offer file into a fresh data dir; throughput and the share spent embedding."""
    engine = build_engine(Settings(data_dir=workdir / "ingest", _env_file=None))  # type: ignore[call-arg]
    engine.embedder.embed_documents(["échauffement"])  # model load is not ingestion time
    _ = engine.pipeline  # taxonomy + gazetteer loading neither
    engine.taxonomy.extract("python")
    engine.gazetteer.department_of_postcode("69003")
    summary = engine.pipeline.ingest(read_offer_items(offers))
    rerun = engine.pipeline.ingest(read_offer_items(offers))
    result = {
        "offers": summary.read,
        "inserted": summary.inserted,
        "rejected": len(summary.rejected),
        "seconds": round(summary.seconds, 2),
        "offers_per_s": round(summary.read / summary.seconds, 1),
        "embed_seconds": round(summary.embed_seconds, 2),
        "embed_share": round(summary.embed_seconds / summary.seconds, 3),
        "overhead_share": round(1 - summary.embed_seconds / summary.seconds, 3),
        "rerun_seconds": round(rerun.seconds, 2),
        "rerun_unchanged": rerun.unchanged,
        "file_records": count_items(offers),
    }
    return engine, result


def bench_searcher(searcher: HybridSearcher, queries: list[SearchQuery], rounds: int) -> dict[str, Any]:
    """p50/p95 of hybrid, lexical-only and vector-only (with query encoding) over the query set."""
    embedder = searcher._embedder()
    for q in queries:  # warm-up: caches, lazy structures
        searcher.search(q)
    hybrid: list[float] = []
    lexical: list[float] = []
    vector: list[float] = []
    encode: list[float] = []
    depth = searcher.fusion.depth
    for _ in range(rounds):
        for q in queries:
            hybrid += timed_ms(lambda q=q: searcher.search(q), 1)
            lexical += timed_ms(lambda q=q: searcher.lexical.search(q.text, q.filters, depth), 1)
            if q.text:
                encode += timed_ms(lambda q=q: embedder.embed_query(q.text), 1)
                vec = embedder.embed_query(q.text)
                vector += timed_ms(lambda q=q, vec=vec: searcher.vectors.search(vec, q.filters, depth), 1)
    return {
        "hybrid": summarize(hybrid),
        "lexical": summarize(lexical),
        "vector": summarize(vector),
        "encode_query": summarize(encode),
    }


def _replicas(
    base: list[IndexDocument], vectors: np.ndarray, size: int, seed: int = 0
) -> Iterator[tuple[list[IndexDocument], np.ndarray]]:
    """Scale the real corpus: copies with new ids, places jittered by up to ~5 km, vectors perturbed."""
    rng = np.random.default_rng(seed)
    n = len(base)
    chunk = 20_000
    made = 0
    while made < size:
        take = min(chunk, size - made)
        idx = np.arange(made, made + take) % n
        copy_no = np.arange(made, made + take) // n
        noise = rng.normal(0, 0.02, size=(take, vectors.shape[1])).astype(np.float32)
        vecs = vectors[idx] + noise
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        jitter = rng.uniform(-0.045, 0.045, size=(take, 2))
        docs = []
        for j in range(take):
            d = base[idx[j]]
            k = int(copy_no[j])
            docs.append(
                dataclasses.replace(
                    d,
                    doc_id=made + j + 1,
                    external_id=f"{d.external_id}-{k}",
                    content_hash=f"{d.content_hash[:24]}{k:08d}",
                    lat=None if d.lat is None or k == 0 else float(d.lat + jitter[j, 0]),
                    lon=None if d.lon is None or k == 0 else float(d.lon + jitter[j, 1]),
                )
                if k
                else dataclasses.replace(d, doc_id=made + j + 1)
            )
        yield docs, vecs
        made += take


def build_scaled(engine: Engine, size: int, workdir: Path) -> tuple[HybridSearcher, dict[str, Any]]:
    """FAISS + tantivy indexes of ``size`` documents derived from the ingested real offers."""
    base = list(engine.offers.iter_documents())
    stored = engine.offers.load_embeddings([d.doc_id for d in base], engine.embedder.model_id)
    vectors = np.stack([stored[d.doc_id][1] for d in base])
    root = workdir / f"scaled-{size}"
    # bulk load: stay exact while adding, then train the IVF index once (as `bassin sync --rebuild` would)
    vindex = FaissVectorIndex.open(
        root / "faiss", model_id=engine.embedder.model_id, dim=engine.embedder.dim, exact_threshold=size + 1
    )
    lexical = TantivyBackend(root / "tantivy", "offers")
    t_vec = t_lex = 0.0
    for docs, vecs in _replicas(base, vectors, size):
        t0 = time.perf_counter()
        vindex.upsert(docs, vecs)
        t1 = time.perf_counter()
        lexical.upsert(docs)
        t_lex += time.perf_counter() - t1
        t_vec += t1 - t0
    t0 = time.perf_counter()
    lexical.commit()
    t_lex += time.perf_counter() - t0
    t0 = time.perf_counter()
    vindex.exact_threshold = engine.settings.vector_exact_threshold
    vindex.rebuild()
    vindex.save()
    t_vec += time.perf_counter() - t0
    gc.collect()
    info = {
        "size": size,
        "faiss_mode": str(vindex.mode),
        "faiss_build_s": round(t_vec, 1),
        "tantivy_build_s": round(t_lex, 1),
        "tantivy_docs_per_s": round(size / t_lex, 0),
    }
    searcher = HybridSearcher(
        lexical=lexical, vectors=vindex, embedder=lambda: engine.embedder, fusion=FusionConfig()
    )
    return searcher, info


def bench_elasticsearch(engine: Engine, url: str, queries: list[SearchQuery], rounds: int) -> dict[str, Any]:
    """The same query set with Elasticsearch as the lexical backend over the same documents and FAISS."""
    import uuid

    from retrieval.lexical.elastic import ElasticsearchBackend, connect_elasticsearch

    client = connect_elasticsearch(url)
    prefix = f"bassin-bench-{uuid.uuid4().hex[:8]}"
    backend = ElasticsearchBackend(client, "offers", index_prefix=prefix)
    try:
        backend.upsert(list(engine.offers.iter_documents()))
        backend.commit()
        searcher = HybridSearcher(lexical=backend, vectors=engine.vectors, embedder=lambda: engine.embedder)
        return {
            "size": backend.count(),
            "faiss_mode": str(engine.vectors.mode),
            **bench_searcher(searcher, queries, rounds),
        }
    finally:
        names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)
        client.close()
