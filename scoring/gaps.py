"""What an offer asks for that a CV does not show: diplomas, driving licences, wished skills.

The explainer (``scoring.explain``) drafts one claim per gap, quoting the offer's own words; this module
reads diploma levels on both sides, tells whether a CV mentions a degree of a level or a driving licence
(the independent re-check verification runs before a gap is shown), and writes the gap sentences.
A gap is only ever drawn from what the offer states (``formations``, ``permis``, ``competences``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from referentials.taxonomy.text import fold
from scoring.offer_view import OfferFacts
from scoring.seeker import Seeker, TextSpan

GapLanguage = Literal["fr", "en"]
GapKind = Literal["missing_skill", "missing_diploma", "missing_licence"]
MAX_WISHED = 5
NOT_FOUND = -1
"""``numbers["seeker_level"]`` when the CV shows no diploma level."""

# France Travail ``niveauLibelle`` (folded) → level; the CV parser's levels on the same scale.
_OFFER_LEVELS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"aucune formation"), 0),
    (re.compile(r"3eme|brevet"), 1),
    (re.compile(r"\bcap\b|\bbep\b"), 2),
    (re.compile(r"bac\s*\+\s*5|doctorat"), 7),
    (re.compile(r"bac\s*\+\s*[34]"), 5),
    (re.compile(r"bac\s*\+\s*2"), 4),
    (re.compile(r"\bbac\b"), 3),
)
CV_LEVELS: dict[str, int] = {
    "cap_bep": 2, "bac": 3, "bac+2": 4, "bac+3": 5, "bac+4": 6, "bac+5": 7, "doctorat": 8,
}  # fmt: skip
# Degree words a CV may use, French and English, with the level they show at least.
_DEGREE_WORDS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:doctorat|phd|ph\.d|doctorate|doctor of)\b"), 8),
    (re.compile(r"\b(?:master|masters|mba|m\.s\.|msc|bac\s*\+\s*5|diplome d'ingenieur|ingenieur)\b"), 7),
    (re.compile(r"\b(?:bac\s*\+\s*4|maitrise)\b"), 6),
    (re.compile(r"\b(?:bachelor|bachelors|b\.s\.|b\.a\.|bsc|licence|bac\s*\+\s*3)\b"), 5),
    (re.compile(r"\b(?:bts|dut|deug|associate|bac\s*\+\s*2)\b"), 4),
    (re.compile(r"\b(?:baccalaureat|bac|high school diploma|ged)\b"), 3),
    (re.compile(r"\b(?:cap|bep)\b"), 2),
)
_LICENCE_WORDS = re.compile(
    r"\bpermis\b|\bdriv(?:er|ing)'?s?\s+licen[cs]e\b|\blicen[cs]e\s+(?:class|category)\b|\bcdl\b"
)


def offer_level(label: str) -> int | None:
    """The diploma level an offer's ``niveauLibelle`` states ("Bac+2 ou équivalents" → 4), None if unread."""
    folded = fold(label.split(" — ")[0])
    return next((level for pattern, level in _OFFER_LEVELS if pattern.search(folded)), None)


def cv_mentions_level(cv_text: str, level: int) -> bool:
    """True when the CV names a degree of ``level`` or above anywhere (then no diploma gap may be claimed)."""
    folded = fold(cv_text)
    return any(found >= level and pattern.search(folded) for pattern, found in _DEGREE_WORDS)


def cv_mentions_licence(cv_text: str) -> bool:
    """True when the CV speaks of a driving licence at all (a licence gap could then be wrong)."""
    return bool(_LICENCE_WORDS.search(fold(cv_text)))


def gap_sentence(
    kind: str, offer_words: str, required: bool, seeker_words: str, lang: GapLanguage = "fr"
) -> str:
    """The sentence of a gap claim (``missing_skill`` wished, ``missing_diploma``, ``missing_licence``).

    Example:
        >>> gap_sentence("missing_licence", "B - Véhicule léger", True, "")
        'Permis exigé « B - Véhicule léger » : non trouvé dans le CV'
    """
    if lang == "en":
        level = "required" if required else "wished"
        if kind == "missing_skill":
            return f"Wished skill « {offer_words} »: not found in the CV"
        if kind == "missing_licence":
            return f"Driving licence {level} « {offer_words} »: not found in the CV"
        shown = f"the CV shows « {seeker_words} »" if seeker_words else "no diploma level found in the CV"
        return f"Education {level} « {offer_words} »: {shown}"
    if kind == "missing_skill":
        return f"Compétence souhaitée « {offer_words} » : non trouvée dans le CV"
    if kind == "missing_licence":
        return f"Permis {'exigé' if required else 'souhaité'} « {offer_words} » : non trouvé dans le CV"
    shown = f"le CV indique « {seeker_words} »" if seeker_words else "niveau non trouvé dans le CV"
    return f"Formation {'exigée' if required else 'souhaitée'} « {offer_words} » : {shown}"


@dataclass(frozen=True)
class GapDraft:
    """A gap before verification: the offer's words (``offer_span``) and, for diplomas, the CV's level."""

    kind: GapKind
    offer_span: TextSpan
    label: str
    required: bool
    seeker_span: TextSpan | None = None
    keys: tuple[str, ...] = ()
    numbers: dict[str, float] = field(default_factory=dict)


def draft_gaps(seeker: Seeker, offer: OfferFacts) -> list[GapDraft]:
    """What the offer asks for that the CV does not show, beyond required skills (the scorer's own
    ``missing_required``): wished skills, diplomas below the level asked (or no level found), driving
    licences. Drawn only from the offer's own lists; ``verify_claims`` re-checks each against the texts."""
    drafts: list[GapDraft] = []
    have = seeker.skill_keys
    # Only the competences the offer lists as wished (S): skills merely read in its description are no demand.
    wished = [
        s
        for s in offer.skills
        if not s.required and s.origin != "extracted" and s.span is not None and not s.keys & have
    ]
    for skill in wished[:MAX_WISHED]:
        assert skill.span is not None
        drafts.append(
            GapDraft("missing_skill", skill.span, skill.label, False, keys=tuple(sorted(skill.keys)))
        )
    mine = CV_LEVELS.get(seeker.education_level or "", NOT_FOUND)
    for need in offer.requirements:
        if need.kind == "licence":
            drafts.append(GapDraft("missing_licence", need.span, need.label, need.required))
            continue
        level = offer_level(need.label)
        if level is None or level <= 0 or mine >= level:
            continue
        numbers = {"required_level": float(level), "seeker_level": float(mine)}
        span = seeker.education_span if mine != NOT_FOUND else None
        drafts.append(GapDraft("missing_diploma", need.span, need.label, need.required, span, (), numbers))
    return drafts


def gap_problem(kind: str, offer_words: str, numbers: dict[str, float], cv_text: str) -> str | None:
    """Why a diploma or licence gap does not hold against the texts, or None when it does."""
    if kind == "missing_licence":
        return "le profil parle d'un permis" if cv_mentions_licence(cv_text) else None
    level = offer_level(offer_words)
    if level is None or level != numbers.get("required_level") or numbers.get("seeker_level", 0) >= level:
        return "niveau de formation illisible dans l'offre ou atteint"
    if cv_mentions_level(cv_text, level):
        return "le profil mentionne un diplôme de ce niveau"
    return None
