"""Offer rows kept between reads, each with the stored version it was read at (``OfferRepository.get_many``).

A version is what every write path of the repository moves: the content hash, the sync, seen and close
dates. A kept row is served again only while the stored version is the one it was read at.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from store.db import as_utc
from store.models import OfferRow

ROW_CACHE = 4096
"""Offer rows kept between reads (a search's pool is ~60 rows; a row with its skills is ~5-10 KB)."""

Version = tuple[str, datetime | None, datetime | None, datetime | None]


def version_of(
    content_hash: str, synced: datetime | None, seen: datetime | None, closed: datetime | None
) -> Version:
    def utc(d: datetime | None) -> datetime | None:
        return as_utc(d) if d is not None else None

    return (content_hash, utc(synced), utc(seen), utc(closed))


def row_version(row: OfferRow) -> Version:
    return version_of(row.content_hash, row.synced_at, row.seen_at, row.closed_at)


class RowCache:
    """Detached offer rows by doc id with the version they were read at, least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[int, tuple[Version, OfferRow]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, versions: dict[int, Version]) -> dict[int, OfferRow]:
        """The kept rows whose version is still the stored one."""
        out: dict[int, OfferRow] = {}
        with self._lock:
            for doc_id, version in versions.items():
                kept = self._rows.get(doc_id)
                if kept is not None and kept[0] == version:
                    out[doc_id] = kept[1]
                    self._rows.move_to_end(doc_id)
        return out

    def put(self, row: OfferRow, version: Version) -> None:
        with self._lock:
            self._rows[row.id] = (version, row)
            self._rows.move_to_end(row.id)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
