"""Built referential indexes kept on disk in a compact binary form, so a command starts in a fraction of a second.

Building the ROME title index, the gazetteer or the skill index from their published files takes about a
second each on a small machine; unpickling the built object takes a few tens of milliseconds. A
``CompiledCache`` stores each built object as a pickle whose file name carries a hash of everything it was
built from: the content of its source files, the code that builds it, the Python version. Change any of
them and the name changes, so a stale file is never read (it is replaced by the new one).

The edge that owns the settings (``app.runtime.build_engine``) calls ``configure`` once; the process-wide
referentials (``default_gazetteer()``, ``default_rome()``...) then use that cache. Without ``configure``
nothing is written and everything is built in memory, as before.

Example:
    >>> cache = CompiledCache(Path("/tmp/bassin-cache"))  # doctest: +SKIP
    >>> cache.get("squares", lambda: {i: i * i for i in range(10)}, files=[Path("numbers.txt")])  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import mmap
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

REFERENTIALS_CODE = tuple(sorted(Path(__file__).resolve().parent.rglob("*.py")))
"""The code that builds the referentials: any change to it invalidates every cached referential."""

_FORMAT = 1  # bump when the layout of the cache itself changes
_ALIGN = 64  # each mapped array starts on a cache line, as numpy would allocate it
STALE_AFTER_S = 7 * 24 * 3600


class CompiledCache:
    """Pickles of built objects under ``directory``, keyed by the hash of their sources and code.

    Args:
        directory: where the files go (created on first write). Several processes may share it: a file
            is written under a temporary name and renamed, so a reader sees a whole file or none.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, files: Sequence[Path] = (), code: Sequence[Path] = (), extra: str = "") -> str:
        """The hash naming an object built from ``files`` by ``code`` (contents, not dates)."""
        h = hashlib.sha256(f"{_FORMAT}|{sys.version}|{pickle.HIGHEST_PROTOCOL}|{extra}".encode())
        for path in [*files, *code]:
            h.update(path.name.encode())
            h.update(b"\0")
            h.update(path.read_bytes() if path.exists() else b"<missing>")
            h.update(b"\0")
        return h.hexdigest()[:20]

    def path(self, name: str, key: str) -> Path:
        return self.directory / f"{name}-{key}.pickle"

    def get(
        self,
        name: str,
        build: Callable[[], T],
        *,
        files: Sequence[Path] = (),
        code: Sequence[Path] = REFERENTIALS_CODE,
        extra: str = "",
        mapped: bool = False,
    ) -> T:
        """The object ``build()`` returns, read from the cache when its sources are unchanged.

        Args:
            name: a short file-name-safe name for the object ("gazetteer").
            build: builds the object from its sources; called when the cache has no current copy.
            files: the data files ``build`` reads.
            code: the code ``build`` runs (default: the ``referentials`` package).
            extra: anything else the object depends on (a library version).
            mapped: keep the object's large arrays (numpy's out-of-band pickle buffers) in a side file
                mapped into memory instead of read: a load costs nothing per array, only the pages a
                process touches are read, and processes share them in the page cache. The arrays come
                back read-only.
        """
        path = self.path(name, self.key(files, code, "mapped|" + extra if mapped else extra))
        collecting = gc.isenabled()
        gc.disable()  # a load creates ~10^5 objects and no garbage: collections would only cost (~30 %)
        try:
            with path.open("rb") as fh:
                value: T = _load_mapped(fh, path) if mapped else pickle.load(fh)
            # Referentials live as long as the process: out of the collector's sight, later collections
            # do not walk their ~10^5 objects again (a full collection after a load cost ~0.3 s of CPU).
            gc.freeze()
            return value
        except FileNotFoundError:
            pass
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            pass  # a truncated or foreign file: build again and replace it
        finally:
            if collecting:
                gc.enable()
        value = build()
        self._write(name, path, value, mapped=mapped)
        return value

    def _write(self, name: str, path: Path, value: object, *, mapped: bool = False) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if mapped:
                pickled, buffers = _dump_mapped(value)
                # The arrays first: a reader that finds the pickle finds its arrays (same key, same bytes).
                self._replace(name, _buffers_path(path), buffers)
                self._replace(name, path, [pickled])
            else:
                self._replace(name, path, [pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)])
        except OSError:
            return  # a read-only or full disk: the next start builds again, nothing else changes
        # Older versions go after a while, not at once: two checkouts of different code may share the cache.
        cutoff = time.time() - STALE_AFTER_S
        for stale in [*self.directory.glob(f"{name}-*.pickle"), *self.directory.glob(f"{name}-*.arrays")]:
            with contextlib.suppress(OSError):
                if stale not in (path, _buffers_path(path)) and stale.stat().st_mtime < cutoff:
                    stale.unlink()

    def _replace(self, name: str, path: Path, chunks: Sequence[bytes | memoryview]) -> None:
        """Write ``chunks`` to ``path`` under a temporary name, then rename: readers see all or nothing."""
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _buffers_path(path: Path) -> Path:
    return path.with_suffix(".arrays")


