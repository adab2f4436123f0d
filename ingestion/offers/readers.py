"""Read France Travail API objects from .json (array), .jsonl or .jsonl.gz, one item at a time.

A line that is not valid JSON is yielded as a ``RawItem`` with an error, never raised: one bad
record must not abort a batch.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from domain.errors import InputFormatError


@dataclass(frozen=True, slots=True)
class RawItem:
    """One record as read: its position (``file:line`` or ``file[index]``) and payload or error."""

    position: str
    payload: dict[str, Any] | None
    error: str | None = None


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def read_offer_items(path: Path) -> Iterator[RawItem]:
    """Yield the records of a file; a directory yields the records of every supported file in it."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if _supported(p))
        if not files:
            raise InputFormatError(f"Aucun fichier .json, .jsonl ou .jsonl.gz dans {path}")
        for f in files:
            yield from read_offer_items(f)
        return
    if not path.exists():
        raise InputFormatError(f"Fichier introuvable : {path}")
    if not _supported(path):
        raise InputFormatError(
            f"Format non pris en charge : {path.name} (attendu : .json, .jsonl, .jsonl.gz, .json.gz)"
        )
    name = path.name.removesuffix(".gz")
    try:
        if name.endswith(".jsonl"):
            yield from _read_jsonl(path)
        else:
            yield from _read_json_array(path)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"Lecture impossible de {path} : {exc}") from exc


def count_items(path: Path) -> int | None:
    """Cheap record count for a progress bar (lines of JSONL files); None when unknown."""
    if path.is_dir():
        counts = [count_items(p) for p in sorted(path.iterdir()) if _supported(p)]
        return None if any(c is None for c in counts) else sum(c or 0 for c in counts)
    if path.name.removesuffix(".gz").endswith(".jsonl"):
        try:
            with _open_text(path) as fh:
                return sum(1 for line in fh if line.strip())
        except (OSError, EOFError, UnicodeDecodeError):
            return None
    return None


def _supported(path: Path) -> bool:
    name = path.name.removesuffix(".gz")
    return path.is_file() and (name.endswith(".jsonl") or name.endswith(".json"))


def _read_jsonl(path: Path) -> Iterator[RawItem]:
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            pos = f"{path.name}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawItem(pos, None, f"JSON invalide ({exc.msg}, colonne {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield RawItem(pos, None, f"objet JSON attendu, trouvé {type(obj).__name__}")
                continue
            yield RawItem(pos, obj)


def _read_json_array(path: Path) -> Iterator[RawItem]:
    with _open_text(path) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise InputFormatError(
                f"{path.name} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}). "
                "Pour un fichier d'une offre par ligne, utilisez l'extension .jsonl."
            ) from exc
    if isinstance(data, dict):
        # The France Travail search endpoint wraps offers as {"resultats": [...]}.
        data = data.get("resultats", [data])
    if not isinstance(data, list):
        raise InputFormatError(f"{path.name} : un tableau JSON d'offres est attendu.")
    for i, obj in enumerate(data):
        pos = f"{path.name}[{i}]"
        if isinstance(obj, dict):
            yield RawItem(pos, obj)
        else:
            yield RawItem(pos, None, f"objet JSON attendu, trouvé {type(obj).__name__}")
