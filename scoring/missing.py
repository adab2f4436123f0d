"""« Qu'est-ce qui me manque ? »: every verified gap of a match, what the offer requires first."""

from __future__ import annotations

from scoring.explain import Claim, Explanation, ExplanationLanguage, render

MAX_GAPS = 12
_ORDER = {"missing_skill": 0, "missing_diploma": 1, "missing_licence": 2, "experience": 3, "language": 4}


def is_gap(claim: Claim) -> bool:
    """True for what the offer states and the profile lacks: skills, diplomas, licences, experience below
    the requirement, languages not spoken (distance, contract and remote are the seeker's wishes, not gaps)."""
    if claim.kind in ("missing_skill", "missing_diploma", "missing_licence"):
        return True
    return claim.kind in ("experience", "language") and claim.holds is False


def missing_lines(explanation: Explanation, language: ExplanationLanguage = "fr") -> list[str]:
    """The verified gaps' sentences, required (E) before wished (S), then by kind; at most ``MAX_GAPS``.

    Example:
        >>> missing_lines(score.explanation)  # doctest: +SKIP
        ['Compétence exigée absente de votre profil : « Docker »', 'Permis exigé « B - Véhicule léger » : ...']
    """
    gaps = [c for c in explanation.claims if is_gap(c)]
    gaps.sort(key=lambda c: (not (c.required or c.kind in ("experience", "language")), _ORDER[c.kind]))
    return [c.text if language == "fr" else render(c, language) for c in gaps[:MAX_GAPS]]
