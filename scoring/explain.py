"""Explanations with evidence on both sides, each claim checked against the two texts before it is shown.

A ``Claim`` quotes the seeker's text (CV, or query with its filters spelled out) and the offer's text
(``offer_text``) by span, and carries the numbers it states. ``verify_claims`` re-reads every span in
the texts, recomputes every number and verdict, re-renders the sentence, and drops any claim that does
not hold: an unverifiable claim is never shown.

``Claim.text`` is the canonical (French) sentence that verification compares; ``render(claim, "en")``
writes the same verified fields in English. Quoted text (« … ») stays as the CV and the offer wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from domain.filters import haversine_km
from domain.text import fold
from domain.vocabulary import CONTRACT_LABELS
from referentials.taxonomy.extraction import SkillMention
from scoring.features import PairFeatures
from scoring.offer_view import OfferFacts
from scoring.seeker import Seeker, TextSpan

ClaimKind = Literal[
    "skill_match", "missing_skill", "distance", "experience", "contract", "remote", "language"
]
ExplanationLanguage = Literal["fr", "en"]
MAX_MATCHED = 8
MAX_MISSING = 5

_CONTRACT_WORDS: dict[str, re.Pattern[str]] = {
    "CDI": re.compile(r"\bcdi\b|indetermine|permanent"),
    "CDD": re.compile(r"\bcdd\b|(?<!in)determinee?\b|fixed[- ]term"),
    "MIS": re.compile(r"interim|\bmis\b|travail temporaire|temporary"),
    "DIN": re.compile(r"\bdin\b|cdi interimaire|interim"),
    "SAI": re.compile(r"saison|\bsai\b"),
    "LIB": re.compile(r"liberal|\blib\b|free[- ]?lance|independant|entrepreneur|self[- ]employed"),
    "ALT": re.compile(r"\balt\b|alternance|apprenti|professionnalisation|work[- ]study"),
}
_REMOTE_WORD = re.compile(r"tele\s?-?travail|remote|a distance|hybride?|work from home|telework")
_ONSITE_WORD = re.compile(
    r"sur site|presentiel|on[- ]site|in[- ]office|sans tele|pas de tele|aucun tele|non tele"
)
_YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*an", re.IGNORECASE)
_MONTHS = re.compile(r"(\d+)\s*mois", re.IGNORECASE)


class SkillKeys(Protocol):
    """What verification needs from ``SkillTaxonomy`` to check that a quoted surface names the skill."""

    def normalize(self, label: str) -> str | None: ...

    def extract(self, text: str) -> list[SkillMention]: ...


@dataclass
class Claim:
    """One statement of an explanation, with the spans that back it on each side."""

    kind: ClaimKind
    text: str
    seeker_span: TextSpan | None = None
    offer_span: TextSpan | None = None
    keys: tuple[str, ...] = ()
    label: str = ""
    required: bool = False
    holds: bool | None = None
    numbers: dict[str, float] = field(default_factory=dict)


@dataclass
class DroppedClaim:
    claim: Claim
    reason: str


@dataclass
class Explanation:
    """Verified claims, in display order, and the claims verification dropped (with why)."""

    claims: list[Claim] = field(default_factory=list)
    dropped: list[DroppedClaim] = field(default_factory=list)

    def lines(self, language: ExplanationLanguage = "fr") -> list[str]:
        """The claims' sentences in ``language`` (French: the verified ``text`` itself)."""
        return [c.text if language == "fr" else render(c, language) for c in self.claims]


def contract_codes(surface: str) -> set[str]:
    """France Travail contract codes a surface names ("Intérim - 6 Mois" → {"MIS", "DIN"})."""
    folded = fold(surface)
    return {code for code, pattern in _CONTRACT_WORDS.items() if pattern.search(folded)}


def experience_months_of(label: str) -> int | None:
    """Months of experience an offer label states (France Travail wording), None when unreadable."""
    text = fold(label)
    if "debutant" in text:
        return 0
    if m := _YEARS.search(text):
        return round(float(m.group(1).replace(",", ".")) * 12)
    if m := _MONTHS.search(text):
        return int(m.group(1))
    if "exige" in text:
        return 12
    if "souhaite" in text:
        return 0
    return None


