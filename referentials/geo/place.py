"""What the gazetteer returns: a resolved French place with a centroid and a default search radius."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from referentials.compiled import compact_pickle

PlaceKind = Literal["commune", "arrondissement", "postcode", "departement", "region"]

# Default search radius per kind of place, in km. A commune's radius covers its commuting belt (a
# typical French "bassin d'emploi" reaches 15 km around the town, 20 km around a big city); a
# département (~6,000 km², i.e. ~45 km from centre to edge) and a région (~150 km) are better
# filtered by their ``departments`` codes: the radius is only a fallback for circle-only backends.
RADIUS_HINT_KM: dict[str, float] = {
    "arrondissement": 5.0,
    "postcode": 10.0,
    "commune": 15.0,
    "departement": 50.0,
    "region": 150.0,
}
BIG_CITY_POPULATION = 100_000
BIG_CITY_RADIUS_KM = 20.0


def radius_hint(kind: PlaceKind, population: int | None) -> float:
    """Default search radius for a place of ``kind`` (km)."""
    if kind == "commune" and population is not None and population >= BIG_CITY_POPULATION:
        return BIG_CITY_RADIUS_KM
    return RADIUS_HINT_KM[kind]


@compact_pickle
@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place.

    Attributes:
        label: canonical display name ("Lyon", "Lyon 3e Arrondissement", "Rhône", "Île-de-France").
        kind: commune, arrondissement, postcode, departement or region.
        lat: latitude of the centroid (WGS84); population-weighted for départements and régions.
        lon: longitude of the centroid.
        departments: département codes covered ("69"; several for a région).
        postcode: the postcode, for a postcode or a single-postcode commune.
        insee: INSEE code of the commune or arrondissement (of the main commune for a postcode).
        population: inhabitants (Etalab), None when unknown (former communes).
        radius_hint_km: sensible default search radius, see ``RADIUS_HINT_KM``.
    """

    label: str
    kind: PlaceKind
    lat: float
    lon: float
    departments: tuple[str, ...]
    postcode: str | None = None
    insee: str | None = None
    population: int | None = None
    radius_hint_km: float = RADIUS_HINT_KM["commune"]
