"""Hybrid search: lexical top-K and vector top-N under the same filters, fused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from domain.search import ScoreParts, SearchFilters, SearchQuery
from retrieval.embeddings.base import EmbeddingProvider
from retrieval.hybrid.fusion import FusionMethod, fuse
from retrieval.lexical.base import LexicalBackend, LexicalHit
from retrieval.vector.base import VectorHit


class VectorSearcher(Protocol):
    def search(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> list[VectorHit]: ...


JointRetriever = Callable[[str, np.ndarray, SearchFilters, int], tuple[list[LexicalHit], list[VectorHit]]]
"""Both retrievers in one call (Elasticsearch: one ``msearch``), when the backends share a server."""


@dataclass(frozen=True)
class FusionConfig:
    method: FusionMethod = "rrf"
    lexical_weight: float = 0.5
    rrf_k: int = 60
    depth: int = 50
    """How many candidates each retriever contributes before fusion (at least 5x top_k)."""


@dataclass(frozen=True)
class RankedDoc:
    """A fused result before hydration: doc id, fused score and the parts it came from."""

    doc_id: int
    parts: ScoreParts


class HybridSearcher:
    """Runs both retrievers with the same hard filters and fuses their rankings.

    With an empty text the search is a filtered browse: the lexical backend's newest-first order.
    """

    def __init__(
        self,
        *,
        lexical: LexicalBackend,
        vectors: VectorSearcher,
        embedder: Callable[[], EmbeddingProvider],
        fusion: FusionConfig | None = None,
        joint: JointRetriever | None = None,
    ) -> None:
        self.lexical = lexical
        self.vectors = vectors
        self.joint = joint
        self._embedder = embedder
        self.fusion = fusion or FusionConfig()
        # The lexical search runs here while the calling thread encodes the query and searches
        # FAISS: both release the GIL for most of their work, so the two retrievers overlap.
        self._lexical_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bassin-lexical")

    def search(self, query: SearchQuery, *, exclude: Sequence[int] = ()) -> list[RankedDoc]:
        depth = max(self.fusion.depth, 5 * query.top_k) + len(exclude)
        text = query.text.strip()
        if not text:
            lexical = self.lexical.search(text, query.filters, depth)
            ranked = [
                (h.doc_id, ScoreParts(lexical_rank=i, lexical_score=h.score, fused=0.0))
                for i, h in enumerate(lexical, start=1)
            ]
        else:
            if self.joint is not None:
                lexical, vector = self.joint(text, self._embedder().embed_query(text), query.filters, depth)
            else:
                pending = self._lexical_worker.submit(self.lexical.search, text, query.filters, depth)
                qvec = self._embedder().embed_query(text)
                vector = self.vectors.search(qvec, query.filters, depth)
                lexical = pending.result()
            ranked = fuse(
                lexical,
                vector,
                method=self.fusion.method,
                lexical_weight=self.fusion.lexical_weight,
                rrf_k=self.fusion.rrf_k,
            )
        skip = set(exclude)
        out = [RankedDoc(doc_id, parts) for doc_id, parts in ranked if doc_id not in skip]
        return out[: query.top_k]
