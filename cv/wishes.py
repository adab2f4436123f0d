"""Contract and remote-work wishes, only where the candidate states them.

A CDD held in 2019 is history, not a wish: a contract or remote word counts on a line that says what the
candidate looks for (``recherche un CDI``, ``open to remote``); a contract word also counts on a short
header line (``Développeur Python — Freelance``).
"""

from __future__ import annotations

import re

from cv.models import ContractType, ContractWish, RemoteEvidence, RemoteWish, Section, Span
from cv.sections import section_at, split_lines
from domain.text import fold_offsets

_CONTRACTS: list[tuple[ContractType, str]] = [
    ("CDI", r"\bcdi\b|contrat a duree indeterminee|permanent (?:contract|position|role|job)"),
    ("CDD", r"\bcdd\b|contrat a duree determinee|fixed[- ]term"),
    ("interim", r"\binterim\b|travail temporaire|temporary (?:work|position|assignment|job)s?"),
    (
        "alternance",
        r"\balternance\b|\balternant\b|\bapprentissage\b|contrat de professionnalisation|"
        r"\bapprenticeship\b|work[- ]study",
    ),
    (
        "freelance",
        r"\bfree[- ]?lance\b|\bindependant\b|portage salarial|\b(?:auto|micro)[- ]?entrepreneur\b|"
        r"\bindependent contractor\b|\bself[- ]employed\b",
    ),
    ("stage", r"\bstage\b|\binternship\b"),
]
_REMOTE: list[tuple[RemoteWish, str]] = [
    (
        "full_remote",
        r"full[- ]remote|100 ?% (?:teletravail|remote|a distance)|teletravail (?:complet|total|integral)|"
        r"fully remote|remote only|entierement a distance|remote[- ]first",
    ),
    (
        "hybrid",
        r"\bhybride?\b|teletravail partiel|\d (?:jours?|j) (?:de )?teletravail|teletravail \d|"
        r"\d days? (?:remote|from home)|partial(?:ly)? remote|(?:mode|travail|work|poste|position|role) hybride?",
    ),
    ("on_site", r"\bsur site\b|\ben presentiel\b|\bpresentiel\b|\bon[- ]site\b|\bin[- ]office\b"),
    ("full_remote", r"\bremote\b|\bteletravail\b|\ba distance\b|work from home|\btelework"),
]
_WISH_RE = re.compile(
    r"\b(?:recherche|cherche|souhaite|souhait|souhaits|disponible|disponibilite|ouverte? a|en vue d|"
    r"objectif|type de contrat|contrat recherche|poste recherche|a la recherche|"
    r"looking for|seeking|seek|open to|available for|interested in)\b"
)
_HEADER_WORDS = 8


def _wish_lines(text: str, sections: list[Section], markers_only: bool) -> list[tuple[int, int, str]]:
    """(start, end, folded line) of the lines where a stated wish may be read.

    A line that says what the candidate looks for always counts; a short header line
    (``Développeur Python freelance``) counts for contracts, not for remote work.
    """
    folded = fold_offsets(text)
    lines = []
    for line in split_lines(folded):
        if not line.value.strip():
            continue
        short_header = (
            section_at(sections, line.start) == "header" and len(line.value.split()) <= _HEADER_WORDS
        )
        if _WISH_RE.search(line.value) or (short_header and not markers_only):
            lines.append((line.start, line.end, line.value))
    return lines


def extract_contract_wishes(text: str, sections: list[Section]) -> list[ContractWish]:
    """Contract types asked for, once each, in order of appearance."""
    found: dict[str, ContractWish] = {}
    for start, _, value in _wish_lines(text, sections, markers_only=False):
        for contract, pattern in _CONTRACTS:
            match = re.search(pattern, value)
            if contract == "stage" and not _WISH_RE.search(value):
                continue  # "après un stage chez X" is history
            if match and contract not in found:
                begin, end = start + match.start(), start + match.end()
                found[contract] = ContractWish(
                    contract=contract, evidence=Span(start=begin, end=end, surface=text[begin:end])
                )
    return sorted(found.values(), key=lambda w: w.evidence.start)


def extract_remote_wish(text: str, sections: list[Section]) -> RemoteEvidence | None:
    """The first remote-work wish stated (full remote, hybrid or on site)."""
    for start, _, value in _wish_lines(text, sections, markers_only=True):
        for wish, pattern in _REMOTE:
            match = re.search(pattern, value)
            if match:
                begin, end = start + match.start(), start + match.end()
                return RemoteEvidence(wish=wish, evidence=Span(start=begin, end=end, surface=text[begin:end]))
    return None
