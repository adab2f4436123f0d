"""French CVs as new users send them (issue 14): a PDF with a sidebar, a DOCX laid out in a table, plain
text; care, logistics, catering and social-work trades. Each test is one symptom of the issue."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from fpdf import FPDF

from cv import ParsedCV, parse_cv, parse_cv_text
from cv.extract import extract_text
from cv.occupation import job_query

TODAY = date(2025, 6, 1)


def sidebar_pdf(sidebar: list[str], main: list[str], sidebar_x: float = 10, main_x: float = 75) -> bytes:
    """A one-page PDF: a narrow column of sections beside the main column, on the same line pitch."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    for x, lines, size in ((sidebar_x, sidebar, 9), (main_x, main, 10.5)):
        pdf.set_font("Helvetica", size=size)
        for i, line in enumerate(lines):
            pdf.text(x, 20 + i * 6, line)
    return bytes(pdf.output())


SIDEBAR = [
    "CONTACT",
    "manon.bonnet@example.fr",
    "06 12 34 56 78",
    "Grenoble (38)",
    "",
    "COMPÉTENCES",
    "Soins d'hygiène et de confort",
    "Prise des constantes",
    "Transmissions ciblées",
    "Bionettoyage",
    "",
    "LANGUES",
    "Anglais : courant (B2)",
    "Espagnol : notions",
]
MAIN = [
    "Manon Bonnet",
    "Aide-soignante",
    "",
    "EXPÉRIENCE PROFESSIONNELLE",
    "EHPAD Les Tilleuls, Grenoble",
    "Aide-soignante",
    "janv. 2019 – aujourd'hui",
    "Soins d'hygiène et de confort des résidents",
    "",
    "Clinique du Parc, Échirolles",
    "Agent de service hospitalier",
    "09/2016 à 06/2018",
    "",
    "FORMATION",
    "Diplôme d'État d'aide-soignant (DEAS)",
    "IFAS de Grenoble, 2015 – 2016",
    "Bac ST2S, Lycée Mounier, 2012 – 2015",
]

CARISTE_TXT = """Karim Haddad    karim.haddad@example.fr    07 11 22 33 44    Ivry-sur-Seine

EXPÉRIENCES
Messagerie Rapide Vierzon — depuis mars 2021
Cariste
Chargement et déchargement des camions, conduite de chariots élévateurs
Ivry-sur-Seine, De 2012 à 2014
Préparateur de commandes

MON PARCOURS SCOLAIRE
CAP Opérateur logistique, Lycée Jean Moulin, 2010 – 2012

PERMIS ET CERTIFICATS
CACES R489 cat. 3, permis C, FIMO, HACCP, habilitation électrique H0B0

LANGUES
Arabe : langue maternelle ; Anglais : courant (B2)
"""


