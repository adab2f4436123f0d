"""Both directions of matching: best offers for a person, best candidates for an offer.

Offers for a person: seeker → search text + hard filters → hybrid search (depth K) → the store's rows
→ the scorer re-scores them → sorted by calibrated score. Candidates for an offer: offer → search text +
filters → a candidate search (any backend behind ``CandidateSearch``) → same scorer, same pair function.

Hard constraints are never loosened by re-scoring: the scorer only re-orders what the filtered search
returned, and every row is checked again against the filters (``domain.filters.matches``) before it
is scored, so a backend bug cannot leak a filtered-out result either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from domain.filters import haversine_km, matches
from domain.search import GeoFilter, SearchFilters, SearchQuery
from retrieval.hybrid.searcher import RankedDoc
from scoring.scorer import MatchScore, MatchScorer
from scoring.seeker import DEFAULT_RADIUS_KM, RomeFinder, Seeker, seeker_from_profile
from store.models import OfferRow
from store.offers import offer_document

if TYPE_CHECKING:
    from cv.models import CandidateProfile

DEFAULT_DEPTH = 50
SEARCH_SKILLS = 6


class Searcher(Protocol):
    """``HybridSearcher``."""

    def search(self, query: SearchQuery, *, exclude: Sequence[int] = ()) -> list[RankedDoc]: ...


class OfferReader(Protocol):
    """``OfferRepository``."""

    def get_many(self, doc_ids: Sequence[int]) -> list[OfferRow]: ...


def seeker_search_text(seeker: Seeker, max_skills: int = SEARCH_SKILLS) -> str:
    """What a seeker searches for: a query's own text, or a profile's title and main skills."""
    if seeker.kind == "query":
        return seeker.title or ""
    parts = [seeker.title or ""] + [s.label for s in seeker.skills[:max_skills]]
    return " ".join(p for p in parts if p).strip()


def seeker_filters(seeker: Seeker, *, contracts_are_hard: bool = True) -> SearchFilters:
    """Hard filters of a profile: its place within its radius, and its contract wishes (when stated)."""
    geo = None
    if seeker.lat is not None and seeker.lon is not None:
        geo = GeoFilter(label=seeker.place or "", lat=seeker.lat, lon=seeker.lon, radius_km=seeker.radius_km)
    contracts = list(seeker.contracts) if contracts_are_hard else []
    return SearchFilters(geo=geo, contracts=contracts)


@dataclass
class OfferMatch:
    """One offer for a person: its rank after re-scoring, its rank in the hybrid search, its score."""

    rank: int
    retrieval_rank: int
    row: OfferRow
    score: MatchScore
    distance_km: float | None = None


@dataclass
class OfferMatches:
    text: str
    filters: SearchFilters
    results: list[OfferMatch]
    notes: list[str] = field(default_factory=list)


class OfferMatcher:
    """Best offers for a person (a parsed CV or a search), hybrid retrieval then calibrated re-scoring.

    Args:
        searcher: the offers' hybrid searcher.
        repository: the offer store.
        scorer: the match scorer.
        depth: how many fused results are re-scored.
    """

    def __init__(
        self, *, searcher: Searcher, repository: OfferReader, scorer: MatchScorer, depth: int = DEFAULT_DEPTH
    ) -> None:
        self.searcher = searcher
        self.repo = repository
        self.scorer = scorer
        self.depth = depth

    def best_offers(
        self,
        seeker: Seeker,
        *,
        filters: SearchFilters | None = None,
        text: str | None = None,
        top_k: int = 10,
        rerank: bool = True,
        exclude: Sequence[int] = (),
    ) -> OfferMatches:
        """Search, re-score and sort; ``filters`` default to the seeker's hard filters (``seeker_filters``)."""
        text = seeker_search_text(seeker) if text is None else text
        filters = seeker_filters(seeker) if filters is None else filters
        ranked = self.searcher.search(
            SearchQuery(text=text, filters=filters, top_k=min(200, max(self.depth, top_k))), exclude=exclude
        )
        rows = [
            r for r in self.repo.get_many([r.doc_id for r in ranked]) if matches(offer_document(r), filters)
        ]
        retrieval_rank = {r.doc_id: i for i, r in enumerate(ranked, start=1)}
        scored = self.scorer.score_offers(seeker, rows, rerank=rerank)
        by_id = {r.id: r for r in rows}
        results = []
        for i, s in enumerate(scored.ranked()[:top_k], start=1):
            row = by_id[s.doc_id]
            distance = None
            if filters.geo is not None and row.latitude is not None and row.longitude is not None:
                distance = round(
                    haversine_km(filters.geo.lat, filters.geo.lon, row.latitude, row.longitude), 1
                )
            results.append(OfferMatch(i, retrieval_rank[row.id], row, s, distance))
        return OfferMatches(text=text, filters=filters, results=results, notes=scored.notes)


