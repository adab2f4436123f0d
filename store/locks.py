"""One writer at a time per data directory and database, taken before anything is written.

Two locks, both released by the operating system or the server when the holder dies (``kill -9``
included), so a crash never leaves a stale lock behind:

- an ``flock`` on ``<data_dir>/.writer.lock`` (the FAISS files and the embedded lexical index live there);
- on PostgreSQL, a session advisory lock (several machines writing to one database).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from domain.errors import WriterBusyError
from store.db import Database

LOCK_FILE = ".writer.lock"
_PG_WRITER_KEY = 0x62A551_0019  # shared by every Bassin process (migrations use ..._0001)


SHORT_HOLDER = "short"
"""Second line of the lock file of a holder that keeps it for one request (the API server)."""


@contextmanager
def exclusive_writer(
    db: Database, data_dir: Path, what: str, *, short: bool = False, wait_s: float = 0.0
) -> Iterator[None]:
    """Hold the writer lock for the block, or fail.

    Args:
        what: who holds it, shown to the writers it refuses (``bassin ingest offers``).
        short: this holder keeps the lock for one request (an API write), so others wait for it.
        wait_s: how long to wait before failing: for a short holder only, or for any holder when
            this one is short itself (an API write waits a moment, then answers 503). A long holder
            (an ingest, a sync) is refused at once to a command-line writer.

    Raises:
        WriterBusyError: another process holds it (its command and pid are in the message).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    deadline = time.monotonic() + wait_s
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder, _, kind = os.pread(fd, 300, 0).decode("utf-8", "replace").strip().partition("\n")
                if time.monotonic() >= deadline or not (short or kind == SHORT_HOLDER):
                    raise WriterBusyError(holder or "?") from None
                time.sleep(_POLL_S)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what}, pid {os.getpid()}{chr(10) + SHORT_HOLDER if short else ''}".encode(), 0)
        with _database_lock(db, what, deadline if short else None):
            yield
    finally:
        os.close(fd)  # closing releases the flock


_POLL_S = 0.02


@contextmanager
def _database_lock(db: Database, what: str, deadline: float | None) -> Iterator[None]:
    if db.dialect != "postgresql":
        yield  # SQLite lives in the data dir: the file lock covers it
        return
    with db.engine.connect() as conn:
        while not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_WRITER_KEY}):
            if deadline is None or time.monotonic() >= deadline:
                raise WriterBusyError(f"{what} sur une autre machine")
            time.sleep(_POLL_S)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_WRITER_KEY})
            conn.commit()
