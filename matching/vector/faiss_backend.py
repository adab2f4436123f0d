"""Building and querying the FAISS structures behind ``FaissVectorIndex``.

Two shapes, both keyed by doc id (int64):
- exact: ``IndexIDMap2(IndexFlatIP)`` while the collection is small;
- approximate: ``IndexIVFScalarQuantizer`` (SQ8, inner product) holding its own ids, with a hashtable
  direct map so ``remove_ids``/``reconstruct`` work by id. It is never wrapped in ``IndexIDMap2``,
  whose ``remove_ids`` aborts the process on IVF indexes.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

# k-means on more points per list only refines centroids a little and costs linear time.
TRAIN_POINTS_PER_LIST = 64
TRAIN_ITERATIONS = 12
# Below this many points per list faiss warns and the centroids are poor.
MIN_POINTS_PER_LIST = 39
# A dense bitmap selector (1 bit per id up to the largest id) is used while it stays this small
# relative to the collection; sparse/huge ids fall back to a hash set.
_BITMAP_BITS_PER_DOC = 64


def default_nlist(n: int) -> int:
    """About 4·sqrt(n) lists, fewer when there are too few points to train them."""
    return max(1, min(round(4 * math.sqrt(n)), n // MIN_POINTS_PER_LIST))


def build_flat(dim: int, vectors: np.ndarray, ids: np.ndarray) -> faiss.Index:
    """Exact inner-product index over ``vectors`` labelled with ``ids``."""
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if ids.size:
        index.add_with_ids(vectors, ids)
    return index


def build_ivf(dim: int, vectors: np.ndarray, ids: np.ndarray, nlist: int, *, seed: int = 1234) -> faiss.Index:
    """Train an IVF-SQ8 inner-product index on ``vectors`` and add them with their ids."""
    index = faiss.index_factory(dim, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.extract_index_ivf(index)
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
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    add_in_chunks(index, vectors, ids)
    return index


def add_in_chunks(index: faiss.Index, vectors: np.ndarray, ids: np.ndarray, chunk: int = 65_536) -> None:
    """``add_with_ids`` in slices, so a large rebuild does not hold huge assignment buffers."""
    for start in range(0, len(ids), chunk):
        index.add_with_ids(
            np.ascontiguousarray(vectors[start : start + chunk]), np.ascontiguousarray(ids[start : start + chunk])
        )


def is_ivf(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


def id_selector(ids: np.ndarray, corpus_size: int) -> faiss.IDSelector:
    """A selector accepting exactly ``ids``: a bitmap when ids are dense enough, else a hash set."""
    if ids.size and ids.min() >= 0:
        top = int(ids.max()) + 1
        if top <= _BITMAP_BITS_PER_DOC * max(corpus_size, 1) + (1 << 20):
            bits = np.zeros(top, dtype=bool)
            bits[ids] = True
            # IDSelectorBitmap: id i accepted iff bit (i % 8) of byte i // 8 is set.
            return faiss.IDSelectorBitmap(np.packbits(bits, bitorder="little"))
    return faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))


def search_flat(
    index: faiss.Index, query: np.ndarray, k: int, selector: faiss.IDSelector | None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact search; ``selector`` restricts the doc ids considered."""
    params = faiss.SearchParameters(sel=selector) if selector is not None else None
    scores, labels = index.search(query, k, params=params)
    return scores[0], labels[0]


def search_ivf(
    index: faiss.Index,
    query: np.ndarray,
    k: int,
    selector: faiss.IDSelector | None,
    nprobe: int,
    want: int,
) -> tuple[np.ndarray, np.ndarray]:
    """IVF search, widening ``nprobe`` (x4) until ``want`` hits are found or every list was scanned."""
    nlist = int(index.nlist)
    nprobe = max(1, min(nprobe, nlist))
    while True:
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        if selector is not None:
            params.sel = selector
        scores, labels = index.search(query, k, params=params)
        found = int(np.count_nonzero(labels[0] >= 0))
        if found >= want or nprobe >= nlist:
            return scores[0], labels[0]
        nprobe = min(nlist, nprobe * 4)
