"""``ApiSettings``: ``ScoringSettings`` plus the HTTP API's knobs (keys, limits, rate limits, match cache).

Read at the edge only (``bassin serve``, ``api.wiring``); the app and its services receive the
plain ``ApiConfig`` built from it. Environment variables: ``BASSIN_API_KEYS`` (comma-separated),
``BASSIN_API_MAX_BODY_BYTES``, ``BASSIN_API_RATE_LIMIT_PER_MINUTE``, ``BASSIN_MATCH_CACHE_TTL_HOURS``…
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from app.scoring_wiring import ScoringSettings


class ApiSettings(ScoringSettings):
    """``ScoringSettings`` plus the HTTP API's settings."""

    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Keys accepted in X-API-Key by the write endpoints (comma-separated); none: writes refused.",
    )
    api_max_body_bytes: int = Field(default=2_000_000, ge=1_024, description="Largest request body accepted.")
    api_rate_limit_per_minute: float = Field(
        default=600.0, ge=0, description="Requests per minute per API key (or client address); 0: no limit."
    )
    api_rate_limit_burst: int = Field(
        default=60, ge=1, description="Requests allowed at once above the rate."
    )
    api_max_offer_ids: int = Field(default=100, ge=1, le=1_000, description="Ids per GET /offers.")
    api_max_embedding_texts: int = Field(
        default=64, ge=1, le=1_024, description="Texts per POST /embeddings."
    )
    api_max_text_chars: int = Field(default=20_000, ge=100, description="Characters per text to embed.")
    api_max_upsert_items: int = Field(default=256, ge=1, le=10_000, description="Items per /faiss write.")
    api_workers: int = Field(default=1, ge=1, description="Server processes (FAISS writes need exactly 1).")
    match_cache_ttl_hours: float = Field(
        default=24.0, gt=0, description="Cached matches older are recomputed."
    )
    match_cache_depth: int = Field(default=50, ge=1, le=100, description="Results cached per profile.")
    offers_changed_poll_s: float = Field(
        default=5.0,
        ge=0,
        description="How long the 'offers changed at' time is reused before asking SQL again.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value


@dataclass(frozen=True)
class ApiConfig:
    """The plain values the app and its services run with (built from ``ApiSettings`` at the edge)."""

    api_keys: tuple[str, ...] = ()
    max_body_bytes: int = 2_000_000
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 60
    max_offer_ids: int = 100
    max_embedding_texts: int = 64
    max_text_chars: int = 20_000
    max_upsert_items: int = 256
    index_writes: bool = True
    match_cache_ttl: timedelta = timedelta(hours=24)
    match_cache_depth: int = 50
    offers_changed_poll_s: float = 5.0

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> ApiConfig:
        return cls(
            api_keys=tuple(k.get_secret_value() for k in settings.api_keys if k.get_secret_value()),
            max_body_bytes=settings.api_max_body_bytes,
            rate_limit_per_minute=settings.api_rate_limit_per_minute,
            rate_limit_burst=settings.api_rate_limit_burst,
            max_offer_ids=settings.api_max_offer_ids,
            max_embedding_texts=settings.api_max_embedding_texts,
            max_text_chars=settings.api_max_text_chars,
            max_upsert_items=settings.api_max_upsert_items,
            index_writes=settings.api_workers == 1,
            match_cache_ttl=timedelta(hours=settings.match_cache_ttl_hours),
            match_cache_depth=settings.match_cache_depth,
            offers_changed_poll_s=settings.offers_changed_poll_s,
        )
