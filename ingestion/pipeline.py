"""The offer indexing pipeline: SQL system of record → embeddings → FAISS + lexical index.

Writes go to SQL first (one transaction per batch), then to the derived indexes. A crash between
the two leaves SQL ahead of the indexes; ``sync`` brings them back to SQL's state.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from domain import crash_points
from domain.offers import OfferRecord
from ingestion.indexer import CollectionIndexer, EncodePlan, EncodeStats, SyncReport
from ingestion.offers.france_travail import FranceTravailNormalizer, NormalizationError
from ingestion.offers.readers import RawItem
from store.offers import OfferRepository

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
    resumed: SyncReport | None = None
    """When offers were already in SQL: what the indexes lacked (an earlier run that died) and got."""

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


def normalize_item(normalizer: FranceTravailNormalizer, item: RawItem) -> OfferRecord | Rejection:
    """A record, or the reason it is rejected (never raises for bad data)."""
    ext_id = item.payload.get("id") if item.payload else None
    ext = ext_id if isinstance(ext_id, str) else None
    if item.error is not None or item.payload is None:
        return Rejection(item.position, ext, item.error or "enregistrement vide")
    try:
        return normalizer.normalize(item.payload)
    except NormalizationError as exc:
        return Rejection(item.position, ext, str(exc))


def _normalize_all(
    normalizer: FranceTravailNormalizer, items: list[RawItem]
) -> list[OfferRecord | Rejection]:
    return [normalize_item(normalizer, item) for item in items]


_FORKED_NORMALIZER: FranceTravailNormalizer | None = None


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int, poll_s: float = 0.5) -> None:
    """Make this forked worker end when its parent does, even on ``kill -9`` of the parent.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; everywhere, a daemon thread that exits the process as soon
    as it is re-parented (the worker may be blocked reading its task pipe, which nobody will close).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still applies
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="bassin-parent-watch", daemon=True).start()


def _set_forked_normalizer(normalizer: FranceTravailNormalizer, parent_pid: int) -> None:
    global _FORKED_NORMALIZER
    die_with_parent(parent_pid)
    _FORKED_NORMALIZER = normalizer


def _normalize_in_fork(items: list[RawItem]) -> list[OfferRecord | Rejection]:
    assert _FORKED_NORMALIZER is not None, "the pool initializer sets it"
    return _normalize_all(_FORKED_NORMALIZER, items)


