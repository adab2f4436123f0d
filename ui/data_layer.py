"""Chainlit's SQL data layer on Bassin's own database (threads, steps, feedback: the users' history).

Chainlit's ``SQLAlchemyDataLayer`` writes raw SQL against tables named ``users``, ``threads``... Here the
same SQL runs against the ``chat_*`` tables of ``store.chat_history`` (created by migration 0004),
so that the history cannot clash with Bassin's tables; lists and dicts are sent as JSON text, which both
SQLite and PostgreSQL JSON columns accept.
"""

from __future__ import annotations

import json
import re
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient

from store.db import normalize_url

_TABLES = ("users", "threads", "steps", "elements", "feedbacks")
_TABLE_REF = re.compile(r"\b(INTO|FROM|JOIN|UPDATE)(\s+)(" + "|".join(_TABLES) + r")\b", re.IGNORECASE)
TABLE_PREFIX = "chat_"


def async_url(database_url: str) -> str:
    """The async driver URL of a store URL: aiosqlite for SQLite, psycopg (async) for PostgreSQL."""
    url = normalize_url(database_url)
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
    return url


def prefixed(query: str) -> str:
    """``query`` with Chainlit's table names replaced by the ``chat_*`` tables."""
    return _TABLE_REF.sub(lambda m: f"{m.group(1)}{m.group(2)}{TABLE_PREFIX}{m.group(3)}", query)


class BassinDataLayer(SQLAlchemyDataLayer):
    """``SQLAlchemyDataLayer`` over the ``chat_*`` tables of the store's database; ``storage`` keeps the
    elements' contents (charts, files), without which Chainlit drops them from the history."""

    def __init__(self, database_url: str, storage: BaseStorageClient | None = None) -> None:
        super().__init__(conninfo=async_url(database_url), storage_provider=storage, show_logger=False)

    async def execute_sql(self, query: str, parameters: dict[str, Any]) -> list[dict[str, Any]] | int | None:
        params = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
            for k, v in parameters.items()
        }
        return await super().execute_sql(prefixed(query), params)

    async def create_element(self, element: Any) -> None:
        """Keep what Bassin shows (charts), never a file the user attached: a CV is kept only once its owner
        confirms it (``tools.uploads``), and a refused one not at all."""
        if getattr(element, "path", None):
            return
        await super().create_element(element)


def step_metadata(step: dict[str, Any]) -> dict[str, Any]:
    """A stored step's metadata as a dict (SQLite hands JSON columns back as text)."""
    metadata = step.get("metadata") or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError:
            return {}
    return metadata if isinstance(metadata, dict) else {}
