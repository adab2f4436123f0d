"""Vectors in the shared engine (issue 17): the whole engine on Elasticsearch kNN or pgvector, and two
``bassin serve`` processes with no per-instance state, where a write through one is searchable through
the other at once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch

from app.runtime import build_engine
from app.settings import Settings
from domain.filters import haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from ingestion.offers.readers import read_offer_items
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration
BASSIN = Path(sys.executable).with_name("bassin")
LYON = GeoFilter(label="Lyon", lat=45.7640, lon=4.8357, radius_km=30)
KEY = "shared-key"


@pytest.fixture(params=["elasticsearch", "pgvector"])
def shared_settings(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    elasticsearch_url: str,
    elasticsearch_client: Elasticsearch,
    postgres_url: str,
) -> Iterator[Settings]:
    """PostgreSQL store + Elasticsearch lexical index + the vector backend under test: nothing local."""
    prefix = f"bassin-shared-{uuid.uuid4().hex[:8]}"
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_url)
    with admin.begin() as conn:  # a fresh store per test: the database is shared by the session
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    admin.dispose()
    yield Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "first",
        database_url=postgres_url,
        elasticsearch_url=elasticsearch_url,
        elasticsearch_index_prefix=prefix,
        vector_backend=request.param,
        _env_file=None,
    )
    names = list(elasticsearch_client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
    if names:
        elasticsearch_client.indices.delete(index=",".join(names), ignore_unavailable=True)


def test_engine_search_sync_and_reindex_on_the_shared_vector_backend(
    shared_settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    engine = build_engine(shared_settings)
    try:
        assert engine.vectors.backend == shared_settings.vector_backend
        engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers[:150])))
        assert engine.indexer("offers").check().consistent
        filters = SearchFilters(geo=LYON, contracts=["CDI"])
        results = engine.offer_search.search("développeur", filters, top_k=20, interpret=False).results
        for r in results:
            assert r.contract.startswith("CDI") and r.lat is not None and r.lon is not None
            assert haversine_km(LYON.lat, LYON.lon, r.lat, r.lon) <= LYON.radius_km
        if shared_settings.vector_backend == "elasticsearch":  # hybrid in one msearch, same lists
            joint = engine.searcher.joint
            assert joint is not None
            q = engine.embedder.embed_query("développeur")
            lexical, vector = joint("développeur", q, filters, 50)
            assert lexical == engine.lexical.search("développeur", filters, 50)
            assert [h.doc_id for h in vector] == [h.doc_id for h in engine.vectors.search(q, filters, 50)]
        docs = {d.doc_id: d for d in engine.offers.iter_documents()}
        query = engine.embedder.embed_query("cariste")
        hits = engine.vectors.search(query, SearchFilters(contracts=["MIS"]), 30)
        assert hits and all(matches(docs[h.doc_id], SearchFilters(contracts=["MIS"])) for h in hits)
        # sync repairs what another writer broke; reindex swaps in a rebuilt index
        engine.vectors.delete([1, 2])
        engine.vectors.save()
        assert not engine.indexer("offers").check().consistent
        assert engine.indexer("offers").sync().vector_added == 2
        assert engine.indexer("offers").reindex_vectors() == engine.offers.count()
        assert engine.indexer("offers").check().consistent
    finally:
        engine.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(settings: Settings, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    env = {
        **os.environ,
        "BASSIN_API_KEYS": KEY,
        "BASSIN_DATABASE_URL": str(settings.database_url),
        "BASSIN_ELASTICSEARCH_URL": str(settings.elasticsearch_url),
        "BASSIN_ELASTICSEARCH_INDEX_PREFIX": settings.elasticsearch_index_prefix,
        "BASSIN_VECTOR_BACKEND": settings.vector_backend,
        "BASSIN_API_RATE_LIMIT_PER_MINUTE": "0",
    }
    proc = subprocess.Popen(
        [str(BASSIN), "serve", "--data-dir", str(data_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait(proc: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + 180
    while True:
        assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "bassin serve did not start"
        time.sleep(0.5)


def test_a_write_through_one_instance_is_searchable_through_the_other_at_once(
    shared_settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    engine = build_engine(shared_settings)
    try:
        engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers[:60])))
        target = engine.offers.external_ids([5])[5]
        vector = [float(x) for x in engine.vectors.get_vectors([5])[0]]
        engine.vectors.delete([5])  # as if it had never been indexed
        engine.vectors.save()
    finally:
        engine.close()
    # two instances, each with its own (empty) data dir: everything they serve is in the shared servers
    servers = [_serve(shared_settings, tmp_path / name) for name in ("one", "two")]
    try:
        for proc, url in servers:
            _wait(proc, url)
        (_, one), (_, two) = servers
        search = {"index": "offers", "vector": vector, "top_k": 5}
        assert target not in [h["id"] for h in httpx.post(f"{two}/faiss/search", json=search).json()]
        r = httpx.post(
            f"{one}/faiss/upsert",
            json={"index": "offers", "items": [{"id": target}]},
            headers={"X-API-Key": KEY},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        hits = httpx.post(f"{two}/vectors/search", json=search).json()
        assert {"id": target, "score": pytest.approx(1.0, abs=1e-3)} in hits
        r = httpx.post(
            f"{two}/vectors/delete",
            json={"index": "offers", "ids": [target]},
            headers={"X-API-Key": KEY},
            timeout=60,
        )
        assert r.status_code == 200 and r.json()["deleted"] == [target]
        assert target not in [h["id"] for h in httpx.post(f"{one}/faiss/search", json=search).json()]
        assert httpx.get(f"{one}/offers", params={"ids": target}).headers.get("X-Unknown-Ids") == target
        # no per-instance state: neither instance wrote vector or lexical files in its data dir
        assert not list((tmp_path / "one").rglob("*.npy")) and not list((tmp_path / "two").rglob("*.npy"))
    finally:
        for proc, _ in servers:
            proc.send_signal(signal.SIGINT)
        for proc, _ in servers:
            proc.communicate(timeout=30)
