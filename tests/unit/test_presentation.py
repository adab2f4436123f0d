"""What users read about offers: salaries written one way, clean titles and companies, and list numbers
that "la 2" resolves to (issue 13, item 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.planner.compose import Outcome, compose
from agent.planner.decide import TurnPlan
from domain.salary import format_salary, format_salary_label, parse_salary_label
from ingestion.offers.france_travail import clean_text, clean_title
from services.utterance.references import find_references
from tests.graph.fakes import FakeOfferRows, FakeOfferSearch, make_context, offer_row, scripted
from tests.unit.test_tools import call
from ui.card_text import offer_markdown
from ui.cards import OfferCard


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("Mensuel de 2300.0 Euros sur 12.0 mois", "2 300 € brut/mois"),
        ("Mensuel de 2200.0 Euros à 4000.0 Euros sur 12.0 mois", "2 200 – 4 000 € brut/mois"),
        ("Annuel de 42000,00 Euros à 50000,00 Euros", "3 500 – 4 167 € brut/mois"),
        ("Horaire de 11.88 Euros sur 0.0 mois", "1 802 € brut/mois"),  # "sur 0.0 mois" never shown
        ("Mensuel de 28000.0 Euros", "2 333 € brut/mois"),  # a yearly amount under the wrong period
        ("De 35000,00 Euros à 35000,00 Euros", "2 917 € brut/mois"),
        ("Mensuel de 2 100,00 Euros", "2 100 € brut/mois"),
        ("Annuel de", "non précisé"),
        ("Cachet de 138.85 Euros", "non précisé"),
        (None, "non précisé"),
    ],
)
def test_salary_labels_are_written_one_way(label: str | None, shown: str) -> None:
    assert format_salary_label(label) == shown
    assert "Euros" not in shown and ".0" not in shown


def test_salary_english_and_range_order() -> None:
    assert format_salary(4000.0, 2200.0, lang="en") == "2,200 – 4,000 € gross/month"
    assert parse_salary_label("Mensuel de 2200.0 Euros à 4000.0 Euros") == (2200.0, 4000.0)


def test_titles_and_companies_are_clean_at_the_source() -> None:
    assert clean_title("Chauffeur livreur VL H/F (H/F)") == "Chauffeur livreur VL H/F"
    assert clean_title("Equipier(ère) logistique magasin F/H (H/F)") == "Equipier(ère) logistique magasin F/H"
    assert clean_title("Cuisinier (H/F)") == "Cuisinier (H/F)"
    assert clean_title("Administrateur Système &amp; Cloud - H/F") == "Administrateur Système & Cloud - H/F"
    assert clean_text("Temporis Experts &amp; Cadres Lyon") == "Temporis Experts & Cadres Lyon"
    assert clean_text("L&amp;apos;Atelier") == "L'Atelier"


def _rows() -> list[Any]:
    return [
        offer_row("3000001", "Serveur", salary_max=1700),
        offer_row("3000002", "Serveur en brasserie"),
        offer_row("3000003", "Chef de rang", salary_min=2100, salary_max=2400),
        offer_row("3000004", "Serveur H/F", salary_min=1900),
        offer_row("3000005", "Barman", salary_max=2600),
    ]


async def test_salary_floor_renumbers_the_list_so_references_agree() -> None:
    rows = _rows()
    ctx = make_context(
        scripted(), offer_search=FakeOfferSearch(rows=rows), offer_rows=FakeOfferRows(rows=rows)
    )
    message, _ = await call("search_offers", ctx=ctx, query="serveur", salary_min_monthly=1800)
    body = json.loads(str(message.content))
    assert body["ids"] == ["3000003", "3000004", "3000005"]
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]  # not 3, 4, 5
    assert body["results"][0]["salary"] == "2 100 – 2 400 € brut/mois"

    answer = compose(TurnPlan("search", "fr"), [Outcome("search_offers", {}, body)], [])
    assert "2. [3000004]" in answer and "3. [3000005]" in answer and "Euros" not in answer
    assert "≥ 1 800 €/mois" in answer
    ids, missing = find_references("la 2", body["ids"]).resolve(body["ids"], [])
    assert ids == ["3000004"] and not missing  # the offer shown as n° 2


def test_cards_and_details_show_normalised_salaries() -> None:
    card = OfferCard(rank=1, id="1", title="Serveur", salary=None)
    assert "Salaire : non précisé" in offer_markdown(card)
    details = {"kind": "offer_details", "offers": [
        {"id": "3000001", "intitule": "Serveur", "salaire": "Mensuel de 1801.8 Euros sur 0.0 mois"}]}  # fmt: skip
    answer = compose(TurnPlan("details", "fr"), [Outcome("get_offer_details", {}, details)], [])
    assert "1 802 € brut/mois" in answer and "sur 0.0 mois" not in answer


def test_each_scored_offer_is_its_own_paragraph() -> None:
    from agent.planner.compose import _scores

    result = {
        "basis": "cv",
        "scores": [
            {
                "id": "A1",
                "title": "Comptable",
                "score": 92,
                "reasons": ["même métier"],
                "strengths": ["Sage"],
            },
            {
                "id": "B2",
                "title": "Aide-comptable",
                "score": 70,
                "strengths": ["Excel"],
                "gaps": ["Permis B"],
            },
        ],
    }
    text = _scores(result, "fr")
    # Markdown (the chat) would fold « [B2] … » into A1's last « + … » item without a blank line between
    assert "  + Sage\n\n[B2] « Aide-comptable » : 70/100" in text
    assert text.endswith("\n\nLa mieux placée : [A1].")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_offer_of_the_occupation_even_more_widely_heads_the_related_ones(lang: str) -> None:
    """« infirmier de bloc opératoire à Lyon »: not one IBODE offer, even with every condition relaxed; the
    related nurses are listed under their own heading, never as "N offres" of the asked occupation."""
    body = {
        "kind": "offers",
        "ids": ["3000001"],
        "applied": {"query": "infirmier de bloc opératoire", "place": "Lyon", "radius_km": 30},
        "results": [
            {"id": "3000001", "rank": 1, "title": "Infirmier (H/F)", "match": 70, "grade": "same_family"}
        ],
        "no_match": {"occupation": "Infirmier de bloc opératoire (IBODE)", "relaxed": [], "alternatives": 0},
    }
    answer = compose(TurnPlan("search", lang), [Outcome("search_offers", {}, body)], [])  # type: ignore[arg-type]
    lines = answer.splitlines()
    if lang == "fr":
        assert "Aucune offre de « Infirmier de bloc opératoire (IBODE) »" in lines[0]
        assert "ni même en élargissant" in lines[0] and "Les plus proches" not in answer
        assert lines[1] == "Métiers proches :"
    else:
        assert (
            lines[0].startswith("No “Infirmier de bloc opératoire (IBODE)” offer")
            and "even more widely" in lines[0]
        )
        assert lines[1] == "Related occupations:"
    assert lines[2].startswith("1. [3000001]") and "offre(s)" not in answer


def test_the_sentence_without_any_nearest_offer() -> None:
    from domain.search import GeoFilter, SearchFilters
    from services.no_match import describe_no_match
    from services.offer_search import NoMatch

    none = NoMatch(occupation="Infirmier de bloc opératoire (IBODE)", relaxed=[])
    assert describe_no_match(none, SearchFilters()) == (
        "Aucune offre d'Infirmier de bloc opératoire (IBODE) pour le moment."
    )
    lyon = GeoFilter(label="Lyon", lat=45.76, lon=4.83, radius_km=30)
    near = none.model_copy(update={"place": "Lyon", "radius_km": 30.0})
    assert describe_no_match(near, SearchFilters(geo=lyon), "en") == (
        "No Infirmier de bloc opératoire (IBODE) offer within 30 km of Lyon, even more widely."
    )


def test_nothing_of_the_occupation_and_nothing_related_says_so() -> None:
    body = {
        "kind": "offers",
        "ids": [],
        "applied": {"query": "infirmier de bloc opératoire", "place": "Lyon", "radius_km": 30},
        "results": [],
        "no_match": {"occupation": "Infirmier de bloc opératoire (IBODE)", "relaxed": [], "alternatives": 0},
    }
    answer = compose(TurnPlan("search", "fr"), [Outcome("search_offers", {}, body)], [])
    assert answer.startswith("Aucune offre de « Infirmier de bloc opératoire (IBODE) » ne correspond à")
    assert "ni même en élargissant" in answer
