"""Issue 19.1–19.2: one writer of truth for vectors, and ``stats``/``sync`` that look at content.

The API server and the CLI are two engines on the same data dir (two processes in real life: each
holds its own copy of the FAISS files in memory). Before the fix the server wrote its stale copy back
at the next ``/faiss`` write: deleted offers came back, offers the CLI ingested vanished, a forgotten
candidate's vector returned; ``stats`` compared counts only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from app.runtime import Engine
from tests.api.conftest import API_KEY, CV_CARISTE, api_config, open_engine, serve_engine
from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": API_KEY}


@pytest.fixture
def server(own_engine: Engine) -> Iterator[httpx.Client]:
    """The API over ``own_engine``, which has loaded the FAISS files before the CLI writes."""
    own_engine.indexes("candidates")
    served, _ = serve_engine(own_engine, api_config())
    with served, httpx.Client(base_url=served.url, timeout=60) as client:
        yield client


def on_disk(data_dir: Path) -> Engine:
    """What a process starting now would load."""
    return open_engine(data_dir)


def test_cli_delete_then_api_upsert_does_not_bring_the_offers_back(
    server: httpx.Client, own_engine: Engine
) -> None:
    names = own_engine.offers.external_ids([20, 21, 22])
    cli = open_engine(own_engine.settings.data_dir)
    try:
        assert sorted(cli.pipeline.delete([names[20], names[21]])) == sorted([names[20], names[21]])
    finally:
        cli.close()
    r = server.post("/faiss/upsert", headers=KEY, json={"index": "offers", "items": [{"id": names[22]}]})
    assert r.status_code == 200
    fresh = on_disk(own_engine.settings.data_dir)
    try:
        assert not {20, 21} & set(fresh.vectors.ids().tolist())
        assert fresh.indexer("offers").check().consistent
    finally:
        fresh.close()
    hits = server.post("/faiss/search", json={"index": "offers", "vector": _vector(own_engine, 22)}).json()
    assert names[20] not in [h["id"] for h in hits] and names[22] in [h["id"] for h in hits]


def test_offers_the_cli_ingests_survive_the_next_api_upsert(
    server: httpx.Client, own_engine: Engine, tmp_path: Path
) -> None:
    from ingestion.offers.readers import read_offer_items

    extra = load_raw_offers()[3000:3005]
    cli = open_engine(own_engine.settings.data_dir)
    try:
        summary = cli.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "more.jsonl.gz", extra)))
        assert summary.inserted == 5
        new_ids = [row.id for row in cli.offers.get_by_external_ids([o["id"] for o in extra]).values()]
    finally:
        cli.close()
    target = own_engine.offers.external_ids([9])[9]
    assert server.post(
        "/faiss/upsert", headers=KEY, json={"index": "offers", "items": [{"id": target}]}
    ).is_success
    fresh = on_disk(own_engine.settings.data_dir)
    try:
        assert set(new_ids) <= set(fresh.vectors.ids().tolist())
        assert fresh.indexer("offers").check().consistent
    finally:
        fresh.close()


def test_a_forgotten_candidate_does_not_come_back_with_an_upsert(
    server: httpx.Client, own_engine: Engine
) -> None:
    first, second = own_engine.candidates.get_many([1, 2])
    cli = open_engine(own_engine.settings.data_dir)
    try:
        assert cli.forget(first.external_id).found
    finally:
        cli.close()
    r = server.post(
        "/faiss/upsert", headers=KEY, json={"index": "candidates", "items": [{"id": second.external_id}]}
    )
    assert r.status_code == 200 and r.json()["count"] == 1
    fresh = on_disk(own_engine.settings.data_dir)
    try:
        assert fresh.indexes("candidates").vectors.ids().tolist() == [second.id]
    finally:
        fresh.close()


def test_candidate_ids_are_never_reused(own_engine: Engine) -> None:
    last = max(row.id for row in own_engine.candidates.get_many([1, 2, 3, 4]))
    newest = own_engine.candidates.get_many([last])[0]
    assert own_engine.forget(newest.external_id).found
    text = CV_CARISTE.replace("Karim", "Kamel") + "\nPermis CACES 5.\n"
    own_engine.candidate_ingestion.ingest_bytes(text.encode("utf-8"), "kamel.txt")
    ids = own_engine.candidates.hashes()
    assert last not in ids and max(ids) == last + 1


def _vector(engine: Engine, doc_id: int) -> list[float]:
    return [float(x) for x in engine.vectors.get_vectors([doc_id])[0]]


def _stats(data_dir: Path) -> tuple[int, dict[str, object]]:
    from bassin.cli import app

    result = CliRunner().invoke(app, ["stats", "--json", "--data-dir", str(data_dir)])
    return result.exit_code, json.loads(result.stdout)


def test_stats_checks_content_and_sync_repairs_what_it_flags(own_engine: Engine) -> None:
    """2 orphans + 2 missing + 1 foreign vector: the counts agree, the content does not."""
    from bassin.cli import app

    data_dir = own_engine.settings.data_dir
    vectors = own_engine.vectors
    docs = list(own_engine.offers.iter_documents([32, 33]))
    vectors.delete([30, 31])
    vectors.upsert(
        [replace(d, doc_id=100_000 + d.doc_id) for d in docs],  # 2 orphans
        vectors.get_vectors([32, 33]),
    )
    rng = np.random.default_rng(0).standard_normal(vectors.dim).astype(np.float32)
    foreign = next(iter(own_engine.offers.iter_documents([34])))
    vectors.upsert([foreign], (rng / np.linalg.norm(rng))[None, :])
    vectors.save()
    assert vectors.count() == own_engine.offers.count()  # counts alone say "consistent"
    code, data = _stats(data_dir)
    assert code == 1 and data["consistent"] is False
    check = data["offers_check"]
    assert isinstance(check, dict)
    assert (check["vector_missing"], check["vector_orphans"], check["vector_foreign"]) == (2, 2, 1)
    synced = CliRunner().invoke(app, ["sync", "--data-dir", str(data_dir)])
    assert synced.exit_code == 0, synced.stdout
    assert "1 vecteurs étrangers remplacés" in synced.stdout
    code, data = _stats(data_dir)
    assert code == 0 and data["consistent"] is True
