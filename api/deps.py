"""``ApiServices``: everything the endpoints call, built by ``api.wiring`` from the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from api.matches import MatchService
from api.services import EmbeddingService, OfferDetailsService, VectorIndexService
from app.runtime import Engine
from store.match_cache import MatchCacheRepository


@dataclass
class ApiServices:
    """Everything the endpoints call (``engine`` for the health report and closing)."""

    engine: Engine
    offers: OfferDetailsService
    embeddings: EmbeddingService
    vectors: VectorIndexService
    matches: MatchService
    cache: MatchCacheRepository
