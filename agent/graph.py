"""The conversation graph: ``plan`` (model call) ⇄ ``call_tools``, then ``respond`` (guardrails).

    START → plan ─┬─(tool calls)→ call_tools → plan
                  └─(answer)────→ respond → END

Live services come in as runtime context (``AgentContext``); the state keeps ids and small facts, and
a checkpointer keeps it per ``thread_id``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal, cast

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, ToolCall, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolRuntime
from langgraph.runtime import Runtime
from pydantic import ValidationError

from agent.briefing import system_message
from agent.context import AgentContext
from agent.guardrails import REFUSAL, check_citations, leaks_instructions, user_echoes
from agent.phrased import DRAFT_KEY
from agent.resilience import (
    FALLBACK_KEY,
    UNREADABLE_KEY,
    FailureReason,
    call_problems,
    failure_reason,
    fallback_notice,
    is_empty,
    model_errors,
    repair_tool_calls,
)
from agent.state import State
from domain.errors import BassinError, CandidateNotFoundError, OfferNotFoundError
from prompts import load_prompt
from services.utterance.text import guess_language
from tools import ALL_TOOLS, tools_for
from tools.errors import ToolNotAllowedError

MAX_TOOL_ROUNDS = 6
"""Model calls with tool calls allowed per user turn before the graph answers anyway."""
HISTORY_MESSAGES = 40
"""Messages of the thread the model reads (cut at a user turn so tool calls keep their results)."""
MODEL_ERROR_KEY = "bassin_model_error"
"""``additional_kwargs`` flag on a tool message answering a call the model got wrong."""
_SEARCH_TOOLS = frozenset({"search_offers", "search_candidates"})
_FOCUS_KINDS = frozenset({"offer_details", "match_scores", "what_if"})

ContextFactory = Callable[[], AgentContext]
_INSTRUCTIONS = "\n".join(load_prompt(n) for n in ("system_candidate", "system_recruiter", "phrase"))
"""Every instruction a model reads (not the conversation facts, which quote the user): never repeated."""


def route_after_plan(state: State) -> Literal["call_tools", "respond"]:
    """Tools when the model asked for some, the answer otherwise."""
    last = state.messages[-1] if state.messages else None
    return "call_tools" if isinstance(last, AIMessage) and last.tool_calls else "respond"


def build_graph(
    *, checkpointer: BaseCheckpointSaver[Any] | None = None, context_factory: ContextFactory | None = None
) -> CompiledStateGraph[State, AgentContext, Any, Any]:
    """The compiled agent graph.

    Args:
        checkpointer: conversation memory (``agent.memory.open_checkpointer``, or ``InMemorySaver`` in tests).
        context_factory: builds the context when a run passes none (``langgraph dev``); callers normally
            pass ``context=AgentContext(...)`` to ``invoke``/``astream``.

    Example:
        >>> graph = build_graph(checkpointer=InMemorySaver())  # doctest: +SKIP
        >>> await graph.ainvoke({"messages": [("user", "cariste à Lille")]}, config, context=ctx)  # doctest: +SKIP
    """

    def context_of(runtime: Runtime[AgentContext]) -> AgentContext:
        if isinstance(runtime.context, AgentContext):
            return runtime.context
        if context_factory is None:
            raise TypeError("run the graph with context=AgentContext(...)")
        return context_factory()

    async def plan(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
        """Ask the model for the next step: tool calls or the answer."""
        if _tool_rounds(state.messages) >= MAX_TOOL_ROUNDS:
            return {"messages": [AIMessage(content=_too_many_steps(state.messages))]}
        ctx = context_of(runtime)
        tools = tools_for(state.role, ctx)
        messages = [system_message(state), *_recent(state.messages)]
        reason = _fallen_back(state.messages)
        if reason is None:
            try:
                response = await ctx.model.bind_tools(tools).ainvoke(messages)
            except model_errors() as exc:
                reason = failure_reason(exc)
            else:
                assert isinstance(response, AIMessage)
                response = repair_tool_calls(response, [t.name for t in tools])
                if is_empty(response):
                    reason = "empty"
                elif call_problems(response, tools) and _model_error_rounds(state.messages) >= 1:
                    reason = "bad_tool_calls"  # told once already: the planner takes this turn
                else:
                    return {"messages": [response]}
        if ctx.fallback is None:
            return {
                "messages": [AIMessage(content=fallback_notice(reason, _language(state.messages)).strip())]
            }
        planner = ctx.fallback.model_copy(
            update={
                "answer_notice": fallback_notice(reason, _language(state.messages)),
                "message_kwargs": {FALLBACK_KEY: reason},
            }
        )
        return {"messages": [await planner.bind_tools(tools).ainvoke(_fallback_view(messages))]}

    async def call_tools(state: State, runtime: Runtime[AgentContext]) -> dict[str, Any]:
        """Run the requested tools (in parallel) and record ids, filters and the CV they produced."""
        ctx = context_of(runtime)
        config = get_config()
        last = state.messages[-1]
        assert isinstance(last, AIMessage)
        allowed = {t.name: t for t in tools_for(state.role, ctx)}
        unreadable = last.additional_kwargs.get(UNREADABLE_KEY) or {}
        messages = await asyncio.gather(
            *(_run_tool(call, allowed, unreadable, state, ctx, runtime, config) for call in last.tool_calls)
        )
        return {"messages": list(messages), **_state_updates(last.tool_calls, messages)}

    def respond(state: State) -> dict[str, Any]:
        """Check the answer: ids no tool returned are removed and flagged (except the user's own ids that a
        tool reported not found: echoing those is no fabrication)."""
        last = state.messages[-1]
        if not isinstance(last, AIMessage) or not isinstance(last.content, str):
            return {"cited_ids": [], "flagged_ids": []}
        lang = _language(state.messages)
        draft = last.additional_kwargs.get(DRAFT_KEY)
        if isinstance(draft, str):  # phrase mode: a streamed rewording was not kept
            last = last.model_copy(update={"content": draft})
            update_draft: dict[str, Any] = {"messages": [last]}
        else:
            update_draft = {}
        assert isinstance(last.content, str)
        if leaks_instructions(last.content, _INSTRUCTIONS):
            text = REFUSAL["en" if lang == "en" else "fr"]
            meta = {**last.response_metadata, "leak_blocked": True}
            return {"messages": [last.model_copy(update={"content": text, "response_metadata": meta})],
                    "cited_ids": [], "flagged_ids": []}  # fmt: skip
        check = check_citations(
            last.content,
            set(state.known_ids),
            lang=lang,
            echoed_ids=_echoed_ids(state.messages),
        )
        update: dict[str, Any] = {**update_draft, "cited_ids": check.cited, "flagged_ids": check.flagged}
        if check.flagged:
            update["messages"] = [
                last.model_copy(
                    update={
                        "content": check.text,
                        "response_metadata": {**last.response_metadata, "flagged_ids": check.flagged},
                    }
                )
            ]
        return update

    # With a factory the services never come from the run (LangGraph Server sends JSON context, if any).
    builder = StateGraph(State, context_schema=None if context_factory else AgentContext)
    builder.add_node("plan", plan)
    builder.add_node("call_tools", call_tools)
    builder.add_node("respond", respond)
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", route_after_plan, ["call_tools", "respond"])
    builder.add_edge("call_tools", "plan")
    builder.add_edge("respond", END)
    return builder.compile(checkpointer=checkpointer, name="bassin")


async def _run_tool(
    call: ToolCall,
    allowed: dict[str, BaseTool],
    unreadable: dict[str, str],
    state: State,
    ctx: AgentContext,
    runtime: Runtime[AgentContext],
    config: RunnableConfig,
) -> ToolMessage:
    """One tool call → its ``ToolMessage``; expected failures become short error messages."""
    name, call_id = call["name"], call["id"] or ""
    tool = allowed.get(name)
    if tool is None:
        known = {t.name for t in ALL_TOOLS}
        text = str(ToolNotAllowedError(name)) if name in known else f"Outil inconnu : {name}. / Unknown tool."
        return _model_error(text, name, call_id)
    if call_id in unreadable:
        text = f"Arguments illisibles pour {name} (JSON invalide : {unreadable[call_id]}). / Unreadable arguments."
        return _model_error(text, name, call_id)
    tool_runtime = ToolRuntime(
        state=state,
        context=ctx,
        config=config,
        stream_writer=runtime.stream_writer,
        tool_call_id=call_id,
        store=runtime.store,
    )
    try:
        message = await tool.ainvoke(
            {
                "name": name,
                "args": {**call["args"], "runtime": tool_runtime},
                "id": call_id,
                "type": "tool_call",
            },
            config,
        )
    except BassinError as exc:
        return ToolMessage(
            content=str(exc), name=name, tool_call_id=call_id, status="error", artifact=_not_found(exc)
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors() if e["loc"] != ("runtime",)
        )
        text = f"Arguments invalides pour {name} : {problems}. / Invalid arguments."
        return _model_error(text, name, call_id)
    assert isinstance(message, ToolMessage)
    return message


def _model_error(text: str, name: str, call_id: str) -> ToolMessage:
    """An error the model made (unknown tool, bad arguments): told to it once, then the planner answers."""
    return ToolMessage(
        content=text,
        name=name,
        tool_call_id=call_id,
        status="error",
        additional_kwargs={MODEL_ERROR_KEY: True},
    )


def _model_error_rounds(messages: list[AnyMessage]) -> int:
    """Model calls of this turn whose tool calls came back as model errors."""
    failed = {
        m.tool_call_id
        for m in _turn(messages)
        if isinstance(m, ToolMessage) and m.additional_kwargs.get(MODEL_ERROR_KEY)
    }
    return sum(
        1
        for m in _turn(messages)
        if isinstance(m, AIMessage) and any((c["id"] or "") in failed for c in m.tool_calls)
    )


def _fallen_back(messages: list[AnyMessage]) -> FailureReason | None:
    """Why the offline planner already answers this turn in the model's place (None: it does not)."""
    for m in _turn(messages):
        if isinstance(m, AIMessage) and FALLBACK_KEY in m.additional_kwargs:
            return cast(FailureReason, m.additional_kwargs[FALLBACK_KEY])
    return None


