"""The UI process's services, built once and shared by every session.

One agent context (engine, scorer, chat model), one checkpointer (conversation memory, keyed by the chat
thread id), the compiled graph, the interactions repository and the CV uploads folder. The server starts
building them as it starts (``start_warming``) and answers a warm-up question with them (``app.warmup``),
so that its first user's question costs what later ones do.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from contextlib import AsyncExitStack
from typing import Any

from agent.context import AgentContext
from agent.graph import build_graph
from agent.memory import open_checkpointer
from app.agent import agent_context
from app.runtime import build_engine
from app.settings import Settings
from app.warmup import warm_up
from cv import ParsedCV
from domain.errors import BassinError
from store.candidates import CandidateRepository
from store.interactions import InteractionRepository
from tools.uploads import UploadedCVs
from ui.cards import CardBuilder

_MAX_REMEMBERED = 64


class ParsedUploads:
    """Uploaded CVs, with the ones the UI already parsed (to show them for confirmation) kept parsed:
    the agent's ``parse_cv`` then costs nothing more."""

    def __init__(self, files: UploadedCVs) -> None:
        self.files = files
        self._parsed: dict[str, ParsedCV] = {}

    def remember(self, file_id: str, parsed: ParsedCV) -> None:
        self._parsed[file_id] = parsed
        while len(self._parsed) > _MAX_REMEMBERED:
            self._parsed.pop(next(iter(self._parsed)))

    def get(self, file_id: str) -> ParsedCV:
        if file_id in self._parsed:
            return self._parsed[file_id]
        return self.files.get(file_id)


@dataclasses.dataclass
class UiRuntime:
    settings: Settings
    context: AgentContext
    graph: Any
    interactions: InteractionRepository
    candidates: CandidateRepository
    uploads: ParsedUploads
    cards: CardBuilder
    _stack: AsyncExitStack

    async def aclose(self) -> None:
        await self._stack.aclose()
        await self.context.aclose()


_runtime: UiRuntime | None = None
_lock = asyncio.Lock()
_warming: asyncio.Task[UiRuntime] | None = None
log = logging.getLogger("bassin.ui")


async def get_runtime(settings: Settings) -> UiRuntime:
    """The process's runtime, built and warmed on first call; a call during the build waits for it."""
    global _runtime
    async with _lock:
        if _runtime is None:
            started = time.perf_counter()
            runtime = await _build(settings)
            try:
                await warm_up(runtime.context)
            except BassinError as exc:  # a store the warm-up cannot search still serves its users
                log.warning("warm-up question failed: %s", exc)
            _runtime = runtime
            log.info("Bassin ready: engine open and warm in %.1f s", time.perf_counter() - started)
        return _runtime


def start_warming(settings: Settings) -> None:
    """Build and warm the runtime in the background now (a server calls it as it starts); once only."""
    global _warming
    if _warming is None:
        _warming = asyncio.get_running_loop().create_task(get_runtime(settings))
        _warming.add_done_callback(_report_failure)


def _report_failure(task: asyncio.Task[UiRuntime]) -> None:
    if not task.cancelled() and task.exception() is not None:  # the first question will try again
        log.error("opening the engine at startup failed", exc_info=task.exception())


def is_ready() -> bool:
    """Whether the runtime is built and warm (a question now pays no load)."""
    return _runtime is not None


async def _build(settings: Settings) -> UiRuntime:
    engine = await asyncio.to_thread(build_engine, settings)
    base = agent_context(engine, settings)
    files = UploadedCVs(settings.data_dir / "uploads")
    uploads = ParsedUploads(files)
    context = dataclasses.replace(base, cvs=uploads)
    stack = AsyncExitStack()
    saver = await stack.enter_async_context(open_checkpointer(settings))
    return UiRuntime(
        settings=settings,
        context=context,
        graph=build_graph(checkpointer=saver),
        interactions=InteractionRepository(engine.db),
        candidates=engine.candidates,
        uploads=uploads,
        cards=CardBuilder(context),
        _stack=stack,
    )
