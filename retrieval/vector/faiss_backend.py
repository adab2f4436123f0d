"""FAISS pieces behind ``FaissVectorIndex``: the exact kernel, the IVF index, selectors, threads.

- Exact search (small collections, selective filters, re-ranking) runs FAISS's inner-product
  kernel over rows of the stored float32 matrix in place (``knn_inner_products_by_idx``).
- The approximate index is an ``IndexIVFScalarQuantizer`` (SQ8, inner product) holding its own
  doc ids, with a hashtable direct map so ``remove_ids``/``reconstruct`` work by id. It is never
  wrapped in ``IndexIDMap2``, whose ``remove_ids`` aborts the process on IVF indexes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import faiss
import numpy as np

from retrieval.vector.base import VectorHit

# The stubs shipped with faiss-cpu lack most SWIG signatures (kwargs of SearchParameters, numpy
# overloads, IVF attributes); calls go through this untyped alias, types stay on our functions.
_faiss: Any = faiss

# k-means on more points per list only refines centroids a little and costs linear time.
TRAIN_POINTS_PER_LIST = 40
TRAIN_ITERATIONS = 10
# Below this many points per list faiss warns and the centroids are poor.
MIN_POINTS_PER_LIST = 39
# A dense bitmap selector (1 bit per id up to the largest id) is used while it stays this small
# relative to the collection; sparse/huge ids fall back to a hash set.
_BITMAP_BITS_PER_DOC = 64


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run this thread's FAISS calls on one OpenMP thread, restoring its setting afterwards.

    A single-query search gains nothing from more threads, and on a busy 2-core machine an
    OpenMP team spinning for a descheduled peer made flat searches 3-5x slower. The OpenMP
    setting is per thread (libgomp), so training in another thread keeps every core.
    """
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def default_nlist(n: int) -> int:
    """About 4·sqrt(n) lists, fewer when there are too few points to train them."""
    return max(1, min(round(4 * math.sqrt(n)), n // MIN_POINTS_PER_LIST))


def build_ivf(dim: int, vectors: np.ndarray, ids: np.ndarray, nlist: int, *, seed: int = 1234) -> faiss.Index:
    """Train an IVF-SQ8 inner-product index on ``vectors`` and add them with their ids."""
    index: Any = faiss.index_factory(dim, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
    ivf = _faiss.extract_index_ivf(index)
    ivf.cp.niter = TRAIN_ITERATIONS
    ivf.cp.spherical = True  # centroids on the unit sphere, as the vectors are
    ivf.cp.seed = seed
    ivf.cp.max_points_per_centroid = TRAIN_POINTS_PER_LIST
    n_train = min(len(vectors), nlist * TRAIN_POINTS_PER_LIST)
    if n_train < len(vectors):
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(len(vectors), size=n_train, replace=False))
        index.train(vectors[sample])
    else:
        index.train(vectors)
    index.set_direct_map_type(_faiss.DirectMap.Hashtable)
    add_in_chunks(index, vectors, ids)
    return index


def add_in_chunks(index: faiss.Index, vectors: np.ndarray, ids: np.ndarray, chunk: int = 65_536) -> None:
    """``add_with_ids`` in slices, so a large rebuild does not hold huge assignment buffers."""
    for start in range(0, len(ids), chunk):
        index.add_with_ids(
            np.ascontiguousarray(vectors[start : start + chunk]),
            np.ascontiguousarray(ids[start : start + chunk]),
        )


def is_ivf(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


def ivf_nlist(index: faiss.Index) -> int:
    """Number of inverted lists (0 for a non-IVF index)."""
    return int(_faiss.extract_index_ivf(index).nlist) if is_ivf(index) else 0


def remove_ids(index: faiss.Index, ids: np.ndarray) -> None:
    """Remove ``ids`` (flat: O(n); IVF with hashtable direct map: O(list size) per id)."""
    # The faiss wrapper picks IDSelectorArray for hashtable IVF, as DirectMap requires.
    untyped: Any = index
    untyped.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))


def write_index(index: faiss.Index, filename: str) -> None:
    faiss.write_index(index, filename)


def read_ivf_index(filename: str, dim: int, count: int) -> faiss.Index:
    """Read an IVF index written by ``write_index``; ValueError/RuntimeError when it is not one."""
    index: Any = faiss.read_index(filename)
    if not is_ivf(index) or index.ntotal != count or index.d != dim:
        raise ValueError(f"FAISS index {filename} does not match the vectors ({index.ntotal} x {index.d})")
    ivf = _faiss.extract_index_ivf(index)
    if ivf.direct_map.type != _faiss.DirectMap.Hashtable:
        ivf.set_direct_map_type(_faiss.DirectMap.Hashtable)
    return index


def id_selector(ids: np.ndarray, corpus_size: int) -> faiss.IDSelector:
    """A selector accepting exactly ``ids``: a bitmap when ids are dense enough, else a hash set."""
    if ids.size and ids.min() >= 0:
        top = int(ids.max()) + 1
        if top <= _BITMAP_BITS_PER_DOC * max(corpus_size, 1) + (1 << 20):
            bits = np.zeros(top, dtype=bool)
            bits[ids] = True
            # IDSelectorBitmap: id i accepted iff bit (i % 8) of byte i // 8 is set.
            selector: faiss.IDSelector = _faiss.IDSelectorBitmap(np.packbits(bits, bitorder="little"))
            return selector
    batch: faiss.IDSelector = _faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))
    return batch


