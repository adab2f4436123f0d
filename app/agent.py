"""The agent's runtime context, wired from the composition root (``app.runtime``) and ``Settings``.

``open_agent_context(settings)`` opens the engine and builds the context the graph's tools reach;
``agent_context(engine, settings)`` does the same over an engine already open (evals, benches, UI).
Tests build ``agent.context.AgentContext`` directly from fakes or tiny real components.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agent.context import AgentContext
from agent.llm import create_chat_model, offline_planner
from agent.planner import OfflinePlanner
from app.runtime import Engine, build_engine
from app.settings import Settings
from tools.uploads import StoredCandidateCVs, UploadedCVs


def open_agent_context(settings: Settings, *, model: BaseChatModel | None = None) -> AgentContext:
    """Open the engine of ``settings.data_dir`` and wire every service the agent uses.

    Args:
        settings: read once at the edge (CLI, UI, API, evals).
        model: a chat model to use instead of the one ``settings`` selects (tests, evals).
    """
    return agent_context(build_engine(settings), settings, model=model)


def agent_context(engine: Engine, settings: Settings, *, model: BaseChatModel | None = None) -> AgentContext:
    """The agent's services over an already open engine (the context closes it in ``aclose``)."""
    gazetteer, taxonomy = engine.gazetteer.load(), engine.taxonomy.load()
    chosen = model or create_chat_model(settings, gazetteer=gazetteer, taxonomy=taxonomy)
    return AgentContext(
        offer_search=engine.offer_search,
        offer_rows=engine.offers,
        offer_details=engine.offer_details,
        places=gazetteer,
        skills=taxonomy,
        cvs=UploadedCVs(settings.data_dir / "uploads"),
        candidate_search=engine.candidate_search,
        candidate_profiles=StoredCandidateCVs(engine.candidates, UploadedCVs(settings.data_dir / "cvs")),
        scorer=engine.match_scoring,
        careers=engine.careers,
        model=chosen,
        fallback=None if isinstance(chosen, OfflinePlanner) else offline_planner(gazetteer, taxonomy),
        closing=engine.close,
    )
