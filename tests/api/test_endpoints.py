"""Every endpoint through HTTP (uvicorn on loopback, httpx), good inputs and bad: clear 4xx, never 500."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from api.observability import JsonFormatter
from app.runtime import Engine
from tests.api.conftest import API_KEY, CV_LYON, ServedApp, api_config, serve_engine

pytestmark = pytest.mark.integration

SEED_OFFER_KEYS = {
    "id",
    "intitule",
    "description",
    "entreprise",
    "lieu",
    "typeContrat",
    "salaire",
    "competences",
}


def query_vector(engine: Engine, text: str) -> list[float]:
    return [float(x) for x in engine.embedder.embed_query(text)]


# --- POST /match ------------------------------------------------------------------------------------
def test_match_by_embedding_returns_top_20_by_cosine(client: httpx.Client, read_engine: Engine) -> None:
    vec = query_vector(read_engine, "développeur python Lyon")
    r = client.post("/match", json={"cv_embedding": vec})
    assert r.status_code == 200
    assert r.headers["x-match-score"] == "cosine"
    body = r.json()
    assert len(body) == 20 and set(body[0]) == {"id", "score"}
    scores = [item["score"] for item in body]
    assert scores == sorted(scores, reverse=True)
    # the best offer is the one with the highest cosine over every stored offer vector
    store = read_engine.vectors
    ids = store.ids()
    sims = store.get_vectors(ids) @ np.asarray(vec, dtype=np.float32)
    best = read_engine.offers.external_ids([int(ids[int(np.argmax(sims))])])
    assert body[0]["id"] == next(iter(best.values()))
    assert body[0]["score"] == pytest.approx(float(sims.max()), abs=1e-3)


def test_match_scale_of_the_vector_does_not_matter(client: httpx.Client, read_engine: Engine) -> None:
    vec = query_vector(read_engine, "cariste CACES")
    a = client.post("/match", json={"cv_embedding": vec, "top_k": 5}).json()
    b = client.post("/match", json={"cv_embedding": [x * 7.5 for x in vec], "top_k": 5}).json()
    assert a == b and len(a) == 5


def test_match_filters_are_hard_constraints(client: httpx.Client, read_engine: Engine) -> None:
    vec = query_vector(read_engine, "développeur")
    r = client.post("/match", json={"cv_embedding": vec, "top_k": 30, "filters": {"contracts": ["CDD"]}})
    assert r.status_code == 200 and r.json()
    rows = read_engine.offers.get_by_external_ids([i["id"] for i in r.json()])
    assert {row.contract_type for row in rows.values()} == {"CDD"}


def test_match_by_stored_candidate_and_by_text_agree(client: httpx.Client, read_engine: Engine) -> None:
    cv_id = next(
        r.external_id for r in read_engine.candidates.get_many([1, 2]) if "Python" in (r.title or "")
    )
    by_id = client.post("/match", json={"cv_id": cv_id, "top_k": 10})
    by_text = client.post("/match", json={"cv_text": CV_LYON, "top_k": 10})
    assert by_id.status_code == by_text.status_code == 200
    assert by_id.headers["x-match-score"] == by_text.headers["x-match-score"] == "calibrated"
    assert by_text.headers["x-match-cache"] == "bypass"
    assert by_id.json() == by_text.json()  # same CV, same matcher
    assert all(0 <= item["score"] <= 1 for item in by_id.json())


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"cv_embedding": [0.1, 0.2, 0.3]}, "512"),
        ({"cv_embedding": [0.0] * 512}, "nul"),
        ({"cv_embedding": [1e39] * 512}, "plage"),
        ({}, "exactement un"),
        ({"cv_id": "cv-x", "cv_text": "abc"}, "exactement un"),
        ({"cv_embedding": [0.1] * 512, "top_k": 0}, "top_k"),
        ({"cv_embedding": [0.1] * 512, "top_k": 101}, "top_k"),
        ({"cv_embedding": [0.1] * 512, "colour": "red"}, "colour"),
        ({"cv_embedding": [0.1] * 512, "filters": {"geo": {"label": "x", "lat": 95, "lon": 0}}}, "lat"),
        ({"cv_text": "Cariste à Lyon."}, "trop peu de texte"),
        ({"cv_id": "../../etc/passwd"}, "cv_id"),
    ],
)
def test_match_bad_inputs_are_422_with_a_reason(client: httpx.Client, payload: dict, needle: str) -> None:
    r = client.post("/match", json=payload)
    assert r.status_code == 422, r.text
    assert needle in r.text
    assert r.json()["request_id"] == r.headers["x-request-id"]


def test_match_wrong_dimension_says_the_expected_size(client: httpx.Client) -> None:
    r = client.post("/match", json={"cv_embedding": [0.5] * 768})
    assert r.status_code == 422
    assert r.json()["expected_dim"] == 512 and "reçu 768" in r.json()["detail"]


def test_match_nan_and_infinity_are_refused(client: httpx.Client) -> None:
    for literal in (b"NaN", b"Infinity", b"-Infinity"):
        raw = b'{"cv_embedding": [' + literal + b", 0.1" * 511 + b"]}"
        r = client.post("/match", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["type"] == "finite_number"


def test_match_unknown_candidate_is_404(client: httpx.Client) -> None:
    r = client.post("/match", json={"cv_id": "cv-000000000000"})
    assert r.status_code == 404 and "Candidat inconnu" in r.json()["detail"]


def test_malformed_json_is_422(client: httpx.Client) -> None:
    r = client.post("/match", content=b'{"cv_embedding": [0.1,', headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/match", json=[1, 2, 3])
    assert r.status_code == 422


# --- GET /offers ----------------------------------------------------------------------------------
def test_offers_in_the_seed_shape_order_kept_unknown_reported(
    client: httpx.Client, read_engine: Engine
) -> None:
    known = list(read_engine.offers.external_ids([5, 1, 9]).values())
    asked = [known[2], "NOPE404", known[0], known[1], known[0]]
    r = client.get("/offers", params={"ids": ",".join(asked)})
    assert r.status_code == 200
    body = r.json()
    assert [o["id"] for o in body] == [known[2], known[0], known[1]]
    assert r.headers["x-unknown-ids"] == "NOPE404"
    assert all(set(o) == SEED_OFFER_KEYS for o in body)
    row = read_engine.offers.get_by_external_ids([known[0]])[known[0]]
    first = next(o for o in body if o["id"] == known[0])
    assert first["intitule"] == row.title and first["typeContrat"] == row.contract_type
    assert {c["exigence"] for c in first["competences"]} <= {"E", "S"}
    assert len(first["competences"]) == len(row.skills)


def test_offers_ten_thousand_ids_is_a_clear_422(client: httpx.Client) -> None:
    r = client.get("/offers?ids=" + ",".join(str(i) for i in range(10_000)))
    assert r.status_code == 422
    assert "10000" in r.json()["detail"] and "100" in r.json()["detail"]


@pytest.mark.parametrize("ids", ["", ",,,", "abc def", "x" * 51, "<script>"])
def test_offers_bad_ids_are_422(client: httpx.Client, ids: str) -> None:
    assert client.get("/offers", params={"ids": ids}).status_code == 422


def test_offers_without_ids_is_422(client: httpx.Client) -> None:
    assert client.get("/offers").status_code == 422


def test_a_megabyte_request_line_is_a_4xx_not_a_crash(read_api: ServedApp) -> None:
    host, port = read_api.url.removeprefix("http://").split(":")
    ids = ",".join(str(i) for i in range(200_000)).encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /offers?ids=" + ids + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status_line = sock.recv(64).split(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.1 4"), status_line


# --- POST /embeddings ---------------------------------------------------------------------------------
def test_embeddings_are_the_models_vectors(client: httpx.Client, read_engine: Engine) -> None:
    texts = ["Développeur Python à Lyon", "Cariste CACES 3"]
    r = client.post("/embeddings", json={"texts": texts})
    assert r.status_code == 200
    body = r.json()
    assert body["model"] == read_engine.embedder.model_id and body["dim"] == 512
    got = np.asarray(body["embeddings"], dtype=np.float32)
    assert got.shape == (2, 512)
    np.testing.assert_allclose(got, read_engine.embedder.embed_documents(texts), atol=1e-5)


def test_embeddings_batch_and_text_limits(client: httpx.Client) -> None:
    r = client.post("/embeddings", json={"texts": ["x"] * 65})
    assert r.status_code == 422 and "65" in r.json()["detail"]
    r = client.post("/embeddings", json={"texts": ["a" * 20_001]})
    assert r.status_code == 422 and "20000" in r.json()["detail"]
    assert client.post("/embeddings", json={"texts": []}).status_code == 422


def test_oversized_body_is_413_before_it_is_read(client: httpx.Client) -> None:
    r = client.post("/embeddings", content=b'{"texts": ["' + b"a" * 2_500_000 + b'"]}')
    assert r.status_code == 413 and "2000000" in r.json()["detail"]


def test_oversized_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"texts": ["'
        for _ in range(40):
            yield b"a" * 100_000
        yield b'"]}'

    r = client.post("/embeddings", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413


# --- POST /faiss/search ------------------------------------------------------------------------------
def test_faiss_search_in_the_candidate_index(client: httpx.Client, read_engine: Engine) -> None:
    r = client.post(
        "/faiss/search",
        json={
            "index": "candidates",
            "vector": query_vector(read_engine, "cariste chariot élévateur"),
            "top_k": 5,
        },
    )
    assert r.status_code == 200
    ids = [hit["id"] for hit in r.json()]
    assert len(ids) == 2 and all(i.startswith("cv-") for i in ids)
    karim = next(
        row.external_id for row in read_engine.candidates.get_many([1, 2]) if "Cariste" in (row.title or "")
    )
    assert ids[0] == karim


def test_faiss_search_unknown_index_and_bad_vectors(client: httpx.Client) -> None:
    r = client.post("/faiss/search", json={"index": "users", "vector": [0.1] * 512})
    assert r.status_code == 422 and "offers" in r.text and "candidates" in r.text
    r = client.post("/faiss/search", json={"index": "offers", "vector": [0.1] * 10})
    assert r.status_code == 422 and r.json()["expected_dim"] == 512
    assert client.post("/faiss/search", json={"index": "offers"}).status_code == 422


# --- keys on writes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/faiss/upsert", "/faiss/delete"])
def test_writes_need_a_valid_key(client: httpx.Client, path: str) -> None:
    body = (
        {"index": "offers", "items": [{"id": "X1"}]}
        if path.endswith("upsert")
        else {"index": "offers", "ids": ["X1"]}
    )
    missing = client.post(path, json=body)
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    wrong = client.post(path, json=body, headers={"X-API-Key": "not-the-key"})
    assert wrong.status_code == 403


def test_without_configured_keys_writes_are_refused(read_engine: Engine) -> None:
    served, _ = serve_engine(read_engine, api_config(api_keys=()))
    with served, httpx.Client(base_url=served.url) as c:
        r = c.post("/faiss/delete", json={"index": "offers", "ids": ["X1"]}, headers={"X-API-Key": API_KEY})
        assert r.status_code == 403 and "BASSIN_API_KEYS" in r.json()["detail"]


# --- rate limits, request ids, logs ------------------------------------------------------------------
def test_rate_limit_per_key(read_engine: Engine) -> None:
    config = api_config(rate_limit_per_minute=6.0, rate_limit_burst=2, api_keys=(API_KEY, "second-key-0123"))
    served, _ = serve_engine(read_engine, config)
    with served, httpx.Client(base_url=served.url) as c:
        a = {"X-API-Key": API_KEY}
        codes = [c.get("/offers", params={"ids": "X1"}, headers=a).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        limited = c.get("/offers", params={"ids": "X1"}, headers=a)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "Trop de requêtes" in limited.json()["detail"]
        b = {"X-API-Key": "second-key-0123"}
        assert c.get("/offers", params={"ids": "X1"}, headers=b).status_code == 200
        assert c.get("/health", headers=a).status_code == 200  # probes are never limited


def test_request_id_is_echoed_or_made(client: httpx.Client) -> None:
    given = client.get("/offers", params={"ids": "X1"}, headers={"X-Request-ID": "trace-abc-123"})
    assert given.headers["x-request-id"] == "trace-abc-123"
    made = client.get("/offers", params={"ids": "X1"}, headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["x-request-id"]) == 32


def test_every_request_is_logged_as_json_with_its_id(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bassin.api"):
        r = client.post("/match", json={"cv_embedding": [1.0, 2.0]}, headers={"X-Request-ID": "log-check-1"})
    record = next(
        rec for rec in caplog.records if getattr(rec, "fields", {}).get("request_id") == "log-check-1"
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "request" and line["status"] == r.status_code == 422
    assert line["route"] == "/match" and line["method"] == "POST" and line["duration_ms"] >= 0


# --- /health, /metrics, /docs ------------------------------------------------------------------------
def test_health_reports_stores_counts_and_model(client: httpx.Client, read_engine: Engine) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["errors"] == []
    assert body["model"] == {"id": "use-multilingual-v3", "dim": 512}
    assert body["database"]["ok"] is True and body["database"]["offers"] == read_engine.offers.count()
    assert body["indexes"]["offers"]["vectors"] == read_engine.vectors.count()
    assert body["indexes"]["offers"]["lexical_documents"] == read_engine.lexical.count()
    assert body["indexes"]["candidates"]["vectors"] == 2


def test_metrics_in_prometheus_format(client: httpx.Client, read_engine: Engine) -> None:
    client.post("/match", json={"cv_embedding": query_vector(read_engine, "soudeur")})
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert (
        'bassin_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/match",status="200"}'
        in text
    )
    assert (
        f'bassin_index_vectors{{collection="offers",mode="flat"}} {float(read_engine.vectors.count())}'
        in text
    )
    from prometheus_client.parser import text_string_to_metric_families

    names = {family.name for family in text_string_to_metric_families(text)}
    assert {
        "bassin_http_request_duration_seconds",
        "bassin_index_vectors",
        "bassin_match_cache_lookups",
    } <= names


def test_openapi_and_docs_are_published(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/match",
        "/offers",
        "/embeddings",
        "/faiss/search",
        "/faiss/upsert",
        "/faiss/delete",
        "/health",
        "/metrics",
    } <= set(spec["paths"])
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 200