def exact_top(
    vectors: np.ndarray, query: np.ndarray, rows: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` inner products of ``query`` with ``vectors[rows]``, best first: (scores, rows).

    ``rows`` must be valid row numbers (faiss stops at the first negative one).

    Reads the rows in place: gathering them into a new numpy array first costs more than the
    products (fresh pages for every query).
    """
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
    if not (vectors.flags.c_contiguous and vectors.dtype == np.float32 and query.size == vectors.shape[1]):
        raise ValueError("exact_top needs C-contiguous float32 vectors of the query's dimension")
    k = min(k, rows.size)
    scores = np.empty(k, dtype=np.float32)
    found = np.empty(k, dtype=np.int64)
    if k:
        ptr = _faiss.swig_ptr
        _faiss.knn_inner_products_by_idx(
            ptr(query),
            ptr(vectors),
            ptr(rows),
            query.size,
            1,
            len(vectors),
            rows.size,
            k,
            ptr(scores),
            ptr(found),
            0,
        )
    return scores, found


def search_ivf(
    index: faiss.Index,
    query: np.ndarray,
    k: int,
    selector: faiss.IDSelector | None,
    nprobe: int,
    want: int,
) -> tuple[np.ndarray, np.ndarray]:
    """IVF search, widening ``nprobe`` (x4) until ``want`` hits are found or every list was scanned."""
    nlist = ivf_nlist(index)
    nprobe = max(1, min(nprobe, nlist))
    while True:
        params = _faiss.SearchParametersIVF(nprobe=nprobe)
        if selector is not None:
            params.sel = selector
        scores, labels = index.search(query, k, params=params)
        found = int(np.count_nonzero(labels[0] >= 0))
        if found >= want or nprobe >= nlist:
            return scores[0], labels[0]
        nprobe = min(nlist, nprobe * 4)


def best_hits(scores: np.ndarray, ids: np.ndarray, limit: int) -> list[VectorHit]:
    """Best ``limit`` (score desc, then doc id asc for ties)."""
    if scores.size > limit:
        part = np.argpartition(-scores, limit - 1)[:limit]
        scores, ids = scores[part], ids[part]
    order = np.lexsort((ids, -scores))
    return [VectorHit(doc_id=int(ids[i]), score=float(scores[i])) for i in order]
