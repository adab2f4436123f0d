"""Normalised keys of French place names, shared by the gazetteer, its text search and its build.

A key is the folded words of a name joined by single spaces, with the usual abbreviations spelled
out: ``"St-Étienne"`` → ``"saint etienne"``, ``"Lyon 3ème"`` → ``"lyon 3eme"``.
"""

from __future__ import annotations

import re

from referentials.taxonomy.text import Token, norm_words, tokenize

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_DEPARTMENT_CODE_RE = re.compile(r"^(?:0?[1-9]|[1-8][0-9]|9[0-5]|2[ab]|97[1-6])$")
_POSTCODE_RE = re.compile(r"^\d{5}$")


def expand(word: str) -> str:
    """Spell out a folded abbreviation (``st`` → ``saint``); other words are returned unchanged."""
    return _ABBREVIATIONS.get(word, word)


def place_key(name: str) -> str:
    """Normalised lookup key of a place name.

    Example:
        >>> place_key("Saint-Étienne"), place_key("st etienne"), place_key("L'Haÿ-les-Roses")
        ('saint etienne', 'saint etienne', 'l hay les roses')
    """
    words = norm_words(name)
    if _ABBREVIATIONS.keys() & set(words):
        words = [expand(w) for w in words]
    return " ".join(words)


def place_tokens(text: str) -> list[Token]:
    """Tokens of a free text with abbreviations expanded in their folded form (spans unchanged)."""
    out = []
    for tok in tokenize(text):
        word = expand(tok.norm)
        out.append(tok if word == tok.norm else Token(tok.start, tok.end, tok.surface, word))
    return out


def department_code(text: str) -> str | None:
    """The département code written in ``text`` (``"69"``, ``"2a"``, ``"1"``, ``"971"``), else None."""
    code = text.strip().lower()
    if not _DEPARTMENT_CODE_RE.match(code):
        return None
    return code.upper().zfill(2)


def is_postcode(text: str) -> bool:
    """True for five digits, the shape of a French postcode."""
    return bool(_POSTCODE_RE.match(text.strip()))


def arrondissement_keys(city: str, number: int) -> list[str]:
    """Keys under which the ``number``-th arrondissement of ``city`` is found.

    Bare numbers (``"lyon 3"``, ``"paris 09"``) are included; the text search checks what follows
    them, since ``"à Lyon 3 jours par semaine"`` names no arrondissement.

    Example:
        >>> arrondissement_keys("lyon", 3)[:4]
        ['lyon 3e', 'lyon 3eme', 'lyon 3ieme', 'lyon 3 e']
    """
    ordinals = [f"{number}e", f"{number}eme", f"{number}ieme", f"{number} e", f"{number} eme"]
    if number == 1:
        ordinals += ["1er", "1ere", "1 er", "premier"]
    numbers = [str(number), f"{number:02d}"]
    keys = [f"{city} {form}" for form in ordinals + numbers]
    keys += [f"{city} {form} {suffix}" for form in ordinals + numbers for suffix in ("arrondissement", "arr")]
    return keys