def _fallback_view(messages: list[BaseMessage]) -> list[BaseMessage]:
    """The turn as the offline planner must read it: its own steps only, not the model's failed ones."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=len(messages) - 1)
    turn = messages[start + 1 :]
    first = next(
        (i for i, m in enumerate(turn) if isinstance(m, AIMessage) and FALLBACK_KEY in m.additional_kwargs),
        len(turn),
    )
    return [*messages[: start + 1], *turn[first:]]


def _state_updates(calls: list[ToolCall], messages: list[ToolMessage]) -> dict[str, Any]:
    """Facts to remember from successful results: the active search, result ids, focus, CV id."""
    updates: dict[str, Any] = {}
    known: list[str] = []
    for call, message in zip(calls, messages, strict=True):
        artifact = message.artifact if message.status != "error" else None
        if not isinstance(artifact, dict):
            continue
        ids = [str(i) for i in artifact.get("ids") or []]
        known += ids
        if call["name"] in _SEARCH_TOOLS:
            updates["active_search"] = {"tool": call["name"], "args": artifact.get("applied") or {}}
            if ids:  # an empty search keeps the previous list: "la 2" still means something
                updates["last_result_ids"] = ids
                updates["focus_ids"] = []
        elif artifact.get("kind") in _FOCUS_KINDS:
            updates["focus_ids"] = ids
        elif artifact.get("kind") == "cv_profile":
            updates["cv_id"] = artifact.get("cv_id")
    if known:
        updates["known_ids"] = known
    return updates


def _not_found(exc: BassinError) -> dict[str, Any] | None:
    """The ids an error reports not found, kept on the error message for the citation guard."""
    if isinstance(exc, OfferNotFoundError):
        return {"not_found": list(exc.ids)}
    if isinstance(exc, CandidateNotFoundError):
        return {"not_found": [exc.candidate_id]}
    return None


def _echoed_ids(messages: list[AnyMessage]) -> set[str]:
    """Ids the user typed in their last message that a tool of this turn reported not found."""
    user = next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
    if user is None or not isinstance(user.content, str):
        return set()
    not_found = [
        str(i)
        for m in _turn(messages)
        if isinstance(m, ToolMessage) and isinstance(m.artifact, dict)
        for i in m.artifact.get("not_found") or []
    ]
    return user_echoes(user.content, not_found)


def _turn(messages: list[AnyMessage]) -> list[AnyMessage]:
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return messages[i + 1 :]
    return messages


def _tool_rounds(messages: list[AnyMessage]) -> int:
    return sum(1 for m in _turn(messages) if isinstance(m, AIMessage) and m.tool_calls)


def _recent(messages: list[AnyMessage]) -> list[BaseMessage]:
    """The last ``HISTORY_MESSAGES`` messages, starting at a user message."""
    if len(messages) <= HISTORY_MESSAGES:
        return list(messages)
    tail = messages[-HISTORY_MESSAGES:]
    for i, message in enumerate(tail):
        if isinstance(message, HumanMessage):
            return list(tail[i:])
    return list(messages[-1:])


def _language(messages: list[AnyMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage) and isinstance(message.content, str):
            lang = guess_language(message.content)
            if lang:
                return lang
    return "fr"


def _too_many_steps(messages: list[AnyMessage]) -> str:
    if _language(messages) == "en":
        return "I could not finish this request in a reasonable number of steps. Could you rephrase it?"
    return "Je n'ai pas réussi à traiter cette demande en un nombre raisonnable d'étapes. Pouvez-vous la reformuler ?"
