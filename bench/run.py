"""Run the benchmarks and rewrite the README performance table.

    python -m bench.run                       # 7.8k real offers, then 100k and 1M scaled up
    python -m bench.run --sizes 100000        # skip the 1M build
    python -m bench.run --no-readme           # print only

Results are also written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from bench import cv_bench
from bench.agent_bench import bench_agent
from bench.api_bench import bench_api
from bench.queries import benchmark_queries
from bench.scaled_engine import scaled_engine
from bench.search_bench import bench_elasticsearch, bench_ingestion, bench_searcher, build_scaled, rss_mb
from bench.table import render_markdown, update_readme
from bench.ui_bench import bench_ui

ROOT = Path(__file__).resolve().parents[1]
SHARED_OFFERS = ROOT.parent / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"
SAMPLE_OFFERS = ROOT / "data" / "offers" / "france_travail_sample.jsonl.gz"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB RAM, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--offers", type=Path, default=SHARED_OFFERS if SHARED_OFFERS.exists() else SAMPLE_OFFERS
    )
    parser.add_argument("--sizes", default="100000,1000000", help="scaled corpus sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query set")
    parser.add_argument("--agent-sizes", default="100000", help="scaled sizes for the agent-turn benchmark")
    parser.add_argument("--skip-cv", action="store_true", help="skip the CV parsing benchmark")
    parser.add_argument(
        "--elasticsearch-url",
        default=os.environ.get("BASSIN_BENCH_ELASTICSEARCH_URL"),
        help="also run the query set with Elasticsearch as the lexical backend (same FAISS), side by side",
    )
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"date": date.today().isoformat(), "machine": machine(), "search": []}
    with tempfile.TemporaryDirectory(prefix="bassin-bench-") as tmp:
        work = Path(tmp)
        engine, ingestion = bench_ingestion(args.offers, work)
        results["ingestion"] = ingestion
        print(json.dumps(ingestion, indent=2))
        queries = benchmark_queries(engine.gazetteer)
        real = bench_searcher(engine.searcher, queries, args.rounds)
        results["search"].append(
            {"size": ingestion["offers"], "faiss_mode": str(engine.vectors.mode), **real}
        )
        print(json.dumps(results["search"][-1], indent=2))
        if args.elasticsearch_url:
            tantivy_row = results["search"][-1]
            es = bench_elasticsearch(engine, args.elasticsearch_url, queries, args.rounds)
            results["backends"] = [
                {"backend": "tantivy (embedded)", **tantivy_row},
                {"backend": "Elasticsearch 8.19", **es},
            ]
            print(json.dumps(es, indent=2))
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            searcher, info = build_scaled(engine, size, work)
            measured = bench_searcher(searcher, queries, args.rounds)
            results["search"].append({**info, **measured, "rss_mb": round(rss_mb())})
            print(json.dumps(results["search"][-1], indent=2))
            searcher.lexical.close()
            del searcher
        results["agent"] = [{"size": ingestion["offers"], **bench_agent(engine)}]
        print(json.dumps(results["agent"][-1], indent=2))
        for size in [int(s) for s in args.agent_sizes.split(",") if s.strip()]:
            scaled = scaled_engine(engine, size, work)
            results["agent"].append({"size": size, **bench_agent(scaled)})
            print(json.dumps(results["agent"][-1], indent=2))
            scaled.close()
        results["api"] = [{"size": ingestion["offers"], **bench_api(engine)}]
        print(json.dumps(results["api"][-1], indent=2))
        engine.close()
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is not None:  # the chat UI in a real browser, over the same data dir
            label = f"{ingestion['offers']:,}"
            results["ui"] = [bench_ui(engine.settings.data_dir, offers_label=label, chromium=chromium)]
            print(json.dumps(results["ui"][-1], indent=2))
    if not args.skip_cv:
        results["cv"] = cv_bench.main(["--limit", "40"])

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    table = render_markdown(results)
    print(table)
    if not args.no_readme:
        update_readme(ROOT / "README.md", table)


if __name__ == "__main__":
    main()
