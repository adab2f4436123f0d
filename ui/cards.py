"""Result cards: what the UI shows for each offer or candidate a search returned.

``CardBuilder`` turns a search tool's artifact into cards with the calibrated match score, its parts and
the verified explanation (``scoring``), scored against what the search was about: the uploaded
CV when the search used one, the request otherwise. Cards are plain data (``to_dict``/``from_dict``): the chat
keeps them in its messages' metadata, so a conversation reopened later still answers « Pourquoi ? », in the
language the card was made in (``OfferCard.lang``: French or English, as the conversation).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.errors import BassinError
from domain.salary import format_salary
from domain.vocabulary import CONTRACT_LABELS
from scoring.explain import render
from scoring.missing import is_gap, missing_lines
from scoring.scorer import ABSTENTIONS_EN, MatchScore
from services.match_scoring import Basis, MatchScoring
from services.ranking import GRADE_WORDS, SCORE_WORDS
from tools.context import ToolContext
from tools.search import SearchOffersArgs, search_request, search_request_of
from ui.language import UiLang, ui_lang

# What each score part means, in words a job seeker uses (``scoring.features.FEATURE_LABELS`` are the
# scorer's own, e.g. "proximité sémantique", "métier (code ROME)").
PLAIN_LABELS: dict[UiLang, dict[str, str]] = {
    "fr": {
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
    },
    "en": {
        "skills_required": "skills the offer requires",
        "skills_desired": "skills the offer would like",
        "skills_seeker": "your skills the offer names",
        "rome": "occupation",
        "title": "job title",
        "semantic": "description close to your CV",
        "experience": "experience",
        "distance": "distance",
        "contract": "contract type",
        "remote": "remote work",
        "languages": "languages",
    },
}
_SEMANTIC: dict[UiLang, tuple[str, str]] = {
    "fr": ("description proche de votre CV", "description proche de votre recherche"),
    "en": ("description close to your CV", "description close to your search"),
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
    lang: UiLang = "fr"
    """The conversation's language when the card was made: its texts and « Pourquoi ? » are written in it."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferCard:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["parts"] = [ScorePart(str(p["label"]), float(p["points"])) for p in values.get("parts") or []]
        values["lang"] = ui_lang(values.get("lang"))  # cards stored before the language was kept: French
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
    match: int | None = None
    """The shown relevance 0–100 (None when the search was not re-scored)."""
    reasons: list[str] = field(default_factory=list)
    """Why, in the card's language: « même métier », « 2 compétences sur 2 »…"""


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
            return Basis(kind="cv", parsed=self.context.cvs.get(args.cv_id), request=search_request_of(args))
        text, filters, _ = search_request(self.context, args, None)
        return Basis(kind="query", text=text, filters=filters)

    def offer_cards(self, artifact: dict[str, Any], lang: UiLang = "fr") -> list[OfferCard]:
        """One card per offer of a ``search_offers`` artifact, in rank order, written in ``lang``."""
        results: list[dict[str, Any]] = list(artifact.get("results") or [])
        if not results:
            return []
        ids = [str(r["id"]) for r in results]
        rows = self.context.offer_rows.get_by_external_ids(ids)
        applied = artifact.get("applied") or {}
        # A kind of job (« technicien ») or filters alone: nothing to grade against, the search listed them
        # unscored; a number from the scorer against the bare word read 2/100 on a technician's offer.
        unscored = bool(artifact.get("narrower")) or not any(
            applied.get(k) for k in ("query", "cv_id", "skills")
        )
        scores = {} if unscored else self._scores(applied, ids)
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
                contract=contract_text(
                    r.get("contract"), row.contract_label if row is not None else None, lang
                ),
                salary=_salary(r, lang),
                published=r.get("published"),
                lat=row.latitude if row is not None else None,
                lon=row.longitude if row is not None else None,
                basis=basis_kind,
                lang=lang,
            )
            ms = scores.get(card.id)
            if ms is not None:
                _fill_score(card, ms, basis_kind)
                card.reasons = plain_reasons(card, ms, lang)
            if r.get("match") is not None:
                # The search's own relevance (occupation first, then the stated conditions), in words: the
                # one number of the offer, for a CV's search too (« Pourquoi ? » answers the same).
                card.score, card.abstained = int(r["match"]), None
                card.reasons = [search_reason(str(w), lang) for w in r.get("why") or []]
                if r.get("points"):  # « Pourquoi ? » charts the same number, in the same words
                    card.parts = [
                        ScorePart(plain_reason(search_reason(str(label), lang), lang), float(points))
                        for label, points in r["points"]
                    ]
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


