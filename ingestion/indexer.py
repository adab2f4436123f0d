"""Keeps one collection's derived indexes (FAISS + lexical) in step with its SQL documents."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from domain.documents import IndexDocument
from retrieval.embeddings.base import EmbeddingProvider
from retrieval.lexical.base import LexicalBackend


def embed_key(text: str) -> str:
    """Stored embeddings are keyed by the text the model read: re-encode only when it changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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
    """What the indexer needs from the vector index."""

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None: ...
    def delete(self, doc_ids: Sequence[int]) -> None: ...
    def hashes(self) -> dict[int, str]: ...
    def save(self) -> None: ...


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
            self.vectors.upsert(plan.docs, plan.vectors)
            self.lexical.upsert(plan.docs)

    def remove(self, doc_ids: Sequence[int]) -> None:
        if doc_ids:
            self.vectors.delete(list(doc_ids))
            self.lexical.delete(list(doc_ids))

    def flush(self) -> None:
        self.lexical.commit()
        self.vectors.save()

    def sync(self, *, progress: Callable[[int], object] | None = None) -> SyncReport:
        """Make FAISS and the lexical index mirror SQL exactly: add, refresh, remove."""
        report = SyncReport(collection=self.source.collection)
        truth = self.source.hashes()
        report.sql_count = len(truth)
        vec, lex = self.vectors.hashes(), self.lexical.hashes()
        vec_todo = {i for i, h in truth.items() if vec.get(i) != h}
        lex_todo = {i for i, h in truth.items() if lex.get(i) != h}
        report.vector_added = sum(1 for i in vec_todo if i not in vec)
        report.vector_refreshed = len(vec_todo) - report.vector_added
        report.lexical_added = sum(1 for i in lex_todo if i not in lex)
        report.lexical_refreshed = len(lex_todo) - report.lexical_added
        vec_orphans = [i for i in vec if i not in truth]
        lex_orphans = [i for i in lex if i not in truth]
        report.vector_removed, report.lexical_removed = len(vec_orphans), len(lex_orphans)
        if vec_orphans:
            self.vectors.delete(vec_orphans)
        if lex_orphans:
            self.lexical.delete(lex_orphans)
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
            if progress:
                progress(len(docs))
        report.embedded = stats.embedded
        if report.fixed:
            self.flush()
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
            batch: list[IndexDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 1000:
                    self.lexical.upsert(batch)
                    batch = []
            self.lexical.upsert(batch)
            self.lexical.commit()
        return self.lexical.count()