@contextmanager
def _normalizing_pool(normalizer: FranceTravailNormalizer) -> Iterator[ProcessPoolExecutor | None]:
    """One forked process holding the normaliser (inherited, not pickled: it holds the loaded
    taxonomy and gazetteer); None where fork is unavailable, and normalisation stays in-process."""
    if "fork" not in mp.get_all_start_methods():
        yield None
        return
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=mp.get_context("fork"),
        initializer=_set_forked_normalizer,
        initargs=(normalizer, os.getpid()),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable[RawItem], size: int) -> Iterator[list[RawItem]]:
    chunk: list[RawItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pipelined(
    pool: ProcessPoolExecutor, batches: Iterator[list[RawItem]], window: int = 3
) -> Iterator[list[OfferRecord | Rejection]]:
    """Normalised batches in input order, with at most ``window`` batches in flight."""
    pending: deque[Future[list[OfferRecord | Rejection]]] = deque()
    for batch in batches:
        pending.append(pool.submit(_normalize_in_fork, batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


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
        self._pool: ProcessPoolExecutor | None = None

    @contextmanager
    def reusing_pool(self) -> Iterator[None]:
        """Keep one normalising process for every ``ingest`` inside the block.

        For callers that ingest many small batches (the France Travail connector, one per partition):
        forking a process per call costs more than normalising a page of offers.
        """
        if self._pool is not None:
            yield
            return
        with _normalizing_pool(self.normalizer) as pool:
            if pool is not None:
                pool.submit(int).result()  # fork now, before the caller starts threads
            self._pool = pool
            try:
                yield
            finally:
                self._pool = None

    @contextmanager
    def _pool_for_call(self) -> Iterator[ProcessPoolExecutor | None]:
        if self._pool is not None:
            yield self._pool
        else:
            with _normalizing_pool(self.normalizer) as pool:
                yield pool

    def ingest(
        self, items: Iterable[RawItem], *, progress: Callable[[int], object] | None = None
    ) -> IngestSummary:
        """Normalise, upsert and index every item; malformed ones are reported, never fatal.

        Three stages overlap on the two cores: a forked process normalises batch N+2 (pure Python:
        HTML cleaning, skill extraction), this thread stores batch N+1 in SQL, and a worker thread
        encodes and indexes batch N (numpy releases the GIL in the encoder's matrix products).
        A few batches at most are in flight, so memory stays flat whatever the file size.
        """
        summary = IngestSummary()
        start = time.perf_counter()
        batches = _chunks(items, self.indexer.batch_size)
        with (
            self._pool_for_call() as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="bassin-index") as worker,
        ):
            normalized = (
                _pipelined(pool, batches) if pool else (_normalize_all(self.normalizer, b) for b in batches)
            )
            pending: tuple[EncodePlan, Future[None]] | None = None
            for outcomes in normalized:
                summary.read += len(outcomes)
                batch = [o for o in outcomes if isinstance(o, OfferRecord)]
                summary.rejected.extend(o for o in outcomes if isinstance(o, Rejection))
                if batch:
                    pending = self._write_batch(batch, summary, worker, pending)
                if progress:
                    progress(len(outcomes))
            self._finish(pending)
        if summary.inserted or summary.updated:
            self.indexer.flush()  # an unchanged re-run rewrites nothing
        if summary.unchanged:
            # rows an earlier, interrupted run stored in SQL count as unchanged: finish their indexing
            summary.resumed = self.indexer.sync()
            summary.encode.embedded += summary.resumed.embedded
        summary.seconds = time.perf_counter() - start
        return summary

    def _write_batch(
        self,
        batch: list[OfferRecord],
        summary: IngestSummary,
        worker: ThreadPoolExecutor,
        pending: tuple[EncodePlan, Future[None]] | None,
    ) -> tuple[EncodePlan, Future[None]] | None:
        """Store a batch in SQL, hand its encoding to the worker, and index the previous batch.

        The worker thread only runs the encoder; reading back, storing vectors and writing the indexes
        happen here, while the worker encodes the next batch.
        """
        outcome = self.repo.upsert_many(batch)
        crash_points.reached("ingest.sql-committed")
        # duplicates of one id inside a batch: the last wins, the others count as unchanged
        duplicates = len(batch) - len({rec.external_id for rec in batch})
        summary.inserted += len(outcome.inserted)
        summary.updated += len(outcome.updated)
        summary.unchanged += len(outcome.unchanged) + duplicates
        plan = self.indexer.plan(outcome.changed_doc_ids) if outcome.changed_doc_ids else None
        self._finish(pending)
        if plan is None:
            return None
        return plan, worker.submit(self.indexer.encode, plan, summary.encode)

    def _finish(self, pending: tuple[EncodePlan, Future[None]] | None) -> None:
        if pending is not None:
            plan, future = pending
            future.result()  # re-raises an encoding error here, in the caller's thread
            self.indexer.apply(plan)

    def delete(self, external_ids: Sequence[str]) -> list[str]:
        """Delete offers everywhere; returns the external ids that existed."""
        existing = self.repo.get_by_external_ids(list(external_ids))
        doc_ids = self.repo.delete_many(list(existing))
        crash_points.reached("delete.sql-committed")
        if doc_ids:
            self.indexer.remove(doc_ids)
            self.indexer.flush()
        return list(existing)

    def confirm(self, external_ids: Sequence[str], at: datetime) -> int:
        """Record that the source still lists these offers; closed ones among them reopen and are
        indexed again. Returns how many reopened."""
        reopened = self.repo.mark_seen(external_ids, at)
        if reopened:
            self.indexer.index(reopened)
            self.indexer.flush()
        return len(reopened)

    def close(self, external_ids: Sequence[str], at: datetime) -> int:
        """Close offers the source no longer lists: out of both indexes at once, kept in SQL with
        ``closed_at``. Returns how many were open."""
        doc_ids = self.repo.close_many(external_ids, at)
        if doc_ids:
            self.indexer.remove(doc_ids)
            self.indexer.flush()
        return len(doc_ids)

    def sync(self, *, progress: Callable[[int], object] | None = None) -> SyncReport:
        return self.indexer.sync(progress=progress)

    def reindex_lexical(self) -> int:
        return self.indexer.reindex_lexical()
