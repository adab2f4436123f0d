"""Accent folding, slugs and span-preserving tokenisation shared by the referentials.

Tokens are cut from the original text so that their spans point into it; only the token
strings are folded (lowercase, no accents, ligatures spelled out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import fold

# A word, optionally dotted (node.js, ASP.NET, .NET) and suffixed by ++ or # (C++, C#, F#).
_TOKEN_RE = re.compile(r"(?:(?<![^\W_])\.)?[^\W_]+(?:\.[^\W_]+)*(?:\+\+|#)?")
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_WORD_RE = re.compile(r"[^\W_]+")


def slugify(text: str) -> str:
    """Lowercase ASCII slug: ``"Gestion de projet"`` → ``"gestion-de-projet"``."""
    return _SLUG_RE.sub("-", fold(text)).strip("-")


@dataclass(frozen=True, slots=True)
class Token:
    """A token of a text: its span in the original string, its surface and its folded form."""

    start: int
    end: int
    surface: str
    norm: str


def tokenize(text: str, keep_dotted: frozenset[str] = frozenset()) -> list[Token]:
    """Cut ``text`` into word tokens with their spans.

    Dotted tokens (``node.js``) are kept whole only when their folded form is in ``keep_dotted``;
    otherwise they are split on the dots, so that ``"Python.Nous"`` still yields ``python``.

    Example:
        >>> [t.norm for t in tokenize("Développeur C++/C# (Node.js)", frozenset({"node.js"}))]
        ['developpeur', 'c++', 'c#', 'node.js']
    """
    tokens: list[Token] = []
    for match in _TOKEN_RE.finditer(text):
        surface = match.group()
        start = match.start()
        norm = fold(surface)
        if "." in surface and norm not in keep_dotted:
            offset = start
            for part in surface.split("."):
                if part:
                    tokens.append(Token(offset, offset + len(part), part, fold(part)))
                offset += len(part) + 1
            continue
        tokens.append(Token(start, match.end(), surface, norm))
    return tokens


def phrase_words(text: str, keep_dotted: frozenset[str] = frozenset()) -> list[str]:
    """Folded tokens of a label, as ``tokenize`` would give them, without building ``Token`` objects."""
    words: list[str] = []
    for match in _TOKEN_RE.finditer(fold(text)):
        word = match.group()
        if "." in word and word not in keep_dotted:
            words.extend(part for part in word.split(".") if part)
        else:
            words.append(word)
    return words


def dotted_words(text: str) -> list[str]:
    """Folded dotted tokens of ``text``: ``"Node.js et ASP.NET"`` → ``["node.js", "asp.net"]``."""
    return [fold(m.group()) for m in _TOKEN_RE.finditer(text) if "." in m.group()]


def norm_words(text: str) -> list[str]:
    """Folded words of a short label: ``"Saint-Étienne"`` → ``["saint", "etienne"]``.

    Splits on every non-word character, dots included, like ``tokenize`` does for place names.
    """
    return _WORD_RE.findall(fold(text))