def candidate_cards(artifact: dict[str, Any], lang: UiLang = "fr") -> list[CandidateCard]:
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
            match=int(r["match"]) if r.get("match") is not None else None,
            reasons=[search_reason(str(w), lang) for w in r.get("why") or []],
        )
        for i, r in enumerate(artifact.get("results") or [])
    ]


def _salary(result: dict[str, Any], lang: UiLang) -> str | None:
    """The search writes salaries in French; in English they are written again from the monthly amounts."""
    monthly = list(result.get("salary_monthly") or [])
    if lang == "en" and result.get("salary") and monthly:
        return format_salary(monthly[0], monthly[1] if len(monthly) > 1 else None, lang="en")
    salary = result.get("salary")
    return str(salary) if salary else None


def _fill_score(card: OfferCard, ms: MatchScore, basis: str) -> None:
    lang = card.lang
    card.score, card.baseline = ms.score, ms.baseline
    card.abstained = (
        ABSTENTIONS_EN.get(ms.abstained, ms.abstained) if lang == "en" and ms.abstained else ms.abstained
    )
    labels = {**PLAIN_LABELS[lang], "semantic": _SEMANTIC[lang][0 if basis == "cv" else 1]}
    card.parts = [ScorePart(labels.get(c.feature, c.label), c.points) for c in ms.contributions]
    claims = ms.explanation.claims
    card.matched = list(dict.fromkeys(c.label for c in claims if c.kind == "skill_match" and c.label))
    card.missing = list(
        dict.fromkeys(c.label for c in claims if c.kind == "missing_skill" and c.required and c.label)
    )
    card.explanation = [c.text if lang == "fr" else render(c, lang) for c in claims if not is_gap(c)]
    card.gaps = missing_lines(ms.explanation, lang)


def plain_reasons(card: OfferCard, ms: MatchScore, lang: UiLang = "fr") -> list[str]:
    """Why an offer fits a CV, in a few words: « même métier », « 3 compétences exigées sur 4 », « à 2 km »
    (English: "same occupation", "3 of 4 required skills", "2 km away")."""
    en = lang == "en"
    out: list[str] = []
    rome = ms.features.get("rome")
    if rome is not None and rome >= 0.99:
        out.append(GRADE_WORDS[lang]["same_code"])
    elif rome is not None and rome >= 0.4:
        out.append(GRADE_WORDS[lang]["same_family"])
    claims = ms.explanation.claims
    required_found = len({c.label for c in claims if c.kind == "skill_match" and c.required and c.label})
    required = required_found + len(card.missing)
    if required and en:
        out.append(f"{required_found} of {required} required skill{'s' if required != 1 else ''}")
    elif required:
        out.append(f"{required_found} compétence{'s' if required_found > 1 else ''} exigée"
                   f"{'s' if required_found > 1 else ''} sur {required}")  # fmt: skip
    elif card.matched:
        n = len(card.matched)
        out.append(
            f"{n} of your skills named" if en else f"{n} de vos compétences citée{'s' if n > 1 else ''}"
        )
    if card.distance_km is not None:
        out.append(f"{card.distance_km:.0f} km away" if en else f"à {card.distance_km:.0f} km")
    if ms.features.get("contract") == 1.0:
        out.append("preferred contract" if en else "contrat souhaité")
    return out


