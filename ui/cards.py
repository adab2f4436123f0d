"""Result cards: what the UI shows for each offer or candidate a search returned.

``CardBuilder`` turns a search tool's artifact into cards with the calibrated match score, its parts and
the verified explanation (``scoring``), scored against what the search was about: the uploaded
CV when the search used one, the request otherwise. Markdown rendering lives here too, so that cards look
the same in the live chat and in a resumed thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.errors import BassinError
from scoring.missing import is_gap, missing_lines
from scoring.scorer import MatchScore
from services.match_scoring import Basis, MatchScoring
from tools.context import ToolContext
from tools.search import SearchOffersArgs, search_request

BAR_CELLS = 10
PARTS_SHOWN = 4
SKILLS_SHOWN = 6


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
                contract=(row.contract_label if row is not None and row.contract_label else None)
                or r.get("contract"),
                salary=r.get("salary"),
                lat=row.latitude if row is not None else None,
                lon=row.longitude if row is not None else None,
                basis=basis_kind,
            )
            ms = scores.get(card.id)
            if ms is not None:
                _fill_score(card, ms)
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


def _fill_score(card: OfferCard, ms: MatchScore) -> None:
    card.score, card.abstained, card.baseline = ms.score, ms.abstained, ms.baseline
    card.parts = [ScorePart(c.label, c.points) for c in ms.contributions]
    claims = ms.explanation.claims
    card.matched = list(dict.fromkeys(c.label for c in claims if c.kind == "skill_match" and c.label))
    card.missing = list(
        dict.fromkeys(c.label for c in claims if c.kind == "missing_skill" and c.required and c.label)
    )
    card.explanation = [c.text for c in claims if not is_gap(c)]
    card.gaps = missing_lines(ms.explanation)


# --- markdown -----------------------------------------------------------------------------------------


def score_bar(score: int) -> str:
    filled = max(0, min(BAR_CELLS, round(score / (100 / BAR_CELLS))))
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def top_parts(card: OfferCard, n: int = PARTS_SHOWN) -> list[ScorePart]:
    return sorted((p for p in card.parts if abs(p.points) >= 0.05), key=lambda p: -abs(p.points))[:n]


def offer_markdown(card: OfferCard) -> str:
    """The card's text: title, company, place and distance, contract, salary, score bar and parts, skills."""
    head = f"### {card.rank}. {card.title}"
    if card.company:
        head += f" — {card.company}"
    facts = []
    if card.location:
        place = card.location
        if card.distance_km is not None:
            place += f" · {card.distance_km:.0f} km"
        facts.append(place)
    if card.contract:
        facts.append(f"**{card.contract}**")
    facts.append(f"Salaire : {card.salary or 'non précisé'}")
    lines = [head, " · ".join(facts)] if facts else [head]
    if card.score is not None:
        against = "votre CV" if card.basis == "cv" else "votre recherche"
        lines.append(f"**Adéquation {card.score}/100** `{score_bar(card.score)}` (avec {against})")
        parts = top_parts(card)
        if card.reasons:
            lines.append("_" + " · ".join(card.reasons) + "_")
        elif parts:
            shown = " · ".join(f"{p.label} {p.points:+.0f}" for p in parts)
            base = f" (offre moyenne : {card.baseline:.0f})" if card.baseline is not None else ""
            lines.append(f"_{shown}{base}_")
    elif card.abstained:
        lines.append(f"_Pas de note : {card.abstained}_")
    skills = []
    if card.matched:
        skills.append("Compétences trouvées : " + ", ".join(card.matched[:SKILLS_SHOWN]))
    if card.missing:
        skills.append("manquantes : " + ", ".join(card.missing[:SKILLS_SHOWN]))
    if skills:
        lines.append(" · ".join(skills))
    lines.append(f"`offre {card.id}`")
    return "\n\n".join(lines)


def why_markdown(card: OfferCard) -> str:
    """The verified explanation of a card's score: every claim checked against the CV/request and offer."""
    against = "votre CV" if card.basis == "cv" else "votre recherche"
    if card.score is None:
        return f"**{card.title}** — pas de note : {card.abstained or 'information insuffisante'}."
    lines = [f"**Pourquoi {card.score}/100 pour « {card.title} » ?** (comparé à {against})", ""]
    lines += [f"- {text}" for text in card.explanation] or ["- Aucun élément vérifiable à citer."]
    if card.gaps:
        lines += ["", f"**Ce qui manque** (demandé par l'offre, absent de {against}) :"]
        lines += [f"- {text}" for text in card.gaps]
    parts = top_parts(card, n=len(card.parts))
    if parts:
        lines += ["", "Part de chaque critère (points au-dessus ou en dessous d'une offre moyenne) :"]
        lines += [f"- {p.label} : {p.points:+.1f}" for p in parts]
    return "\n".join(lines)


def candidate_markdown(card: CandidateCard) -> str:
    """A candidate's card: title, experience, place, skills; no name nor contact details."""
    head = f"### {card.rank}. {card.title or 'Profil sans intitulé'}"
    facts = []
    if card.experience_years is not None:
        facts.append(f"{card.experience_years:.0f} an(s) d'expérience")
    if card.location:
        place = card.location
        if card.distance_km is not None:
            place += f" · {card.distance_km:.0f} km"
        facts.append(place)
    lines = [head]
    if facts:
        lines.append(" · ".join(facts))
    if card.skills:
        lines.append("Compétences : " + ", ".join(card.skills))
    lines.append(f"`candidat {card.id}` · données personnelles masquées")
    return "\n\n".join(lines)


def personal_markdown(candidate_id: str, data: dict[str, Any] | None) -> str:
    """The personal data a recruiter sees after opening a profile."""
    if not data:
        return f"Aucune coordonnée enregistrée pour {candidate_id}."
    lines = [f"**Coordonnées de {candidate_id}**"]
    for key, label in (
        ("name", "Nom"),
        ("emails", "E-mail"),
        ("phones", "Téléphone"),
        ("address", "Adresse"),
    ):
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v.get("value", v)) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            value = value.get("value")
        if value:
            lines.append(f"- {label} : {value}")
    return "\n".join(lines) if len(lines) > 1 else f"Aucune coordonnée enregistrée pour {candidate_id}."
