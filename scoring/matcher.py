"""Best candidates for an offer: a candidate search, then the calibrated pair scorer.

(Offers for a person go through the one ranked offer search: ``services.profile_search``.) Offer →
search text + filters → a candidate search (any backend behind ``CandidateSearch``) → the scorer. Hard
constraints are never loosened by re-scoring: the scorer only re-orders what the filtered search returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from domain.filters import haversine_km
from domain.search import GeoFilter, SearchFilters
from scoring.scorer import MatchScore, MatchScorer
from scoring.seeker import DEFAULT_RADIUS_KM, RomeFinder, Seeker, seeker_from_profile
from store.models import OfferRow

if TYPE_CHECKING:
    from cv.models import CandidateProfile

DEFAULT_DEPTH = 50
SEARCH_SKILLS = 6


def seeker_search_text(seeker: Seeker, max_skills: int = SEARCH_SKILLS) -> str:
    """What a seeker searches for: a query's own text, or a profile's title and main skills."""
    if seeker.kind == "query":
        return seeker.title or ""
    parts = [seeker.title or ""] + [s.label for s in seeker.skills[:max_skills]]
    return " ".join(p for p in parts if p).strip()


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
