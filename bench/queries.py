"""The benchmark query set: realistic French queries with the filters users put on them."""

from __future__ import annotations

from domain.search import GeoFilter, SearchFilters, SearchQuery
from referentials.geo import Gazetteer

# (text, place, radius km, contracts)
_RAW: list[tuple[str, str | None, float, list[str]]] = [
    ("développeur python", "Lyon", 30, ["CDI"]),
    ("cariste", "Lille", 30, ["MIS"]),
    ("aide-soignant", "Rennes", 40, []),
    ("comptable", "Paris", 20, ["CDI"]),
    ("vendeur en boulangerie", None, 0, []),
    ("chauffeur poids lourd", "Toulouse", 50, []),
    ("infirmier de nuit", None, 0, ["CDD"]),
    ("data engineer spark", "Paris", 30, []),
    ("serveur restaurant", "Marseille", 25, []),
    ("électricien bâtiment", "Nantes", 30, ["MIS", "CDD"]),
    ("assistant administratif", "Bordeaux", 30, ["CDI"]),
    ("technicien de maintenance industrielle", "Grenoble", 40, []),
    ("agent d'entretien", None, 0, ["CDI"]),
    ("commercial B2B", "Strasbourg", 30, ["CDI"]),
    ("préparateur de commandes", "Orléans", 30, ["MIS"]),
    ("développeur java spring", None, 0, ["CDI"]),
    ("auxiliaire de vie", "Montpellier", 30, []),
    ("chef de partie", "Nice", 30, []),
    ("ingénieur devops kubernetes", "Toulouse", 30, []),
    ("", "Lyon", 10, ["CDI"]),
]


def benchmark_queries(gazetteer: Gazetteer, top_k: int = 10) -> list[SearchQuery]:
    """Typed queries, places resolved once (resolution is not part of the measured search)."""
    out = []
    for text, place, radius, contracts in _RAW:
        geo = None
        if place:
            p = gazetteer.resolve(place)
            geo = GeoFilter(label=p.label, lat=p.lat, lon=p.lon, radius_km=radius)
        out.append(SearchQuery(text=text, filters=SearchFilters(geo=geo, contracts=contracts), top_k=top_k))
    return out
