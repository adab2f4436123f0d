"""Keeps one collection's derived indexes (vectors + lexical) in step with its SQL documents.

SQL is the system of record, for documents and for their embeddings: every writer (the CLI's ingest,
delete, forget and sync, and the API's vector writes) stores there first, then writes the indexes
from what SQL holds. A vector index that other processes may have saved since this one read it
(FAISS files) is reloaded inside its writer lock, and the ids this writer touched are re-applied
from SQL before saving, so no process resurrects or drops another's documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from domain import crash_points
from domain.documents import IndexDocument
from retrieval.embeddings.base import EmbeddingProvider
from retrieval.lexical.base import LexicalBackend
from store.embeddings import embed_key


class DocumentSource(Protocol):
    """The SQL side of a collection: its documents, their hashes, their stored embeddings."""

    collection: str

    def hashes(self) -> dict[int, str]: ...
    def iter_documents(
        self, doc_ids: Sequence[int] | None = None, batch: int = 500
    ) -> Iterator[IndexDocument]: ...
    def load_embeddings(self, doc_ids: Sequence[int], model_id: str) -> dict[int, tuple[str, np.ndarray]]: ...
    def save_embeddings(
        self, model_id: str, items: Sequence[tuple[int, str]], vectors: np.ndarray
    ) -> None: ...


class VectorStore(Protocol):
    """What the indexer needs from the vector index (``retrieval.vector.VectorBackend``)."""

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None: ...
    def delete(self, doc_ids: Sequence[int]) -> None: ...
    def hashes(self) -> dict[int, str]: ...
    def save(self) -> None: ...
    def get_vectors(self, doc_ids: Sequence[int]) -> np.ndarray: ...
    def writing(self) -> AbstractContextManager[bool]: ...
    def reindex(self, items: Iterator[tuple[IndexDocument, np.ndarray]]) -> None: ...


VECTOR_AGREEMENT = 0.999
"""Cosine above which an indexed vector is the stored embedding (float32 round trips, int8 aside)."""


@dataclass
class IndexCheck:
    """What ``check`` found: per index, the ids missing, orphaned or stale against SQL.

    ``vector_foreign``: indexed with the right content hash but a vector that is not the stored
    embedding of the configured model (e.g. a caller's vector written by an older API).
    """

    collection: str
    model_id: str
    sql_count: int = 0
    vector_missing: list[int] = field(default_factory=list)
    vector_orphans: list[int] = field(default_factory=list)
    vector_stale: list[int] = field(default_factory=list)
    vector_foreign: list[int] = field(default_factory=list)
    lexical_missing: list[int] = field(default_factory=list)
    lexical_orphans: list[int] = field(default_factory=list)
    lexical_stale: list[int] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not any(
            (
                self.vector_missing,
                self.vector_orphans,
                self.vector_stale,
                self.vector_foreign,
                self.lexical_missing,
                self.lexical_orphans,
                self.lexical_stale,
            )
        )

    def summary(self) -> dict[str, int | str | bool]:
        return {
            "sql": self.sql_count,
            "vector_missing": len(self.vector_missing),
            "vector_orphans": len(self.vector_orphans),
            "vector_stale": len(self.vector_stale),
            "vector_foreign": len(self.vector_foreign),
            "lexical_missing": len(self.lexical_missing),
            "lexical_orphans": len(self.lexical_orphans),
            "lexical_stale": len(self.lexical_stale),
            "consistent": self.consistent,
        }


@dataclass
class EncodeStats:
    """Encoding work done: texts encoded and seconds spent in the model."""

    embedded: int = 0
    seconds: float = 0.0


@dataclass
class EncodePlan:
    """Documents to index, their vectors (stored ones filled in), and the rows still to encode."""

    docs: list[IndexDocument]
    vectors: np.ndarray
    keys: list[str]
    todo: list[int]


@dataclass
class SyncReport:
    """What ``sync`` found and fixed, per index."""

    collection: str = ""
    sql_count: int = 0
    vector_added: int = 0
    vector_refreshed: int = 0
    vector_removed: int = 0
    vector_repaired: int = 0
    lexical_added: int = 0
    lexical_refreshed: int = 0
    lexical_removed: int = 0
    embedded: int = 0
    leftovers: list[str] = field(default_factory=list)
    """Files or index versions a killed write left behind (not searched), removed."""

    @property
    def fixed(self) -> int:
        return (
            len(self.leftovers)
            + self.vector_added
            + self.vector_refreshed
            + self.vector_removed
            + self.vector_repaired
            + self.lexical_added
            + self.lexical_refreshed
            + self.lexical_removed
        )


class CollectionIndexer:
    """Indexes, removes and reconciles the documents of one collection in FAISS and the lexical index."""

    def __init__(
        self,
        *,
        source: DocumentSource,
        embedder: Callable[[], EmbeddingProvider],
        vectors: VectorStore,
        lexical: LexicalBackend,
        batch_size: int = 256,
    ) -> None:
        self.source = source
        self._embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.batch_size = batch_size
        self._touched: set[int] = set()
        """Doc ids written to the vector index since the last save (re-applied after a reload)."""

    def index(self, doc_ids: Sequence[int], stats: EncodeStats | None = None) -> None:
        """(Re)index these documents in both indexes; call ``flush`` to persist."""
        plan = self.plan(doc_ids)
        self.encode(plan, stats or EncodeStats())
        self.apply(plan)

    def plan(self, doc_ids: Sequence[int]) -> EncodePlan:
        """Read the documents and their reusable stored vectors; what is left to encode is ``todo``."""
        docs = list(self.source.iter_documents(list(doc_ids)))
        embedder = self._embedder()
        stored = self.source.load_embeddings([d.doc_id for d in docs], embedder.model_id)
        vectors = np.zeros((len(docs), embedder.dim), dtype=np.float32)
        keys = [embed_key(d.embed_text) for d in docs]
        todo = []
        for i, d in enumerate(docs):
            hit = stored.get(d.doc_id)
            if hit is not None and hit[0] == keys[i] and hit[1].shape[0] == embedder.dim:
                vectors[i] = hit[1]
            else:
                todo.append(i)
        return EncodePlan(docs, vectors, keys, todo)

    def encode(self, plan: EncodePlan, stats: EncodeStats) -> None:
        """Encode what the plan could not reuse (the only step that needs the model; thread-safe)."""
        if plan.todo:
            t0 = time.perf_counter()
            plan.vectors[plan.todo] = self._embedder().embed_documents(
                [plan.docs[i].embed_text for i in plan.todo]
            )
            stats.seconds += time.perf_counter() - t0
            stats.embedded += len(plan.todo)

    def apply(self, plan: EncodePlan) -> None:
        """Store the new vectors in SQL and write the documents to both indexes."""
        if plan.todo:
            model_id = self._embedder().model_id
            items = [(plan.docs[i].doc_id, plan.keys[i]) for i in plan.todo]
            self.source.save_embeddings(model_id, items, plan.vectors[plan.todo])
        if plan.docs:
            self._touched.update(d.doc_id for d in plan.docs)
            self.vectors.upsert(plan.docs, plan.vectors)
            self.lexical.upsert(plan.docs)

    def remove(self, doc_ids: Sequence[int]) -> None:
        if doc_ids:
            self._touched.update(doc_ids)
            self.vectors.delete(list(doc_ids))
            self.lexical.delete(list(doc_ids))

    def flush(self) -> None:
        """Make the writes visible and durable; the vector index is saved under its writer lock."""
        self.lexical.commit()
        crash_points.reached("index.lexical-committed")
        with self.vectors.writing() as reloaded:
            if reloaded:
                self._reapply(sorted(self._touched))
            self.vectors.save()
        self._touched.clear()

    def _reapply(self, doc_ids: Sequence[int]) -> None:
        """Write ``doc_ids`` to the vector index as SQL holds them now (deleted when SQL has none)."""
        for start in range(0, len(doc_ids), self.batch_size):
            chunk = list(doc_ids[start : start + self.batch_size])
            plan = self.plan(chunk)
            self.encode(plan, EncodeStats())
            if plan.todo:
                items = [(plan.docs[i].doc_id, plan.keys[i]) for i in plan.todo]
                self.source.save_embeddings(self._embedder().model_id, items, plan.vectors[plan.todo])
            if plan.docs:
                self.vectors.upsert(plan.docs, plan.vectors)
            present = {d.doc_id for d in plan.docs}
            gone = [i for i in chunk if i not in present]
            if gone:
                self.vectors.delete(gone)

    def check(self, *, vectors: bool = True) -> IndexCheck:
        """Compare both indexes with SQL by content: ids, content hashes, and (``vectors``) that each
        indexed vector is the stored embedding of the configured model."""
        model_id = self._embedder().model_id
        found = IndexCheck(collection=self.source.collection, model_id=model_id)
        truth = self.source.hashes()
        found.sql_count = len(truth)
        vec, lex = self.vectors.hashes(), self.lexical.hashes()
        for index, missing, orphans, stale in (
            (vec, found.vector_missing, found.vector_orphans, found.vector_stale),
            (lex, found.lexical_missing, found.lexical_orphans, found.lexical_stale),
        ):
            missing += sorted(i for i in truth if i not in index)
            orphans += sorted(i for i in index if i not in truth)
            stale += sorted(i for i, h in truth.items() if i in index and index[i] != h)
        if vectors:
            same = sorted(i for i, h in truth.items() if vec.get(i) == h)
            found.vector_foreign = self.foreign_vectors(same)
        return found

    def foreign_vectors(self, doc_ids: Sequence[int]) -> list[int]:
        """Ids whose indexed vector is not their stored embedding under the configured model."""
        model_id = self._embedder().model_id
        foreign: list[int] = []
        for start in range(0, len(doc_ids), 1000):
            chunk = list(doc_ids[start : start + 1000])
            stored = self.source.load_embeddings(chunk, model_id)
            indexed = self.vectors.get_vectors(chunk)
            for row, doc_id in enumerate(chunk):
                hit = stored.get(doc_id)
                if (
                    hit is None
                    or hit[1].shape[0] != indexed.shape[1]
                    or float(np.dot(hit[1], indexed[row]))
                    < VECTOR_AGREEMENT * float(np.linalg.norm(hit[1]) * np.linalg.norm(indexed[row]))
                ):
                    foreign.append(doc_id)
        return foreign

    def sync(self, *, progress: Callable[[int], object] | None = None) -> SyncReport:
        """Make the vector and lexical indexes mirror SQL exactly: add, refresh, remove, and replace
        vectors that are not the stored embeddings. Runs under the vector index's writer lock."""
        with self.vectors.writing():
            leftovers = _remove_leftovers(self.vectors) + _remove_leftovers(self.lexical)  # before writing
            report = self._sync(progress)
            report.leftovers = leftovers
            if report.fixed:
                self.lexical.commit()
                crash_points.reached("sync.lexical-committed")
                self.vectors.save()
            self._touched.clear()
        return report

    def reindex_vectors(self) -> int:
        """Rebuild the vector index from SQL's documents and stored embeddings (encoding the missing
        ones) into a fresh structure swapped in at the end (Elasticsearch alias, pgvector table
        rename, new FAISS generation); returns the number of vectors."""

        def items() -> Iterator[tuple[IndexDocument, np.ndarray]]:
            ids = sorted(self.source.hashes())
            for start in range(0, len(ids), self.batch_size):
                plan = self.plan(ids[start : start + self.batch_size])
                self.encode(plan, EncodeStats())
                if plan.todo:
                    keyed = [(plan.docs[i].doc_id, plan.keys[i]) for i in plan.todo]
                    self.source.save_embeddings(self._embedder().model_id, keyed, plan.vectors[plan.todo])
                yield from zip(plan.docs, plan.vectors, strict=True)

        with self.vectors.writing():
            self.vectors.reindex(items())
            self._touched.clear()
        crash_points.reached("reindex.vectors-swapped")
        return len(self.vectors.hashes())

    def _sync(self, progress: Callable[[int], object] | None) -> SyncReport:
        report = SyncReport(collection=self.source.collection)
        truth = self.source.hashes()
        report.sql_count = len(truth)
        vec, lex = self.vectors.hashes(), self.lexical.hashes()
        foreign = set(self.foreign_vectors(sorted(i for i, h in truth.items() if vec.get(i) == h)))
        report.vector_repaired = len(foreign)
        for doc_id in foreign:
            vec.pop(doc_id)  # re-written below from the stored embedding (encoded when none is stored)
        vec_todo = {i for i, h in truth.items() if vec.get(i) != h}
        lex_todo = {i for i, h in truth.items() if lex.get(i) != h}
        report.vector_added = sum(1 for i in vec_todo if i not in vec)
        report.vector_refreshed = len(vec_todo) - report.vector_added
        report.lexical_added = sum(1 for i in lex_todo if i not in lex)
        report.lexical_refreshed = len(lex_todo) - report.lexical_added
        vec_orphans = [i for i in vec if i not in truth]
        lex_orphans = [i for i in lex if i not in truth]
        report.vector_removed, report.lexical_removed = len(vec_orphans), len(lex_orphans)
        report.vector_added -= len(foreign)
        if vec_orphans:
            self.vectors.delete(vec_orphans)
        if lex_orphans:
            self.lexical.delete(lex_orphans)
        if vec_orphans or lex_orphans:
            crash_points.reached("sync.orphans-removed")
        stats = EncodeStats()
        todo = sorted(vec_todo | lex_todo)
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            vplan = self.plan([i for i in chunk if i in vec_todo])
            self.encode(vplan, stats)
            if vplan.todo:
                items = [(vplan.docs[i].doc_id, vplan.keys[i]) for i in vplan.todo]
                self.source.save_embeddings(self._embedder().model_id, items, vplan.vectors[vplan.todo])
            if vplan.docs:
                self.vectors.upsert(vplan.docs, vplan.vectors)
            docs = list(self.source.iter_documents(chunk))
            ldocs = [d for d in docs if d.doc_id in lex_todo]
            if ldocs:
                self.lexical.upsert(ldocs)
            crash_points.reached("sync.batch-indexed")
            if progress:
                progress(len(docs))
        report.embedded = stats.embedded
        return report

    def reindex_lexical(self) -> int:
        """Rebuild the lexical index from SQL; returns the number of documents indexed.

        A backend with versioned indexes (Elasticsearch: ``reindex`` behind an alias) is rebuilt
        with zero downtime; the embedded engine is cleared and refilled in place.
        """
        docs = self.source.iter_documents()
        reindex = getattr(self.lexical, "reindex", None)
        if callable(reindex):
            reindex(docs)
        else:
            self.lexical.clear()
            crash_points.reached("reindex.lexical-cleared")
            batch: list[IndexDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 1000:
                    self.lexical.upsert(batch)
                    batch = []
            self.lexical.upsert(batch)
            crash_points.reached("reindex.lexical-filled")
            self.lexical.commit()
        return self.lexical.count()


def _remove_leftovers(index: object) -> list[str]:
    """What a backend with versioned files or indexes (FAISS generations, Elasticsearch versions) has
    left of a write killed midway; nothing for the others (tantivy and pgvector clean up themselves)."""
    remove = getattr(index, "remove_leftovers", None)
    return list(remove()) if callable(remove) else []