_GRADES_EN = {GRADE_WORDS["fr"][g]: GRADE_WORDS["en"][g] for g in GRADE_WORDS["fr"] if GRADE_WORDS["fr"][g]}
_GRADES_EN |= {SCORE_WORDS["fr"][k]: SCORE_WORDS["en"][k] for k in SCORE_WORDS["fr"]}
_SEARCH_KM = re.compile(r"à (\d+(?:[.,]\d+)?) km")
_SEARCH_SKILLS = re.compile(r"(\d+) compétence\(s\) sur (\d+)")
_SEARCH_YEARS = re.compile(r"(\d+) ans d'expérience \((\d+) demandés\)")


KM_FR = re.compile(r"à (\d+(?:[.,]\d+)?) km")
KM_EN = re.compile(r"(\d+(?:[.,]\d+)?) km away")
_COUNTED = re.compile(r"(\d+) (\w+)\(s\)")
_OF_SKILLS = re.compile(r"(\d+) of (\d+) (required )?skills?\b")


def plain_reason(reason: str, lang: UiLang = "fr") -> str:
    """A reason as a person writes it: whole kilometres, plurals agreed (« 1 compétence(s) » → « 1 compétence »;
    "1 of 1 skills" → "1 of 1 skill")."""
    if lang == "en":
        reason = KM_EN.sub(lambda m: f"{float(m.group(1).replace(',', '.')):.0f} km away", reason)
        reason = _OF_SKILLS.sub(
            lambda m: (
                f"{m.group(1)} of {m.group(2)} {m.group(3) or ''}skill{'s' if int(m.group(2)) != 1 else ''}"
            ),
            reason,
        )
        return _COUNTED.sub(
            lambda m: f"{m.group(1)} {m.group(2)}{'s' if int(m.group(1)) != 1 else ''}", reason
        )
    reason = KM_FR.sub(lambda m: f"à {float(m.group(1).replace(',', '.')):.0f} km", reason)
    return _COUNTED.sub(lambda m: f"{m.group(1)} {m.group(2)}{'s' if int(m.group(1)) > 1 else ''}", reason)


def search_reason(reason: str, lang: UiLang = "fr") -> str:
    """A reason the search gave (``services.ranking``, written in French by ``search_offers``) in ``lang``.

    >>> search_reason("à 2.3 km", "en"), search_reason("1 compétence(s) sur 3", "en")
    ('2.3 km away', '1 of 3 skills')
    """
    if lang == "fr":
        return reason
    if reason in _GRADES_EN:
        return _GRADES_EN[reason]
    if reason == "contrat demandé":
        return "contract as asked"
    if m := _SEARCH_KM.fullmatch(reason):
        return f"{m.group(1).replace(',', '.')} km away"
    if m := _SEARCH_SKILLS.fullmatch(reason):
        return f"{m.group(1)} of {m.group(2)} skills"
    if m := _SEARCH_YEARS.fullmatch(reason):
        return f"{m.group(1)} years of experience ({m.group(2)} asked)"
    return reason


_DURATION = re.compile(r"(\d+)\s+(mois|jours?(?:\(s\))?|semaines?(?:\(s\))?|ans?(?:\(s\))?)", re.IGNORECASE)
_DURATION_EN = {"m": "month", "j": "day", "s": "week", "a": "year"}


def contract_text(code: str | None, label: str | None, lang: UiLang = "fr") -> str | None:
    """The contract in short (« CDI », « intérim », « CDD · 6 mois »; "temp work · 3 months"), from its code
    and the offer's label."""
    names = [CONTRACT_LABELS[lang].get(c.strip(), c.strip()) for c in (code or "").split(",") if c.strip()]
    if not names:
        return label
    text = " / ".join(names)
    if label and " - " in label:  # "Contrat à durée déterminée - 6 Mois": the duration is worth keeping
        duration = label.split(" - ", 1)[1].strip().lower()
        if lang == "en":
            duration = _DURATION.sub(_duration_en, duration)
        text += " · " + duration
    return text


def _duration_en(m: re.Match[str]) -> str:
    n = int(m.group(1))
    return f"{n} {_DURATION_EN[m.group(2)[0].lower()]}{'s' if n != 1 else ''}"
