"""Finding place names in free French text (queries, job titles, descriptions).

The difficulty is not finding names but refusing ordinary words: France has communes called Vente,
Bras, Job, Rang or Sens. A candidate name is kept according to how it is written and what precedes
it, see ``PlaceFinder.accept``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from referentials.geo.index import GeoIndex
from referentials.geo.names import department_code, place_tokens
from referentials.geo.place import Place
from referentials.taxonomy.text import Token

# A city this populous is a place even in lowercase without a preposition ("dev python lyon").
BIG_PLACE_POPULATION = 20_000
# A lowercase name after a preposition ("cariste a villefranche") must be at least this populous.
PREPOSITION_PLACE_POPULATION = 2_000

_ARTICLES = frozenset({"le", "la", "les", "l"})
_NAME_FILLERS = _ARTICLES | {
    "d",
    "de",
    "du",
    "des",
    "en",
    "sur",
    "sous",
    "et",
    "aux",
    "au",
    "a",
    "saint",
    "sainte",
}
# Prepositions introducing a place. Strong ones also vouch for names that are common words ("à Sens");
# weak ones do not ("Secteur Bois", "sur Bus", "en Centre de formation"). "en" only introduces
# départements and régions ("en Vendée").
_STRONG_PREPOSITIONS = frozenset({"a", "au", "aux", "vers", "dans", "proche", "pres"})
_WEAK_PREPOSITIONS = frozenset({"sur", "secteur", "region"})
_AREA_PREPOSITIONS = frozenset({"en"})
# "de" introduces a place after these words: "près de Lille", "à 20 km de Nantes", "région de Tours".
_DE_HEADS = frozenset(
    [
        "pres",
        "proche",
        "proximite",
        "autour",
        "environs",
        "alentours",
        "km",
        "kms",
        "kilometres",
        "region",
        "secteur",
        "nord",
        "sud",
        "est",
        "ouest",
        "banlieue",
        "agglomeration",
        "metropole",
        "centre",
        "ville",
        "departement",
        "bassin",
        "zone",
        "peripherie",
    ]
)
_DE_WORDS = frozenset({"de", "du", "des", "d"})
_CONTRACTED = frozenset({"au", "aux", "du", "des"})  # "au Mans", "du Havre", "aux Sables-d'Olonne"
_SENTENCE_BREAK = re.compile(r"[.!?:;\n•·*]")
_JOINER = re.compile(r"^[\s'’]*$")
_MONEY = frozenset(
    [
        "eur",
        "euro",
        "euros",
        "k",
        "ke",
        "brut",
        "brute",
        "brut",
        "net",
        "nets",
        "an",
        "mois",
        "annuel",
        "annuels",
        "mensuel",
    ]
)
_SALARY_WORDS = frozenset({"salaire", "remuneration", "euros", "euro", "eur", "brut", "k"})


@dataclass(frozen=True)
class FinderTables:
    """What ``PlaceFinder`` derives from the index (built once, kept with it in the compiled cache)."""

    prefixes: frozenset[str]  # every leading word sequence of a place name
    longest: int  # words in the longest place name
    without_article: dict[str, str]  # "mans" → "le mans"


def finder_tables(index: GeoIndex) -> FinderTables:
    prefixes: set[str] = set()
    longest = 1
    for key in index.best:
        words = key.split()
        longest = max(longest, len(words))
        for n in range(1, len(words) + 1):
            prefixes.add(" ".join(words[:n]))
    # "Le Mans" is written "au Mans": the name without its article, only after au/aux/du/des.
    without_article: dict[str, str] = {}
    for key in index.best:
        head, _, rest = key.partition(" ")
        if head in {"le", "les"} and rest and rest not in index.best:
            without_article[rest] = key
    return FinderTables(frozenset(prefixes), longest, without_article)


class PlaceFinder:
    """Scans token n-grams against every place name, longest first."""

    def __init__(
        self,
        index: GeoIndex,
        postcode_lookup: Callable[[str], Place | None],
        tables: FinderTables | None = None,
    ) -> None:
        """Args:
        index: the gazetteer's index.
        postcode_lookup: resolves a five-digit postcode to its place.
        tables: ``finder_tables(index)`` when already built.
        """
        self._index = index
        self._postcode = postcode_lookup
        built = tables or finder_tables(index)
        self._prefixes = built.prefixes
        self._longest = built.longest
        self._without_article = built.without_article

    def find(self, text: str) -> list[tuple[int, int, Place]]:
        """All accepted places of ``text`` with their character spans, in reading order."""
        tokens = place_tokens(text)
        found: list[tuple[int, int, Place]] = []
        i = 0
        while i < len(tokens):
            hit = self._match_code(text, tokens, i) or self._match_name(text, tokens, i)
            if hit is None:
                i += 1
                continue
            start, end, place, used = hit
            found.append((start, end, place))
            i += used
        return found

    def _match_code(self, text: str, tokens: list[Token], i: int) -> tuple[int, int, Place, int] | None:
        tok = tokens[i]
        if tok.norm.isdigit() and len(tok.norm) == 5:
            place = self._postcode(tok.norm)
            if place is not None and not _is_money(text, tokens, i):
                return tok.start, tok.end, place, 1
            return None
        code = department_code(tok.norm) if 2 <= len(tok.norm) <= 3 else None
        if code is None or code not in self._index.departements:
            return None
        in_brackets = text[tok.start - 1 : tok.start] == "(" and text[tok.end : tok.end + 1] == ")"
        before = _words_before(text, tokens, i, 2)
        introduced = before[-1:] in (["departement"], ["dept"], ["dpt"]) or before == ["dans", "le"]
        if in_brackets or introduced:
            return tok.start, tok.end, self._index.departements[code], 1
        return None

    def _match_name(self, text: str, tokens: list[Token], i: int) -> tuple[int, int, Place, int] | None:
        candidates: list[tuple[int, str]] = []
        key = ""
        for n in range(1, self._longest + 1):
            if i + n > len(tokens):
                break
            key = f"{key} {tokens[i + n - 1].norm}" if key else tokens[i].norm
            if key not in self._prefixes:
                break
            if key in self._index.best:
                candidates.append((n, key))
        for n, key in reversed(candidates):
            if self.accept(text, tokens, i, n, key):
                return self._located(text, tokens, i, n, self._index.by_key[key])
        rest = self._without_article.get(tokens[i].norm)
        if rest and _words_before(text, tokens, i, 1) and _words_before(text, tokens, i, 1)[0] in _CONTRACTED:
            place = self._index.best[rest]
            if (place.population or 0) >= PREPOSITION_PLACE_POPULATION and _capitalised(tokens[i]):
                return tokens[i].start, tokens[i].end, place, 1
        return None

    def accept(self, text: str, tokens: list[Token], i: int, n: int, key: str) -> bool:
        """Whether tokens ``i:i+n`` (normalised to ``key``) name a place here.

        Rules: a name that is also a common word ("Sens", "Rang", "Nord") needs a capital *and* a
        place preposition ("à Sens", "dans le Nord"); a city of 20,000+ inhabitants, a département or
        a région is accepted as written ("dev python lyon"); any other commune needs a capital outside
        a sentence start, or a preposition ("à Bron", "près de Tassin").
        """
        place = self._index.best[key]
        start, end = tokens[i].start, tokens[i + n - 1].end
        if text[start - 1 : start] in {"@", "/", "."} or text[end : end + 1] in {"@", "/"}:
            return False  # part of an e-mail address or a URL
        last = tokens[i + n - 1]
        if place.kind == "arrondissement" and last.norm.isdigit() and not _ends_here(text, tokens, i + n):
            return False  # "à Lyon 3 jours par semaine"
        content = next((t for t in tokens[i : i + n] if t.norm not in _NAME_FILLERS), tokens[i])
        capital = _capitalised(content)
        preposition = self._preposition(text, tokens, i, place)
        if self._code_follows(text, tokens, i + n, self._index.by_key[key]):
            return True  # "SAINT-CLÉMENT (30260)", "MAUVES (07)"
        if key in self._index.common_words or len(key) < 3:
            return capital and preposition == "strong"
        if place.kind in ("departement", "region") or (place.population or 0) >= BIG_PLACE_POPULATION:
            return True
        if capital and preposition:
            return True
        if capital and not _sentence_start(text, tokens, i):
            # "Musée Raymond Poincaré": a capitalised word right after makes it part of a longer name
            return not (
                i + n < len(tokens)
                and _capitalised(tokens[i + n])
                and _JOINER.match(text[end : tokens[i + n].start])
            )
        return bool(preposition) and (place.population or 0) >= PREPOSITION_PLACE_POPULATION

    def _preposition(self, text: str, tokens: list[Token], i: int, place: Place) -> str | None:
        """ "strong", "weak" or None: the preposition, if any, right before token ``i``."""
        before = _words_before(text, tokens, i, 3)
        if before and before[-1] in _ARTICLES:
            before = before[:-1]
        if not before:
            return None
        last = before[-1]
        if last in _STRONG_PREPOSITIONS or (
            last in _DE_WORDS and len(before) >= 2 and before[-2] in _DE_HEADS
        ):
            return "strong"
        if last in _WEAK_PREPOSITIONS or (
            last in _AREA_PREPOSITIONS and place.kind in ("departement", "region")
        ):
            return "weak"
        return None

    def _code_follows(self, text: str, tokens: list[Token], j: int, places: list[Place]) -> bool:
        """True when a postcode or département code of one of ``places`` follows in brackets."""
        if j >= len(tokens) or text[tokens[j - 1].end : tokens[j].start].strip() not in {"(", "-", "- ("}:
            return False
        code = tokens[j].norm
        if len(code) == 5 and code.isdigit():
            served = {c.insee for c in self._index.postcode_communes.get(code, [])}
            return any(p.insee in served for p in places)
        dep = department_code(code) if 2 <= len(code) <= 3 else None
        return dep is not None and any(dep in p.departments for p in places)

    def _located(
        self, text: str, tokens: list[Token], i: int, n: int, places: list[Place]
    ) -> tuple[int, int, Place, int]:
        """The candidate in the département written after the name ("Saint-Denis (93)"), else the first."""
        start, end = tokens[i].start, tokens[i + n - 1].end
        j = i + n
        if j < len(tokens) and len(places) > 1:
            code = department_code(tokens[j].norm) if 2 <= len(tokens[j].norm) <= 3 else None
            gap = text[end : tokens[j].start]
            if code and gap.strip() in {"(", "-", ",", ""}:
                for place in places:
                    if code in place.departments:
                        close = text[tokens[j].end : tokens[j].end + 1] == ")"
                        return start, tokens[j].end + (1 if close else 0), place, n + 1
        return start, end, places[0], n


def _capitalised(token: Token) -> bool:
    """Written with a capital initial, but not in capitals throughout (shouted titles, acronyms)."""
    return token.surface[:1].isupper() and not token.surface.isupper()


def _words_before(text: str, tokens: list[Token], i: int, count: int) -> list[str]:
    """Up to ``count`` folded words right before token ``i``, stopping at punctuation."""
    words: list[str] = []
    j = i
    while j > 0 and len(words) < count:
        if not _JOINER.match(text[tokens[j - 1].end : tokens[j].start]):
            break
        words.insert(0, tokens[j - 1].norm)
        j -= 1
    return words


def _sentence_start(text: str, tokens: list[Token], i: int) -> bool:
    """True at the start of the text, of a line, of a sentence or of a list item."""
    if i == 0:
        return True
    return bool(_SENTENCE_BREAK.search(text[tokens[i - 1].end : tokens[i].start]))


def _ends_here(text: str, tokens: list[Token], j: int) -> bool:
    """True when nothing that reads as a continuation follows (end, punctuation, capital)."""
    if j >= len(tokens):
        return True
    nxt = tokens[j]
    if text[tokens[j - 1].end : nxt.start].strip():
        return True
    return not (nxt.surface[:1].islower() or nxt.norm.isdigit())


def _is_money(text: str, tokens: list[Token], i: int) -> bool:
    """True when the number at ``i`` is a salary rather than a postcode ("35000 € brut")."""
    if "€" in text[tokens[i].end : tokens[i].end + 4]:
        return True
    after = {t.norm for t in tokens[i + 1 : i + 4]}
    before = {t.norm for t in tokens[max(0, i - 3) : i]}
    return bool(after & _MONEY) or bool(before & _SALARY_WORDS)
