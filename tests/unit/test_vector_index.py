"""The FAISS vector index: writes, search, persistence, crash safety, exact/IVF modes, filters."""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

import retrieval.vector.faiss_index as faiss_index_module
from domain.documents import IndexDocument
from domain.errors import IndexCorruptedError, ModelMismatchError
from domain.filters import EARTH_RADIUS_KM, haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from retrieval.vector import AttributeTable, FaissVectorIndex

DIM = 32
MODEL = "test-model"


def doc(doc_id: int, **attributes: object) -> IndexDocument:
    content_hash = str(attributes.pop("content_hash", f"h{doc_id}"))
    return IndexDocument(
        doc_id=doc_id,
        external_id=f"X{doc_id}",
        content_hash=content_hash,
        title=f"offre {doc_id}",
        body="",
        embed_text="",
        **attributes,  # type: ignore[arg-type]
    )


def unit_vectors(n: int, seed: int = 0, dim: int = DIM, clusters: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if clusters:
        centers = rng.normal(size=(clusters, dim))
        vectors = centers[rng.integers(0, clusters, n)] + 0.5 * rng.normal(size=(n, dim))
    else:
        vectors = rng.normal(size=(n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def open_index(path: Path, **options: object) -> FaissVectorIndex:
    return FaissVectorIndex.open(path, model_id=MODEL, dim=DIM, **options)  # type: ignore[arg-type]


def exact_top(vectors: np.ndarray, ids: list[int], query: np.ndarray, k: int) -> list[int]:
    scores = vectors @ query
    return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]


def hit_ids(
    index: FaissVectorIndex, query: np.ndarray, k: int, filters: SearchFilters | None = None
) -> list[int]:
    return [hit.doc_id for hit in index.search(query, filters, k)]


# -- writes and search -----------------------------------------------------------------------------


def test_upsert_replace_delete_then_search(tmp_path: Path) -> None:
    index = open_index(tmp_path / "faiss")
    vectors = unit_vectors(50)
    index.upsert([doc(i, contract=("CDI",) if i % 2 else ("CDD",)) for i in range(50)], vectors)
    assert index.count() == 50
    hits = index.search(vectors[7], None, 5)
    assert hits[0].doc_id == 7
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    # Replacing doc 7 moves it to doc 9's place, with its new attributes and hash.
    index.upsert([doc(7, content_hash="new", contract=("MIS",))], vectors[9:10])
    assert index.count() == 50
    assert {hit.doc_id for hit in index.search(vectors[9], None, 2)} == {7, 9}
    assert hit_ids(index, vectors[9], 10, SearchFilters(contracts=["MIS"])) == [7]
    assert index.hashes()[7] == "new"
    np.testing.assert_array_equal(index.get_vectors([7, 9]), vectors[[9, 9]])

    index.delete([7, 9, 12345])
    assert index.count() == 48
    assert {7, 9}.isdisjoint(hit_ids(index, vectors[9], 48))
    assert 7 not in index.hashes()
    np.testing.assert_array_equal(index.ids(), [i for i in range(50) if i not in (7, 9)])
    with pytest.raises(KeyError):
        index.get_vectors([7])


def test_last_duplicate_in_a_batch_wins(tmp_path: Path) -> None:
    index = open_index(tmp_path / "faiss")
    vectors = unit_vectors(3)
    index.upsert([doc(1, content_hash="a"), doc(2), doc(1, content_hash="b")], vectors)
    assert index.count() == 2
    assert index.hashes() == {1: "b", 2: "h2"}
    np.testing.assert_array_equal(index.get_vectors([1]), vectors[2:3])


def test_filtered_search_returns_only_matching_documents_best_first(tmp_path: Path) -> None:
    index = open_index(tmp_path / "faiss")
    vectors = unit_vectors(300, seed=3)
    docs = [doc(i, contract=("CDI",) if i % 3 == 0 else ("CDD",), remote=i % 5 == 0) for i in range(300)]
    index.upsert(docs, vectors)
    filters = SearchFilters(contracts=["CDI"], remote=False)
    allowed = [d.doc_id for d in docs if matches(d, filters)]
    for q in range(5):
        expected = exact_top(vectors[allowed], allowed, vectors[q], 10)
        assert hit_ids(index, vectors[q], 10, filters) == expected
    assert index.search(vectors[0], SearchFilters(contracts=["XYZ"]), 10) == []
    assert index.search(vectors[0], None, 0) == []


def test_wrong_vector_shape_is_rejected(tmp_path: Path) -> None:
    index = open_index(tmp_path / "faiss")
    with pytest.raises(ValueError, match="shape"):
        index.upsert([doc(1)], unit_vectors(1, dim=DIM + 1))
    with pytest.raises(ValueError, match="shape"):
        index.upsert([doc(1), doc(2)], unit_vectors(1))


# -- persistence -------------------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [10_000, 100])
def test_save_and_reopen_gives_the_same_results(tmp_path: Path, threshold: int) -> None:
    path = tmp_path / "indexes" / "offers" / "faiss"
    index = open_index(path, exact_threshold=threshold)
    vectors = unit_vectors(400, seed=1, clusters=8)
    index.upsert(
        [doc(i, department=(str(i % 7),), lat=45.0 + i / 1000, lon=4.8) for i in range(400)], vectors
    )
    index.delete(list(range(0, 400, 10)))
    index.save()
    filters = SearchFilters(departments=["3"])
    before = [index.search(vectors[q], f, 10) for q in range(10) for f in (None, filters)]

    reopened = open_index(path, exact_threshold=threshold)
    assert reopened.mode == index.mode == ("ivf" if threshold == 100 else "flat")
    assert reopened.count() == 360
    assert reopened.hashes() == index.hashes()
    assert [reopened.search(vectors[q], f, 10) for q in range(10) for f in (None, filters)] == before
    np.testing.assert_array_equal(reopened.get_vectors([1, 399]), vectors[[1, 399]])


def test_open_creates_an_empty_index_with_a_manifest(tmp_path: Path) -> None:
    path = tmp_path / "faiss"
    index = open_index(path)
    assert index.count() == 0
    assert index.search(unit_vectors(1)[0], None, 5) == []
    manifest = json.loads((path / "manifest.json").read_text())
    assert (manifest["model_id"], manifest["dim"]) == (MODEL, DIM)


def test_interrupted_save_leaves_the_previous_generation_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "faiss"
    index = open_index(path)
    vectors = unit_vectors(20)
    index.upsert([doc(i) for i in range(10)], vectors[:10])
    index.save()
    index.upsert([doc(i) for i in range(10, 20)], vectors[10:])
    index.delete([0])

    def crash(*args: object) -> None:
        raise OSError("disk full")

    # Every data file of the new generation gets written, then the manifest write fails.
    monkeypatch.setattr(faiss_index_module, "write_manifest", crash)
    with pytest.raises(OSError, match="disk full"):
        index.save()
    assert any(name.startswith("vectors.") for name in _generation_files(path, exclude_manifest_files=True))

    reopened = open_index(path)
    assert reopened.count() == 10
    np.testing.assert_array_equal(reopened.ids(), range(10))

    # The next complete save commits and removes the unfinished generation's files.
    monkeypatch.undo()
    index.save()
    assert _generation_files(path, exclude_manifest_files=True) == set()
    assert open_index(path).count() == 19


def _generation_files(path: Path, *, exclude_manifest_files: bool) -> set[str]:
    named = set(json.loads((path / "manifest.json").read_text())["files"].values())
    files = {p.name for p in path.iterdir() if p.name != "manifest.json"}
    return files - named if exclude_manifest_files else files


def test_opening_with_another_model_or_dimension_fails(tmp_path: Path) -> None:
    path = tmp_path / "faiss"
    open_index(path).save()
    with pytest.raises(ModelMismatchError, match="bassin sync --rebuild") as excinfo:
        FaissVectorIndex.open(path, model_id="other-model", dim=DIM)
    assert excinfo.value.index_model == MODEL
    with pytest.raises(ModelMismatchError):
        FaissVectorIndex.open(path, model_id=MODEL, dim=DIM * 2)


@pytest.mark.parametrize("damaged", ["manifest", "vectors", "attributes", "faiss", "deleted vectors"])
def test_a_damaged_file_raises_index_corrupted(tmp_path: Path, damaged: str) -> None:
    path = tmp_path / "faiss"
    index = open_index(path, exact_threshold=50)
    index.upsert([doc(i) for i in range(100)], unit_vectors(100))
    index.save()
    manifest = json.loads((path / "manifest.json").read_text())
    role = damaged.removeprefix("deleted ")
    target = path / ("manifest.json" if role == "manifest" else manifest["files"][role])
    if damaged.startswith("deleted"):
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
    with pytest.raises(IndexCorruptedError, match="bassin sync --rebuild"):
        open_index(path, exact_threshold=50)


# -- exact -> IVF -------------------------------------------------------------------------------------


def test_switch_to_ivf_above_threshold_keeps_writes_and_recall(tmp_path: Path) -> None:
    n = 2000
    vectors = unit_vectors(n, seed=5, clusters=40)
    index = open_index(tmp_path / "faiss", exact_threshold=200, nprobe=8)
    for start in range(0, n, 250):
        index.upsert([doc(i) for i in range(start, start + 250)], vectors[start : start + 250])
    assert index.mode == "ivf"
    assert 1 < index.nlist <= n // 39

    queries = unit_vectors(50, seed=6, clusters=40)
    ids = list(range(n))
    recall = np.mean(
        [len(set(hit_ids(index, q, 10)) & set(exact_top(vectors, ids, q, 10))) / 10 for q in queries]
    )
    assert recall >= 0.9

    deleted = list(range(0, n, 3))
    index.delete(deleted)
    index.delete(deleted)  # already gone: ignored
    index.delete([10**12, -5])  # never indexed: ignored
    assert index.count() == n - len(deleted)
    for q in queries[:10]:
        assert set(hit_ids(index, q, 50)).isdisjoint(deleted)

    index.upsert([doc(1, content_hash="moved")], vectors[2:3])
    assert set(hit_ids(index, vectors[2], 2)) == {1, 2}
    assert index.hashes()[1] == "moved"


def test_ivf_filtered_search_fills_the_limit_with_matching_documents(tmp_path: Path) -> None:
    n = 2000
    vectors = unit_vectors(n, seed=7, clusters=40)
    # exact_subset_max=0 forces the FAISS id-selector path even for a small allowed set.
    index = open_index(tmp_path / "faiss", exact_threshold=200, nprobe=1, exact_subset_max=0)
    docs = [doc(i, contract=("CDI",) if i % 20 == 0 else ("CDD",)) for i in range(n)]
    index.upsert(docs, vectors)
    assert index.mode == "ivf"
    filters = SearchFilters(contracts=["CDI"])
    for q in unit_vectors(5, seed=8, clusters=40):
        hits = hit_ids(index, q, 30, filters)
        assert len(hits) == 30
        assert all(i % 20 == 0 for i in hits)


@pytest.mark.parametrize("threshold", [10_000, 100])
def test_huge_sparse_doc_ids_work_in_both_modes(tmp_path: Path, threshold: int) -> None:
    ids = [10**15 + 7 * i for i in range(150)] + [0, 3]
    vectors = unit_vectors(len(ids), seed=9, clusters=4)
    index = open_index(tmp_path / "faiss", exact_threshold=threshold, exact_subset_max=0)
    index.upsert([doc(i, remote=n % 2 == 0) for n, i in enumerate(ids)], vectors)
    remote = {i for n, i in enumerate(ids) if n % 2 == 0}
    hits = hit_ids(index, vectors[4], 200, SearchFilters(remote=True))
    assert hits[0] == ids[4]
    assert set(hits) == remote
    index.delete([ids[4], 0, -1])
    assert index.count() == len(ids) - 2
    assert ids[4] not in hit_ids(index, vectors[4], 5)
    with pytest.raises(ValueError, match="negative"):
        index.upsert([doc(-1)], vectors[:1])  # FAISS reserves -1 for "no result"


def test_rebuild_goes_back_to_exact_when_the_collection_shrinks(tmp_path: Path) -> None:
    index = open_index(tmp_path / "faiss", exact_threshold=100)
    vectors = unit_vectors(300, clusters=5)
    index.upsert([doc(i) for i in range(300)], vectors)
    assert index.mode == "ivf"
    index.delete(list(range(260)))
    assert index.mode == "flat"
    assert hit_ids(index, vectors[299], 1) == [299]
    index.rebuild()
    assert index.count() == 40


# -- attribute table vs the reference semantics ------------------------------------------------------

CITIES = [(45.764, 4.8357), (48.8566, 2.3522), (43.2965, 5.3698), (-21.1151, 55.5364), (0.0, 179.9)]


def random_doc(rng: random.Random, doc_id: int) -> IndexDocument:
    def some(values: list[str], most: int) -> tuple[str, ...]:
        return tuple(rng.sample(values, rng.randint(0, most)))

    lat = lon = None
    if rng.random() < 0.85:
        lat, lon = rng.choice(CITIES)
        lat += rng.uniform(-0.6, 0.6)
        lon += rng.uniform(-0.8, 0.8)
    return doc(
        doc_id,
        skills=some(["python", "sql", "java", "soudure", "cariste", "excel"], 3),
        contract=some(["CDI", "CDD", "MIS", "SAI"], 2),
        rome=some(["M1805", "H2913", "N1101"], 2),
        department=some(["69", "75", "13", "974", "2A"], 2),
        languages=some(["anglais", "espagnol"], 2),
        remote=rng.choice([None, True, False]),
        experience_months=rng.choice([None, 0, 6, 12, 24, 60]),
        published=rng.choice([None, date(2025, 1, 1) + timedelta(days=rng.randint(0, 60))]),
        lat=lat,
        lon=lon,
    )


def random_filters(rng: random.Random) -> SearchFilters:
    def maybe(values: list[str], most: int) -> list[str]:
        return rng.sample(values, rng.randint(1, most)) if rng.random() < 0.3 else []

    lo = rng.choice([None, None, 0, 6, 24])
    hi = rng.choice([None, None, 12, 60])
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    geo = None
    if rng.random() < 0.5:
        lat, lon = rng.choice(CITIES)
        geo = GeoFilter(label="x", lat=lat, lon=lon, radius_km=rng.choice([5, 30, 60, 200, 1000]))
    return SearchFilters(
        skills=maybe(["python", "sql", "java", "inconnu"], 2),
        rome=maybe(["M1805", "H2913", "Z9999"], 2),
        departments=maybe(["69", "75", "974", "2A"], 2),
        contracts=maybe(["CDI", "CDD", "MIS"], 2),
        exclude_contracts=maybe(["CDD", "SAI"], 1),
        languages=maybe(["anglais", "espagnol"], 2),
        experience_min_months=lo,
        experience_max_months=hi,
        remote=rng.choice([None, None, True, False]),
        published_since=rng.choice([None, date(2025, 1, 20)]),
        geo=geo,
    )


def test_attribute_filters_equal_the_reference_semantics() -> None:
    rng = random.Random(20250601)
    docs = [random_doc(rng, i) for i in range(600)]
    table = AttributeTable()
    table.append(docs[:300])
    table.append(docs[300:])
    table.remove(np.arange(0, 600, 7))
    alive = [d for d in docs if d.doc_id % 7]
    for _ in range(400):
        filters = random_filters(rng)
        expected = {d.doc_id for d in alive if matches(d, filters)}
        assert set(table.filter_mask(filters).tolist()) == expected, filters
    table.compact()
    for _ in range(100):
        filters = random_filters(rng)
        assert set(table.filter_mask(filters).tolist()) == {d.doc_id for d in alive if matches(d, filters)}


def test_geo_filter_is_exact_at_the_radius_and_across_the_antimeridian() -> None:
    center = GeoFilter(label="Lyon", lat=45.764, lon=4.8357, radius_km=30)
    rng = random.Random(3)
    docs = []
    for i in range(400):
        # Points on and around the circle, at every bearing, plus near the poles and the date line.
        bearing, dist = rng.uniform(0, 2 * math.pi), 30 * rng.choice([0.999999, 1.0, 1.000001, rng.random()])
        lat, lon = _destination(center.lat, center.lon, bearing, dist)
        docs.append(doc(i, lat=lat, lon=lon))
    docs += [
        doc(1000, lat=0.0, lon=-179.95),
        doc(1001, lat=89.99, lon=120.0),
        doc(1002, lat=89.99, lon=-60.0),
    ]
    table = AttributeTable()
    table.append(docs)
    probes = [
        center,
        GeoFilter(label="x", lat=0.0, lon=179.95, radius_km=20),
        GeoFilter(label="p", lat=89.9, lon=0, radius_km=50),
    ]
    # Radii equal to a document's own distance put it exactly on the boundary.
    probes += [
        center.model_copy(update={"radius_km": haversine_km(center.lat, center.lon, d.lat, d.lon)})  # type: ignore[arg-type]
        for d in docs[:40]
    ]
    # The circle is widest in longitude north of its centre (south in the southern hemisphere),
    # by asin(sin δ / cos φ) > δ / cos φ: a box of half-width δ / cos φ would miss these.
    for radius in (30.0, 300.0, 1000.0):
        widest = _widest_point(center.lat, center.lon, radius)
        docs.append(doc(2000 + int(radius), lat=widest[0], lon=widest[1]))
        table.append(docs[-1:])
        exact = haversine_km(center.lat, center.lon, *widest)
        probes.append(center.model_copy(update={"radius_km": exact}))
    for geo in probes:
        filters = SearchFilters(geo=geo)
        assert set(table.filter_mask(filters).tolist()) == {d.doc_id for d in docs if matches(d, filters)}
    assert {1000} == set(table.filter_mask(SearchFilters(geo=probes[1])).tolist())
    assert {1001, 1002} == set(table.filter_mask(SearchFilters(geo=probes[2])).tolist())
    assert 3000 in set(table.filter_mask(SearchFilters(geo=probes[-1])).tolist())


def _widest_point(lat: float, lon: float, km: float) -> tuple[float, float]:
    p, delta = math.radians(lat), km / EARTH_RADIUS_KM
    return (
        math.degrees(math.asin(math.sin(p) / math.cos(delta))),
        lon + math.degrees(math.asin(math.sin(delta) / math.cos(p))),
    )


def _destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    p1, l1, delta = math.radians(lat), math.radians(lon), km / EARTH_RADIUS_KM
    p2 = math.asin(math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(p1), math.cos(delta) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def test_index_search_honours_random_filters(tmp_path: Path) -> None:
    rng = random.Random(11)
    docs = [random_doc(rng, i) for i in range(500)]
    vectors = unit_vectors(500, seed=11, clusters=10)
    index = open_index(tmp_path / "faiss", exact_threshold=100, exact_subset_max=50)
    index.upsert(docs, vectors)
    assert index.mode == "ivf"
    by_id = {d.doc_id: d for d in docs}
    for q in range(60):
        filters = random_filters(rng)
        allowed = {d.doc_id for d in docs if matches(d, filters)}
        hits = hit_ids(index, vectors[q], 20, filters)
        assert set(hits) <= allowed
        assert len(hits) == min(20, len(allowed))
        assert all(matches(by_id[i], filters) for i in hits)
