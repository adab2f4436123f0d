"""One conversation turn streamed for a UI: tokens, tool calls as they start and end, the results.

Unlike ``agent.session.run_turn`` (sync callbacks, text only), the callbacks here are coroutines (a UI
sends messages and steps) and the turn hands back the tools' artifacts, which the UI renders as cards.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

from agent.state import Role

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
    config = {"configurable": {"thread_id": thread_id}}
    async for mode, payload in graph.astream(
        {"messages": [("user", text)], "role": role},
        config,
        context=context,
        stream_mode=["messages", "updates"],
    ):
        if mode == "messages":
            chunk, meta = payload
            if (
                on_token is not None
                and isinstance(chunk, AIMessageChunk)
                and isinstance(chunk.content, str)
                and chunk.content
                and not chunk.tool_call_chunks
                and meta.get("langgraph_node") == "plan"
            ):
                await on_token(chunk.content)
            continue
        for node, update in payload.items():
            messages = update.get("messages", []) if isinstance(update, dict) else []
            for message in messages:
                if isinstance(message, AIMessage) and node == "plan":
                    for call in message.tool_calls:
                        call_id = call["id"] or f"call-{len(calls)}"
                        calls[call_id] = ToolOutcome(call["name"], dict(call["args"]))
                        if on_tool_start is not None:
                            await on_tool_start(call_id, call["name"], dict(call["args"]))
                elif isinstance(message, ToolMessage):
                    outcome = calls.get(message.tool_call_id)
                    if outcome is None:
                        continue
                    outcome.status = message.status
                    outcome.content = str(message.content)
                    outcome.artifact = message.artifact if isinstance(message.artifact, dict) else None
                    if on_tool_end is not None:
                        await on_tool_end(
                            message.tool_call_id, outcome.status, outcome.content, outcome.artifact
                        )
    state = (await graph.aget_state(config)).values
    last = state["messages"][-1]
    return TurnOutput(
        answer=str(last.content),
        tools=list(calls.values()),
        flagged_ids=list(state.get("flagged_ids", [])),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )
