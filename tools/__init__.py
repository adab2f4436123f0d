"""The agent's tools: thin adapters over the engine's services, one module per family.

Services come from the run's context (``ToolContext``), never from the model: the schemas the model sees
list only business arguments.
"""

from __future__ import annotations

from langchain_core.tools import BaseTool

from domain.vocabulary import Role
from tools.careers import suggest_occupations
from tools.context import ToolContext
from tools.cv import parse_cv
from tools.offers import get_offer_details
from tools.scoring import score_match, what_if
from tools.search import search_candidates, search_offers

ALL_TOOLS: tuple[BaseTool, ...] = (
    search_offers,
    search_candidates,
    get_offer_details,
    parse_cv,
    score_match,
    what_if,
    suggest_occupations,
)
RECRUITER_ONLY = frozenset({"search_candidates"})


def tools_for(role: Role, context: ToolContext | None = None) -> list[BaseTool]:
    """The tools a model may call for ``role``: candidates never get candidate search; tools whose
    service is not deployed (no scorer, no candidate index) are left out."""
    out: list[BaseTool] = []
    for t in ALL_TOOLS:
        if t.name in RECRUITER_ONLY and role != "recruiter":
            continue
        if context is not None and t.name in ("score_match", "what_if") and context.scorer is None:
            continue
        if context is not None and t.name == "search_candidates" and context.candidate_search is None:
            continue
        if context is not None and t.name == "suggest_occupations" and context.careers is None:
            continue
        out.append(t)
    return out


__all__ = [
    "ALL_TOOLS",
    "RECRUITER_ONLY",
    "get_offer_details",
    "parse_cv",
    "score_match",
    "search_candidates",
    "search_offers",
    "suggest_occupations",
    "tools_for",
    "what_if",
]
