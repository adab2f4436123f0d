"""Fixtures for graph tests: the offline planner over the real referentials, a fresh graph per test."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent import build_graph
from agent.planner import OfflinePlanner
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from services.utterance import UtteranceReader
from services.utterance.reading import job_title_words


@pytest.fixture(scope="session")
def planner() -> OfflinePlanner:
    reader = UtteranceReader(
        default_gazetteer().load(), default_skill_taxonomy().load(), job_words=job_title_words(default_rome())
    )
    return OfflinePlanner(reader=reader)


@pytest.fixture
def graph() -> Any:
    return build_graph(checkpointer=InMemorySaver())


def thread(name: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": name}}


def turn_calls(state: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(tool, args) of every tool call of the last turn, in order."""
    messages = state["messages"]
    start = max(i for i, m in enumerate(messages) if m.type == "human")
    return [
        (c["name"], c["args"])
        for m in messages[start + 1 :]
        if isinstance(m, AIMessage)
        for c in m.tool_calls
    ]


def turn_tool_messages(state: dict[str, Any]) -> list[ToolMessage]:
    messages = state["messages"]
    start = max(i for i, m in enumerate(messages) if m.type == "human")
    return [m for m in messages[start + 1 :] if isinstance(m, ToolMessage)]
