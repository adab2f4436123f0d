"""What every lexical backend must do (the ``LexicalBackend`` docstring), checked on each of them.

Small hand-written documents check writes and ranking; the 7.8k real France Travail offers check
that every filter combination returns exactly what ``domain.filters.matches`` accepts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain.documents import IndexDocument
from domain.filters import haversine_km, matches
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.base import LexicalBackend, LexicalHit

BackendFactory = Callable[..., LexicalBackend]
NO_FILTER = SearchFilters()
ALL = 100_000


def doc(doc_id: int, title: str, body: str = "", **attributes: object) -> IndexDocument:
    return IndexDocument(
        doc_id=doc_id,
        external_id=f"X{doc_id}",
        content_hash=f"h{doc_id}",
        title=title,
        body=body,
        embed_text=f"{title} {body}",
        **attributes,  # type: ignore[arg-type]
    )


def ids(hits: list[LexicalHit]) -> list[int]:
    return [hit.doc_id for hit in hits]


def loaded(factory: BackendFactory, docs: list[IndexDocument], name: str = "default") -> LexicalBackend:
    backend = factory(name)
    backend.upsert(docs)
    backend.commit()
    return backend


def browse_order(docs: list[IndexDocument]) -> list[int]:
    """Newest first, ties by highest doc id, undated last."""
    ordered = sorted(docs, key=lambda d: (d.published or date.min, d.doc_id), reverse=True)
    return [d.doc_id for d in ordered]


# -- writes ---------------------------------------------------------------------------------------


def test_committed_documents_are_counted_and_hashed(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Boulanger"), doc(2, "Pâtissier"), doc(3, "Plombier")])

    assert backend.count() == 3
    assert backend.hashes() == {1: "h1", 2: "h2", 3: "h3"}


def test_upsert_replaces_the_document_with_the_same_id(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Boulanger"), doc(2, "Plombier")])

    backend.upsert([replace(doc(1, "Fleuriste"), content_hash="new")])
    backend.commit()

    assert backend.count() == 2
    assert backend.hashes()[1] == "new"
    assert ids(backend.search("fleuriste", NO_FILTER, 10)) == [1]
    assert backend.search("boulanger", NO_FILTER, 10) == []


def test_upserting_the_same_id_twice_before_commit_keeps_the_last(lexical_backend: BackendFactory) -> None:
    backend = lexical_backend()
    backend.upsert([doc(1, "Boulanger")])
    backend.upsert([doc(1, "Fleuriste")])
    backend.commit()

    assert backend.count() == 1
    assert ids(backend.search("fleuriste", NO_FILTER, 10)) == [1]


def test_delete_removes_documents_and_ignores_unknown_ids(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Boulanger"), doc(2, "Boulanger confirmé")])

    backend.delete([1, 999])
    backend.commit()

    assert ids(backend.search("boulanger", NO_FILTER, 10)) == [2]
    assert backend.hashes() == {2: "h2"}


def test_clear_removes_every_document(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(i, "Boulanger") for i in range(1, 6)])

    backend.clear()

    assert backend.count() == 0
    assert backend.hashes() == {}
    assert backend.search("", NO_FILTER, 10) == []


def test_documents_survive_close_and_reopen(lexical_backend: BackendFactory) -> None:
    loaded(lexical_backend, [doc(1, "Boulanger"), doc(2, "Plombier")], name="persisted").close()

    reopened = lexical_backend("persisted")

    assert reopened.count() == 2
    assert ids(reopened.search("plombier", NO_FILTER, 10)) == [2]
    assert reopened.hashes() == {1: "h1", 2: "h2"}


# -- text -----------------------------------------------------------------------------------------


def test_title_match_ranks_above_body_match(lexical_backend: BackendFactory) -> None:
    backend = loaded(
        lexical_backend,
        [
            doc(1, "Assistant commercial", "Vous travaillerez avec notre comptable sur la facturation."),
            doc(2, "Comptable", "Vous tiendrez la facturation de nos clients."),
        ],
    )

    hits = backend.search("comptable", NO_FILTER, 10)

    assert ids(hits) == [2, 1]
    assert hits[0].score > hits[1].score > 0


def test_documents_matching_more_terms_rank_first(lexical_backend: BackendFactory) -> None:
    backend = loaded(
        lexical_backend,
        [
            doc(1, "Développeur Java", "Projet bancaire."),
            doc(2, "Développeur Python", "Projet bancaire."),
            doc(3, "Chef de projet Python", "Équipe data."),
        ],
    )

    hits = backend.search("développeur python", NO_FILTER, 10)

    assert ids(hits)[0] == 2
    assert set(ids(hits)) == {1, 2, 3}


def test_equal_scores_are_ordered_by_highest_doc_id(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(i, "Boulanger", "Pain") for i in range(1, 41)])

    assert ids(backend.search("boulanger", NO_FILTER, 5)) == [40, 39, 38, 37, 36]
    assert ids(backend.search("boulanger", NO_FILTER, 40)) == list(range(40, 0, -1))


def test_unrelated_documents_never_match(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Boulanger", "Pain et viennoiseries"), doc(2, "Plombier")])

    assert ids(backend.search("boulanger", NO_FILTER, 10)) == [1]
    assert backend.search("astronaute", NO_FILTER, 10) == []


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("développeurs", "Développeur Full Stack"),
        ("developpeur", "Développeur Full Stack"),
        ("ingenieur", "Ingénieur qualité"),
        ("INGÉNIEURS", "Ingénieur qualité"),
        ("expérience", "Poste avec d'expérience exigée"),
        ("entreprise", "Chargé de l'entreprise"),
        ("infirmières", "Infirmière de nuit"),
    ],
)
def test_french_analysis_folds_accents_case_plurals_and_elisions(
    lexical_backend: BackendFactory, query: str, title: str
) -> None:
    backend = loaded(lexical_backend, [doc(1, title), doc(2, "Chauffeur livreur")])

    assert ids(backend.search(query, NO_FILTER, 10)) == [1]


def test_text_of_stopwords_only_matches_nothing(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Le chef de la cuisine", "Les plats du jour")])

    assert backend.search("le la les de du", NO_FILTER, 10) == []


HOSTILE_QUERIES = [
    '"',
    '"développeur',
    "title:python",
    "body:",
    ":",
    "(",
    "((python",
    "python)",
    "[1 TO",
    "{*}",
    "C++",
    "C#",
    "Node.js",
    ".NET",
    "AND",
    "OR OR",
    "NOT",
    "python AND",
    "-",
    "+",
    "!",
    "*",
    "?",
    "~2",
    "^3",
    "python^",
    "a\\b",
    "\\",
    "/regex/",
    "l'",
    "’",
    "\x00",
    "🙂 développeur 🙂",
    "x" * 5000,
    " ".join(["développeur"] * 500),
    "SELECT * FROM offers; --",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_strings_never_raise(lexical_backend: BackendFactory, query: str) -> None:
    backend = loaded(lexical_backend, [doc(1, "Développeur C++ / C# / Node.js", "Python, .NET")])

    hits = backend.search(query, SearchFilters(contracts=["CDI"]), 10)
    hits += backend.search(query, NO_FILTER, 10)

    assert all(hit.doc_id == 1 for hit in hits)


def test_random_garbage_queries_never_raise(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Développeur Python")])
    rng = random.Random(7)
    alphabet = "aéz09 \"'():[]{}^~*?\\/+-!&|<>=#.,;’\t\n" + "AND OR NOT TO "

    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        backend.search(query, NO_FILTER, 5)


# -- browsing and filters -------------------------------------------------------------------------


def test_empty_text_browses_newest_first(lexical_backend: BackendFactory) -> None:
    day = date(2025, 11, 1)
    docs = [
        doc(1, "A", published=day),
        doc(2, "B", published=day + timedelta(days=3)),
        doc(3, "C", published=day),
        doc(4, "D"),
        doc(5, "E", published=day - timedelta(days=400)),
    ]
    backend = loaded(lexical_backend, docs)

    hits = backend.search("  ", NO_FILTER, 10)

    assert ids(hits) == [2, 3, 1, 5, 4]
    assert all(hit.score == 0.0 for hit in hits)
    assert ids(backend.search("", NO_FILTER, 2)) == [2, 3]


def test_search_respects_the_limit(offers_backend: LexicalBackend) -> None:
    assert len(offers_backend.search("vendeur", NO_FILTER, 7)) == 7
    assert len(offers_backend.search("", SearchFilters(contracts=["CDI"]), 3)) == 3


def test_a_limit_larger_than_the_collection_returns_everything(lexical_backend: BackendFactory) -> None:
    backend = loaded(lexical_backend, [doc(1, "Boulanger", published=date(2025, 1, 2)), doc(2, "Boulanger")])
    geo = SearchFilters(geo=GeoFilter(label="x", lat=45.0, lon=5.0, radius_km=10))

    assert ids(backend.search("", NO_FILTER, 10**9)) == [1, 2]
    assert len(backend.search("boulanger", NO_FILTER, 10**9)) == 2
    assert backend.search("boulanger", geo, 10**9) == []


def _random_filters(rng: random.Random, docs: list[IndexDocument]) -> SearchFilters:
    """One to four filters, their values drawn from real documents so they select something."""

    def some(attribute: str) -> list[str]:
        pool = [v for d in rng.sample(docs, 40) for v in getattr(d, attribute)]
        return rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))

    def place() -> GeoFilter:
        center = rng.choice([d for d in docs if d.lat is not None])
        assert center.lat is not None
        assert center.lon is not None
        return GeoFilter(label="x", lat=center.lat, lon=center.lon, radius_km=rng.choice([2, 10, 30, 150]))

    low = rng.choice([0, 1, 12, 24, 36])  # shared, so a min and a max drawn together never cross
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
        "experience_range": lambda: {"experience_min_months": low, "experience_max_months": low + 24},
        "remote": lambda: {"remote": rng.choice([True, False])},
        "published_since": lambda: {"published_since": rng.choice(docs).published},
        "geo": lambda: {"geo": place()},
    }
    chosen = rng.sample(sorted(makers), rng.randint(1, 4))
    values: dict[str, Any] = {}
    for name in chosen:
        values.update(makers[name]())
    return SearchFilters.model_validate(values)


def test_browse_returns_exactly_the_documents_matches_accepts(
    offers_backend: LexicalBackend, real_offers: list[IndexDocument]
) -> None:
    rng = random.Random(2025)
    for _ in range(150):
        filters = _random_filters(rng, real_offers)
        expected = [d for d in real_offers if matches(d, filters)]

        hits = offers_backend.search("", filters, ALL)

        assert ids(hits) == browse_order(expected), filters


@pytest.mark.parametrize("text", ["développeur python", "aide soignant", "commercial", "chef cuisine"])
def test_filters_restrict_text_results_without_changing_their_order(
    offers_backend: LexicalBackend, real_offers: list[IndexDocument], text: str
) -> None:
    by_id = {d.doc_id: d for d in real_offers}
    unfiltered = offers_backend.search(text, NO_FILTER, ALL)
    assert unfiltered
    rng = random.Random(text)
    for _ in range(40):
        filters = _random_filters(rng, real_offers)

        hits = offers_backend.search(text, filters, ALL)

        expected = [hit for hit in unfiltered if matches(by_id[hit.doc_id], filters)]
        assert set(ids(hits)) == set(ids(expected)), filters
        assert [h.score for h in hits] == pytest.approx([h.score for h in expected]), filters


@pytest.mark.parametrize(
    ("lat", "lon", "radius_km"),
    [(45.764, 4.8357, 30.0), (48.8566, 2.3522, 5.0), (48.8566, 2.3522, 1.0), (43.6047, 1.4442, 200.0)],
)
def test_geo_radius_is_exact(
    offers_backend: LexicalBackend,
    real_offers: list[IndexDocument],
    lat: float,
    lon: float,
    radius_km: float,
) -> None:
    geo = GeoFilter(label="x", lat=lat, lon=lon, radius_km=radius_km)
    inside = {
        d.doc_id
        for d in real_offers
        if d.lat is not None and d.lon is not None and haversine_km(lat, lon, d.lat, d.lon) <= radius_km
    }
    assert inside

    browsed = offers_backend.search("", SearchFilters(geo=geo), ALL)
    assert set(ids(browsed)) == inside

    text_hits = offers_backend.search("vente", SearchFilters(geo=geo), ALL)
    unfiltered = offers_backend.search("vente", NO_FILTER, ALL)
    assert set(ids(text_hits)) == inside & set(ids(unfiltered))


def test_geo_top_k_fills_the_limit_when_enough_documents_are_inside(
    offers_backend: LexicalBackend, real_offers: list[IndexDocument]
) -> None:
    geo = GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=3.0)
    every = offers_backend.search("", SearchFilters(geo=geo), ALL)
    assert len(every) > 60

    top = offers_backend.search("", SearchFilters(geo=geo), 50)

    assert ids(top) == ids(every)[:50]


def test_geo_top_k_looks_past_box_corners_outside_the_circle(lexical_backend: BackendFactory) -> None:
    # 80 newer offers in the corners of the circle's bounding box (12.4 km away, outside a 10 km
    # radius) hide 5 older ones inside the circle from a naive "top k of the box" search.
    center, newer, older = (45.0, 5.0), date(2025, 11, 10), date(2025, 1, 1)
    corners = [
        doc(i, "Vendeur", "vente", lat=center[0] + 0.08 * sy, lon=center[1] + 0.11 * sx, published=newer)
        for i, (sy, sx) in enumerate([(1, 1), (1, -1), (-1, 1), (-1, -1)] * 20, start=1)
    ]
    inside = [
        doc(100 + i, "Vendeur", "vente", lat=45.0, lon=5.0 + i / 100, published=older) for i in range(5)
    ]
    backend = loaded(lexical_backend, corners + inside)
    geo = SearchFilters(geo=GeoFilter(label="x", lat=center[0], lon=center[1], radius_km=10.0))

    assert sorted(ids(backend.search("", geo, 5))) == [100, 101, 102, 103, 104]
    assert sorted(ids(backend.search("vendeur", geo, 5))) == [100, 101, 102, 103, 104]
    assert len(backend.search("vendeur", geo, 3)) == 3
