"""Offer search as users see it: read the text, retrieve, rank (``services.ranking``), hydrate from the store.

With a ranker (what the composition root wires), every search re-scores its pool and keeps only relevant
offers; when the request's occupation has no offer within its place or contract, the response says so
(``no_match``) and lists the nearest real offers of that occupation, never unrelated ones.

A salary floor (``SearchFilters.salary_min_monthly``) is a hard filter like the others, for the results and
the nearest offers alike; no index stores salaries, so the retrievers are asked without it, read
``SALARY_OVERFETCH`` times more, and the re-check of the stored rows applies it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.filters import haversine_km, matches
from domain.salary import format_salary
from domain.search import GeoFilter, ScoreParts, SearchFilters
from retrieval.hybrid.searcher import HybridSearcher
from retrieval.query.understanding import QueryInterpreter
from scoring.scorer import MatchScore
from services.occupation_reading import (
    MATCH_GRADES,
    SAME_OCCUPATION,
    Occupation,
    occupation_from_titles,
    titled,
)
from services.ranking import OfferRanker, RankedOffer
from services.search_flow import distance_km, interpret_and_rank
from store.models import OfferRow
from store.offers import OfferRepository, offer_contract_keys, offer_filter_document

POOL = 30
"""How many offers each retriever brings to the pool that is re-scored."""
TITLE_FEEDBACK = 10
"""How many of the hybrid search's best results are read to infer an occupation the text does not name."""
NEAREST_POOL = 400
"""Offers of the occupation read once the place is dropped (or the contract relaxed)."""
NEAREST_RINGS = (2, 4, 8, 16)
"""Radii (× the asked one) searched in turn for the nearest offers of an occupation absent from the place."""
NEAREST_RING_POOL = 100
NEAREST = 5
NARROWER = 5
"""Occupations offered to choose from when a request names a kind of job (« technicien »)."""
NARROWER_POOL = 30
"""… read among this many of the offers found."""
SALARY_OVERFETCH = 4
"""With a salary floor, each retriever reads this many times more offers (the floor is checked on rows)."""
MAX_FETCH = 200


class OfferResult(BaseModel):
    """A compact offer result: ids, display fields, score and its parts."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rank: int
    id: str = Field(description="France Travail offer id.")
    doc_id: int
    title: str
    company: str | None
    location: str | None
    postcode: str | None
    department: str | None
    lat: float | None
    lon: float | None
    distance_km: float | None
    contract: str
    contract_label: str | None
    experience: str | None
    salary: str | None
    """Monthly gross range in words ("1 800 – 2 000 € brut/mois"), None when the offer states none."""
    salary_monthly: tuple[float | None, float | None] = (None, None)
    rome_code: str | None
    published_at: datetime | None
    score: float = Field(description="Relevance shown to users, 0–1 (``match`` / 100 when ranked).")
    parts: ScoreParts = Field(default_factory=ScoreParts)
    match: int | None = Field(
        default=None, description="Relevance 0–100 (occupation first, then conditions)."
    )
    grade: str | None = Field(
        default=None, description="same_code, same_title, same_family, same_domain, unrelated, unknown."
    )
    reasons: list[str] = Field(
        default_factory=list, description="Why, in words: « même métier », « à 2 km »…"
    )
    breakdown: list[tuple[str, float]] = Field(
        default_factory=list,
        description="``match`` in points, in words (occupation, each stated condition, the scorer's estimate).",
    )
    scored: MatchScore | None = Field(default=None, exclude=True, repr=False)
    """The calibrated scorer's full verdict (contributions, verified claims); not serialised."""


class NoMatch(BaseModel):
    """Nothing of the request's occupation within its place/contract; the nearest real offers instead."""

    occupation: str
    place: str | None = None
    radius_km: float | None = None
    relaxed: list[str] = Field(
        description="What was relaxed to find the alternatives, in this order: 'place', 'contract', 'remote', "
        "'experience' (never the occupation, nor the salary floor)."
    )
    alternatives: list[OfferResult] = Field(default_factory=list)


