"""Vector search result type shared by the FAISS index and its callers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A vector result: doc id and inner-product similarity (cosine for normalised vectors)."""

    doc_id: int
    score: float
