"""Conversation memory: a LangGraph checkpointer chosen by the store's URL.

SQLite (``<data_dir>/checkpoints.sqlite``, ``langgraph-checkpoint-sqlite``) by default. When the store is
PostgreSQL and ``langgraph-checkpoint-postgres`` is installed, threads are kept in that database; without
the package the SQLite file is used and a warning says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

CHECKPOINT_FILE = "checkpoints.sqlite"
log = logging.getLogger(__name__)


class MemorySettings(Protocol):
    """Where conversations are kept (``app.settings.Settings`` has these fields)."""

    @property
    def data_dir(self) -> Path: ...

    @property
    def resolved_database_url(self) -> str: ...


def checkpoint_path(settings: MemorySettings) -> Path:
    return settings.data_dir / CHECKPOINT_FILE


def postgres_conninfo(database_url: str) -> str | None:
    """A libpq URL for a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://`` → ``postgresql://``), else None."""
    match = re.match(r"^postgres(?:ql)?(?:\+\w+)?://", database_url)
    return "postgresql://" + database_url[match.end() :] if match else None


@asynccontextmanager
async def open_checkpointer(settings: MemorySettings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The checkpointer of ``settings``, open for the duration of the block.

    Example:
        >>> async with open_checkpointer(settings) as saver:  # doctest: +SKIP
        ...     graph = build_graph(checkpointer=saver)
    """
    conninfo = postgres_conninfo(settings.resolved_database_url)
    if conninfo is not None:
        try:
            from langgraph.checkpoint.postgres.aio import (  # type: ignore[import-not-found,unused-ignore]
                AsyncPostgresSaver,
            )
        except ImportError:
            log.warning(
                "Store is PostgreSQL but langgraph-checkpoint-postgres is not installed: conversations are "
                "kept in %s instead.",
                checkpoint_path(settings),
            )
        else:
            async with AsyncPostgresSaver.from_conn_string(conninfo) as saver:
                await saver.setup()
                yield saver
            return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(checkpoint_path(settings))) as saver:
        yield saver
