"""The conversation: a LangGraph agent over Bassin's tools, with an LLM or the offline planner.

Public API: ``build_graph`` (compiled graph), ``AgentContext`` (live services; built by ``app.agent``),
``State``, ``open_checkpointer`` (memory), ``create_chat_model`` (providers), ``OfflinePlanner``.
"""

from agent.context import AgentContext
from agent.graph import build_graph, route_after_plan
from agent.llm import create_chat_model, effective_provider
from agent.memory import open_checkpointer
from agent.planner import OfflinePlanner
from agent.state import State
from services.utterance import UtteranceReader

__all__ = [
    "AgentContext",
    "OfflinePlanner",
    "State",
    "UtteranceReader",
    "build_graph",
    "create_chat_model",
    "effective_provider",
    "open_checkpointer",
    "route_after_plan",
]
