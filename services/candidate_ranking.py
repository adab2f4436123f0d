"""Candidates for a recruiter's request ranked as offers are for a candidate: one score, one set of words.

The request ("des développeurs Python seniors près de Lyon") is read as the offer it describes: its
occupation, asked skills (required), place, contract, experience and languages. Each pooled candidate's
stored profile is then scored against that offer by the calibrated pair scorer (the one ``/match`` and
``bassin match offer`` use), graded by occupation (its parsed target occupations and its title's likely
ROME codes against the request's), and shown 0–100 with the same formula and the same words as offers:
« même métier · à 5 km · 2 compétence(s) sur 2 · 11 ans d'expérience (5 demandés) ».
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from cv import ParsedCV
from domain.filters import haversine_km
from domain.search import ScoreParts, SearchFilters
from scoring.scorer import MatchScorer
from scoring.seeker import DEFAULT_RADIUS_KM, RomeFinder, Seeker, SkillFinder, seeker_from_profile
from services.occupation_reading import MATCH_GRADES, Occupation, OccupationGrade
from services.ranking import GRADE_WORDS, PROBABILITY_FLOOR, grade_points, shown_score
from store.candidate_models import CandidateRow
from store.models import OfferRow, OfferSkillRow

REQUEST_ID = -1
"""The request's offer is never stored: no offer has a negative id."""
GRADE_ORDER: tuple[OccupationGrade, ...] = (
    "same_code",
    "same_title",
    "same_family",
    "same_domain",
    "unrelated",
)
"""A candidate's grade is the best one of their occupations."""


@dataclass
class RankedCandidate:
    """One candidate as a recruiter sees them: the shown 0–100, the occupation grade, the reasons."""

    row: CandidateRow
    score: int
    grade: OccupationGrade
    probability: float | None
    reasons: list[str]
    distance_km: float | None
    parts: ScoreParts
    skills_held: list[str] = field(default_factory=list)

    @property
    def relevant(self) -> bool:
        """Of the asked occupation or its family, or of an unknown one the calibrated scorer does not rule
        out; a candidate of another occupation is never presented as a match."""
        if self.grade in MATCH_GRADES:
            return True
        return self.grade == "unknown" and (self.probability is None or self.probability >= PROBABILITY_FLOOR)


def request_offer(
    text: str, filters: SearchFilters, occupation: Occupation, skills: dict[str, str]
) -> OfferRow:
    """The offer a recruiter's request describes, as the pair scorer reads offers (never stored).

    The occupation's label names the job when one is read; the request's words stay as its description,
    so that the semantic feature compares them with each CV.
    """
    title = occupation.label if occupation.codes else text
    code = occupation.codes[0] if occupation.codes else None
    geo = filters.geo
    contract = filters.contracts[0] if len(filters.contracts) == 1 else ""
    key = "|".join(
        [text, title, ",".join(skills), str(geo), contract, str(filters.experience_min_months),
         ",".join(filters.languages)]
    )  # fmt: skip
    row = OfferRow(
        id=REQUEST_ID,
        external_id="request",
        title=title,
        description=text,
        location=geo.label if geo is not None else None,
        latitude=geo.lat if geo is not None else None,
        longitude=geo.lon if geo is not None else None,
        contract_type=contract,
        experience_months=filters.experience_min_months,
        rome_code=code,
        appellation=occupation.label or None,
        languages=list(filters.languages),
        raw={},
        published_at=datetime.now(UTC),
        content_hash=hashlib.sha256(key.encode()).hexdigest(),
    )
    row.skills = [
        OfferSkillRow(label=label, key=key, is_required=True, origin="request")
        for key, label in skills.items()
    ]
    return row


