"""Elasticsearch index schema: French analysis, mappings, document sources and the filter clauses.

What an index holds and how ``SearchFilters`` become query clauses; ``elastic.py`` is the backend that
talks to the cluster (aliases, versions, bulk writes, paged search).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.documents import IndexDocument
from domain.errors import IndexCorruptedError
from domain.filters import haversine_km
from domain.search import GeoFilter, SearchFilters

SCHEMA_VERSION = 1
"""Stored in each index's ``_meta``; bump it when mappings or analysis change (indexes then refuse to open)."""

ANALYZER = "bassin_french"
TITLE_BOOST = 3
MAX_QUERY_CHARS = 1_000  # a pasted CV stays searchable without hitting the boolean clause limit

_ELIDED_ARTICLES = ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]
_FRENCH_CHAIN = [
    "bassin_french_elision",
    "lowercase",
    "bassin_french_stop",
    "asciifolding",
    "bassin_french_stemmer",
]
INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "auto_expand_replicas": "0-1",
    "analysis": {
        "filter": {
            "bassin_french_elision": {
                "type": "elision",
                "articles_case": True,
                "articles": _ELIDED_ARTICLES,
            },
            "bassin_french_stop": {"type": "stop", "stopwords": "_french_"},
            "bassin_french_stemmer": {"type": "stemmer", "language": "light_french"},
        },
        "analyzer": {
            ANALYZER: {
                "tokenizer": "standard",
                "filter": _FRENCH_CHAIN,
            }
        },
    },
}

_KEYWORD = {"type": "keyword"}
MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"bassin_schema": SCHEMA_VERSION},
    "properties": {
        "doc_id": {"type": "long"},
        "external_id": _KEYWORD,
        "content_hash": _KEYWORD,
        "title": {"type": "text", "analyzer": ANALYZER},
        "body": {"type": "text", "analyzer": ANALYZER},
        "skills": _KEYWORD,
        "contract": _KEYWORD,
        "rome": _KEYWORD,
        "department": _KEYWORD,
        "languages": _KEYWORD,
        "remote": {"type": "boolean"},
        "experience_months": {"type": "integer"},
        "published": {"type": "date", "format": "strict_date"},
        "location": {"type": "geo_point"},
        "lat": {"type": "double"},
        "lon": {"type": "double"},
    },
}


def filter_clauses(f: SearchFilters, must_not: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clauses reproducing ``matches()`` (all must hold); exclusions are appended to ``must_not``."""
    clauses: list[dict[str, Any]] = [{"term": {"skills": skill}} for skill in f.skills]
    clauses += [{"term": {"languages": language}} for language in f.languages]
    for field, values in (("rome", f.rome), ("department", f.departments), ("contract", f.contracts)):
        if values:
            clauses.append({"terms": {field: list(values)}})
    if f.exclude_contracts:
        must_not.append({"terms": {"contract": list(f.exclude_contracts)}})
    if f.experience_min_months is not None or f.experience_max_months is not None:
        bounds = {"gte": f.experience_min_months, "lte": f.experience_max_months}
        clauses.append({"range": {"experience_months": {k: v for k, v in bounds.items() if v is not None}}})
    if f.remote is True:
        clauses.append({"term": {"remote": True}})
    elif f.remote is False:
        must_not.append({"term": {"remote": True}})
    if f.published_since is not None:
        clauses.append({"range": {"published": {"gte": f.published_since.isoformat()}}})
    if f.geo is not None:
        # widened: indexed geo points are quantized; the search removes what inside_circle() rejects
        clauses.append(geo_distance(f.geo, f.geo.radius_km + geo_margin_km(f.geo.radius_km)))
    return clauses


def geo_margin_km(radius_km: float) -> float:
    return radius_km * 1e-3 + 0.05


def geo_distance(geo: GeoFilter, radius_km: float) -> dict[str, Any]:
    return {
        "geo_distance": {
            "distance": f"{radius_km:.6f}km",
            "distance_type": "arc",
            "location": {"lat": geo.lat, "lon": geo.lon},
        }
    }


def inside_circle(geo: GeoFilter, fields: Mapping[str, Any]) -> bool:
    """The exact test of ``matches()`` on a hit's lat/lon doc values (exact doubles, not the geo_point)."""
    if "lat" not in fields or "lon" not in fields:
        return False
    return haversine_km(geo.lat, geo.lon, float(fields["lat"][0]), float(fields["lon"][0])) <= geo.radius_km


def to_source(doc: IndexDocument) -> dict[str, Any]:
    source: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "external_id": doc.external_id,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "body": doc.body,
        "skills": list(doc.skills),
        "contract": list(doc.contract),
        "rome": list(doc.rome),
        "department": list(doc.department),
        "languages": list(doc.languages),
        "remote": doc.remote,
        "experience_months": doc.experience_months,
        "published": doc.published.isoformat() if doc.published else None,
        "lat": doc.lat,
        "lon": doc.lon,
    }
    if doc.lat is not None and doc.lon is not None:
        source["location"] = {"lat": doc.lat, "lon": doc.lon}
    return source


def check_mapping(index: str, mapping: Mapping[str, Any]) -> None:
    actual = mapping.get("properties", {})
    wrong = [
        field
        for field, expected in MAPPINGS["properties"].items()
        if {k: actual.get(field, {}).get(k) for k in expected} != expected
    ]
    schema = mapping.get("_meta", {}).get("bassin_schema")
    if schema != SCHEMA_VERSION or wrong:
        detail = f"champs / fields {', '.join(wrong)}" if wrong else f"schéma / schema {schema!r}"
        raise IndexCorruptedError(
            f"L'index Elasticsearch {index} n'a pas le mapping attendu par cette version de Bassin "
            f"({detail} ; attendu schéma {SCHEMA_VERSION}). Reconstruisez-le avec `bassin sync --rebuild`. "
            "/ The index mapping is incompatible: rebuild it with `bassin sync --rebuild`."
        )


def truncate_query(text: str) -> str:
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text[:MAX_QUERY_CHARS]
    return cut[: cut.rfind(" ")] if " " in cut else cut
