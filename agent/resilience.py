"""What a real (and often small) chat model gets wrong, caught before it reaches the tools or the user.

- Tool calls written as text (a JSON object in the answer, fenced or inside ``<tool_call>`` tags) become
  real tool calls; calls whose arguments are not JSON are kept as calls marked unreadable, so the graph
  answers them with an error the model can act on.
- ``call_problems`` checks names and arguments against the bound tools before anything runs.
- ``failure_reason`` names the model failures after which the offline planner answers the turn instead
  (timeout, server down, context too long, server error), and ``fallback_notice`` says so to the user.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

import httpx
from langchain_core.messages import AIMessage, ToolCall
from langchain_core.tools import BaseTool
from pydantic import BaseModel, ValidationError

FALLBACK_KEY = "bassin_fallback"
"""``additional_kwargs`` key on messages the offline planner wrote after the model failed (the reason)."""
UNREADABLE_KEY = "bassin_unreadable_calls"
"""``additional_kwargs`` key: ids of tool calls whose arguments were not JSON, with the parser's error."""

FailureReason = Literal[
    "timeout", "unreachable", "context_too_long", "server_error", "empty", "bad_tool_calls"
]

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_CONTEXT_WORDS = ("context", "exceed", "too long", "n_ctx", "maximum")

_NOTICES: dict[str, dict[FailureReason, str]] = {
    "fr": {
        "timeout": "le modèle de langage n'a pas répondu à temps",
        "unreachable": "le serveur du modèle de langage est injoignable",
        "context_too_long": "la conversation dépasse ce que le modèle de langage peut lire",
        "server_error": "le serveur du modèle de langage a renvoyé une erreur",
        "empty": "le modèle de langage a donné une réponse vide",
        "bad_tool_calls": "le modèle de langage a demandé des outils avec des arguments invalides",
    },
    "en": {
        "timeout": "the language model did not answer in time",
        "unreachable": "the language model's server cannot be reached",
        "context_too_long": "the conversation is longer than the language model can read",
        "server_error": "the language model's server returned an error",
        "empty": "the language model gave an empty answer",
        "bad_tool_calls": "the language model asked for tools with invalid arguments",
    },
}


def fallback_notice(reason: FailureReason, lang: str) -> str:
    """The line put before an answer the offline planner wrote in the model's place."""
    if lang == "en":
        return f"(Note: {_NOTICES['en'][reason]}; this answer comes from the offline planner.)\n\n"
    return f"(Remarque : {_NOTICES['fr'][reason]} ; cette réponse vient du planificateur hors ligne.)\n\n"


@cache
def model_errors() -> tuple[type[BaseException], ...]:
    """What a chat model call raises when the model, not Bassin, failed (OpenAI client, Mistral's httpx).

    A function for ``except model_errors() as exc``: Python evaluates an ``except`` clause only once
    something was raised, so the OpenAI client (~0.5 s to import) is not loaded by an offline turn.
    """
    import openai

    return (openai.APIError, httpx.HTTPError, TimeoutError, asyncio.TimeoutError, ConnectionError)


def failure_reason(exc: BaseException) -> FailureReason:
    """Why a model call failed (``exc`` is one of ``model_errors()``)."""
    import openai

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | asyncio.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        return "unreachable"
    if isinstance(exc, openai.APIStatusError | httpx.HTTPStatusError):
        text = str(exc).casefold()
        status = exc.status_code if isinstance(exc, openai.APIStatusError) else exc.response.status_code
        if status in (400, 413) and any(w in text for w in _CONTEXT_WORDS):
            return "context_too_long"
    return "server_error"


def is_empty(message: AIMessage) -> bool:
    """No text, no tool call, nothing to act on."""
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    return not message.tool_calls and not message.invalid_tool_calls and not text.strip()