def _dump_mapped(value: object) -> tuple[bytes, list[bytes | memoryview]]:
    """The pickle of ``value`` with its out-of-band buffers laid out, aligned, in one separate file.

    The pickle starts with the ``(offset, length)`` of each buffer in that file.
    """
    raw: list[memoryview] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        raw.append(buffer.raw())
        return False  # False: not written into the pickle

    body = pickle.dumps(value, protocol=5, buffer_callback=out_of_band)
    spans: list[tuple[int, int]] = []
    chunks: list[bytes | memoryview] = []
    offset = 0
    for buf in raw:
        pad = -offset % _ALIGN
        chunks.extend([b"\0" * pad, buf])
        offset += pad
        spans.append((offset, buf.nbytes))
        offset += buf.nbytes
    return pickle.dumps(spans, protocol=5) + body, chunks


def _load_mapped(fh: BinaryIO, path: Path) -> Any:
    """Read what ``_dump_mapped`` wrote: the buffers are read-only views of the mapped side file."""
    spans = pickle.load(fh)
    views: list[memoryview] = []
    if spans:
        with _buffers_path(path).open("rb") as side:
            # The mapping outlives the file object: the arrays keep it alive.
            mapped = mmap.mmap(side.fileno(), 0, access=mmap.ACCESS_READ)
        whole = memoryview(mapped)
        if any(offset + length > len(whole) for offset, length in spans):
            raise EOFError(f"{_buffers_path(path).name} is shorter than its pickle says")
        views = [whole[offset : offset + length] for offset, length in spans]
    return pickle.load(fh, buffers=views)


_process_cache: CompiledCache | None = None


def configure(directory: Path | None) -> None:
    """Set the cache the process-wide referentials use (None: build in memory, write nothing).

    Call it before the first ``default_*()`` referential is built (the composition root does).
    """
    global _process_cache
    _process_cache = None if directory is None else CompiledCache(directory)


def process_cache() -> CompiledCache | None:
    """The cache set by ``configure``, or None."""
    return _process_cache


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle a slotted dataclass as ``(class, field values)``.

    Dataclasses' own ``__setstate__`` for slotted classes looks the fields up again for every instance;
    on the tens of thousands of places and job titles of a referential that is most of the load time.
    Every field must be an ``__init__`` argument.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: object) -> tuple[type[T], tuple[object, ...]]:
        return cls, tuple(getattr(self, n) for n in names)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


def cached_or_built(
    name: str, build: Callable[[], T], files: Sequence[Path], cache: CompiledCache | None
) -> T:
    """``cache.get(name, build, files=files)``, or ``build()`` when there is no cache."""
    return build() if cache is None else cache.get(name, build, files=files)
