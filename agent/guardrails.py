"""Checks on answers before they reach the user: only ids that tools returned may be cited.

One exception, which is no fabrication: an id the user typed in their message and a tool answered was not
found ("détails de l'offre ZZZ9999" → "Offre(s) introuvable(s) : ZZZ9999") is shown as written, as an
echo, never as a result (``CitationCheck.echoed``, not ``cited``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

# France Travail offer ids (7 upper-case letters/digits, at least one digit) and candidate ids (cv-…).
ID_PATTERN = r"(?:cv-[0-9a-f]{6,32}|(?=[A-Z0-9]*\d)[A-Z0-9]{7})"
_CITATION = re.compile(rf"\[\s*({ID_PATTERN})\s*\]|(?<![\w-])({ID_PATTERN})(?![\w-])")
UNVERIFIED = {"fr": "[id non vérifié]", "en": "[unverified id]"}


@dataclass
class CitationCheck:
    """The answer with unknown ids removed, the ids it cites, the ids it was not allowed to cite, and the
    ids it echoes (typed by the user, reported not found by a tool)."""

    text: str
    cited: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    echoed: list[str] = field(default_factory=list)


def check_citations(
    answer: str, known_ids: set[str], *, lang: str = "fr", echoed_ids: Collection[str] = ()
) -> CitationCheck:
    """Keep citations of ``known_ids`` and echoes of ``echoed_ids``; replace any other id-like citation
    by a visible marker.

    Args:
        answer: the model's answer.
        known_ids: ids tools returned in the thread (results: the answer may cite them).
        lang: language of the marker.
        echoed_ids: ids the user typed this turn that a tool reported not found (``user_echoes``): shown
            as written, counted neither as cited nor as flagged.

    Example:
        >>> check_citations("Voir [2051234] et [9999999].", {"2051234"}).text
        'Voir [2051234] et [id non vérifié].'
        >>> check_citations("Introuvable : ZZZ9999", set(), echoed_ids={"ZZZ9999"}).text
        'Introuvable : ZZZ9999'
    """
    check = CitationCheck(text=answer)
    marker = UNVERIFIED.get(lang, UNVERIFIED["fr"])
    echoes = {i.casefold() for i in echoed_ids}

    def replace(match: re.Match[str]) -> str:
        ident = match.group(1) or match.group(2)
        if ident in known_ids:
            if ident not in check.cited:
                check.cited.append(ident)
            return match.group(0)
        if ident.casefold() in echoes:
            if ident not in check.echoed:
                check.echoed.append(ident)
            return match.group(0)
        if ident not in check.flagged:
            check.flagged.append(ident)
        return marker

    check.text = _CITATION.sub(replace, answer)
    return check


def user_echoes(user_text: str, not_found: Iterable[str]) -> set[str]:
    """The ids of ``not_found`` (reported by a tool this turn) that the user typed in ``user_text``.

    Case does not matter ("zzz9999" typed, "ZZZ9999" reported); a tool's not-found list alone, or an id
    alone in the user's text, is not enough.

    Example:
        >>> user_echoes("détails de l'offre ZZZ9999", ["ZZZ9999", "1234567"])
        {'ZZZ9999'}
    """
    return {
        ident
        for ident in not_found
        if ident and re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", user_text, re.IGNORECASE)
    }


_LEAK_SPAN = 30
_LEAK_MARKERS = ("<conversation_state>", "</reference>", "<reference>", "Tu es Bassin", "You are Bassin")
REFUSAL = {
    "fr": "Je ne peux pas montrer mes instructions. Dites-moi plutôt quel emploi ou quel profil vous cherchez.",
    "en": "I cannot show my instructions. Tell me instead which job or profile you are looking for.",
}


def leaks_instructions(answer: str, instructions: str) -> bool:
    """Whether ``answer`` repeats the model's instructions (a prompt-injection success): a marker of the
    prompt, or 30 characters in a row of one of its lines.

    Example:
        >>> leaks_instructions("Voici : Tu es Bassin, un assistant…", "Tu es Bassin, un assistant de recherche.")
        True
        >>> leaks_instructions("Voici [2051234].", "Tu es Bassin, un assistant de recherche.")
        False
    """
    folded = " ".join(answer.casefold().split())
    if any(marker.casefold() in folded for marker in _LEAK_MARKERS):
        return True
    for line in instructions.splitlines():
        words = " ".join(line.casefold().split()).lstrip("- ")
        if len(words) >= _LEAK_SPAN and any(
            words[i : i + _LEAK_SPAN] in folded for i in range(0, len(words) - _LEAK_SPAN + 1, 10)
        ):
            return True
    return False
