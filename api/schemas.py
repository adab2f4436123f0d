"""Request and response bodies of the HTTP API (the shapes of seeds 000 and 003)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

from domain.search import GeoFilter, SearchFilters

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:~-]{0,49}$"
MAX_DIM = 4_096
MAX_TOP_K = 100

Identifier = Annotated[str, Field(min_length=1, max_length=50, pattern=ID_PATTERN, examples=["201VPGR"])]
Vector = Annotated[
    list[Annotated[FiniteFloat, Field(strict=True)]],
    Field(min_length=1, max_length=MAX_DIM, description="Finite floats; as many as the model's dimension."),
]
IndexName = Literal["offers", "candidates"]
TopK = Annotated[StrictInt, Field(ge=1, le=MAX_TOP_K)]
_Codes = list[Annotated[StrictStr, Field(max_length=100)]]


class _Body(BaseModel):
    """Unknown keys and wrong types are refused (422 naming the field), never ignored nor coerced:
    a misspelled filter would silently widen the results, ``"5"`` or ``true`` is not a number."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ApiGeoFilter(_Body):
    """A circle around a place (``lat``/``lon`` in degrees, ``radius_km`` 0–1000)."""

    label: StrictStr = Field(max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(default=30.0, gt=0, le=1000)


class ApiFilters(_Body):
    """Hard constraints of ``/match`` and ``/faiss/search`` (the fields of ``SearchFilters``, strictly typed)."""

    skills: _Codes = Field(default_factory=list, max_length=100, description="Skill keys, all required.")
    rome: _Codes = Field(default_factory=list, max_length=100, description="ROME codes, any of.")
    geo: ApiGeoFilter | None = None
    departments: _Codes = Field(default_factory=list, max_length=200, description="Département codes.")
    contracts: _Codes = Field(default_factory=list, max_length=20, description="Contract codes, any of.")
    exclude_contracts: _Codes = Field(default_factory=list, max_length=20, description="Codes to exclude.")
    experience_min_months: StrictInt | None = Field(default=None, ge=0)
    experience_max_months: StrictInt | None = Field(default=None, ge=0)
    languages: _Codes = Field(default_factory=list, max_length=50, description="Language keys, all required.")
    remote: StrictBool | None = None
    published_since: date | None = Field(default=None, strict=False, description="AAAA-MM-JJ.")

    @model_validator(mode="after")
    def _check_experience(self) -> ApiFilters:
        lo, hi = self.experience_min_months, self.experience_max_months
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("experience_min_months > experience_max_months")
        return self

    def to_filters(self) -> SearchFilters:
        """The domain filters (normalised: contract codes upper-cased, duplicates dropped)."""
        data = self.model_dump(exclude={"geo"})
        geo = GeoFilter(**self.geo.model_dump()) if self.geo is not None else None
        return SearchFilters(**data, geo=geo)


def search_filters(filters: ApiFilters | None) -> SearchFilters | None:
    return None if filters is None else filters.to_filters()


class MatchRequest(_Body):
    """Exactly one of ``cv_embedding``, ``cv_id``, ``cv_text``.

    - ``cv_embedding``: a vector of the index's model; scores are cosine similarities (−1…1).
    - ``cv_id``: a stored candidate; scores are calibrated match scores (0…1), cached per profile.
    - ``cv_text``: a CV's plain text, parsed then scored like ``cv_id`` (not cached).
    """

    cv_embedding: Vector | None = None
    cv_id: Identifier | None = None
    cv_text: str | None = Field(default=None, min_length=1, max_length=200_000)
    top_k: TopK = 20
    filters: ApiFilters | None = Field(
        default=None,
        description="Hard constraints; for cv_id / cv_text the profile's own place and contracts when absent.",
    )

    @model_validator(mode="after")
    def _one_input(self) -> MatchRequest:
        given = [n for n in ("cv_embedding", "cv_id", "cv_text") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "donnez exactement un champ parmi cv_embedding, cv_id, cv_text "
                f"(reçu : {', '.join(given) or 'aucun'})"
            )
        return self


class ScoredId(BaseModel):
    """An offer (or candidate) id with its score, best first."""

    id: str = Field(examples=["201VPGR"])
    score: float = Field(examples=[0.94])


class EmbeddingsRequest(_Body):
    texts: list[Annotated[str, Field(max_length=100_000)]] = Field(min_length=1, max_length=1_024)


class EmbeddingsResponse(BaseModel):
    model: str
    dim: int
    embeddings: list[list[float]]


class FaissSearchRequest(_Body):
    index: IndexName
    vector: Vector
    top_k: TopK = 10
    filters: ApiFilters | None = None


class UpsertItem(_Body):
    id: Identifier
    vector: Vector | None = Field(
        default=None, description="The vector to index; absent: computed from the stored document."
    )


class FaissUpsertRequest(_Body):
    index: IndexName
    items: list[UpsertItem] = Field(min_length=1, max_length=10_000)


class FaissUpsertResponse(BaseModel):
    index: IndexName
    upserted: list[str]
    count: int = Field(description="Vectors in the index after the write.")


class FaissDeleteRequest(_Body):
    index: IndexName
    ids: list[Identifier] = Field(min_length=1, max_length=10_000)


class FaissDeleteResponse(BaseModel):
    index: IndexName
    deleted: list[str]
    not_indexed: list[str] = Field(description="Known ids that had no vector in the index.")
    unknown_ids: list[str] = Field(description="Ids the store does not know.")
    count: int


class IndexHealth(BaseModel):
    vectors: int
    mode: str
    lexical_documents: int | None = None


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    model: dict[str, str | int]
    database: dict[str, str | int | bool]
    indexes: dict[str, IndexHealth]
    match_cache_profiles: int | None = None
    errors: list[str] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: a message to act on (French first), the request id, details when useful."""

    detail: str | list[dict[str, object]]
    request_id: str | None = None


class AskRequest(_Body):
    """One conversation turn for the agent (what ``bassin ask`` sends to a running ``bassin serve``)."""

    question: str = Field(min_length=1, max_length=4_000, examples=["cariste en intérim près de Lille"])
    thread_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Conversation to continue; a new one when absent.",
    )
    role: Literal["candidate", "recruiter"] = "candidate"


class AskToolCall(BaseModel):
    name: str
    args: dict[str, object]
    status: str = "success"
    error: str | None = None


class AskResponse(BaseModel):
    """The agent's answer, the tools it called (with their arguments) and the ids it cited."""

    thread_id: str
    role: Literal["candidate", "recruiter"]
    answer: str
    tool_calls: list[AskToolCall]
    cited_ids: list[str]
    flagged_ids: list[str] = Field(description="Ids the answer named without a tool having returned them.")
    elapsed_ms: float
