"""The offline planner: French/English request understanding and answers without an LLM."""

from agent.planner.model import OfflinePlanner
from agent.planner.reading import UtteranceReader

__all__ = ["OfflinePlanner", "UtteranceReader"]
