"""Persisted FAISS vector index of one collection, with exact structured pre-filtering.

Two modes, chosen by size:
- "flat" while n <= ``exact_threshold``: exact inner products over the stored float32 vectors
  with FAISS's kernel (``knn_inner_products_by_idx``), no second copy in an ``IndexFlatIP``
  (measured at 50k x 512: 3.6-7 ms per query against 6-10 ms for ``IndexFlatIP`` on one thread);
- "ivf" above: ``IndexIVFScalarQuantizer`` SQ8 with about 4·sqrt(n) lists, retrained by
  ``rebuild`` (automatically once the collection doubled since the last training).

Memory, for n documents of dimension d (1M x 512 in brackets; 2.9 GB RSS measured after open):
- the float32 vectors, rows aligned with the attribute table: 4·n·d bytes [2.0 GB], grown by
  25% steps. They make exact mode and selective filtered searches exact, re-rank the SQ8
  candidates exactly, serve ``get_vectors`` and let ``rebuild`` retrain without re-encoding;
- IVF-SQ8 codes, n·d bytes [0.5 GB], plus ids and the id hashtable;
- the attribute table: ~150 bytes per document plus ~16 per keyword value [~0.35 GB].

Search paths (every hit satisfies the filters: rows and selectors come from the attribute table):
- exact mode: top-k over all rows, or over the allowed rows;
- IVF, no filter: ``nprobe`` lists, 2·limit SQ8 candidates re-ranked exactly;
- IVF, filter allowing at most ``exact_subset_max`` documents: exact top-k over those rows;
- IVF, broader filter: FAISS restricted to the allowed ids by a selector, ``nprobe`` scaled by
  1/selectivity and widened until ``limit`` hits are found (a full scan at worst), re-ranked.
Searches run FAISS on one OpenMP thread (see ``faiss_backend.single_threaded``).

Not thread-safe for writes; concurrent ``search`` calls are fine between writes.
"""

from __future__ import annotations

import fcntl
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import faiss
import numpy as np

from domain import crash_points
from domain.documents import IndexDocument
from domain.errors import IndexCorruptedError, ModelMismatchError
from domain.search import SearchFilters
from retrieval.vector.attributes import AttributeTable
from retrieval.vector.base import VectorHit, as_matrix
from retrieval.vector.faiss_backend import (
    add_in_chunks,
    best_hits,
    build_ivf,
    default_nlist,
    exact_top,
    id_selector,
    ivf_nlist,
    read_ivf_index,
    remove_ids,
    search_ivf,
    single_threaded,
    write_index,
)
from retrieval.vector.persistence import (
    MANIFEST_NAME,
    Manifest,
    Mode,
    generation_files,
    read_manifest,
    remove_stale_files,
    write_atomic,
    write_atomic_with,
    write_manifest,
)

_LOAD_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, RuntimeError, UnicodeDecodeError)
# IVF candidates fetched per requested hit, re-ranked with the exact float32 vectors.
_RERANK_FACTOR = 2
_COMPACT_CHUNK = 65_536
_WRITER_LOCK = ".writer.lock"