class OfferSearchResponse(BaseModel):
    """What a search returns: the text searched, the filters applied, what was understood, results."""

    query: str
    text: str = Field(description="Full-text part after the understood phrases were removed.")
    filters: SearchFilters
    understood: list[str]
    results: list[OfferResult]
    occupation: str | None = Field(default=None, description="The occupation read in the request (ROME).")
    no_match: NoMatch | None = None
    narrower: list[str] = Field(
        default_factory=list,
        description="When the request names a kind of job (« technicien ») rather than an occupation: the "
        "occupations of the offers found, most frequent first, to choose from; the results are then listed "
        "by their words, without a grade.",
    )

    @property
    def listed(self) -> list[OfferResult]:
        """The offers in the order they are shown: after a "nothing matches", the nearest offers of the
        occupation first, then the results (related occupations on the spot); one numbering for both."""
        nearest = self.no_match.alternatives if self.no_match is not None else []
        return [*nearest, *self.results]


class OfferSearchService:
    """Search offers from a natural-language text plus explicit filters.

    Example:
        >>> service.search("cariste en intérim près de Lille").filters.contracts
        ['MIS']
    """

    def __init__(
        self,
        *,
        searcher: HybridSearcher,
        repository: OfferRepository,
        interpreter: QueryInterpreter,
        ranker: OfferRanker | None = None,
        pool: int = POOL,
        department_centre: Callable[[str], tuple[float, float] | None] | None = None,
    ) -> None:
        self.searcher = searcher
        self.repo = repository
        self.interpreter = interpreter
        self.ranker = ranker
        self.pool = pool
        self.department_centre = department_centre

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        language: str = "fr",
        occupation_text: str | None = None,
        occupation: Occupation | None = None,
        exclude: Collection[int] = (),
    ) -> OfferSearchResponse:
        """Offers for ``text`` under ``filters``, ranked; ``occupation_text`` (a CV's title) names the
        occupation when the text is more than a job title, ``occupation`` when it was read already (a
        CV's title, headline and latest positions: ``services.profile_search``). The offers of
        ``exclude`` are searched as if they were not there (the ones already seen, an evaluation's
        source offer): neither a result nor a nearest alternative, and their absence can make a
        "nothing matches"."""
        floor = filters.salary_min_monthly if filters is not None else None
        wanted = top_k if self.ranker is None else max(top_k, self.pool)
        found = interpret_and_rank(
            interpreter=self.interpreter,
            searcher=self.searcher,
            fetch_rows=self.repo.get_many,
            text=text,
            filters=indexed(filters) if filters is not None else None,
            top_k=min(MAX_FETCH, wanted * (SALARY_OVERFETCH if floor is not None else 1)),
            interpret=interpret,
            target="offers",
            exclude=list(exclude),
        )
        hard = found.filters.model_copy(update={"salary_min_monthly": floor})

        def respond(
            results: list[OfferResult],
            occupation: str | None = None,
            no_match: NoMatch | None = None,
            narrower: Sequence[str] = (),
        ) -> OfferSearchResponse:
            return OfferSearchResponse(
                query=text,
                text=found.text,
                filters=hard,
                understood=found.notes,
                results=results,
                occupation=occupation,
                no_match=no_match,
                narrower=list(narrower),
            )

        # Every retrieved offer is checked again against the hard filters: a retriever's bug cannot leak one,
        # and the salary floor, which no index holds, applies here.
        pooled = [(row, p) for row, p in found.rows if matches(offer_filter_document(row), hard)]
        if self.ranker is None or not found.text.strip():
            # No words, only filters (« tout à Lyon en CDI »): a browse of what passes them, nothing to grade.
            return respond(
                [_result(i, row, parts, hard) for i, (row, parts) in enumerate(pooled[:top_k], start=1)]
            )
        ranker = self.ranker
        if occupation is None:
            occupation = ranker.occupation(occupation_text if occupation_text is not None else found.text)
        kind = None if occupation.codes else ranker.kind_of_job(found.text)
        if kind is not None:
            # A kind of job (« technicien », « ingénieur »): no occupation to grade against, so no number
            # (every offer showed 2-12/100); the offers its words find, and the occupations among them.
            # Only offers whose title says it: the vector retriever's nearest "opérateur" offers near Lille
            # were sports instructors and data engineers.
            said = [(row, parts) for row, parts in pooled if titled(kind, row.title)]
            return respond(
                [_result(i, row, parts, hard) for i, (row, parts) in enumerate(said[:top_k], start=1)],
                narrower=self._occupations_among(kind, [row for row, _ in said[:NARROWER_POOL]]),
            )
        best = [row for row, _ in pooled[:TITLE_FEEDBACK]]
        if not occupation.codes:
            # The text alone says no occupation: the best results' titles may (pseudo-relevance feedback).
            occupation = occupation_from_titles(found.text, best)
        rows = {row.id: row for row, _ in pooled}
        parts = {row.id: p for row, p in pooled}
        if occupation.codes:
            skip = {*(row.id for row, _ in found.rows), *exclude}
            for row in self._occupation_rows(occupation, hard, self.pool, skip=skip):
                if matches(offer_filter_document(row), hard):
                    rows[row.id] = row
        ranking = ranker.rank(
            found.text,
            hard,
            list(rows.values()),
            parts=parts,
            occupation=occupation,
            language=language,
        )
        results = [_ranked_result(i, r) for i, r in enumerate(ranking.matches[:top_k], start=1)]
        no_match = None
        if occupation.trusted and not any(r.grade in SAME_OCCUPATION for r in results):
            no_match = self._nearest(found.text, hard, occupation, language, exclude)
            if no_match is None:
                # None of the occupation even with every condition relaxed (« infirmier de bloc opératoire »:
                # no offer at all): said so, above the related occupations listed; with none on the spot
                # either, the nearest offers of the nearest occupations (« développeur Java » at Rennes: the
                # Java developer filed as informaticien at Angers), read « métier proche ».
                if not results:
                    near = self._nearest(
                        found.text,
                        hard,
                        occupation,
                        language,
                        exclude,
                        codes=ranker.related(found.text, occupation),
                    )
                    results = near.alternatives if near is not None else []
                no_match = NoMatch(
                    occupation=occupation.label,
                    place=hard.geo.label if hard.geo else None,
                    radius_km=hard.geo.radius_km if hard.geo else None,
                    relaxed=[],
                )
        return respond(results, occupation=occupation.label or None, no_match=no_match)

    def _occupations_among(self, kind: str, rows: Sequence[OfferRow]) -> list[str]:
        """The occupations of ``rows``: the ones named by the job word first (« Technicien / Technicienne
        de maintenance industrielle » before « Agent / Agente de désinsectisation »), then the most
        frequent (ties: first seen); ``NARROWER`` at most."""
        assert self.ranker is not None
        counts = Counter(row.rome_code for row in rows if row.rome_code)
        labels = [label for code, _n in counts.most_common() if (label := self.ranker.rome.label(code))]
        return sorted(labels, key=lambda label: not titled(kind, label))[:NARROWER]

    def _occupation_ids(self, codes: Sequence[str], filters: SearchFilters, limit: int) -> list[int]:
        """Ids of offers of these ROME codes under ``filters`` (newest first), from the lexical index; the
        caller re-checks the loaded rows (the salary floor is not in the index)."""
        by_code = indexed(filters).model_copy(update={"rome": list(codes)})
        if filters.salary_min_monthly is not None:
            limit *= SALARY_OVERFETCH
        return [h.doc_id for h in self.searcher.lexical.search("", by_code, limit)]

    def _occupation_rows(
        self, occupation: Occupation, filters: SearchFilters, limit: int, skip: Collection[int] = ()
    ) -> list[OfferRow]:
        """Offers of the occupation's ROME codes under ``filters`` (the pool's third retriever); the ones
        of ``skip`` (already loaded, or excluded from the search) are not read."""
        ids = self._occupation_ids(occupation.codes, filters, limit)
        return self.repo.get_many([i for i in ids if i not in skip])

    def _nearest_rows(self, ids: list[int], geo: GeoFilter, filters: SearchFilters) -> list[OfferRow]:
        """The ``NEAREST`` offers of ``ids`` closest to ``geo`` passing ``filters``: ordered by their stored
        coordinates first, so that only the few shown are loaded and scored."""
        places = self.repo.coordinates(ids)

        def away(doc_id: int) -> float:
            lat, lon = places[doc_id]
            return math.inf if lat is None or lon is None else haversine_km(geo.lat, geo.lon, lat, lon)

        order = sorted((i for i in ids if i in places), key=away)
        rows: list[OfferRow] = []
        for start in range(0, len(order), 2 * NEAREST):
            loaded = self.repo.get_many(order[start : start + 2 * NEAREST])
            rows += [row for row in loaded if matches(offer_filter_document(row), filters)]
            if len(rows) >= NEAREST:
                break
        return rows[:NEAREST]

    def _area_distance(self, departments: Sequence[str]) -> Callable[[RankedOffer], tuple[bool, float]]:
        """Sort key of the nearest offers to an area asked by its départements (« en Bretagne »): the
        distance to the closest of their centres (Orvault before Aubagne), unknown places last."""
        centres = [c for c in map(self.department_centre or (lambda _: None), departments) if c is not None]
        return _by_distance_to(centres)

    def _nearest(
        self,
        text: str,
        filters: SearchFilters,
        occupation: Occupation,
        language: str,
        exclude: Collection[int] = (),
        codes: Sequence[str] | None = None,
    ) -> NoMatch | None:
        """The nearest offers of the occupation once a condition is relaxed: remote work and the experience
        asked at the place first, then the place (rings around it, then anywhere), then the contract, then
        all of them; the skills asked and the salary floor always hold. With ``codes`` (occupations near the
        asked one), the nearest offers of those, graded against the asked one (« métier proche »)."""
        assert self.ranker is not None
        if codes is not None and not codes:
            return None
        read = occupation.asked if codes is None else tuple(codes)
        grades = SAME_OCCUPATION if codes is None else MATCH_GRADES
        steps: list[tuple[list[str], SearchFilters, int]] = []
        wider = filters
        relaxed: list[str] = []
        if filters.geo is not None or filters.departments:
            relaxed = [*relaxed, "place"]
            if filters.geo is not None:
                # Rings around the place, nearest first: each a small filtered read, however large the index.
                for factor in NEAREST_RINGS:
                    ring = filters.geo.model_copy(update={"radius_km": filters.geo.radius_km * factor})
                    steps.append((relaxed, wider.model_copy(update={"geo": ring}), NEAREST_RING_POOL))
            wider = wider.model_copy(update={"geo": None, "departments": []})
            steps.append((relaxed, wider, NEAREST_POOL))
        if filters.contracts or filters.exclude_contracts:
            wider = wider.model_copy(update={"contracts": [], "exclude_contracts": []})
            relaxed = [*relaxed, "contract"]
            steps.append((relaxed, wider, NEAREST_POOL))
        # Remote work and the experience asked are softer than the place: first at the place as asked
        # (« comptable senior à Paris en télétravail »: the comptables of Paris, on site), last everywhere.
        soft: list[str] = []
        soften: dict[str, object] = {}
        if filters.remote is not None:
            soft.append("remote")
            soften["remote"] = None
        if filters.experience_min_months is not None or filters.experience_max_months is not None:
            soft.append("experience")
            soften |= {"experience_min_months": None, "experience_max_months": None}
        if soft:
            if filters.geo is not None or filters.departments:
                steps.insert(0, (soft, filters.model_copy(update=soften), NEAREST_POOL))
            steps.append(([*relaxed, *soft], wider.model_copy(update=soften), NEAREST_POOL))
        for relaxed_now, relaxed_filters, pool in steps:
            # the asked occupation itself: a related one nearby is not "the nearest offer of" it
            ids = [i for i in self._occupation_ids(read, relaxed_filters, pool) if i not in exclude]
            if filters.geo is not None:
                # Every offer read is of the occupation (a match): the nearest ones are what is shown.
                rows = self._nearest_rows(ids, filters.geo, relaxed_filters)
            else:
                rows = [
                    row
                    for row in self.repo.get_many(ids)
                    if matches(offer_filter_document(row), relaxed_filters)
                ]
            # Scored with the place as asked (the contract stays relaxed if it was): beyond the radius
            # counts, so the number shown is the one « pourquoi ? » gives. Only the grade picks the
            # alternatives, and it does not depend on the filters.
            asked = relaxed_filters.model_copy(update={"geo": filters.geo})
            ranking = self.ranker.rank(text, asked, rows, occupation=occupation, language=language)
            near = [r for r in ranking.matches if r.grade in grades]
            if filters.geo is not None:
                near.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0.0, -r.score))
            elif filters.departments:
                near.sort(key=self._area_distance(filters.departments))
            if near:
                return NoMatch(
                    occupation=occupation.label,
                    place=filters.geo.label if filters.geo else None,
                    radius_km=filters.geo.radius_km if filters.geo else None,
                    relaxed=relaxed_now,
                    alternatives=[_ranked_result(i, r) for i, r in enumerate(near[:NEAREST], start=1)],
                )
        return None


