"""Skill taxonomy and ROME referential behaviour on the real data files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from referentials.taxonomy import SkillTaxonomy, default_skill_taxonomy
from referentials.taxonomy.rome import RomeReferential, default_rome, gendered_forms

REFERENTIALS = Path(__file__).resolve().parents[2] / "data" / "referentials"


@pytest.fixture(scope="module")
def tax() -> SkillTaxonomy:
    return default_skill_taxonomy()


@pytest.fixture(scope="module")
def rome() -> RomeReferential:
    return default_rome()


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Python", "python"),
        ("JS", "javascript"),
        ("ECMAScript", "javascript"),
        ("Postgres", "postgresql"),
        ("psql", "postgresql"),
        ("k8s", "kubernetes"),
        ("C sharp", "csharp"),
        ("C#", "csharp"),
        ("cpp", "cpp"),
        ("nodejs", "nodejs"),
        ("Node JS", "nodejs"),
        ("ReactJS", "react"),
        ("machine learning", "machine-learning"),
        ("apprentissage automatique", "machine-learning"),
        ("ML", "machine-learning"),
        ("APIs", "api"),
        ("Dockers", "docker"),
        ("langage C", "c"),
        ("gestion de projets", "gestion-de-projet"),
        ("CACES R489", "caces-r489"),
        ("permis poids lourd", "permis-c"),
        ("HACCP", "haccp"),
        ("utiliser un chariot élévateur", "utiliser-un-chariot-elevateur"),
        ("gestion-de-projet", "gestion-de-projet"),
    ],
)
def test_normalize(tax: SkillTaxonomy, label: str, key: str) -> None:
    assert tax.normalize(label) == key


def test_unknown_skill_is_none(tax: SkillTaxonomy) -> None:
    assert tax.normalize("zorglub") is None
    assert tax.normalize("") is None


@pytest.mark.parametrize(
    ("typo", "key"),
    [("pyhton", "python"), ("kubernets", "kubernetes"), ("docekr", "docker"), ("angualr", "angular")],
)
def test_typos_on_tech_skills(tax: SkillTaxonomy, typo: str, key: str) -> None:
    assert tax.normalize(typo) is None
    assert tax.normalize_fuzzy(typo) == key


@pytest.mark.parametrize("word", ["lava", "jav", "pithon rouge", "cuisine"])
def test_fuzzy_matching_is_strict(tax: SkillTaxonomy, word: str) -> None:
    assert tax.normalize_fuzzy(word) is None


def test_keys_are_slugs_and_labels_are_canonical(tax: SkillTaxonomy) -> None:
    assert (tax.label("python"), tax.label("postgresql"), tax.label("csharp")) == (
        "Python",
        "PostgreSQL",
        "C#",
    )
    assert tax.label(tax.normalize("utiliser un chariot élévateur") or "") == "utiliser un chariot élévateur"
    assert tax.is_tech("python")
    assert not tax.is_tech("utiliser-un-chariot-elevateur")
    assert (
        tax.esco_uri(
            "python",
        )
        is not None
    )  # ESCO "Python" merged into the tech key
    for key in ("python", "cpp", "csharp", "nodejs", "dotnet", "caces-r489", "gestion-de-projet"):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)
        assert key in tax
    with pytest.raises(KeyError):
        tax.label("no-such-skill")


def _mentions(tax: SkillTaxonomy, text: str) -> list[tuple[str, str]]:
    found = tax.extract(text)
    for m in found:
        assert text[m.start : m.end] == m.surface
    return [(m.key, m.surface) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Développeur C/C++ embarqué, Python et Go",
            [("c", "C"), ("cpp", "C++"), ("python", "Python"), ("go", "Go")],
        ),
        ("JavaScript et Java", [("javascript", "JavaScript"), ("java", "Java")]),
        ("PostgreSQL et SQL Server", [("postgresql", "PostgreSQL"), ("sql-server", "SQL Server")]),
        ("C#/.NET Core, ASP.NET", [("csharp", "C#"), ("dotnet", ".NET Core"), ("aspnet", "ASP.NET")]),
        ("Node.js, React.js et Vue.js", [("nodejs", "Node.js"), ("react", "React.js"), ("vuejs", "Vue.js")]),
        ("outils : Excel, Word, Access", [("excel", "Excel"), ("word", "Word"), ("access", "Access")]),
        ("Maîtrise du langage C et de R", [("c", "C"), ("r", "R")]),
        ("CACES R489 catégorie 3, permis B", [("caces-r489", "CACES R489"), ("permis-b", "permis B")]),
        ("dataviz sous Tableau", [("data-visualisation", "dataviz"), ("tableau", "Tableau")]),
    ],
)
def test_extract_tech_skills(tax: SkillTaxonomy, text: str, expected: list[tuple[str, str]]) -> None:
    assert _mentions(tax, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "C'est un poste en R&D avec 16 Go de RAM",
        "Chef de partie, chef de cuisine",
        "Société XYZ SAS au capital de 10 000 €",
        "sage-femme diplômée d'État",
        "Tableau de bord mensuel",
        "Contactez vite votre agence",
        "Caces R 485 et 489",
    ],
)
def test_ambiguous_words_are_not_skills_out_of_context(tax: SkillTaxonomy, text: str) -> None:
    keys = [key for key, _ in _mentions(tax, text)]
    assert not {"c", "r", "go", "sas", "sage", "tableau", "vite", "chef-infra"} & set(keys)


def test_extract_esco_phrases_in_singular_or_plural(tax: SkillTaxonomy) -> None:
    text = "Vous savez travailler en équipe et assurer la gestion de projets."
    assert ("travailler-en-equipe", "travailler en équipe") in _mentions(tax, text)
    assert ("gestion-de-projet", "gestion de projets") in _mentions(tax, text)


def test_loads_from_an_explicit_folder() -> None:
    tax = SkillTaxonomy(REFERENTIALS).load()
    assert tax.normalize("PostgreSQL") == "postgresql"


def test_gendered_forms() -> None:
    assert gendered_forms("Conducteur / Conductrice d'engins agricoles") == [
        "Conducteur d'engins agricoles",
        "Conductrice d'engins agricoles",
    ]
    assert gendered_forms("Cariste") == ["Cariste"]


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("cariste", "N1101"),
        ("aide-soignant", "J1501"),
        ("Aide-soignante (H/F)", "J1501"),
        ("comptable", "M1203"),
        ("Serveur / Serveuse", "G1803"),
        ("Administrateur système et réseaux (H/F)", "M1801"),
    ],
)
def test_find_codes_exact_titles(rome: RomeReferential, title: str, code: str) -> None:
    best = rome.find_codes(title)[0]
    assert best[0] == code
    assert best[2] >= 0.99


def test_a_generic_word_is_not_the_appellation_whose_bracket_it_lost(rome: RomeReferential) -> None:
    # « Directeur / Directrice (IFSI) » is a short form; without its bracket it is any director
    for generic in ("Directeur", "directrice", "Conseiller", "conseillère"):
        assert all(score < 0.99 for _code, _label, score in rome.find_codes(generic)), generic
    assert rome.find_codes("Directrice IFSI")[0][:2] == (
        "K2120",
        "Directeur / Directrice d'institut de formation en soins infirmiers (IFSI)",
    )
    assert rome.find_codes("Conseiller IARD")[0][0] == "C1102"


def test_find_codes_by_overlap_and_typos(rome: RomeReferential) -> None:
    assert rome.family(rome.find_codes("développeur python")[0][0]) == "M18"
    assert rome.family(rome.find_codes("devloppeur web")[0][0]) == "M18"
    code, appellation, score = rome.find_codes("je cherche un poste de cariste en intérim")[0]
    assert (code, appellation) == ("N1101", "Cariste")
    assert 0 < score < 1


def test_rome_labels_and_families(rome: RomeReferential) -> None:
    assert rome.label("M1805") == "Développeur / Développeuse informatique"
    assert rome.label("Z9999") is None
    assert rome.family("m1805") == "M18"
    assert "Cariste" in rome.appellations("N1101")
    assert len(rome.codes()) == 1584
    with pytest.raises(ValueError, match="Code ROME invalide"):
        rome.family("cariste")
