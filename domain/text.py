"""Text folding, one place for the whole code base.

Two forms, for two needs:
- ``fold``: the search form (lowercase ASCII, ligatures spelled out: "Œuvre" → "oeuvre"), for comparing words.
- ``fold_offsets``: lowercase without accents, character by character, so that the result has the SAME
  length as the input and a match's offsets point into the original text (evidence spans, CV parsing).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def _search_table() -> dict[int, str]:
    """Latin letters with diacritics → base letters, ligatures spelled out, curly apostrophes straightened."""
    table = {
        ord(k): v
        for k, v in {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"}.items()
    }
    for code in range(0xC0, 0x250):
        if code in table:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base.isascii() and base and base != chr(code):
            table[code] = base
    return table


_FOLD = _search_table()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lowercase ASCII-folded form: ``"Île-de-France"`` → ``"ile-de-france"``, ``"œuvre"`` → ``"oeuvre"``."""
    if text.isascii():
        return text.lower()
    folded = text.translate(_FOLD).lower()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _offsets_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x3000), *range(0xFF00, 0xFFF0)]:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        low = base.lower() if len(base) == 1 else char.lower()
        if len(low) == 1 and low != char:
            table[code] = low
    table[ord("’")] = "'"
    return table


_OFFSETS = _offsets_table()


def fold_offsets(text: str) -> str:
    """Lowercase and strip accents character by character: same length, so offsets stay valid.

    Example:
        >>> fold_offsets("Août – Présent")
        'aout – present'
    """
    return text.translate(_OFFSETS)
