"""Issue 19, items 7–9 over real HTTP: rate limits that a made-up key cannot dodge, key guessing throttled,
a CPU budget on /embeddings, and strict request bodies (unknown keys and wrong types are a 422 naming the
field, never silently ignored or coerced)."""

from __future__ import annotations

import time

import httpx
import pytest

from app.runtime import Engine
from tests.api.conftest import API_KEY, api_config, serve_engine

pytestmark = pytest.mark.integration


def test_made_up_keys_share_the_address_bucket(read_engine: Engine) -> None:
    """150 requests, each with its own invented X-API-Key: only the address's burst passes."""
    served, _ = serve_engine(read_engine, api_config(rate_limit_per_minute=6.0, rate_limit_burst=10))
    with served, httpx.Client(base_url=served.url) as c:
        codes = [
            c.get("/offers", params={"ids": "X1"}, headers={"X-API-Key": f"made-up-{i}"}).status_code
            for i in range(150)
        ]
        assert codes.count(200) <= 12 and codes.count(429) >= 138
        # the address is out of tokens; a valid key still has its own bucket
        assert c.get("/offers", params={"ids": "X1"}, headers={"X-API-Key": API_KEY}).status_code == 200


def test_key_guessing_on_write_endpoints_is_throttled(read_engine: Engine) -> None:
    config = api_config(auth_failures_per_minute=10.0, auth_failure_burst=10)
    served, _ = serve_engine(read_engine, config)
    body = {"index": "offers", "ids": ["X1"]}
    with served, httpx.Client(base_url=served.url) as c:
        codes = [
            c.post("/faiss/delete", json=body, headers={"X-API-Key": f"guess-{i:04d}"}).status_code
            for i in range(100)
        ]
        assert codes[:10] == [403] * 10
        assert codes[10:].count(429) >= 85
        throttled = c.post("/faiss/delete", json=body, headers={"X-API-Key": "guess-x"})
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        # the valid key is not locked out by someone guessing from the same address
        ok = c.post(
            "/faiss/delete", json={"index": "offers", "ids": ["NOPE"]}, headers={"X-API-Key": API_KEY}
        )
        assert ok.status_code != 429


def test_embeddings_have_a_cpu_budget(read_engine: Engine) -> None:
    """64 × 20,000 characters cost ~25 s of CPU: refused at once without a key, capped with one."""
    served, _ = serve_engine(read_engine, api_config(anonymous_embedding_chars_per_minute=600.0))
    heavy = {"texts": ["développeur python " * 1_000] * 64}  # 19,000 characters each
    with served, httpx.Client(base_url=served.url, timeout=30) as c:
        started = time.perf_counter()
        r = c.post("/embeddings", json=heavy)
        assert r.status_code == 401 and "X-API-Key" in r.json()["detail"]
        r = c.post("/embeddings", json=heavy, headers={"X-API-Key": API_KEY})
        assert r.status_code == 422 and "100000" in r.json()["detail"]
        assert time.perf_counter() - started < 2.0
        small = {"texts": ["cariste"]}
        assert c.post("/embeddings", json=small).status_code == 200
        # the anonymous per-address quota (2,000 at once, then 600 chars/min here) runs out; not a key's
        codes = [c.post("/embeddings", json={"texts": ["x" * 300]}).status_code for _ in range(10)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429
        assert (
            c.post("/embeddings", json={"texts": ["x" * 300]}, headers={"X-API-Key": API_KEY}).status_code
            == 200
        )


def _field_named(r: httpx.Response, name: str) -> bool:
    return r.status_code == 422 and any(name in [str(p) for p in e["loc"]] for e in r.json()["detail"])


def test_unknown_filter_keys_are_refused(client: httpx.Client, read_engine: Engine) -> None:
    vec = [float(x) for x in read_engine.embedder.embed_query("cariste")]
    r = client.post("/match", json={"cv_embedding": vec, "filters": {"contract": ["CDI"]}})
    assert _field_named(r, "contract")
    r = client.post(
        "/faiss/search", json={"index": "offers", "vector": vec, "filters": {"contract": ["CDI"]}}
    )
    assert _field_named(r, "contract")
    r = client.post(
        "/faiss/search",
        json={
            "index": "offers",
            "vector": vec,
            "filters": {"geo": {"label": "Lyon", "lat": 45.7, "lon": 4.8, "km": 5}},
        },
    )
    assert _field_named(r, "km")
    good = client.post(
        "/faiss/search", json={"index": "offers", "vector": vec, "filters": {"contracts": ["cdi"]}}
    )
    assert good.status_code == 200 and good.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cv_embedding": [True] * 512}, "cv_embedding"),
        ({"cv_embedding": ["0.1"] * 512}, "cv_embedding"),
        ({"cv_id": "cv-x", "top_k": "5"}, "top_k"),
        ({"cv_id": "cv-x", "top_k": True}, "top_k"),
        ({"cv_id": "cv-x", "top_k": 5.0}, "top_k"),
        ({"cv_id": "cv-x", "filters": {"remote": "yes"}}, "remote"),
        ({"cv_id": "cv-x", "filters": {"contracts": "CDI"}}, "contracts"),
        ({"cv_id": "cv-x", "filters": {"experience_max_months": "12"}}, "experience_max_months"),
    ],
)
def test_wrong_types_are_refused(client: httpx.Client, body: dict[str, object], field: str) -> None:
    assert _field_named(client.post("/match", json=body), field)


def test_faiss_search_top_k_must_be_an_integer(client: httpx.Client) -> None:
    for top_k in ("5", True):
        r = client.post("/faiss/search", json={"index": "offers", "vector": [0.1] * 512, "top_k": top_k})
        assert _field_named(r, "top_k")
