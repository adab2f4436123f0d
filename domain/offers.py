"""The normalised offer: what ingestion produces, the store keeps and the indexes derive from."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class OfferSkill(BaseModel):
    """A skill an offer asks for.

    ``required`` is France Travail's exigence E (True) / S (False). ``key`` is the normalised
    skill key from the taxonomy, when the label maps to one. ``origin`` says where it came from:
    the offer's own ``competences`` list or the description text (``extracted``).
    """

    label: str
    key: str | None = None
    code: str | None = None
    required: bool = False
    origin: str = "france_travail"


class OfferRecord(BaseModel):
    """A normalised job offer (source-agnostic; the France Travail normaliser produces it)."""

    external_id: str = Field(min_length=1, max_length=50)
    source: str = "france_travail"
    title: str = Field(min_length=1)
    description: str = ""
    company: str | None = None
    location_label: str | None = None
    postcode: str | None = None
    commune_code: str | None = None
    department: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    contract_type: str = "AUTRE"
    contract_label: str | None = None
    alternance: bool = False
    experience_code: str | None = None
    experience_label: str | None = None
    experience_months: int | None = Field(default=None, ge=0)
    rome_code: str | None = None
    rome_label: str | None = None
    appellation: str | None = None
    sector: str | None = None
    qualification: str | None = None
    salary_label: str | None = None
    salary_min_monthly: float | None = None
    salary_max_monthly: float | None = None
    remote: bool | None = None
    languages: list[str] = Field(default_factory=list)
    published_at: datetime
    source_updated_at: datetime | None = None
    skills: list[OfferSkill] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    def content_hash(self) -> str:
        """Stable hash of everything the indexes and users see; same offer, same hash."""
        payload = self.model_dump(mode="json")
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]

    @property
    def skill_keys(self) -> list[str]:
        return sorted({s.key for s in self.skills if s.key})
