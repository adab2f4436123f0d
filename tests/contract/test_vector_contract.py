"""What every vector backend must do (the ``VectorBackend`` docstring), on FAISS, Elasticsearch and pgvector.

The same tests run on the three: writes, persistence, the model check, the alias/table swap of
``reindex``, and, on 2,000 real France Travail offers with random unit vectors, that every hit of
every filter combination satisfies ``domain.filters.matches`` and that the top 10 agree with an exact
search over the documents the filter allows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from domain.documents import IndexDocument
from domain.errors import ConfigurationError, ModelMismatchError
from domain.filters import haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from retrieval.vector import FaissVectorIndex, VectorBackend

pytestmark = pytest.mark.integration
VECTOR_BACKENDS = ["faiss", "elasticsearch", "pgvector"]
DIM = 128  # Elasticsearch quantises to int8 from 128 dimensions: the contract covers that path
MODEL = "contract-model"
Factory = Callable[..., VectorBackend]


def unit_vectors(n: int, seed: int, dim: int = DIM) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def doc(doc_id: int, **attributes: object) -> IndexDocument:
    return IndexDocument(
        doc_id=doc_id,
        external_id=f"X{doc_id}",
        content_hash=f"h{doc_id}",
        title="t",
        body="",
        embed_text="t",
        **attributes,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def vector_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _open(
    kind: str, name: str, request: pytest.FixtureRequest, root: Path, **options: object
) -> VectorBackend:
    model_id = str(options.pop("model_id", MODEL))
    dim = int(options.pop("dim", DIM))  # type: ignore[call-overload]
    recreate = bool(options.pop("recreate", False))
    if kind == "faiss":
        path = root / name
        if recreate and path.exists():
            import shutil

            shutil.rmtree(path)
        return FaissVectorIndex.open(path, model_id=model_id, dim=dim, exact_threshold=500)
    if kind == "elasticsearch":
        from retrieval.vector.elastic_vectors import ElasticsearchVectorIndex

        client = request.getfixturevalue("elasticsearch_client")
        return ElasticsearchVectorIndex(
            client,
            "offers",
            model_id=model_id,
            dim=dim,
            index_prefix=f"vc-{root.name[-12:].lower()}-{name}",
            recreate=recreate,
        )
    from retrieval.vector.pgvector_index import PgVectorIndex

    engine = request.getfixturevalue("pg_engine")
    table = f"{name}_{root.name[-8:].lower()}"
    return PgVectorIndex(engine, table, model_id=model_id, dim=dim, recreate=recreate)


@pytest.fixture(scope="module")
def pg_engine(postgres_url: str) -> Iterator[object]:
    from sqlalchemy import create_engine

    engine = create_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make(vector_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Factory]:
    """Factory of backends; a name opened again reopens the same stored data."""
    opened: list[VectorBackend] = []
    root = tmp_path / uuid.uuid4().hex[:8]

    def factory(name: str = "default", **options: object) -> VectorBackend:
        backend = _open(vector_kind, name, request, root, **options)
        opened.append(backend)
        return backend

    yield factory
    for backend in opened:
        backend.close()
    if vector_kind == "elasticsearch":
        client = request.getfixturevalue("elasticsearch_client")
        names = list(client.indices.get(index=f"vc-{root.name[-12:].lower()}-*", allow_no_indices=True))
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)


def test_upsert_search_replace_delete(make: Factory) -> None:
    index = make()
    vecs = unit_vectors(5, seed=1)
    index.upsert([doc(i + 1) for i in range(5)], vecs)
    index.save()
    assert index.count() == 5 and index.ids().tolist() == [1, 2, 3, 4, 5]
    assert index.hashes() == {i: f"h{i}" for i in range(1, 6)}
    hits = index.search(vecs[2], None, 3)
    assert hits[0].doc_id == 3 and hits[0].score == pytest.approx(1.0, abs=1e-3)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # replace: new hash and vector for an existing id
    index.upsert([replace(doc(3), content_hash="h3b")], vecs[[0]])
    index.delete([5, 99])
    index.save()
    assert index.hashes() == {1: "h1", 2: "h2", 3: "h3b", 4: "h4"}
    np.testing.assert_allclose(index.get_vectors([3, 1]), vecs[[0, 0]], atol=1e-6)
    with pytest.raises(KeyError):
        index.get_vectors([5])
    assert index.search(vecs[4], None, 10) and 5 not in [h.doc_id for h in index.search(vecs[4], None, 10)]
    index.clear()
    index.save()
    assert index.count() == 0 and index.search(vecs[0], None, 3) == []


def test_reopened_backend_sees_saved_writes(make: Factory) -> None:
    vecs = unit_vectors(3, seed=2)
    first = make("persist")
    first.upsert([doc(1), doc(2), doc(3)], vecs)
    first.save()
    again = make("persist")
    assert again.hashes() == {1: "h1", 2: "h2", 3: "h3"}
    assert again.search(vecs[1], None, 1)[0].doc_id == 2


def test_another_model_refuses_to_open_until_recreated(make: Factory) -> None:
    index = make("model")
    index.upsert([doc(1)], unit_vectors(1, seed=3))
    index.save()
    with pytest.raises(ModelMismatchError):
        make("model", model_id="other-model")
    fresh = make("model", model_id="other-model", recreate=True)
    assert fresh.count() == 0


def test_reindex_swaps_in_the_new_content(make: Factory) -> None:
    index = make("swap")
    index.upsert([doc(1), doc(2)], unit_vectors(2, seed=4))
    index.save()
    vecs = unit_vectors(3, seed=5)
    index.reindex(iter([(doc(10), vecs[0]), (doc(11), vecs[1]), (doc(12), vecs[2])]))
    index.save()
    assert index.hashes() == {10: "h10", 11: "h11", 12: "h12"}
    assert index.search(vecs[2], None, 1)[0].doc_id == 12
    assert make("swap").count() == 3


@pytest.fixture(scope="module")
def corpus(real_offers: list[IndexDocument]) -> tuple[list[IndexDocument], np.ndarray]:
    docs = real_offers[:2000]
    return docs, unit_vectors(len(docs), seed=6)


@pytest.fixture(scope="module")
def filled(
    vector_kind: str,
    corpus: tuple[list[IndexDocument], np.ndarray],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[VectorBackend]:
    docs, vecs = corpus
    root = tmp_path_factory.mktemp("vectorcorpus")
    index = _open(vector_kind, "corpus", request, root)
    index.upsert(docs, vecs)
    index.save()
    yield index
    index.close()
    if vector_kind == "elasticsearch":
        client = request.getfixturevalue("elasticsearch_client")
        names = list(client.indices.get(index=f"vc-{root.name[-12:].lower()}-*", allow_no_indices=True))
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)


LYON = GeoFilter(label="x", lat=45.764, lon=4.8357, radius_km=40)
FILTERS = [
    SearchFilters(contracts=["CDI"]),
    SearchFilters(contracts=["CDD", "MIS"], remote=False),
    SearchFilters(exclude_contracts=["CDI", "MIS"]),
    SearchFilters(departments=["75", "92", "93"]),
    SearchFilters(experience_min_months=12, experience_max_months=36),
    SearchFilters(remote=True),
    SearchFilters(published_since=date(2024, 1, 1)),
    SearchFilters(geo=LYON),
    SearchFilters(geo=LYON, contracts=["CDI"], experience_max_months=24),
    SearchFilters(geo=GeoFilter(label="x", lat=48.8566, lon=2.3522, radius_km=15), exclude_contracts=["MIS"]),
]


def _skill_and_language_filters(docs: list[IndexDocument]) -> list[SearchFilters]:
    skilled = next(d for d in docs if len(d.skills) >= 2)
    spoken = next(d for d in docs if d.languages)
    return [
        SearchFilters(skills=list(skilled.skills[:1])),
        SearchFilters(skills=list(skilled.skills[:2])),
        SearchFilters(languages=list(spoken.languages[:1])),
        SearchFilters(rome=list(skilled.rome), remote=False),
    ]


def test_every_hit_meets_every_filter_and_top10_agrees_with_exact_search(
    filled: VectorBackend, corpus: tuple[list[IndexDocument], np.ndarray]
) -> None:
    docs, vecs = corpus
    queries = unit_vectors(3, seed=7)
    recalls = []
    for filters in FILTERS + _skill_and_language_filters(docs):
        allowed = np.array([i for i, d in enumerate(docs) if matches(d, filters)], dtype=np.int64)
        assert allowed.size, filters
        for q in queries:
            hits = filled.search(q, filters, 10)
            by_id = {d.doc_id: d for d in docs}
            assert all(matches(by_id[h.doc_id], filters) for h in hits), filters
            assert len(hits) == min(10, allowed.size), filters
            scores = vecs[allowed] @ q
            exact = {docs[i].doc_id for i in allowed[np.argsort(-scores)[:10]]}
            recalls.append(len(exact & {h.doc_id for h in hits}) / len(exact))
    assert float(np.mean(recalls)) >= 0.95, recalls


def test_geo_circle_is_exact_at_the_boundary(make: Factory) -> None:
    """A document exactly at the radius is in; one a micrometre beyond it is out, on every backend."""
    centre = (45.0, 5.0)
    docs, vecs = [], unit_vectors(40, seed=8)
    radius = 0.0
    for i in range(40):
        lat, lon = centre[0] + 0.01 * (i % 7 + 1), centre[1] + 0.013 * (i % 5 + 1)
        docs.append(doc(i + 1, lat=lat, lon=lon))
        if i == 17:
            radius = haversine_km(centre[0], centre[1], lat, lon)
    geo = GeoFilter(label="x", lat=centre[0], lon=centre[1], radius_km=radius)
    just_out = GeoFilter(label="x", lat=centre[0], lon=centre[1], radius_km=np.nextafter(radius, 0.0))
    index = make("geo")
    index.upsert(docs, vecs)
    index.save()
    for filters in (SearchFilters(geo=geo), SearchFilters(geo=just_out)):
        expected = {d.doc_id for d in docs if matches(d, filters)}
        got = {h.doc_id for h in index.search(vecs[17], filters, 100)}
        assert got == expected
    assert 18 in {h.doc_id for h in index.search(vecs[17], SearchFilters(geo=geo), 100)}
    assert 18 not in {h.doc_id for h in index.search(vecs[17], SearchFilters(geo=just_out), 100)}


def test_pgvector_names_the_setting_on_sqlite(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from retrieval.vector.pgvector_index import PgVectorIndex

    with pytest.raises(ConfigurationError, match="BASSIN_VECTOR_BACKEND"):
        PgVectorIndex(create_engine(f"sqlite:///{tmp_path / 'x.db'}"), "offers", model_id=MODEL, dim=DIM)