@dataclass(frozen=True)
class CandidateHit:
    """A candidate returned by a candidate search: id, parsed profile, the CV text its spans index."""

    candidate_id: str
    profile: CandidateProfile | Any
    text: str


class CandidateSearch(Protocol):
    """Search over stored candidates (the ``candidates`` collection), filters applied by the backend."""

    def search_candidates(self, text: str, filters: SearchFilters, limit: int) -> list[CandidateHit]: ...


@dataclass
class CandidateMatch:
    rank: int
    retrieval_rank: int
    candidate_id: str
    seeker: Seeker
    score: MatchScore
    distance_km: float | None = None


@dataclass
class CandidateMatches:
    text: str
    filters: SearchFilters
    results: list[CandidateMatch]


def offer_search_text(row: OfferRow, max_skills: int = SEARCH_SKILLS) -> str:
    """What an offer searches for among candidates: its job and its required skills first."""
    skills = sorted(row.skills, key=lambda s: (not s.is_required, s.origin == "extracted"))
    labels = list(dict.fromkeys(s.label for s in skills if len(s.label) <= 40))[:max_skills]
    return " ".join([row.appellation or row.title, *labels]).strip()


class CandidateMatcher:
    """Best candidates for an offer: candidate search, then the same pair scorer as for offers.

    Args:
        candidates: any candidate search backend.
        scorer: the match scorer.
        rome: ROME referential (to read each candidate's job titles).
        depth: how many candidates are re-scored.
    """

    def __init__(
        self,
        *,
        candidates: CandidateSearch,
        scorer: MatchScorer,
        rome: RomeFinder,
        depth: int = DEFAULT_DEPTH,
    ) -> None:
        self.candidates = candidates
        self.scorer = scorer
        self.rome = rome
        self.depth = depth

    def best_candidates(
        self,
        offer: OfferRow,
        *,
        radius_km: float | None = None,
        filters: SearchFilters | None = None,
        top_k: int = 10,
    ) -> CandidateMatches:
        """Candidates for ``offer``; ``radius_km`` keeps only those living within it (hard constraint)."""
        if filters is None:
            filters = SearchFilters()
            if radius_km is not None and offer.latitude is not None and offer.longitude is not None:
                filters = SearchFilters(
                    geo=GeoFilter(
                        label=offer.location or "",
                        lat=offer.latitude,
                        lon=offer.longitude,
                        radius_km=radius_km,
                    )
                )
        text = offer_search_text(offer)
        hits = self.candidates.search_candidates(text, filters, self.depth)
        geo = filters.geo
        seekers: list[tuple[str, Seeker]] = []
        distances: dict[str, float | None] = {}
        for hit in hits:
            seeker = seeker_from_profile(
                hit.profile, hit.text, rome=self.rome, radius_km=geo.radius_km if geo else DEFAULT_RADIUS_KM
            )
            distance = None
            if geo is not None:
                if seeker.lat is None or seeker.lon is None:
                    continue
                distance = haversine_km(geo.lat, geo.lon, seeker.lat, seeker.lon)
                if distance > geo.radius_km:
                    continue
            distances[hit.candidate_id] = None if distance is None else round(distance, 1)
            seekers.append((hit.candidate_id, seeker))
        retrieval_rank = {cid: i for i, (cid, _) in enumerate(seekers, start=1)}
        by_id = dict(seekers)
        scored = self.scorer.score_candidates(offer, seekers)
        results = [
            CandidateMatch(
                rank=i,
                retrieval_rank=retrieval_rank[s.candidate_id or ""],
                candidate_id=s.candidate_id or "",
                seeker=by_id[s.candidate_id or ""],
                score=s,
                distance_km=distances.get(s.candidate_id or ""),
            )
            for i, s in enumerate(scored.ranked()[:top_k], start=1)
        ]
        return CandidateMatches(text=text, filters=filters, results=results)