class CandidateRanker:
    """Re-scores a retrieved pool of candidates for a recruiter's request, best first.

    Args:
        scorer: the calibrated match scorer.
        taxonomy: skills (the request's asked skills: its filters and the ones its words name).
        rome: the ROME referential (each candidate's titles read as the scorer's seekers read them).
        parsed: a stored candidate's parsed CV (profile + the text its evidence indexes).
    """

    def __init__(
        self,
        *,
        scorer: MatchScorer,
        taxonomy: SkillFinder,
        rome: RomeFinder,
        parsed: Callable[[CandidateRow], ParsedCV | None],
    ) -> None:
        self.scorer = scorer
        self.taxonomy = taxonomy
        self.rome = rome
        self.parsed = parsed

    def asked_skills(self, text: str, filters: SearchFilters) -> dict[str, str]:
        """Skill key → label: the filters' skills, then those the request's words name (« Python »)."""
        asked = {k: self.taxonomy.label(k) for k in filters.skills}
        for mention in self.taxonomy.extract(text):
            asked.setdefault(mention.key, self.taxonomy.label(mention.key))
        return asked

    def rank(
        self,
        text: str,
        filters: SearchFilters,
        pool: Sequence[tuple[CandidateRow, ScoreParts, Sequence[str]]],
        occupation: Occupation,
        *,
        language: Literal["fr", "en"] = "fr",
    ) -> list[RankedCandidate]:
        """Score ``pool`` (rows, their retrieval parts and their ROME codes) for the request; best first."""
        if not pool:
            return []
        labels = self.asked_skills(text, filters)
        offer = request_offer(text, filters, occupation, labels)
        radius = filters.geo.radius_km if filters.geo is not None else DEFAULT_RADIUS_KM
        seekers: list[tuple[str, Seeker]] = []
        for row, _parts, _codes in pool:
            parsed = self.parsed(row)
            if parsed is not None:
                seekers.append(
                    (
                        row.external_id,
                        seeker_from_profile(parsed.profile, parsed.text, rome=self.rome, radius_km=radius),
                    )
                )
        scores = {
            s.candidate_id: s for s in self.scorer.score_candidates(offer, seekers, explain=False).scores
        }
        out: list[RankedCandidate] = []
        for row, parts, codes in pool:
            grade = _best_grade(occupation, codes)
            distance = _distance(filters, row)
            held = [k for k in labels if k in set(row.skill_keys)]
            met = _conditions_met(filters, distance, len(held), len(labels))
            ms = scores.get(row.external_id)
            probability = ms.probability if ms is not None else None
            out.append(
                RankedCandidate(
                    row=row,
                    score=shown_score(grade_points(grade, probability), met, probability),
                    grade=grade,
                    probability=probability,
                    reasons=_reasons(grade, filters, distance, row, (len(held), len(labels)), language),
                    distance_km=distance,
                    parts=parts,
                    skills_held=[labels[k] for k in held],
                )
            )
        out.sort(key=lambda r: (-r.score, -(r.probability or 0.0), -r.parts.fused))
        return out


def _best_grade(occupation: Occupation, codes: Sequence[str]) -> OccupationGrade:
    if not occupation.codes or not codes:
        return "unknown"
    grades = {occupation.grade(c) for c in codes}
    return next((g for g in GRADE_ORDER if g in grades), "unknown")


def _distance(filters: SearchFilters, row: CandidateRow) -> float | None:
    geo = filters.geo
    if geo is None or row.latitude is None or row.longitude is None:
        return None
    return round(haversine_km(geo.lat, geo.lon, row.latitude, row.longitude), 1)


def _conditions_met(filters: SearchFilters, distance: float | None, held: int, asked: int) -> float:
    """Share of the stated conditions the candidate meets (1.0 when none is stated); place, experience and
    languages are hard filters, asked skills are not."""
    met: list[float] = []
    if filters.geo is not None and distance is not None:
        radius = max(filters.geo.radius_km, 1.0)
        met.append(1.0 if distance <= radius else max(0.0, 1.0 - (distance - radius) / radius))
    if asked:
        met.append(held / asked)
    return sum(met) / len(met) if met else 1.0


def _reasons(
    grade: OccupationGrade,
    filters: SearchFilters,
    distance: float | None,
    row: CandidateRow,
    skills: tuple[int, int],
    language: Literal["fr", "en"],
) -> list[str]:
    en = language == "en"
    out = [GRADE_WORDS[language][grade]] if grade != "unknown" else []
    if distance is not None:
        out.append(f"{distance:g} km away" if en else f"à {distance:g} km")
    held, total = skills
    if total:
        out.append(f"{held} of {total} skills" if en else f"{held} compétence(s) sur {total}")
    asked_months = filters.experience_min_months
    if asked_months and row.experience_months is not None:
        years, wanted = round(row.experience_months / 12), round(asked_months / 12)
        out.append(
            f"{years} years of experience ({wanted} asked)"
            if en
            else f"{years} ans d'expérience ({wanted} demandés)"
        )
    return [r for r in out if r]
