"""One request builder: what a user asked (CLI flags, a tool's arguments, a CV) → search text + hard filters.

Every entry point that turns explicit criteria into a search goes through ``RequestBuilder.build``: the CLI's
``bassin search`` flags, the agent's ``search_offers`` / ``search_candidates`` arguments and the UI. The
criteria a CV leaves open are filled from the profile by the same rules everywhere (``profile_defaults``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from domain.search import GeoFilter, SearchFilters
from domain.vocabulary import contract_codes
from referentials.geo import Place
from referentials.occupation.english import french_title
from referentials.taxonomy.text import fold
from scoring.matcher import SEARCH_SKILLS
from scoring.seeker import DEFAULT_RADIUS_KM

if TYPE_CHECKING:
    from cv import CandidateProfile
    from services.utterance import Reading

CV_SEARCH_SKILLS = SEARCH_SKILLS
"""How many of a CV's skills its search text carries (its title first), as the matcher's."""
CV_RADIUS_KM = DEFAULT_RADIUS_KM
"""Radius around a CV's town when the request names no place, as the matcher's."""


class PlaceResolver(Protocol):
    """``referentials.geo.Gazetteer``."""

    def resolve(self, name: str) -> Place: ...


class SkillNormalizer(Protocol):
    """``referentials.taxonomy.SkillTaxonomy``."""

    def normalize_fuzzy(self, label: str) -> str | None: ...

    def label(self, key: str) -> str: ...


@dataclass(frozen=True)
class SearchRequest:
    """Explicit criteria, as typed by a user or chosen by the agent (all optional)."""

    query: str = ""
    skills: Sequence[str] = ()
    place: str | None = None
    radius_km: float | None = None
    contracts: Sequence[str] = ()
    exclude_contracts: Sequence[str] = ()
    remote: bool | None = None
    experience_min_months: int | None = None
    experience_max_months: int | None = None
    languages: Sequence[str] = ()
    """Languages candidates must all speak ("English", "anglais": stored as the CV parser's keys)."""
    published_within_days: int | None = None
    published_since: date | None = None
    rome: Sequence[str] = ()
    salary_min_monthly: float | None = None
    """Monthly gross euros an offer's stated salary must reach (offers only)."""


@dataclass
class BuiltRequest:
    """The search text, the hard filters, and the normalised criteria actually applied (for display)."""

    text: str
    filters: SearchFilters
    applied: dict[str, Any] = field(default_factory=dict)
    unknown_skills: list[str] = field(default_factory=list)


class RequestBuilder:
    """Builds searches from requests; skills the taxonomy does not know are searched as words."""

    def __init__(self, places: PlaceResolver, skills: SkillNormalizer) -> None:
        self.places = places
        self.skills = skills

    def build(self, request: SearchRequest, profile: CandidateProfile | None = None) -> BuiltRequest:
        """Text, filters and applied criteria of ``request``; ``profile`` fills what it leaves open.

        Raises:
            UnknownPlaceError: ``place`` cannot be geocoded (with suggestions).
        """
        applied: dict[str, Any] = {}
        keys: list[str] = []
        unknown: list[str] = []
        for label in request.skills:
            key = self.skills.normalize_fuzzy(label)
            if key is None:
                unknown.append(label)
            elif key not in keys:
                keys.append(key)
        query = request.query.strip()
        words = [query, *unknown]
        words += [self.skills.label(k) for k in keys if self.skills.label(k).lower() not in query.lower()]
        update: dict[str, Any] = {
            "skills": keys,
            "contracts": [c.upper() for c in request.contracts],
            "exclude_contracts": [c.upper() for c in request.exclude_contracts],
            "remote": request.remote,
            "experience_min_months": request.experience_min_months,
            "experience_max_months": request.experience_max_months,
            "rome": [r.upper() for r in request.rome],
            "languages": language_keys(request.languages),
            "salary_min_monthly": request.salary_min_monthly,
        }
        if request.place:
            place = self.places.resolve(request.place)
            if place.kind in ("departement", "region"):
                update["departments"] = list(place.departments)
                applied["place"] = place.label
            else:
                radius = request.radius_km or place.radius_hint_km
                update["geo"] = GeoFilter(label=place.label, lat=place.lat, lon=place.lon, radius_km=radius)
                applied.update(place=place.label, radius_km=radius)
        if request.published_within_days:
            update["published_since"] = date.today() - timedelta(days=request.published_within_days)
            applied["published_within_days"] = request.published_within_days
        elif request.published_since:
            update["published_since"] = request.published_since
            applied["published_since"] = request.published_since.isoformat()
        if profile is not None:
            words = profile_defaults(profile, words, update, applied, request.radius_km)
        filters = SearchFilters(**update)
        text = " ".join(w for w in words if w).strip()
        applied.update(
            {
                "query": query,
                "skills": keys,
                **{
                    k: v
                    for k, v in update.items()
                    if k not in ("skills", "geo", "departments", "published_since") and v not in (None, [])
                },
            }
        )
        if unknown:
            applied["unknown_skills"] = unknown
        return BuiltRequest(
            text=text,
            filters=filters,
            applied={k: v for k, v in applied.items() if v not in (None, "", [])},
            unknown_skills=unknown,
        )


def language_keys(names: Sequence[str]) -> list[str]:
    """Language keys as CVs store them ("English", "anglais" → "anglais"); unknown names kept folded.

    Example:
        >>> language_keys(["English", "Espagnol"])
        ['anglais', 'espagnol']
    """
    if not names:
        return []
    from domain.languages import LANGUAGE_NAMES

    keys: list[str] = []
    for name in names:
        folded = fold(name).strip()
        key = LANGUAGE_NAMES.get(folded, folded)
        if key and key not in keys:
            keys.append(key)
    return keys


def profile_defaults(
    profile: CandidateProfile,
    words: list[str],
    update: dict[str, Any],
    applied: dict[str, Any],
    radius_km: float | None,
) -> list[str]:
    """Fill what a request leaves open from a parsed CV (the one "search from a CV" rule).

    Text: the job title (an English one also in French words, ``referentials.occupation.english``, as
    French offers word it) and the first ``CV_SEARCH_SKILLS`` skills; place: the CV's town within
    ``radius_km`` (default ``CV_RADIUS_KM``); experience: offers asking at most the candidate's; contracts:
    the CV's stated wishes. ``update`` and ``applied`` are filled in place; returns the search words.
    """
    if not any(words):
        title = profile.title or ""
        french = french_title(title)
        in_french = [french] if french and fold(french) != fold(title) else []
        words = [title, *in_french, *(s.label for s in profile.skills[:CV_SEARCH_SKILLS])]
    loc = profile.location
    if (
        "geo" not in update
        and "departments" not in update
        and loc
        and loc.lat is not None
        and loc.lon is not None
    ):
        radius = radius_km or CV_RADIUS_KM
        update["geo"] = GeoFilter(label=loc.label, lat=loc.lat, lon=loc.lon, radius_km=radius)
        applied.update(place=loc.label, radius_km=radius)
    years = profile.total_experience_years
    if update.get("experience_max_months") is None and update.get("experience_min_months") is None and years:
        update["experience_max_months"] = round(years * 12)
    if not update["contracts"]:
        update["contracts"] = list(contract_codes([w.contract for w in profile.contract_wishes]))
    return words


def request_from_reading(reading: Reading, explicit: SearchRequest | None = None) -> SearchRequest:
    """The request a message asks for (``UtteranceReader.read``); criteria set in ``explicit`` win.

    ``bassin search "<text>"`` takes this, as the offline planner's first search does: what is searched is
    the occupation and skill words, not the sentence around them ("I'm an electrician looking for work").
    """
    e = explicit or SearchRequest()
    return SearchRequest(
        query=reading.query,
        skills=e.skills or tuple(reading.skills),
        place=e.place or reading.place,
        radius_km=e.radius_km if e.place else reading.radius_km,
        contracts=e.contracts or tuple(reading.contracts),
        exclude_contracts=e.exclude_contracts or tuple(reading.exclude_contracts),
        remote=e.remote if e.remote is not None else reading.remote,
        experience_min_months=(
            e.experience_min_months if e.experience_min_months is not None else reading.experience_min_months
        ),
        experience_max_months=(
            e.experience_max_months if e.experience_max_months is not None else reading.experience_max_months
        ),
        languages=e.languages or tuple(reading.languages),
        published_within_days=e.published_within_days or reading.published_within_days,
        published_since=e.published_since,
        rome=e.rome,
        salary_min_monthly=e.salary_min_monthly or reading.salary_min_monthly,
    )
