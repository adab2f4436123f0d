"""Offer search as users see it: read the text, search hybrid, hydrate results from the store."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.salary import format_salary
from domain.search import ScoreParts, SearchFilters
from retrieval.hybrid.searcher import HybridSearcher
from retrieval.query.understanding import QueryInterpreter
from services.search_flow import distance_km, interpret_and_rank
from store.models import OfferRow
from store.offers import OfferRepository, offer_contract_keys


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
    """Monthly gross range in words ("1 800 – 2 000 € brut/mois"), None when the offer states none."""
    salary_monthly: tuple[float | None, float | None] = (None, None)
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
        found = interpret_and_rank(
            interpreter=self.interpreter,
            searcher=self.searcher,
            fetch_rows=self.repo.get_many,
            text=text,
            filters=filters,
            top_k=top_k,
            interpret=interpret,
            target="offers",
        )
        results = [
            _result(i, row, parts, found.filters) for i, (row, parts) in enumerate(found.rows, start=1)
        ]
        return OfferSearchResponse(
            query=text, text=found.text, filters=found.filters, understood=found.notes, results=results
        )


def _result(rank: int, row: OfferRow, parts: ScoreParts, filters: SearchFilters) -> OfferResult:
    distance = distance_km(filters, row.latitude, row.longitude)
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
        salary=(
            format_salary(row.salary_min_monthly, row.salary_max_monthly)
            if row.salary_min_monthly or row.salary_max_monthly
            else None
        ),
        salary_monthly=(row.salary_min_monthly, row.salary_max_monthly),
        rome_code=row.rome_code,
        published_at=row.published_at,
        score=round(parts.fused, 6),
        parts=parts,
    )