def repair_tool_calls(message: AIMessage, tool_names: Iterable[str]) -> AIMessage:
    """``message`` with tool calls written as text turned into tool calls, and unparsable calls kept as
    calls marked unreadable (``UNREADABLE_KEY``); unchanged when there is nothing to repair."""
    names = set(tool_names)
    calls = list(message.tool_calls)
    unreadable: dict[str, str] = {}
    for bad in message.invalid_tool_calls:
        call_id = bad.get("id") or f"call_{uuid.uuid4().hex[:16]}"
        calls.append(ToolCall(name=bad.get("name") or "", args={}, id=call_id, type="tool_call"))
        unreadable[call_id] = bad.get("error") or "arguments are not JSON"
    content = message.content
    if not calls and isinstance(content, str):
        written = _calls_in_text(content, names)
        if written:
            calls, content = written, ""
    if calls == list(message.tool_calls) and not unreadable:
        return message
    kwargs = dict(message.additional_kwargs)
    if unreadable:
        kwargs[UNREADABLE_KEY] = unreadable
    return AIMessage(
        content=content,
        tool_calls=calls,
        id=message.id,
        additional_kwargs=kwargs,
        response_metadata=message.response_metadata,
        usage_metadata=message.usage_metadata,
    )


def looks_like_written_call(text: str) -> bool:
    """Whether streamed text may be the start of a tool call written as text (held back from the user)."""
    return text.lstrip().startswith(("{", "[", "`", "<"))


def call_problems(message: AIMessage, tools: list[BaseTool]) -> list[str]:
    """What is wrong with the message's tool calls (unknown tool, unreadable or invalid arguments)."""
    by_name = {t.name: t for t in tools}
    unreadable = message.additional_kwargs.get(UNREADABLE_KEY) or {}
    out: list[str] = []
    for call in message.tool_calls:
        tool = by_name.get(call["name"])
        if tool is None:
            out.append(f"{call['name'] or '?'}: unknown tool")
        elif (call["id"] or "") in unreadable:
            out.append(f"{call['name']}: unreadable arguments")
        else:
            schema = tool.tool_call_schema
            if isinstance(schema, type) and issubclass(schema, BaseModel):
                try:
                    schema.model_validate(call["args"])
                except ValidationError as exc:
                    out.append(f"{call['name']}: {exc.error_count()} invalid argument(s)")
    return out


def _calls_in_text(text: str, names: set[str]) -> list[ToolCall]:
    """Tool calls a model wrote as JSON text: ``{"name": …, "arguments": {…}}`` (also ``parameters``,
    ``{"tool_call": {…}}``, a list of them), bare, fenced or tagged; only for tools named in ``names``
    or when the whole text is such a call."""
    candidates = [*_TAGGED.findall(text), *_FENCE.findall(text)] or [text.strip()]
    calls: list[ToolCall] = []
    for raw in candidates:
        data = _json_values(raw.strip())
        if data is None:
            continue
        for item in data if isinstance(data, list) else [data]:
            call = _as_call(item)
            if call is not None and (call["name"] in names or len(candidates) == 1 == len(_objects(data))):
                calls.append(call)
    return calls


def _objects(data: Any) -> list[Any]:
    return data if isinstance(data, list) else [data]


def _as_call(item: Any) -> ToolCall | None:
    if isinstance(item, dict) and isinstance(item.get("tool_call"), dict):
        item = item["tool_call"]
    if isinstance(item, dict) and isinstance(item.get("function"), dict):
        item = item["function"]
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    args = item.get("arguments", item.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            return None
    if not isinstance(args, dict):
        return None
    return ToolCall(name=item["name"], args=args, id=f"call_{uuid.uuid4().hex[:16]}", type="tool_call")


def _json_values(text: str) -> Any:
    """One JSON value, or several written one after the other (a list of them); None if not JSON."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    at = 0
    while at < len(text):
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            return None
        values.append(value)
        at = end
        while at < len(text) and text[at] in " \t\r\n,;":
            at += 1
    if not values:
        return None
    return values[0] if len(values) == 1 else values
