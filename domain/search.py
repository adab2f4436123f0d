"""Typed search requests and results, shared by every retriever and the hybrid searcher."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator, model_validator


class GeoFilter(BaseModel):
    """A circle around a resolved place."""

    label: str = Field(description="Place as the user named it or as resolved, e.g. 'Lyon'.")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(default=30.0, gt=0, le=1000)


class SearchFilters(BaseModel):
    """Structured constraints. Every returned result satisfies all of them (hard constraints)."""

    skills: list[str] = Field(default_factory=list, description="Skill keys, all required.")
    rome: list[str] = Field(default_factory=list, description="ROME codes, any of.")
    geo: GeoFilter | None = None
    departments: list[str] = Field(default_factory=list, description="Département codes, any of.")
    contracts: list[str] = Field(default_factory=list, description="Contract codes, any of.")
    exclude_contracts: list[str] = Field(default_factory=list, description="Contract codes to exclude.")
    experience_min_months: int | None = Field(default=None, ge=0)
    experience_max_months: int | None = Field(default=None, ge=0)
    languages: list[str] = Field(default_factory=list, description="Language keys, all required.")
    remote: bool | None = None
    published_since: date | None = None
    salary_min_monthly: float | None = Field(
        default=None,
        ge=0,
        description="Monthly gross euros the offer's stated salary (its top) reaches; offers stating none "
        "fail it. Retrievers that do not index salaries leave it to the caller's re-check of the rows.",
    )

    @field_validator("contracts", "exclude_contracts")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return sorted({v.strip().upper() for v in value if v.strip()})

    @field_validator("skills", "rome", "departments", "languages")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))

    @model_validator(mode="after")
    def _check_experience(self) -> SearchFilters:
        lo, hi = self.experience_min_months, self.experience_max_months
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("experience_min_months > experience_max_months")
        return self

    def is_empty(self) -> bool:
        return self == SearchFilters()


class SearchQuery(BaseModel):
    """Free text plus filters. Empty text with filters is a pure filtered browse (newest first)."""

    text: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    top_k: int = Field(default=10, ge=1, le=200)


class ScoreParts(BaseModel):
    """Where a fused score came from, kept for explanations."""

    lexical_rank: int | None = None
    lexical_score: float | None = None
    vector_rank: int | None = None
    vector_score: float | None = None
    fused: float = 0.0
