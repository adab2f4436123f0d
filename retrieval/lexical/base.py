"""The lexical backend protocol: the embedded tantivy engine and Elasticsearch both implement it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.documents import IndexDocument
from domain.search import SearchFilters


@dataclass(frozen=True, slots=True)
class LexicalHit:
    """A lexical result: doc id and backend score (BM25-like; 0.0 for pure filtered browsing)."""

    doc_id: int
    score: float


@runtime_checkable
class LexicalBackend(Protocol):
    """Full-text search with structured filters over one collection ("offers" or "candidates").

    Semantics every backend shares:
    - ``search`` returns only documents satisfying ``domain.filters.matches(doc, filters)``;
    - with non-empty ``text``: best BM25 first, French analysis (stopwords, stemming, accent
      folding), the title weighted above the body; documents must match the text (OR of terms,
      ranked), so an unrelated document never appears;
    - with empty ``text``: every document passing the filters, newest ``published`` first;
    - writes become visible after ``commit()``; ``upsert`` replaces a document with the same doc_id.
    """

    collection: str

    def upsert(self, docs: Sequence[IndexDocument]) -> None: ...

    def delete(self, doc_ids: Sequence[int]) -> None: ...

    def commit(self) -> None: ...

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[LexicalHit]: ...

    def count(self) -> int: ...

    def hashes(self) -> dict[int, str]:
        """doc id → content hash of every indexed document (used by ``bassin sync``)."""
        ...

    def clear(self) -> None:
        """Remove every document of the collection."""
        ...

    def close(self) -> None: ...
