"""``POST /match`` through HTTP: p50/p95 latency and requests/s under a bounded concurrent load on loopback.

The real app (``api``) is served by uvicorn in a thread; an ``httpx.AsyncClient`` keeps
``concurrency`` requests in flight. Two request kinds: a CV vector (the seed's GUI call; the vectors are
encoded beforehand, as the GUI sends them) and a stored candidate whose results are in the match cache.

    python -m bench.api_bench --limit 4000      # ingests the 4,000-offer sample into a temporary dir
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from api.app import create_app
from api.config import ApiConfig
from api.wiring import build_api_services
from app.runtime import Engine, build_engine
from app.settings import Settings
from bench.stats import summarize

QUERIES = [
    "développeur python", "cariste CACES", "aide-soignant de nuit", "comptable unique", "vendeur en boulangerie",
    "chauffeur poids lourd", "infirmier bloc opératoire", "serveur restaurant", "électricien bâtiment",
    "assistant administratif", "maçon", "data analyst", "agent d'entretien", "soudeur tig", "commercial b2b",
    "auxiliaire de vie", "technicien de maintenance", "cuisinier", "préparateur de commandes", "boulanger",
]  # fmt: skip
BENCH_CV = """Marie Dupont
marie.dupont@example.fr
69003 Lyon

Développeuse Python senior

Expérience professionnelle
2016 - 2024 Développeuse Python, Société Exemple, Lyon
Conception d'API REST avec Django et PostgreSQL.

Compétences
Python, Django, PostgreSQL, Docker, Git
"""


class _Server:
    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


async def _load(url: str, bodies: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await client.post("/match", json=bodies[0])  # warm-up (scorer, caches)

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                body = queue.get_nowait()
                t0 = time.perf_counter()
                r = await client.post("/match", json=body)
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {**summarize(latencies), "requests_per_s": round(len(bodies) / wall, 1), "errors": errors}


def bench_api(engine: Engine, *, requests: int = 400, concurrency: int = 8) -> dict[str, Any]:
    """p50/p95 and requests/s of ``POST /match`` (vector, cached profile) over loopback."""
    cv_id = engine.candidate_ingestion.ingest_bytes(BENCH_CV.encode(), "bench-cv.txt").external_id
    config = ApiConfig(rate_limit_per_minute=0.0)
    services = build_api_services(engine, config)
    vectors = [[float(x) for x in v] for v in engine.embedder.embed_documents(QUERIES)]
    out: dict[str, Any] = {"concurrency": concurrency, "requests": requests}
    with _Server(create_app(services, config)) as server:
        by_vector = [{"cv_embedding": vectors[i % len(vectors)]} for i in range(requests)]
        out["match_vector"] = asyncio.run(_load(server.url, by_vector, concurrency))
        out["match_cached"] = asyncio.run(_load(server.url, [{"cv_id": cv_id}] * requests, concurrency))
    return out


def main(argv: list[str] | None = None) -> None:
    from ingestion.offers.readers import read_offer_items

    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--offers", type=Path, default=root / "data" / "offers" / "france_travail_sample.jsonl.gz"
    )
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bassin-api-bench-") as tmp:
        engine = build_engine(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        items = (item for i, item in enumerate(read_offer_items(args.offers)) if i < args.limit)
        engine.pipeline.ingest(items)
        result = {
            "size": engine.offers.count(),
            **bench_api(engine, requests=args.requests, concurrency=args.concurrency),
        }
        engine.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
