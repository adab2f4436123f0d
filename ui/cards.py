"""Result cards: what the UI shows for each offer or candidate a search returned.

``CardBuilder`` turns a search tool's artifact into cards with the calibrated match score, its parts and
the verified explanation (``scoring``), scored against what the search was about: the uploaded
CV when the search used one, the request otherwise. Cards are plain data (``to_dict``/``from_dict``): the chat
keeps them in its messages' metadata, so a conversation reopened later still answers « Pourquoi ? ».
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.errors import BassinError
from domain.vocabulary import CONTRACT_LABELS
from scoring.missing import is_gap, missing_lines
from scoring.scorer import MatchScore
from services.match_scoring import Basis, MatchScoring
from tools.context import ToolContext
from tools.search import SearchOffersArgs, search_request

# What each score part means, in words a job seeker uses (``scoring.features.FEATURE_LABELS`` are the
# scorer's own, e.g. "proximité sémantique", "métier (code ROME)").
PLAIN_LABELS: dict[str, str] = {
    "skills_required": "compétences exigées par l'offre",
    "skills_desired": "compétences souhaitées par l'offre",
    "skills_seeker": "vos compétences citées dans l'offre",
    "rome": "métier",
    "title": "intitulé du poste",
    "semantic": "description proche de votre CV",
    "experience": "expérience",
    "distance": "distance",
    "contract": "type de contrat",
    "remote": "télétravail",
    "languages": "langues",
}


@dataclass
class ScorePart:
    label: str
    points: float


@dataclass
class OfferCard:
    """One offer as a card: display facts, score (None with a reason when the scorer abstained), why."""

    rank: int
    id: str
    title: str
    company: str | None = None
    location: str | None = None
    distance_km: float | None = None
    contract: str | None = None
    salary: str | None = None
    published: str | None = None
    """Publication date, ISO (``2026-11-21``)."""
    lat: float | None = None
    lon: float | None = None
    score: int | None = None
    reasons: list[str] = field(default_factory=list)
    """Why the search ranked it, in words (« même métier », « à 2 km »)."""
    abstained: str | None = None
    baseline: float | None = None
    parts: list[ScorePart] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    """What the offer asks for that the CV/request does not show (verified, the offer's words)."""
    basis: str = "query"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferCard:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["parts"] = [ScorePart(str(p["label"]), float(p["points"])) for p in values.get("parts") or []]
        return cls(**values)


@dataclass
class CandidateCard:
    """A candidate found by a recruiter's search: profile facts only, never personal data."""

    rank: int
    id: str
    title: str | None
    skills: list[str]
    experience_years: float | None
    location: str | None
    distance_km: float | None
    search_score: float


class CardBuilder:
    """Builds cards from search artifacts with the agent's own services."""

    def __init__(self, context: ToolContext) -> None:
        self.context = context
        self.scoring = context.scorer if isinstance(context.scorer, MatchScoring) else None

    def basis(self, applied: dict[str, Any]) -> Basis:
        """What the offers are scored against: the CV the search used, else the search itself."""
        fields = set(SearchOffersArgs.model_fields)
        args = SearchOffersArgs.model_validate({k: v for k, v in applied.items() if k in fields})
        if args.cv_id:
            return Basis(kind="cv", parsed=self.context.cvs.get(args.cv_id))
        text, filters, _ = search_request(self.context, args, None)
        return Basis(kind="query", text=text, filters=filters)

    def offer_cards(self, artifact: dict[str, Any]) -> list[OfferCard]:
        """One card per offer of a ``search_offers`` artifact, in rank order."""
        results: list[dict[str, Any]] = list(artifact.get("results") or [])
        if not results:
            return []
        ids = [str(r["id"]) for r in results]
        rows = self.context.offer_rows.get_by_external_ids(ids)
        scores = self._scores(artifact.get("applied") or {}, ids)
        basis_kind = "cv" if (artifact.get("applied") or {}).get("cv_id") else "query"
        cards: list[OfferCard] = []
        for r in results:
            row = rows.get(str(r["id"]))
            card = OfferCard(
                rank=int(r.get("rank") or len(cards) + 1),
                id=str(r["id"]),
                title=str(r.get("title") or (row.title if row else r["id"])),
                company=r.get("company"),
                location=r.get("location"),
                distance_km=r.get("distance_km"),
                contract=contract_text(r.get("contract"), row.contract_label if row is not None else None),
                salary=r.get("salary"),
                published=r.get("published"),
                lat=row.latitude if row is not None else None,
                lon=row.longitude if row is not None else None,
                basis=basis_kind,
            )
            ms = scores.get(card.id)
            if ms is not None:
                _fill_score(card, ms, basis_kind)
                card.reasons = plain_reasons(card, ms)
            if basis_kind == "query" and r.get("match") is not None:
                # The search's own relevance (occupation first, then the stated conditions), in words.
                card.score, card.abstained = int(r["match"]), None
                card.reasons = [str(w) for w in r.get("why") or []]
            cards.append(card)
        return cards

    def _scores(self, applied: dict[str, Any], ids: Sequence[str]) -> dict[str, MatchScore]:
        if self.scoring is None:
            return {}
        try:
            basis = self.basis(applied)
            rows = self.scoring.offers(ids)
        except BassinError:  # an offer gone since the search, a CV no longer there: cards without scores
            return {}
        scored = self.scoring.scorer.score_offers(self.scoring.seeker(basis), rows, rerank=False)
        return {s.offer_id: s for s in scored.scores}


def candidate_cards(artifact: dict[str, Any]) -> list[CandidateCard]:
    """One card per candidate of a ``search_candidates`` artifact (already free of personal data)."""
    return [
        CandidateCard(
            rank=int(r.get("rank") or i + 1),
            id=str(r["id"]),
            title=r.get("title"),
            skills=[str(s) for s in r.get("skills") or []],
            experience_years=r.get("experience_years"),
            location=r.get("location"),
            distance_km=r.get("distance_km"),
            search_score=float(r.get("score") or 0.0),
        )
        for i, r in enumerate(artifact.get("results") or [])
    ]


def _fill_score(card: OfferCard, ms: MatchScore, basis: str) -> None:
    card.score, card.abstained, card.baseline = ms.score, ms.abstained, ms.baseline
    labels = {
        **PLAIN_LABELS,
        "semantic": "description proche de votre " + ("CV" if basis == "cv" else "recherche"),
    }
    card.parts = [ScorePart(labels.get(c.feature, c.label), c.points) for c in ms.contributions]
    claims = ms.explanation.claims
    card.matched = list(dict.fromkeys(c.label for c in claims if c.kind == "skill_match" and c.label))
    card.missing = list(
        dict.fromkeys(c.label for c in claims if c.kind == "missing_skill" and c.required and c.label)
    )
    card.explanation = [c.text for c in claims if not is_gap(c)]
    card.gaps = missing_lines(ms.explanation)


def plain_reasons(card: OfferCard, ms: MatchScore) -> list[str]:
    """Why an offer fits a CV, in a few words: « même métier », « 3 compétences exigées sur 4 », « à 2 km »."""
    out: list[str] = []
    rome = ms.features.get("rome")
    if rome is not None and rome >= 0.99:
        out.append("même métier")
    elif rome is not None and rome >= 0.4:
        out.append("métier proche")
    claims = ms.explanation.claims
    required_found = len({c.label for c in claims if c.kind == "skill_match" and c.required and c.label})
    required = required_found + len(card.missing)
    if required:
        out.append(f"{required_found} compétence{'s' if required_found > 1 else ''} exigée"
                   f"{'s' if required_found > 1 else ''} sur {required}")  # fmt: skip
    elif card.matched:
        n = len(card.matched)
        out.append(f"{n} de vos compétences citée{'s' if n > 1 else ''}")
    if card.distance_km is not None:
        out.append(f"à {card.distance_km:.0f} km")
    if ms.features.get("contract") == 1.0:
        out.append("contrat souhaité")
    return out


def contract_text(code: str | None, label: str | None) -> str | None:
    """The contract in short (« CDI », « intérim », « CDD · 6 mois »), from its code and the offer's label."""
    names = [CONTRACT_LABELS["fr"].get(c.strip(), c.strip()) for c in (code or "").split(",") if c.strip()]
    if not names:
        return label
    text = " / ".join(names)
    if label and " - " in label:  # "Contrat à durée déterminée - 6 Mois": the duration is worth keeping
        text += " · " + label.split(" - ", 1)[1].strip().lower()
    return text
