"""Offers for a parsed CV: the one "search from a CV" path.

The agent's ``search_offers`` with a ``cv_id``, ``POST /match`` (a stored candidate or a CV's text) and
``bassin match cv`` all come here: the request builder fills what the request leaves open from the profile
(``services.requests.profile_defaults``: title and main skills, the CV's town within its radius, offers
asking at most the candidate's experience, the stated contract wishes), then the one offer search ranks the
pool (``services.offer_search.OfferSearchService``).

The occupation is read from the CV's title when that reading is sure (an exact ROME appellation, a
confident classifier) and the title is not English; otherwise from all the CV says of its jobs (``profile_occupation``): title,
headline and latest positions, each English one also in French words, their readings weighed together.
English résumés need it: "Executive Chef" or "Sous Chef" alone are read wrong, their French renderings
and the positions around them are not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cv.occupation import job_query, occupation_sources
from domain.search import SearchFilters
from referentials.occupation.english import french_title, reads_as_english
from services.occupation_reading import (
    NO_OCCUPATION,
    OCCUPATION_CONFIDENCE,
    Occupation,
    OccupationReader,
    WordedReader,
)
from services.offer_search import OfferSearchResponse
from services.ranking import OfferRanker
from services.requests import BuiltRequest, RequestBuilder, SearchRequest

if TYPE_CHECKING:
    from cv import CandidateProfile


class RankedOfferSearch(Protocol):
    """``services.offer_search.OfferSearchService``."""

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        occupation_text: str | None = None,
    ) -> OfferSearchResponse: ...


@runtime_checkable
class OccupationAwareSearch(Protocol):
    """An offer search whose ranker reads occupations (``OfferSearchService``); its ``search`` takes the
    occupation read from the whole profile."""

    ranker: OfferRanker | None

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        occupation_text: str | None = None,
        occupation: Occupation | None = None,
    ) -> OfferSearchResponse: ...


GUESSES_PER_TEXT = 8
"""Classifier guesses kept for each text of a profile."""
FAMILY_SHARE = 0.25
"""A ROME family with at least this share of a profile's occupation evidence is one of its families."""
MAX_FAMILIES = 2
TITLE_SURE = 0.5
"""A family the CV's title (or its French words) gets this confidence for is always one of its families."""
MAX_CODES = 6
PROFILE_CONFIDENCE = round(OCCUPATION_CONFIDENCE - 0.01, 2)
"""A reading pieced together from several texts ranks the offers but is never trusted (no "nothing
matches", no offer dropped as unrelated on its word)."""


@dataclass(frozen=True)
class ProfileSearch:
    """What was searched for a CV (text, filters, applied criteria) and the ranked response."""

    built: BuiltRequest
    response: OfferSearchResponse


@dataclass(frozen=True)
class ProfileRequest:
    """What a CV's search is: the built request, and how its occupation is read (a text, or a reading)."""

    built: BuiltRequest
    interpret: bool
    occupation_text: str | None = None
    occupation: Occupation | None = None


def profile_request(
    ranker: OfferRanker | None,
    builder: RequestBuilder,
    profile: CandidateProfile,
    request: SearchRequest | None = None,
    *,
    filters: SearchFilters | None = None,
) -> ProfileRequest:
    """The search a CV (and ``request``) stands for, as ``offers_for_profile`` runs it and as « pourquoi la
    1 ? » scores it again.

    Raises:
        UnknownPlaceError: the request's place cannot be geocoded.
    """
    request = request or SearchRequest()
    built = builder.build(request, profile)
    if filters is not None:
        built = BuiltRequest(text=built.text, filters=filters, applied={"query": built.text})
    interpret = built.filters.is_empty()
    if request.query.strip():
        return ProfileRequest(built, interpret)
    # the title as the ROME reads it: « Cariste confirmé » is « Cariste » (an appellation, a sure reading)
    title = job_query(profile.title or "")
    if ranker is None or ranker.occupations is None or _title_is_enough(ranker, title):
        return ProfileRequest(built, interpret, occupation_text=title)
    occupation = profile_occupation(profile, WordedReader(ranker.occupations, ranker.rome))
    return ProfileRequest(
        built, interpret, occupation_text=title, occupation=occupation if occupation.codes else None
    )


