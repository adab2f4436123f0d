"""Candidate search for recruiters: read the text, search hybrid over candidates, hydrate profiles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, Field

from cv import CandidateProfile, ParsedCV, PersonalData, parse_cv
from domain.search import ScoreParts, SearchFilters
from retrieval.hybrid.searcher import HybridSearcher
from retrieval.query.understanding import QueryInterpreter
from scoring.matcher import CandidateHit
from services.candidate_ranking import CandidateRanker, RankedCandidate
from services.occupation_reading import (
    MATCH_GRADES,
    NO_OCCUPATION,
    SAME_OCCUPATION,
    Occupation,
    OccupationGrade,
    says_request,
    titled,
)
from services.search_flow import RankedRows, distance_km, interpret_and_rank
from store.candidate_models import CandidateRow
from store.candidates import CandidateRepository

TARGET_CONFIDENCE = 0.7
"""A parsed target occupation weaker than this ("SOUS CHEF" → a diving officer, 0.57) is not trusted."""
OCCUPATION_POOL = 40
"""Candidates retrieved before the occupation filter keeps the recruiter's occupation."""
NEAREST_POOL = 200
"""Candidates of the request's words read once the place is dropped, to find the nearest of the occupation."""
NEAREST = 5


class CandidateResult(BaseModel):
    """A candidate as a recruiter first sees them: the profile summary, never personal data."""

    rank: int
    id: str = Field(description="Candidate id (cv-…).")
    doc_id: int
    title: str | None
    skills: list[str]
    experience_years: float | None
    education_level: str | None
    languages: list[str]
    location: str | None
    lat: float | None
    lon: float | None
    distance_km: float | None
    contracts: list[str]
    score: float = Field(
        description="Relevance, 0–1 (``match`` / 100 when ranked; else the fused retrieval score)."
    )
    match: int | None = Field(
        default=None, description="Shown relevance 0–100 (occupation, stated conditions, calibrated scorer)."
    )
    grade: OccupationGrade | None = None
    reasons: list[str] = Field(default_factory=list, description="« même métier », « à 5 km »…")
    probability: float | None = None
    parts: ScoreParts


class CandidateNoMatch(BaseModel):
    """No candidate of the asked occupation within the place; the nearest ones instead (every other filter
    kept: experience, skills, languages)."""

    occupation: str
    place: str
    radius_km: float
    alternatives: list[CandidateResult] = Field(default_factory=list)


class CandidateSearchResponse(BaseModel):
    query: str
    text: str
    filters: SearchFilters
    understood: list[str]
    results: list[CandidateResult]
    occupation: str | None = None
    no_match: CandidateNoMatch | None = None
    kind: str | None = Field(
        default=None,
        description="The job word when the request names a kind of job (« des techniciens »), not an "
        "occupation: the candidates whose title says it, unscored.",
    )


