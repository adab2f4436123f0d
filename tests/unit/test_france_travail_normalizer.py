from __future__ import annotations

import copy
from typing import Any

import pytest

from ingestion.offers.france_travail import (
    FranceTravailNormalizer,
    NormalizationError,
    clean_text,
    detect_remote,
    parse_experience_months,
    parse_salary,
)


def _normalizer() -> FranceTravailNormalizer:
    return FranceTravailNormalizer(
        normalize_skill=lambda label: "python" if label.lower() == "python" else None,
        extract_skills=lambda text: [("python", "Python")] if "python" in text.lower() else [],
        department_of_postcode=lambda pc: pc[:2],
    )


def test_real_offer_is_normalised(raw_offers: list[dict[str, Any]]) -> None:
    raw = next(o for o in raw_offers if o.get("competences") and o.get("lieuTravail", {}).get("latitude"))
    rec = _normalizer().normalize(raw)
    assert rec.external_id == raw["id"]
    assert rec.title == raw["intitule"].strip()
    assert rec.latitude == pytest.approx(raw["lieuTravail"]["latitude"])
    assert rec.contract_type == raw["typeContrat"]
    assert len([s for s in rec.skills if s.origin == "france_travail"]) == len(raw["competences"])
    assert {s.required for s in rec.skills if s.origin == "france_travail"} <= {True, False}
    assert rec.published_at.year >= 2022


def test_every_real_offer_normalises(raw_offers: list[dict[str, Any]]) -> None:
    norm = _normalizer()
    for raw in raw_offers:
        norm.normalize(raw)


def test_content_hash_is_stable_and_sensitive(raw_offers: list[dict[str, Any]]) -> None:
    norm = _normalizer()
    raw = raw_offers[0]
    assert norm.normalize(raw).content_hash() == norm.normalize(copy.deepcopy(raw)).content_hash()
    changed = copy.deepcopy(raw)
    changed["intitule"] += " (urgent)"
    assert norm.normalize(changed).content_hash() != norm.normalize(raw).content_hash()


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda o: o.pop("id"), "'id'"),
        (lambda o: o.update(intitule="   ", appellationlibelle=None), "'intitule'"),
        (lambda o: o.pop("dateCreation"), "'dateCreation'"),
        (lambda o: o.update(dateCreation="hier"), "date invalide"),
        (lambda o: o.update(lieuTravail={"latitude": 123.0, "longitude": 2.0}), "hors limites"),
        (lambda o: o.update(lieuTravail={"latitude": "abc", "longitude": 2.0}), "coordonnées invalides"),
        (lambda o: o.update(intitule=["liste"]), "texte attendu"),
    ],
)
def test_malformed_records_raise_with_reason(
    raw_offers: list[dict[str, Any]], mutation, message: str
) -> None:
    raw = copy.deepcopy(raw_offers[0])
    mutation(raw)
    with pytest.raises(NormalizationError, match=message):
        _normalizer().normalize(raw)


def test_empty_title_falls_back_to_the_offer_appellation(raw_offers: list[dict[str, Any]]) -> None:
    raw = copy.deepcopy(raw_offers[0])
    raw["intitule"] = ""
    assert _normalizer().normalize(raw).title == raw["appellationlibelle"]


def test_clean_text_strips_html_and_whitespace() -> None:
    assert (
        clean_text("<p>Bonjour&nbsp;<b>monde</b></p><br/>  Ligne   2\r\n\r\n\r\nFin")
        == "Bonjour monde\n\nLigne 2\n\nFin"
    )


@pytest.mark.parametrize(
    ("code", "label", "months"),
    [
        ("D", "Débutant accepté", 0),
        ("E", "2 An(s)", 24),
        ("E", "Expérience exigée de 3 An(s)", 36),
        ("E", "6 Mois", 6),
        ("E", "Expérience exigée", 12),
        ("S", "Expérience souhaitée", 0),
        (None, None, None),
    ],
)
def test_experience(code: str | None, label: str | None, months: int | None) -> None:
    assert parse_experience_months(code, label) == months


def test_salary_to_monthly() -> None:
    assert parse_salary("Mensuel de 2200.0 Euros à 4000.0 Euros sur 12.0 mois") == (2200.0, 4000.0)
    assert parse_salary("Annuel de 36000.0 Euros sur 12.0 mois") == (3000.0, None)
    lo, _ = parse_salary("Horaire de 11.88 Euros sur 12 mois")
    assert lo == pytest.approx(11.88 * 151.67, rel=1e-3)
    assert parse_salary("selon profil") == (None, None)


def test_remote_detection() -> None:
    assert detect_remote("2 jours de télétravail par semaine") is True
    assert detect_remote("Poste sans télétravail") is False
    assert detect_remote("Travail en atelier") is None


def test_description_skills_are_added_once() -> None:
    raw = {
        "id": "X1",
        "intitule": "Développeur Python",
        "description": "Vous codez en Python.",
        "dateCreation": "2025-11-13T10:00:00Z",
        "competences": [{"libelle": "Python", "exigence": "E", "code": "1"}],
    }
    rec = _normalizer().normalize(raw)
    assert [(s.key, s.required, s.origin) for s in rec.skills] == [("python", True, "france_travail")]
