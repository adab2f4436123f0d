"""``AgentContext``: the live services one agent run reaches (runtime context, never state).

``build_context(settings)`` is the agent's composition root, over ``app.runtime.build_engine``; tests
build an ``AgentContext`` directly from fakes or tiny real components.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from agent.llm import create_chat_model
from app.runtime import Engine, build_engine
from app.settings import Settings
from tools.context import ToolContext
from tools.offer_details import HttpOfferDetails, RepositoryOfferDetails
from tools.scoring_adapter import build_scorer
from tools.uploads import StoredCandidateCVs, UploadedCVs


@dataclass(kw_only=True)
class AgentContext(ToolContext):
    """The tools' services plus the chat model (an LLM, or the offline planner)."""

    model: BaseChatModel
    engine: Engine | None = None
    """The engine the services come from, kept to close it; None in tests built from fakes."""

    async def aclose(self) -> None:
        """Release the HTTP client and the engine's stores."""
        if isinstance(self.offer_details, HttpOfferDetails):
            await self.offer_details.aclose()
        if self.engine is not None:
            self.engine.close()


def build_context(settings: Settings, *, model: BaseChatModel | None = None) -> AgentContext:
    """Open the engine of ``settings.data_dir`` and wire every service the agent uses.

    Args:
        settings: read once at the edge (CLI, UI, API, evals).
        model: a chat model to use instead of the one ``settings`` selects (tests, evals).
    """
    return context_for(build_engine(settings), settings, model=model)


def context_for(engine: Engine, settings: Settings, *, model: BaseChatModel | None = None) -> AgentContext:
    """The agent's services over an already open engine (the context closes it in ``aclose``)."""
    gazetteer, taxonomy = engine.gazetteer.load(), engine.taxonomy.load()
    details = (
        HttpOfferDetails(settings.offers_api_url)
        if settings.offers_api_url
        else RepositoryOfferDetails(engine.offers)
    )
    return AgentContext(
        offer_search=engine.offer_search,
        offer_rows=engine.offers,
        offer_details=details,
        places=gazetteer,
        skills=taxonomy,
        cvs=UploadedCVs(settings.data_dir / "uploads"),
        candidate_search=engine.candidate_search,
        candidate_profiles=StoredCandidateCVs(engine.candidates, UploadedCVs(settings.data_dir / "cvs")),
        scorer=build_scorer(engine),
        model=model or create_chat_model(settings, gazetteer=gazetteer, taxonomy=taxonomy),
        engine=engine,
    )
