"""Semantic similarity: cosine of the seeker's and the offer's embeddings.

Offer vectors are taken from the store (the ones ingestion computed, ``OfferRepository.load_embeddings``)
when they were computed from the offer's current text (``store.embeddings.embed_key``), so scoring a result
list encodes one text: the seeker's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from retrieval.embeddings.base import EmbeddingProvider
from scoring.seeker import Seeker
from store.embeddings import embed_key
from store.models import OfferRow
from store.offers import offer_embed_text


class StoredVectors(Protocol):
    """Where ingestion left the offer vectors (``OfferRepository``)."""

    def load_embeddings(self, doc_ids: Sequence[int], model_id: str) -> dict[int, tuple[str, np.ndarray]]: ...


class SemanticSimilarity:
    """Cosine similarities between a seeker and offers, with an LRU cache of offer vectors.

    Args:
        embedder: the same model as the offer index (its vectors are L2-normalised).
        stored: the offer repository, to reuse stored vectors; None to always encode.
        cache_size: offer vectors kept in memory.
    """

    def __init__(
        self, embedder: EmbeddingProvider, stored: StoredVectors | None = None, *, cache_size: int = 20_000
    ) -> None:
        self.embedder = embedder
        self.stored = stored
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[int, str], np.ndarray] = OrderedDict()

    def seeker_vector(self, seeker: Seeker) -> np.ndarray:
        """The seeker's vector, computed once per seeker and model."""
        model = self.embedder.model_id
        if model not in seeker._vectors:
            seeker._vectors[model] = self.embedder.embed_query(seeker.embed_text or seeker.text[:1000])
        return seeker._vectors[model]

    def offer_vectors(self, rows: Sequence[OfferRow]) -> dict[int, np.ndarray]:
        """Vectors of these offers: cached, else stored (from the same text), else encoded now."""
        out: dict[int, np.ndarray] = {}
        missing: list[OfferRow] = []
        for row in rows:
            key = (row.id, row.content_hash)
            if key in self._cache:
                self._cache.move_to_end(key)
                out[row.id] = self._cache[key]
            else:
                missing.append(row)
        if missing and self.stored is not None:
            found = self.stored.load_embeddings([r.id for r in missing], self.embedder.model_id)
            still: list[OfferRow] = []
            for row in missing:
                hit = found.get(row.id)
                if (
                    hit is not None
                    and hit[1].shape[0] == self.embedder.dim
                    and hit[0] == embed_key(offer_embed_text(row))
                ):
                    self._remember(row, hit[1])
                    out[row.id] = hit[1]
                else:
                    still.append(row)
            missing = still
        if missing:
            vectors = self.embedder.embed_documents([offer_embed_text(r) for r in missing])
            for row, vec in zip(missing, vectors, strict=True):
                self._remember(row, vec)
                out[row.id] = vec
        return out

    def similarities(self, seeker: Seeker, rows: Sequence[OfferRow]) -> dict[int, float]:
        """doc id → cosine similarity (in [-1, 1]) of the seeker and each offer."""
        if not rows:
            return {}
        query = self.seeker_vector(seeker)
        vectors = self.offer_vectors(rows)
        return {doc_id: float(np.dot(query, vec)) for doc_id, vec in vectors.items()}

    def forget(self) -> None:
        """Drop the cached offer vectors."""
        self._cache.clear()

    def _remember(self, row: OfferRow, vec: np.ndarray) -> None:
        self._cache[(row.id, row.content_hash)] = np.asarray(vec, dtype=np.float32)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
