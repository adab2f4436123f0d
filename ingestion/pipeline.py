"""The offer indexing pipeline: SQL system of record → embeddings → FAISS + lexical index.

Writes go to SQL first (one transaction per batch), then to the derived indexes. A crash between
the two leaves SQL ahead of the indexes; ``sync`` brings them back to SQL's state.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ingestion.indexer import CollectionIndexer, EncodeStats, SyncReport
from ingestion.offers.france_travail import FranceTravailNormalizer, NormalizationError
from ingestion.offers.readers import RawItem
from matching.offers import OfferRecord
from matching.store.offers import OfferRepository

__all__ = ["IndexingPipeline", "IngestSummary", "Rejection", "SyncReport"]


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
    encode: EncodeStats = field(default_factory=EncodeStats)

    @property
    def accounted(self) -> int:
        return self.inserted + self.updated + self.unchanged + len(self.rejected)

    @property
    def embedded(self) -> int:
        return self.encode.embedded

    @property
    def embed_seconds(self) -> float:
        return self.encode.seconds

    def rejection_reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


class IndexingPipeline:
    """Ingest and delete offers across the store and both indexes.

    Example:
        >>> summary = pipeline.ingest(read_offer_items(Path("offers.jsonl.gz")))
        >>> summary.accounted == summary.read
        True
    """

    def __init__(
        self, *, repository: OfferRepository, normalizer: FranceTravailNormalizer, indexer: CollectionIndexer
    ) -> None:
        self.repo = repository
        self.normalizer = normalizer
        self.indexer = indexer

    def ingest(
        self, items: Iterable[RawItem], *, progress: Callable[[int], object] | None = None
    ) -> IngestSummary:
        """Normalise, upsert and index every item; malformed ones are reported, never fatal.

        Two stages overlap: while one worker thread encodes and indexes batch N (numpy releases
        the GIL in the encoder's matrix products), this thread normalises and stores batch N+1.
        At most one batch waits, so memory stays flat whatever the file size.
        """
        summary = IngestSummary()
        start = time.perf_counter()
        batch: list[OfferRecord] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bassin-index") as worker:
            pending: Future[None] | None = None
            for item in items:
                summary.read += 1
                record = self._normalize(item, summary)
                if record is not None:
                    batch.append(record)
                if len(batch) >= self.indexer.batch_size:
                    pending = self._write_batch(batch, summary, worker, pending)
                    batch = []
                if progress:
                    progress(1)
            if batch:
                pending = self._write_batch(batch, summary, worker, pending)
            if pending is not None:
                pending.result()
        if summary.inserted or summary.updated:
            self.indexer.flush()  # an unchanged re-run rewrites nothing
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

    def _write_batch(
        self,
        batch: list[OfferRecord],
        summary: IngestSummary,
        worker: ThreadPoolExecutor,
        pending: Future[None] | None,
    ) -> Future[None] | None:
        """Store a batch in SQL, then hand its indexing to the worker once the previous one is done."""
        outcome = self.repo.upsert_many(batch)
        # duplicates of one id inside a batch: the last wins, the others count as unchanged
        duplicates = len(batch) - len({rec.external_id for rec in batch})
        summary.inserted += len(outcome.inserted)
        summary.updated += len(outcome.updated)
        summary.unchanged += len(outcome.unchanged) + duplicates
        if pending is not None:
            pending.result()  # re-raises an indexing error here, in the caller's thread
        if not outcome.changed_doc_ids:
            return None
        return worker.submit(self.indexer.index, outcome.changed_doc_ids, summary.encode)

    def delete(self, external_ids: Sequence[str]) -> list[str]:
        """Delete offers everywhere; returns the external ids that existed."""
        existing = self.repo.get_by_external_ids(list(external_ids))
        doc_ids = self.repo.delete_many(list(existing))
        if doc_ids:
            self.indexer.remove(doc_ids)
            self.indexer.flush()
        return list(existing)

    def sync(self, *, progress: Callable[[int], object] | None = None) -> SyncReport:
        return self.indexer.sync(progress=progress)

    def reindex_lexical(self) -> int:
        return self.indexer.reindex_lexical()
