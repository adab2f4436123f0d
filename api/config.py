"""``ApiConfig``: the plain values the HTTP API runs with, built from ``Settings`` at the edge.

Environment variables (in ``app.settings``): ``BASSIN_API_KEYS`` (comma-separated), ``BASSIN_API_MAX_BODY_BYTES``,
``BASSIN_API_RATE_LIMIT_PER_MINUTE``, ``BASSIN_MATCH_CACHE_TTL_HOURS``…
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.settings import Settings


@dataclass(frozen=True)
class ApiConfig:
    """The plain values the app and its services run with (built from ``Settings`` at the edge)."""

    api_keys: tuple[str, ...] = ()
    max_body_bytes: int = 2_000_000
    rate_limit_per_minute: float = 600.0
    rate_limit_burst: int = 60
    max_offer_ids: int = 100
    max_embedding_texts: int = 64
    max_text_chars: int = 20_000
    max_embedding_chars: int = 100_000
    anonymous_embedding_chars: int = 2_000
    anonymous_embedding_chars_per_minute: float = 20_000.0
    auth_failures_per_minute: float = 10.0
    auth_failure_burst: int = 10
    max_upsert_items: int = 256
    index_writes: bool = True
    writer_wait_s: float = 2.0
    match_cache_ttl: timedelta = timedelta(hours=24)
    match_cache_depth: int = 50
    offers_changed_poll_s: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        return cls(
            api_keys=tuple(k.get_secret_value() for k in settings.api_keys if k.get_secret_value()),
            max_body_bytes=settings.api_max_body_bytes,
            rate_limit_per_minute=settings.api_rate_limit_per_minute,
            rate_limit_burst=settings.api_rate_limit_burst,
            max_offer_ids=settings.api_max_offer_ids,
            max_embedding_texts=settings.api_max_embedding_texts,
            max_text_chars=settings.api_max_text_chars,
            max_embedding_chars=settings.api_max_embedding_chars,
            anonymous_embedding_chars=settings.api_anonymous_embedding_chars,
            anonymous_embedding_chars_per_minute=settings.api_anonymous_embedding_chars_per_minute,
            auth_failures_per_minute=settings.api_auth_failures_per_minute,
            auth_failure_burst=settings.api_auth_failure_burst,
            max_upsert_items=settings.api_max_upsert_items,
            index_writes=settings.api_workers == 1 or settings.vector_backend != "faiss",
            writer_wait_s=settings.api_writer_wait_s,
            match_cache_ttl=timedelta(hours=settings.match_cache_ttl_hours),
            match_cache_depth=settings.match_cache_depth,
            offers_changed_poll_s=settings.offers_changed_poll_s,
        )
