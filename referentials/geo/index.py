"""In-memory index of every place name, built once from the geo tables."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

from referentials.geo.data import AreaRow, CommuneRow, GeoTables
from referentials.geo.names import arrondissement_keys, place_key
from referentials.geo.place import BIG_CITY_POPULATION, Place, PlaceKind, radius_hint

# Former régions (before 2016) still used in job ads, as their départements.
OLD_REGIONS: dict[str, tuple[str, ...]] = {
    "Alsace": ("67", "68"),
    "Lorraine": ("54", "55", "57", "88"),
    "Champagne-Ardenne": ("08", "10", "51", "52"),
    "Aquitaine": ("24", "33", "40", "47", "64"),
    "Limousin": ("19", "23", "87"),
    "Poitou-Charentes": ("16", "17", "79", "86"),
    "Midi-Pyrénées": ("09", "12", "31", "32", "46", "65", "81", "82"),
    "Languedoc-Roussillon": ("11", "30", "34", "48", "66"),
    "Rhône-Alpes": ("01", "07", "26", "38", "42", "69", "73", "74"),
    "Auvergne": ("03", "15", "43", "63"),
    "Bourgogne": ("21", "58", "71", "89"),
    "Franche-Comté": ("25", "39", "70", "90"),
    "Nord-Pas-de-Calais": ("59", "62"),
    "Picardie": ("02", "60", "80"),
    "Haute-Normandie": ("27", "76"),
    "Basse-Normandie": ("14", "50", "61"),
}
# Other names of current régions (by INSEE region code).
REGION_ALIASES: dict[str, str] = {
    "PACA": "93",
    "Région PACA": "93",
    "Provence-Alpes-Côte-d'Azur": "93",
    "IDF": "11",
    "Région parisienne": "11",
    "Centre": "24",
    "Centre Val de Loire": "24",
    "Réunion": "04",
}

# Well-known places that are not communes, as the commune (INSEE code) that holds them.
AREA_ALIASES: dict[str, str] = {
    "La Défense": "92062",
    "Paris La Défense": "92062",
    "Sophia Antipolis": "06152",
    "Saint-Quentin-en-Yvelines": "78423",
    "SQY": "78423",
    "Marne-la-Vallée": "77083",
    "Aix": "13001",
    "Roissy": "95527",
    "Roissy-Charles-de-Gaulle": "95527",
}


def _rank(place: Place) -> tuple[int, int]:
    """Which place a shared name means: Paris the city, then départements, régions, communes."""
    population = place.population or 0
    if place.kind == "commune" and population >= BIG_CITY_POPULATION:
        return 5, population
    tier = {"departement": 4, "region": 3, "commune": 2, "arrondissement": 1, "postcode": 0}[place.kind]
    if place.kind == "commune" and place.population is None:
        tier = 0  # a former commune yields to a current one
    return tier, population


@dataclass
class GeoIndex:
    """Places by normalised key and by code."""

    by_key: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    best: dict[str, Place] = field(default_factory=dict)
    communes_by_insee: dict[str, Place] = field(default_factory=dict)
    departements: dict[str, Place] = field(default_factory=dict)
    regions: dict[str, Place] = field(default_factory=dict)
    postcode_communes: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    common_words: frozenset[str] = frozenset()

    def add(self, key: str, place: Place) -> None:
        """Register ``place`` under ``key`` (ignored when already there)."""
        places = self.by_key[key]
        if key and all(p is not place for p in places):
            places.append(place)

    def finish(self) -> None:
        """Choose the place each key means on its own."""
        for key, places in self.by_key.items():
            places.sort(key=_rank, reverse=True)
            self.best[key] = places[0]


def _area(row: AreaRow, kind: Literal["departement", "region"], departments: tuple[str, ...]) -> Place:
    return Place(
        label=row.name,
        kind=kind,
        lat=row.lat,
        lon=row.lon,
        departments=departments,
        population=row.population,
        radius_hint_km=radius_hint(kind, row.population),
    )


def _merged(name: str, parts: list[Place]) -> Place:
    """A région made of ``parts`` (départements), centroid weighted by their population."""
    total = sum(p.population or 0 for p in parts) or 1
    lat = round(sum(p.lat * (p.population or 0) for p in parts) / total, 5)
    lon = round(sum(p.lon * (p.population or 0) for p in parts) / total, 5)
    deps = tuple(sorted(d for p in parts for d in p.departments))
    return Place(
        name, "region", lat, lon, deps, population=total, radius_hint_km=radius_hint("region", total)
    )


def _index_communes(index: GeoIndex, communes: list[CommuneRow]) -> None:
    for row in communes:
        postcodes = row.postcodes.split()
        kind: PlaceKind = "arrondissement" if row.kind == "a" else "commune"
        population = row.population if row.kind != "d" else None
        place = Place(
            label=row.name,
            kind=kind,
            lat=row.lat,
            lon=row.lon,
            departments=(row.department,),
            postcode=postcodes[0] if len(postcodes) == 1 else None,
            insee=row.insee,
            population=population,
            radius_hint_km=radius_hint(kind, population),
        )
        index.communes_by_insee[row.insee] = place
        index.add(place_key(row.name), place)
        if row.kind == "a":
            city, number = row.name.split()[:2]
            for key in arrondissement_keys(place_key(city), int(re.sub(r"\D", "", number))):
                index.add(key, place)
    for row in communes:
        # Paris, Lyon and Marseille list every postcode of their arrondissements: those answer instead
        has_arrondissements = row.kind == "c" and row.insee in {"75056", "69123", "13055"}
        if row.kind != "d" and not has_arrondissements:
            for postcode in row.postcodes.split():
                index.postcode_communes[postcode].append(index.communes_by_insee[row.insee])
    for alias, insee in AREA_ALIASES.items():
        commune = index.communes_by_insee.get(insee)
        if commune is not None:  # a short name ("Aix") keeps the commune's label
            short = place_key(commune.label).startswith(place_key(alias))
            index.add(place_key(alias), commune if short else replace(commune, label=alias))


def _index_areas(index: GeoIndex, departements: list[AreaRow], regions: list[AreaRow]) -> None:
    for dep in departements:
        place = _area(dep, "departement", (dep.code,))
        index.departements[dep.code] = place
        index.add(place_key(dep.name), place)
    for reg in regions:
        place = _area(reg, "region", tuple(sorted(d.code for d in departements if d.region == reg.code)))
        index.regions[reg.code] = place
        index.add(place_key(reg.name), place)
    for alias, code in REGION_ALIASES.items():
        if code in index.regions:
            index.add(place_key(alias), index.regions[code])
    for name, deps in OLD_REGIONS.items():
        parts = [index.departements[d] for d in deps if d in index.departements]
        if parts:
            index.add(place_key(name), _merged(name, parts))


def build_index(tables: GeoTables) -> GeoIndex:
    """Index every commune, arrondissement, département and région of ``tables`` by name and code."""
    index = GeoIndex(common_words=tables.common_words)
    _index_communes(index, tables.communes)
    _index_areas(index, tables.departements, tables.regions)
    index.finish()
    return index


def postcode_place(index: GeoIndex, postcode: str) -> Place | None:
    """The place of a postcode: population-weighted centroid of the communes it serves."""
    communes = index.postcode_communes.get(postcode)
    if not communes:
        return None
    weights = [max(c.population or 0, 1) for c in communes]
    total = sum(weights)
    lat = sum(c.lat * w for c, w in zip(communes, weights, strict=True)) / total
    lon = sum(c.lon * w for c, w in zip(communes, weights, strict=True)) / total
    main = max(communes, key=lambda c: c.population or 0)
    deps = tuple(sorted({d for c in communes for d in c.departments}))
    return Place(
        label=f"{main.label} ({postcode})",
        kind="postcode",
        lat=round(lat, 5),
        lon=round(lon, 5),
        departments=deps,
        postcode=postcode,
        insee=main.insee,
        population=None,
        radius_hint_km=radius_hint("postcode", None),
    )
