"""Hard constraints (radius, contract) are never violated by re-scored results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from domain.filters import matches
from domain.search import GeoFilter, ScoreParts, SearchFilters, SearchQuery
from referentials.taxonomy import default_rome, default_skill_taxonomy
from retrieval.hybrid.searcher import RankedDoc
from scoring.matcher import OfferMatcher, seeker_filters
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_query
from store.offers import offer_document
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


class LeakySearcher:
    """A broken retriever that ignores the filters: returns every offer, best first by doc id."""

    def __init__(self, doc_ids: Sequence[int]) -> None:
        self.doc_ids = list(doc_ids)

    def search(self, query: SearchQuery, *, exclude: Sequence[int] = ()) -> list[RankedDoc]:
        return [RankedDoc(i, ScoreParts()) for i in self.doc_ids if i not in exclude][: query.top_k]


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
def test_rescored_results_satisfy_the_filters_and_come_from_the_search(
    engine: SmallEngine, scorer: MatchScorer, filters: SearchFilters
) -> None:
    tax, rome = default_skill_taxonomy(), default_rome()
    seeker = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    matcher = OfferMatcher(searcher=engine.searcher, repository=engine.offers, scorer=scorer, depth=50)
    found = matcher.best_offers(seeker, filters=filters, top_k=50)
    assert found.results, "the filters leave nothing to test"
    searched = {
        r.doc_id for r in engine.searcher.search(SearchQuery(text=found.text, filters=filters, top_k=50))
    }
    for match in found.results:
        assert matches(offer_document(match.row), filters)
        assert (
            match.row.id in searched
        )  # re-scoring never brings in an offer the filtered search did not return
        if filters.geo is not None:
            assert match.distance_km is not None and match.distance_km <= filters.geo.radius_km


def test_a_leaky_retriever_still_cannot_break_the_constraints(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    filters = SearchFilters(geo=LYON, contracts=["CDI"])
    leaky = LeakySearcher([r.id for r in engine.rows])
    matcher = OfferMatcher(searcher=leaky, repository=engine.offers, scorer=scorer, depth=200)
    tax, rome = default_skill_taxonomy(), default_rome()
    seeker = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    found = matcher.best_offers(seeker, filters=filters, top_k=200)
    allowed = {d.doc_id for d in engine.docs if matches(d, filters)}
    returned = {m.row.id for m in found.results}
    assert returned and returned <= allowed
    violating = {r.id for r in engine.rows[:200]} - allowed
    assert violating, "the leaky list must contain offers outside the filters"
    assert not returned & violating


def test_profile_wishes_become_hard_filters(tmp_path: Path) -> None:
    from dataclasses import replace

    tax, rome = default_skill_taxonomy(), default_rome()
    base = seeker_from_query("développeur python", None, taxonomy=tax, rome=rome)
    profile_like = replace(
        base, kind="profile", lat=LYON.lat, lon=LYON.lon, place="Lyon", radius_km=25, contracts=("CDI",)
    )
    filters = seeker_filters(profile_like)
    assert filters.geo is not None and filters.geo.radius_km == 25
    assert filters.contracts == ["CDI"]
    assert seeker_filters(profile_like, contracts_are_hard=False).contracts == []