def _duration(months: float) -> str:
    whole = round(months)
    if whole >= 12 and whole % 12 == 0:
        years = whole // 12
        return f"{years} an{'s' if years > 1 else ''}"
    if whole >= 12:
        return f"{whole / 12:.1f} ans".replace(".", ",")
    return f"{whole} mois"


def _duration_en(months: float) -> str:
    whole = round(months)
    if whole >= 12 and whole % 12 == 0:
        years = whole // 12
        return f"{years} year{'s' if years > 1 else ''}"
    if whole >= 12:
        return f"{whole / 12:.1f} years"
    return f"{whole} month{'s' if whole != 1 else ''}"


def render(claim: Claim, language: ExplanationLanguage = "fr") -> str:
    """The sentence a claim shows, from its own fields (verification re-renders in French and compares).

    Every language is written from the same fields, so a verified claim reads true in each of them.

    Example:
        >>> render(Claim("missing_skill", "", offer_span=TextSpan(0, 6, "Docker")), "en")
        'Required skill missing from your profile: « Docker »'
    """
    if language == "en":
        return _render_en(claim)
    s = claim.seeker_span.surface if claim.seeker_span else ""
    o = claim.offer_span.surface if claim.offer_span else ""
    n = claim.numbers
    if claim.kind == "skill_match":
        level = "exigée" if claim.required else "demandée"
        return f"Compétence {level} « {claim.label} » : « {s} » chez vous, « {o} » dans l'offre"
    if claim.kind == "missing_skill":
        return f"Compétence exigée absente de votre profil : « {o} »"
    if claim.kind == "distance":
        where = "dans" if claim.holds else "au-delà de"
        return f"Distance : {n['km']:.0f} km de « {s} » ({where} votre rayon de {n['radius_km']:g} km)"
    if claim.kind == "experience":
        asked = (
            "débutant accepté" if n["required_months"] == 0 else f"{_duration(n['required_months'])} demandés"
        )
        verdict = "suffisant" if claim.holds else "en dessous"
        return f"Expérience : {_duration(n['seeker_months'])} pour « {o} » ({asked}) — {verdict}"
    if claim.kind == "contract":
        verdict = "conforme à" if claim.holds else "différent de"
        return f"Contrat « {o} » {verdict} votre souhait « {s} »"
    if claim.kind == "remote":
        offered = "proposé" if n["offered"] else "exclu"
        verdict = "conforme à" if claim.holds else "différent de"
        return f"Télétravail {offered} (« {o} »), {verdict} votre souhait « {s} »"
    verdict = "vous la parlez" if claim.holds else "absente de votre profil"
    return f"Langue exigée « {o} » : {verdict}"


def _render_en(claim: Claim) -> str:
    s = claim.seeker_span.surface if claim.seeker_span else ""
    o = claim.offer_span.surface if claim.offer_span else ""
    n = claim.numbers
    if claim.kind == "skill_match":
        level = "Required" if claim.required else "Requested"
        return f"{level} skill « {claim.label} »: « {s} » in your profile, « {o} » in the offer"
    if claim.kind == "missing_skill":
        return f"Required skill missing from your profile: « {o} »"
    if claim.kind == "distance":
        where = "within" if claim.holds else "beyond"
        return f"Distance: {n['km']:.0f} km from « {s} » ({where} your {n['radius_km']:g} km radius)"
    if claim.kind == "experience":
        asked = (
            "entry level accepted"
            if n["required_months"] == 0
            else f"{_duration_en(n['required_months'])} required"
        )
        verdict = "enough" if claim.holds else "not enough"
        return f"Experience: {_duration_en(n['seeker_months'])} for « {o} » ({asked}) — {verdict}"
    if claim.kind == "contract":
        verdict = "matches" if claim.holds else "differs from"
        return f"Contract « {o} » {verdict} your wish « {s} »"
    if claim.kind == "remote":
        offered = "offered" if n["offered"] else "ruled out"
        verdict = "as you wish" if claim.holds else "unlike your wish"
        return f"Remote work {offered} (« {o} »), {verdict} « {s} »"
    verdict = "you speak it" if claim.holds else "missing from your profile"
    return f"Required language « {o} »: {verdict}"