def offers_for_profile(
    offers: RankedOfferSearch,
    builder: RequestBuilder,
    profile: CandidateProfile,
    request: SearchRequest | None = None,
    *,
    filters: SearchFilters | None = None,
    top_k: int = 10,
) -> ProfileSearch:
    """Ranked offers for ``profile``; ``request`` refines or replaces what the CV says.

    ``filters``, when given, are the hard filters as they stand (``POST /match``'s explicit filters): the
    profile then only gives the search text. Without a query, the occupation is read from the CV's title
    alone (its search text also carries skills, which would blur the reading).

    Raises:
        UnknownPlaceError: the request's place cannot be geocoded.
    """
    ranker = offers.ranker if isinstance(offers, OccupationAwareSearch) else None
    asked = profile_request(ranker, builder, profile, request, filters=filters)
    built = asked.built
    # only an occupation-aware search takes the profile's reading (a plain search has no such argument)
    reading = {"occupation": asked.occupation} if asked.occupation is not None else {}
    assert not reading or isinstance(offers, OccupationAwareSearch)
    response = offers.search(
        built.text,
        built.filters,
        top_k=top_k,
        interpret=asked.interpret,
        occupation_text=asked.occupation_text,
        **reading,
    )
    return ProfileSearch(built=built, response=response)


def profile_occupation(profile: CandidateProfile, reader: OccupationReader) -> Occupation:
    """The occupation all a CV says of its jobs points to, or ``NO_OCCUPATION``.

    Each text of ``cv.occupation.occupation_sources`` (title, headline, latest positions, English ones
    also in French words) is classified; the guesses' confidences, weighed by the text's weight, add up
    per ROME code and per family. The families holding at least ``FAMILY_SHARE`` of the evidence (two at
    most, else the strongest one) are the profile's, with their likeliest codes, and so is the family
    the title reads as with ``TITLE_SURE`` confidence; the reading is never trusted
    (``PROFILE_CONFIDENCE``).

    Example:
        >>> profile_occupation(parse_cv_text(EXECUTIVE_CHEF_CV).profile, default_occupations()).families  # doctest: +SKIP
        ('G16',)
    """
    sources = occupation_sources(profile.title, profile.headline, profile.experiences)
    title_texts = {profile.title, french_title(profile.title or "")} - {None, ""}
    by_code: dict[str, float] = defaultdict(float)
    from_title: dict[str, float] = defaultdict(float)
    labels: dict[str, str] = {}
    for text, weight in sources:
        for guess in reader.classify(text, k=GUESSES_PER_TEXT):
            by_code[guess.code] += weight * guess.confidence
            labels.setdefault(guess.code, guess.label)
            if text in title_texts:
                from_title[guess.code[:3]] = max(from_title[guess.code[:3]], guess.confidence)
    if not by_code:
        return NO_OCCUPATION
    by_family: dict[str, float] = defaultdict(float)
    for code, mass in by_code.items():
        by_family[code[:3]] += mass
    total = sum(by_family.values())
    ranked = sorted(by_family.items(), key=lambda item: -item[1])
    families = [family for family, mass in ranked if mass >= FAMILY_SHARE * total][:MAX_FAMILIES]
    families = families or [ranked[0][0]]
    # The job the CV's title names surely stays one of its families, whatever the positions around it
    # ("Sous Chef" after three front-desk jobs is still a cook).
    title_family = max(from_title, key=from_title.__getitem__, default=None)
    if title_family and from_title[title_family] >= TITLE_SURE and title_family not in families:
        families = [title_family, *families[: MAX_FAMILIES - 1]]
    codes = [code for code, _ in sorted(by_code.items(), key=lambda item: -item[1]) if code[:3] in families]
    return Occupation(
        codes=tuple(codes[:MAX_CODES]),
        label=labels[codes[0]],
        confidence=PROFILE_CONFIDENCE,
        families=tuple(families),
        broad=True,
    )


def _title_is_enough(ranker: OfferRanker, title: str) -> bool:
    """True when the CV's title alone names its occupation surely (then read as a search text is).

    Never for an English title: the classifier's confidence on one is not to be relied on ("Vice
    President" reads as « responsable marketing » at 0.95).
    """
    return not reads_as_english(title) and ranker.occupation(title).trusted
