"""``AgentContext``: the live services one agent run reaches (runtime context, never state).

``app.agent`` builds it from the composition root; tests build one directly from fakes or tiny real
components.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from agent.planner import OfflinePlanner
from services.offer_details import HttpOfferDetails
from tools.context import ToolContext


@dataclass(kw_only=True)
class AgentContext(ToolContext):
    """The tools' services plus the chat model (an LLM, or the offline planner)."""

    model: BaseChatModel
    fallback: OfflinePlanner | None = None
    """Answers a turn in the model's place when the model fails (timeout, server down, bad tool calls)."""
    closing: Callable[[], None] | None = None
    """Releases the stores the services come from (the engine); None in tests built from fakes."""

    async def aclose(self) -> None:
        """Release the HTTP client and the engine's stores."""
        if isinstance(self.offer_details, HttpOfferDetails):
            await self.offer_details.aclose()
        if self.closing is not None:
            self.closing()
