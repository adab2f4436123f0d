"""Schema migrations of the system of record (Alembic, scripts shipped inside the package).

``upgrade`` brings any database to the latest revision: an empty one, one at an older revision, or one
created by ``metadata.create_all`` before migrations existed (recognised by its tables and stamped with
the revision it matches). Already at the latest revision, it costs one query.

Example:
    >>> upgrade("sqlite:///var/bassin.db")
    >>> current_revision("sqlite:///var/bassin.db")
    '0002'

After changing a model, ``new_revision("add x")`` diffs the models against a scratch SQLite database at
head and writes ``migrations/versions/000N_add_x.py``: review it, then commit it with the model.
"""

from __future__ import annotations

import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, inspect, pool, text

from store.models import Base

if TYPE_CHECKING:  # Alembic costs ~0.4 s to import: only a migration (or a diff) loads it
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# Databases created by ``create_all`` before migrations existed: the tables each revision added, oldest
# first. Such a database is stamped with the latest revision whose tables (and earlier ones') it all has.
LEGACY_REVISIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("0001", frozenset({"offers", "offer_skills", "embeddings"})),
    ("0002", frozenset({"candidates", "candidate_personal_data"})),
    ("0003", frozenset({"match_cache_entries", "match_results"})),
    (
        "0004",
        frozenset(
            {
                "offer_interactions",
                "chat_users",
                "chat_threads",
                "chat_steps",
                "chat_elements",
                "chat_feedbacks",
            }
        ),
    ),
)

# Any constant works: it only has to be the same for every process migrating the same PostgreSQL database.
_PG_LOCK_KEY = 0x62A551_0001

# Alembic's ``context`` and ``op`` are process-wide proxies: one migration at a time per process.
_ALEMBIC = threading.Lock()


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    """An in-code Alembic configuration (no ``alembic.ini``): scripts from the package, this database."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


_REVISION_LINE = re.compile(r"^(down_revision|revision)(?:\s*:[^=]*)?\s*=\s*(.+?)\s*$", re.MULTILINE)


@cache
def head_revision() -> str:
    """The latest revision shipped with the package: the one no other revision revises.

    Read from the scripts' ``revision = "…"`` / ``down_revision = "…"`` lines, without importing Alembic
    (``alembic_head_revision`` asks Alembic itself; a test keeps both in agreement).
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values = {m[1]: m[2] for m in _REVISION_LINE.finditer(script.read_text(encoding="utf-8"))}
        if "revision" not in values:
            continue
        revisions.add(values["revision"].strip("'\""))
        down = values.get("down_revision", "None").strip("'\"")
        if down != "None":
            revised.add(down)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"expected one head revision in {MIGRATIONS_DIR}, found {sorted(heads)}")
    return heads.pop()


def alembic_head_revision() -> str | None:
    """The head revision as Alembic reads it from the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(target: str | Engine) -> None:
    """Migrate the database (a SQLAlchemy URL or engine) to the latest revision; idempotent.

    Safe when several processes start together: the migration is one transaction under a lock (a
    PostgreSQL advisory lock, SQLite's write lock); the others wait, then find the schema at head.
    """
    with _connection(target) as conn:
        if _revision(conn) == head_revision():  # the usual case, and no lock taken
            return
        _lock_schema(conn)
        current = _revision(conn)  # again: another process may have migrated while we waited
        if current == head_revision():
            return
        from alembic import command

        with _ALEMBIC:
            cfg = alembic_config(connection=conn)
            if current is None:
                legacy = _legacy_revision(conn)
                if legacy is not None:
                    command.stamp(cfg, legacy)
            command.upgrade(cfg, "head")


def current_revision(target: str | Engine) -> str | None:
    """The revision the database is at; None when it was never migrated (empty, or created by create_all)."""
    with _connection(target) as conn:
        return _revision(conn)


def schema_differences(target: str | Engine) -> list[object]:
    """What differs between the database and the models (Alembic's autogenerate diff); empty when in sync."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with _connection(target) as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


@contextmanager
def _connection(target: str | Engine) -> Iterator[Connection]:
    """A connection inside a transaction, committed at the end; a URL gets a throwaway engine."""
    if isinstance(target, Engine):
        with target.begin() as conn:
            yield conn
        return
    engine = create_engine(target, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _lock_schema(conn: Connection) -> None:
    """Hold the database's migration lock until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite opens no transaction for DDL by itself: take the write lock now, DDL included
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _revision(conn: Connection) -> str | None:
    """The revision recorded in ``alembic_version`` (what Alembic's ``get_current_revision`` reads)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:
        raise RuntimeError(f"several schema heads recorded: {versions}")  # Alembic says the same
    return versions[0] if versions else None


def _legacy_revision(conn: Connection) -> str | None:
    tables = set(inspect(conn).get_table_names())
    matched = None
    for revision, created in LEGACY_REVISIONS:
        if not created <= tables:
            break
        matched = revision
    return matched


def new_revision(message: str) -> Path:
    """Autogenerate the next revision from the models (diffed against a scratch database at head)."""
    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}", poolclass=pool.NullPool)
        try:
            upgrade(engine)
            with engine.begin() as conn:
                cfg = alembic_config(connection=conn)
                cfg.set_section_option("post_write_hooks", "hooks", "ruff")
                cfg.set_section_option("post_write_hooks", "ruff.type", "exec")
                cfg.set_section_option("post_write_hooks", "ruff.executable", sys.executable)
                cfg.set_section_option(
                    "post_write_hooks", "ruff.options", "-m ruff format REVISION_SCRIPT_FILENAME"
                )
                script = command.revision(
                    cfg,
                    message=message,
                    autogenerate=True,
                    rev_id=f"{int(head_revision()) + 1:04d}",
                )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic did not write exactly one revision")
    return Path(script.path)