class CandidateSearchService:
    """Search candidates from a recruiter's natural-language request plus explicit filters."""

    def __init__(
        self,
        *,
        searcher: HybridSearcher,
        repository: CandidateRepository,
        interpreter: QueryInterpreter,
        occupation_of: Callable[[str], Occupation] | None = None,
        title_codes: Callable[[str], list[str]] | None = None,
        ranker: CandidateRanker | None = None,
        kind_of_job: Callable[[str], str | None] | None = None,
    ) -> None:
        self.searcher = searcher
        self.repo = repository
        self.interpreter = interpreter
        self.occupation_of = occupation_of
        self.kind_of_job = kind_of_job
        self.title_codes = title_codes
        self.ranker = ranker

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        rank: bool = True,
    ) -> CandidateSearchResponse:
        """Candidates for a recruiter's request; when it names an occupation with confidence, only
        candidates of that occupation (or its ROME family) are returned, never whoever passes the filters.

        With a ranker and ``rank`` (the default), the pool is re-scored against the request read as an
        offer and shown 0–100 with reasons; ``rank=False`` keeps the retrieval order (a caller that scores
        the candidates itself against a real offer: ``CandidateMatcher``).
        """

        def retrieve(depth: int) -> RankedRows[Any]:
            return self._retrieve(text, filters, depth, interpret=interpret)

        ranking = rank and self.ranker is not None
        found = retrieve(max(top_k * 4, OCCUPATION_POOL) if ranking else top_k)
        # No words, only filters (« des profils qui parlent anglais à Paris »): a browse of who passes
        # them, nothing to grade (every one scored 0/100 against an empty request).
        ranking = ranking and bool(found.text.strip())
        rows = found.rows
        occupation: Occupation | None = None
        read = NO_OCCUPATION
        if self.occupation_of is not None:
            read = self.occupation_of(found.text)
            occupation = read if read.trusted else None
        kind = self.kind_of_job(found.text) if self.kind_of_job is not None and not read.codes else None
        if kind is not None and not found.filters.skills:
            # « des techniciens à Lyon »: a kind of job, nothing to grade against (a nurse there showed
            # 4/100): whoever's title says it, unscored.
            if ranking:
                found = retrieve(max(top_k * 4, OCCUPATION_POOL))
            said = [(r, p) for r, p in found.rows if r.title and titled(kind, r.title)]
            return CandidateSearchResponse(
                query=text,
                text=found.text,
                filters=found.filters,
                understood=found.notes,
                results=self._results(found.text, found.filters, said, read, top_k, ranking=False),
                kind=kind,
            )
        # Asked skills already define who fits; without them, the occupation does (« des comptables »).
        filtering = occupation is not None and not found.filters.skills
        if filtering and occupation is not None:
            if not ranking:
                found = retrieve(max(top_k * 4, OCCUPATION_POOL))
            rows = [(r, p) for r, p in found.rows if self._fits(r, occupation)]
        results = self._results(found.text, found.filters, rows, read, top_k, ranking)
        no_match = None
        # Nobody of the occupation itself at the place (« des aides-soignants à Rennes »: only a nurse
        # there, « métier proche »): the nearest of it first, then who is there.
        none_of_it = not results or (ranking and not any(r.grade in SAME_OCCUPATION for r in results))
        if filtering and occupation is not None and none_of_it and found.filters.geo is not None:
            no_match = self._nearest(found.text, found.filters, occupation, ranking, top_k)
        return CandidateSearchResponse(
            query=text,
            text=found.text,
            filters=found.filters,
            understood=found.notes,
            results=results,
            occupation=occupation.label if occupation is not None else None,
            no_match=no_match,
        )

    def _results(
        self,
        text: str,
        filters: SearchFilters,
        rows: list[tuple[CandidateRow, ScoreParts]],
        occupation: Occupation,
        top_k: int,
        ranking: bool,
        *,
        keep_order: bool = False,
    ) -> list[CandidateResult]:
        """The first ``top_k`` of ``rows``; ranked, only the relevant ones unless skills are asked (an
        occupation read, even unsure, drops the candidates of another one: « vendeuse à Lyon » never lists a
        nurse)."""
        if not ranking or self.ranker is None:
            return [_result(i, row, parts, filters) for i, (row, parts) in enumerate(rows[:top_k], start=1)]
        pool = [(row, parts, self._codes(row)) for row, parts in rows]
        ranked = self.ranker.rank(text, filters, pool, occupation)
        if not filters.skills:  # asked skills define who fits (« Java » : an R&D engineer who codes in Java)
            ranked = [r for r in ranked if r.relevant]
            if not occupation.codes:  # no occupation read: a short request's words are in the title
                ranked = [r for r in ranked if says_request(text, r.row.title or "")]
        if keep_order:
            position = {row.id: i for i, (row, _parts) in enumerate(rows)}
            ranked.sort(key=lambda r: position[r.row.id])
        return [_ranked_result(i, r) for i, r in enumerate(ranked[:top_k], start=1)]

    def _retrieve(
        self, text: str, filters: SearchFilters | None, depth: int, *, interpret: bool
    ) -> RankedRows[Any]:
        return interpret_and_rank(
            interpreter=self.interpreter,
            searcher=self.searcher,
            fetch_rows=self.repo.get_many,
            text=text,
            filters=filters,
            top_k=depth,
            interpret=interpret,
            target="candidates",
        )

    def _nearest(
        self, text: str, filters: SearchFilters, occupation: Occupation, ranking: bool, top_k: int = NEAREST
    ) -> CandidateNoMatch | None:
        """The candidates of ``occupation`` nearest to the asked place once the place is dropped."""
        geo = filters.geo
        if geo is None:
            return None
        wider = filters.model_copy(update={"geo": None, "departments": []})
        found = self._retrieve(text, wider, NEAREST_POOL, interpret=False)
        fitting = [
            (row, parts)
            for row, parts in found.rows
            if row.latitude is not None
            and row.longitude is not None
            and self._fits(row, occupation, strict=True)
        ]
        fitting.sort(key=lambda rp: distance_km(filters, rp[0].latitude, rp[0].longitude) or 0.0)
        if not fitting:
            return None
        return CandidateNoMatch(
            occupation=occupation.label,
            place=geo.label,
            radius_km=geo.radius_km,
            alternatives=self._results(
                text, filters, fitting[: min(NEAREST, top_k)], occupation, NEAREST, ranking, keep_order=True
            ),
        )

    def _fits(self, row: CandidateRow, occupation: Occupation, *, strict: bool = False) -> bool:
        """One of the candidate's occupations (the parser's targets, the title's likely codes) meets the
        request's; a candidate whose occupation cannot be read is kept (unknown is not unrelated), except
        when ``strict`` (the nearest candidates of an occupation must be of it)."""
        codes = self._codes(row)
        if not codes:
            return not strict
        if strict:
            return any(occupation.grade(code) in SAME_OCCUPATION for code in codes)
        return any(occupation.grade(code) in MATCH_GRADES for code in codes)

    def _codes(self, row: CandidateRow) -> list[str]:
        """A candidate's ROME codes: the parser's confident targets, then their title's likely codes (two
        readings: either one meeting the request is enough)."""
        targets = row.profile.get("target_occupations") or []
        codes = [
            str(o["code"])
            for o in targets
            if isinstance(o, dict)
            and o.get("code")
            and float(o.get("confidence") or 0.0) >= TARGET_CONFIDENCE
        ]
        if self.title_codes is not None and row.title:
            codes += self.title_codes(row.title)
        return codes


