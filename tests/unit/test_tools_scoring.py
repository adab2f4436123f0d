"""``MatchScoring`` over the real scorer of ``scoring``: verified claims, what-if, failures."""

from __future__ import annotations

import pytest

from cv import parse_cv_text
from domain.errors import BassinError, OfferNotFoundError
from domain.search import GeoFilter, SearchFilters
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from scoring.scorer import MatchScorer
from scoring.whatif import WhatIfAnalyzer
from services.match_scoring import Basis, MatchScoring
from tests.graph.fakes import FakeOfferRows, offer_row

CV = """Julie Martin
Développeuse Python
Lyon

Expérience
2019 - présent : Développeuse Python chez ACME, Lyon

Compétences
Python, Django, Docker
"""


@pytest.fixture(scope="module")
def scoring() -> MatchScoring:
    taxonomy = default_skill_taxonomy().load()
    rows = [
        offer_row("2000001", "Développeur Python (H/F)", skills=["Python", "Django"],
                  description="Nous cherchons un développeur Python Django à Lyon, en CDI."),
        offer_row("2000002", "Développeur Java", skills=["Java", "Spring"],
                  description="Développeur Java Spring pour une banque lyonnaise."),
    ]  # fmt: skip
    for row in rows:
        for skill in row.skills:
            skill.key = taxonomy.normalize(skill.label)
    scorer = MatchScorer(taxonomy=taxonomy, rome=default_rome())
    return MatchScoring(scorer, FakeOfferRows(rows), default_gazetteer(), taxonomy)


def test_cv_scores_rank_the_fitting_offer_first_with_verified_claims(scoring: MatchScoring) -> None:
    verdicts = scoring.score(Basis(kind="cv", parsed=parse_cv_text(CV)), ["2000002", "2000001"])
    by_id = {v["id"]: v for v in verdicts}
    assert [v["id"] for v in verdicts] == ["2000002", "2000001"]  # order asked
    assert by_id["2000001"]["score"] > by_id["2000002"]["score"]
    assert any("Python" in s for s in by_id["2000001"]["strengths"])
    assert any("Java" in g for g in by_id["2000002"]["gaps"])


def test_query_basis_and_unknown_offers(scoring: MatchScoring) -> None:
    lyon = GeoFilter(label="Lyon", lat=45.75, lon=4.84, radius_km=30)
    basis = Basis(kind="query", text="développeur python", filters=SearchFilters(skills=["python"], geo=lyon))
    assert [v["id"] for v in scoring.score(basis, ["2000001", "nope"])] == ["2000001"]
    with pytest.raises(OfferNotFoundError):
        scoring.score(basis, ["nope"])


def test_what_if_a_new_skill_raises_the_score(scoring: MatchScoring) -> None:
    basis = Basis(kind="cv", parsed=parse_cv_text(CV))
    result = scoring.what_if(basis, "2000002", {"add_skills": [("java", "Java"), ("spring", "Spring")]})
    assert result["score_after"] > result["score_before"]
    assert result["changes"] == ["+ Java", "+ Spring"]


def test_relaxations_are_counted_not_guessed(scoring: MatchScoring) -> None:
    def count(filters: SearchFilters) -> int:
        radius = filters.geo.radius_km if filters.geo else 0
        return (5 if radius > 30 else 2) + (4 if "MIS" in filters.contracts else 0)

    relaxing = MatchScoring(
        scoring.scorer, scoring.rows, scoring.places, scoring.skills, analyzer=WhatIfAnalyzer(count=count)
    )
    lyon = GeoFilter(label="Lyon", lat=45.75, lon=4.84, radius_km=30)
    moves = relaxing.relax(SearchFilters(geo=lyon, contracts=["CDI"]))
    assert [m["message"] for m in moves] == ["+4 si vous acceptez l'intérim", "+3 offres à 50 km"]
    with pytest.raises(BassinError):
        scoring.relax(SearchFilters())


def test_english_verdicts_are_the_same_verified_claims_in_english(scoring: MatchScoring) -> None:
    basis = Basis(kind="cv", parsed=parse_cv_text(CV))
    french = scoring.score(basis, ["2000001", "2000002"])
    english = scoring.score(basis, ["2000001", "2000002"], "en")
    for fr, en in zip(french, english, strict=True):
        assert (en["id"], en["score"]) == (fr["id"], fr["score"])
        assert len(en["strengths"]) == len(fr["strengths"]) and len(en["gaps"]) == len(fr["gaps"])
        for line in en["strengths"] + en["gaps"]:
            assert "chez vous" not in line and "Compétence" not in line, line
    by_id = {v["id"]: v for v in english}
    assert any(s.endswith("in the offer") and "« Python »" in s for s in by_id["2000001"]["strengths"])
    assert any(
        g.startswith("Required skill missing from your profile: « Java") for g in by_id["2000002"]["gaps"]
    )


def test_english_what_if_and_relaxations(scoring: MatchScoring) -> None:
    basis = Basis(kind="cv", parsed=parse_cv_text(CV))
    changes = {"add_skills": [("java", "Java")], "experience_months": 60, "place": "Paris"}
    result = scoring.what_if(basis, "2000002", changes, "en")
    assert result["changes"] == ["+ Java", "5 year(s) of experience", "place: Paris"]
    assert scoring.what_if(basis, "2000002", changes)["changes"][1:] == [
        "5 an(s) d'expérience",
        "lieu : Paris",
    ]
    assert all("chez vous" not in line for line in result["explanation"])

    def count(filters: SearchFilters) -> int:
        radius = filters.geo.radius_km if filters.geo else 0
        return (5 if radius > 30 else 2) + (4 if "MIS" in filters.contracts else 0)

    relaxing = MatchScoring(
        scoring.scorer, scoring.rows, scoring.places, scoring.skills, analyzer=WhatIfAnalyzer(count=count)
    )
    lyon = GeoFilter(label="Lyon", lat=45.75, lon=4.84, radius_km=30)
    moves = relaxing.relax(SearchFilters(geo=lyon, contracts=["CDI"]), "en")
    assert [m["message"] for m in moves] == ["+4 if you accept temp work", "+3 offers within 50 km"]


def test_english_abstention(scoring: MatchScoring) -> None:
    empty = Basis(kind="query", text="bonjour", filters=SearchFilters())
    (verdict,) = scoring.score(empty, ["2000001"], "en")
    assert verdict["score"] is None
    assert verdict["abstained"].startswith("not enough in the profile")
