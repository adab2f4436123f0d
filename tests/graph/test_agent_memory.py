"""Conversation memory: SQLite by default, PostgreSQL only with its saver installed (else said so)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Any

import pytest

from agent.graph import build_graph
from agent.memory import open_checkpointer, postgres_conninfo
from app.settings import Settings
from tests.graph.conftest import turn_calls
from tests.graph.fakes import make_context

HAS_POSTGRES_SAVER = importlib.util.find_spec("langgraph.checkpoint.postgres") is not None


@pytest.mark.parametrize(
    ("url", "conninfo"),
    [
        ("postgresql+psycopg://u:p@db:5432/bassin", "postgresql://u:p@db:5432/bassin"),
        ("postgresql://u@localhost/bassin", "postgresql://u@localhost/bassin"),
        ("postgres://u@localhost/bassin", "postgresql://u@localhost/bassin"),
        ("sqlite:////tmp/bassin.db", None),
    ],
)
def test_postgres_conninfo(url: str, conninfo: str | None) -> None:
    assert postgres_conninfo(url) == conninfo


async def test_sqlite_threads_survive_a_restart(tmp_path: Path, planner: Any) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    ctx = make_context(planner)
    config = {"configurable": {"thread_id": "t"}}
    async with open_checkpointer(settings) as saver:
        await build_graph(checkpointer=saver).ainvoke(
            {"messages": [("user", "cariste à Lille")]}, config, context=ctx
        )
    async with open_checkpointer(settings) as saver:
        out = await build_graph(checkpointer=saver).ainvoke(
            {"messages": [("user", "en CDI")]}, config, context=ctx
        )
    assert turn_calls(out) == [("search_offers", {"query": "cariste", "place": "Lille", "radius_km": 30.0,
                                                  "contracts": ["CDI"]})]  # fmt: skip
    assert (tmp_path / "checkpoints.sqlite").is_file()


@pytest.mark.skipif(HAS_POSTGRES_SAVER, reason="langgraph-checkpoint-postgres is installed")
async def test_postgres_store_without_its_saver_falls_back_to_sqlite_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://u@nowhere/db", _env_file=None)  # type: ignore[call-arg]
    with caplog.at_level(logging.WARNING, logger="agent.memory"):
        async with open_checkpointer(settings) as saver:
            assert type(saver).__name__ == "AsyncSqliteSaver"
    assert "langgraph-checkpoint-postgres" in caplog.text
