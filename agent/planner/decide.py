"""What the offline planner does with a message: the tool calls of the turn, or a reply without tools.

``plan_turn`` runs once per user message (on the turn's first model call) and yields a ``TurnPlan``; the
plan travels in the first ``AIMessage`` of the turn so that later calls follow it instead of re-reading a
state the tools have since changed. ``next_call`` gives the next tool call given the results so far.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from agent.briefing import Briefing
from services.utterance.reading import Reading, Target
from services.utterance.references import LAST
from services.utterance.text import Lang

Intent = Literal["search", "cv", "details", "score", "candidate_recap", "what_if", "reply"]
ARG_ORDER = (
    "query", "skills", "place", "radius_km", "contracts", "exclude_contracts", "experience_min_months",
    "experience_max_months", "remote", "languages", "salary_min_monthly", "published_within_days", "cv_id",
    "top_k",
)  # fmt: skip
_CANDIDATE_ARGS = frozenset(ARG_ORDER) - {"salary_min_monthly", "published_within_days", "cv_id"}
_OFFER_ARGS = frozenset(ARG_ORDER) - {"languages"}
_COMMUNE_KINDS = ("commune", "arrondissement", "postcode")
DEFAULT_RADIUS_KM = 30.0
MAX_RADIUS_KM = 200.0
SCORED_AFTER_CV_SEARCH = 3
EXPLAINING_TOOLS = frozenset({"score_match", "what_if"})
"""Tools whose results hold sentences: they take a ``language`` argument."""


@dataclass
class TurnPlan:
    """The turn's intent, language, tool calls (``args_from`` fills args from earlier results), reply."""

    intent: Intent
    lang: Lang
    steps: list[dict[str, Any]] = field(default_factory=list)
    reply: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnPlan:
        return cls(**data)


def search_tool(target: Target) -> str:
    return "search_candidates" if target == "candidates" else "search_offers"


def target_of(tool: str | None) -> Target | None:
    return {"search_candidates": "candidates", "search_offers": "offers"}.get(tool or "")  # type: ignore[return-value]


def plan_turn(reading: Reading, briefing: Briefing, tools: frozenset[str]) -> TurnPlan:
    """Decide the turn; tools that write sentences (explanations) get the answer's language."""
    plan = _decide(reading, briefing, tools)
    if plan.lang != "fr":  # "fr" is the tools' default: French calls stay as they were
        for step in plan.steps:
            if step["tool"] in EXPLAINING_TOOLS:
                step["args"] = {**step["args"], "language": plan.lang}
    return plan


