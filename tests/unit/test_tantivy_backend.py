"""Tantivy-specific behaviour: the French analyzer, query building, the geo box, locking, opening.

Behaviour every lexical backend shares is in ``tests/contract/test_lexical_contract.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.documents import IndexDocument
from domain.errors import ConfigurationError, IndexCorruptedError
from domain.filters import EARTH_RADIUS_KM, haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.base import LexicalBackend
from retrieval.lexical.french_analyzer import FRENCH_STOPWORDS, analyze_french
from retrieval.lexical.tantivy_backend import TantivyBackend
from retrieval.lexical.tantivy_queries import MAX_QUERY_TERMS, geo_box, query_terms

NO_FILTER = SearchFilters()


def doc(doc_id: int, title: str, body: str = "", **attributes: object) -> IndexDocument:
    return IndexDocument(
        doc_id=doc_id,
        external_id=f"X{doc_id}",
        content_hash=f"h{doc_id}",
        title=title,
        body=body,
        embed_text=title,
        **attributes,  # type: ignore[arg-type]
    )


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[TantivyBackend]:
    opened = TantivyBackend(tmp_path / "idx", "offers")
    yield opened
    opened.close()


# -- analyzer -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("l'entreprise", ["entrepris"]),
        ("L’Entreprise", ["entrepris"]),
        ("d'expérience", ["experient"]),
        ("qu'il jusqu'à", []),
        ("Développeurs DÉVELOPPEUR", ["developpeur", "developpeur"]),
        ("Ingénieur ingenieur", ["ingenieur", "ingenieur"]),
        ("le chef de la cuisine et des salles", ["chef", "cuisin", "sall"]),
        ("C++ C# f# C", ["cplusplus", "csharp", "fsharp"]),
        ("C++/Java (C#), Bac+2 #recrutement", ["cplusplus", "jav", "csharp", "bac", "2", "recrut"]),
        ("Node.js / .NET", ["nod", "j", "net"]),
        ("cœur œuvre", ["coeur", "oeuvr"]),
        ("35h/semaine", ["35h", "semain"]),
    ],
)
def test_french_analyzer(text: str, terms: list[str]) -> None:
    assert analyze_french(text) == terms


def test_stopwords_cover_function_words_and_elided_articles() -> None:
    assert len(FRENCH_STOPWORDS) >= 150
    assert {"l", "d", "j", "qu", "n", "s", "c", "le", "la", "les", "des", "a", "ete"} <= set(FRENCH_STOPWORDS)
    assert all(word == word.lower() and word.isascii() for word in FRENCH_STOPWORDS)


def test_query_terms_are_deduplicated_and_capped() -> None:
    assert query_terms("Développeur développeurs PYTHON python") == ["developpeur", "python"]
    assert len(query_terms(" ".join(f"mot{i}" for i in range(500)))) == MAX_QUERY_TERMS


def test_title_is_weighted_three_times_the_body(backend: TantivyBackend) -> None:
    backend.upsert([doc(1, "Comptable", "Paie"), doc(2, "Paie", "Comptable")])
    backend.commit()

    title_hit, body_hit = backend.search("comptable", NO_FILTER, 10)

    assert (title_hit.doc_id, body_hit.doc_id) == (1, 2)
    assert title_hit.score == pytest.approx(3 * body_hit.score)


# -- geo box ---------------------------------------------------------------------------------------


def _easternmost(lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    """The point of the circle with the largest longitude (it lies north of the centre)."""
    angle = radius_km / EARTH_RADIUS_KM
    east_lat = math.degrees(math.asin(math.sin(math.radians(lat)) / math.cos(angle)))
    dlon = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(lat))))
    return east_lat, lon + dlon * (1 - 1e-12)


@pytest.mark.parametrize(("lat", "radius_km"), [(45.764, 30.0), (60.0, 1000.0), (-50.0, 700.0)])
def test_geo_box_contains_the_extreme_points_of_the_circle(lat: float, radius_km: float) -> None:
    geo = GeoFilter(label="x", lat=lat, lon=10.0, radius_km=radius_km)
    min_lat, max_lat, ((west, east),) = geo_box(geo)
    east_lat, east_lon = _easternmost(lat, 10.0, radius_km)
    assert haversine_km(lat, 10.0, east_lat, east_lon) <= radius_km + 1e-9

    assert min_lat <= east_lat <= max_lat
    assert west <= east_lon <= east
    assert min_lat < lat - math.degrees(radius_km / EARTH_RADIUS_KM) < max_lat


def test_a_document_at_the_circle_east_edge_is_found(backend: TantivyBackend) -> None:
    geo = GeoFilter(label="x", lat=60.0, lon=10.0, radius_km=1000.0)
    east_lat, east_lon = _easternmost(60.0, 10.0, 999.9999)
    edge = doc(1, "Guide", lat=east_lat, lon=east_lon)
    backend.upsert([edge, doc(2, "Guide", lat=60.0, lon=40.0)])
    backend.commit()

    assert matches(edge, SearchFilters(geo=geo))
    assert [h.doc_id for h in backend.search("guide", SearchFilters(geo=geo), 10)] == [1]


def test_geo_box_splits_across_the_antimeridian_and_opens_at_the_poles() -> None:
    _, _, lon_intervals = geo_box(GeoFilter(label="Fidji", lat=-17.7, lon=179.9, radius_km=100))
    assert len(lon_intervals) == 2
    assert lon_intervals[0][1] == 180.0
    assert lon_intervals[1][0] == -180.0

    _, max_lat, lon_intervals = geo_box(GeoFilter(label="pôle", lat=89.9, lon=0.0, radius_km=50))
    assert max_lat > 90.0
    assert lon_intervals == []


def test_geo_search_across_the_antimeridian(backend: TantivyBackend) -> None:
    backend.upsert(
        [doc(1, "Guide", lat=-17.7, lon=-179.9), doc(2, "Guide", lat=-17.7, lon=179.95), doc(3, "Guide")]
    )
    backend.commit()
    geo = SearchFilters(geo=GeoFilter(label="Fidji", lat=-17.7, lon=179.9, radius_km=100))

    assert sorted(h.doc_id for h in backend.search("guide", geo, 10)) == [1, 2]


# -- lifecycle -------------------------------------------------------------------------------------


def test_satisfies_the_protocol(backend: TantivyBackend) -> None:
    assert isinstance(backend, LexicalBackend)
    assert backend.collection == "offers"


def test_one_writer_per_directory_until_close(tmp_path: Path) -> None:
    first = TantivyBackend(tmp_path / "idx", "offers")
    second = TantivyBackend(tmp_path / "idx", "offers")
    first.upsert([doc(1, "Boulanger")])

    with pytest.raises(ConfigurationError, match="déjà ouvert en écriture"):
        second.upsert([doc(2, "Plombier")])

    first.close()
    second.upsert([doc(2, "Plombier")])
    second.commit()
    assert second.hashes() == {1: "h1", 2: "h2"}
    second.close()


def test_a_reader_sees_commits_of_another_instance(tmp_path: Path) -> None:
    reader = TantivyBackend(tmp_path / "idx", "offers")
    with TantivyBackend(tmp_path / "idx", "offers") as writer:
        writer.upsert([doc(1, "Boulanger")])
        writer.commit()

    deadline = time.monotonic() + 10
    while reader.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [h.doc_id for h in reader.search("boulanger", NO_FILTER, 5)] == [1]


def test_close_commits_pending_writes_and_search_still_works(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path / "idx", "offers")
    backend.upsert([doc(1, "Boulanger")])

    backend.close()
    backend.close()

    assert backend.count() == 1
    assert TantivyBackend(tmp_path / "idx", "offers").hashes() == {1: "h1"}


def test_an_unreadable_directory_is_reported_as_corrupted(tmp_path: Path) -> None:
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / "meta.json").write_text("{not json")

    with pytest.raises(IndexCorruptedError, match="bassin sync --rebuild"):
        TantivyBackend(tmp_path / "idx", "offers")


def test_an_index_with_another_schema_is_reported_as_corrupted(tmp_path: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title")
    tantivy.Index(builder.build(), path=str(tmp_path))

    with pytest.raises(IndexCorruptedError):
        TantivyBackend(tmp_path, "offers")


@pytest.mark.parametrize("doc_id", [-1, 1 << 40])
def test_doc_ids_outside_40_bits_are_rejected(backend: TantivyBackend, doc_id: int) -> None:
    with pytest.raises(ValueError, match="doc_id"):
        backend.upsert([doc(doc_id, "Boulanger")])


def test_empty_index(backend: TantivyBackend) -> None:
    assert backend.count() == 0
    assert backend.hashes() == {}
    assert backend.search("", NO_FILTER, 10) == []
    assert backend.search("boulanger", NO_FILTER, 10) == []
    assert backend.search("boulanger", NO_FILTER, 0) == []
