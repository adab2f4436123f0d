"""References to earlier results: "la deuxième", "compare 1 et 3", "celle-ci", "l'offre 200HHPB"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.text import fold_offsets

LAST = -1
MAX_RANK = 50

_ORDINAL_WORDS: dict[str, int] = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "1re": 1, "first": 1, "1st": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "2nd": 2, "2nde": 2,
    "troisieme": 3, "third": 3, "3e": 3, "3eme": 3, "3rd": 3,
    "quatrieme": 4, "fourth": 4, "4e": 4, "4eme": 4, "4th": 4,
    "cinquieme": 5, "fifth": 5, "5e": 5, "5eme": 5, "5th": 5,
    "sixieme": 6, "sixth": 6, "6e": 6, "6th": 6,
    "septieme": 7, "seventh": 7, "7e": 7, "7th": 7,
    "huitieme": 8, "eighth": 8, "8e": 8, "8th": 8,
    "neuvieme": 9, "ninth": 9, "9e": 9, "9th": 9,
    "dixieme": 10, "tenth": 10, "10e": 10, "10th": 10,
    "derniere": LAST, "dernier": LAST, "last": LAST,
}  # fmt: skip
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "one": 1, "two": 2,
                 "three": 3, "four": 4, "five": 5}  # fmt: skip
_DET = r"(?:la|le|l'|les|the|sa|cette|ta|entre|et|and|vs\.?|versus|ou|or|compare[rz]?|,|&|de|du|with)"
_ORDINAL = re.compile(
    rf"(?:(?<=\s)|^){_DET}\s*(?P<w>{'|'.join(sorted(_ORDINAL_WORDS, key=len, reverse=True))})\b"
    r"(?!\s+(?:emploi|experience|job|oeuvre|degre|cycle|plan|\d+|few|couple|weeks?|months?|days?|jours?|semaines?"
    r"|mois|annees?|years?|heures?|hours?))"
)
_NUMBERED = re.compile(
    r"(?:(?<!dans )(?<!vers )(?<!sur )\b(?:(?:profil|profile|cv|candidat|candidate)\s+(?:du|de la|of the|of)|la|le|l'|les|the|n°|no\.?|numero|num|number|offre|offer|poste|candidat|profil"
    r"|resultat|result)"
    r"\s*|#\s*)(?:n°\s*)?(?P<n>\d{1,2})\b(?!\s*(?:km|ans?|years?|€|k\b|eur|jours?|days?|mois|%|h\b|heures?))"
)
_NUMBER_LIST = re.compile(
    r"\b(?P<a>\d{1,2})\s*(?:,|et|and|&|vs\.?|versus|ou|or|avec|with)\s*(?:la |le |l'|the |#|n°)?(?P<b>\d{1,2})\b"
    r"(?:\s*(?:,|et|and|&)\s*(?:la |le |l')?(?P<c>\d{1,2})\b)?"
    r"(?!\s*(?:km|ans?|years?|€|k\b|eur|jours?|days?|mois|%))"
)
_TOP_N = re.compile(
    r"\b(?:les|the)\s+(?P<n>\d{1,2}|deux|trois|quatre|cinq|two|three|four|five)\s+(?:premieres?|premiers|first)\b"
    r"|\b(?:top|the first)\s+(?P<m>\d{1,2}|two|three|four|five)\b"
)
_DEMONSTRATIVE = re.compile(
    r"\b(?:celle|celui|celles|ceux)[- ](?:ci|la)\b|\bcette (?:offre|annonce|entreprise|mission|candidate?)\b"
    r"|\bce (?:poste|candidat|profil|job|boulot|cv)\b|\b(?:this|that) (?:one|offer|job|position|candidate|profile|ad)\b"
)
_CANDIDATE_ID = re.compile(r"\bcv-[0-9a-f]{6,32}\b")
_OFFER_ID = re.compile(r"\b(?=[A-Z]*\d)[A-Z0-9]{7}\b")
_TOKEN = re.compile(r"\b[\w-]{4,40}\b")


@dataclass
class References:
    """What a message points at: 1-based ranks (``LAST`` for "la dernière"), explicit ids, "celle-ci"."""

    ranks: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    demonstrative: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ranks or self.ids or self.demonstrative)

    def resolve(self, last_ids: list[str], focus_ids: list[str]) -> tuple[list[str], list[int]]:
        """Ids designated, and the ranks that point past the end of ``last_ids``."""
        out: list[str] = list(self.ids)
        missing: list[int] = []
        for rank in self.ranks:
            if rank == LAST and last_ids:
                out.append(last_ids[-1])
            elif 1 <= rank <= len(last_ids):
                out.append(last_ids[rank - 1])
            else:
                missing.append(rank)
        if self.demonstrative and not out:
            out.extend(focus_ids[:1] or last_ids[:1])
        return list(dict.fromkeys(out)), missing


def find_references(text: str, known_ids: list[str]) -> References:
    """References in ``text``; ``known_ids`` lets lowercase or odd-looking ids be recognised."""
    folded = fold_offsets(text)
    refs = References()
    known = {i.lower(): i for i in known_ids}
    for m in _CANDIDATE_ID.finditer(folded):
        refs.ids.append(known.get(m.group(0), m.group(0)))
        refs.spans.append(m.span())
    for m in _OFFER_ID.finditer(text):
        refs.ids.append(m.group(0))
        refs.spans.append(m.span())
    for m in _TOKEN.finditer(folded):
        if m.group(0) in known and known[m.group(0)] not in refs.ids:
            refs.ids.append(known[m.group(0)])
            refs.spans.append(m.span())
    for m in _TOP_N.finditer(folded):
        word = m.group("n") or m.group("m")
        n = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 0)
        refs.ranks.extend(range(1, min(n, 10) + 1))
        refs.spans.append(m.span())
    for m in _ORDINAL.finditer(folded):
        if not _inside(m.span("w"), refs.spans):
            refs.ranks.append(_ORDINAL_WORDS[m.group("w")])
            refs.spans.append(m.span("w"))
    for m in _NUMBER_LIST.finditer(folded):
        if _inside(m.span(), refs.spans):
            continue
        refs.ranks.extend(int(g) for g in (m.group("a"), m.group("b"), m.group("c")) if g)
        refs.spans.append(m.span())
    for m in _NUMBERED.finditer(folded):
        if not _inside(m.span("n"), refs.spans) and 1 <= int(m.group("n")) <= MAX_RANK:
            refs.ranks.append(int(m.group("n")))
            refs.spans.append(m.span())
    if this := _DEMONSTRATIVE.search(folded):
        refs.demonstrative = True
        refs.spans.append(this.span())
    refs.ranks = list(dict.fromkeys(r for r in refs.ranks if r == LAST or 1 <= r <= MAX_RANK))
    refs.ids = list(dict.fromkeys(refs.ids))
    return refs


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)
