"""The one indexing pipeline: SQL system of record → embeddings → FAISS + lexical index.

Writes go to SQL first (one transaction per batch), then to the derived indexes. A crash between
the two leaves SQL ahead of the indexes; ``sync`` brings them back to SQL's state.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ingestion.offers.france_travail import FranceTravailNormalizer, NormalizationError
from ingestion.offers.readers import RawItem
from matching.documents import IndexDocument
from matching.embeddings.base import EmbeddingProvider
from matching.lexical.base import LexicalBackend
from matching.offers import OfferRecord
from matching.store.offers import OfferRepository


class VectorStore(Protocol):
    """What the pipeline needs from the vector index."""

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None: ...
    def delete(self, doc_ids: Sequence[int]) -> None: ...
    def hashes(self) -> dict[int, str]: ...
    def save(self) -> None: ...


@dataclass
class Rejection:
    position: str
    external_id: str | None
    reason: str


@dataclass
class IngestSummary:
    """Every record read is accounted for: inserted + updated + unchanged + rejected == read."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    embedded: int = 0

    @property
    def accounted(self) -> int:
        return self.inserted + self.updated + self.unchanged + len(self.rejected)

    def rejection_reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


@dataclass
class SyncReport:
    """What ``sync`` found and fixed, per index."""

    sql_count: int = 0
    vector_added: int = 0
    vector_refreshed: int = 0
    vector_removed: int = 0
    lexical_added: int = 0
    lexical_refreshed: int = 0
    lexical_removed: int = 0
    embedded: int = 0

    @property
    def fixed(self) -> int:
        return (
            self.vector_added
            + self.vector_refreshed
            + self.vector_removed
            + self.lexical_added
            + self.lexical_refreshed
            + self.lexical_removed
        )


