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
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REFERENTIALS_CODE = tuple(sorted(Path(__file__).resolve().parent.rglob("*.py")))
"""The code that builds the referentials: any change to it invalidates every cached referential."""

_FORMAT = 1  # bump when the layout of the cache itself changes
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
    ) -> T:
        """The object ``build()`` returns, read from the cache when its sources are unchanged.

        Args:
            name: a short file-name-safe name for the object ("gazetteer").
            build: builds the object from its sources; called when the cache has no current copy.
            files: the data files ``build`` reads.
            code: the code ``build`` runs (default: the ``referentials`` package).
            extra: anything else the object depends on (a library version).
        """
        path = self.path(name, self.key(files, code, extra))
        collecting = gc.isenabled()
        gc.disable()  # a load creates ~10^5 objects and no garbage: collections would only cost (~30 %)
        try:
            with path.open("rb") as fh:
                value: T = pickle.load(fh)
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
        self._write(name, path, value)
        return value

    def _write(self, name: str, path: Path, value: object) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
            return  # a read-only or full disk: the next start builds again, nothing else changes
        # Older versions go after a while, not at once: two checkouts of different code may share the cache.
        cutoff = time.time() - STALE_AFTER_S
        for stale in self.directory.glob(f"{name}-*.pickle"):
            with contextlib.suppress(OSError):
                if stale != path and stale.stat().st_mtime < cutoff:
                    stale.unlink()


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
