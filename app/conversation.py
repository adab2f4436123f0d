"""Conversations over the composition root: ``bassin ask`` (one turn), ``bassin chat``, and ``WarmAgent``,
the agent kept loaded between turns by ``bassin serve`` (``POST /ask``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.context import AgentContext
from agent.graph import build_graph
from agent.memory import open_checkpointer
from agent.session import StepHandler, TokenHandler, TurnResult, attach_cv, new_thread_id, run_turn
from app.agent import agent_context, open_agent_context
from app.settings import Settings
from app.warmup import warm_up
from domain.vocabulary import Role
from tools.uploads import UploadedCVs

if TYPE_CHECKING:
    from app.runtime import Engine


class WarmAgent:
    """The agent over an open engine, built on the first turn and kept: later turns skip every load.

    Args:
        engine: the engine the agent's services come from; it stays the caller's to close.
        settings: the chat model and the conversation memory.

    Example:
        >>> agent = WarmAgent(engine, settings)  # doctest: +SKIP
        >>> (await agent.ask("cariste à Lille")).answer  # doctest: +SKIP
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine, self._settings = engine, settings
        self._ready: tuple[AgentContext, Any] | None = None
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()

    async def _open(self) -> tuple[AgentContext, Any]:
        async with self._lock:
            if self._ready is None:
                context = await asyncio.to_thread(agent_context, self._engine, self._settings)
                context.closing = None  # the engine belongs to the caller
                saver = await self._stack.enter_async_context(open_checkpointer(self._settings))
                self._stack.push_async_callback(context.aclose)
                self._ready = context, build_graph(checkpointer=saver)
            return self._ready

    async def warm(self) -> None:
        """Load everything now, and answer a warm-up question (``app.warmup``): a server calls it at startup
        so that its first turn costs what later ones do."""
        context, _graph = await self._open()
        await warm_up(context)
        await asyncio.to_thread(self._engine.warm)  # then keep what was loaded out of full GC passes

    async def ask(
        self, question: str, *, thread_id: str | None = None, role: Role = "candidate"
    ) -> TurnResult:
        """One turn on ``thread_id`` (a new thread when None), remembered like ``bassin ask``'s."""
        context, graph = await self._open()
        return await run_turn(graph, context, question, thread_id=thread_id or new_thread_id(), role=role)

    async def aclose(self) -> None:
        """Close the conversation memory and the agent's own clients (not the engine)."""
        await self._stack.aclose()
        self._ready = None


async def ask_once(
    settings: Settings,
    question: str,
    *,
    thread_id: str | None = None,
    role: Role = "candidate",
    cv: Path | None = None,
    on_token: TokenHandler | None = None,
    on_step: StepHandler | None = None,
) -> TurnResult:
    """One turn on the thread ``thread_id`` (a new one when None), with the data dir's memory and services."""
    context = open_agent_context(settings)
    try:
        async with open_checkpointer(settings) as saver:
            graph = build_graph(checkpointer=saver)
            if cv is not None:
                question = await asyncio.to_thread(
                    attach_cv, question, cv, UploadedCVs(settings.data_dir / "uploads")
                )
            return await run_turn(
                graph, context, question, thread_id=thread_id or new_thread_id(), role=role,
                on_token=on_token, on_step=on_step,
            )  # fmt: skip
    finally:
        await context.aclose()


async def chat(
    settings: Settings,
    *,
    thread_id: str | None,
    role: Role,
    read: Callable[[str], str],
    write: Callable[[str], None],
) -> None:
    """A terminal conversation: streamed answers, tool steps, ``/cv PATH``, ``/new``, ``/quit``."""
    context = open_agent_context(settings)
    thread = thread_id or new_thread_id()
    uploads = UploadedCVs(settings.data_dir / "uploads")
    write(f"Bassin — fil {thread}, rôle {role}. /cv CHEMIN pour joindre un CV, /new, /quit.\n")
    # While the user types the first question, what it would load loads (awaited before the first turn).
    warming: asyncio.Task[Any] | None = asyncio.create_task(warm_up(context))
    try:
        async with open_checkpointer(settings) as saver:
            graph = build_graph(checkpointer=saver)
            while True:
                try:
                    line = (await asyncio.to_thread(read, "vous › ")).strip()
                except EOFError:
                    break
                if not line:
                    continue
                if line in ("/quit", "/exit", "/q"):
                    break
                if line == "/new":
                    thread = new_thread_id()
                    write(f"Nouveau fil : {thread}\n")
                    continue
                if line.startswith("/cv "):
                    attached = await asyncio.to_thread(_attach_path, line[4:], uploads)
                    if attached is None:
                        write(f"Fichier introuvable : {line[4:].strip()}\n")
                        continue
                    line = attached
                if warming is not None:
                    await warming
                    warming = None
                write("bassin › ")
                result = await run_turn(
                    graph, context, line, thread_id=thread, role=role, on_token=write,
                    on_step=lambda kind, data: write(_step_line(kind, data)),
                )  # fmt: skip
                if result.flagged_ids:
                    write("\n(ids non vérifiés retirés de la réponse) " + result.answer)
                write("\n\n")
    finally:
        if warming is not None:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
        await context.aclose()


def _attach_path(raw: str, uploads: UploadedCVs) -> str | None:
    path = Path(raw.strip()).expanduser()
    return attach_cv("Voici mon CV.", path, uploads) if path.is_file() else None


def _step_line(kind: str, data: dict[str, Any]) -> str:
    if kind == "tool":
        args = ", ".join(f"{k}={v!r}" for k, v in data["args"].items())
        return f"\n  · {data['name']}({args})"
    return " ✗\n" if data.get("status") == "error" else " ✓\n"
