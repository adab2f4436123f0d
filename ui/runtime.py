"""The UI process's services, built once on first use and shared by every session.

One agent context (engine, scorer, chat model), one checkpointer (conversation memory, keyed by the chat
thread id), the compiled graph, the interactions repository and the CV uploads folder.
"""

from __future__ import annotations

import asyncio
import dataclasses
from contextlib import AsyncExitStack
from typing import Any

from agent.context import AgentContext
from agent.graph import build_graph
from agent.memory import open_checkpointer
from app.agent import agent_context
from app.runtime import build_engine
from app.settings import Settings
from cv import ParsedCV
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


async def get_runtime(settings: Settings) -> UiRuntime:
    """The process's runtime, built on first call (opening the engine takes a few seconds)."""
    global _runtime
    async with _lock:
        if _runtime is None:
            _runtime = await _build(settings)
        return _runtime


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
