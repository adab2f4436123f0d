"""Small fakes of the engine's services and a scripted tool-calling chat model, for agent tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

from agent.context import AgentContext
from cv import ParsedCV, parse_cv_text
from domain.errors import OfferNotFoundError
from domain.salary import format_salary
from domain.search import ScoreParts, SearchFilters
from services.candidate_search import CandidateResult, CandidateSearchResponse
from services.match_scoring import Basis
from services.mobility import CareerChange, OccupationSuggestion
from services.offer_details import OfferDetails, offer_details_from_row
from services.offer_search import OfferResult, OfferSearchResponse
from store.models import OfferRow, OfferSkillRow
from tools.uploads import UnknownUploadError

LYON = (45.75418, 4.84203)


def offer_row(external_id: str, title: str, **extra: Any) -> OfferRow:
    """An unsaved offer row (enough for the tools: ids, display fields, salary, skills)."""
    skills = extra.pop("skills", [])
    row = OfferRow(
        id=extra.pop("doc_id", int("".join(c for c in external_id if c.isdigit()) or 0)),
        external_id=external_id,
        title=title,
        description=extra.pop("description", f"Description de l'offre {title}."),
        company_name=extra.pop("company", "ACME"),
        location=extra.pop("location", "69 - Lyon"),
        contract_type=extra.pop("contract", "CDI"),
        salary_label=extra.pop("salary_label", None),
        salary_min_monthly=extra.pop("salary_min", None),
        salary_max_monthly=extra.pop("salary_max", None),
        latitude=LYON[0],
        longitude=LYON[1],
        published_at=datetime(2025, 11, 14, tzinfo=UTC),
        content_hash="h",
        **extra,
    )
    row.skills = [OfferSkillRow(label=label, key=label.lower(), is_required=True) for label in skills]
    return row


DEFAULT_OFFERS = [
    offer_row(
        "2000001", "Développeur Python (H/F)", skills=["Python"], salary_max=3500, salary_label="3500 €"
    ),
    offer_row("2000002", "Développeur Django", skills=["Python", "Django"], salary_max=2800),
    offer_row("2000003", "Data engineer", skills=["Python", "Spark"], contract="CDD"),
    offer_row("2000004", "Développeur backend", skills=["Java"], contract="MIS"),
]


@dataclass
class FakeOfferSearch:
    """Returns the stored offers (in order), after applying the contract filters and the salary floor (the
    top of the stated range; offers stating none fail it), as the real search does; records calls."""

    rows: list[OfferRow] = field(default_factory=lambda: list(DEFAULT_OFFERS))
    calls: list[tuple[str, SearchFilters, int, bool]] = field(default_factory=list)

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        occupation_text: str | None = None,
    ) -> OfferSearchResponse:
        filters = filters or SearchFilters()
        self.calls.append((text, filters, top_k, interpret))
        rows = [
            r
            for r in self.rows
            if (not filters.contracts or r.contract_type in filters.contracts)
            and r.contract_type not in filters.exclude_contracts
            and (
                filters.salary_min_monthly is None
                or (r.salary_max_monthly or r.salary_min_monthly or 0.0) >= filters.salary_min_monthly
            )
        ]
        results = [_offer_result(i, r) for i, r in enumerate(rows[:top_k], start=1)]
        return OfferSearchResponse(query=text, text=text, filters=filters, understood=[], results=results)


def _offer_result(rank: int, row: OfferRow) -> OfferResult:
    return OfferResult(
        rank=rank, id=row.external_id, doc_id=row.id, title=row.title, company=row.company_name,
        location=row.location, postcode=None, department="69", lat=row.latitude, lon=row.longitude,
        distance_km=1.5, contract=row.contract_type, contract_label=None, experience=None,
        salary=format_salary(row.salary_min_monthly, row.salary_max_monthly)
        if row.salary_min_monthly or row.salary_max_monthly else None,
        salary_monthly=(row.salary_min_monthly, row.salary_max_monthly), rome_code=None,
        published_at=row.published_at, score=1.0 / rank,
        parts=ScoreParts(fused=1.0 / rank),
    )  # fmt: skip


@dataclass
class FakeOfferRows:
    rows: list[OfferRow] = field(default_factory=lambda: list(DEFAULT_OFFERS))

    def get_by_external_ids(self, external_ids: Sequence[str]) -> dict[str, OfferRow]:
        return {r.external_id: r for r in self.rows if r.external_id in external_ids}


@dataclass
class FakeOfferDetails:
    rows: list[OfferRow] = field(default_factory=lambda: list(DEFAULT_OFFERS))
    calls: list[list[str]] = field(default_factory=list)

    async def get_many(self, ids: Sequence[str]) -> list[OfferDetails]:
        self.calls.append(list(ids))
        by_id = {r.external_id: r for r in self.rows}
        return [offer_details_from_row(by_id[i]) for i in ids if i in by_id]


@dataclass
class FakeCandidateSearch:
    calls: list[tuple[str, SearchFilters, int]] = field(default_factory=list)

    def search(
        self, text: str, filters: SearchFilters | None = None, *, top_k: int = 10, interpret: bool = True
    ) -> CandidateSearchResponse:
        filters = filters or SearchFilters()
        self.calls.append((text, filters, top_k))
        results = [
            CandidateResult(
                rank=i,
                id=f"cv-{i:012x}",
                doc_id=i,
                title=f"Développeur Python {i}",
                skills=["Python", "Django"],
                experience_years=6.0 + i,
                education_level=None,
                languages=[],
                location="Lyon",
                lat=LYON[0],
                lon=LYON[1],
                distance_km=2.0 * i,
                contracts=["CDI"],
                score=1.0 / i,
                parts=ScoreParts(fused=1.0 / i),
            )
            for i in range(1, 4)
        ]
        return CandidateSearchResponse(query=text, text=text, filters=filters, understood=[], results=results)


@dataclass
class FakeCVs:
    """Uploaded CVs: file id → CV text, parsed with the real (offline) parser."""

    texts: dict[str, str] = field(default_factory=dict)

    def get(self, file_id: str) -> ParsedCV:
        if file_id not in self.texts:
            raise UnknownUploadError(file_id)
        return parse_cv_text(self.texts[file_id])


@dataclass
class FakeScoring:
    """Deterministic scores: 90, 80, 70... in the order asked; records the basis kinds and languages."""

    rows: list[OfferRow] = field(default_factory=lambda: list(DEFAULT_OFFERS))
    calls: list[tuple[str, list[str]]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def score(self, basis: Basis, offer_ids: Sequence[str], language: str = "fr") -> list[dict[str, Any]]:
        self.calls.append((basis.kind, list(offer_ids)))
        self.languages.append(language)
        by_id = {r.external_id: r for r in self.rows}
        if not any(i in by_id for i in offer_ids):
            raise OfferNotFoundError(list(offer_ids))
        return [
            {
                "id": i,
                "title": by_id[i].title,
                "score": 90 - 10 * n,
                "strengths": ["Required skill « Python »" if language == "en" else "Compétence « Python »"],
                "gaps": [],
            }
            for n, i in enumerate(x for x in offer_ids if x in by_id)
        ]

    def relax(self, filters: SearchFilters, language: str = "fr") -> list[dict[str, Any]]:
        self.calls.append(("relax", []))
        self.languages.append(language)
        if filters.geo is None:
            return []
        return [{"kind": "radius", "message": "+3 offres à 50 km", "before": 1, "after": 4}]

    def what_if(
        self, basis: Basis, offer_id: str, changes: dict[str, Any], language: str = "fr"
    ) -> dict[str, Any]:
        self.calls.append((basis.kind, [offer_id]))
        self.languages.append(language)
        return {"offer_id": offer_id, "title": "x", "score_before": 60, "score_after": 75,
                "changes": [str(changes)], "explanation": []}  # fmt: skip


class FakeCareers:
    """Suggests one occupation for any former job it can read (``services.mobility.CareerChangeAdvisor``)."""

    def suggest(self, former_job: str, k: int = 5) -> CareerChange:
        if "astronaute" in former_job:
            return CareerChange("", (), [])
        suggestion = OccupationSuggestion("D1505", "Hôte / Hôtesse de caisse", 0.8, ["Encaissement"], 7)
        return CareerChange("Vendeur / Vendeuse", ("D1211",), [suggestion][:k])


class ScriptedModel(BaseChatModel):
    """A tool-calling chat model that replays scripted messages; ``bind_tools`` returns itself."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: Iterator[AIMessage]
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[list[str]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedModel:  # type: ignore[override]
        self.bound.append([t.name for t in tools])
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.seen.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=next(self.script))])


def scripted(*messages: AIMessage) -> ScriptedModel:
    return ScriptedModel(script=iter(messages), seen=[], bound=[])


def tool_call(name: str, call_id: str = "c1", **args: Any) -> AIMessage:
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


def make_context(model: BaseChatModel, **services: Any) -> AgentContext:
    """An ``AgentContext`` over fakes and the real (offline) gazetteer and taxonomy."""
    from referentials.geo import default_gazetteer
    from referentials.taxonomy import default_skill_taxonomy

    defaults: dict[str, Any] = {
        "offer_search": FakeOfferSearch(),
        "offer_rows": FakeOfferRows(),
        "offer_details": FakeOfferDetails(),
        "places": default_gazetteer(),
        "skills": default_skill_taxonomy(),
        "cvs": FakeCVs(),
        "candidate_search": FakeCandidateSearch(),
        "scorer": FakeScoring(),
        "careers": FakeCareers(),
    }
    defaults.update(services)
    return AgentContext(model=model, **defaults)
