"""``suggest_occupations``: occupations close to a former job, for a career change (``services.mobility``)."""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.tools import tool
from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field

from domain.errors import ServiceUnavailableError
from services.mobility import former_occupation_text
from tools.results import services, tool_result


class SuggestOccupationsArgs(BaseModel):
    """Arguments of ``suggest_occupations``."""

    former_job: str = Field(
        min_length=2, max_length=200, description="Le métier actuel ou passé, en mots (« vendeuse »)."
    )
    top_k: int = Field(default=5, ge=1, le=10, description="Nombre de métiers proposés.")


@tool("suggest_occupations", args_schema=SuggestOccupationsArgs, response_format="content_and_artifact")
async def suggest_occupations(runtime: ToolRuntime[Any, Any], **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """Propose des métiers proches d'un métier donné, pour une reconversion : métiers d'autres familles
    dont les offres demandent les mêmes compétences (citées), avec le nombre d'offres de chacun.
    N'inventez aucun métier : ne citez que ceux renvoyés ici.
    """
    args = SuggestOccupationsArgs.model_validate(kwargs)
    ctx = services(runtime)
    if ctx.careers is None:
        raise ServiceUnavailableError("Les suggestions de métiers")
    found = await asyncio.to_thread(ctx.careers.suggest, args.former_job, args.top_k)
    return tool_result(
        "occupations",
        [],  # occupations, not offers: nothing to cite or to open by rank
        former_job=former_occupation_text(args.former_job),
        occupation=found.occupation or None,
        suggestions=[
            {
                "code": s.code,
                "label": s.label,
                "shared_skills": s.shared_skills,
                "offers": s.offers,
            }
            for s in found.suggestions
        ],
    )