def _decide(reading: Reading, briefing: Briefing, tools: frozenset[str]) -> TurnPlan:
    """Decide the turn. Order matters: attachments, small talk, what-ifs, references, then searches."""
    lang = reading.lang
    acts = reading.acts
    role_target: Target = "candidates" if briefing.role == "recruiter" else "offers"
    active = briefing.active_search if "reset" not in acts else None
    active_target = target_of(active["tool"]) if active else None

    if reading.file_id:
        return _cv_plan(reading, briefing, tools)
    if "missing" in acts and not reading.refs and not reading.has_search_content():
        # « Qu'est-ce qui me manque ? » is about the offer in focus (else the first result).
        reading.refs.demonstrative = True
    content = reading.has_search_content() or bool(reading.refs) or acts & {
        "more", "farther", "closer", "anywhere", "any_contract", "any_language", "for_my_cv", "what_if", "relax",
        "career_change",
    }  # fmt: skip
    if not content:
        for kind in ("help", "greet", "thanks"):
            if kind in acts:
                return TurnPlan("reply", lang, reply=kind)
        if "reset" in acts:
            return TurnPlan("reply", lang, reply="reset")
        return TurnPlan("reply", lang, reply="clarify")
    if "career_change" in acts and not reading.refs and not reading.contracts:
        # "je veux changer de métier, j'étais vendeuse": searching "vendeuse" would answer the opposite;
        # occupations close to it (by the skills their offers ask) are what helps. A place said with it
        # (« … près de Lille ») is for the search that follows: the answer asks for it with the job.
        if reading.query.strip() and "suggest_occupations" in tools:
            suggest = {"tool": "suggest_occupations", "args": {"former_job": reading.query.strip()}}
            return TurnPlan(
                "search", lang, steps=[suggest], data={"place": reading.place} if reading.place else {}
            )
        return TurnPlan("reply", lang, reply="career_change")
    if acts & {"what_if", "relax"}:
        return _what_if_plan(reading, briefing, tools)
    if reading.refs:
        return _reference_plan(reading, briefing, tools, active_target)

    if "for_my_cv" in acts and not briefing.cv_id and not reading.has_search_content():
        return TurnPlan("reply", lang, reply="need_cv")
    refine = active is not None and _is_refinement(reading, active_target)
    target: Target = reading.target or (active_target if refine and active_target else role_target)
    if target == "candidates" and briefing.role != "recruiter":
        return TurnPlan("reply", lang, reply="refuse_candidates")
    tool = search_tool(target)
    if tool not in tools:
        return TurnPlan("reply", lang, reply="unavailable", data={"tool": tool})
    if refine and active is not None:
        args = _merge(dict(active["args"]), reading)
        data = {"previous_ids": list(briefing.last_result_ids)} if "more" in acts else {}
    else:
        args = _fresh(reading)
        data = {}
    if target == "offers" and briefing.cv_id and ("for_my_cv" in acts or args.get("cv_id")):
        args["cv_id"] = briefing.cv_id
    args = canonical(args, target)
    if not args:
        return TurnPlan("reply", lang, reply="clarify")
    steps: list[dict[str, Any]] = [{"tool": tool, "args": args}]
    if args.get("cv_id") and "score_match" in tools:
        steps.append({"tool": "score_match", "args": {"cv_id": args["cv_id"]}, "args_from": "top_results"})
    elif tool == "search_offers" and "what_if" in tools:
        steps.append({"tool": "what_if", "args": {}, "args_from": "if_empty"})
    return TurnPlan("search", lang, steps=steps, data=data)


def _is_refinement(reading: Reading, active_target: Target | None) -> bool:
    """A follow-up edits the active search unless it brings a new job to look for."""
    acts = reading.acts
    if reading.target is not None and reading.target != active_target and reading.query:
        return False
    if acts & {"more", "farther", "closer", "anywhere", "any_contract", "any_language"}:
        return True
    if reading.query:
        return "refine" in acts and "search_verb" not in acts
    # Bare skills with a search verb ("trouve des offres Python") start over; without one they edit.
    return not (reading.skills and "search_verb" in acts and "refine" not in acts)


def _fresh(reading: Reading) -> dict[str, Any]:
    args: dict[str, Any] = {
        "query": reading.query,
        "skills": list(reading.skills),
        "place": reading.place,
        "radius_km": reading.radius_km if reading.place_kind in _COMMUNE_KINDS else None,
        "contracts": list(reading.contracts),
        "exclude_contracts": list(reading.exclude_contracts),
        "experience_min_months": reading.experience_min_months,
        "experience_max_months": reading.experience_max_months,
        "remote": reading.remote,
        "languages": list(reading.languages),
        "salary_min_monthly": reading.salary_min_monthly,
        "published_within_days": reading.published_within_days,
    }
    if "more" in reading.acts:
        args["top_k"] = 20
    return args


