"""POST /faiss/upsert and /faiss/delete through HTTP: all-or-nothing, persisted, reported."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from app.runtime import Engine
from tests.api.conftest import API_KEY, api_config, open_engine, serve_engine

pytestmark = pytest.mark.integration
KEY = {"X-API-Key": API_KEY}


@pytest.fixture
def writer(own_engine: Engine) -> Iterator[httpx.Client]:
    served, _ = serve_engine(own_engine, api_config())
    with served, httpx.Client(base_url=served.url, timeout=60) as client:
        yield client


def unit(seed: int) -> list[float]:
    v = np.random.default_rng(seed).standard_normal(512)
    return [float(x) for x in v / np.linalg.norm(v)]


def model_vector(engine: Engine, external_id: str) -> list[float]:
    """The model's embedding of a stored offer: the only vector the index accepts for it."""
    from store.offers import offer_embed_text

    row = engine.offers.get_by_external_ids([external_id])[external_id]
    return [float(x) for x in engine.embedder.embed_documents([offer_embed_text(row)])[0]]


def test_upsert_with_the_model_vector_then_search_finds_it_first(
    writer: httpx.Client, own_engine: Engine
) -> None:
    target = own_engine.offers.external_ids([7])[7]
    before = own_engine.vectors.count()
    vector = model_vector(own_engine, target)
    r = writer.post(
        "/faiss/upsert", headers=KEY, json={"index": "offers", "items": [{"id": target, "vector": vector}]}
    )
    assert r.status_code == 200 and r.json() == {"index": "offers", "upserted": [target], "count": before}
    hits = writer.post("/faiss/search", json={"index": "offers", "vector": vector, "top_k": 3}).json()
    # offers with the same title share the vector: the target is among the hits at cosine 1
    assert {"id": target, "score": pytest.approx(1.0, abs=1e-4)} in hits
    reopened = open_engine(own_engine.settings.data_dir)
    try:
        np.testing.assert_allclose(reopened.vectors.get_vectors([7])[0], vector, atol=1e-5)
    finally:
        reopened.close()


def test_a_caller_vector_that_is_not_the_stored_embedding_is_refused(
    writer: httpx.Client, own_engine: Engine
) -> None:
    """Issue 19.2: a caller vector far from the model's embedding of the same text was indexed silently."""
    target = own_engine.offers.external_ids([5])[5]
    kept = own_engine.vectors.get_vectors([5])[0].copy()
    r = writer.post(
        "/faiss/upsert", headers=KEY, json={"index": "offers", "items": [{"id": target, "vector": unit(2)}]}
    )
    assert r.status_code == 422 and target in r.json()["detail"] and "vector" in r.json()["detail"]
    np.testing.assert_array_equal(own_engine.vectors.get_vectors([5])[0], kept)
    reopened = open_engine(own_engine.settings.data_dir)
    try:
        np.testing.assert_array_equal(reopened.vectors.get_vectors([5])[0], kept)
    finally:
        reopened.close()


def test_upsert_without_vector_encodes_the_stored_document(writer: httpx.Client, own_engine: Engine) -> None:
    target = own_engine.offers.external_ids([3])[3]
    own_engine.vectors.delete([3])
    own_engine.vectors.save()
    r = writer.post("/faiss/upsert", headers=KEY, json={"index": "offers", "items": [{"id": target}]})
    assert r.status_code == 200
    np.testing.assert_allclose(
        own_engine.vectors.get_vectors([3])[0], model_vector(own_engine, target), atol=1e-5
    )


def test_upsert_is_all_or_nothing(writer: httpx.Client, own_engine: Engine) -> None:
    known = own_engine.offers.external_ids([4])[4]
    doc_id = 4
    kept = own_engine.vectors.get_vectors([doc_id])[0].copy()
    r = writer.post(
        "/faiss/upsert",
        headers=KEY,
        json={"index": "offers", "items": [{"id": known, "vector": unit(3)}, {"id": "UNKNOWN1"}]},
    )
    assert r.status_code == 404 and "UNKNOWN1" in r.json()["detail"]
    bad = writer.post(
        "/faiss/upsert",
        headers=KEY,
        json={
            "index": "offers",
            "items": [{"id": known, "vector": unit(3)}, {"id": known, "vector": [0.1] * 3}],
        },
    )
    assert bad.status_code == 422 and bad.json()["expected_dim"] == 512
    np.testing.assert_array_equal(own_engine.vectors.get_vectors([doc_id])[0], kept)


def test_upsert_in_the_candidate_index(writer: httpx.Client, own_engine: Engine) -> None:
    cv_id = own_engine.candidates.get_many([1])[0].external_id
    r = writer.post("/faiss/upsert", headers=KEY, json={"index": "candidates", "items": [{"id": cv_id}]})
    assert r.status_code == 200 and r.json()["count"] == 2
    vector = [float(x) for x in own_engine.indexes("candidates").vectors.get_vectors([1])[0]]
    hits = writer.post("/faiss/search", json={"index": "candidates", "vector": vector}).json()
    assert hits[0]["id"] == cv_id


def test_delete_reports_each_id_and_persists(writer: httpx.Client, own_engine: Engine) -> None:
    ids = list(own_engine.offers.external_ids([10, 11]).values())
    before = own_engine.vectors.count()
    assert own_engine.offers.count() == before
    r = writer.post("/faiss/delete", headers=KEY, json={"index": "offers", "ids": [*ids, "NOPE9"]})
    assert r.status_code == 200
    assert r.json() == {
        "index": "offers",
        "deleted": ids,
        "not_indexed": [],
        "unknown_ids": ["NOPE9"],
        "count": before - 2,
    }
    again = writer.post("/faiss/delete", headers=KEY, json={"index": "offers", "ids": ids}).json()
    assert again["deleted"] == [] and again["unknown_ids"] == ids
    # one writer of truth: the offers left the store too, so no sync can bring them back
    assert own_engine.offers.count() == before - 2
    reopened = open_engine(own_engine.settings.data_dir)
    try:
        assert reopened.vectors.count() == before - 2
    finally:
        reopened.close()


def test_write_limits_and_bad_index(writer: httpx.Client) -> None:
    r = writer.post(
        "/faiss/delete", headers=KEY, json={"index": "offers", "ids": [f"X{i}" for i in range(257)]}
    )
    assert r.status_code == 422 and "257" in r.json()["detail"]
    r = writer.post("/faiss/upsert", headers=KEY, json={"index": "jobs", "items": [{"id": "X1"}]})
    assert r.status_code == 422
    r = writer.post("/faiss/upsert", headers=KEY, json={"index": "offers", "items": []})
    assert r.status_code == 422


def test_several_workers_refuse_faiss_writes(own_engine: Engine) -> None:
    served, _ = serve_engine(own_engine, api_config(index_writes=False))
    with served, httpx.Client(base_url=served.url) as c:
        r = c.post("/faiss/delete", headers=KEY, json={"index": "offers", "ids": ["X1"]})
        assert r.status_code == 409 and "--workers 1" in r.json()["detail"]
