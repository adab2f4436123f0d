"""Checks on answers before they reach the user: only ids that tools returned may be cited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# France Travail offer ids (7 upper-case letters/digits, at least one digit) and candidate ids (cv-…).
ID_PATTERN = r"(?:cv-[0-9a-f]{6,32}|(?=[A-Z0-9]*\d)[A-Z0-9]{7})"
_CITATION = re.compile(rf"\[\s*({ID_PATTERN})\s*\]|(?<![\w-])({ID_PATTERN})(?![\w-])")
UNVERIFIED = {"fr": "[id non vérifié]", "en": "[unverified id]"}


@dataclass
class CitationCheck:
    """The answer with unknown ids removed, the ids it cites, and the ids it was not allowed to cite."""

    text: str
    cited: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


def check_citations(answer: str, known_ids: set[str], *, lang: str = "fr") -> CitationCheck:
    """Keep citations of ``known_ids``; replace any other id-like citation by a visible marker.

    Example:
        >>> check_citations("Voir [2051234] et [9999999].", {"2051234"}).text
        'Voir [2051234] et [id non vérifié].'
    """
    check = CitationCheck(text=answer)
    marker = UNVERIFIED.get(lang, UNVERIFIED["fr"])

    def replace(match: re.Match[str]) -> str:
        ident = match.group(1) or match.group(2)
        if ident in known_ids:
            if ident not in check.cited:
                check.cited.append(ident)
            return match.group(0)
        if ident not in check.flagged:
            check.flagged.append(ident)
        return marker

    check.text = _CITATION.sub(replace, answer)
    return check
