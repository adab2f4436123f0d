"""« pourquoi la 1 ? » answers the number the list showed: the active search's results, and the nearest
offers shown when nothing matches, are scored by ``score_match`` exactly as the search ranked them.

The list once showed « Cariste (F/H) · 92/100 » and the explanation « 24/100 » (the scorer's calibrated
probability), and a nearest offer 114 km away « 91/100 » (scored with the place relaxed) then « 1/100 ».
"""

from __future__ import annotations

import pytest

from app.runtime import Engine
from domain.search import GeoFilter, SearchFilters
from services.match_scoring import Basis


@pytest.mark.parametrize("question", ["développeur python", "commercial", "vendeur"])
def test_scores_of_a_search_are_the_scores_of_its_explanations(loaded_engine: Engine, question: str) -> None:
    response = loaded_engine.offer_search.search(question, top_k=10)
    assert response.results, question
    verdicts = loaded_engine.match_scoring.score(
        Basis("query", text=response.text, filters=response.filters), [r.id for r in response.results]
    )
    assert [v["score"] for v in verdicts] == [r.match for r in response.results]
    assert all(v["reasons"] for v in verdicts)


def test_nearest_offers_show_the_score_their_explanation_gives(loaded_engine: Engine) -> None:
    # Every offer of the small corpus is in France; 1 km around Ajaccio holds none of its developers.
    ajaccio = GeoFilter(label="Ajaccio", lat=41.9192, lon=8.7386, radius_km=1.0)
    response = loaded_engine.offer_search.search("développeur", SearchFilters(geo=ajaccio), top_k=10)
    assert response.no_match is not None and response.no_match.alternatives
    shown = response.no_match.alternatives
    verdicts = loaded_engine.match_scoring.score(
        Basis("query", text=response.text, filters=response.filters), [r.id for r in shown]
    )
    assert [v["score"] for v in verdicts] == [r.match for r in shown]
    # Far beyond the radius: the place counts against the offer, never "as asked".
    assert all(r.distance_km is not None and r.distance_km > 1.0 for r in shown)
    assert all(r.match is not None and r.match < 90 for r in shown)


CV_PYTHON = """Sophie Bertrand
Développeuse Python
44700 Orvault

Expérience
2017 - 2024 Développeuse Python, Société Exemple, Nantes
API REST avec Django et Flask, tests, Docker.

Compétences
Python, Django, Flask, Docker, Git
"""


@pytest.mark.parametrize("query", ["", "développeur python"])
def test_a_cv_search_and_its_explanations_show_one_number(loaded_engine: Engine, query: str) -> None:
    from cv import parse_cv_text
    from services.profile_search import offers_for_profile
    from services.requests import RequestBuilder, SearchRequest

    parsed = parse_cv_text(CV_PYTHON, gazetteer=loaded_engine.gazetteer)
    request = SearchRequest(query=query)
    builder = RequestBuilder(loaded_engine.gazetteer, loaded_engine.taxonomy)
    found = offers_for_profile(loaded_engine.offer_search, builder, parsed.profile, request)
    shown = found.response.results
    assert shown, query
    verdicts = loaded_engine.match_scoring.score(
        Basis("cv", parsed=parsed, request=request), [r.id for r in shown]
    )
    # the list's 0–100 (occupation, then conditions), not the scorer's calibrated probability
    assert [v["score"] for v in verdicts] == [r.match for r in shown]
