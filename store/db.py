"""Engine and session factory for the system of record (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapper, Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from domain.errors import ConfigurationError
from store import migrate
from store.models import Base

T = TypeVar("T")

# Bound parameters per statement: SQLite builds before 3.32 allow 999, PostgreSQL (psycopg) 65,535.
IN_CHUNK = 900


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """Consecutive slices of ``items`` short enough for one ``IN (...)`` on every backend."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def next_id(s: Session, table: str) -> int | None:
    """The id to give the next row of ``table`` on SQLite: above every id it ever used (its live rows
    and the watermark its delete trigger keeps), so ids are never reused. None elsewhere: PostgreSQL
    sequences never go back, and the database assigns the id."""
    if s.get_bind().dialect.name != "sqlite":
        return None
    if s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'id_watermarks'")).first() is None:
        return None  # a database not migrated yet (0007 adds the table)
    used = s.execute(
        text(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            "coalesce((SELECT last_id FROM id_watermarks WHERE name = :t), 0))"
        ),
        {"t": table},
    ).scalar()
    return int(used or 0) + 1


def normalize_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use psycopg 3 (the driver Bassin installs)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _json_loads(text: str | bytes) -> Any:
    """JSON columns read back: orjson (an offer's stored ``raw`` payload is decoded at every load, a tenth
    of a ranked search's time with the standard library); the standard library for what orjson refuses
    (``NaN``, which ``json.dumps`` writes)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class Database:
    """Owns the SQLAlchemy engine. SQLite gets WAL and foreign keys; other URLs are used as given.

    Example:
        >>> db = Database("sqlite:///:memory:")
        >>> db.create_schema()
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url = normalize_url(url)
        kwargs: dict[str, object] = {"echo": echo, "future": True, "json_deserializer": _json_loads}
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_schema(self) -> None:
        """Migrate the schema to the latest revision (idempotent; one query when already there).

        A database created before migrations existed is recognised and stamped, then upgraded.

        Raises:
            ConfigurationError: the database cannot be reached.
        """
        try:
            with self.engine.connect():
                pass
        except OperationalError as exc:
            where = make_url(self.url).render_as_string(hide_password=True)
            raise ConfigurationError(
                f"Base de données injoignable ({where}) : démarrez-la (en local : `scripts/postgres.sh start`) "
                f"ou corrigez BASSIN_DATABASE_URL. / Database unreachable: {exc.orig}"
            ) from exc
        migrate.upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
    cur = dbapi_conn.cursor()
    # Switching to WAL needs the write lock and SQLite answers "locked" at once, without its busy
    # timeout, while another connection migrates: retry for a while. WAL persists in the file, so a
    # database another connection already switched is fine either way.
    for attempt in range(100):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


# --- timestamps: aware UTC in, aware UTC out, on every backend ------------------------------------------
# SQLite stores DateTime(timezone=True) without its offset and reads it back naive; PostgreSQL reads it back
# in the session's time zone. Rows therefore get UTC before they are written (naive values are taken as
# UTC) and are made aware UTC when loaded, so callers see the same values whatever the database.


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@cache
def _aware_columns(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(
        attr.key
        for attr in mapper.column_attrs
        if any(isinstance(c.type, DateTime) and c.type.timezone for c in attr.columns)
    )


@event.listens_for(Base, "load", propagate=True)
def _utc_on_load(target: Base, _context: object) -> None:
    state = target.__dict__
    for key in _aware_columns(target.__mapper__):
        value = state.get(key)
        if isinstance(value, datetime):
            set_committed_value(target, key, as_utc(value))


@event.listens_for(Base, "refresh", propagate=True)
def _utc_on_refresh(target: Base, _context: object, _attrs: object) -> None:
    _utc_on_load(target, _context)


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _utc_on_write(_mapper: Mapper[Any], _connection: object, target: Base) -> None:
    state = target.__dict__
    for key in _aware_columns(target.__mapper__):
        value = state.get(key)
        if isinstance(value, datetime) and value.tzinfo is not UTC:
            setattr(target, key, as_utc(value))
