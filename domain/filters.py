"""Reference semantics of ``SearchFilters`` on an ``IndexDocument``.

Every retriever (FAISS attribute table, tantivy, Elasticsearch) must return only documents for
which ``matches`` is True; the contract tests compare each backend against this function. The salary
floor is the exception: no index stores salaries, so the offer search asks its retrievers without it
(over-fetching) and applies it when it re-checks the stored rows (``services.offer_search``).
"""

from __future__ import annotations

import math

from domain.documents import IndexDocument
from domain.search import SearchFilters

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; a cheap pre-filter before haversine.

    The longitude half-width is the exact ``asin(sin(r) / cos(lat))`` (r in radians): the simpler
    ``r / cos(lat)`` is too narrow far from the equator and would drop points inside the circle.
    """
    ang = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(ang)
    coslat = math.cos(math.radians(lat))
    ratio = math.sin(ang) / coslat if coslat > 1e-12 else 2.0
    dlon = 180.0 if ratio >= 1.0 or lat + dlat >= 90 or lat - dlat <= -90 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def matches(doc: IndexDocument, f: SearchFilters) -> bool:
    """True when the document satisfies every filter (documents lacking a filtered field fail it)."""
    if f.skills and not set(f.skills) <= set(doc.skills):
        return False
    if f.rome and not set(f.rome) & set(doc.rome):
        return False
    if f.departments and not set(f.departments) & set(doc.department):
        return False
    if f.contracts and not set(f.contracts) & set(doc.contract):
        return False
    if f.exclude_contracts and set(f.exclude_contracts) & set(doc.contract):
        return False
    if f.languages and not set(f.languages) <= set(doc.languages):
        return False
    if f.experience_min_months is not None and (
        doc.experience_months is None or doc.experience_months < f.experience_min_months
    ):
        return False
    if f.experience_max_months is not None and (
        doc.experience_months is None or doc.experience_months > f.experience_max_months
    ):
        return False
    if f.remote is True and doc.remote is not True:
        return False
    if f.remote is False and doc.remote is True:
        return False
    if f.published_since is not None and (doc.published is None or doc.published < f.published_since):
        return False
    if f.salary_min_monthly is not None and (
        doc.salary_monthly is None or doc.salary_monthly < f.salary_min_monthly
    ):
        return False
    if f.geo is not None:
        if doc.lat is None or doc.lon is None:
            return False
        if haversine_km(f.geo.lat, f.geo.lon, doc.lat, doc.lon) > f.geo.radius_km:
            return False
    return True
