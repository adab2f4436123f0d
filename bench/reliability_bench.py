"""Fuzz + load + abuse run against a real ``bassin serve`` process (issue 19): the figures of the README's
"Reliability" table.

1. **fuzz**: malformed and hostile bodies on every endpoint (wrong types, unknown keys, NaN, huge numbers,
   deep nesting, invalid JSON, wrong content types, oversized ids), with a valid key: must give 0 5xx;
2. **load**: valid ``/match``, ``/faiss/search``, ``/offers``, ``/embeddings`` requests, ``--concurrency`` in
   flight, spread over the server's keys: p50/p95, errors, and the server's RSS before and after;
3. **abuse**, anonymous, from one address: a made-up ``X-API-Key`` per request (must share the address's
   bucket), key guessing on ``/faiss/upsert`` (429 after a few), and 64 × 19,000-character ``/embeddings``
   without a key (refused at once).

    python -m bench.reliability_bench --offers-limit 1000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.stats import summarize

ROOT = Path(__file__).resolve().parents[1]
KEYS = [f"bench-key-{i:02d}-0123456789" for i in range(20)]
QUERIES = ["développeur python", "cariste CACES", "aide-soignant de nuit", "comptable", "boulanger", "maçon"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASSIN_")}
    env.update(BASSIN_DATA_DIR=str(data_dir), BASSIN_API_KEYS=",".join(KEYS), BASSIN_LLM_PROVIDER="offline")
    return env


def _rss_mb(pid: int) -> float:
    return round(psutil.Process(pid).memory_info().rss / 1024 / 1024, 1)


def fuzz_bodies(rng: random.Random, vector: list[float], n: int) -> list[tuple[str, str, Any]]:
    """(method, path, body-or-raw-bytes) cases: mostly invalid, some valid."""
    junk: list[Any] = [
        None, True, 0, -1, 2**70, 1e308, "5", "", "x" * 5000, [], {}, [[[[[]]]]], {"a": {"b": {"c": {}}}},
        [True] * 512, ["0.1"] * 512, [0.1] * 3, [0.1] * 5000, "NaN", {"$where": "1"}, "../../etc/passwd",
    ]  # fmt: skip
    fields = [
        "cv_embedding",
        "cv_id",
        "cv_text",
        "top_k",
        "filters",
        "index",
        "vector",
        "items",
        "ids",
        "texts",
    ]
    filters = [{"contract": ["CDI"]}, {"contracts": "CDI"}, {"geo": {"lat": 999}}, {"remote": "yes"},
               {"experience_min_months": 5, "experience_max_months": 1}, {"published_since": "hier"}]  # fmt: skip
    paths = ["/match", "/faiss/search", "/faiss/upsert", "/faiss/delete", "/embeddings"]
    out: list[tuple[str, str, Any]] = []
    for i in range(n):
        kind = i % 6
        path = rng.choice(paths)
        if kind == 0:
            out.append(
                ("POST", path, {rng.choice(fields): rng.choice(junk) for _ in range(rng.randint(1, 4))})
            )
        elif kind == 1:
            out.append(
                (
                    "POST",
                    path,
                    {"cv_embedding": vector, "filters": rng.choice(filters), "top_k": rng.choice(junk)},
                )
            )
        elif kind == 2:
            raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 400)))
            out.append(
                ("RAW", path, rng.choice([raw, b'{"cv_embedding": [NaN]}', b"{" * 5000, b'{"texts": ["a"']))
            )
        elif kind == 3:
            ids = rng.choice(["A,B,C", "," * 500, "x" * 400, "%00", ",".join(str(j) for j in range(500))])
            out.append(("GET", f"/offers?ids={ids}", None))
        elif kind == 4:
            out.append(
                (
                    "POST",
                    "/faiss/search",
                    {
                        "index": rng.choice(["offers", "nope", 3]),
                        "vector": rng.choice([vector, junk[rng.randrange(len(junk))]]),
                    },
                )
            )
        else:
            out.append(("POST", "/match", {"cv_embedding": vector, "top_k": rng.randint(1, 100)}))  # valid
    return out  # fmt: skip


DROPPED: list[str] = []


async def _send(client: httpx.AsyncClient, method: str, path: str, body: Any, key: str | None) -> int:
    """The status code; 0 when the connection was dropped (recorded in ``DROPPED``)."""
    headers = {"X-API-Key": key} if key else {}
    try:
        if method == "GET":
            r = await client.get(path, headers=headers)
        elif method == "RAW":
            r = await client.post(path, content=body, headers={**headers, "content-type": "application/json"})
        else:
            r = await client.post(path, json=body, headers=headers)
    except httpx.TransportError as exc:
        DROPPED.append(f"{method} {path[:60]} {str(body)[:80]!r}: {type(exc).__name__}")
        return 0
    return r.status_code


async def _run(
    url: str, cases: list[tuple[str, str, Any]], concurrency: int
) -> tuple[list[int], list[float]]:
    codes: list[int] = []
    latencies: list[float] = []
    queue: asyncio.Queue[tuple[int, tuple[str, str, Any]]] = asyncio.Queue()
    for item in enumerate(cases):
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                i, (method, path, body) = queue.get_nowait()
                t0 = time.perf_counter()
                codes.append(await _send(client, method, path, body, KEYS[i % len(KEYS)]))
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return codes, latencies


def load_cases(rng: random.Random, vectors: list[list[float]], n: int) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    for i in range(n):
        v = vectors[i % len(vectors)]
        kind = i % 4
        if kind == 0:
            out.append(("POST", "/match", {"cv_embedding": v, "filters": {"contracts": ["CDI"]}}))
        elif kind == 1:
            out.append(("POST", "/faiss/search", {"index": "offers", "vector": v, "top_k": 10}))
        elif kind == 2:
            out.append(
                ("GET", "/offers?ids=" + ",".join(rng.sample(["A1", "B2", "C3", "D4", "E5"], 3)), None)
            )
        else:
            out.append(("POST", "/embeddings", {"texts": [rng.choice(QUERIES)]}))
    return out


def abuse(url: str) -> dict[str, Any]:
    """Anonymous abuse from one address: key guessing, made-up keys, CPU-heavy embeddings (in that order:
    the made-up keys empty the address's bucket, which would hide the key-guessing budget)."""
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=120) as c:
        body = {"index": "offers", "ids": ["A1"]}
        guesses = [
            c.post("/faiss/delete", json=body, headers={"X-API-Key": f"guess-{i}"}).status_code
            for i in range(100)
        ]
        first = guesses.index(429) if 429 in guesses else None
        out["key_guessing"] = {
            "sent": 100,
            "refused_403": guesses.count(403),
            "throttled_429": guesses.count(429),
            "first_429_at": first,
        }
        codes = [
            c.get("/offers", params={"ids": "A1"}, headers={"X-API-Key": f"fake-{i}"}).status_code
            for i in range(150)
        ]
        out["made_up_keys"] = {"sent": 150, "passed": codes.count(200), "throttled_429": codes.count(429)}
        heavy = {"texts": ["développeur python " * 1000] * 64}
        t0 = time.perf_counter()
        r = c.post("/embeddings", json=heavy)
        out["heavy_embeddings_anonymous"] = {
            "status": r.status_code,
            "ms": round((time.perf_counter() - t0) * 1000, 1),
        }
        t0 = time.perf_counter()
        r = c.post("/embeddings", json=heavy, headers={"X-API-Key": KEYS[0]})
        out["heavy_embeddings_with_key"] = {
            "status": r.status_code,
            "ms": round((time.perf_counter() - t0) * 1000, 1),
        }
    return out  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--offers", type=Path, default=ROOT / "data" / "offers" / "france_travail_sample.jsonl.gz"
    )
    parser.add_argument("--offers-limit", type=int, default=1000)
    parser.add_argument("--fuzz", type=int, default=600)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bassin-reliab-bench-") as tmp:
        data = Path(tmp) / "data"
        sample = Path(tmp) / "offers.jsonl"
        import gzip

        with gzip.open(args.offers, "rt", encoding="utf-8") as src:
            sample.write_text("".join(line for _, line in zip(range(args.offers_limit), src, strict=False)))
        cli = [sys.executable, "-m", "bassin.cli"]
        subprocess.run(
            [*cli, "ingest", "offers", str(sample)], env=_env(data), cwd=ROOT, check=True, capture_output=True
        )
        port = _free_port()
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=_env(data), cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(url + "/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("bassin serve did not start")
                time.sleep(0.2)
            with httpx.Client(base_url=url, timeout=60) as c:
                r = c.post("/embeddings", json={"texts": QUERIES}, headers={"X-API-Key": KEYS[0]})
                vectors = r.json()["embeddings"]
            rss_start = _rss_mb(server.pid)
            codes, _ = asyncio.run(_run(url, fuzz_bodies(rng, vectors[0], args.fuzz), args.concurrency))
            fuzz = {
                "requests": len(codes),
                "5xx": sum(c >= 500 for c in codes),
                "4xx": sum(400 <= c < 500 for c in codes),
                "dropped": codes.count(0),
                "dropped_examples": DROPPED[:5],
            }
            rss_after_fuzz = _rss_mb(server.pid)
            t0 = time.perf_counter()
            codes, latencies = asyncio.run(
                _run(url, load_cases(rng, vectors, args.requests), args.concurrency)
            )
            wall = time.perf_counter() - t0
            load = {
                "requests": len(codes), "concurrency": args.concurrency, "5xx": sum(c >= 500 for c in codes),
                "non_200": sum(c != 200 for c in codes), "dropped": codes.count(0), "requests_per_s": round(len(codes) / wall, 1),
                **summarize(latencies),
            }  # fmt: skip
            rss_end = _rss_mb(server.pid)
            result = {
                "offers": args.offers_limit,
                "cpus": os.cpu_count(),
                "fuzz": fuzz,
                "load": load,
                "rss_mb": {
                    "start": rss_start,
                    "after_fuzz": rss_after_fuzz,
                    "end": rss_end,
                    "growth": round(rss_end - rss_start, 1),
                },
                "abuse": abuse(url),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if not math.isfinite(result["load"]["p95_ms"]):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
