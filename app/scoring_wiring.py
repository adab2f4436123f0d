"""Building the scoring services from a live engine (called by the composition root and the edges).

``ScoringSettings`` adds the scoring knobs to ``Settings`` (``BASSIN_RERANKER_MODEL``,
``BASSIN_RERANK_TOP_K``, ``BASSIN_RERANK_BUDGET_MS``) until they move into ``Settings`` itself; like
``Settings``, it is read at the edges only and the services receive plain values.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from app.settings import Settings
from referentials.taxonomy import default_rome
from retrieval.embeddings.base import EmbeddingProvider
from scoring.matcher import OfferMatcher, Searcher
from scoring.scorer import MatchScorer, ScoringTaxonomy
from scoring.semantic import StoredVectors
from scoring.whatif import Browser, WhatIfAnalyzer, lexical_counter
from store.offers import OfferRepository


class ScoringSettings(Settings):
    """``Settings`` plus the scoring knobs."""

    reranker_model: str | None = Field(
        default=None, description="Cross-encoder model directory (or cached name); unset: no re-ranking."
    )
    rerank_top_k: int = Field(default=20, ge=1, le=200)
    rerank_budget_ms: float | None = Field(default=1500.0, gt=0)


class EngineParts(Protocol):
    """What the scoring services take from ``app.runtime.Engine``."""

    @property
    def taxonomy(self) -> ScoringTaxonomy: ...

    @property
    def embedder(self) -> EmbeddingProvider: ...

    @property
    def offers(self) -> OfferRepository: ...

    @property
    def lexical(self) -> Browser: ...

    @property
    def searcher(self) -> Searcher: ...


def build_scorer(
    engine: EngineParts,
    *,
    reranker_model: str | None = None,
    rerank_top_k: int = 20,
    rerank_budget_ms: float | None = 1500.0,
) -> MatchScorer:
    """The match scorer over the engine's taxonomy, embedder and stored offer vectors."""
    stored: StoredVectors = engine.offers
    return MatchScorer(
        taxonomy=engine.taxonomy,
        rome=default_rome(),
        embedder=engine.embedder,
        stored_vectors=stored,
        reranker_model=reranker_model,
        rerank_top_k=rerank_top_k,
        rerank_budget_ms=rerank_budget_ms,
    )


def build_scoring(
    engine: EngineParts, settings: ScoringSettings
) -> tuple[MatchScorer, OfferMatcher, WhatIfAnalyzer]:
    """Scorer, offer matcher and what-if analyzer, configured by ``settings``."""
    scorer = build_scorer(
        engine,
        reranker_model=settings.reranker_model,
        rerank_top_k=settings.rerank_top_k,
        rerank_budget_ms=settings.rerank_budget_ms,
    )
    matcher = OfferMatcher(searcher=engine.searcher, repository=engine.offers, scorer=scorer)
    whatif = WhatIfAnalyzer(count=lexical_counter(engine.lexical), scorer=scorer)
    return scorer, matcher, whatif
