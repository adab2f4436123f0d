"""``score_match`` and ``what_if``: the calibrated match score of offers, with verified explanations."""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.tools import tool
from langgraph.prebuilt import ToolRuntime
from pydantic import BaseModel, Field

from domain.errors import InvalidQueryError, ServiceUnavailableError
from domain.search import SearchFilters
from services.match_scoring import Basis
from tools.context import AnswerLanguage, Scoring, ToolContext
from tools.errors import ToolNotAllowedError
from tools.results import DATA_NOTICE, caller_role, services, tool_result
from tools.search import SearchOffersArgs, search_request, search_request_of

_LANGUAGE = (
    "Langue de la conversation (fr ou en) : celle des phrases d'explication. Les citations « … » du CV et "
    "de l'offre restent telles qu'écrites. / Conversation language (fr or en) of the explanation sentences."
)


class ScoreMatchArgs(BaseModel):
    """Arguments of ``score_match``."""

    offer_ids: list[str] = Field(min_length=1, max_length=5, description="Ids des offres à évaluer (1 à 5).")
    cv_id: str | None = Field(default=None, description="CV analysé par parse_cv : évalue ce profil.")
    candidate_id: str | None = Field(
        default=None, description="Recruteurs : candidat (id cv-…) renvoyé par search_candidates."
    )
    language: AnswerLanguage = Field(default="fr", description=_LANGUAGE)


class WhatIfArgs(BaseModel):
    """Arguments of ``what_if``."""

    offer_id: str | None = Field(
        default=None,
        description="L'offre à réévaluer avec le profil modifié. Sans offre ni changement : ce que rapporterait "
        "l'assouplissement de chaque filtre de la recherche active (rayon, contrat, télétravail...).",
    )
    cv_id: str | None = Field(
        default=None, description="CV analysé par parse_cv (sinon : la recherche active)."
    )
    add_skills: list[str] = Field(default_factory=list, description="Compétences que la personne acquerrait.")
    experience_months: int | None = Field(
        default=None, ge=0, le=600, description="Expérience totale supposée."
    )
    place: str | None = Field(default=None, description="Autre lieu de résidence (commune, département...).")
    language: AnswerLanguage = Field(default="fr", description=_LANGUAGE)


@tool("score_match", args_schema=ScoreMatchArgs, response_format="content_and_artifact")
async def score_match(
    offer_ids: list[str],
    runtime: ToolRuntime[Any, Any],
    cv_id: str | None = None,
    candidate_id: str | None = None,
    language: AnswerLanguage = "fr",
) -> tuple[str, dict[str, Any]]:
    """Note l'adéquation (0 à 100) entre un profil et des offres, avec une explication vérifiée : compétences
    présentes ou manquantes, distance, expérience, contrat, télétravail, langues.

    Le profil est le candidat `candidate_id` (recruteurs), sinon le CV `cv_id`, sinon la recherche active.
    Chaque phrase d'explication cite le CV/la recherche et l'offre : reprenez-les telles quelles. Passez
    `language="en"` quand la conversation est en anglais : les phrases viennent alors en anglais.
    """
    ctx = services(runtime)
    scoring = _scoring(ctx)
    if candidate_id and caller_role(runtime) != "recruiter":
        raise ToolNotAllowedError("score_match(candidate_id)")
    basis = await asyncio.to_thread(_basis, ctx, runtime, cv_id=cv_id, candidate_id=candidate_id)
    ids = list(dict.fromkeys(offer_ids))
    verdicts = await asyncio.to_thread(scoring.score, basis, ids, language)
    return tool_result(
        "match_scores", [v["id"] for v in verdicts], basis=basis.kind, scores=verdicts, notice=DATA_NOTICE
    )


@tool("what_if", args_schema=WhatIfArgs, response_format="content_and_artifact")
async def what_if(
    runtime: ToolRuntime[Any, Any],
    offer_id: str | None = None,
    cv_id: str | None = None,
    add_skills: list[str] | None = None,
    experience_months: int | None = None,
    place: str | None = None,
    language: AnswerLanguage = "fr",
) -> tuple[str, dict[str, Any]]:
    """« Et si… » mesuré, jamais deviné. Avec `offer_id` et un changement du profil (compétence acquise,
    plus d'expérience, autre lieu) : le score de l'offre avant et après, avec l'explication. Sans offre ni
    changement : combien d'offres en plus apporterait l'assouplissement de chaque filtre de la recherche
    active (« +11 offres à 50 km », « +6 si vous acceptez l'intérim »). `language="en"` : réponse en anglais.
    """
    ctx = services(runtime)
    scoring = _scoring(ctx)
    if offer_id is None or not (add_skills or experience_months is not None or place):
        filters, unread = await asyncio.to_thread(_active_filters, ctx, runtime)
        if unread:  # no occupation in the search's words: a count would be of every job around
            return tool_result("what_if", [], mode="relax", relaxations=[], unknown_occupation=True)
        relaxations = await asyncio.to_thread(scoring.relax, filters, language)
        return tool_result("what_if", [], mode="relax", relaxations=relaxations)
    basis = await asyncio.to_thread(_basis, ctx, runtime, cv_id=cv_id, candidate_id=None)
    skills = []
    for label in add_skills or []:
        key = ctx.skills.normalize_fuzzy(label)
        if key is None:
            raise InvalidQueryError(f"Compétence inconnue : {label!r}. / Unknown skill: {label!r}.")
        skills.append((key, ctx.skills.label(key)))
    changes = {"add_skills": skills, "experience_months": experience_months, "place": place}
    result = await asyncio.to_thread(scoring.what_if, basis, offer_id, changes, language)
    return tool_result("what_if", [result["offer_id"]], mode="profile", **result, notice=DATA_NOTICE)


def _active_filters(ctx: ToolContext, runtime: ToolRuntime[Any, Any]) -> tuple[SearchFilters, bool]:
    """The filters of the conversation's active offer search, narrowed to the occupation its words (or its
    CV's title) name, so that what-if counts are about that job, not every job around; and whether those
    words name no occupation the ranker can read (nor skills to count by).

    Raises:
        InvalidQueryError: no offer search yet.
    """
    args = _active_offer_args(runtime)
    if args is None:
        raise InvalidQueryError("Lancez d'abord une recherche d'offres. / Run an offer search first.")
    profile = ctx.cvs.get(args.cv_id).profile if args.cv_id else None
    text, filters, _ = search_request(ctx, args, profile)
    words = (args.query or (profile.title if profile is not None else None) or text).strip()
    ranker = getattr(ctx.offer_search, "ranker", None)
    if words and not filters.rome and not filters.skills and ranker is not None:
        occupation = ranker.occupation(words)
        if not occupation.codes:
            return filters, True
        filters = filters.model_copy(update={"rome": list(occupation.codes)})
    return filters, False


def _active_offer_args(runtime: ToolRuntime[Any, Any]) -> SearchOffersArgs | None:
    state = runtime.state
    active = state.get("active_search") if isinstance(state, dict) else getattr(state, "active_search", None)
    if not active or active.get("tool") != "search_offers":
        return None
    fields = set(SearchOffersArgs.model_fields)
    return SearchOffersArgs.model_validate({k: v for k, v in active["args"].items() if k in fields})


def _scoring(ctx: ToolContext) -> Scoring:
    if ctx.scorer is None:
        raise ServiceUnavailableError("Le calcul d'adéquation")
    return ctx.scorer


def _basis(
    ctx: ToolContext, runtime: ToolRuntime[Any, Any], *, cv_id: str | None, candidate_id: str | None
) -> Basis:
    """The profile to score: a stored candidate, an uploaded CV, or the conversation's active search.

    Raises:
        InvalidQueryError: nothing to score against yet.
    """
    if candidate_id:
        if ctx.candidate_profiles is None:
            raise ServiceUnavailableError("Le profil des candidats")
        return Basis(kind="candidate", parsed=ctx.candidate_profiles.get(candidate_id))
    args = _active_offer_args(runtime)
    if cv_id:
        # scored as the CV's search ranked it (its request when that search is the active one)
        request = search_request_of(args) if args is not None and args.cv_id == cv_id else None
        return Basis(kind="cv", parsed=ctx.cvs.get(cv_id), request=request)
    if args is not None:
        if args.cv_id:  # scored as the CV's search ranked it: « pourquoi la 1 ? » repeats the list's number
            return Basis(kind="cv", parsed=ctx.cvs.get(args.cv_id), request=search_request_of(args))
        text, filters, _ = search_request(ctx, args, None)
        return Basis(kind="query", text=text, filters=filters)
    raise InvalidQueryError(
        "Rien à comparer : déposez un CV ou lancez d'abord une recherche. / Nothing to score against: upload a "
        "CV or run a search first."
    )
