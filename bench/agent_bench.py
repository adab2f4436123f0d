"""An offline agent turn end to end (parse → search → score → answer), p50/p95, at a given engine."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from agent.graph import build_graph
from agent.session import run_turn
from app.agent import agent_context
from app.runtime import Engine
from bench.stats import summarize
from tools.uploads import UploadedCVs

CV = """Julie Martin
Développeuse Python
Lyon

Expérience
2019 - présent : Développeuse Python chez ACME, Lyon
2016 - 2019 : Développeuse web chez Foo, Villeurbanne

Compétences
Python, Django, Docker, PostgreSQL, SQL
"""
QUESTIONS = [
    "développeur python à Lyon en CDI",
    "cariste en intérim près de Lille",
    "aide-soignant débutant accepté en Bretagne",
    "comptable à Paris",
    "chauffeur poids lourd autour de Toulouse",
]


async def _turns(engine: Engine, rounds: int) -> dict[str, Any]:
    settings = engine.settings.model_copy(update={"llm_provider": "offline"})
    ctx = agent_context(engine, settings)
    graph = build_graph(checkpointer=InMemorySaver())
    uploads = ctx.cvs
    assert isinstance(uploads, UploadedCVs)
    await run_turn(graph, ctx, QUESTIONS[0], thread_id="warm", role="candidate")
    search_ms: list[float] = []
    cv_ms: list[float] = []
    for r in range(rounds):
        for i, q in enumerate(QUESTIONS):
            t0 = time.perf_counter()
            await run_turn(graph, ctx, q, thread_id=f"s{r}-{i}", role="candidate")
            search_ms.append((time.perf_counter() - t0) * 1000)
        file_id = uploads.save(f"{CV}\nRéférence {r}".encode(), "cv.txt")  # a new file: parsed again
        t0 = time.perf_counter()
        result = await run_turn(
            graph, ctx, f"voici mon CV [fichier: {file_id}]", thread_id=f"cv{r}", role="candidate"
        )
        cv_ms.append((time.perf_counter() - t0) * 1000)
        assert [c.name for c in result.tool_calls] == ["parse_cv", "search_offers", "score_match"], (
            result.tool_calls
        )
    return {"search_turn": summarize(search_ms), "cv_turn": summarize(cv_ms)}


def bench_agent(engine: Engine, rounds: int = 4) -> dict[str, Any]:
    return asyncio.run(_turns(engine, rounds))
