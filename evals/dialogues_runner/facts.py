"""The stored offers and candidates as plain facts, and the constraint check run on each result.

Results are checked against what the store says about each returned offer or candidate, never against
the arguments the agent passed: a search that ignores "CDI" fails here even if its arguments say CDI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from domain.filters import haversine_km
from evals.dialogues_runner.spec import Constraints
from referentials.geo import Place
from store import Database
from store.candidate_models import CandidateRow
from store.models import OfferRow

# Coordinates are stored rounded; a result a few metres past the radius is not a violation.
DISTANCE_TOLERANCE_KM = 0.5


@dataclass(frozen=True)
class ResultFacts:
    """What a constraint can be checked on, for an offer or a candidate."""

    id: str
    kind: str
    title: str
    rome: str | None
    contracts: frozenset[str]
    department: str | None
    lat: float | None
    lon: float | None
    experience_months: int | None
    remote: bool | None
    salary_top: float | None
    skills: frozenset[str]
    languages: frozenset[str] = frozenset()


class PlaceResolver(Protocol):
    def resolve(self, name: str) -> Place: ...


class StoreFacts:
    """Every offer and candidate of a data dir, loaded once (a few thousand small records)."""

    def __init__(self, facts: Iterable[ResultFacts]) -> None:
        self.by_id = {f.id: f for f in facts}

    @classmethod
    def load(cls, db: Database) -> StoreFacts:
        with db.session() as s:
            offers = [_offer(r) for r in s.scalars(select(OfferRow))]
            candidates = [_candidate(r) for r in s.scalars(select(CandidateRow))]
        return cls([*offers, *candidates])

    def get(self, ident: str) -> ResultFacts | None:
        return self.by_id.get(ident)

    def offers(self) -> list[ResultFacts]:
        return [f for f in self.by_id.values() if f.kind == "offer"]


def _offer(row: OfferRow) -> ResultFacts:
    contracts = {row.contract_type} if row.contract_type else set()
    if row.alternance:
        contracts.add("ALT")
    salaries = [v for v in (row.salary_min_monthly, row.salary_max_monthly) if v is not None]
    return ResultFacts(
        id=row.external_id,
        kind="offer",
        title=row.title,
        rome=row.rome_code,
        contracts=frozenset(contracts),
        department=row.department,
        lat=row.latitude,
        lon=row.longitude,
        experience_months=row.experience_months,
        remote=row.remote,
        salary_top=max(salaries) if salaries else None,
        skills=frozenset(s.key for s in row.skills if s.key),
        languages=frozenset(lang.lower() for lang in row.languages or []),
    )


def _candidate(row: CandidateRow) -> ResultFacts:
    return ResultFacts(
        id=row.external_id,
        kind="candidate",
        title=row.title or "",
        rome=None,
        contracts=frozenset(row.contracts or []),
        department=row.department,
        lat=row.latitude,
        lon=row.longitude,
        experience_months=row.experience_months,
        remote=row.remote,
        salary_top=None,
        skills=frozenset(row.skill_keys or []),
        languages=frozenset(row.languages or []),
    )


def violations(facts: ResultFacts, c: Constraints, places: PlaceResolver) -> list[str]:
    """The constraints ``facts`` breaks, in words (empty when it satisfies them all)."""
    out: list[str] = []
    if c.near is not None:
        place = places.resolve(c.near.place)
        if facts.lat is None or facts.lon is None:
            out.append(f"no coordinates (wanted within {c.near.radius_km:g} km of {c.near.place})")
        else:
            d = haversine_km(place.lat, place.lon, facts.lat, facts.lon)
            if d > c.near.radius_km + DISTANCE_TOLERANCE_KM:
                out.append(f"{d:.0f} km from {c.near.place} (max {c.near.radius_km:g})")
    if c.area is not None:
        departments = set(places.resolve(c.area).departments)
        if facts.department not in departments:
            out.append(f"département {facts.department} not in {c.area}")
    if c.contracts and not facts.contracts & set(c.contracts):
        out.append(f"contract {'/'.join(sorted(facts.contracts)) or '?'} not in {c.contracts}")
    if c.exclude_contracts and facts.contracts & set(c.exclude_contracts):
        out.append(f"contract {'/'.join(sorted(facts.contracts))} excluded")
    missing = [s for s in c.skills if s not in facts.skills]
    if missing:
        out.append(f"skills missing: {', '.join(missing)}")
    unspoken = [lang for lang in c.languages if lang not in facts.languages]
    if unspoken:
        out.append(f"languages missing: {', '.join(unspoken)}")
    xp = facts.experience_months
    if c.experience_max_months is not None and (xp is None or xp > c.experience_max_months):
        out.append(f"experience {xp} months > {c.experience_max_months}")
    if c.experience_min_months is not None and (xp is None or xp < c.experience_min_months):
        out.append(f"experience {xp} months < {c.experience_min_months}")
    if c.remote is True and facts.remote is not True:
        out.append("no remote work")
    if c.remote is False and facts.remote is True:
        out.append("remote")
    if c.salary_min_monthly is not None and (
        facts.salary_top is None or facts.salary_top < c.salary_min_monthly
    ):
        out.append(f"salary {facts.salary_top} < {c.salary_min_monthly}")
    return out
