"""Building the API's services from a live engine, and the app from settings (the API's edge).

``create_app_from_settings`` is what ``bassin serve`` runs (``factory=True`` for several workers): it
reads ``Settings`` once, opens the engine through the composition root and closes it on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager

from fastapi import FastAPI

from api.config import ApiConfig
from api.deps import ApiServices
from api.matches import MatchService, offers_changed_reader
from api.services import EmbeddingService, OfferDetailsService, ReadWriteLock, VectorIndexService
from app.runtime import Engine, build_engine
from app.settings import Settings
from store.locks import exclusive_writer
from store.match_cache import MatchCacheRepository


def build_api_services(engine: Engine, config: ApiConfig) -> ApiServices:
    """The API's services over an open engine (the scorer configured by the engine's settings)."""
    lock = ReadWriteLock()
    embeddings = EmbeddingService(engine.embedder)
    data_dir = engine.settings.data_dir

    def writer(what: str) -> AbstractContextManager[None]:
        return exclusive_writer(engine.db, data_dir, what, short=True, wait_s=config.writer_wait_s)

    vectors = VectorIndexService(engine, embeddings, lock, writes_enabled=config.index_writes, writer=writer)
    cache = MatchCacheRepository(engine.db)
    matches = MatchService(
        candidates=engine.candidates,
        stored=engine.stored_candidates,
        vectors=vectors,
        embeddings=embeddings,
        offers=engine.offer_search,
        requests=engine.requests,
        cache=cache,
        lock=lock,
        ttl=config.match_cache_ttl,
        depth=config.match_cache_depth,
        offers_changed=offers_changed_reader(engine.db, config.offers_changed_poll_s),
    )
    return ApiServices(engine, OfferDetailsService(engine.offers), embeddings, vectors, matches, cache)


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    """The served app: settings read here, engine opened here and closed when the server stops."""
    from api.app import create_app

    settings = settings or Settings()
    config = ApiConfig.from_settings(settings)
    engine = build_engine(settings)
    services = build_api_services(engine, config)
    from app.conversation import WarmAgent

    agent = services.agent = WarmAgent(engine, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warming = asyncio.create_task(agent.warm())  # in the background: /health answers at once
        try:
            yield
        finally:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await warming
            await agent.aclose()
            engine.close()

    return create_app(services, config, lifespan=lifespan)