def explain(seeker: Seeker, offer: OfferFacts, features: PairFeatures) -> Explanation:
    """Draft every claim the features support (unverified: pass the result through ``verify_claims``)."""
    claims: list[Claim] = []
    for m in sorted(features.matched, key=lambda m: not m.required)[:MAX_MATCHED]:
        claims.append(
            Claim("skill_match", "", m.seeker_span, m.offer_span, (m.key,), m.label, required=m.required)
        )
    for skill in features.missing_required[:MAX_MISSING]:
        claims.append(
            Claim("missing_skill", "", None, skill.span, tuple(sorted(skill.keys)), skill.label, True)
        )
    if features.distance_km is not None and seeker.place_span is not None:
        numbers = {
            "km": round(features.distance_km, 1),
            "radius_km": seeker.radius_km,
            "seeker_lat": seeker.lat or 0.0,
            "seeker_lon": seeker.lon or 0.0,
            "offer_lat": offer.lat or 0.0,
            "offer_lon": offer.lon or 0.0,
        }
        claims.append(
            Claim(
                "distance",
                "",
                seeker.place_span,
                offer.place_span,
                numbers=numbers,
                holds=features.distance_km <= seeker.radius_km,
            )
        )
    if seeker.experience_months is not None and offer.experience_months is not None:
        numbers = {"seeker_months": seeker.experience_months, "required_months": offer.experience_months}
        span = seeker.experience_spans[0] if seeker.experience_spans else None
        holds = seeker.experience_months >= offer.experience_months or offer.experience_months == 0
        claims.append(Claim("experience", "", span, offer.experience_span, numbers=numbers, holds=holds))
    if seeker.contracts and offer.contracts:
        match = next((c for c in offer.contracts if c in seeker.contract_spans), None)
        wish = match or seeker.contracts[0]
        claims.append(
            Claim(
                "contract",
                "",
                seeker.contract_spans.get(wish),
                offer.contract_span,
                keys=(offer.contracts[0],),
                label=CONTRACT_LABELS["fr"].get(wish, wish),
                holds=match is not None,
            )
        )
    if seeker.remote is not None and offer.remote is not None and offer.remote_span is not None:
        claims.append(
            Claim(
                "remote",
                "",
                seeker.remote_span,
                offer.remote_span,
                numbers={"offered": float(offer.remote), "wished": float(seeker.remote)},
                holds=offer.remote == seeker.remote,
            )
        )
    for lang in offer.languages_required:
        if lang in ("français", "francais"):
            continue
        span = offer.language_spans.get(lang)
        claims.append(
            Claim(
                "language",
                "",
                seeker.language_spans.get(lang),
                span,
                keys=(lang,),
                label=lang,
                holds=lang in seeker.languages,
            )
        )
    return Explanation(claims=[replace(c, text=render(c)) for c in claims])


def _skill_keys(surface: str, taxonomy: SkillKeys) -> set[str]:
    keys = {m.key for m in taxonomy.extract(surface)}
    if (key := taxonomy.normalize(surface)) is not None:
        keys.add(key)
    return keys


