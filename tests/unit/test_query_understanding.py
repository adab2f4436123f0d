"""The rule-based first reading of search texts, on the real gazetteer."""

from __future__ import annotations

from datetime import date

import pytest

from domain.search import GeoFilter, SearchFilters
from referentials.geo import default_gazetteer
from retrieval.query.understanding import QueryInterpreter


@pytest.fixture(scope="module")
def qi() -> QueryInterpreter:
    return QueryInterpreter(default_gazetteer(), today=date(2025, 11, 20))


def test_place_and_contract_without_flags(qi: QueryInterpreter) -> None:
    u = qi.interpret("cariste en intérim près de Lille")
    assert u.text == "cariste"
    assert u.filters.contracts == ["MIS"]
    assert u.filters.geo is not None and u.filters.geo.label == "Lille" and u.filters.geo.radius_km == 30
    assert any("Lille" in n for n in u.notes) and any("MIS" in n for n in u.notes)


def test_explicit_radius(qi: QueryInterpreter) -> None:
    u = qi.interpret("développeur python à 20 km de Nantes")
    assert u.text == "développeur python"
    assert u.filters.geo is not None and (u.filters.geo.label, u.filters.geo.radius_km) == ("Nantes", 20)


def test_region_becomes_departments_and_beginner(qi: QueryInterpreter) -> None:
    u = qi.interpret("aide-soignant débutant accepté en Bretagne")
    assert u.text == "aide-soignant"
    assert u.filters.departments == ["22", "29", "35", "56"]
    assert u.filters.experience_max_months == 0


@pytest.mark.parametrize(
    ("text", "contracts", "excluded"),
    [
        ("comptable CDI sans intérim", ["CDI"], ["MIS"]),
        ("chef de partie saisonnier", ["SAI"], []),
        ("développeur en alternance", ["ALT"], []),
        ("graphiste freelance", ["LIB"], []),
        ("magasinier en CDD", ["CDD"], []),
    ],
)
def test_contract_words(qi: QueryInterpreter, text: str, contracts: list[str], excluded: list[str]) -> None:
    u = qi.interpret(text)
    assert u.filters.contracts == contracts
    assert u.filters.exclude_contracts == excluded


def test_ordinary_job_titles_have_no_place(qi: QueryInterpreter) -> None:
    for title in ["vendeur en boulangerie", "agent de service", "chef de partie", "conducteur de bus"]:
        assert qi.interpret(title).filters.geo is None, title


def test_postcode_arrondissement_remote_and_recency(qi: QueryInterpreter) -> None:
    u = qi.interpret("infirmier 69003 télétravail publiées depuis 7 jours")
    assert u.filters.geo is not None and "Lyon 3e" in u.filters.geo.label
    assert u.filters.remote is True
    assert u.filters.published_since == date(2025, 11, 13)
    assert u.text == "infirmier"


def test_explicit_filters_win(qi: QueryInterpreter) -> None:
    explicit = SearchFilters(
        contracts=["CDD"], geo=GeoFilter(label="Paris", lat=48.86, lon=2.35, radius_km=5)
    )
    u = qi.interpret("cariste en intérim près de Lille", explicit)
    assert u.filters.contracts == ["CDD"]
    assert u.filters.geo == explicit.geo


def test_english_queries(qi: QueryInterpreter) -> None:
    u = qi.interpret("python developer, permanent contract, near Lyon, 3 years of experience")
    assert u.filters.contracts == ["CDI"]
    assert u.filters.geo is not None and u.filters.geo.label == "Lyon"
    assert u.filters.experience_max_months == 36


@pytest.mark.parametrize(
    ("said", "searched"),
    [
        ("I'm an electrician looking for work near Toulouse", "electrician"),
        ("any openings for a baker in Bordeaux?", "baker"),
        ("seeking a position as welder in Lyon", "welder"),
        ("je suis aide-soignante et je cherche un poste à Rennes", "aide-soignante"),
        ("j'aimerais travailler comme jardinier près de Tours", "jardinier"),
        ("soudeur en CDI", "soudeur"),
        ("nurse jobs in Marseille", "nurse"),
        # words of occupations are never taken for conversation
        ("ingénieur de recherche à Grenoble", "ingénieur de recherche"),
        ("chargé de recherche", "chargé de recherche"),
        ("conseiller en insertion", "conseiller en insertion"),
        ("aide à domicile", "aide à domicile"),
    ],
)
def test_the_sentence_around_the_occupation_is_not_searched(
    qi: QueryInterpreter, said: str, searched: str
) -> None:
    assert qi.interpret(said).text == searched
