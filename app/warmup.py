"""A server's first question answered as fast as the next ones: what that question would load, loaded first.

The engine and the agent load lazily (referentials, the embedding model's arrays, the occupation classifier,
the indexes' first pages, the scorer, the graph's code paths): a process that answers questions — the chat
UI, ``bassin chat``, ``bassin serve`` — runs ``warm_up`` once at startup, in the background, so that its
first user does not wait for them.
"""

from __future__ import annotations

import dataclasses

from langgraph.checkpoint.memory import InMemorySaver

from agent.context import AgentContext
from agent.graph import build_graph
from agent.planner import OfflinePlanner
from agent.session import TurnResult, run_turn

WARM_UP_QUESTION = "cariste en intérim près de Lille"
"""A question that goes through place, contract and occupation reading, the hybrid search and the scorer."""


async def warm_up(context: AgentContext) -> TurnResult | None:
    """Answer ``WARM_UP_QUESTION`` once on a throwaway thread, with the offline planner.

    Nothing is kept or sent: the conversation memory is an in-memory one dropped on return, the tools only
    read, and a configured LLM is never called (its offline fallback plans and writes the warm-up answer;
    a context with neither is not warmed: None).
    """
    planner = context.model if isinstance(context.model, OfflinePlanner) else context.fallback
    if planner is None:
        return None
    offline = dataclasses.replace(context, model=planner, fallback=None)
    graph = build_graph(checkpointer=InMemorySaver())
    return await run_turn(graph, offline, WARM_UP_QUESTION, thread_id="warm-up", role="candidate")
