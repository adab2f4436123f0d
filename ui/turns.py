"""One conversation turn streamed for a UI: tokens, tool calls as they start and end, the results.

Unlike ``agent.session.run_turn`` (sync callbacks, text only), the callbacks here are coroutines (a UI
sends messages and steps) and the turn hands back the tools' artifacts, which the UI renders as cards.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from agent.session import TokenEvent, ToolCalled, final_state, turn_events
from domain.vocabulary import Role

TokenSink = Callable[[str], Awaitable[None]]
ToolStart = Callable[[str, str, dict[str, Any]], Awaitable[None]]
"""(call id, tool name, arguments)"""
ToolEnd = Callable[[str, str, str, dict[str, Any] | None], Awaitable[None]]
"""(call id, status "success"/"error", content, artifact)"""


@dataclass
class ToolOutcome:
    """A tool call of the turn and what it returned."""

    name: str
    args: dict[str, Any]
    status: str = "pending"
    content: str = ""
    artifact: dict[str, Any] | None = None


@dataclass
class TurnOutput:
    answer: str
    tools: list[ToolOutcome] = field(default_factory=list)
    flagged_ids: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def artifacts(self, kind: str) -> list[dict[str, Any]]:
        """Artifacts of successful tool calls of ``kind`` ("offers", "candidates", ...), in call order."""
        return [
            t.artifact
            for t in self.tools
            if t.status == "success" and t.artifact is not None and t.artifact.get("kind") == kind
        ]


async def stream_turn(
    graph: Any,
    context: Any,
    text: str,
    *,
    thread_id: str,
    role: Role,
    on_token: TokenSink | None = None,
    on_tool_start: ToolStart | None = None,
    on_tool_end: ToolEnd | None = None,
) -> TurnOutput:
    """Run one user turn on ``thread_id`` and report it as it happens."""
    started = time.perf_counter()
    calls: dict[str, ToolOutcome] = {}
    async for event in turn_events(graph, context, text, thread_id=thread_id, role=role):
        if isinstance(event, TokenEvent):
            if on_token is not None and not event.with_tool_calls:
                await on_token(event.text)
        elif isinstance(event, ToolCalled):
            calls[event.call_id] = ToolOutcome(event.name, event.args)
            if on_tool_start is not None:
                await on_tool_start(event.call_id, event.name, event.args)
        else:
            outcome = calls.get(event.call_id)
            if outcome is None:
                continue
            outcome.status = event.status
            outcome.content = event.content
            outcome.artifact = event.artifact if isinstance(event.artifact, dict) else None
            if on_tool_end is not None:
                await on_tool_end(event.call_id, outcome.status, outcome.content, outcome.artifact)
    state = await final_state(graph, thread_id)
    return TurnOutput(
        answer=str(state["messages"][-1].content),
        tools=list(calls.values()),
        flagged_ids=list(state.get("flagged_ids", [])),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )
