"""The occupation a CV aims at, as ROME codes with a confidence, and the job-title test the parser shares.

The codes come from the ROME referential's title matcher (``referentials.taxonomy.RomeReferential``,
behind the small ``OccupationResolver`` protocol): the CV's title weighs most, its headline and its
latest positions add to it. A code is kept when some source names it; the confidence is the weighted
share of the evidence it gathers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from cv.models import ExperienceEntry, OccupationCode, TextEvidence
from domain.text import fold_offsets
from referentials.occupation.english import french_title

# An exact ROME appellation scores 1.0 and a typo-tolerant word overlap less: above this a text is a job
# title whatever its words ("Data analyst", "Agent de service hospitalier").
_JOB_SCORE = 0.9
_MIN_SCORE = 0.45
TITLE_WEIGHT = 1.0
_HEADLINE_WEIGHT = 0.7
_EXPERIENCE_WEIGHT = 0.4
_LATEST_POSITIONS = 3
# The latest positions say less the older they are (most recent first), for ``occupation_sources``.
_RECENCY_WEIGHTS = (0.8, 0.6, 0.4)
# "Cariste - préparateur de commandes": the first job named is the one the CV leads with.
_PARTS_RE = re.compile(r"\s+[-–—/|]\s+|\s*/\s*|\s+et\s+")
_LATER_PART = 0.6

# Short forms French CVs print for a job: "Chauffeur PL", "ASH", "AES".
_ABBREVIATIONS: dict[str, str] = {
    "pl": "poids lourd",
    "spl": "super poids lourd",
    "vl": "véhicule léger",
    "ash": "agent de service hospitalier",
    "as": "aide-soignant",
    "aes": "accompagnant éducatif et social",
    "amp": "aide médico-psychologique",
    "avs": "auxiliaire de vie sociale",
    "advf": "assistant de vie aux familles",
    "asv": "auxiliaire spécialisé vétérinaire",
    "ide": "infirmier",
    "atsem": "agent territorial spécialisé des écoles maternelles",
    "cesf": "conseiller en économie sociale et familiale",
    "rh": "ressources humaines",
    "adv": "administration des ventes",
}
_ABBREVIATION_RE = re.compile(r"(?<![\w-])(" + "|".join(_ABBREVIATIONS) + r")(?![\w-])", re.IGNORECASE)
_NOISE_RE = re.compile(
    r"\((?:h/f|f/h|e)\)|\b(?:h/f|f/h)\b|\bconfirm[ée]e?\b|\bsenior\b|\bjunior\b|\bdipl[ôo]m[ée]e?\b"
    r"|\bqualifi[ée]e?\b|\bpolyvalente?\b(?! de\b)",
    re.IGNORECASE,
)


class OccupationResolver(Protocol):
    """What the parser needs from the ROME referential (``RomeReferential.find_codes``)."""

    def find_codes(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]: ...


def job_query(title: str) -> str:
    """A job title as the ROME matcher reads it best: short forms spelled out, seniority and "(H/F)" off.

    Example:
        >>> job_query("Chauffeur PL (H/F) confirmé")
        'Chauffeur poids lourd'
    """

    def expand(match: re.Match[str]) -> str:
        word = match.group(1)
        # "AS" as a word in a sentence is English "as": only upper-case short forms are spelled out.
        return _ABBREVIATIONS[word.lower()] if word.isupper() or len(word) > 3 else word

    text = _ABBREVIATION_RE.sub(expand, title)
    text = _NOISE_RE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" -–—,")


def job_test(resolver: OccupationResolver | None) -> Callable[[str], bool] | None:
    """``is_job(text)``: True when ``text`` is a ROME appellation (or within a typo of one)."""
    if resolver is None:
        return None

    def is_job(text: str) -> bool:
        folded = fold_offsets(text)
        if len(folded) > 80 or not re.search(r"[a-z]{2}", folded):
            return False
        found = resolver.find_codes(job_query(text), limit=1)
        return bool(found) and found[0][2] >= _JOB_SCORE

    return is_job


def target_occupations(
    resolver: OccupationResolver | None,
    title: str | None,
    headline: TextEvidence | None,
    experiences: list[ExperienceEntry],
    limit: int = 3,
) -> list[OccupationCode]:
    """ROME codes of the job the CV aims at, best first, with a 0–1 confidence.

    Example:
        >>> [c.code for c in target_occupations(default_rome(), "Cariste", None, [])]  # doctest: +SKIP
        ['N1101', 'N1112', 'N1110']
    """
    if resolver is None:
        return []
    sources: list[tuple[str, float]] = []
    if title:
        sources.append((title, TITLE_WEIGHT))
    if headline is not None and headline.text != title:
        sources.append((headline.text, _HEADLINE_WEIGHT))
    for entry in latest_positions(experiences):
        if entry.title != title:
            sources.append((entry.title, _EXPERIENCE_WEIGHT))
    votes: dict[str, float] = {}
    labels: dict[str, str] = {}
    origin: dict[str, str] = {}
    parts = [
        (part, weight * (1.0 if i == 0 else _LATER_PART))
        for text, weight in sources
        for i, part in enumerate(p for p in _PARTS_RE.split(text) if p.strip())
    ]
    for text, weight in parts:
        for code, label, score in resolver.find_codes(job_query(text), limit=5):
            if score < _MIN_SCORE:
                continue
            votes[code] = votes.get(code, 0.0) + weight * score
            labels.setdefault(code, label)
            origin.setdefault(code, text)
    if not votes:
        return []
    total = sum(weight for _, weight in sources)
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)[:limit]
    return [
        OccupationCode(
            code=code, label=labels[code], confidence=round(min(vote / total, 1.0), 3), source=origin[code]
        )
        for code, vote in ranked
    ]


def latest_positions(
    experiences: list[ExperienceEntry], limit: int = _LATEST_POSITIONS
) -> list[ExperienceEntry]:
    """The ``limit`` most recent positions that have a title (current ones first)."""
    return sorted(
        (e for e in experiences if e.title),
        key=lambda e: (e.current, e.period.end or e.period.start),
        reverse=True,
    )[:limit]


def occupation_sources(
    title: str | None, headline: TextEvidence | None, experiences: list[ExperienceEntry]
) -> list[tuple[str, float]]:
    """The texts that say which job a CV aims at, with a weight each, for an occupation classifier.

    The title weighs most, then the headline, then the latest positions, less the older they are; a text
    that reads as English comes twice, as written and in French words
    (``referentials.occupation.english``), so that
    "Executive Chef" is also read as « chef de cuisine ».

    Example:
        >>> occupation_sources("Executive Chef", None, [])
        [('Executive Chef', 1.0), ('chef de cuisine', 1.0)]
    """
    texts: list[tuple[str, float]] = []
    if title:
        texts.append((title, TITLE_WEIGHT))
    # "SOUS CHEF" printed as the headline of "Sous Chef" is the same evidence, not more.
    if headline is not None and headline.text.casefold() != (title or "").casefold():
        texts.append((headline.text, _HEADLINE_WEIGHT))
    for entry, weight in zip(latest_positions(experiences), _RECENCY_WEIGHTS, strict=False):
        if entry.title and entry.title != title:
            texts.append((entry.title, weight))
    out: list[tuple[str, float]] = []
    for text, weight in texts:
        out.append((text, weight))
        french = french_title(text)
        if french:
            out.append((french, weight))
    return out
