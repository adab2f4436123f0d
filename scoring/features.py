"""Pair features: how a seeker and an offer compare, one number in [0, 1] per aspect (None: unknown).

Every feature is symmetric in use: the same function scores a person against an offer and an offer
against a candidate. Unknown values are imputed by the calibration (its training mean), so an
unknown aspect neither helps nor hurts a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from domain.filters import haversine_km
from referentials.taxonomy.rome import content_words
from scoring.offer_view import OfferFacts, OfferSkillFact
from scoring.seeker import Seeker, SeekerSkill, TextSpan

FeatureName = Literal[
    "skills_required",
    "skills_desired",
    "skills_seeker",
    "rome",
    "title",
    "semantic",
    "experience",
    "distance",
    "contract",
    "remote",
    "languages",
]
FEATURES: tuple[FeatureName, ...] = (
    "skills_required",
    "skills_desired",
    "skills_seeker",
    "rome",
    "title",
    "semantic",
    "experience",
    "distance",
    "contract",
    "remote",
    "languages",
)
FEATURE_LABELS: dict[str, str] = {
    "skills_required": "compétences exigées",
    "skills_desired": "compétences souhaitées",
    "skills_seeker": "vos compétences demandées par l'offre",
    "rome": "métier (code ROME)",
    "title": "intitulé du poste",
    "semantic": "proximité sémantique",
    "experience": "expérience",
    "distance": "distance",
    "contract": "type de contrat",
    "remote": "télétravail",
    "languages": "langues",
}
# How many of the seeker's skills must appear in the offer for ``skills_seeker`` to reach 1.
SKILLS_SEEKER_SATURATION = 6
# The French market: French is assumed spoken by every seeker.
ASSUMED_LANGUAGES = frozenset({"français", "francais"})


@dataclass(frozen=True)
class SkillMatch:
    """A seeker skill the offer asks for or mentions, with the evidence on both sides."""

    key: str
    label: str
    seeker_span: TextSpan | None
    offer_span: TextSpan | None
    required: bool


@dataclass
class PairFeatures:
    """Feature values (None: unknown) and the facts behind them, kept for explanations."""

    values: dict[str, float | None]
    matched: list[SkillMatch] = field(default_factory=list)
    missing_required: list[OfferSkillFact] = field(default_factory=list)
    distance_km: float | None = None
    rome_relation: Literal["same", "family", "other"] | None = None


def _family(code: str) -> str:
    return code[:3].upper()


def rome_proximity(seeker: Seeker, offer_code: str | None) -> tuple[float | None, str | None]:
    """1 for the same ROME code, 0.5 for the same family (times the title's match score); None if unknown."""
    if not seeker.rome_codes or not offer_code:
        return None, None
    best, relation = 0.0, "other"
    for code, score in seeker.rome_codes:
        if code == offer_code:
            level, rel = 1.0, "same"
        elif _family(code) == _family(offer_code):
            level, rel = 0.5, "family"
        else:
            continue
        if level * score > best:
            best, relation = level * score, rel
    return best, relation


def title_overlap(seeker: Seeker, offer: OfferFacts) -> float | None:
    """Share of the seeker title's content words found in the offer's title and job labels."""
    if not seeker.title:
        return None
    words = set(content_words(seeker.title))
    if not words:
        return None
    offer_words = set(content_words(offer.job_text))
    return len(words & offer_words) / len(words)


def experience_fit(seeker_months: int | None, required_months: int | None) -> float | None:
    """1 when the seeker has the experience asked (or the offer accepts beginners), else the share held."""
    if seeker_months is None or required_months is None:
        return None
    if required_months <= 0 or seeker_months >= required_months:
        return 1.0
    return max(0.0, seeker_months / required_months)


def distance_fit(distance_km: float | None, radius_km: float) -> float | None:
    """1 on the spot, 0.5 at the edge of the seeker's radius, 0 at twice the radius."""
    if distance_km is None:
        return None
    return max(0.0, 1.0 - distance_km / (2.0 * max(radius_km, 1.0)))


def remote_fit(wish: bool | None, offered: bool | None) -> float | None:
    if wish is None:
        return None
    if wish:
        return 1.0 if offered else 0.5 if offered is None else 0.0
    return 0.5 if offered else 1.0


def compute_features(seeker: Seeker, offer: OfferFacts, semantic: float | None) -> PairFeatures:
    """Compare a seeker and an offer; ``semantic`` is the cosine of their embeddings (None: no embedder)."""
    have = seeker.skill_keys
    matched: dict[str, SkillMatch] = {}
    required = [s for s in offer.skills if s.required]
    desired = [s for s in offer.skills if not s.required]
    missing: list[OfferSkillFact] = []

    def hit(skill: OfferSkillFact) -> SeekerSkill | None:
        for key in skill.keys:
            if key in have:
                return seeker.skill(key)
        return None

    for skill in offer.skills:
        mine = hit(skill)
        if mine is None:
            if skill.required:
                missing.append(skill)
            continue
        if mine.key not in matched:
            span = offer.evidence_for({mine.key}) or skill.span
            matched[mine.key] = SkillMatch(mine.key, mine.label, mine.span, span, skill.required)
    for mine in seeker.skills:
        if mine.key not in matched and mine.key in offer.mentions:
            matched[mine.key] = SkillMatch(mine.key, mine.label, mine.span, offer.mentions[mine.key], False)

    def coverage(skills: list[OfferSkillFact]) -> float | None:
        return sum(hit(s) is not None for s in skills) / len(skills) if skills else None

    seeker_cov = None
    if seeker.skills:
        seeker_cov = min(1.0, len(matched) / min(len(seeker.skills), SKILLS_SEEKER_SATURATION))
    distance = None
    if None not in (seeker.lat, seeker.lon, offer.lat, offer.lon):
        distance = haversine_km(seeker.lat, seeker.lon, offer.lat, offer.lon)  # type: ignore[arg-type]
    contract = None
    if seeker.contracts:
        contract = 1.0 if set(seeker.contracts) & set(offer.contracts) else 0.0
    languages = None
    needed = [lang for lang in offer.languages_required if lang not in ASSUMED_LANGUAGES]
    if needed:
        languages = sum(lang in seeker.languages for lang in needed) / len(needed)
    rome, relation = rome_proximity(seeker, offer.rome_code)
    values: dict[str, float | None] = {
        "skills_required": coverage(required),
        "skills_desired": coverage(desired),
        "skills_seeker": seeker_cov,
        "rome": rome,
        "title": title_overlap(seeker, offer),
        "semantic": semantic,
        "experience": experience_fit(seeker.experience_months, offer.experience_months),
        "distance": distance_fit(distance, seeker.radius_km),
        "contract": contract,
        "remote": remote_fit(seeker.remote, offer.remote),
        "languages": languages,
    }
    return PairFeatures(
        values=values,
        matched=list(matched.values()),
        missing_required=missing,
        distance_km=distance,
        rome_relation=relation,  # type: ignore[arg-type]
    )
