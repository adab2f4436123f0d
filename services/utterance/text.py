"""Text helpers of the offline planner: offset-preserving folding, blanking, language guess."""

from __future__ import annotations

import re
from typing import Literal

from domain.text import fold_offsets

Lang = Literal["fr", "en"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_WORDS = _words(
    """the a an and or of for in near around with without me my i i'm im we our you your find show looking
    look search need want jobs job offers offer developers developer engineers engineer candidates
    candidate profiles only just what about why how compare which one first second third last more
    further farther closer please any this that these those is are it give list remote within years year
    experience salary least per month from to hi hello thanks thank some them tell details nurse driver
    who whose best"""
)
_FR_WORDS = _words(
    """le la les un une des du de d l et ou pour dans avec sans moi mon ma mes je j nous vous trouve
    trouver cherche chercher recherche montre donne offres offre emploi emplois poste postes candidats
    profils seulement uniquement plutot pourquoi compare quelle quel laquelle premiere deuxieme
    troisieme derniere plus moins loin pres autour ans annees experience salaire mois bonjour salut
    merci celle celui ci la est sont c ce cette ces en au aux a sur qui quels quelles detail details
    aussi encore autres"""
)
_WORD = re.compile(r"[a-z']+")


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span replaced by spaces (same length)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


def guess_language(text: str) -> Lang | None:
    """``"en"`` or ``"fr"`` by counting function words; None when the text gives no signal."""
    words = _WORD.findall(fold_offsets(text).replace("’", "'"))
    en = sum(1 for w in words if w in _EN_WORDS)
    fr = sum(1 for w in words if w in _FR_WORDS or w.split("'")[0] in {"l", "d", "j", "qu", "c", "n", "s"})
    if re.search(r"[éèêàùçôîâ]", text.lower()):
        fr += 1
    if en == fr:
        return None
    return "en" if en > fr else "fr"
