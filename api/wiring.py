"""Building the API's services from a live engine, and the app from settings (the API's edge).

``create_app_from_settings`` is what ``bassin serve`` runs (``factory=True`` for several workers): it
reads ``ApiSettings`` once, opens the engine through the composition root and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from api.matches import MatchService, offers_changed_reader
from api.services import EmbeddingService, OfferDetailsService, ReadWriteLock, VectorIndexService
from api.settings import ApiConfig, ApiSettings
from app.runtime import Engine, build_engine
from app.scoring_wiring import ScoringSettings, build_scoring
from store.match_cache import MatchCacheRepository


@dataclass
class ApiServices:
    """Everything the endpoints call."""

    engine: Engine
    offers: OfferDetailsService
    embeddings: EmbeddingService
    vectors: VectorIndexService
    matches: MatchService
    cache: MatchCacheRepository


def build_api_services(engine: Engine, settings: ScoringSettings, config: ApiConfig) -> ApiServices:
    """The API's services over an open engine (``settings`` for the scorer's knobs)."""
    lock = ReadWriteLock()
    embeddings = EmbeddingService(engine.embedder)
    vectors = VectorIndexService(engine, embeddings, lock, writes_enabled=config.index_writes)
    _, matcher, _ = build_scoring(engine, settings)
    cache = MatchCacheRepository(engine.db)
    matches = MatchService(
        engine=engine,
        vectors=vectors,
        embeddings=embeddings,
        matcher=matcher,
        cache=cache,
        lock=lock,
        ttl=config.match_cache_ttl,
        depth=config.match_cache_depth,
        offers_changed=offers_changed_reader(engine, config.offers_changed_poll_s),
    )
    return ApiServices(engine, OfferDetailsService(engine), embeddings, vectors, matches, cache)


def create_app_from_settings(settings: ApiSettings | None = None) -> FastAPI:
    """The served app: settings read here, engine opened here and closed when the server stops."""
    from api.app import create_app

    settings = settings or ApiSettings()
    config = ApiConfig.from_settings(settings)
    engine = build_engine(settings)
    services = build_api_services(engine, settings, config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.close()

    return create_app(services, config, lifespan=lifespan)
