"""The one "search from a CV" path: what a CV leaves open is filled from its profile, the same for every door."""

from __future__ import annotations

from cv import parse_cv_text
from domain.search import GeoFilter, SearchFilters
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_skill_taxonomy
from services.profile_search import offers_for_profile
from services.requests import CV_RADIUS_KM, RequestBuilder, SearchRequest
from tests.graph.fakes import FakeOfferSearch

CV = """Claire Martin
Aide-soignante
Rennes
claire.martin@example.fr

Expérience
2019 - 2024 : Aide-soignante au CHU de Rennes

Compétences
Soins d'hygiène, Prise de constantes

Recherche un CDI
"""


def builder() -> RequestBuilder:
    return RequestBuilder(default_gazetteer(), default_skill_taxonomy())


def test_a_cv_fills_text_place_experience_and_contract_and_names_the_occupation() -> None:
    profile = parse_cv_text(CV, gazetteer=default_gazetteer()).profile
    search = FakeOfferSearch()
    found = offers_for_profile(search, builder(), profile)
    text, filters, _, _ = search.calls[0]
    assert text.startswith("Aide-soignante") and "claire" not in text.lower()
    assert filters.geo is not None and filters.geo.label.startswith("Rennes")
    assert filters.geo.radius_km == CV_RADIUS_KM
    assert filters.experience_max_months is not None and 48 <= filters.experience_max_months <= 72
    assert filters.contracts == ["CDI"]
    assert found.built.applied["place"] == filters.geo.label


def test_the_request_wins_over_the_cv_and_explicit_filters_are_kept_as_they_stand() -> None:
    profile = parse_cv_text(CV, gazetteer=default_gazetteer()).profile
    search = FakeOfferSearch()
    offers_for_profile(
        search, builder(), profile, SearchRequest(place="Lyon", radius_km=10, contracts=["MIS"])
    )
    _, filters, _, _ = search.calls[0]
    assert filters.geo is not None and filters.geo.label.startswith("Lyon") and filters.geo.radius_km == 10
    assert filters.contracts == ["MIS"]
    explicit = SearchFilters(geo=GeoFilter(label="Brest", lat=48.39, lon=-4.49, radius_km=5))
    offers_for_profile(search, builder(), profile, filters=explicit)
    text, filters, _, _ = search.calls[1]
    assert filters == explicit and text.startswith("Aide-soignante")
