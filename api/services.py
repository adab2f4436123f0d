"""What the HTTP API does, over the live engine: offer details, embeddings, vector reads and writes.

Every method is synchronous and thread-safe; the app calls them with ``asyncio.to_thread``. FAISS allows
concurrent searches but no search during a write: searches take the read side of ``ReadWriteLock`` and
vector writes its write side. The embedding model is called by one thread at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass

import numpy as np

from api.errors import (
    IndexWritesDisabledError,
    UnknownIdsError,
    VectorDimensionError,
    VectorMismatchError,
    ZeroVectorError,
)
from api.schemas import IndexName
from app.runtime import COLLECTIONS, Engine
from domain.errors import InvalidQueryError
from domain.search import SearchFilters
from retrieval.embeddings import EmbeddingProvider
from retrieval.vector import FaissVectorIndex
from services.offer_details import OfferDetails, offer_details_from_row
from store.offers import OfferRepository


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before readers that arrive after it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class OfferDetailsService:
    """Offers by external id, in the order asked, and the ids the store does not know."""

    def __init__(self, offers: OfferRepository) -> None:
        self.offers = offers

    def get_many(self, ids: Sequence[str]) -> tuple[list[OfferDetails], list[str]]:
        wanted = list(dict.fromkeys(ids))
        found = self.offers.get_by_external_ids(wanted)
        return [offer_details_from_row(found[i]) for i in wanted if i in found], [
            i for i in wanted if i not in found
        ]


class EmbeddingService:
    """The index's embedding model, one caller at a time."""

    def __init__(self, embedder: EmbeddingProvider) -> None:
        self.embedder = embedder
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.embedder.embed_documents(list(texts))

    def query_vector(self, values: Sequence[float], field: str) -> np.ndarray:
        """A caller's vector checked against the model (size, non-zero) and L2-normalised.

        Raises:
            VectorDimensionError: not ``dim`` values.
            ZeroVectorError: all zeros (or so small its norm underflows).
        """
        if len(values) != self.dim:
            raise VectorDimensionError(field, self.dim, len(values))
        vec = np.asarray(values, dtype=np.float64)
        if float(np.abs(vec).max()) > float(np.finfo(np.float32).max):  # finite JSON, beyond float32
            raise InvalidQueryError(
                f"{field} : valeurs hors de la plage float32. / {field}: values out of range."
            )
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            raise ZeroVectorError(field)
        return (vec / norm).astype(np.float32)


@dataclass(frozen=True)
class DeleteOutcome:
    deleted: list[str]
    not_indexed: list[str]
    unknown: list[str]
    count: int


CALLER_VECTOR_AGREEMENT = 0.99
"""A caller's vector is accepted when its cosine with the model's embedding of the stored text is at
least this (the same model on other hardware or another runtime differs by ~1e-6)."""


