"""Offer search as users see it: read the text, search hybrid, hydrate results from the store."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from matching.filters import haversine_km
from matching.hybrid.searcher import HybridSearcher
from matching.query.understanding import QueryInterpreter
from matching.search_types import ScoreParts, SearchFilters, SearchQuery
from matching.store.models import OfferRow
from matching.store.offers import OfferRepository, offer_contract_keys


class OfferResult(BaseModel):
    """A compact offer result: ids, display fields, score and its parts."""

    rank: int
    id: str = Field(description="France Travail offer id.")
    doc_id: int
    title: str
    company: str | None
    location: str | None
    postcode: str | None
    department: str | None
    lat: float | None
    lon: float | None
    distance_km: float | None
    contract: str
    contract_label: str | None
    experience: str | None
    salary: str | None
    rome_code: str | None
    published_at: datetime | None
    score: float
    parts: ScoreParts


class OfferSearchResponse(BaseModel):
    """What a search returns: the text searched, the filters applied, what was understood, results."""

    query: str
    text: str = Field(description="Full-text part after the understood phrases were removed.")
    filters: SearchFilters
    understood: list[str]
    results: list[OfferResult]


class OfferSearchService:
    """Search offers from a natural-language text plus explicit filters.

    Example:
        >>> service.search("cariste en intérim près de Lille").filters.contracts
        ['MIS']
    """

    def __init__(
        self, *, searcher: HybridSearcher, repository: OfferRepository, interpreter: QueryInterpreter
    ) -> None:
        self.searcher = searcher
        self.repo = repository
        self.interpreter = interpreter

    def search(
        self, text: str, filters: SearchFilters | None = None, *, top_k: int = 10, interpret: bool = True
    ) -> OfferSearchResponse:
        if interpret:
            understanding = self.interpreter.interpret(text, filters)
            remaining, final, notes = understanding.text, understanding.filters, understanding.notes
        else:
            remaining, final, notes = text, filters or SearchFilters(), []
        ranked = self.searcher.search(SearchQuery(text=remaining, filters=final, top_k=top_k))
        rows = {r.id: r for r in self.repo.get_many([r.doc_id for r in ranked])}
        results = [
            _result(i, rows[r.doc_id], r.parts, final)
            for i, r in enumerate((r for r in ranked if r.doc_id in rows), start=1)
        ]
        return OfferSearchResponse(
            query=text, text=remaining, filters=final, understood=notes, results=results
        )


def _result(rank: int, row: OfferRow, parts: ScoreParts, filters: SearchFilters) -> OfferResult:
    distance = None
    if filters.geo is not None and row.latitude is not None and row.longitude is not None:
        distance = round(haversine_km(filters.geo.lat, filters.geo.lon, row.latitude, row.longitude), 1)
    return OfferResult(
        rank=rank,
        id=row.external_id,
        doc_id=row.id,
        title=row.title,
        company=row.company_name,
        location=row.location,
        postcode=row.postal_code,
        department=row.department,
        lat=row.latitude,
        lon=row.longitude,
        distance_km=distance,
        contract=",".join(offer_contract_keys(row)),
        contract_label=row.contract_label,
        experience=row.experience_required,
        salary=row.salary_label,
        rome_code=row.rome_code,
        published_at=row.published_at,
        score=round(parts.fused, 6),
        parts=parts,
    )
