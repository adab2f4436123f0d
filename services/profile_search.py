"""Offers for a parsed CV: the one "search from a CV" path.

The agent's ``search_offers`` with a ``cv_id``, ``POST /match`` (a stored candidate or a CV's text) and
``bassin match cv`` all come here: the request builder fills what the request leaves open from the profile
(``services.requests.profile_defaults``: title and main skills, the CV's town within its radius, offers
asking at most the candidate's experience, the stated contract wishes), then the one offer search ranks the
pool (``services.offer_search.OfferSearchService``), the occupation read from the CV's title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from domain.search import SearchFilters
from services.offer_search import OfferSearchResponse
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


@dataclass(frozen=True)
class ProfileSearch:
    """What was searched for a CV (text, filters, applied criteria) and the ranked response."""

    built: BuiltRequest
    response: OfferSearchResponse


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
    request = request or SearchRequest()
    built = builder.build(request, profile)
    if filters is not None:
        built = BuiltRequest(text=built.text, filters=filters, applied={"query": built.text})
    occupation_text = (profile.title or "") if not request.query.strip() else None
    response = offers.search(
        built.text,
        built.filters,
        top_k=top_k,
        interpret=built.filters.is_empty(),
        occupation_text=occupation_text,
    )
    return ProfileSearch(built=built, response=response)
