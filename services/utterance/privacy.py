"""Personal data a user types in chat (emails, phones, profile links, "je m'appelle …") is never searched for.

The offline planner blanks these spans before reading the request, so no name, email or phone number is
copied into a search query or any other tool argument (where it would reach the lexical engine, logs and
the agent's checkpoints as a search term).
"""

from __future__ import annotations

import re

_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]+"
_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}"),
    re.compile(r"(?<![\d+])(?:(?:\+|00)33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"),
    re.compile(r"(?<![\d+])\+\d{1,3}[\s.\-]?\(?\d{1,4}\)?(?:[\s.\-]?\d{2,4}){2,4}(?!\d)"),
    re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/[^\s,;)\]]+", re.IGNORECASE),
    # a name introduced by the user: "je m'appelle Marie Dupont", "my name is John Smith", "moi c'est Léa"
    re.compile(
        r"(?i:je\s+m['’]\s?appelle|mon\s+nom\s+(?:est|:)|moi\s*,?\s+c['’]est|my\s+name\s+is|nom\s*:|name\s*:)"
        rf"\s+{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
    ),
)


def personal_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` holding personal data (to blank before the request is read)."""
    return [m.span() for pattern in _PATTERNS for m in pattern.finditer(text)]
