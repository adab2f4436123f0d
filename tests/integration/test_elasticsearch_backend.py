"""The Elasticsearch lexical backend against a real node.

The node is ``BASSIN_TEST_ELASTICSEARCH_URL`` when set, otherwise the one ``scripts/elasticsearch.sh``
starts (and stops at the end if this session started it). Every test works under its own index
prefix and deletes its indexes afterwards.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from domain.documents import IndexDocument
from domain.errors import ConfigurationError, IndexCorruptedError
from domain.filters import haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.base import LexicalBackend, LexicalHit
from retrieval.lexical.elastic import (
    PAGE_SIZE,
    DocumentIndexingError,
    ElasticsearchBackend,
    connect_elasticsearch,
)
from retrieval.lexical.elastic_schema import ANALYZER

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "elasticsearch.sh"
OFFERS = ROOT.parent / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"
NO_FILTER = SearchFilters()
ALL = 100_000

BackendFactory = Callable[..., ElasticsearchBackend]


def _drop(client: Elasticsearch, prefix: str) -> None:
    names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)


@pytest.fixture
def prefix(elasticsearch_client: Elasticsearch) -> Iterator[str]:
    name = f"bassin-test-{uuid.uuid4().hex[:12]}"
    yield name
    _drop(elasticsearch_client, name)


@pytest.fixture
def backend_factory(elasticsearch_client: Elasticsearch, prefix: str) -> BackendFactory:
    def make(collection: str = "offers", **options: Any) -> ElasticsearchBackend:
        return ElasticsearchBackend(elasticsearch_client, collection, index_prefix=prefix, **options)

    return make


def doc(doc_id: int, title: str, body: str = "", **attributes: Any) -> IndexDocument:
    return IndexDocument(
        doc_id=doc_id,
        external_id=f"X{doc_id}",
        content_hash=f"h{doc_id}",
        title=title,
        body=body,
        embed_text="",
        **attributes,
    )


def ids(hits: list[LexicalHit]) -> list[int]:
    return [hit.doc_id for hit in hits]


# -- real offers --------------------------------------------------------------------------------


def _slug(label: str) -> str:
    folded = unicodedata.normalize("NFKD", label.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def offer_document(doc_id: int, raw: dict[str, Any]) -> IndexDocument:
    place = raw.get("lieuTravail") or {}
    postcode = place.get("codePostal") or ""
    description = raw.get("description") or ""
    remote = True if "télétravail" in description.lower() else (False if doc_id % 3 == 0 else None)
    return IndexDocument(
        doc_id=doc_id,
        external_id=raw["id"],
        content_hash=f"{doc_id}-{len(description)}",
        title=raw.get("intitule") or "",
        body=description,
        embed_text="",
        skills=tuple(sorted({_slug(c["libelle"]) for c in raw.get("competences") or [] if c.get("libelle")})),
        contract=(raw["typeContrat"],) if raw.get("typeContrat") else (),
        rome=(raw["romeCode"],) if raw.get("romeCode") else (),
        department=(postcode[:2],) if postcode else (),
        languages=tuple(sorted({lang["libelle"].lower() for lang in raw.get("langues") or []})),
        remote=remote,
        experience_months=0 if raw.get("experienceExige") == "D" else 12,
        published=date.fromisoformat(raw["dateCreation"][:10]),
        lat=place.get("latitude"),
        lon=place.get("longitude"),
    )


@pytest.fixture(scope="module")
def real_offers() -> list[IndexDocument]:
    with gzip.open(OFFERS, "rt", encoding="utf-8") as lines:
        return [offer_document(i + 1, json.loads(line)) for i, line in enumerate(lines)]


@pytest.fixture(scope="module")
def offers_backend(
    elasticsearch_client: Elasticsearch, real_offers: list[IndexDocument]
) -> Iterator[ElasticsearchBackend]:
    prefix = f"bassin-test-{uuid.uuid4().hex[:12]}"
    backend = ElasticsearchBackend(elasticsearch_client, "offers", index_prefix=prefix)
    backend.upsert(real_offers)
    backend.commit()
    yield backend
    _drop(elasticsearch_client, prefix)


def _random_filters(rng: random.Random, docs: list[IndexDocument]) -> SearchFilters:
    def some(attribute: str) -> list[str]:
        pool = [v for d in rng.sample(docs, 40) for v in getattr(d, attribute)]
        return rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))

    def place() -> GeoFilter:
        center = rng.choice([d for d in docs if d.lat is not None and d.lon is not None])
        return GeoFilter(
            label="x", lat=center.lat or 0.0, lon=center.lon or 0.0, radius_km=rng.choice([2, 10, 30, 150])
        )

    low = rng.choice([0, 1, 12, 24])
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "skills": lambda: {"skills": some("skills")[:1]},
        "rome": lambda: {"rome": some("rome")},
        "departments": lambda: {"departments": some("department")},
        "contracts": lambda: {
            "contracts": rng.sample(["CDI", "CDD", "MIS", "LIB", "SAI"], rng.randint(1, 2))
        },
        "exclude_contracts": lambda: {"exclude_contracts": rng.sample(["CDI", "MIS", "CDD"], 1)},
        "languages": lambda: {"languages": some("languages")[:1]},
        "experience_min": lambda: {"experience_min_months": low},
        "experience_max": lambda: {"experience_max_months": low},
        "remote": lambda: {"remote": rng.choice([True, False])},
        "published_since": lambda: {"published_since": rng.choice(docs).published},
        "geo": lambda: {"geo": place()},
    }
    values: dict[str, Any] = {}
    for name in rng.sample(sorted(makers), rng.randint(1, 4)):
        values.update(makers[name]())
    if "experience_min_months" in values and "experience_max_months" in values:
        lo, hi = sorted([values["experience_min_months"], values["experience_max_months"]])
        values["experience_min_months"], values["experience_max_months"] = lo, hi
    return SearchFilters.model_validate(values)


def test_every_filter_returns_exactly_what_matches_accepts(
    offers_backend: ElasticsearchBackend, real_offers: list[IndexDocument]
) -> None:
    rng = random.Random(1789)
    for _ in range(120):
        filters = _random_filters(rng, real_offers)
        expected = sorted(
            (d for d in real_offers if matches(d, filters)),
            key=lambda d: (d.published or date.min, d.doc_id),
            reverse=True,
        )

        assert ids(offers_backend.search("", filters, ALL)) == [d.doc_id for d in expected], filters


@pytest.mark.parametrize("text", ["aide soignant", "développeur", "vente"])
def test_filters_restrict_text_results_and_keep_their_scores(
    offers_backend: ElasticsearchBackend, real_offers: list[IndexDocument], text: str
) -> None:
    by_id = {d.doc_id: d for d in real_offers}
    unfiltered = offers_backend.search(text, NO_FILTER, ALL)
    assert unfiltered
    rng = random.Random(text)
    for _ in range(25):
        filters = _random_filters(rng, real_offers)

        hits = offers_backend.search(text, filters, ALL)

        expected = [hit for hit in unfiltered if matches(by_id[hit.doc_id], filters)]
        assert {h.doc_id: h.score for h in hits} == pytest.approx({h.doc_id: h.score for h in expected})


def test_geo_boundary_agrees_with_the_reference_haversine(
    offers_backend: ElasticsearchBackend, real_offers: list[IndexDocument]
) -> None:
    points = [(d.doc_id, d.lat, d.lon) for d in real_offers if d.lat is not None and d.lon is not None]
    rng = random.Random(7)
    for _ in range(25):
        _, lat, lon = rng.choice(points)
        distances = {doc_id: haversine_km(lat, lon, p_lat, p_lon) for doc_id, p_lat, p_lon in points}
        edge = rng.choice([doc_id for doc_id, km in distances.items() if 0.5 < km < 100])
        # exactly on the circle, then a hair inside it: the edge document must flip
        for radius in (distances[edge], distances[edge] * (1 - 1e-9)):
            geo = GeoFilter(label="x", lat=lat, lon=lon, radius_km=radius)

            got = set(ids(offers_backend.search("", SearchFilters(geo=geo), ALL)))

            assert got == {doc_id for doc_id, km in distances.items() if km <= radius}
            assert (edge in got) == (radius == distances[edge])


def test_geo_top_k_is_the_head_of_the_full_list(offers_backend: ElasticsearchBackend) -> None:
    paris = SearchFilters(geo=GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=3.0))
    every = offers_backend.search("", paris, ALL)
    assert len(every) > 60

    assert ids(offers_backend.search("", paris, 50)) == ids(every)[:50]
    assert (
        ids(offers_backend.search("vente", paris, 5)) == ids(offers_backend.search("vente", paris, ALL))[:5]
    )


# -- mapping and analysis -----------------------------------------------------------------------


def test_index_has_the_explicit_french_mapping(
    backend_factory: BackendFactory, elasticsearch_client: Elasticsearch
) -> None:
    backend = backend_factory()

    (index,) = backend.versions()
    mapping = elasticsearch_client.indices.get_mapping(index=backend.alias)[index]["mappings"]
    properties = mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert properties["title"] == {"type": "text", "analyzer": ANALYZER}
    assert properties["location"]["type"] == "geo_point"
    assert properties["doc_id"]["type"] == "long"
    assert {properties[f]["type"] for f in ("skills", "contract", "rome", "department", "languages")} == {
        "keyword"
    }
    assert index.startswith(f"{backend.alias}-v")
    assert list(elasticsearch_client.indices.get_alias(name=backend.alias)) == [index]


def test_french_analyzer_folds_elisions_accents_and_plurals(
    backend_factory: BackendFactory, elasticsearch_client: Elasticsearch
) -> None:
    backend = backend_factory()

    analyzed = elasticsearch_client.indices.analyze(
        index=backend.alias, analyzer=ANALYZER, text="L’Électricité des ingénieurs d'études"
    )

    assert [t["token"] for t in analyzed["tokens"]] == ["electricit", "ingenieu", "etud"]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("développeurs", "Développeur Full Stack"),
        ("developpeur", "Développeur Full Stack"),
        ("INGÉNIEURS", "Ingénieur qualité"),
        ("expérience", "Poste avec d'expérience exigée"),
        ("entreprise", "Chargé de l’entreprise"),
        ("infirmières", "Infirmière de nuit"),
    ],
)
def test_search_matches_across_french_inflections(
    backend_factory: BackendFactory, query: str, title: str
) -> None:
    backend = backend_factory(refresh="wait_for")
    backend.upsert([doc(1, title), doc(2, "Chauffeur livreur")])

    assert ids(backend.search(query, NO_FILTER, 10)) == [1]
    assert backend.search("le la les de du", NO_FILTER, 10) == []


def test_title_weighs_more_than_body(backend_factory: BackendFactory) -> None:
    backend = backend_factory(refresh=True)
    backend.upsert(
        [doc(1, "Assistant commercial", "avec notre comptable"), doc(2, "Comptable", "la facturation")]
    )

    hits = backend.search("comptable", NO_FILTER, 10)

    assert ids(hits) == [2, 1]
    assert hits[0].score > hits[1].score > 0


# -- writes -------------------------------------------------------------------------------------


def test_bulk_reports_each_refused_document_and_writes_the_others(backend_factory: BackendFactory) -> None:
    backend = backend_factory()
    docs = [
        doc(1, "Boulanger"),
        doc(2, "Pâtissier", lat=123.0, lon=2.0),
        doc(3, "Plombier", lat=45.0, lon=500.0),
    ]

    with pytest.raises(DocumentIndexingError) as raised:
        backend.upsert(docs)
    backend.commit()

    assert [f.doc_id for f in raised.value.failures] == [2, 3]
    assert "latitude" in raised.value.failures[0].reason
    assert "refusé 2 document(s)" in str(raised.value)
    assert backend.hashes() == {1: "h1"}
    assert backend.bulk_index([doc(4, "Fleuriste", lat=-91.0, lon=0.0)])[0].doc_id == 4


def test_upsert_replaces_delete_ignores_unknown_ids_and_commit_refreshes(
    backend_factory: BackendFactory, elasticsearch_client: Elasticsearch, prefix: str
) -> None:
    backend = backend_factory()
    backend.upsert([doc(1, "Boulanger"), doc(2, "Plombier"), doc(3, "Boulanger confirmé")])
    backend.upsert([replace(doc(1, "Fleuriste"), content_hash="new")])
    backend.commit()
    assert backend.count() == 3
    assert backend.hashes() == {1: "new", 2: "h2", 3: "h3"}
    assert ids(backend.search("boulanger", NO_FILTER, 10)) == [3]

    backend.delete([2, 999])
    backend.commit()

    assert backend.count() == 2
    assert ids(backend.search("", NO_FILTER, 10)) == [3, 1]
    backend.close()
    assert ElasticsearchBackend(elasticsearch_client, "offers", index_prefix=prefix).hashes() == {
        1: "new",
        3: "h3",
    }


def test_clear_empties_the_collection_through_a_new_version(backend_factory: BackendFactory) -> None:
    backend = backend_factory(refresh=True)
    backend.upsert([doc(i, "Boulanger") for i in range(1, 6)])
    (before,) = backend.versions()

    backend.clear()

    assert backend.count() == 0
    assert backend.search("", NO_FILTER, 10) == []
    (after,) = backend.versions()
    assert after > before


def test_hashes_and_browsing_go_past_ten_thousand_documents(backend_factory: BackendFactory) -> None:
    backend = backend_factory()
    docs = [doc(i, "Vendeur", published=date(2025, 1 + i % 12, 1)) for i in range(1, PAGE_SIZE + 2_346)]
    backend.upsert(docs)
    backend.commit()

    hashes = backend.hashes()
    browsed = backend.search("", NO_FILTER, ALL)

    assert hashes == {d.doc_id: d.content_hash for d in docs}
    newest_first = sorted(docs, key=lambda d: (d.published, d.doc_id), reverse=True)
    assert ids(browsed) == [d.doc_id for d in newest_first]
    assert ids(backend.search("vendeur", NO_FILTER, ALL))[:3] == sorted(hashes, reverse=True)[:3]


# -- rebuild ------------------------------------------------------------------------------------


def test_reindex_swaps_the_alias_while_searches_keep_answering(backend_factory: BackendFactory) -> None:
    backend = backend_factory()
    generations = [{g * 1000 + i for i in range(1, 201)} for g in range(4)]
    backend.upsert([doc(i, "Boulanger", "pain") for i in generations[0]])
    backend.commit()
    seen: list[set[int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def search_forever() -> None:
        while not done.is_set():
            try:
                seen.append(set(ids(backend.search("boulanger", NO_FILTER, 1000))))
                seen.append(set(ids(backend.search("", SearchFilters(), 1000))))
            except BaseException as exc:  # a failed search is what this test looks for
                errors.append(exc)

    searcher = threading.Thread(target=search_forever)
    searcher.start()
    try:
        for generation in generations[1:]:
            backend.reindex(doc(i, "Boulanger", "pain") for i in generation)
    finally:
        done.set()
        searcher.join()

    assert errors == []
    assert len(seen) > 10
    assert all(result in generations for result in seen)
    assert seen[-1] == generations[-1]
    assert len(backend.versions()) == 1


def test_reindex_with_a_refused_document_keeps_the_current_version(backend_factory: BackendFactory) -> None:
    backend = backend_factory(refresh=True)
    backend.upsert([doc(1, "Boulanger")])
    (current,) = backend.versions()

    with pytest.raises(DocumentIndexingError):
        backend.reindex([doc(2, "Plombier"), doc(3, "Pâtissier", lat=300.0, lon=0.0)])

    assert backend.versions() == [current]
    assert ids(backend.search("", NO_FILTER, 10)) == [1]


# -- failures -----------------------------------------------------------------------------------


def test_unreachable_node_gives_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"injoignable à http://127\.0\.0\.1:9"):
        connect_elasticsearch("http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="URL Elasticsearch invalide"):
        connect_elasticsearch("127.0.0.1:9200")


def test_plain_index_under_the_alias_name_is_refused(
    elasticsearch_client: Elasticsearch, prefix: str
) -> None:
    elasticsearch_client.indices.create(
        index=f"{prefix}-offers", mappings={"properties": {"title": {"type": "keyword"}}}
    )

    with pytest.raises(IndexCorruptedError, match="n'est pas un alias"):
        ElasticsearchBackend(elasticsearch_client, "offers", index_prefix=prefix)


def test_incompatible_mapping_behind_the_alias_is_refused(
    elasticsearch_client: Elasticsearch, prefix: str
) -> None:
    elasticsearch_client.indices.create(
        index=f"{prefix}-offers-v1",
        mappings={"_meta": {"bassin_schema": 1}, "properties": {"title": {"type": "keyword"}}},
        aliases={f"{prefix}-offers": {}},
    )

    with pytest.raises(IndexCorruptedError, match=r"title.*bassin sync --rebuild"):
        ElasticsearchBackend(elasticsearch_client, "offers", index_prefix=prefix)


def test_backend_satisfies_the_protocol(backend_factory: BackendFactory) -> None:
    assert isinstance(backend_factory(), LexicalBackend)
