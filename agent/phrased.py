"""``PhrasedPlanner``: the offline planner reads the request and runs the tools; an LLM only words the answer.

With a weak (small, local) model the filters stay right: the rule-based planner builds the search arguments
and composes a grounded draft from the tool results; the LLM rewrites that draft for the user. The rewrite
must keep exactly the draft's ids; when it does not (or the LLM fails, times out or says nothing) the draft
is given instead, after a short note. Citations are checked again by the graph's ``respond`` node.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from pydantic import ConfigDict

from agent.guardrails import ID_PATTERN, leaks_instructions
from agent.planner import OfflinePlanner
from agent.planner.model import chunks_of
from agent.resilience import failure_reason, model_errors
from prompts import load_prompt
from services.utterance.text import guess_language

DRAFT_KEY = "bassin_draft_answer"
"""``additional_kwargs`` key: the checked answer that replaces a streamed rewording that was not kept."""
WORDED_KEY = "bassin_worded"
"""``additional_kwargs`` key of a phrased answer: ``"llm"`` (the rewrite was kept) or why the draft was given."""
_IDS = re.compile(ID_PATTERN)


class PhrasedPlanner(BaseChatModel):
    """The offline planner's plan and draft, worded by ``writer`` (any chat model, no tools bound)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    planner: OfflinePlanner
    writer: BaseChatModel

    @property
    def _llm_type(self) -> str:
        return "bassin-phrased-planner"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        bound = cast(OfflinePlanner, self.planner.bind_tools(tools))
        return self if bound is self.planner else self.model_copy(update={"planner": bound})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        draft = self.planner.next_message(messages)
        if draft.tool_calls:
            return _result(draft)
        try:
            text = str(self.writer.invoke(_wording_prompt(messages, draft)).content)
        except model_errors() as exc:
            return _result(_draft_answer(draft, messages, failure_reason(exc)))
        return _result(_checked(text, draft, messages))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        draft = self.planner.next_message(messages)
        if draft.tool_calls:
            return _result(draft)
        try:
            text = str((await self.writer.ainvoke(_wording_prompt(messages, draft))).content)
        except model_errors() as exc:
            return _result(_draft_answer(draft, messages, failure_reason(exc)))
        return _result(_checked(text, draft, messages))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._generate(messages).generations[0].message
        assert isinstance(message, AIMessage)
        for chunk in chunks_of(message):
            yield ChatGenerationChunk(message=chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        draft = self.planner.next_message(messages)
        if draft.tool_calls:
            for chunk in chunks_of(draft):
                yield ChatGenerationChunk(message=chunk)
            return
        said: list[str] = []
        reason: str | None = None
        try:
            async for piece in self.writer.astream(_wording_prompt(messages, draft)):
                text = piece.content if isinstance(piece.content, str) else ""
                if text:
                    said.append(text)
                    yield await _emit(AIMessageChunk(content=text), run_manager)
        except model_errors() as exc:
            reason = failure_reason(exc)
        if reason is None:
            checked = _checked("".join(said), draft, messages)
            if checked.additional_kwargs.get(WORDED_KEY) == "llm":
                yield await _emit(
                    AIMessageChunk(content="", additional_kwargs={WORDED_KEY: "llm"}), run_manager
                )
                return
            reason = str(checked.additional_kwargs[WORDED_KEY])
        fallback = _draft_answer(draft, messages, reason)
        separator = "\n\n" if said else ""
        for i, chunk in enumerate(chunks_of(fallback)):
            if i == 0:
                # What was streamed stays on screen; the answer kept in the thread is the checked one.
                extra = {DRAFT_KEY: str(fallback.content)} if said else {}
                chunk = AIMessageChunk(
                    content=separator + str(chunk.content),
                    additional_kwargs={**chunk.additional_kwargs, **extra},
                )
            yield await _emit(chunk, run_manager)


async def _emit(
    chunk: AIMessageChunk, run_manager: AsyncCallbackManagerForLLMRun | None
) -> ChatGenerationChunk:
    out = ChatGenerationChunk(message=chunk)
    if run_manager is not None:
        await run_manager.on_llm_new_token(str(chunk.content), chunk=out)
    return out


def _result(message: AIMessage) -> ChatResult:
    return ChatResult(generations=[ChatGeneration(message=message)])


def _question(messages: Sequence[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message.content if isinstance(message.content, str) else str(message.content)
    return ""


def _lang(messages: Sequence[BaseMessage]) -> str:
    return guess_language(_question(messages)) or "fr"


def _wording_prompt(messages: Sequence[BaseMessage], draft: AIMessage) -> list[BaseMessage]:
    return [
        SystemMessage(content=load_prompt("phrase")),
        HumanMessage(
            content=f"Question : {_question(messages)}\n\n<reference>\n{draft.content}\n</reference>"
        ),
    ]


def _checked(text: str, draft: AIMessage, messages: Sequence[BaseMessage]) -> AIMessage:
    """The rewrite when it keeps exactly the draft's ids and says something; otherwise the draft."""
    wanted = set(_IDS.findall(str(draft.content)))
    said = set(_IDS.findall(text))
    if not text.strip():
        return _draft_answer(draft, messages, "empty")
    if said != wanted:
        return _draft_answer(draft, messages, "ids_changed")
    if leaks_instructions(text, load_prompt("phrase")):
        return _draft_answer(draft, messages, "leak")
    return AIMessage(content=text.strip(), additional_kwargs={WORDED_KEY: "llm"})


_NOTES = {
    "fr": "(La reformulation du modèle de langage n'a pas été retenue ; voici la réponse vérifiée.)\n\n",
    "en": "(The language model's wording was not kept; here is the checked answer.)\n\n",
}


def _draft_answer(draft: AIMessage, messages: Sequence[BaseMessage], reason: str) -> AIMessage:
    note = _NOTES["en" if _lang(messages) == "en" else "fr"]
    return AIMessage(content=note + str(draft.content), additional_kwargs={WORDED_KEY: reason})
