"""The whole engine with Elasticsearch as its lexical backend (a real node), end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from app.runtime import Engine, build_engine
from app.settings import Settings
from domain.filters import haversine_km
from domain.search import GeoFilter, SearchFilters
from ingestion.offers.readers import read_offer_items
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
LYON = GeoFilter(label="Lyon", lat=45.7640, lon=4.8357, radius_km=30)


@pytest.fixture
def es_settings(
    tmp_path: Path, elasticsearch_url: str, elasticsearch_client: Elasticsearch
) -> Iterator[Settings]:
    prefix = f"bassin-e2e-{uuid.uuid4().hex[:8]}"
    yield Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "es",
        elasticsearch_url=elasticsearch_url,
        elasticsearch_index_prefix=prefix,
        _env_file=None,
    )
    names = list(elasticsearch_client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
    if names:
        elasticsearch_client.indices.delete(index=",".join(names), ignore_unavailable=True)


def _ids(engine: Engine, text: str, filters: SearchFilters) -> list[str]:
    return [r.id for r in engine.offer_search.search(text, filters, top_k=200, interpret=False).results]


def test_same_filters_same_ids_as_the_embedded_engine(
    es_settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    src = write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers)
    es = build_engine(es_settings)
    embedded = build_engine(Settings(data_dir=tmp_path / "embedded", _env_file=None))  # type: ignore[call-arg]
    try:
        assert type(es.lexical).__name__ == "ElasticsearchBackend"
        for eng in (es, embedded):
            eng.pipeline.ingest(read_offer_items(src))
        assert es.lexical.count() == embedded.lexical.count() == es.offers.count()
        for filters in (
            SearchFilters(geo=LYON, contracts=["CDI"]),
            SearchFilters(contracts=["MIS"]),
            SearchFilters(experience_max_months=0, departments=["69"]),
        ):
            # the filtering part: a browse returns every matching offer, so the sets must be equal
            assert set(_ids(es, "", filters)) == set(_ids(embedded, "", filters))
        results = es.offer_search.search(
            "développeur", SearchFilters(geo=LYON, contracts=["CDI"]), top_k=50
        ).results
        assert results
        for r in results:
            assert r.contract.startswith("CDI")
            assert r.lat is not None and r.lon is not None
            assert haversine_km(LYON.lat, LYON.lon, r.lat, r.lon) <= LYON.radius_km
    finally:
        es.close()
        embedded.close()


def test_reindex_swaps_the_alias_while_searches_keep_answering(
    es_settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    engine = build_engine(es_settings)
    try:
        engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers)))
        before = set(_ids(engine, "", SearchFilters(departments=["69"])))
        errors: list[BaseException] = []
        counts: list[int] = []
        stop = threading.Event()

        def keep_searching() -> None:
            while not stop.is_set():
                try:
                    counts.append(len(engine.lexical.search("", SearchFilters(departments=["69"]), 500)))
                except BaseException as exc:  # any failure during the swap is what this test is about
                    errors.append(exc)

        worker = threading.Thread(target=keep_searching)
        worker.start()
        try:
            assert engine.pipeline.reindex_lexical() == len(small_offers)
        finally:
            stop.set()
            worker.join()
        assert not errors
        assert counts and all(c == len(before) for c in counts)
        assert set(_ids(engine, "", SearchFilters(departments=["69"]))) == before
    finally:
        engine.close()


def test_cli_search_json_on_elasticsearch(
    es_settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    src = write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers)
    env = dict(
        os.environ,
        BASSIN_DATA_DIR=str(es_settings.data_dir),
        BASSIN_ELASTICSEARCH_URL=str(es_settings.elasticsearch_url),
        BASSIN_ELASTICSEARCH_INDEX_PREFIX=es_settings.elasticsearch_index_prefix,
    )
    cli = [sys.executable, "-m", "bassin.cli"]
    subprocess.run([*cli, "ingest", "offers", str(src)], env=env, cwd=ROOT, check=True, capture_output=True)
    out = subprocess.run(
        [*cli, "search", "développeur", "--city", "Lyon", "--radius", "30", "--contract", "CDI", "--json"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout)
    assert data["filters"]["contracts"] == ["CDI"] and data["results"]
    for r in data["results"]:
        assert r["contract"].startswith("CDI") and r["distance_km"] <= 30
    stats = subprocess.run(
        [*cli, "stats", "--json"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    s = json.loads(stats.stdout)
    assert s["lexical_backend"] == "elasticsearch" and s["consistent"] is True
