"""Indexing throughput and query latency of the embedded lexical backend (tantivy).

The corpus is the 7.8k real France Travail offers, replicated with new doc ids up to each size.

    python -m bench.lexical_tantivy --sizes 7779 100000 1000000 --runs 300
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from domain.documents import IndexDocument
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.tantivy_backend import TantivyBackend

OFFERS = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "offers"
    / "france_travail_offers.jsonl.gz"
)
LYON = GeoFilter(label="Lyon", lat=45.764, lon=4.8357, radius_km=30)
BATCH = 5_000

QUERIES: dict[str, tuple[str, SearchFilters]] = {
    "text+CDI+30km Lyon": ("développeur python", SearchFilters(contracts=["CDI"], geo=LYON)),
    "text only": ("développeur python", SearchFilters()),
    "long text (12 terms)": (
        "assistant administratif comptabilité facturation relation client pack office anglais autonomie "
        "rigueur organisation",
        SearchFilters(),
    ),
    "text+dept+exp<=12": (
        "aide soignant",
        SearchFilters(departments=["75", "92", "93", "94"], experience_max_months=12),
    ),
    "browse CDI+30km Lyon": ("", SearchFilters(contracts=["CDI"], geo=LYON)),
    "browse since+remote=False": ("", SearchFilters(published_since=date(2025, 11, 1), remote=False)),
}


def offer_document(doc_id: int, raw: dict[str, Any]) -> IndexDocument:
    place = raw.get("lieuTravail") or {}
    postcode = place.get("codePostal") or ""
    return IndexDocument(
        doc_id=doc_id,
        external_id=raw["id"],
        content_hash=f"{doc_id:032x}",
        title=raw.get("intitule") or "",
        body=raw.get("description") or "",
        embed_text="",
        contract=(raw["typeContrat"],),
        rome=(raw["romeCode"],),
        department=(postcode[:2],) if postcode else (),
        skills=tuple(sorted({c["code"] for c in raw.get("competences") or [] if c.get("code")})),
        experience_months=0 if raw.get("experienceExige") == "D" else 12,
        published=date.fromisoformat(raw["dateCreation"][:10]),
        lat=place.get("latitude"),
        lon=place.get("longitude"),
    )


def batch(base: list[IndexDocument], start: int, stop: int) -> list[IndexDocument]:
    """Documents ``start + 1`` … ``stop`` of the replicated corpus (doc id i is offer i mod 7,779)."""
    return [
        replace(base[i % len(base)], doc_id=i + 1, external_id=f"{base[i % len(base)].external_id}-{i}")
        for i in range(start, stop)
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float, float]:
    """(wall p50, wall p95, CPU p50, CPU p95) in milliseconds, after a warm-up.

    CPU time (all threads of the process) stays meaningful on a shared, loaded machine where
    wall-clock tails mostly measure waiting for a core.
    """
    for _ in range(min(20, runs)):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return *percentiles(wall), *percentiles(cpu)


def build(backend: TantivyBackend, base: list[IndexDocument], size: int) -> str:
    """Index the corpus; returns the throughput line."""
    build_s = 0.0  # building IndexDocuments is the caller's cost, not the backend's
    start, start_cpu = time.perf_counter(), time.process_time()
    for i in range(0, size, BATCH):
        build_start = time.perf_counter()
        docs = batch(base, i, min(size, i + BATCH))
        build_s += time.perf_counter() - build_start
        backend.upsert(docs)
    backend.commit()
    index_s = time.perf_counter() - start - build_s
    cpu_s = time.process_time() - start_cpu - build_s
    backend.close()  # waits for merges, as a real `bassin sync` ends
    total_s = time.perf_counter() - start - build_s
    return (
        f"indexing: {size / index_s:,.0f} docs/s wall until commit ({index_s:.1f} s), "
        f"{size / cpu_s:,.0f} docs per CPU-second, {total_s:.1f} s with merges"
    )


def bench_size(base: list[IndexDocument], size: int, runs: int, root: Path) -> None:
    backend = TantivyBackend(root / f"n{size}", "offers")
    print(f"\n## {size:,} documents")
    if backend.count() == size:
        print(f"indexing: skipped, reusing the index in {root / f'n{size}'}")
    else:
        backend.clear()
        print(build(backend, base, size))
    disk_mb = sum(p.stat().st_size for p in (root / f"n{size}").rglob("*") if p.is_file()) / 1e6
    print(f"index on disk {disk_mb:,.0f} MB")
    print("| query | hits | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms |\n|---|---|---|---|---|---|")
    for name, (text, filters) in QUERIES.items():
        hits = backend.search(text, filters, 50)
        stats = timed(partial(backend.search, text, filters, 50), runs)
        print(f"| {name} top 50 | {len(hits)} | " + " | ".join(f"{v:.2f}" for v in stats) + " |")
    start = time.perf_counter()
    hashes = backend.hashes()
    print(f"hashes(): {len(hashes):,} in {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    reopened = TantivyBackend(root / f"n{size}", "offers")
    reopened.search("développeur", SearchFilters(), 10)
    print(f"open + first query: {(time.perf_counter() - start) * 1000:.0f} ms")
    reopened.close()
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[7_779, 100_000])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument(
        "--dir", type=Path, default=None, help="keep the indexes here and reuse them (default: a temp dir)"
    )
    args = parser.parse_args()
    with gzip.open(OFFERS, "rt", encoding="utf-8") as lines:
        base = [offer_document(i + 1, json.loads(line)) for i, line in enumerate(lines)]
    print(f"# tantivy lexical backend — {platform.processor() or platform.machine()}, {date.today()}")
    root = args.dir or Path(tempfile.mkdtemp(prefix="bench-tantivy-"))
    try:
        for size in args.sizes:
            bench_size(base, size, args.runs, root)
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss_mb:,.0f} MB")


if __name__ == "__main__":
    main()
