"""Geocoding French place names: communes, arrondissements, postcodes, départements, régions."""

from __future__ import annotations

import math
import re
from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from domain.errors import UnknownPlaceError
from referentials.compiled import CompiledCache, cached_or_built, process_cache
from referentials.geo.data import COMMON_WORDS_FILE, DEFAULT_REFERENTIALS_DIR, GAZETTEER_FILE, load_geo_tables
from referentials.geo.index import GeoIndex, build_index, postcode_place
from referentials.geo.names import department_code, is_postcode, place_key
from referentials.geo.place import Place
from referentials.geo.text_search import FinderTables, PlaceFinder, finder_tables

# "69 - LYON 03" (France Travail), "Saint-Denis (93)", "Saint-Denis 93", "Lyon (69003)"
_CODE_FIRST_RE = re.compile(r"^\s*(?P<code>\d[\dab]|\d{3})\s+-\s+(?P<name>.+)$", re.IGNORECASE)
_CODE_LAST_RE = re.compile(
    r"^(?P<name>.+?)[\s,]*\(?\s*(?P<code>\d[\dab]|97\d|\d{5})\s*\)?\s*$", re.IGNORECASE
)
_PREFIXES = ("region ", "departement ", "dept ", "ville de ", "ville d ", "commune de ", "commune d ")


class Gazetteer:
    """Resolves place names and finds places in free text.

    The referential is read on first use (about 0.3 s) and kept in memory.

    Example:
        >>> gaz = Gazetteer()
        >>> gaz.resolve("st etienne").label
        'Saint-Étienne'
        >>> gaz.resolve("69003").kind
        'postcode'
    """

    def __init__(self, directory: Path | None = None, *, cache: CompiledCache | None = None) -> None:
        """Args:
        directory: folder holding ``gazetteer.json.gz``; defaults to ``data/referentials/geo``.
        cache: where the built index is kept between processes (None: built in memory each time).
        """
        self._directory = directory
        self._cache = cache

    @cached_property
    def _compiled(self) -> tuple[GeoIndex, FinderTables]:
        folder = self._directory or DEFAULT_REFERENTIALS_DIR / "geo"

        def build() -> tuple[GeoIndex, FinderTables]:
            index = build_index(load_geo_tables(self._directory))
            return index, finder_tables(index)

        files = [folder / GAZETTEER_FILE, folder / COMMON_WORDS_FILE]
        return cached_or_built("gazetteer", build, files, self._cache)

    @cached_property
    def _index(self) -> GeoIndex:
        return self._compiled[0]

    @cached_property
    def _finder(self) -> PlaceFinder:
        return PlaceFinder(self._index, self.lookup_postcode, self._compiled[1])

    @cached_property
    def _fuzzy_keys(self) -> list[str]:
        return list(self._index.best)

    def load(self) -> Gazetteer:
        """Read the referential now rather than on first use; returns ``self``."""
        _ = self._finder
        return self

    def lookup(self, name: str) -> Place | None:
        """The place ``name`` designates, by exact normalised match, or None.

        Accepts commune names (accents, hyphens and case ignored, "St" for "Saint"), arrondissements
        ("Lyon 3e", "Paris 09"), postcodes, INSEE codes, département codes and names, région names,
        and the France Travail form "69 - LYON 03". A name shared by several communes means the most
        populous, unless a département code or postcode follows it: "Saint-Denis (93)".
        """
        text = name.strip()
        if not text:
            return None
        if is_postcode(text):
            return self.lookup_postcode(text) or self._index.communes_by_insee.get(text)
        code = department_code(text)
        if code is not None:
            return self._index.departements.get(code)
        key = place_key(text)
        for prefix in _PREFIXES:
            if key.startswith(prefix) and key[len(prefix) :] in self._index.best:
                key = key[len(prefix) :]
        if key in self._index.best:
            return self._index.best[key]
        match = _CODE_FIRST_RE.match(text) or _CODE_LAST_RE.match(text)
        if match:
            return self._in_area(place_key(match["name"]), match["code"])
        return None

    def resolve(self, name: str) -> Place:
        """Like ``lookup``, but raises when nothing matches.

        Raises:
            UnknownPlaceError: with up to 3 close names as suggestions ("Lyonn" → "Lyon").
        """
        place = self.lookup(name)
        if place is None:
            raise UnknownPlaceError(name, self.suggest(name))
        return place

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Display names of the places closest in spelling to ``name``, most populous first on ties."""
        key = place_key(name)
        if len(key) < 2:
            return []
        hits = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=20, score_cutoff=70)
        scored = []
        for choice, score, _ in hits:
            place = self._index.best[choice]
            scored.append((score + 2 * math.log10((place.population or 0) + 1), place))
        labels: list[str] = []
        for _, place in sorted(scored, key=lambda item: item[0], reverse=True):
            shown = self._display(place)
            if shown not in labels:
                labels.append(shown)
        return labels[:limit]

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]:
        """Places named in free French text, as ``(start, end, place)`` character spans.

        Ordinary words that happen to be commune names ("vente", "Chef de Rang") are not places: a
        name counts when it is capitalised, or follows a place preposition ("à", "près de", "en",
        "dans le"...), or is a city of 20,000+ inhabitants; names that are common French words
        need both a capital and a preposition.

        Example:
            >>> [(s, e, p.label) for s, e, p in Gazetteer().find_in_text("cariste près de Lille")]
            [(16, 21, 'Lille')]
        """
        return self._finder.find(text)

    def lookup_postcode(self, postcode: str) -> Place | None:
        """The place of a postcode ("69003"), or None when no commune has it."""
        return postcode_place(self._index, postcode.strip())

    def department(self, code: str) -> Place | None:
        """The département of code ``code`` ("69", "2A", "971"), or None."""
        normalised = department_code(code)
        return self._index.departements.get(normalised) if normalised else None

    def department_name(self, code: str) -> str | None:
        """Name of the département ``code``: ``"69"`` → ``"Rhône"``; None when unknown."""
        place = self.department(code)
        return place.label if place else None

    def department_of_postcode(self, postcode: str) -> str | None:
        """Département code of a postcode: ``"69003"`` → ``"69"``, ``"20090"`` → ``"2A"``, ``"97400"`` → ``"974"``.

        Uses the communes served by the postcode when known, else the usual numbering rules.
        """
        code = postcode.strip()
        if not is_postcode(code):
            return None
        place = self.lookup_postcode(code)
        if place is not None:
            return place.departments[0]
        if code.startswith("20"):
            return "2A" if int(code) < 20200 else "2B"
        if code.startswith(("97", "98")):
            return code[:3]
        return code[:2]

    def _in_area(self, key: str, code: str) -> Place | None:
        """The place named ``key`` inside the département or postcode ``code``."""
        candidates = self._index.by_key.get(key, [])
        code = code.upper()
        for place in candidates:
            if code in place.departments or (len(code) == 5 and self._serves(place, code)):
                return place
        if len(code) == 5 and (area := self.lookup_postcode(code)):
            return area if not candidates else candidates[0]
        return candidates[0] if candidates else None

    def _serves(self, place: Place, postcode: str) -> bool:
        return any(c.insee == place.insee for c in self._index.postcode_communes.get(postcode, []))

    def _display(self, place: Place) -> str:
        """Label, with the département when several communes share it: "Saint-Denis (93)"."""
        if place.kind == "commune" and len(self._index.by_key.get(place_key(place.label), [])) > 1:
            return f"{place.label} ({place.departments[0]})"
        return place.label


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer over the repository's ``data/referentials/geo``."""
    return Gazetteer(cache=process_cache())