def _ranked_result(rank: int, r: RankedCandidate) -> CandidateResult:
    out = _result(rank, r.row, r.parts, SearchFilters())
    return out.model_copy(
        update={
            "distance_km": r.distance_km,
            "score": r.score / 100,
            "match": r.score,
            "grade": r.grade,
            "reasons": r.reasons,
            "probability": r.probability,
        }
    )


def _result(rank: int, row: CandidateRow, parts: ScoreParts, filters: SearchFilters) -> CandidateResult:
    distance = distance_km(filters, row.latitude, row.longitude)
    months = row.experience_months
    return CandidateResult(
        rank=rank,
        id=row.external_id,
        doc_id=row.id,
        title=row.title,
        skills=list(row.profile.get("skill_labels") or row.skill_keys),
        experience_years=None if months is None else round(months / 12, 1),
        education_level=row.education_level,
        languages=list(row.languages),
        location=row.location,
        lat=row.latitude,
        lon=row.longitude,
        distance_km=distance,
        contracts=list(row.contracts),
        score=round(parts.fused, 6),
        parts=parts,
    )


def stored_cv(row: CandidateRow, files_dir: Path) -> ParsedCV | None:
    """A stored candidate's parsed CV: the profile and redacted text from SQL, never re-parsed.

    Rows stored before the text was kept (migration 0005) are parsed again from their file once more;
    None when neither is available. Personal data are not part of the result.
    """
    if row.cv_text is not None:
        profile = {k: v for k, v in row.profile.items() if k != "skill_labels"}
        source = row.source_format if row.source_format in ("pdf", "docx", "txt", "md") else "txt"
        return ParsedCV(
            profile=CandidateProfile.model_validate(profile),
            personal=PersonalData(),
            text=row.cv_text,
            source_format=cast("Literal['pdf', 'docx', 'txt', 'md']", source),
        )
    if not row.stored_file:
        return None
    path = files_dir / row.stored_file
    return parse_cv(path.read_bytes(), path.name) if path.exists() else None


class StoredCandidateSearch:
    """Candidate search whose hits carry the stored profile and the CV text its evidence spans index.

    Implements ``scoring.matcher.CandidateSearch``.
    """

    def __init__(
        self, search: CandidateSearchService, repository: CandidateRepository, files_dir: Path
    ) -> None:
        self.search = search
        self.repo = repository
        self.files_dir = files_dir

    def parsed(self, external_id: str) -> ParsedCV | None:
        row = self.repo.get_by_external_id(external_id)
        return None if row is None else stored_cv(row, self.files_dir)

    def search_candidates(self, text: str, filters: SearchFilters, limit: int) -> list[CandidateHit]:
        hits = []
        found = self.search.search(text, filters, top_k=limit, interpret=False, rank=False)
        for result in found.results:
            parsed = self.parsed(result.id)
            if parsed is not None:
                hits.append(CandidateHit(result.id, parsed.profile, parsed.text))
        return hits