class IndexingPipeline:
    """Ingest, delete and reconcile offers across the store and both indexes.

    Example:
        >>> summary = pipeline.ingest(read_offer_items(Path("offers.jsonl.gz")))
        >>> summary.accounted == summary.read
        True
    """

    def __init__(
        self,
        *,
        repository: OfferRepository,
        normalizer: FranceTravailNormalizer,
        embedder: Callable[[], EmbeddingProvider],
        vectors: VectorStore,
        lexical: LexicalBackend,
        batch_size: int = 256,
    ) -> None:
        self.repo = repository
        self.normalizer = normalizer
        self._embedder_factory = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.batch_size = batch_size

    # --- ingestion ----------------------------------------------------------------------------
    def ingest(
        self, items: Iterable[RawItem], *, progress: Callable[[int], object] | None = None
    ) -> IngestSummary:
        """Normalise, upsert and index every item; malformed ones are reported, never fatal."""
        summary = IngestSummary()
        start = time.perf_counter()
        batch: list[tuple[str, OfferRecord]] = []
        for item in items:
            summary.read += 1
            record = self._normalize(item, summary)
            if record is not None:
                batch.append((item.position, record))
            if len(batch) >= self.batch_size:
                self._write_batch(batch, summary)
                batch = []
            if progress:
                progress(1)
        if batch:
            self._write_batch(batch, summary)
        if summary.inserted or summary.updated:
            self._flush()  # an unchanged re-run rewrites nothing
        summary.seconds = time.perf_counter() - start
        return summary

    def _normalize(self, item: RawItem, summary: IngestSummary) -> OfferRecord | None:
        ext_id = item.payload.get("id") if item.payload else None
        ext = ext_id if isinstance(ext_id, str) else None
        if item.error is not None or item.payload is None:
            summary.rejected.append(Rejection(item.position, ext, item.error or "enregistrement vide"))
            return None
        try:
            return self.normalizer.normalize(item.payload)
        except NormalizationError as exc:
            summary.rejected.append(Rejection(item.position, ext, str(exc)))
            return None

    def _write_batch(self, batch: list[tuple[str, OfferRecord]], summary: IngestSummary) -> None:
        outcome = self.repo.upsert_many([rec for _, rec in batch])
        # duplicates of one id inside a batch: the last wins, the others count as unchanged
        duplicates = len(batch) - len({rec.external_id for _, rec in batch})
        summary.inserted += len(outcome.inserted)
        summary.updated += len(outcome.updated)
        summary.unchanged += len(outcome.unchanged) + duplicates
        if outcome.changed_doc_ids:
            docs = list(self.repo.iter_documents(outcome.changed_doc_ids))
            self._index(docs, summary)

    def _index(self, docs: list[IndexDocument], summary: IngestSummary | SyncReport) -> None:
        vectors = self._vectors_for(docs, summary)
        self.vectors.upsert(docs, vectors)
        self.lexical.upsert(docs)

    def _vectors_for(self, docs: list[IndexDocument], summary: IngestSummary | SyncReport) -> np.ndarray:
        """Vectors for docs, reusing stored embeddings whose content hash still matches."""
        embedder = self._embedder_factory()
        stored = self.repo.load_embeddings([d.doc_id for d in docs], embedder.model_id)
        vectors = np.zeros((len(docs), embedder.dim), dtype=np.float32)
        todo = []
        for i, d in enumerate(docs):
            hit = stored.get(d.doc_id)
            if hit is not None and hit[0] == d.content_hash and hit[1].shape[0] == embedder.dim:
                vectors[i] = hit[1]
            else:
                todo.append(i)
        if todo:
            t0 = time.perf_counter()
            fresh = embedder.embed_documents([docs[i].embed_text for i in todo])
            if isinstance(summary, IngestSummary):
                summary.embed_seconds += time.perf_counter() - t0
            summary.embedded += len(todo)
            vectors[todo] = fresh
            self.repo.save_embeddings(
                embedder.model_id, [(docs[i].doc_id, docs[i].content_hash) for i in todo], fresh
            )
        return vectors

    def _flush(self) -> None:
        self.lexical.commit()
        self.vectors.save()

    # --- deletion -----------------------------------------------------------------------------
    def delete(self, external_ids: Sequence[str]) -> list[str]:
        """Delete offers everywhere; returns the external ids that existed."""
        existing = self.repo.get_by_external_ids(list(external_ids))
        doc_ids = self.repo.delete_many(list(existing))
        if doc_ids:
            self.vectors.delete(doc_ids)
            self.lexical.delete(doc_ids)
            self._flush()
        return list(existing)

    # --- lexical rebuild ----------------------------------------------------------------------
    def reindex_lexical(self) -> int:
        """Rebuild the lexical index from SQL; returns the number of documents indexed.

        A backend with versioned indexes (Elasticsearch: ``reindex`` behind an alias) is rebuilt
        with zero downtime; the embedded engine is cleared and refilled in place.
        """
        docs = self.repo.iter_documents()
        reindex = getattr(self.lexical, "reindex", None)
        if callable(reindex):
            reindex(docs)
        else:
            self.lexical.clear()
            batch: list[IndexDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 1000:
                    self.lexical.upsert(batch)
                    batch = []
            self.lexical.upsert(batch)
            self.lexical.commit()
        return self.lexical.count()

    # --- reconciliation -----------------------------------------------------------------------
    def sync(self, *, progress: Callable[[int], object] | None = None) -> SyncReport:
        """Make FAISS and the lexical index mirror SQL exactly: add, refresh, remove."""
        report = SyncReport()
        truth = self.repo.hashes()
        report.sql_count = len(truth)
        vec = self.vectors.hashes()
        lex = self.lexical.hashes()
        vec_missing = [i for i in truth if i not in vec]
        vec_stale = [i for i, h in truth.items() if i in vec and vec[i] != h]
        lex_missing = [i for i in truth if i not in lex]
        lex_stale = [i for i, h in truth.items() if i in lex and lex[i] != h]
        vec_orphans = [i for i in vec if i not in truth]
        lex_orphans = [i for i in lex if i not in truth]
        report.vector_added, report.vector_refreshed = len(vec_missing), len(vec_stale)
        report.lexical_added, report.lexical_refreshed = len(lex_missing), len(lex_stale)
        report.vector_removed, report.lexical_removed = len(vec_orphans), len(lex_orphans)
        if vec_orphans:
            self.vectors.delete(vec_orphans)
        if lex_orphans:
            self.lexical.delete(lex_orphans)
        vec_todo = set(vec_missing) | set(vec_stale)
        lex_todo = set(lex_missing) | set(lex_stale)
        todo = sorted(vec_todo | lex_todo)
        for start in range(0, len(todo), self.batch_size):
            docs = list(self.repo.iter_documents(todo[start : start + self.batch_size]))
            vdocs = [d for d in docs if d.doc_id in vec_todo]
            if vdocs:
                self.vectors.upsert(vdocs, self._vectors_for(vdocs, report))
            ldocs = [d for d in docs if d.doc_id in lex_todo]
            if ldocs:
                self.lexical.upsert(ldocs)
            if progress:
                progress(len(docs))
        if report.fixed:
            self._flush()
        return report
