"""``OfflinePlanner``: a chat model that plans tool calls and writes answers without any LLM.

It reads the conversation like any chat model: the system message's ``<conversation_state>`` block (role,
active search, last result ids, CV id), the last user message, and the tool results of the current turn.
It emits ``AIMessage(tool_calls=...)`` until the turn's plan is done, then an answer composed only from
tool results. The graph, the tools and the evals are the same with or without an LLM.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

from agent.briefing import Briefing, read_briefing
from agent.planner.compose import Outcome, compose
from agent.planner.decide import TurnPlan, next_call, plan_turn, target_of
from services.utterance.reading import UtteranceReader
from services.utterance.text import Lang, guess_language

PLAN_KEY = "bassin_plan"


class OfflinePlanner(BaseChatModel):
    """Rule-based planner for French and English job-search conversations.

    Example:
        >>> planner = OfflinePlanner(reader=UtteranceReader(default_gazetteer(), default_skill_taxonomy()))
        >>> bound = planner.bind_tools(TOOLS)  # same planner, aware of the tools it may call
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    reader: UtteranceReader
    tool_names: frozenset[str] = Field(default=frozenset())
    """Tools bound with ``bind_tools``; a tool that is not bound is never called."""
    answer_notice: str = ""
    """Put before the turn's answer (the graph says so when the planner answers in an LLM's place)."""
    message_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Merged into every message's ``additional_kwargs`` (marks the planner's steps in an LLM's turn)."""

    @property
    def _llm_type(self) -> str:
        return "bassin-offline-planner"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """The planner itself (a copy when the tool set differs), restricted to ``tools``."""
        names = frozenset(
            t.name if isinstance(t, BaseTool) else convert_to_openai_tool(t)["function"]["name"]
            for t in tools
        )
        return self if names == self.tool_names else self.model_copy(update={"tool_names": names})

    # --- the model contract -------------------------------------------------------------------
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.next_message(messages))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # Planning is sub-millisecond string work: no thread hop.
        return self._generate(messages, stop, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in chunks_of(self.next_message(messages)):
            if run_manager is not None:
                run_manager.on_llm_new_token(str(chunk.content), chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in chunks_of(self.next_message(messages)):
            if run_manager is not None:
                await run_manager.on_llm_new_token(
                    str(chunk.content), chunk=ChatGenerationChunk(message=chunk)
                )
            yield ChatGenerationChunk(message=chunk)

    # --- planning -----------------------------------------------------------------------------
    def next_message(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """The next model message: a tool call of the turn's plan, or the turn's answer."""
        briefing = read_briefing(list(messages))
        start = _last_human(messages)
        if start is None:
            return AIMessage(content=compose(TurnPlan("reply", "fr", reply="greet"), [], []))
        turn = list(messages[start + 1 :])
        plan = _plan_in(turn) or self.plan(messages, start, briefing)
        outcomes = _outcomes(turn)
        call = next_call(plan, [o.result if o.error is None else None for o in outcomes])
        if call is not None:
            return AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": call["tool"],
                        "args": call["args"],
                        "id": f"call_{uuid.uuid4().hex[:16]}",
                        "type": "tool_call",
                    }
                ],
                additional_kwargs={**self.message_kwargs, **({} if outcomes else {PLAN_KEY: plan.to_dict()})},
            )
        history = [r for r in (_result_of(m) for m in messages[:start]) if r is not None]
        return AIMessage(
            content=self.answer_notice + compose(plan, outcomes, history),
            additional_kwargs=dict(self.message_kwargs),
        )

    def plan(self, messages: Sequence[BaseMessage], start: int, briefing: Briefing) -> TurnPlan:
        """Read the user message at ``start`` and decide the turn."""
        text = _text(messages[start])
        active = briefing.active_search
        default_target = target_of(active["tool"]) if active else None
        reading = self.reader.read(
            text,
            default_target=default_target or ("candidates" if briefing.role == "recruiter" else "offers"),
            known_ids=[*briefing.last_result_ids, *briefing.focus_ids],
            fallback_lang=_conversation_language(messages[:start]),
        )
        return plan_turn(reading, briefing, self.tool_names)


def _last_human(messages: Sequence[BaseMessage]) -> int | None:
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return i
    return None


def _text(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return " ".join(
        str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in message.content
    )


def _conversation_language(messages: Sequence[BaseMessage]) -> Lang:
    for message in reversed(messages):
        if isinstance(message, HumanMessage) and (lang := guess_language(_text(message))):
            return lang
    return "fr"


def _plan_in(turn: list[BaseMessage]) -> TurnPlan | None:
    for message in turn:
        if isinstance(message, AIMessage) and PLAN_KEY in message.additional_kwargs:
            return TurnPlan.from_dict(message.additional_kwargs[PLAN_KEY])
    return None


def _result_of(message: BaseMessage) -> dict[str, Any] | None:
    """The JSON result a tool message carries, or None (errors, other messages)."""
    if (
        not isinstance(message, ToolMessage)
        or message.status == "error"
        or not isinstance(message.content, str)
    ):
        return None
    try:
        data = json.loads(message.content)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "kind" in data else None


def _outcomes(turn: list[BaseMessage]) -> list[Outcome]:
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    out: list[Outcome] = []
    for message in turn:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                calls[call["id"] or ""] = (call["name"], call["args"])
        elif isinstance(message, ToolMessage):
            name, args = calls.get(message.tool_call_id, (message.name or "", {}))
            result = _result_of(message)
            error = None if result is not None else _text(message)
            out.append(Outcome(tool=name, args=args, result=result, error=error))
    return out


def chunks_of(message: AIMessage) -> Iterator[AIMessageChunk]:
    """A message as stream chunks: tool calls in one chunk, text word by word."""
    if message.tool_calls:
        yield AIMessageChunk(
            content="",
            additional_kwargs=message.additional_kwargs,
            tool_call_chunks=[
                {
                    "name": c["name"],
                    "args": json.dumps(c["args"], ensure_ascii=False),
                    "id": c["id"],
                    "index": i,
                    "type": "tool_call_chunk",
                }
                for i, c in enumerate(message.tool_calls)
            ],
        )
        return
    text = str(message.content)
    pieces = text.split(" ")
    for i, piece in enumerate(pieces):
        yield AIMessageChunk(
            content=piece if i == len(pieces) - 1 else piece + " ",
            additional_kwargs=message.additional_kwargs if i == 0 else {},
        )