def _merge(args: dict[str, Any], reading: Reading) -> dict[str, Any]:
    """The active search's arguments edited by a follow-up ("seulement les CDI", "plus loin", ...)."""
    acts = reading.acts
    args.pop("unknown_skills", None)
    if reading.query:
        args["query"] = reading.query
        if not reading.skills and "add" not in acts:
            args["skills"] = []
    if reading.skills:
        old = list(args.get("skills") or [])
        args["skills"] = (
            [*old, *(s for s in reading.skills if s not in old)] if "add" in acts else reading.skills
        )
    if reading.place:
        args["place"] = reading.place
        args["radius_km"] = reading.radius_km if reading.place_kind in _COMMUNE_KINDS else None
    elif reading.radius_km and args.get("place"):
        args["radius_km"] = reading.radius_km
    if "anywhere" in acts:
        args["place"] = args["radius_km"] = None
    if args.get("place") and args.get("radius_km"):
        if "farther" in acts:
            args["radius_km"] = min(MAX_RADIUS_KM, float(args["radius_km"]) * 2)
        elif "closer" in acts:
            args["radius_km"] = max(2.0, float(args["radius_km"]) / 2)
    if "any_contract" in acts:
        args["contracts"] = args["exclude_contracts"] = []
    if reading.contracts:
        old = list(args.get("contracts") or [])
        args["contracts"] = sorted({*old, *reading.contracts}) if "add" in acts else list(reading.contracts)
        args["exclude_contracts"] = [
            c for c in args.get("exclude_contracts") or [] if c not in reading.contracts
        ]
    if reading.exclude_contracts:
        args["exclude_contracts"] = sorted(
            {*(args.get("exclude_contracts") or []), *reading.exclude_contracts}
        )
        args["contracts"] = [c for c in args.get("contracts") or [] if c not in reading.exclude_contracts]
    if reading.experience_min_months is not None or reading.experience_max_months is not None:
        args["experience_min_months"] = reading.experience_min_months
        args["experience_max_months"] = reading.experience_max_months
    if "any_language" in acts:
        args["languages"] = []
    if reading.languages:
        old = list(args.get("languages") or [])
        args["languages"] = (
            [*old, *(k for k in reading.languages if k not in old)] if "add" in acts else reading.languages
        )
    for name in ("remote", "salary_min_monthly", "published_within_days"):
        value = getattr(reading, name)
        if value is not None:
            args[name] = value
    if "more" in acts:
        args["top_k"] = min(50, int(args.get("top_k") or 10) + 10)
    return args


def canonical(args: dict[str, Any], target: Target) -> dict[str, Any]:
    """Arguments in a stable order, without empty values or fields the target's tool does not take."""
    allowed = _CANDIDATE_ARGS if target == "candidates" else _OFFER_ARGS
    out: dict[str, Any] = {}
    for name in ARG_ORDER:
        value = args.get(name)
        if name not in allowed or value is None or value in ("", []) or (name == "top_k" and value == 10):
            continue
        if name in ("contracts", "exclude_contracts"):
            value = sorted(set(value))
        out[name] = value
    return out


def _cv_plan(reading: Reading, briefing: Briefing, tools: frozenset[str]) -> TurnPlan:
    """An uploaded CV: read it; a candidate (or anyone asking for offers) then gets matching offers."""
    file_id = reading.file_id or ""
    steps: list[dict[str, Any]] = [{"tool": "parse_cv", "args": {"file_id": file_id}}]
    wants_offers = briefing.role == "candidate" or reading.target == "offers" or "search_verb" in reading.acts
    if wants_offers and "search_offers" in tools:
        args = canonical({**_fresh(reading), "cv_id": file_id}, "offers")
        steps.append({"tool": "search_offers", "args": args})
        if "score_match" in tools:
            steps.append({"tool": "score_match", "args": {"cv_id": file_id}, "args_from": "top_results"})
    return TurnPlan("cv", reading.lang, steps=steps)


