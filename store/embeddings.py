"""Stored embeddings of one collection, so FAISS can be rebuilt without re-encoding."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, select

from store.db import Database
from store.models import EmbeddingRow


def embed_key(text: str) -> str:
    """The key a stored embedding is saved under: the hash of the text the model read (a vector is
    re-encoded only when that text changed). Whoever reuses a stored vector checks it with this key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingStore:
    """Vectors keyed by (collection, doc id, model id), each with the key (``embed_key``) of the text it was
    computed from."""

    def __init__(self, db: Database, collection: str) -> None:
        self.db = db
        self.collection = collection

    def load(self, doc_ids: Sequence[int], model_id: str) -> dict[int, tuple[str, np.ndarray]]:
        """doc id → (content hash, vector) for the docs that have one under this model."""
        out: dict[int, tuple[str, np.ndarray]] = {}
        with self.db.session() as s:
            for start in range(0, len(doc_ids), 900):
                q = select(EmbeddingRow).where(
                    EmbeddingRow.collection == self.collection,
                    EmbeddingRow.model_id == model_id,
                    EmbeddingRow.doc_id.in_(list(doc_ids[start : start + 900])),
                )
                for e in s.scalars(q):
                    out[e.doc_id] = (e.content_hash, np.frombuffer(e.vector, dtype=np.float32))
        return out

    def save(self, model_id: str, items: Sequence[tuple[int, str]], vectors: np.ndarray) -> None:
        """Store vectors for (doc id, content hash) pairs, replacing older ones for the same model."""
        if not items:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self.db.session() as s:
            ids = [doc_id for doc_id, _ in items]
            for start in range(0, len(ids), 900):
                s.execute(
                    delete(EmbeddingRow).where(
                        EmbeddingRow.collection == self.collection,
                        EmbeddingRow.model_id == model_id,
                        EmbeddingRow.doc_id.in_(ids[start : start + 900]),
                    )
                )
            s.add_all(
                EmbeddingRow(
                    collection=self.collection,
                    doc_id=doc_id,
                    model_id=model_id,
                    content_hash=digest,
                    dim=int(vectors.shape[1]),
                    vector=vectors[i].tobytes(),
                )
                for i, (doc_id, digest) in enumerate(items)
            )

    def delete(self, doc_ids: Sequence[int]) -> None:
        with self.db.session() as s:
            for start in range(0, len(doc_ids), 900):
                s.execute(
                    delete(EmbeddingRow).where(
                        EmbeddingRow.collection == self.collection,
                        EmbeddingRow.doc_id.in_(list(doc_ids[start : start + 900])),
                    )
                )
