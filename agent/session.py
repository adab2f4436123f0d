"""Running conversation turns for edges (CLI, UI, evals): stream tokens and tool steps, collect the result."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

from agent.resilience import looks_like_written_call
from cv import read_cv_file
from domain.vocabulary import Role
from tools.uploads import UploadedCVs

TokenHandler = Callable[[str], None]
StepHandler = Callable[[str, dict[str, Any]], None]


@dataclass
class ToolStep:
    """One tool call of the turn: name, arguments, and whether it failed."""

    name: str
    args: dict[str, Any]
    status: str = "success"
    error: str | None = None


@dataclass
class TurnResult:
    """What one turn produced, JSON-ready (``asdict``)."""

    thread_id: str
    role: Role
    answer: str
    tool_calls: list[ToolStep] = field(default_factory=list)
    cited_ids: list[str] = field(default_factory=list)
    flagged_ids: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_thread_id() -> str:
    return uuid.uuid4().hex[:12]


def attach_cv(question: str, cv: Path, uploads: UploadedCVs) -> str:
    """Store a CV file as an upload and reference it in the question (``[fichier: <id>]``)."""
    file_id = uploads.save(read_cv_file(cv), cv.name)
    return f"{question} [fichier: {file_id}]"


@dataclass(frozen=True)
class TokenEvent:
    """A chunk of the model's text; ``with_tool_calls`` when the same chunk also plans tool calls."""

    text: str
    with_tool_calls: bool


@dataclass(frozen=True)
class ToolCalled:
    call_id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolReturned:
    """A tool's answer: ``status`` "success" or "error", its text, and its artifact (results to render)."""

    call_id: str
    name: str | None
    status: str
    content: str
    artifact: Any


TurnEvent = TokenEvent | ToolCalled | ToolReturned


async def turn_events(
    graph: Any, context: Any, question: str, *, thread_id: str, role: Role
) -> AsyncIterator[TurnEvent]:
    """Stream one user turn through ``graph`` as events: the model's text chunks, tool calls, tool answers.

    The one place that reads LangGraph's stream; edges (CLI, evals, UI) consume these events. Text that
    starts like a tool call written as text (JSON, ``<tool_call>``: small models do that) is held back
    until the step ends: dropped when the graph read it as tool calls, given when it was an answer.
    """
    held: dict[str, list[str]] = {}
    passed: set[str] = set()
    async for mode, payload in graph.astream(
        {"messages": [("user", question)], "role": role},
        {"configurable": {"thread_id": thread_id}},
        context=context,
        stream_mode=["messages", "updates"],
    ):
        if mode == "messages":
            chunk, meta = payload
            text = chunk.content if isinstance(chunk, AIMessageChunk) else None
            if isinstance(text, str) and text and meta.get("langgraph_node") == "plan":
                key = str(chunk.id)
                if key in passed:
                    yield TokenEvent(text, bool(chunk.tool_call_chunks))
                    continue
                buffer = held.setdefault(key, [])
                buffer.append(text)
                start = "".join(buffer)
                if start.strip() and not looks_like_written_call(start):
                    del held[key]
                    passed.add(key)
                    yield TokenEvent(start, bool(chunk.tool_call_chunks))
            continue
        for node, update in payload.items():
            for message in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                if isinstance(message, AIMessage) and node == "plan":
                    kept = held.pop(str(message.id), None)
                    if kept and not message.tool_calls:
                        yield TokenEvent("".join(kept), False)
                    for n, call in enumerate(message.tool_calls):
                        yield ToolCalled(call["id"] or f"call-{n}", call["name"], dict(call["args"]))
                elif isinstance(message, ToolMessage):
                    yield ToolReturned(
                        message.tool_call_id,
                        message.name,
                        message.status,
                        str(message.content),
                        message.artifact,
                    )


async def final_state(graph: Any, thread_id: str) -> dict[str, Any]:
    """The thread's state after a turn (its last message is the answer)."""
    return dict((await graph.aget_state({"configurable": {"thread_id": thread_id}})).values)


async def run_turn(
    graph: Any,
    context: Any,
    question: str,
    *,
    thread_id: str,
    role: Role,
    on_token: TokenHandler | None = None,
    on_step: StepHandler | None = None,
) -> TurnResult:
    """Stream one user turn through ``graph``: tokens of the model's answer and tool steps as they come.

    Args:
        on_token: receives answer text chunks (tool-call planning emits none).
        on_step: receives ``("tool", {"name", "args"})`` when a tool is called and ``("result", {...})``
            when it returns.
    """
    started = time.perf_counter()
    steps: dict[str, ToolStep] = {}
    async for event in turn_events(graph, context, question, thread_id=thread_id, role=role):
        if isinstance(event, TokenEvent):
            if on_token:
                on_token(event.text)
        elif isinstance(event, ToolCalled):
            steps[event.call_id] = ToolStep(event.name, event.args)
            if on_step:
                on_step("tool", {"name": event.name, "args": event.args})
        else:
            step = steps.get(event.call_id)
            if step is not None and event.status == "error":
                step.status, step.error = "error", event.content
            if on_step:
                on_step("result", {"name": event.name, "status": event.status})
    state = await final_state(graph, thread_id)
    return TurnResult(
        thread_id=thread_id,
        role=role,
        answer=str(state["messages"][-1].content),
        tool_calls=list(steps.values()),
        cited_ids=list(state.get("cited_ids", [])),
        flagged_ids=list(state.get("flagged_ids", [])),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )
