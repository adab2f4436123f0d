"""Hard constraints (radius, contract) are never violated by ranked results, even with a leaky retriever."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from domain.filters import matches
from domain.search import GeoFilter, ScoreParts, SearchFilters, SearchQuery
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from retrieval.hybrid.searcher import RankedDoc
from retrieval.query.understanding import QueryInterpreter
from scoring.scorer import MatchScorer
from services.offer_search import OfferSearchService
from services.ranking import OfferRanker
from tests.unit.scoring_support import SmallEngine

LYON = GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=30)
PARIS = GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=20)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallEngine]:
    eng = SmallEngine(tmp_path_factory.mktemp("constraints"))
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def scorer(engine: SmallEngine) -> MatchScorer:
    return MatchScorer(
        taxonomy=default_skill_taxonomy(),
        rome=default_rome(),
        embedder=engine.embedder,
        stored_vectors=engine.offers,
    )


class LeakyLexical:
    """A broken lexical backend that ignores the filters (the occupation retriever reads it)."""

    def __init__(self, doc_ids: list[int]) -> None:
        self.doc_ids = doc_ids

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[RankedDoc]:
        return [RankedDoc(i, ScoreParts()) for i in self.doc_ids][:limit]


class LeakySearcher:
    """A broken hybrid retriever that ignores the filters: returns every offer, best first by doc id."""

    def __init__(self, engine: SmallEngine) -> None:
        self.doc_ids = [r.id for r in engine.rows]
        self.lexical = LeakyLexical(self.doc_ids)

    def search(self, query: SearchQuery, *, exclude: Sequence[int] = ()) -> list[RankedDoc]:
        return [RankedDoc(i, ScoreParts()) for i in self.doc_ids if i not in exclude][: query.top_k]


def offer_search(
    engine: SmallEngine, scorer: MatchScorer, searcher: object | None = None
) -> OfferSearchService:
    """The product's ranked offer search over the small engine (``searcher`` replaces its retriever)."""
    return OfferSearchService(
        searcher=searcher or engine.searcher,  # type: ignore[arg-type]
        repository=engine.offers,
        interpreter=QueryInterpreter(default_gazetteer()),
        ranker=OfferRanker(scorer=scorer, taxonomy=default_skill_taxonomy(), rome=default_rome()),
    )


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(geo=LYON),
        SearchFilters(geo=PARIS, contracts=["CDI"]),
        SearchFilters(contracts=["MIS", "CDD"]),
        SearchFilters(exclude_contracts=["CDI"]),
    ],
    ids=["lyon-30km", "paris-20km-cdi", "mis-or-cdd", "no-cdi"],
)
def test_ranked_results_satisfy_the_filters(
    engine: SmallEngine, scorer: MatchScorer, filters: SearchFilters
) -> None:
    found = offer_search(engine, scorer).search("développeur", filters, top_k=50, interpret=False)
    assert found.results, "the filters leave nothing to test"
    docs = {d.doc_id: d for d in engine.docs}
    for r in found.results:
        assert matches(docs[r.doc_id], filters)
        if filters.geo is not None:
            assert r.distance_km is not None and r.distance_km <= filters.geo.radius_km


def test_a_leaky_retriever_still_cannot_break_the_constraints(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    filters = SearchFilters(geo=LYON, contracts=["CDI"])
    found = offer_search(engine, scorer, LeakySearcher(engine)).search(
        "développeur", filters, top_k=200, interpret=False
    )
    allowed = {d.doc_id for d in engine.docs if matches(d, filters)}
    returned = {r.doc_id for r in found.results}
    assert returned and returned <= allowed
    violating = {r.id for r in engine.rows[:200]} - allowed
    assert violating, "the leaky list must contain offers outside the filters"
    assert not returned & violating
