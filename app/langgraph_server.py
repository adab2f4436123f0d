"""Entry point of ``langgraph dev`` / LangGraph Server (``langgraph.json``): services built from ``Settings``.

The server brings its own checkpointer; the user's role travels in the input: ``{"messages": [...],
"role": "recruiter"}``.
"""

from __future__ import annotations

from functools import lru_cache

from agent.context import AgentContext
from agent.graph import build_graph
from app.agent import open_agent_context
from app.settings import Settings


@lru_cache(maxsize=1)
def server_context() -> AgentContext:
    """The process-wide services, built on the first run (this module is an edge: it reads Settings)."""
    return open_agent_context(Settings())


graph = build_graph(context_factory=server_context)
