"""What the HTTP API does, over the live engine: offer details, embeddings, FAISS reads and writes.

Every method is synchronous and thread-safe; the app calls them with ``asyncio.to_thread``. FAISS allows
concurrent searches but no search during a write: searches take the read side of ``ReadWriteLock`` and
``/faiss`` writes its write side. The embedding model is called by one thread at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from api.errors import (
    IndexWritesDisabledError,
    UnknownIdsError,
    VectorDimensionError,
    ZeroVectorError,
)
from api.schemas import IndexName
from app.runtime import COLLECTIONS, Engine
from domain.documents import IndexDocument
from domain.errors import InvalidQueryError
from domain.search import SearchFilters
from retrieval.embeddings import EmbeddingProvider
from services.offer_details import OfferDetails, offer_details_from_row
from store.candidates import candidate_document
from store.offers import OfferRepository, offer_document


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


class VectorIndexService:
    """Search, upsert and delete in the FAISS index of a collection, by external id.

    Writes change the FAISS index only (the SQL store stays the system of record) and are saved at once;
    the vector of an upsert is the caller's, or the model's encoding of the stored document.
    """

    def __init__(
        self,
        engine: Engine,
        embeddings: EmbeddingService,
        lock: ReadWriteLock,
        *,
        writes_enabled: bool = True,
    ) -> None:
        self.engine = engine
        self.embeddings = embeddings
        self.lock = lock
        self.writes_enabled = writes_enabled

    def search(
        self, index: IndexName, vector: Sequence[float], filters: SearchFilters | None, top_k: int
    ) -> list[tuple[str, float]]:
        return self.search_vector(index, self.embeddings.query_vector(vector, "vector"), filters, top_k)

    def search_vector(
        self, index: IndexName, query: np.ndarray, filters: SearchFilters | None, top_k: int
    ) -> list[tuple[str, float]]:
        with self.lock.read():
            hits = self.engine.indexes(index).vectors.search(query, filters, top_k)
        names = self._external_ids(index, [h.doc_id for h in hits])
        return [(names[h.doc_id], round(float(h.score), 4)) for h in hits if h.doc_id in names]

    def upsert(
        self, index: IndexName, items: Sequence[tuple[str, Sequence[float] | None]]
    ) -> tuple[list[str], int]:
        """Index the stored documents ``items`` name, with the given vectors or encoded ones.

        Raises:
            UnknownIdsError: some ids are not in the store (nothing is written).
            VectorDimensionError, ZeroVectorError: a bad vector (nothing is written).
        """
        if not self.writes_enabled:
            raise IndexWritesDisabledError()
        last = {ext_id: vec for ext_id, vec in items}  # the last occurrence of an id wins
        docs = self._documents(index, list(last))
        missing = [i for i in last if i not in docs]
        if missing:
            raise UnknownIdsError(index, missing)
        given = {
            i: self.embeddings.query_vector(v, f"items[{i}].vector") for i, v in last.items() if v is not None
        }
        to_encode = [i for i in last if i not in given]
        if to_encode:
            encoded = self.embeddings.embed([docs[i].embed_text for i in to_encode])
            given.update(zip(to_encode, encoded, strict=True))
        ordered = list(last)
        vectors = np.stack([given[i] for i in ordered]).astype(np.float32)
        with self.lock.write():
            store = self.engine.indexes(index).vectors
            store.upsert([docs[i] for i in ordered], vectors)
            store.save()
            return ordered, store.count()

    def delete(self, index: IndexName, ids: Sequence[str]) -> DeleteOutcome:
        """Remove the vectors of known ids; unknown and unindexed ids are reported, not errors."""
        if not self.writes_enabled:
            raise IndexWritesDisabledError()
        wanted = list(dict.fromkeys(ids))
        doc_ids = self._doc_ids(index, wanted)
        unknown = [i for i in wanted if i not in doc_ids]
        with self.lock.write():
            store = self.engine.indexes(index).vectors
            present = set(np.intersect1d(store.ids(), np.fromiter(doc_ids.values(), dtype=np.int64)).tolist())
            deleted = [i for i in wanted if doc_ids.get(i) in present]
            if deleted:
                store.delete([doc_ids[i] for i in deleted])
                store.save()
            not_indexed = [i for i in wanted if i in doc_ids and i not in deleted]
            return DeleteOutcome(deleted, not_indexed, unknown, store.count())

    def counts(self) -> dict[str, tuple[int, str]]:
        """Vectors and FAISS mode of each collection's index."""
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

    def _documents(self, index: IndexName, ids: list[str]) -> dict[str, IndexDocument]:
        if index == "offers":
            return {
                ext_id: offer_document(row)
                for ext_id, row in self.engine.offers.get_by_external_ids(ids).items()
            }
        out = {}
        for ext_id in ids:
            row = self.engine.candidates.get_by_external_id(ext_id)
            if row is not None:
                out[ext_id] = candidate_document(row)
        return out

    def _doc_ids(self, index: IndexName, ids: list[str]) -> dict[str, int]:
        if index == "offers":
            return {ext_id: row.id for ext_id, row in self.engine.offers.get_by_external_ids(ids).items()}
        out = {}
        for ext_id in ids:
            row = self.engine.candidates.get_by_external_id(ext_id)
            if row is not None:
                out[ext_id] = row.id
        return out