class VectorIndexService:
    """Search, upsert and delete in a collection's vector index, by external id.

    One writer of truth: writes go through the same indexer as the CLI, SQL first (stored documents and
    their embeddings), then both indexes from SQL, saved at once under the vector index's writer lock
    (FAISS reloads what other processes saved and re-applies this write from SQL before saving).
    An upsert indexes the model's embedding of the stored document; a caller's vector is only checked
    against it, and refused when it differs. A delete removes the document from the store and every
    index (offers: like ``bassin delete offers``; candidates: like ``bassin forget candidate``), since an
    index entry SQL still holds would come back at the next ``bassin sync``.

    Every write holds the data's writer lock (``writer``: the CLI's ``store.locks.exclusive_writer``)
    for the whole request, from reading the ids to saving the indexes, and lets go of the lexical
    index's writer before returning, so a command-line ingest, delete or forget never interleaves
    with it and never finds an index held by the server.
    """

    def __init__(
        self,
        engine: Engine,
        embeddings: EmbeddingService,
        lock: ReadWriteLock,
        *,
        writes_enabled: bool = True,
        writer: Callable[[str], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.engine = engine
        self.embeddings = embeddings
        self.lock = lock
        self.writes_enabled = writes_enabled
        self._writer = writer or (lambda _what: nullcontext())
        self._one_write = threading.Lock()  # this server's own writes queue here, not on the file lock

    @contextmanager
    def _writing(self, what: str, index: IndexName) -> Iterator[None]:
        """The data's writer lock for one request; the lexical index's writer is released at the end."""
        with self._one_write, self._writer(f"bassin serve : {what}"):
            try:
                yield
            finally:
                self.engine.indexes(index).lexical.close()  # commits and frees tantivy's writer lock

    def search(
        self, index: IndexName, vector: Sequence[float], filters: SearchFilters | None, top_k: int
    ) -> list[tuple[str, float]]:
        return self.search_vector(index, self.embeddings.query_vector(vector, "vector"), filters, top_k)

    def search_vector(
        self, index: IndexName, query: np.ndarray, filters: SearchFilters | None, top_k: int
    ) -> list[tuple[str, float]]:
        self._catch_up(index)
        with self.lock.read():
            hits = self.engine.indexes(index).vectors.search(query, filters, top_k)
        names = self._external_ids(index, [h.doc_id for h in hits])
        return [(names[h.doc_id], round(float(h.score), 4)) for h in hits if h.doc_id in names]

    def _catch_up(self, index: IndexName) -> None:
        """FAISS files another process saved since this one read them are loaded before searching."""
        store = self.engine.indexes(index).vectors
        if isinstance(store, FaissVectorIndex) and store.is_stale():
            with self.lock.write():
                store.reload_if_stale()

    def upsert(
        self, index: IndexName, items: Sequence[tuple[str, Sequence[float] | None]]
    ) -> tuple[list[str], int]:
        """(Re)index the stored documents ``items`` name with the model's embeddings.

        Raises:
            UnknownIdsError: some ids are not in the store (nothing is written).
            VectorDimensionError, ZeroVectorError: a malformed vector (nothing is written).
            VectorMismatchError: a given vector is not the embedding of the stored document.
        """
        if not self.writes_enabled:
            raise IndexWritesDisabledError()
        with self._writing(f"upsert {index}", index):
            last = {ext_id: vec for ext_id, vec in items}  # the last occurrence of an id wins
            doc_ids = self._doc_ids(index, list(last))
            missing = [i for i in last if i not in doc_ids]
            if missing:
                raise UnknownIdsError(index, missing)
            given = {
                i: self.embeddings.query_vector(v, f"items[{i}].vector")
                for i, v in last.items()
                if v is not None
            }
            ordered = list(last)
            indexer = self.engine.indexer(index)
            plan = indexer.plan([doc_ids[i] for i in ordered])
            if plan.todo:
                plan.vectors[plan.todo] = self.embeddings.embed([plan.docs[i].embed_text for i in plan.todo])
            row_of = {d.doc_id: row for row, d in enumerate(plan.docs)}
            differing = []
            for ext_id, vec in given.items():
                model = plan.vectors[row_of[doc_ids[ext_id]]]
                cosine = float(np.dot(vec, model) / max(float(np.linalg.norm(model)), 1e-12))
                if cosine < CALLER_VECTOR_AGREEMENT:
                    differing.append((ext_id, cosine))
            if differing:
                raise VectorMismatchError(differing)
            with self.lock.write():
                indexer.apply(plan)
                indexer.flush()
                return ordered, self.engine.indexes(index).vectors.count()

    def delete(self, index: IndexName, ids: Sequence[str]) -> DeleteOutcome:
        """Delete the documents of known ids from the store and every index; unknown ids are reported."""
        if not self.writes_enabled:
            raise IndexWritesDisabledError()
        with self._writing(f"delete {index}", index):
            wanted = list(dict.fromkeys(ids))
            doc_ids = self._doc_ids(index, wanted)
            unknown = [i for i in wanted if i not in doc_ids]
            with self.lock.write():
                store = self.engine.indexes(index).vectors
                with store.writing():
                    indexed = set(store.hashes())
                known = [i for i in wanted if i in doc_ids]
                if index == "offers":
                    self.engine.pipeline.delete(known)
                else:
                    for ext_id in known:
                        self.engine.forget(ext_id)  # everywhere, as `bassin forget candidate`
                not_indexed = [i for i in known if doc_ids[i] not in indexed]
                deleted = [i for i in known if doc_ids[i] in indexed]
                return DeleteOutcome(deleted, not_indexed, unknown, store.count())

    def counts(self) -> dict[str, tuple[int, str]]:
        """Vectors and index type of each collection."""
        with self.lock.read():
            out: dict[str, tuple[int, str]] = {}
            for name in COLLECTIONS:
                vectors = self.engine.indexes(name).vectors
                out[name] = (vectors.count(), vectors.mode)
            return out

    # --- id mapping ---------------------------------------------------------------------------
    def _external_ids(self, index: IndexName, doc_ids: list[int]) -> dict[int, str]:
        if index == "offers":
            return self.engine.offers.external_ids(doc_ids)
        return {row.id: row.external_id for row in self.engine.candidates.get_many(doc_ids)}

    def _doc_ids(self, index: IndexName, ids: list[str]) -> dict[str, int]:
        if index == "offers":
            return {ext_id: row.id for ext_id, row in self.engine.offers.get_by_external_ids(ids).items()}
        out = {}
        for ext_id in ids:
            row = self.engine.candidates.get_by_external_id(ext_id)
            if row is not None:
                out[ext_id] = row.id
        return out
