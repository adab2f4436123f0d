"""The vector backend contract shared by FAISS, Elasticsearch ``dense_vector`` and pgvector.

Semantics every backend shares (``tests/contract/test_vector_contract.py`` checks them on all three):
- ids are the documents' ``doc_id``; vectors are float32 of the model's dimension, L2-normalised by
  the caller, so scores are cosine similarities (best first, ties by doc id);
- ``search`` returns only documents satisfying ``domain.filters.matches(doc, filters)``: the filters
  restrict the candidates before the nearest-neighbour search, never after;
- writes (``upsert``, ``delete``, ``clear``) become visible to every reader after ``save()``;
- ``hashes()`` gives the ``content_hash`` each document was indexed with (``bassin sync``/``stats``);
- ``writing()`` is the one-writer-at-a-time section: backends whose copy may be stale (FAISS files
  shared by several processes) reload inside it and say so, so the caller re-applies its changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from domain.documents import IndexDocument
from domain.search import SearchFilters

VectorBackendName = Literal["faiss", "elasticsearch", "pgvector"]


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A vector result: doc id and inner-product similarity (cosine for normalised vectors)."""

    doc_id: int
    score: float


@runtime_checkable
class VectorBackend(Protocol):
    """Filtered nearest-neighbour search over one collection's document vectors."""

    model_id: str
    dim: int

    @property
    def backend(self) -> VectorBackendName:
        """Which implementation this is (the value of ``BASSIN_VECTOR_BACKEND``)."""
        ...

    @property
    def mode(self) -> str:
        """How the index searches (e.g. "flat", "ivf", "int8_hnsw", "hnsw")."""
        ...

    def count(self) -> int: ...

    def ids(self) -> np.ndarray:
        """Indexed doc ids, sorted (int64)."""
        ...

    def hashes(self) -> dict[int, str]: ...

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None: ...

    def delete(self, doc_ids: Sequence[int] | np.ndarray) -> None: ...

    def clear(self) -> None: ...

    def save(self) -> None: ...

    def search(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> list[VectorHit]: ...

    def get_vectors(self, doc_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Stored vectors of ``doc_ids`` in that order; KeyError when some are not indexed."""
        ...

    def writing(self) -> AbstractContextManager[bool]:
        """Exclusive write section; yields True when the index was reloaded (another writer saved)."""
        ...

    def reindex(self, items: Iterable[tuple[IndexDocument, np.ndarray]]) -> None:
        """Rebuild from ``items`` into a fresh structure and swap it in (searches answer throughout)."""
        ...

    def close(self) -> None: ...


def as_matrix(vectors: np.ndarray, rows: int, dim: int) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 matrix of ``rows`` × ``dim`` (one vector may come flat).

    Raises:
        ValueError: another shape.
    """
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if rows == 1 and matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.shape != (rows, dim):
        raise ValueError(f"expected vectors of shape ({rows}, {dim}), got {matrix.shape}")
    return matrix
