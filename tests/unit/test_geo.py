"""Gazetteer behaviour on the real referential: names, codes, centroids, places in text."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import numpy as np
import pytest

from domain.errors import UnknownPlaceError
from domain.filters import haversine_km
from referentials.geo import Gazetteer, default_gazetteer, haversine_km_np

OFFERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(
    "name", ["saint etienne", "Saint-Étienne", "st etienne", "ST-ETIENNE", "Saint Étienne"]
)
def test_commune_spellings_resolve_to_saint_etienne(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name)
    assert (place.label, place.kind, place.departments) == ("Saint-Étienne", "commune", ("42",))


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Lyon 3e", "Lyon 3e Arrondissement"),
        ("Lyon 3ème", "Lyon 3e Arrondissement"),
        ("Paris 9e", "Paris 9e Arrondissement"),
        ("Marseille 1er", "Marseille 1er Arrondissement"),
        ("75 - PARIS 17", "Paris 17e Arrondissement"),
    ],
)
def test_arrondissements(gaz: Gazetteer, name: str, label: str) -> None:
    place = gaz.resolve(name)
    assert (place.label, place.kind) == (label, "arrondissement")
    assert place.radius_hint_km < gaz.resolve("Lyon").radius_hint_km


@pytest.mark.parametrize(
    ("code", "label"), [("75009", "Paris 9e Arrondissement"), ("69003", "Lyon 3e Arrondissement")]
)
def test_postcodes(gaz: Gazetteer, code: str, label: str) -> None:
    place = gaz.resolve(code)
    assert place.kind == "postcode"
    assert place.postcode == code
    assert label in place.label


@pytest.mark.parametrize(
    ("name", "label", "kind"),
    [
        ("Rhône", "Rhône", "departement"),
        ("69", "Rhône", "departement"),
        ("Nord", "Nord", "departement"),
        ("2A", "Corse-du-Sud", "departement"),
        ("971", "Guadeloupe", "departement"),
        ("Île-de-France", "Île-de-France", "region"),
        ("ile de france", "Île-de-France", "region"),
        ("PACA", "Provence-Alpes-Côte d'Azur", "region"),
        ("Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur", "region"),
        ("Nouvelle-Aquitaine", "Nouvelle-Aquitaine", "region"),
    ],
)
def test_departements_and_regions(gaz: Gazetteer, name: str, label: str, kind: str) -> None:
    place = gaz.resolve(name)
    assert (place.label, place.kind) == (label, kind)


def test_region_covers_its_departements_and_has_a_wide_radius(gaz: Gazetteer) -> None:
    idf = gaz.resolve("Île-de-France")
    assert set(idf.departments) == {"75", "77", "78", "91", "92", "93", "94", "95"}
    assert idf.radius_hint_km > gaz.resolve("Rhône").radius_hint_km > gaz.resolve("Lyon").radius_hint_km
    # population-weighted: the centroid of Île-de-France lies within 15 km of Paris
    paris = gaz.resolve("Paris")
    assert haversine_km(idf.lat, idf.lon, paris.lat, paris.lon) < 15


def test_shared_name_means_the_most_populous_unless_a_departement_is_given(gaz: Gazetteer) -> None:
    assert gaz.resolve("Valence").departments == ("26",)
    assert gaz.resolve("Saint-Denis (93)").departments == ("93",)
    assert gaz.resolve("Saint-Denis 974").departments == ("974",)


def test_real_centroids_give_sensible_distances(gaz: Gazetteer) -> None:
    lyon, villeurbanne, marseille = gaz.resolve("Lyon"), gaz.resolve("Villeurbanne"), gaz.resolve("Marseille")
    assert haversine_km(lyon.lat, lyon.lon, villeurbanne.lat, villeurbanne.lon) < 10
    assert haversine_km(lyon.lat, lyon.lon, marseille.lat, marseille.lon) > 250


def test_vectorised_distance_matches_the_scalar_one(gaz: Gazetteer) -> None:
    lyon = gaz.resolve("Lyon")
    others = [gaz.resolve(n) for n in ("Villeurbanne", "Marseille", "Lille", "Brest")]
    lats, lons = np.array([p.lat for p in others]), np.array([p.lon for p in others])
    expected = [haversine_km(lyon.lat, lyon.lon, p.lat, p.lon) for p in others]
    np.testing.assert_allclose(haversine_km_np(lyon.lat, lyon.lon, lats, lons), expected, rtol=1e-9)


def test_unknown_place_raises_with_suggestions(gaz: Gazetteer) -> None:
    with pytest.raises(UnknownPlaceError) as err:
        gaz.resolve("Lyonn")
    assert "Lyon" in err.value.suggestions
    assert len(err.value.suggestions) <= 3
    assert "Lieu inconnu" in str(err.value)


def test_lookup_is_exact_only(gaz: Gazetteer) -> None:
    assert gaz.lookup("Lyonn") is None
    assert gaz.lookup("") is None
    assert gaz.lookup("Lille") is not None


@pytest.mark.parametrize(
    ("postcode", "department"),
    [("69003", "69"), ("20090", "2A"), ("20200", "2B"), ("97400", "974"), ("1234", None)],
)
def test_department_of_postcode(gaz: Gazetteer, postcode: str, department: str | None) -> None:
    assert gaz.department_of_postcode(postcode) == department


def test_department_name(gaz: Gazetteer) -> None:
    assert gaz.department_name("69") == "Rhône"
    assert gaz.department_name("2b") == "Haute-Corse"
    assert gaz.department_name("00") is None


@pytest.mark.parametrize(
    ("text", "surface", "label", "kind"),
    [
        ("cariste en intérim près de Lille", "Lille", "Lille", "commune"),
        ("développeur python à 20 km de Nantes", "Nantes", "Nantes", "commune"),
        ("un poste en Île-de-France", "Île-de-France", "Île-de-France", "region"),
        ("vendeur à Lyon 3e", "Lyon 3e", "Lyon 3e Arrondissement", "arrondissement"),
        ("magasinier 69003", "69003", "Lyon 3e Arrondissement (69003)", "postcode"),
        ("dev python lyon", "lyon", "Lyon", "commune"),
        ("poste basé au Mans", "Mans", "Le Mans", "commune"),
        ("chauffeur dans le Nord", "Nord", "Nord", "departement"),
        ("maçon à Mâcon", "Mâcon", "Mâcon", "commune"),
        ("Auxiliaire de vie - Tonneins (H/F)", "Tonneins", "Tonneins", "commune"),
    ],
)
def test_find_in_text(gaz: Gazetteer, text: str, surface: str, label: str, kind: str) -> None:
    found = gaz.find_in_text(text)
    assert [(text[s:e], p.label, p.kind) for s, e, p in found] == [(surface, label, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "Agent de service",
        "Vendeur en boulangerie",
        "Chef de partie",
        "Chef de Rang",
        "Sens du service et esprit d'équipe",
        "Technicien de maintenance (H/F)",
        "Salaire : 35000 € brut annuel",
        "réunion d'équipe hebdomadaire",
        "Vente de pièces auto, travail sur place",
    ],
)
def test_ordinary_words_are_not_places(gaz: Gazetteer, text: str) -> None:
    assert gaz.find_in_text(text) == []


def test_bare_arrondissement_number_needs_to_end_the_name(gaz: Gazetteer) -> None:
    found = gaz.find_in_text("à Lyon 3 jours par semaine")
    assert [p.label for _, _, p in found] == ["Lyon"]


# Titles of the 200-offer sample (seed 0) that really name a place.
_TITLES_WITH_PLACES = {
    "Comptable gestion locative - VERSAILLES (H/F)": ["Versailles"],
    "Data Scientist NLP & LLM - Paris (H/F)": ["Paris"],
    "Expert Business Intelligence F/H - Rennes (H/F)": ["Rennes"],
    "Administrateur Système  Windows confirmé - Toulouse - CDD  - F/H - MiPih - Toulouse (H/F)": [
        "Toulouse",
        "Toulouse",
    ],
}


@pytest.mark.skipif(not OFFERS.exists(), reason="needs ../shared/data/offers")
def test_no_place_in_real_job_titles_except_true_ones(gaz: Gazetteer) -> None:
    with gzip.open(OFFERS, "rt", encoding="utf-8") as fh:
        offers = [json.loads(line) for line in fh]
    sample = random.Random(0).sample(offers, 200)
    found = {o["intitule"]: [p.label for _, _, p in gaz.find_in_text(o["intitule"])] for o in sample}
    assert {t: labels for t, labels in found.items() if labels} == _TITLES_WITH_PLACES


def test_loads_from_an_explicit_folder() -> None:
    folder = Path(__file__).resolve().parents[2] / "data" / "referentials" / "geo"
    gaz = Gazetteer(folder).load()
    assert gaz.resolve("Lille").departments == ("59",)
