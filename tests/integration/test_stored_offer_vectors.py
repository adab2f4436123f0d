"""A ranked search reuses the offer vectors ingestion stored: it encodes the query, never an offer's text.

Ingestion keys a stored embedding by the text the model read (``store.embeddings.embed_key``); the scorer
used to compare that key with the row's content hash, never found a stored vector, and re-encoded every
offer of the pool it had not seen yet (~0.3 s of USE per new question in the chat UI).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from app.runtime import Engine


class CountingEmbedder:
    """The engine's own embedder, counting the texts it is asked to encode."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.documents: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents.extend(texts)
        return self.inner.embed_documents(texts)  # type: ignore[attr-defined]


@pytest.mark.parametrize("question", ["développeur python", "vendeur", "commercial"])
def test_ranked_search_encodes_no_offer_text(loaded_engine: Engine, question: str) -> None:
    loaded_engine.scorer.forget_offers()  # as a fresh process: no offer read or cached before
    semantic = loaded_engine.scorer.semantic
    assert semantic is not None and not semantic._cache
    counting = CountingEmbedder(semantic.embedder)
    semantic.embedder = counting  # type: ignore[assignment]
    try:
        response = loaded_engine.offer_search.search(question, top_k=10)
    finally:
        semantic.embedder = counting.inner  # type: ignore[assignment]
    assert response.results, question
    assert counting.documents == []
    assert semantic._cache  # the pool's vectors were read from the store, and kept


def test_a_stored_vector_of_an_older_text_is_not_reused(loaded_engine: Engine) -> None:
    """The key check still guards: a row whose text changed since it was encoded gets a fresh vector."""
    semantic = loaded_engine.scorer.semantic
    assert semantic is not None
    row = loaded_engine.offers.get_many([1])[0]
    stored = loaded_engine.offers.load_embeddings([row.id], semantic.embedder.model_id)
    assert row.id in stored
    semantic._cache.clear()
    row.title = (row.title or "") + " (modifié)"
    counting = CountingEmbedder(semantic.embedder)
    semantic.embedder = counting  # type: ignore[assignment]
    try:
        semantic.offer_vectors([row])
    finally:
        semantic.embedder = counting.inner  # type: ignore[assignment]
        semantic._cache.clear()
    assert len(counting.documents) == 1 and "(modifié)" in counting.documents[0]
