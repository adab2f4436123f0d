"""Offer details in the offer-details API shape, from the HTTP API or from the local store.

``GET {offers_api_url}/offers?ids=A,B`` answers a JSON list (or ``{"offers": [...]}``) of objects shaped like
``OfferDetails``. Without an API URL the same shape is built from the local ``OfferRepository``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Literal, Protocol

import httpx
from pydantic import BaseModel, Field, ValidationError, field_validator

from domain.errors import OffersApiError
from store.models import OfferRow


class OfferSkillDetail(BaseModel):
    """A skill of the offer: ``exigence`` E = required, S = desired."""

    libelle: str
    exigence: Literal["E", "S"] | None = None


class OfferDetails(BaseModel):
    """One offer as the details API serves it (France Travail field names)."""

    id: str
    intitule: str
    description: str = ""
    entreprise: str | None = None
    lieu: str | None = None
    typeContrat: str | None = None
    salaire: str | None = None
    competences: list[OfferSkillDetail] = Field(default_factory=list)

    @field_validator("entreprise", "lieu", "salaire", mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        """Accept the raw France Travail objects too: ``{"nom": ...}``, ``{"libelle": ...}``."""
        if isinstance(value, dict):
            return value.get("nom") or value.get("libelle")
        return value


class _Rows(Protocol):
    def get_by_external_ids(self, external_ids: Sequence[str]) -> dict[str, OfferRow]: ...


class RepositoryOfferDetails:
    """Offer details read from the local store (used when no offers API URL is configured)."""

    def __init__(self, rows: _Rows) -> None:
        self.rows = rows

    async def get_many(self, ids: Sequence[str]) -> list[OfferDetails]:
        """Offers in the order asked; unknown ids are left out."""
        found = await asyncio.to_thread(self.rows.get_by_external_ids, list(ids))
        return [offer_details_from_row(found[i]) for i in ids if i in found]


class HttpOfferDetails:
    """Offer details from ``GET {base_url}/offers?ids=…`` (httpx, async, one request per call)."""

    def __init__(
        self, base_url: str, *, client: httpx.AsyncClient | None = None, timeout_s: float = 5.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=timeout_s)

    async def get_many(self, ids: Sequence[str]) -> list[OfferDetails]:
        """Offers in the order asked; ids the API does not return are left out.

        Raises:
            OffersApiError: network failure, HTTP error other than 404, or a body of the wrong shape.
        """
        if not ids:
            return []
        try:
            response = await self._client.get(f"{self.base_url}/offers", params={"ids": ",".join(ids)})
        except httpx.HTTPError as exc:
            raise OffersApiError(type(exc).__name__) from exc
        if response.status_code == 404:
            return []
        if response.status_code >= 400:
            raise OffersApiError(f"HTTP {response.status_code}")
        try:
            body = response.json()
            items = (
                body.get("offers", body.get("items", body.get("results"))) if isinstance(body, dict) else body
            )
            offers = [OfferDetails.model_validate(item) for item in items or []]
        except (ValueError, ValidationError, AttributeError, TypeError) as exc:
            raise OffersApiError("réponse illisible") from exc
        by_id = {o.id: o for o in offers}
        return [by_id[i] for i in ids if i in by_id]

    async def aclose(self) -> None:
        await self._client.aclose()


def offer_details_from_row(row: OfferRow) -> OfferDetails:
    """The details-API shape of a stored offer (what ``GET /offers`` serves)."""
    return OfferDetails(
        id=row.external_id,
        intitule=row.title,
        description=row.description or "",
        entreprise=row.company_name,
        lieu=row.location,
        typeContrat=row.contract_type,
        salaire=row.salary_label,
        competences=[
            OfferSkillDetail(libelle=s.label, exigence="E" if s.is_required else "S") for s in row.skills
        ],
    )
