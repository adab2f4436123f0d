"""Both directions with the same pair function: offers for a person, candidates for an offer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from cv import parse_cv_text
from cv.models import CandidateProfile
from domain.search import SearchFilters
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from retrieval.query.understanding import QueryInterpreter
from scoring.matcher import CandidateHit, CandidateMatcher, offer_search_text
from scoring.scorer import SEEKER_TOO_THIN, MatchScorer
from scoring.seeker import seeker_from_profile
from services.offer_search import OfferSearchService
from services.profile_search import offers_for_profile
from services.ranking import OfferRanker
from services.requests import RequestBuilder
from store.models import OfferRow
from tests.unit.scoring_support import COOK_CV_TEXT, CV_TEXT, SmallEngine, make_offer


class FakeCandidateSearch:
    """Returns the given candidates in a fixed (deliberately unhelpful) order, recording the request."""

    def __init__(self, hits: list[CandidateHit]) -> None:
        self.hits = hits
        self.requests: list[tuple[str, SearchFilters, int]] = []

    def search_candidates(self, text: str, filters: SearchFilters, limit: int) -> list[CandidateHit]:
        self.requests.append((text, filters, limit))
        return self.hits[:limit]


@pytest.fixture(scope="module")
def hits() -> list[CandidateHit]:
    today = date(2025, 11, 15)
    cook = parse_cv_text(COOK_CV_TEXT, today=today)
    dev = parse_cv_text(CV_TEXT, today=today)
    return [
        CandidateHit("cv-empty", CandidateProfile(), ""),
        CandidateHit("cv-cook", cook.profile, cook.text),
        CandidateHit("cv-dev", dev.profile, dev.text),
    ]


@pytest.fixture(scope="module")
def scorer() -> MatchScorer:
    return MatchScorer(taxonomy=default_skill_taxonomy(), rome=default_rome())


def python_offer() -> OfferRow:
    return make_offer(
        title="Développeur Python H/F",
        description="Vous développez des API Python / Django sur PostgreSQL, déployées avec Docker.",
        skills=[("Python", "python", True), ("Docker", "docker", True), ("Git", "git", False)],
        rome_code="M1805",
    )


def test_best_candidates_for_an_offer(hits: list[CandidateHit], scorer: MatchScorer) -> None:
    search = FakeCandidateSearch(hits)
    matcher = CandidateMatcher(candidates=search, scorer=scorer, rome=default_rome())
    offer = python_offer()
    found = matcher.best_candidates(offer)
    assert [m.candidate_id for m in found.results] == ["cv-dev", "cv-cook", "cv-empty"]
    dev, cook, empty = found.results
    assert dev.score.score is not None and cook.score.score is not None
    assert dev.score.score > cook.score.score + 30
    assert empty.score.score is None and empty.score.abstained == SEEKER_TOO_THIN
    assert search.requests[0][0] == offer_search_text(offer)
    lines = dev.score.explanation.lines()
    assert any("« Docker »" in line for line in lines)


def test_same_pair_same_score_in_both_directions(hits: list[CandidateHit], scorer: MatchScorer) -> None:
    offer = python_offer()
    matcher = CandidateMatcher(candidates=FakeCandidateSearch(hits), scorer=scorer, rome=default_rome())
    by_candidate = {m.candidate_id: m.score for m in matcher.best_candidates(offer).results}
    for hit in hits:
        seeker = seeker_from_profile(hit.profile, hit.text, rome=default_rome())
        direct = scorer.score(seeker, offer)
        assert direct.score == by_candidate[hit.candidate_id].score
        assert direct.abstained == by_candidate[hit.candidate_id].abstained


def test_candidate_radius_is_a_hard_constraint(hits: list[CandidateHit], scorer: MatchScorer) -> None:
    offer = python_offer()  # in Lyon
    matcher = CandidateMatcher(candidates=FakeCandidateSearch(hits), scorer=scorer, rome=default_rome())
    found = matcher.best_candidates(offer, radius_km=50)
    assert [m.candidate_id for m in found.results] == [
        "cv-dev"
    ]  # Marseille is 280 km away; no place: excluded
    assert found.results[0].distance_km is not None and found.results[0].distance_km < 50


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallEngine]:
    eng = SmallEngine(tmp_path_factory.mktemp("directions"))
    yield eng
    eng.close()


def test_best_offers_for_a_parsed_cv(engine: SmallEngine, hits: list[CandidateHit]) -> None:
    rome, taxonomy = default_rome(), default_skill_taxonomy()
    scorer = MatchScorer(taxonomy=taxonomy, rome=rome, embedder=engine.embedder, stored_vectors=engine.offers)
    offers = OfferSearchService(
        searcher=engine.searcher,
        repository=engine.offers,
        interpreter=QueryInterpreter(default_gazetteer()),
        ranker=OfferRanker(scorer=scorer, taxonomy=taxonomy, rome=rome),
    )
    builder = RequestBuilder(default_gazetteer(), taxonomy)
    dev = next(h for h in hits if h.candidate_id == "cv-dev")
    found = offers_for_profile(offers, builder, dev.profile, filters=SearchFilters(), top_k=10)
    assert found.built.text.startswith("Développeuse Python")
    scores = [r.match for r in found.response.results]
    assert scores and all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert all(r.scored is not None for r in found.response.results)  # the scorer's claims travel along
    assert sum((r.rome_code or "").startswith("M18") for r in found.response.results) >= 7
    calls = engine.embedder.calls
    offers_for_profile(offers, builder, dev.profile, filters=SearchFilters(), top_k=10)
    # stored offer vectors are reused: only the search query is encoded again (the seeker's vector is cached)
    assert engine.embedder.calls <= calls + 2
