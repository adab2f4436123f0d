"""Job-title cleaning and the sparse features the occupation classifier reads.

Offer titles carry noise that says nothing about the occupation ("(H/F)", "CDI", "URGENT", a city,
a salary); it is cut before featurising. Features are folded, plural-stripped words, word bigrams
and character n-grams of words (which tie "développeur" to "développeuse" and absorb typos).
"""

from __future__ import annotations

import re

from referentials.taxonomy.text import fold

# Gender marks and their many spellings: "(H/F)", "H/F", "F/H", "(h/f/d)", "H/F/X", "(M/F)".
_GENDER = re.compile(r"\(?\s*\b[hfmwdx]\s*/\s*[hfmwdx](?:\s*/\s*[hfmwdx])?\b\s*\)?", re.IGNORECASE)
_ATTACHED_SUFFIX = re.compile(r"(?<=\w)\([^()\s]{1,8}\)")  # "Assistant(e)", "cuisinier(ère)"
_SALARY = re.compile(
    r"\d[\d\s.,]*\s*(?:k€|k\s?€|€|euros?|k\b)(?:\s*(?:brut|net|/\s*an|/\s*mois|par an))*", re.I
)
_NOISE = frozenset(
    [
        "cdi",
        "cdd",
        "cdd/cdi",
        "interim",
        "interimaire",
        "alternance",
        "apprentissage",
        "stage",
        "stagiaire",
        "urgent",
        "h",
        "f",
        "hf",
        "fh",
        "temps",
        "plein",
        "partiel",
        "mi",
        "poste",
        "postes",
        "nouveau",
        "nouvelle",
        "recrutement",
        "recrute",
        "recherche",
        "offre",
        "emploi",
        "job",
        "f/h",
        "h/f",
        "m",
        "w",
        "d",
        "x",
        "ok",
    ]
)
# Small words that carry no occupation (French and English).
_STOPWORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "en",
        "et",
        "a",
        "au",
        "aux",
        "un",
        "une",
        "pour",
        "par",
        "sur",
        "dans",
        "avec",
        "ou",
        "sans",
        "chez",
        "the",
        "of",
        "and",
        "for",
        "in",
        "at",
        "to",
        "an",
        "or",
        "with",
    ]
)
_WORD = re.compile(r"[a-z0-9]+(?:\+\+|#)?")


def clean_title(text: str) -> str:
    """The occupation part of a job title: gender marks, salary and bracketed notes removed.

    Example:
        >>> clean_title("CHARGE DE PROJETS (H/F) H/F - CDI 35K€ brut")
        'charge de projets - cdi'
    """
    text = _ATTACHED_SUFFIX.sub("", text)
    text = _GENDER.sub(" ", text)
    text = _SALARY.sub(" ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)  # "[Luxe/Retail]"
    return " ".join(fold(text).split())


def title_words(text: str) -> list[str]:
    """Folded, plural-stripped content words of a job title, noise and small words dropped.

    Example:
        >>> title_words("Aides-soignants (H/F) URGENT - CDI")
        ['aide', 'soignant']
    """
    words = []
    for word in _WORD.findall(clean_title(text)):
        if word in _STOPWORDS or word in _NOISE or word.isdigit():
            continue
        words.append(word[:-1] if len(word) > 3 and word[-1] in "sx" else word)
    return words


def title_features(words: list[str], char_sizes: tuple[int, ...] = (3, 4, 5)) -> list[str]:
    """Sparse feature names of a title's words: words, adjacent pairs and in-word character n-grams."""
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f"<{word}>"
        for n in char_sizes:
            feats += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return feats
