"""One writer at a time per data directory and database, taken before anything is written.

Two locks, both released by the operating system or the server when the holder dies (``kill -9``
included), so a crash never leaves a stale lock behind:

- an ``flock`` on ``<data_dir>/.writer.lock`` (the FAISS files and the embedded lexical index live there);
- on PostgreSQL, a session advisory lock (several machines writing to one database).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from domain.errors import WriterBusyError
from store.db import Database

LOCK_FILE = ".writer.lock"
_PG_WRITER_KEY = 0x62A551_0019  # shared by every Bassin process (migrations use ..._0001)


@contextmanager
def exclusive_writer(db: Database, data_dir: Path, what: str) -> Iterator[None]:
    """Hold the writer lock for the block, or fail at once.

    Raises:
        WriterBusyError: another process holds it (its command and pid are in the message).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
            raise WriterBusyError(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what}, pid {os.getpid()}".encode(), 0)
        with _database_lock(db, what):
            yield
    finally:
        os.close(fd)  # closing releases the flock


@contextmanager
def _database_lock(db: Database, what: str) -> Iterator[None]:
    if db.dialect != "postgresql":
        yield  # SQLite lives in the data dir: the file lock covers it
        return
    with db.engine.connect() as conn:
        if not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_WRITER_KEY}):
            raise WriterBusyError(f"{what} sur une autre machine")
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_WRITER_KEY})
            conn.commit()
