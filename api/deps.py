"""``ApiServices``: everything the endpoints call, built by ``api.wiring`` from the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agent.session import TurnResult
from api.matches import MatchService
from api.services import EmbeddingService, OfferDetailsService, VectorIndexService
from app.runtime import Engine
from domain.vocabulary import Role
from store.match_cache import MatchCacheRepository


class AgentTurns(Protocol):
    """The agent, kept loaded by the server (``app.conversation.WarmAgent``)."""

    async def ask(
        self, question: str, *, thread_id: str | None = None, role: Role = "candidate"
    ) -> TurnResult:
        """One turn on ``thread_id`` (a new thread when None)."""
        ...


@dataclass
class ApiServices:
    """Everything the endpoints call (``engine`` for the health report and closing)."""

    engine: Engine
    offers: OfferDetailsService
    embeddings: EmbeddingService
    vectors: VectorIndexService
    matches: MatchService
    cache: MatchCacheRepository
    agent: AgentTurns | None = None
    """``POST /ask`` exists only when the server was built with an agent (``bassin serve`` is)."""