def _by_distance_to(centres: Sequence[tuple[float, float]]) -> Callable[[RankedOffer], tuple[bool, float]]:
    def key(r: RankedOffer) -> tuple[bool, float]:
        lat, lon = r.row.latitude, r.row.longitude
        if lat is None or lon is None or not centres:
            return (True, 0.0)
        return (False, min(haversine_km(c[0], c[1], lat, lon) for c in centres))

    return key


def indexed(filters: SearchFilters) -> SearchFilters:
    """``filters`` as the retrievers apply them: without the salary floor, which no index holds."""
    if filters.salary_min_monthly is None:
        return filters
    return filters.model_copy(update={"salary_min_monthly": None})


def _ranked_result(rank: int, r: RankedOffer) -> OfferResult:
    out = _result(rank, r.row, r.parts or ScoreParts(), None)
    return out.model_copy(
        update={
            "distance_km": r.distance_km,
            "score": round(r.score / 100, 4),
            "match": r.score,
            "grade": r.grade,
            "reasons": r.reasons,
            "breakdown": r.breakdown,
            "scored": r.match,
        }
    )


def _result(rank: int, row: OfferRow, parts: ScoreParts, filters: SearchFilters | None) -> OfferResult:
    distance = distance_km(filters, row.latitude, row.longitude) if filters is not None else None
    return OfferResult(
        rank=rank,
        id=row.external_id,
        doc_id=row.id,
        title=row.title,
        company=row.company_name,
        location=row.location,
        postcode=row.postal_code,
        department=row.department,
        lat=row.latitude,
        lon=row.longitude,
        distance_km=distance,
        contract=",".join(offer_contract_keys(row)),
        contract_label=row.contract_label,
        experience=row.experience_required,
        salary=(
            format_salary(row.salary_min_monthly, row.salary_max_monthly)
            if row.salary_min_monthly or row.salary_max_monthly
            else None
        ),
        salary_monthly=(row.salary_min_monthly, row.salary_max_monthly),
        rome_code=row.rome_code,
        published_at=row.published_at,
        score=round(parts.fused, 6),
        parts=parts,
    )