def _reference_plan(
    reading: Reading, briefing: Briefing, tools: frozenset[str], active_target: Target | None
) -> TurnPlan:
    lang = reading.lang
    ids, missing = reading.refs.resolve(briefing.last_result_ids, briefing.focus_ids)
    if missing and not ids:
        if not briefing.last_result_ids:
            return TurnPlan("reply", lang, reply="no_results_yet")
        shown = ["la dernière" if r == LAST else str(r) for r in missing]
        return TurnPlan("reply", lang, reply="rank_out_of_range",
                        data={"ranks": shown, "count": len(briefing.last_result_ids)})  # fmt: skip
    if not ids:
        return TurnPlan("reply", lang, reply="no_results_yet")
    candidate_ids = [i for i in ids if i.startswith("cv-")]
    offer_ids = [i for i in ids if not i.startswith("cv-")]
    wants_score = bool(reading.acts & {"why", "compare", "missing"})
    if candidate_ids and not offer_ids:
        if briefing.role != "recruiter":
            return TurnPlan("reply", lang, reply="refuse_candidates")
        return TurnPlan(
            "candidate_recap",
            lang,
            data={"ids": candidate_ids, "compare": "compare" in reading.acts, "why": "why" in reading.acts},
        )
    if wants_score and "score_match" in tools:
        args: dict[str, Any] = {"offer_ids": offer_ids[:5]}
        if candidate_ids and briefing.role == "recruiter":
            args["candidate_id"] = candidate_ids[0]
        elif briefing.cv_id:
            args["cv_id"] = briefing.cv_id
        return TurnPlan("score", lang, steps=[{"tool": "score_match", "args": args}],
                        data={"compare": len(offer_ids) > 1, "missing": "missing" in reading.acts})  # fmt: skip
    if "get_offer_details" not in tools:
        return TurnPlan("reply", lang, reply="unavailable", data={"tool": "get_offer_details"})
    return TurnPlan("details", lang, steps=[{"tool": "get_offer_details", "args": {"offer_ids": offer_ids[:5]}}],
                    data={"compare": "compare" in reading.acts, "why": wants_score})  # fmt: skip


def _what_if_plan(reading: Reading, briefing: Briefing, tools: frozenset[str]) -> TurnPlan:
    """ "Et si j'avais 5 ans d'expérience ?" re-scores the offer in focus with the change applied; "et si
    j'élargissais ?" (no change to the person) measures what relaxing each filter of the search brings."""
    lang = reading.lang
    if "what_if" not in tools:
        return TurnPlan("reply", lang, reply="unavailable", data={"tool": "what_if"})
    changes: dict[str, Any] = {}
    if reading.skills:
        changes["add_skills"] = list(reading.skills)
    months = reading.experience_max_months if reading.experience_max_months else reading.experience_min_months
    if months:
        changes["experience_months"] = months
    if reading.place:
        changes["place"] = reading.place
    if not changes:
        active = briefing.active_search
        if not active or active.get("tool") != "search_offers":
            return TurnPlan("reply", lang, reply="what_if_unclear")
        return TurnPlan("what_if", lang, steps=[{"tool": "what_if", "args": {}}])
    ids, _ = reading.refs.resolve(briefing.last_result_ids, briefing.focus_ids)
    offer_ids = (
        [i for i in ids if not i.startswith("cv-")] or briefing.focus_ids[:1] or briefing.last_result_ids[:1]
    )
    if not offer_ids or offer_ids[0].startswith("cv-"):
        return TurnPlan("reply", lang, reply="no_results_yet")
    args: dict[str, Any] = {"offer_id": offer_ids[0], **changes}
    if briefing.cv_id:
        args["cv_id"] = briefing.cv_id
    return TurnPlan("what_if", lang, steps=[{"tool": "what_if", "args": args}])


def next_call(plan: TurnPlan, results: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The next ``{"tool", "args"}`` of ``plan`` after ``results`` (None for a failed call), or None.

    A failed call ends the turn: the answer explains the failure instead of going on.
    """
    if any(r is None for r in results) or len(results) >= len(plan.steps):
        return None
    step = plan.steps[len(results)]
    args = dict(step["args"])
    if step.get("args_from") == "if_empty" and matched_ids(results[-1] or {}):
        return None
    if step.get("args_from") == "top_results":
        previous = results[-1] or {}
        ids = [i for i in previous.get("ids", []) if not str(i).startswith("cv-")][:SCORED_AFTER_CV_SEARCH]
        if not ids:
            return None
        args["offer_ids"] = ids
    return {"tool": step["tool"], "args": args}


def matched_ids(result: dict[str, Any]) -> list[str]:
    """The ids a search presents as matches: without the nearest offers listed when nothing matched."""
    ids = [str(i) for i in result.get("ids") or []]
    alternatives = int((result.get("no_match") or {}).get("alternatives") or 0)
    return ids[alternatives:]
