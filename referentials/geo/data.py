"""Reading the compact geo referential (``data/referentials/geo/``) into typed rows."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

# referentials/geo/data.py → repository root → data/referentials
DEFAULT_REFERENTIALS_DIR = Path(__file__).resolve().parents[2] / "data" / "referentials"
GAZETTEER_FILE = "gazetteer.json.gz"
COMMON_WORDS_FILE = "common_words.txt"


class CommuneRow(NamedTuple):
    """A current commune, a Paris/Lyon/Marseille arrondissement or a former commune (kind "d")."""

    insee: str
    name: str
    kind: str  # "c" current commune, "a" arrondissement, "d" former (délégée / associée) commune
    department: str
    region: str
    population: int
    lat: float
    lon: float
    postcodes: str  # space-separated
    parent: str


class AreaRow(NamedTuple):
    """A département or a région, with its population-weighted centroid."""

    code: str
    name: str
    region: str | None
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True)
class GeoTables:
    """Everything the gazetteer loads from disk."""

    communes: list[CommuneRow]
    departements: list[AreaRow]
    regions: list[AreaRow]
    common_words: frozenset[str]


def load_geo_tables(directory: Path | None = None) -> GeoTables:
    """Load ``gazetteer.json.gz`` and ``common_words.txt`` from ``directory``.

    Args:
        directory: the ``geo`` folder; defaults to ``data/referentials/geo`` of the repository.
    """
    folder = directory or DEFAULT_REFERENTIALS_DIR / "geo"
    with gzip.open(folder / GAZETTEER_FILE, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    communes = [CommuneRow._make(row) for row in raw["communes"]]
    departements = [AreaRow._make(row) for row in raw["departements"]]
    regions = [AreaRow(code, name, None, lat, lon, pop) for code, name, lat, lon, pop in raw["regions"]]
    words_file = folder / COMMON_WORDS_FILE
    words = frozenset(
        line.strip()
        for line in words_file.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return GeoTables(communes, departements, regions, words)
