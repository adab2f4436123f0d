"""Scoring offers for a person or a search, as the agent's tools need it: ids in, compact verified facts out.

``MatchScoring`` turns a basis (a parsed CV, a stored candidate, or the active search) into the scorer's
``Seeker``, scores offers by external id, and keeps from each explanation only verified claims.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cv import ParsedCV
from domain.errors import OfferNotFoundError, ServiceUnavailableError
from domain.search import SearchFilters
from referentials.geo import Place
from scoring.explain import ExplanationLanguage
from scoring.missing import missing_lines
from scoring.scorer import ABSTENTIONS_EN, MatchScore, MatchScorer
from scoring.seeker import Seeker, SkillFinder, seeker_from_profile, seeker_from_query
from scoring.whatif import WhatIfAnalyzer
from services.profile_search import profile_request
from services.ranking import OfferRanker, RankedOffer, Ranking
from services.requests import RequestBuilder, SearchRequest
from store.models import OfferRow

_CLAIMS_SHOWN = 4


@dataclass(frozen=True)
class Basis:
    """What offers are scored against: a parsed CV or stored candidate (``parsed``), or a search."""

    kind: Literal["cv", "candidate", "query"]
    parsed: ParsedCV | None = None
    text: str = ""
    filters: SearchFilters | None = None
    request: SearchRequest | None = None
    """For a CV: the request its search was run with (the CV's own defaults when None)."""


class OfferRows(Protocol):
    """``store.OfferRepository`` (reads only)."""

    def get_by_external_ids(self, external_ids: Sequence[str]) -> dict[str, OfferRow]: ...


class PlaceResolver(Protocol):
    """``referentials.geo.Gazetteer``."""

    def resolve(self, name: str) -> Place: ...


class MatchScoring:
    """Scores offers for a basis and simulates changes of the basis (what-if)."""

    def __init__(
        self,
        scorer: MatchScorer,
        rows: OfferRows,
        places: PlaceResolver,
        skills: SkillFinder,
        *,
        analyzer: WhatIfAnalyzer | None = None,
        ranker: OfferRanker | None = None,
    ) -> None:
        self.scorer = scorer
        self.rows = rows
        self.places = places
        self.skills = skills
        self.analyzer = analyzer
        self.ranker = ranker

    def seeker(self, basis: Basis) -> Seeker:
        if basis.parsed is not None:
            return seeker_from_profile(basis.parsed.profile, basis.parsed.text, rome=self.scorer.rome)
        return seeker_from_query(
            basis.text, basis.filters or SearchFilters(), taxonomy=self.skills, rome=self.scorer.rome
        )

    def offers(self, offer_ids: Sequence[str]) -> list[OfferRow]:
        """Rows in the order asked.

        Raises:
            OfferNotFoundError: none of the ids exists.
        """
        found = self.rows.get_by_external_ids(list(offer_ids))
        if not found:
            raise OfferNotFoundError(list(offer_ids))
        return [found[i] for i in offer_ids if i in found]

    def score(
        self, basis: Basis, offer_ids: Sequence[str], language: ExplanationLanguage = "fr"
    ) -> list[dict[str, Any]]:
        """One compact verdict per offer found: score (None when abstaining), strengths, gaps.

        The strengths and gaps are verified claims written in ``language``. Against the active search, the
        score is the one its results showed (the ranker's: occupation grade, then the conditions met), with
        the grade and reasons: « pourquoi la 1 ? » never answers another number than the list.
        """
        rows = self.offers(offer_ids)
        ranking = self._ranking(basis, rows, language)
        if ranking is not None:
            ranked = {r.row.id: r for r in ranking.matches + ranking.below_floor}
            claims: dict[int, MatchScore] = {}
            if basis.kind != "query":  # the number is the search's; the verified claims are the CV's own
                cv_scores = self.scorer.score_offers(self.seeker(basis), rows, rerank=False).scores
                claims = {row.id: ms for row, ms in zip(rows, cv_scores, strict=True)}
            verdicts = []
            for row in rows:
                shown = ranked[row.id]
                assert shown.match is not None  # rank() keeps each pair's scorer result
                verdicts.append(_verdict(row, claims.get(row.id, shown.match), language, shown=shown))
            return verdicts
        scored = self.scorer.score_offers(self.seeker(basis), rows, rerank=False).scores
        return [_verdict(row, s, language) for row, s in zip(rows, scored, strict=True)]

    def _ranking(self, basis: Basis, rows: list[OfferRow], language: ExplanationLanguage) -> Ranking | None:
        """``rows`` ranked as the basis's search ranked them (a search, or the search from a CV), or None
        when no ranker is wired (or the basis is a recruiter's candidate: scored by the calibrated scorer)."""
        if self.ranker is None:
            return None
        if basis.kind == "query":
            return self.ranker.rank(basis.text, basis.filters or SearchFilters(), rows, language=language)
        if basis.kind == "cv" and basis.parsed is not None:
            builder = RequestBuilder(self.places, self.skills)  # type: ignore[arg-type]
            asked = profile_request(self.ranker, builder, basis.parsed.profile, basis.request)
            occupation = asked.occupation or self.ranker.occupation(
                asked.occupation_text if asked.occupation_text is not None else asked.built.text
            )
            return self.ranker.rank(
                asked.built.text, asked.built.filters, rows, occupation=occupation, language=language
            )
        return None

    def what_if(
        self,
        basis: Basis,
        offer_id: str,
        changes: dict[str, Any],
        language: ExplanationLanguage = "fr",
    ) -> dict[str, Any]:
        """Score ``offer_id`` now and with ``changes`` applied to the basis, explained in ``language``.

        ``changes``: ``add_skills`` (list of ``(key, label)``), ``experience_months``, ``place``.

        Raises:
            OfferNotFoundError: unknown offer.
            UnknownPlaceError: ``place`` cannot be geocoded.
        """
        row = self.offers([offer_id])[0]
        seeker = self.seeker(basis)
        changed = seeker
        described: list[str] = []
        for key, label in changes.get("add_skills") or []:
            changed = changed.with_skill(key, label)
            described.append(f"+ {label}")
        if changes.get("experience_months") is not None:
            months = int(changes["experience_months"])
            changed = dataclasses.replace(changed, experience_months=months)
            described.append(_experience(months, language))
        if changes.get("place"):
            place = self.places.resolve(str(changes["place"]))
            changed = dataclasses.replace(
                changed, place=place.label, lat=place.lat, lon=place.lon, place_span=None
            )
            described.append(f"place: {place.label}" if language == "en" else f"lieu : {place.label}")
        before, after = (
            self.scorer.score_offers(s, [row], rerank=False).scores[0] for s in (seeker, changed)
        )
        verdict = _verdict(row, after, language)
        return {
            "offer_id": row.external_id,
            "title": row.title,
            "score_before": before.score,
            "score_after": after.score,
            "changes": described,
            "explanation": verdict["strengths"] + verdict["gaps"],
        }

    def relax(self, filters: SearchFilters, language: ExplanationLanguage = "fr") -> list[dict[str, Any]]:
        """Single relaxations of ``filters`` that bring more offers, counted on the index, most first.

        Raises:
            ServiceUnavailableError: no what-if analyzer is wired.
        """
        if self.analyzer is None:
            raise ServiceUnavailableError("L'analyse « et si »")
        return [
            {"kind": w.kind, "message": w.message, "before": w.before, "after": w.after}
            for w in self.analyzer.relax_filters(filters, language=language)
        ]


def _experience(months: int, language: ExplanationLanguage) -> str:
    if language == "en":
        return f"{months // 12} year(s) of experience" if months >= 12 else f"{months} month(s) of experience"
    return f"{months // 12} an(s) d'expérience" if months >= 12 else f"{months} mois d'expérience"


def _verdict(
    row: OfferRow, s: MatchScore, language: ExplanationLanguage, *, shown: RankedOffer | None = None
) -> dict[str, Any]:
    """Score, strengths and gaps of one offer: only verified claims, rendered in ``language``; ``shown``:
    the ranked result of a search, whose score and reasons replace the scorer's probability."""
    claims = s.explanation.claims
    lines = s.explanation.lines(language)
    strengths = [t for c, t in zip(claims, lines, strict=True) if c.kind == "skill_match" or c.holds is True]
    gaps = [t for c, t in zip(claims, lines, strict=True) if c.kind == "missing_skill" or c.holds is False]
    out: dict[str, Any] = {
        "id": row.external_id,
        "title": row.title,
        "score": s.score,
        "strengths": strengths[:_CLAIMS_SHOWN],
        "gaps": gaps[:_CLAIMS_SHOWN],
        "missing": missing_lines(s.explanation, language),
    }
    if shown is not None:
        out["score"] = shown.score
        out["grade"] = shown.grade
        out["reasons"] = shown.reasons
        out["points"] = [[label, points] for label, points in shown.breakdown]
    if s.abstained and shown is None:
        out["abstained"] = ABSTENTIONS_EN.get(s.abstained, s.abstained) if language == "en" else s.abstained
    return out
