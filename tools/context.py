"""What tools reach at run time: the live services, behind small protocols, hidden from the LLM.

Tools read them from ``runtime.context`` (a ``ToolRuntime`` argument, never part of the schema the model
sees). ``agent.context.AgentContext`` extends ``ToolContext`` with the chat model; tests build one with
fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cv import ParsedCV
from domain.search import SearchFilters
from referentials.geo import Place
from services.match_scoring import Basis
from services.mobility import CareerChange
from services.offer_details import OfferDetails
from services.profile_search import RankedOfferSearch
from store.models import OfferRow

AnswerLanguage = Literal["fr", "en"]
"""The language tools write their sentences in (explanations); quoted offer/CV text stays as written."""


OfferSearcher = RankedOfferSearch
"""``services.offer_search.OfferSearchService`` (the protocol the one "search from a CV" uses too)."""


class CandidateSearcher(Protocol):
    """``services.candidate_search.CandidateSearchService``: results carry id, title, skills, experience..."""

    def search(
        self, text: str, filters: SearchFilters | None = None, *, top_k: int = 10, interpret: bool = True
    ) -> Any: ...


class OfferRows(Protocol):
    """``store.OfferRepository`` (reads only)."""

    def get_by_external_ids(self, external_ids: Sequence[str]) -> dict[str, OfferRow]: ...


class OfferDetailsSource(Protocol):
    """The offer-details API, or the local store behind the same shape."""

    async def get_many(self, ids: Sequence[str]) -> list[OfferDetails]: ...


class PlaceResolver(Protocol):
    """``referentials.geo.Gazetteer``."""

    def resolve(self, name: str) -> Place: ...

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]: ...


class SkillNormalizer(Protocol):
    """``referentials.taxonomy.SkillTaxonomy``."""

    def normalize_fuzzy(self, label: str) -> str | None: ...

    def label(self, key: str) -> str: ...


class CVSource(Protocol):
    """Uploaded CVs by file id, parsed once (``tools.uploads.UploadedCVs``)."""

    def get(self, file_id: str) -> ParsedCV: ...


class Scoring(Protocol):
    """``services.match_scoring.MatchScoring`` over ``scoring.MatchScorer``."""

    def score(
        self, basis: Basis, offer_ids: Sequence[str], language: AnswerLanguage = "fr"
    ) -> list[dict[str, Any]]: ...

    def what_if(
        self, basis: Basis, offer_id: str, changes: dict[str, Any], language: AnswerLanguage = "fr"
    ) -> dict[str, Any]: ...

    def relax(self, filters: SearchFilters, language: AnswerLanguage = "fr") -> list[dict[str, Any]]: ...


class CareerAdvisor(Protocol):
    """``services.mobility.CareerChangeAdvisor``."""

    def suggest(self, former_job: str, k: int = 5) -> CareerChange: ...


class CandidateProfiles(Protocol):
    """Stored candidates' parsed CVs by candidate id (for scoring a candidate against an offer)."""

    def get(self, candidate_id: str) -> ParsedCV: ...


@dataclass(kw_only=True)
class ToolContext:
    """Live services for tools; the optional ones are None where not deployed."""

    offer_search: OfferSearcher
    offer_rows: OfferRows
    offer_details: OfferDetailsSource
    places: PlaceResolver
    skills: SkillNormalizer
    cvs: CVSource
    candidate_search: CandidateSearcher | None = None
    scorer: Scoring | None = None
    candidate_profiles: CandidateProfiles | None = None
    careers: CareerAdvisor | None = None
