"""On-disk layout of a vector index directory, written one generation at a time.

A directory holds ``manifest.json`` and the files of the generation it names::

    manifest.json           model id, dimension, mode, counts, and the file names below
    vectors.<gen>.npy       float32 (count, dim), rows aligned with the attribute table
    attributes.<gen>.npz    the attribute table
    faiss.<gen>.index       the trained IVF index (approximate mode only)

Every file is written under a temporary name, flushed and renamed; the manifest is renamed last.
A crash at any point leaves the previous manifest naming complete files, so the previous
generation still opens; files of unfinished generations are removed by the next save.
One writer at a time (the sync); readers only read the files a manifest names.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
_GENERATION_FILE = re.compile(r"^(vectors|attributes|faiss)\.\d+\.(npy|npz|index)$")
_TEMP_FILE = re.compile(r"^\..+\.tmp-\d+$")

Mode = Literal["flat", "ivf"]


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` records about one saved generation."""

    model_id: str
    dim: int
    generation: int
    mode: Mode
    count: int
    trained_count: int = 0
    nlist: int = 0
    files: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT_VERSION
    metric: str = "inner_product"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse and validate; raises ValueError on anything unexpected."""
        raw: Any = json.loads(text)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"unknown manifest format {raw.get('format') if isinstance(raw, dict) else raw!r}"
            )
        try:
            manifest = cls(
                model_id=str(raw["model_id"]),
                dim=int(raw["dim"]),
                generation=int(raw["generation"]),
                mode=raw["mode"],
                count=int(raw["count"]),
                trained_count=int(raw.get("trained_count", 0)),
                nlist=int(raw.get("nlist", 0)),
                files={str(k): str(v) for k, v in dict(raw["files"]).items()},
                metric=str(raw.get("metric", "inner_product")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"incomplete manifest: {exc}") from exc
        if manifest.mode not in ("flat", "ivf") or manifest.metric != "inner_product":
            raise ValueError(f"unsupported mode/metric {manifest.mode}/{manifest.metric}")
        if any(not _GENERATION_FILE.match(name) for name in manifest.files.values()):
            raise ValueError("manifest names unexpected files")
        return manifest


def generation_files(generation: int, mode: Mode) -> dict[str, str]:
    """File names of one generation, by role."""
    files = {"vectors": f"vectors.{generation}.npy", "attributes": f"attributes.{generation}.npz"}
    if mode == "ivf":
        files["faiss"] = f"faiss.{generation}.index"
    return files


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of ``directory``, None when there is none. Raises ValueError/OSError if unreadable."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        return None
    return Manifest.from_json(path.read_text(encoding="utf-8"))


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Atomically replace the manifest: this commits the generation it names."""
    data = manifest.to_json().encode()
    write_atomic(directory / MANIFEST_NAME, lambda fh: fh.write(data))
    fsync_directory(directory)


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename it in place."""
    temp = temp_path(path)
    try:
        with open(temp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_atomic_with(path: Path, write_to: Callable[[str], None]) -> None:
    """Like ``write_atomic`` for writers that take a file name (``faiss.write_index``)."""
    temp = temp_path(path)
    try:
        write_to(str(temp))
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def fsync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_files(directory: Path, keep: set[str]) -> list[str]:
    """Delete generation and temporary files not named in ``keep`` (older or unfinished saves);
    returns the names removed."""
    removed = []
    for entry in sorted(directory.iterdir()):
        name = entry.name
        if name not in keep and (_GENERATION_FILE.match(name) or _TEMP_FILE.match(name)):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(name)
    return removed