def docx_table_cv() -> bytes:
    """A two-cell layout table: contact and skills on the left, the career on the right."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = "Sophie Leroy\nsophie.leroy@example.fr\n06 98 76 54 32\n33000 Bordeaux\n\nCOMPÉTENCES\nHACCP\nDressage des assiettes\nCuisine traditionnelle\nGestion des stocks"
    right.text = (
        "Cuisinière\n\nEXPÉRIENCE\nRestaurant Le Bistrot, Bordeaux\nCuisinière\n09/2016 à 06/2019\n"
        "Brasserie du Port, Arcachon\nCommis de cuisine\nDe 2014 à 2016\n\nFORMATION\nCAP Cuisine, 2012 – 2014"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def aide_soignante() -> ParsedCV:
    return parse_cv(sidebar_pdf(SIDEBAR, MAIN), "manon.pdf", today=TODAY)


@pytest.fixture(scope="module")
def cariste() -> ParsedCV:
    return parse_cv_text(CARISTE_TXT, today=TODAY)


@pytest.fixture(scope="module")
def cuisiniere() -> ParsedCV:
    return parse_cv(docx_table_cv(), "sophie.docx", today=TODAY)


def test_sidebar_pdf_keeps_its_experience_and_reads_the_main_column_header_first(
    aide_soignante: ParsedCV,
) -> None:
    text = extract_text(sidebar_pdf(SIDEBAR, MAIN), "cv.pdf").text
    lines = [line for line in text.split("\n") if line]
    assert lines[:2] == ["Manon Bonnet", "Aide-soignante"]
    assert "EXPÉRIENCE PROFESSIONNELLE" in lines and "COMPÉTENCES" in lines  # headings on lines of their own
    profile = aide_soignante.profile
    assert [(e.title, e.period.months) for e in profile.experiences] == [
        ("Aide-soignante", 78),
        ("Agent de service hospitalier", 22),
    ]
    assert profile.total_experience_years == 8.3  # 2015 – 2016 and 2012 – 2015 are school years


def test_title_is_the_job_never_the_employer_nor_the_town(
    aide_soignante: ParsedCV, cariste: ParsedCV
) -> None:
    assert aide_soignante.profile.title == "Aide-soignante"
    assert cariste.profile.title == "Cariste"
    assert [e.title for e in cariste.profile.experiences] == ["Cariste", "Préparateur de commandes"]


def test_school_years_are_not_experience_even_under_a_heading_the_parser_misses(cariste: ParsedCV) -> None:
    # "MON PARCOURS SCOLAIRE" is no known heading: "2010 – 2012" sits in the experience part.
    assert cariste.profile.total_experience_years == round((52 + 24) / 12, 1)


def test_care_skills_and_diplomas_are_found(aide_soignante: ParsedCV) -> None:
    keys = set(aide_soignante.profile.skill_keys)
    assert {
        "soins-hygiene-confort",
        "prise-constantes",
        "transmissions-ciblees",
        "bionettoyage",
        "deas",
    } <= keys


def test_licences_are_found(cariste: ParsedCV) -> None:
    keys = set(cariste.profile.skill_keys)
    assert {"caces-r489", "permis-c", "fimo", "haccp", "habilitation-electrique", "conduite-chariot"} <= keys
    assert "transport-marchandises" not in keys  # "Messagerie Rapide Vierzon" is an employer


def test_catering_docx_table(cuisiniere: ParsedCV) -> None:
    profile = cuisiniere.profile
    assert profile.title == "Cuisinière"
    assert {"haccp", "dressage-assiettes", "cuisine-traditionnelle"} <= set(profile.skill_keys)
    assert profile.total_experience_years == round((34 + 24) / 12, 1)
    assert profile.education_level == "cap_bep"
    assert profile.location is not None and profile.location.label == "Bordeaux"


def test_cecrl_level_is_kept_as_written(aide_soignante: ParsedCV, cariste: ParsedCV) -> None:
    levels = {lang.language: lang.level for lang in aide_soignante.profile.languages}
    assert levels == {"anglais": "B2", "espagnol": "A2"}
    assert {lang.language: lang.level for lang in cariste.profile.languages} == {
        "arabe": "native",
        "anglais": "B2",
    }


def test_name_beside_the_contact_block_is_found(cariste: ParsedCV) -> None:
    assert cariste.personal.name is not None and cariste.personal.name.value == "Karim Haddad"
    assert "Karim" not in cariste.text and "Haddad" not in cariste.text


def test_name_printed_with_the_city_does_not_swallow_it() -> None:
    parsed = parse_cv_text(
        "Manon Bonnet Grenoble\nmanon.b@example.fr | 06 12 34 56 78\nAide-soignante\n\n"
        "EXPÉRIENCE\nAide-soignante, EHPAD Les Lilas, 2019 – 2023\n",
        today=TODAY,
    )
    assert parsed.personal.name is not None and parsed.personal.name.value == "Manon Bonnet"
    assert "Grenoble" in parsed.text  # redacting the name leaves the town
    assert parsed.profile.location is not None and parsed.profile.location.label == "Grenoble"


def test_name_found_after_a_sidebar(aide_soignante: ParsedCV) -> None:
    assert aide_soignante.personal.name is not None and aide_soignante.personal.name.value == "Manon Bonnet"
    assert aide_soignante.profile.location is not None and aide_soignante.profile.location.label == "Grenoble"


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("janv. 2019 – aujourd'hui", 78),
        ("depuis mars 2021", 52),
        ("09/2016 à 06/2019", 34),
        ("De 2012 à 2014", 24),
    ],
)
def test_french_date_forms(text: str, months: int) -> None:
    parsed = parse_cv_text(f"EXPÉRIENCE\nCariste\n{text}\n", today=TODAY)
    assert [e.period.months for e in parsed.profile.experiences] == [months]


def test_target_rome_codes_with_confidence(aide_soignante: ParsedCV, cariste: ParsedCV) -> None:
    best = aide_soignante.profile.target_occupations[0]
    assert (best.code, best.label) == ("J1501", "Aide-soignant / Aide-soignante")
    assert 0.5 < best.confidence <= 1
    assert cariste.profile.rome_codes[0] == "N1101"
    assert len(cariste.profile.rome_codes) <= 3


def test_stated_target_job_is_the_title() -> None:
    parsed = parse_cv_text(
        "Julie Martin\njulie@example.fr\n\nPoste recherché : Auxiliaire de puériculture\n\n"
        "EXPÉRIENCE\nAgent de service hospitalier, CHU de Nantes, 2019 – 2023\n",
        today=TODAY,
    )
    assert parsed.profile.title == "Auxiliaire de puériculture"
    assert parsed.profile.rome_codes[0] == "J1304"


def test_job_query_spells_out_short_forms() -> None:
    assert job_query("Chauffeur PL (H/F) confirmé") == "Chauffeur poids lourd"
    assert job_query("ASH") == "agent de service hospitalier"


def test_skills_list_items_known_to_rome_or_esco_only() -> None:
    parsed = parse_cv_text(
        "Lucas Petit\nlucas@example.fr\nPlombier\n\nCOMPÉTENCES\nDépannage\nPrise de rendez-vous\nXylophone bleu\n"
        "\nCENTRES D'INTÉRÊT\nFootball\n",
        today=TODAY,
    )
    labels = [s.label for s in parsed.profile.skills]
    assert "Dépannage" in labels and "Prise de rendez-vous" in labels
    assert "Xylophone bleu" not in labels  # no referential names it
    assert "Football" not in labels  # an interest, not a skills-list item
    assert "COMPÉTENCES" not in labels


def test_joined_headings_open_the_first_section() -> None:
    from cv.sections import heading_kind

    assert heading_kind("FORMATIONS / DIPLÔMES") == "education"
    assert heading_kind("Langues & Informatique") == "languages"
    assert heading_kind("Formation et nous") is None


def test_a_bullet_is_no_part_of_a_listed_skill() -> None:
    parsed = parse_cv_text(
        "Julie Martin\njulie@example.fr\nCariste\n\nCOMPÉTENCES\n- scanner\n• Dépannage\n* Prise de rendez-vous\n",
        today=TODAY,
    )
    labels = [s.label for s in parsed.profile.skills]
    assert "Dépannage" in labels and "Prise de rendez-vous" in labels
    assert not [label for label in labels if label[:1] in "-•*"], labels
    scanner = next(s for s in parsed.profile.skills if s.key == "scanner")
    assert scanner.evidence.surface == "scanner"
