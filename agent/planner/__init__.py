"""The offline planner: answers without an LLM, from the shared reading of messages (``services.utterance``)."""

from agent.planner.model import OfflinePlanner

__all__ = ["OfflinePlanner"]
