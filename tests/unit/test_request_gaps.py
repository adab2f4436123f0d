"""Issue 13, item 5: phrasings the first reading used to search as words (CLI path and planner helpers)."""

from __future__ import annotations

from datetime import date

import pytest

from referentials.geo import default_gazetteer
from referentials.geo.areas import find_area
from retrieval.query.understanding import QueryInterpreter
from services.utterance.bounding import LONG_MESSAGE_CHARS, bound_message

STORY = (
    "Je vous écris parce que ma situation a beaucoup changé et que je préfère tout vous expliquer pour que vous "
    "compreniez bien ce que je cherche. J'ai le permis et une voiture. "
) * 30


@pytest.fixture(scope="module")
def qi() -> QueryInterpreter:
    return QueryInterpreter(default_gazetteer(), today=date(2025, 11, 20))


@pytest.mark.parametrize(
    ("text", "label", "radius", "rest"),
    [
        ("comptable dans la région nantaise", "Nantes", 40, "comptable"),
        ("magasinier dans l'agglomération lyonnaise", "Lyon", 20, "magasinier"),
        ("préparateur de commandes métropole lilloise", "Lille", 20, "préparateur de commandes"),
        ("électricien au sud de Lyon", "Lyon", 40, "électricien"),
        ("cariste à l'est de Rennes", "Rennes", 40, "cariste"),
        ("vendeur dans le bassin rennais", "Rennes", 40, "vendeur"),
    ],
)
def test_areas_around_a_city_are_a_circle(
    qi: QueryInterpreter, text: str, label: str, radius: int, rest: str
) -> None:
    u = qi.interpret(text)
    assert u.filters.geo is not None and (u.filters.geo.label, u.filters.geo.radius_km) == (label, radius)
    assert u.text == rest


def test_region_parisienne_is_ile_de_france(qi: QueryInterpreter) -> None:
    u = qi.interpret("chauffeur livreur en région parisienne")
    assert u.filters.departments == ["75", "77", "78", "91", "92", "93", "94", "95"]
    assert u.text == "chauffeur livreur"


def test_unknown_adjective_is_not_a_place() -> None:
    assert find_area("dans la région de tours") is None  # "région de X" is read by the gazetteer itself
    assert find_area("secteur automobile") is None


@pytest.mark.parametrize(
    ("text", "field", "months"),
    [
        ("développeur senior à Paris", "experience_min_months", 36),
        ("commercial confirmé", "experience_min_months", 24),
        ("coiffeuse expérimentée", "experience_min_months", 24),
        ("maçon expérience exigée", "experience_min_months", 1),
        ("serveuse débutante acceptée", "experience_max_months", 0),
        ("infirmière junior", "experience_max_months", 24),
    ],
)
def test_seniority_words_for_a_job_seeker(qi: QueryInterpreter, text: str, field: str, months: int) -> None:
    u = qi.interpret(text)
    assert getattr(u.filters, field) == months
    assert not any(w in u.text for w in ("senior", "confirm", "expérim", "exigée", "débutante", "junior"))


def test_seniority_for_recruiters_keeps_its_meaning(qi: QueryInterpreter) -> None:
    assert qi.interpret("développeurs seniors", target="candidates").filters.experience_min_months == 60


def test_written_out_contracts(qi: QueryInterpreter) -> None:
    assert qi.interpret("cariste en contrat à durée indéterminée").filters.contracts == ["CDI"]
    assert qi.interpret("cariste en contrat à durée déterminée").filters.contracts == ["CDD"]


def test_long_messages_keep_the_request_wherever_it_is() -> None:
    request = "Je cherche un poste de cariste en CDI près de Lille."
    middle = STORY.index(". ", 2000) + 2
    for text in (STORY + request, request + " " + STORY, STORY[:middle] + request + " " + STORY[middle:]):
        assert len(text) > 5000
        assert bound_message(text, 2000) == request
    short = "cariste près de Lille. " * 3
    assert len(short) <= LONG_MESSAGE_CHARS and bound_message(short, 2000) == short


def test_a_request_spread_over_sentences_keeps_its_parts() -> None:
    text = (
        STORY[: STORY.index(". ", 1200) + 2]
        + "Je cherche un poste de développeur. Je suis à Lyon. En CDI si possible."
    )
    assert (
        bound_message(text, 2000) == "Je cherche un poste de développeur. Je suis à Lyon. En CDI si possible."
    )


@pytest.mark.parametrize(
    ("text", "languages", "rest"),
    [
        ("des profils qui parlent anglais", ["anglais"], ""),
        ("développeur python bilingue anglais", ["anglais"], "développeur python"),
        ("comptable anglophone et hispanophone", ["anglais", "espagnol"], "comptable"),
    ],
)
def test_languages_recruiters_ask_for_are_filters_not_words(
    qi: QueryInterpreter, text: str, languages: list[str], rest: str
) -> None:
    u = qi.interpret(text, target="candidates")
    assert u.filters.languages == languages
    assert u.text.split() == rest.split(), (
        "« anglais » searched as a word read an English teacher's occupation"
    )


def test_a_language_is_a_word_when_it_names_the_job(qi: QueryInterpreter) -> None:
    assert qi.interpret("professeur d'anglais", target="candidates").filters.languages == []
    assert qi.interpret("vendeuse qui parle anglais").filters.languages == [], (
        "offers carry no language filter"
    )
