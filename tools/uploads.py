"""Uploaded CVs: files under ``<data_dir>/uploads/<file_id>``, parsed once and kept in a small LRU cache."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from cv import ParsedCV, parse_cv
from domain.errors import CandidateNotFoundError
from services.candidate_search import stored_cv
from store.candidate_models import CandidateRow
from tools.errors import UnknownUploadError

# A file id is a plain file name: no separator, no "..", so it can never leave the uploads folder.
_FILE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class UploadedCVs:
    """Parses uploaded CVs by file id; a file is read once per process (CV parsing is the slow part).

    Example:
        >>> cvs = UploadedCVs(Path("var/uploads"))  # doctest: +SKIP
        >>> cvs.get("upload-3f2a.pdf").profile.title  # doctest: +SKIP
        'Développeuse Python'
    """

    def __init__(
        self,
        directory: Path,
        *,
        parse: Callable[[Path], ParsedCV] = parse_cv,
        max_cached: int = 64,
    ) -> None:
        self.directory = directory
        self._parse = parse
        self._max = max_cached
        self._cache: OrderedDict[str, ParsedCV] = OrderedDict()
        self._lock = threading.Lock()

    def path(self, file_id: str) -> Path:
        """Where the file of ``file_id`` lives.

        Raises:
            UnknownUploadError: the id is not a plain file name, or no such file exists.
        """
        if not _FILE_ID.match(file_id) or ".." in file_id:
            raise UnknownUploadError(file_id)
        path = self.directory / file_id
        if not path.is_file():
            raise UnknownUploadError(file_id)
        return path

    def get(self, file_id: str) -> ParsedCV:
        """The parsed CV of ``file_id``.

        Raises:
            UnknownUploadError: no such upload.
            CVParseError: the file cannot be read as a CV (message says why and what to do).
        """
        with self._lock:
            if file_id in self._cache:
                self._cache.move_to_end(file_id)
                return self._cache[file_id]
        parsed = self._parse(self.path(file_id))
        with self._lock:
            self._cache[file_id] = parsed
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return parsed

    def save(self, data: bytes, filename: str) -> str:
        """Store an upload and return its file id (content-addressed: same bytes, same id)."""
        suffix = Path(filename).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""
        file_id = "upload-" + hashlib.sha256(data).hexdigest()[:16] + suffix
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / file_id
        if not target.exists():
            target.write_bytes(data)
        return file_id


class _CandidateRows(Protocol):
    def get_by_external_id(self, external_id: str) -> CandidateRow | None: ...


class StoredCandidateCVs:
    """Stored candidates' profiles and CV texts (SQL; ``<data_dir>/cvs`` for older rows), to score them."""

    def __init__(self, rows: _CandidateRows, files: UploadedCVs) -> None:
        self.rows = rows
        self.files = files

    def get(self, candidate_id: str) -> ParsedCV:
        """The parsed CV of a stored candidate.

        Raises:
            CandidateNotFoundError: no such candidate, or the CV file is no longer stored.
        """
        row = self.rows.get_by_external_id(candidate_id)
        parsed = None if row is None else stored_cv(row, self.files.directory)
        if parsed is None:
            raise CandidateNotFoundError(candidate_id)
        return parsed