class FaissVectorIndex:
    """Inner-product vector index of one collection, persisted in a directory.

    Ids are the documents' ``doc_id`` (int64); vectors are float32, L2-normalised by the caller,
    so scores are cosine similarities.

    Example:
        >>> index = FaissVectorIndex.open(data_dir / "indexes/offers/faiss", model_id="m", dim=512)
        >>> index.upsert(docs, vectors)
        >>> index.save()
        >>> index.search(query_vector, SearchFilters(contracts=["CDI"]), limit=10)
        [VectorHit(doc_id=42, score=0.83), ...]
    """

    backend: Final = "faiss"

    def __init__(
        self,
        path: Path,
        *,
        model_id: str,
        dim: int,
        exact_threshold: int = 50_000,
        nlist: int | None = None,
        nprobe: int = 32,
        exact_subset_max: int = 20_000,
    ) -> None:
        """An empty, unsaved index; use ``open`` to create or load a persisted one."""
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.path = Path(path)
        self.model_id = model_id
        self.dim = dim
        self.exact_threshold = exact_threshold
        self.nprobe = nprobe
        self.exact_subset_max = exact_subset_max
        self._nlist_setting = nlist
        self._generation = 0
        self._table = AttributeTable()
        self._vectors = np.empty((0, dim), dtype=np.float32)
        self._ivf: faiss.Index | None = None  # None: exact mode
        self._trained_count = 0

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        model_id: str,
        dim: int,
        exact_threshold: int = 50_000,
        nlist: int | None = None,
        nprobe: int = 32,
        exact_subset_max: int = 20_000,
    ) -> FaissVectorIndex:
        """Load the index saved in ``path``, or create (and save) an empty one.

        Args:
            path: directory of this collection's index, e.g. ``<data_dir>/indexes/offers/faiss``.
            model_id: embedding model id; must equal the one the index was built with.
            dim: vector dimension; must equal the index's.
            exact_threshold: above this many documents, switch from exact search to IVF.
            nlist: IVF lists; default about 4·sqrt(n) at (re)build time.
            nprobe: IVF lists scanned by an unfiltered search.
            exact_subset_max: filtered searches allowing at most this many documents score them exactly.

        Raises:
            ModelMismatchError: the index was built with another model id or dimension.
            IndexCorruptedError: the files cannot be read or are inconsistent.
        """
        index = cls(
            path,
            model_id=model_id,
            dim=dim,
            exact_threshold=exact_threshold,
            nlist=nlist,
            nprobe=nprobe,
            exact_subset_max=exact_subset_max,
        )
        for attempt in range(2):
            try:
                manifest = read_manifest(index.path)
            except _LOAD_ERRORS as exc:
                raise _corrupted(index.path, exc) from exc
            if manifest is None:
                index.path.mkdir(parents=True, exist_ok=True)
                index.save()
                break
            if (manifest.model_id, manifest.dim) != (model_id, dim):
                raise ModelMismatchError(str(index.path), manifest.model_id, manifest.dim, model_id, dim)
            try:
                index._load(manifest)
                break
            except FileNotFoundError as exc:
                # A save may have replaced this generation between reading the manifest and its
                # files: read the new manifest once more.
                if attempt:
                    raise _corrupted(index.path, exc) from exc
        return index

    @contextmanager
    def writing(self) -> Iterator[bool]:
        """Hold the directory's writer lock (an ``flock``, so across processes) and catch up first.

        Yields True when another process saved a newer generation since this one read the files: the
        in-memory state was replaced by it, and the caller must re-apply its own pending changes (from
        SQL, the system of record) before ``save``. Without this, a long-lived process (the API
        server) would write back its stale copy and resurrect or drop other processes' documents.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / _WRITER_LOCK, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield self.reload_if_stale()
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def is_stale(self) -> bool:
        """True when the directory holds a generation other than the one in memory (cheap: reads the manifest)."""
        try:
            manifest = read_manifest(self.path)
        except _LOAD_ERRORS:
            return False
        return manifest is not None and manifest.generation != self._generation

    def reload_if_stale(self) -> bool:
        """Load the generation on disk when it is not the one in memory; True when it did."""
        for attempt in range(2):
            try:
                manifest = read_manifest(self.path)
            except _LOAD_ERRORS as exc:
                raise _corrupted(self.path, exc) from exc
            if manifest is None or manifest.generation == self._generation:
                return False
            if (manifest.model_id, manifest.dim) != (self.model_id, self.dim):
                raise ModelMismatchError(
                    str(self.path), manifest.model_id, manifest.dim, self.model_id, self.dim
                )
            try:
                self._load(manifest)
                return True
            except FileNotFoundError as exc:
                if attempt:
                    raise _corrupted(self.path, exc) from exc
        return False

    def remove_leftovers(self) -> list[str]:
        """Remove the files a save killed midway left (temporaries, a generation no manifest names, the
        previous generation when the kill came right after the manifest); call under ``writing``.
        Returns the file names removed."""
        try:
            manifest = read_manifest(self.path)
        except _LOAD_ERRORS as exc:
            raise _corrupted(self.path, exc) from exc
        if manifest is None or not self.path.is_dir():
            return []
        return remove_stale_files(self.path, {MANIFEST_NAME, *manifest.files.values()})

    def reindex(self, items: Iterable[tuple[IndexDocument, np.ndarray]]) -> None:
        """Rebuild from ``items`` and save one new generation (readers keep the previous one until then)."""
        self.clear()
        docs: list[IndexDocument] = []
        vecs: list[np.ndarray] = []
        for doc, vec in items:
            docs.append(doc)
            vecs.append(vec)
            if len(docs) >= _COMPACT_CHUNK:
                self.upsert(docs, np.stack(vecs))
                docs, vecs = [], []
        if docs:
            self.upsert(docs, np.stack(vecs))
        self.rebuild()
        crash_points.reached("reindex.vectors-filled")
        self.save()

    def close(self) -> None:
        """Nothing to release (the files are read at open). Idempotent."""

    @property
    def mode(self) -> Mode:
        """Index type: "flat" (exact) or "ivf" (approximate)."""
        return "flat" if self._ivf is None else "ivf"

    @property
    def nlist(self) -> int:
        """IVF lists (0 in exact mode)."""
        return 0 if self._ivf is None else ivf_nlist(self._ivf)

    @property
    def needs_rebuild(self) -> bool:
        """True when the index type or IVF training no longer suits the size of the collection."""
        n = self.count()
        if self._ivf is None:
            return n > self.exact_threshold
        return n <= self.exact_threshold // 2 or n >= 2 * self._trained_count

    def count(self) -> int:
        """Documents indexed."""
        return len(self._table)

    def ids(self) -> np.ndarray:
        """Indexed doc ids, sorted (int64)."""
        return self._table.ids()

    def hashes(self) -> dict[int, str]:
        """doc id -> ``content_hash`` of the indexed version (for ``bassin sync``)."""
        return self._table.hashes()

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None:
        """Index ``docs`` with their vectors ((len(docs), dim) float32), replacing existing ids.

        When a doc id appears several times, the last occurrence wins. Crossing
        ``exact_threshold`` switches to IVF; doubling since the last IVF training retrains it.

        Raises:
            ValueError: wrong vector shape, or a negative doc id.
        """
        vecs = self._as_matrix(vectors, len(docs))
        if not docs:
            return
        ids = np.fromiter((d.doc_id for d in docs), dtype=np.int64, count=len(docs))
        if ids.min() < 0:
            raise ValueError("doc ids must not be negative (FAISS uses -1 for 'no result')")
        last = len(ids) - 1 - np.unique(ids[::-1], return_index=True)[1]
        if last.size < ids.size:
            keep = np.sort(last)
            docs, vecs, ids = [docs[i] for i in keep], vecs[keep], ids[keep]
        replaced = self._table.remove(ids)
        if replaced.size and self._ivf is not None:
            remove_ids(self._ivf, replaced)
        rows = self._table.append(docs)
        self._store_vectors(int(rows[0]), vecs)
        if self.needs_rebuild:
            self.rebuild()
        elif self._ivf is not None:
            add_in_chunks(self._ivf, vecs, ids)

    def delete(self, doc_ids: Sequence[int] | np.ndarray) -> None:
        """Remove documents by id; unknown ids are ignored."""
        removed = self._table.remove(np.asarray(doc_ids, dtype=np.int64).reshape(-1))
        if removed.size == 0:
            return
        if self._ivf is not None:
            remove_ids(self._ivf, removed)
        if self._ivf is not None and self.count() <= self.exact_threshold // 2:
            self.rebuild()
        elif self._table.dead_rows > max(self.count(), _COMPACT_CHUNK):
            self._compact()

    def clear(self) -> None:
        """Remove every document (saved by the next ``save``)."""
        self._table = AttributeTable()
        self._vectors = np.empty((0, self.dim), dtype=np.float32)
        self._ivf = None
        self._trained_count = 0

    def rebuild(self) -> None:
        """Re-create the search structure from the stored vectors: exact up to ``exact_threshold``,
        else an IVF index trained on the current vectors (e.g. after the collection doubled)."""
        self._compact()
        n = self.count()
        if n > self.exact_threshold:
            nlist = min(self._nlist_setting or default_nlist(n), n)
            ids = self._table.doc_ids_at(np.arange(n))
            self._ivf = build_ivf(self.dim, self._vectors[:n], ids, nlist)
            self._trained_count = n
        else:
            self._ivf = None
            self._trained_count = 0

    def get_vectors(self, doc_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The stored vectors of ``doc_ids``, in that order ((k, dim) float32).

        Raises:
            KeyError: some ids are not indexed.
        """
        ids = np.asarray(doc_ids, dtype=np.int64).reshape(-1)
        rows = self._table.rows_of(ids)
        if (rows < 0).any():
            raise KeyError(f"doc ids not indexed: {ids[rows < 0][:10].tolist()}")
        return self._vectors[rows]

    def search(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> list[VectorHit]:
        """The ``limit`` most similar documents satisfying ``filters``, best first.

        Args:
            vector: query, (dim,) or (1, dim), L2-normalised.
            filters: hard constraints (None or empty: none).
            limit: maximum number of hits.
        """
        if limit <= 0 or self.count() == 0:
            return []
        query = self._as_matrix(vector, 1)
        rows = None if filters is None or filters.is_empty() else self._table.allowed_rows(filters)
        with single_threaded():
            if self._ivf is None:
                return self._exact_top(query, self._table.alive_rows() if rows is None else rows, limit)
            if rows is not None and rows.size <= self.exact_subset_max:
                return self._exact_top(query, rows, limit)
            return self._search_ivf(self._ivf, query, limit, rows)

    def save(self) -> None:
        """Write a new generation atomically; the previous one stays readable until the manifest
        naming the new one is in place."""
        if self._table.dead_rows:
            self._compact()
        self.path.mkdir(parents=True, exist_ok=True)
        generation, mode, n = self._generation + 1, self.mode, self.count()
        files = generation_files(generation, mode)
        vectors = self._vectors[:n]
        write_atomic(self.path / files["vectors"], lambda fh: np.save(fh, vectors))
        crash_points.reached("faiss.vectors-written")
        write_atomic(self.path / files["attributes"], self._table.save)
        if self._ivf is not None:
            index = self._ivf
            write_atomic_with(self.path / files["faiss"], lambda name: write_index(index, name))
        manifest = Manifest(
            model_id=self.model_id,
            dim=self.dim,
            generation=generation,
            mode=mode,
            count=n,
            trained_count=self._trained_count,
            nlist=self.nlist,
            files=files,
        )
        write_manifest(self.path, manifest)
        crash_points.reached("faiss.manifest-written")
        self._generation = generation
        remove_stale_files(self.path, {MANIFEST_NAME, *files.values()})

    def _load(self, manifest: Manifest) -> None:
        files = manifest.files
        try:
            vectors = np.load(self.path / files["vectors"], allow_pickle=False)
            table = AttributeTable.load(str(self.path / files["attributes"]))
            index = (
                read_ivf_index(str(self.path / files["faiss"]), self.dim, manifest.count)
                if manifest.mode == "ivf"
                else None
            )
        except FileNotFoundError:
            raise
        except _LOAD_ERRORS as exc:
            raise _corrupted(self.path, exc) from exc
        problem = None
        if vectors.dtype != np.float32 or vectors.shape != (table.n_rows, self.dim):
            problem = f"vectors {vectors.dtype}{vectors.shape} for {table.n_rows} rows"
        elif len(table) != manifest.count or table.dead_rows:
            problem = f"{len(table)} documents, manifest says {manifest.count}"
        if problem:
            raise _corrupted(self.path, ValueError(problem))
        self._generation = manifest.generation
        self._table = table
        self._vectors = vectors
        self._ivf = index
        self._trained_count = 0 if index is None else manifest.trained_count or manifest.count

    def _search_ivf(
        self, ivf: faiss.Index, query: np.ndarray, limit: int, rows: np.ndarray | None
    ) -> list[VectorHit]:
        n = self.count()
        allowed = n if rows is None else int(rows.size)
        selector = None if rows is None else id_selector(self._table.doc_ids_at(rows), n)
        # A filter keeping a fraction s of the documents keeps about s of each list: scanning
        # nprobe / s lists finds as many candidates as an unfiltered search (bounded by nlist).
        nprobe = math.ceil(self.nprobe * n / allowed)
        k = min(allowed, _RERANK_FACTOR * limit)
        _, labels = search_ivf(ivf, query, k, selector, nprobe, want=min(limit, allowed))
        found = self._table.rows_of(labels[labels >= 0])
        return self._exact_top(query, found[found >= 0], limit)

    def _exact_top(self, query: np.ndarray, rows: np.ndarray, limit: int) -> list[VectorHit]:
        scores, top_rows = exact_top(self._vectors, query, rows, limit)
        return best_hits(scores, self._table.doc_ids_at(top_rows), limit)

    def _store_vectors(self, start: int, vecs: np.ndarray) -> None:
        end = start + len(vecs)
        if end > len(self._vectors):
            # Grow by a quarter: at 1M x 512 the slack stays under 0.5 GB (doubling would reserve 2 GB).
            capacity = max(end, len(self._vectors) + len(self._vectors) // 4, 1024)
            grown = np.empty((capacity, self.dim), dtype=np.float32)
            grown[:start] = self._vectors[:start]
            self._vectors = grown
        self._vectors[start:end] = vecs

    def _compact(self) -> None:
        if not self._table.dead_rows:
            return
        keep = self._table.compact()
        # keep is increasing, so keep[i] >= i: moving forward chunk by chunk never reads a row
        # already overwritten, and the temporary stays one chunk large.
        for start in range(0, keep.size, _COMPACT_CHUNK):
            chunk = keep[start : start + _COMPACT_CHUNK]
            self._vectors[start : start + chunk.size] = self._vectors[chunk]

    def _as_matrix(self, vectors: np.ndarray, rows: int) -> np.ndarray:
        return as_matrix(vectors, rows, self.dim)


def _corrupted(path: Path, exc: BaseException) -> IndexCorruptedError:
    return IndexCorruptedError(
        f"L'index vectoriel {path} est illisible ou incohérent ({type(exc).__name__}: {exc}). "
        "Reconstruisez-le avec `bassin sync --rebuild`. / The vector index is unreadable or "
        "inconsistent: rebuild it with `bassin sync --rebuild`."
    )
