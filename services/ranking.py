"""One ranking behind every door: retrieve under the hard filters, re-score the pool, keep what is relevant.

``OfferRanker`` is what ``bassin search``, the agent's ``search_offers`` tool, the UI and ``/match`` rank
with. The pool is the hybrid search's results plus the offers of the request's occupation (its ROME codes,
read from the text) under the same hard filters; each pooled offer is scored by the calibrated scorer and
graded by occupation:

- ``same_code``: the offer's ROME code is one of the request's occupations ("même métier");
- ``same_title``: the offer carries the asked title itself under another code, of the same family or not
  ("même intitulé": France Travail files one employer title under the code its adviser chose, "Technicien
  SAV itinérant" under I1402 or I1304, "Soudeur" under H2913 or H2915);
- ``same_family``: same ROME family, the first three characters ("métier proche");
- ``same_domain``: same ROME domain, the first letter ("même domaine");
- ``unrelated``: another domain ("autre métier").

When the request names an occupation with confidence, only ``same_code``, ``same_title`` and
``same_family`` offers are matches: an unrelated offer is never presented as a match, however close its words or its place. The
shown 0–100 reads as people expect: the occupation grade first, then how the stated conditions are met
(distance within the radius, contract, asked skills), then the calibrated scorer's probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from domain.filters import haversine_km
from domain.search import ScoreParts, SearchFilters
from referentials.taxonomy.rome import content_words
from scoring.scorer import MatchScore, MatchScorer
from scoring.seeker import SkillFinder, seeker_from_query
from services.occupation_reading import (
    MATCH_GRADES,
    Occupation,
    OccupationGrade,
    OccupationReader,
    RomeWords,
    kind_of_job,
    read_occupation,
    related_codes,
    says_request,
)
from store.models import OfferRow

if TYPE_CHECKING:
    pass

GRADE_POINTS: dict[OccupationGrade, float] = {
    "same_code": 1.0,
    "same_title": 1.0,
    "same_family": 0.75,
    "same_domain": 0.3,
    "unrelated": 0.08,
}
UNKNOWN_POINTS = GRADE_POINTS["same_family"]
"""The most an offer of an unknown occupation (or a request naming none) counts for."""
GRADE_WORDS: dict[str, dict[OccupationGrade, str]] = {
    "fr": {
        "same_code": "même métier",
        "same_title": "même intitulé",
        "same_family": "métier proche",
        "same_domain": "même domaine, autre métier",
        "unrelated": "autre métier",
        "unknown": "",
    },
    "en": {
        "same_code": "same occupation",
        "same_title": "same job title",
        "same_family": "related occupation",
        "same_domain": "same field, other occupation",
        "unrelated": "other occupation",
        "unknown": "",
    },
}
PROBABILITY_FLOOR = 0.01
"""Without a known occupation, offers the calibrated scorer finds less likely than this are not matches."""


class Browser(Protocol):
    """A lexical backend: an empty text lists the documents passing the filters."""

    def search(self, text: str, filters: SearchFilters, limit: int) -> Sequence[object]: ...


@dataclass
class RankedOffer:
    """One offer as users see it: the shown 0–100, its occupation grade, the reasons in words."""

    row: OfferRow
    score: int
    grade: OccupationGrade
    probability: float | None
    reasons: list[str]
    distance_km: float | None = None
    parts: ScoreParts | None = None
    match: MatchScore | None = None
    breakdown: list[tuple[str, float]] = field(default_factory=list)
    """The shown score in points, in words: the occupation, each stated condition, the calibrated scorer's
    estimate; they add up to ``score`` (« Pourquoi ? » charts them, never another number)."""


@dataclass
class Ranking:
    """Matches best first, and the pooled offers below the relevance floor (never shown as matches)."""

    occupation: Occupation
    matches: list[RankedOffer] = field(default_factory=list)
    below_floor: list[RankedOffer] = field(default_factory=list)


class _RecentCodes:
    """A ROME finder remembering its last few answers: one search reads the same text's codes several times
    (its occupation, its seeker, the nearest offers' ranking); the referential does not change at run time.
    """

    def __init__(self, rome: RomeWords, size: int = 8) -> None:
        self._find = lru_cache(maxsize=size)(rome.find_codes)
        self.generic = rome.generic
        self.masculine = rome.masculine
        self.label = rome.label

    def find_codes(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]:
        return list(self._find(text, limit))


class OfferRanker:
    """Re-scores a retrieved pool for a request and keeps the relevant offers, best first.

    Args:
        scorer: the calibrated match scorer.
        taxonomy: skills (to read the request's skills).
        rome: the ROME referential (exact appellations).
        occupations: the occupation classifier (free titles, French or English).
    """

    def __init__(
        self,
        *,
        scorer: MatchScorer,
        taxonomy: SkillFinder,
        rome: RomeWords,
        occupations: OccupationReader | None = None,
    ) -> None:
        self.scorer = scorer
        self.taxonomy = taxonomy
        self.rome: RomeWords = _RecentCodes(rome)
        self.occupations = occupations

    def occupation(self, text: str) -> Occupation:
        return read_occupation(text, self.rome, self.occupations)

    def kind_of_job(self, text: str) -> str | None:
        """``kind_of_job`` with this ranker's referential."""
        return kind_of_job(text, self.rome)

    def related(self, text: str, occupation: Occupation) -> tuple[str, ...]:
        """``related_codes`` with this ranker's classifier."""
        return related_codes(text, occupation, self.occupations)

    def rank(
        self,
        text: str,
        filters: SearchFilters,
        rows: Sequence[OfferRow],
        *,
        parts: dict[int, ScoreParts] | None = None,
        occupation: Occupation | None = None,
        language: str = "fr",
    ) -> Ranking:
        """Score ``rows`` (the pool, any order) for the request ``text`` + ``filters``; best first."""
        occupation = self.occupation(text) if occupation is None else occupation
        if not rows:
            return Ranking(occupation)
        seeker = seeker_from_query(text, filters, taxonomy=self.taxonomy, rome=self.rome)
        scored = self.scorer.score_offers(seeker, list(rows), rerank=False).scores
        asked_skills = len(seeker.skills)
        ranked: list[RankedOffer] = []
        asked_title = _title_words(text)
        for row, ms in zip(rows, scored, strict=True):
            grade = occupation.grade(row.rome_code)
            if grade not in ("same_code", "same_title") and _carries_title(asked_title, row.title):
                grade = "same_title"
            distance = _distance(filters, row)
            matched = sum(1 for c in ms.explanation.claims if c.kind == "skill_match")
            conditions = _conditions(filters, distance, matched, asked_skills)
            met = sum(conditions) / len(conditions) if conditions else 1.0
            probability = ms.probability
            # an offer whose occupation is not known scores on the calibrated scorer's word, never as high as
            # one of the asked occupation (« Assistant comptable » showed 97/100 for "nursing assistant")
            base = grade_points(grade, probability)
            if occupation.broad and row.rome_code in occupation.codes:
                base = GRADE_POINTS[
                    "same_code"
                ]  # an unsure reading's likely codes rank alike: the scorer orders them
            reasons = _reasons(grade, filters, distance, matched, asked_skills, language)
            ranked.append(
                RankedOffer(
                    row=row,
                    score=shown_score(base, met, probability),
                    grade=grade,
                    probability=probability,
                    reasons=reasons,
                    distance_km=distance,
                    parts=(parts or {}).get(row.id),
                    match=ms,
                    breakdown=score_breakdown(
                        base,
                        reasons[0] if grade != "unknown" else None,
                        list(zip(reasons[1:] if grade != "unknown" else reasons, conditions, strict=True)),
                        probability,
                        language,
                    ),
                )
            )
        if occupation.codes:
            ranked.sort(key=lambda r: (-r.score, -(r.probability or 0.0), r.distance_km or 0.0))
        else:
            # No occupation read: the words matched by the hybrid search order the offers the scorer keeps.
            ranked.sort(key=lambda r: (-(r.parts.fused if r.parts else 0.0), -(r.probability or 0.0)))
        out = Ranking(occupation)
        for r in ranked:
            if occupation.trusted:
                relevant = r.grade in MATCH_GRADES
            elif occupation.codes:
                # A likely but uncertain occupation: its family's offers, and offers without a ROME code
                # when the scorer agrees; another occupation of the same field is not a match either.
                relevant = r.grade in MATCH_GRADES or (
                    r.grade == "unknown" and (r.probability or 0.0) >= PROBABILITY_FLOOR
                )
            else:
                # No occupation read: the scorer decides, and a short request's words are in the title.
                relevant = (
                    r.probability is not None
                    and r.probability >= PROBABILITY_FLOOR
                    and says_request(text, r.row.title)
                )
            (out.matches if relevant else out.below_floor).append(r)
        return out


def grade_points(grade: OccupationGrade, probability: float | None) -> float:
    """The occupation's share of the shown score: its grade's points; for an unknown occupation, the
    calibrated scorer's word, at most ``UNKNOWN_POINTS``."""
    return GRADE_POINTS.get(grade, min(UNKNOWN_POINTS, (probability or 0.0) * 2))


def shown_score(base: float, met: float, probability: float | None) -> int:
    """The 0–100 people see: ``100 × base × (0.6 + 0.3 × met + 0.1 × p)`` (``score_breakdown`` in parts)."""
    return max(0, min(100, round(100 * base * (0.6 + 0.3 * met + 0.1 * (probability or 0.0)))))


def _title_words(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


def _carries_title(asked: frozenset[str], title: str) -> bool:
    """Whether an offer's title is the asked one: it holds every content word of the request, and a
    one-word request only when that is the whole title ("Soudeur (H/F)", not "Soudeur TIG tuyauteur")."""
    if not asked:
        return False
    words = set(content_words(title))
    return asked <= words and (len(asked) >= 2 or words == asked)


def _distance(filters: SearchFilters, row: OfferRow) -> float | None:
    if filters.geo is None or row.latitude is None or row.longitude is None:
        return None
    return round(haversine_km(filters.geo.lat, filters.geo.lon, row.latitude, row.longitude), 1)


def _conditions(
    filters: SearchFilters, distance: float | None, matched: int, asked_skills: int
) -> list[float]:
    """How far each stated condition is met (0–1), in the order ``_reasons`` names them: place, skills,
    contract."""
    met: list[float] = []
    if filters.geo is not None and distance is not None:
        radius = max(filters.geo.radius_km, 1.0)
        met.append(1.0 if distance <= radius else max(0.0, 1.0 - (distance - radius) / radius))
    if asked_skills:
        met.append(min(1.0, matched / asked_skills))
    if filters.contracts:
        met.append(1.0)  # a hard filter: every pooled offer has one of the contracts asked
    return met


SCORE_WORDS: dict[str, dict[str, str]] = {
    "fr": {"unknown": "métier non reconnu", "none": "aucune condition posée",
           "scorer": "avis du modèle calibré"},
    "en": {"unknown": "occupation not recognised", "none": "no condition stated",
           "scorer": "calibrated model's view"},
}  # fmt: skip


def score_breakdown(
    base: float,
    grade: str | None,
    conditions: Sequence[tuple[str, float]],
    probability: float | None,
    language: str = "fr",
) -> list[tuple[str, float]]:
    """The shown 0–100 in points that add up to it: ``100 × base × (0.6 + 0.3 × met + 0.1 × p)``, the
    occupation's 60 % (``grade``: its words, None when unknown), each stated condition's share of the 30 %
    (its words and how far it is met), the calibrated scorer's 10 %.

    >>> score_breakdown(1.0, "même métier", [("à 2 km", 1.0), ("1 compétence(s) sur 2", 0.5)], 0.4)
    [('même métier', 60.0), ('à 2 km', 15.0), ('1 compétence(s) sur 2', 7.5), ('avis du modèle calibré', 4.0)]
    """
    words = SCORE_WORDS["en" if language == "en" else "fr"]
    out = [(grade or words["unknown"], round(100 * base * 0.6, 1))]
    for label, met in conditions:
        out.append((label, round(100 * base * 0.3 * met / len(conditions), 1)))
    if not conditions:
        out.append((words["none"], round(100 * base * 0.3, 1)))
    out.append((words["scorer"], round(100 * base * 0.1 * (probability or 0.0), 1)))
    return out


def _reasons(
    grade: OccupationGrade,
    filters: SearchFilters,
    distance: float | None,
    matched: int,
    asked_skills: int,
    language: str,
) -> list[str]:
    en = language == "en"
    out = [GRADE_WORDS["en" if en else "fr"][grade]] if grade != "unknown" else []
    if distance is not None:
        out.append(f"{distance:g} km away" if en else f"à {distance:g} km")
    if asked_skills:
        out.append(
            f"{matched} of {asked_skills} skills" if en else f"{matched} compétence(s) sur {asked_skills}"
        )
    if filters.contracts:
        out.append("contract as asked" if en else "contrat demandé")
    return [r for r in out if r]
