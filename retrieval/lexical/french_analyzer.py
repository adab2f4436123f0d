"""French text analysis for the embedded lexical engine (tantivy).

One analyzer serves both sides: documents are indexed with it (registered on the index under
``FRENCH_TOKENIZER``) and query text is analysed with the very same object, both after
``prepare_text``, so a query term and an indexed term always go through identical normalisation.

Pipeline: ``prepare_text`` (in Python) → simple tokenizer → lowercase → drop very long tokens
→ ASCII folding → French stopwords (elided articles included) → Snowball French stemmer.

- Tokens are runs of letters and digits; an apostrophe (' or ’) splits, so elisions come apart
  ("l'entreprise" → "l", "entreprise") and the elided article is a stopword.
- The tokenizer would reduce "C++", "C#" and "F#" to the letter, so ``prepare_text`` first
  spells them as words ("cplusplus", "csharp"); indexed text must go through it too (a regex
  tokenizer would avoid this step but indexes half as fast).
- Folding happens before stemming so "ingenieur" and "Ingénieur" reach the stemmer as the same
  string and get the same stem.

Example:
    >>> analyze_french("Développeurs d'expérience pour l'entreprise, C++")
    ['developpeur', 'experient', 'entrepris', 'cplusplus']
"""

from __future__ import annotations

import re
from functools import lru_cache

from tantivy import Filter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

from domain.text import fold

FRENCH_TOKENIZER = "bassin_fr_v2"
"""Name the analyzer is registered under; it is persisted in the schema, so bump the version
whenever the analysis changes and old indexes refuse to open (rebuild) instead of mismatching."""

MAX_TOKEN_CHARS = 64

_SYMBOL_WORD = re.compile(r"\b([cfj])(\+\+|#)(?![\w+#])", re.IGNORECASE)
_SYMBOL_SPELLING = {"++": "plusplus", "#": "sharp"}

# Snowball's French list, the elided forms (l', d', j', qu', n', s', c', m', t', jusqu', ...)
# and a few function words that carry nothing in a job offer. Written with accents; folded below
# because the stopword filter runs after ASCII folding.
_STOPWORDS_ACCENTED = """
au aux avec ce ces dans de des du elle elles en et eux il ils je la le les leur leurs lui ma mais
me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous y à ça cela ceci celui celle ceux celles cet cette
c d j l m n s t jusqu lorsqu puisqu quoiqu quelqu presqu
été étée étées étés étant étante étants étantes suis es est sommes êtes sont serai seras sera
serons serez seront serais serait serions seriez seraient étais était étions étiez étaient fus fut
fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent
ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez
auront aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes
eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent
être avoir sans sous chez vers dont si ni car donc afin ainsi aussi comme très plus tout tous
toute toutes etc
"""


FRENCH_STOPWORDS: tuple[str, ...] = tuple(sorted({fold(word) for word in _STOPWORDS_ACCENTED.split()}))
"""Folded French stopwords (about 190 words), as the analyzer compares them."""


def prepare_text(text: str) -> str:
    """Spell "C++", "C#", "F#", "J#" as words so the tokenizer keeps them apart from the letter."""
    if "+" not in text and "#" not in text:
        return text
    return _SYMBOL_WORD.sub(lambda m: m.group(1) + _SYMBOL_SPELLING[m.group(2)], text)


@lru_cache(maxsize=1)
def french_analyzer() -> TextAnalyzer:
    """The shared French analyzer (built once per process); feed it ``prepare_text`` output."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.lowercase())
        .filter(Filter.remove_long(MAX_TOKEN_CHARS))
        .filter(Filter.ascii_fold())
        .filter(Filter.custom_stopword(list(FRENCH_STOPWORDS)))
        .filter(Filter.stemmer("french"))
        .build()
    )


def analyze_french(text: str) -> list[str]:
    """Index terms of ``text``, in order, duplicates kept."""
    return french_analyzer().analyze(prepare_text(text))