def _check(
    claim: Claim, seeker_text: str, offer_text: str, taxonomy: SkillKeys | None, seeker_keys: set[str]
) -> str | None:
    """Why ``claim`` does not hold against the texts, or None when it does."""
    s, o, n = claim.seeker_span, claim.offer_span, claim.numbers
    if o is None or not o.holds_in(offer_text):
        return "citation de l'offre introuvable à sa position"
    if claim.kind in ("skill_match", "distance", "contract", "remote") and (
        s is None or not s.holds_in(seeker_text)
    ):
        return "citation du profil introuvable à sa position"
    if s is not None and not s.holds_in(seeker_text):
        return "citation du profil introuvable à sa position"
    if claim.kind == "skill_match":
        assert s is not None
        if taxonomy is not None:
            key = claim.keys[0] if claim.keys else ""
            if key not in _skill_keys(s.surface, taxonomy) or key not in _skill_keys(o.surface, taxonomy):
                return "la citation ne nomme pas cette compétence"
        elif fold(claim.label) not in fold(s.surface) and fold(s.surface) not in fold(o.surface):
            return "la citation ne nomme pas cette compétence"
    elif claim.kind == "missing_skill":
        if set(claim.keys) & seeker_keys:
            return "la compétence figure dans le profil"
        if fold(claim.label) in fold(seeker_text):
            return "la compétence figure dans le profil"
    elif claim.kind == "distance":
        km = haversine_km(n["seeker_lat"], n["seeker_lon"], n["offer_lat"], n["offer_lon"])
        if abs(km - n["km"]) > 0.1 or claim.holds != (km <= n["radius_km"]):
            return "distance recalculée différente"
    elif claim.kind == "experience":
        required = experience_months_of(o.surface)
        if required is None or required != n["required_months"]:
            return "expérience demandée illisible dans l'offre ou différente"
        if s is not None and _MONTHS.fullmatch(s.surface) and int(s.surface.split()[0]) != n["seeker_months"]:
            return "expérience du profil différente"
        if claim.holds != (n["seeker_months"] >= required or required == 0):
            return "verdict d'expérience incohérent"
    elif claim.kind == "contract":
        assert s is not None
        code = claim.keys[0] if claim.keys else ""
        if code not in contract_codes(o.surface):
            return "le contrat cité ne correspond pas"
        if claim.holds != (code in contract_codes(s.surface)):
            return "verdict de contrat incohérent"
    elif claim.kind == "remote":
        assert s is not None
        offered = _REMOTE_WORD.search(fold(o.surface)) and not _ONSITE_WORD.search(fold(o.surface))
        if bool(offered) != bool(n["offered"]):
            return "télétravail de l'offre mal cité"
        wished = not _ONSITE_WORD.search(fold(s.surface)) and bool(_REMOTE_WORD.search(fold(s.surface)))
        if wished != bool(n["wished"]) or claim.holds != (bool(offered) == wished):
            return "souhait de télétravail mal cité"
    elif claim.kind == "language":
        if fold(claim.label) != fold(o.surface):
            return "la langue citée ne correspond pas"
        if claim.holds and (s is None or fold(claim.label) not in fold(s.surface)):
            return "langue du profil non citée"
        if not claim.holds and fold(claim.label) in fold(seeker_text):
            return "la langue figure dans le profil"
    # The canonical French sentence: other languages are rendered from the fields checked above.
    if claim.text != render(claim, "fr"):
        return "le texte affiché ne correspond pas aux faits vérifiés"
    return None


def verify_claims(
    explanation: Explanation, cv_text: str, offer_text: str, *, taxonomy: SkillKeys | None = None
) -> Explanation:
    """Keep the claims that hold against both texts; the others move to ``dropped`` with a reason.

    Args:
        explanation: claims to check (e.g. from ``explain``).
        cv_text: the seeker's text the seeker spans index (``Seeker.text``: CV text or spelled-out query).
        offer_text: the offer's text the offer spans index (``offer_text(row)``).
        taxonomy: when given, a skill claim's quotes must also name the skill (its key) on both sides.
    """
    kept: list[Claim] = []
    dropped = list(explanation.dropped)
    seeker_keys: set[str] = set()
    if taxonomy is not None and any(c.kind == "missing_skill" for c in explanation.claims):
        seeker_keys = {m.key for m in taxonomy.extract(cv_text)}
    for claim in explanation.claims:
        reason = _check(claim, cv_text, offer_text, taxonomy, seeker_keys)
        if reason is None:
            kept.append(claim)
        else:
            dropped.append(DroppedClaim(claim, reason))
    return Explanation(claims=kept, dropped=dropped)
