"""CV structuring: generated French CVs (PDF, two-column PDF, DOCX, TXT) with exact fields, English
CVs, personal data kept apart, and the real English corpus (spot checks and field coverage)."""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from cv import ParsedCV, parse_cv, parse_cv_text
from cv.dates import find_date_ranges, merged_months
from cv.text_clean import normalize_text
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from tests.conftest import report_line

TODAY = date(2025, 6, 1)


def _resumes_dir() -> Path:
    """shared/data/resumes: in the checkout, beside it (CI), or the workplace's shared folder."""
    root = Path(__file__).resolve().parents[2]
    for base in (root / "shared", root.parent / "shared", Path("/work/shared")):
        if (base / "data" / "resumes").is_dir():
            return base / "data" / "resumes"
    return root.parent / "shared" / "data" / "resumes"


DATA = _resumes_dir()
REAL_PDFS = DATA / "pdf"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data/resumes is not beside the checkout")


def pdf_bytes(pages: list[list[tuple[float, float, str]]]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_font("Helvetica", size=10.5)
    for placed in pages:
        pdf.add_page()
        for x, y, text in placed:
            pdf.text(x, y, text)
    return bytes(pdf.output())


def flow(x: float, y: float, lines: list[str], step: float = 6.0) -> list[tuple[float, float, str]]:
    return [(x, y + i * step, line) for i, line in enumerate(lines)]


# Marie Dupont: one-column PDF, dates right-aligned on the title's row (a common template).
MARIE_LEFT = [
    "Marie DUPONT",
    "Développeuse Python senior",
    "12 rue de la République, 69002 Lyon",
    "marie.dupont@example.fr - 06 12 34 56 78",
    "linkedin.com/in/marie-dupont",
    "Recherche un CDI, télétravail 2 jours par semaine",
    "",
    "PROFIL",
    "Développeuse backend, j'aime concevoir des API robustes et bien testées.",
    "",
    "EXPÉRIENCES PROFESSIONNELLES",
    "Développeuse Python senior - Acme Logiciels, Lyon",
    "• Conception d'API REST avec Django et FastAPI",
    "• Migration vers PostgreSQL et Docker",
    "Développeuse Python - Datapolis, Villeurbanne",
    "• Pipelines de données avec Pandas et SQL",
    "Stagiaire développeuse - WebAgence, Lyon",
    "",
    "FORMATION",
    "Master Informatique - Université Lyon 1",
    "Licence Informatique - Université Lyon 1",
    "",
    "COMPÉTENCES",
    "Python, Django, FastAPI, PostgreSQL, Docker, Git, SQL",
    "",
    "LANGUES",
    "Français : langue maternelle",
    "Anglais : courant (C1)",
    "Espagnol : notions",
    "",
    "CENTRES D'INTÉRÊT",
    "Escalade, photographie",
]
MARIE_DATES = {
    11: "janv. 2020 – aujourd’hui",
    14: "03/2017 - 12/2019",
    16: "2016 - 2017",
    19: "2016",
    20: "2014",
}


def marie_pdf() -> bytes:
    placed = flow(20, 20, MARIE_LEFT)
    placed += [(150.0, 20 + 6.0 * row, dates) for row, dates in MARIE_DATES.items()]
    return pdf_bytes([[p for p in placed if p[2]]])


# Thomas Martin: two-column PDF, a sidebar (contact, skills, languages) beside the main column.
THOMAS_SIDEBAR = [
    "CONTACT",
    "thomas.martin@example.com",
    "07 98 76 54 32",
    "Nantes (44)",
    "COMPÉTENCES",
    "Kubernetes",
    "Terraform",
    "Ansible",
    "Linux",
    "AWS",
    "Jenkins",
    "LANGUES",
    "Anglais B2",
    "Allemand A2",
]
THOMAS_MAIN = [
    "PROFIL",
    "Ingénieur DevOps, j'automatise l'infrastructure",
    "et les déploiements d'applications critiques.",
    "EXPÉRIENCE",
    "Ingénieur DevOps - CloudNova",
    "Depuis mars 2021",
    "• Automatisation des déploiements sur Kubernetes",
    "• Infrastructure as code avec Terraform",
    "Administrateur systèmes Linux - Hexaserv",
    "sept. 2016 - févr. 2021",
    "• Supervision et astreintes sur 300 serveurs",
    "FORMATION",
    "Diplôme d'ingénieur - École Centrale de Nantes, 2016",
]


def thomas_pdf() -> bytes:
    banner = [(72.0, 15.0, "Thomas MARTIN - Ingénieur DevOps")]
    return pdf_bytes([banner + flow(12, 32, THOMAS_SIDEBAR, 7.1) + flow(78, 32, THOMAS_MAIN, 5.7)])


def sophie_docx() -> bytes:
    """Sophie Bernard: DOCX with a skills table, overlapping jobs, a contract wish."""
    document = docx.Document()
    for line in [
        "Sophie BERNARD",
        "Comptable confirmée",
        "sophie.bernard@example.fr | +33 6 11 22 33 44",
        "8 avenue Thiers, 33100 Bordeaux",
        "Disponible immédiatement, en CDI ou CDD",
        "Expérience",
        "Comptable unique – Cabinet Durand (Bordeaux) | 2018 – 2024",
        "Tenue de la comptabilité de 40 clients, déclarations de TVA.",
        "Formatrice comptabilité (mi-temps) – GRETA | 2020 – 2022",
        "Assistante comptable – Fiducial | 2014 – 2018",
        "Formation",
        "DCG (Bac+3) – INTEC, 2014",
        "BTS Comptabilité et gestion – Lycée Montesquieu, 2012",
        "Compétences",
    ]:
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate(
        [("Logiciels", "Sage, Cegid, Excel"), ("Domaines", "Fiscalité, paie"), ("Outils", "Pack Office")]
    ):
        table.cell(row, 0).text = left
        table.cell(row, 1).text = right
    document.add_paragraph("Langues")
    document.add_paragraph("Anglais : intermédiaire (B1)")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


KARIM_TXT = """Karim BENALI
Cariste - Magasinier
karim.benali@example.org / 06.45.67.89.01
59000 Lille
Recherche une mission d'intérim ou un CDI, permis B

EXPÉRIENCE
Depuis 2019 : Cariste chez XPO Logistics (Lesquin)
Chargement et déchargement des camions, CACES 1, 3 et 5.
2015 - 2019 : Préparateur de commandes chez Logista
De 2012 à 2015 : Manutentionnaire, Intermarché

FORMATION
Bac pro Logistique, 2012
CAP Agent d'entreposage, 2010

COMPÉTENCES
CACES, gestion de stock, préparation de commandes

LANGUES
Arabe : bilingue
Anglais : scolaire
"""


@pytest.fixture(scope="module")
def referentials() -> dict[str, object]:
    return {"taxonomy": default_skill_taxonomy(), "gazetteer": default_gazetteer(), "today": TODAY}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, referentials: dict) -> dict[str, ParsedCV]:
    folder = tmp_path_factory.mktemp("cvs")
    files = {
        "marie.pdf": marie_pdf(),
        "thomas.pdf": thomas_pdf(),
        "sophie.docx": sophie_docx(),
        "karim.txt": KARIM_TXT.encode("cp1252"),
    }
    parsed = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        parsed[name.split(".")[0]] = parse_cv(folder / name, **referentials)
    return parsed


def titles(cv: ParsedCV) -> list[tuple[str, int, bool]]:
    return [(e.title, e.period.months, e.current) for e in cv.profile.experiences]


def test_one_column_pdf(corpus: dict[str, ParsedCV]) -> None:
    cv = corpus["marie"]
    profile = cv.profile
    assert cv.source_format == "pdf"
    assert profile.title == "Développeuse Python senior"
    assert titles(cv) == [
        ("Développeuse Python senior", 66, True),
        ("Développeuse Python", 34, False),
        ("Stagiaire développeuse", 12, False),
    ]
    assert profile.total_experience_years == 9.3  # 66 + 34 + 12 months
    assert {"python", "django", "fastapi", "postgresql", "docker", "git", "sql", "pandas"} <= set(
        profile.skill_keys
    )
    assert [(lang.language, lang.level) for lang in profile.languages] == [
        ("français", "native"),
        ("anglais", "C1"),
        ("espagnol", "A2"),
    ]
    assert profile.education_level == "bac+5"
    assert profile.location is not None
    assert (profile.location.label, profile.location.department, profile.location.postcode) == (
        "Lyon",
        "69",
        "69002",
    )
    assert [w.contract for w in profile.contract_wishes] == ["CDI"]
    assert profile.remote_wish is not None
    assert profile.remote_wish.wish == "hybrid"
    assert profile.summary is not None
    assert profile.summary.text.startswith("Développeuse backend")


def test_two_column_pdf(corpus: dict[str, ParsedCV]) -> None:
    cv = corpus["thomas"]
    profile = cv.profile
    assert profile.title == "Ingénieur DevOps"
    assert profile.headline is not None
    assert profile.headline.text == "Ingénieur DevOps"  # beside the name in the banner
    assert titles(cv) == [("Ingénieur DevOps", 52, True), ("Administrateur systèmes Linux", 54, False)]
    assert profile.total_experience_years == 8.8
    assert {"kubernetes", "terraform", "ansible", "linux", "aws", "jenkins"} <= set(profile.skill_keys)
    assert [(lang.language, lang.level) for lang in profile.languages] == [
        ("anglais", "B2"),
        ("allemand", "A2"),
    ]
    assert profile.education_level == "bac+5"
    assert profile.location is not None
    assert profile.location.label == "Nantes"
    assert profile.location.department == "44"
    assert cv.personal.name is not None
    assert cv.personal.name.value == "Thomas MARTIN"


def test_docx_with_skills_table(corpus: dict[str, ParsedCV]) -> None:
    cv = corpus["sophie"]
    profile = cv.profile
    assert cv.source_format == "docx"
    assert profile.title == "Comptable confirmée"  # no current job: the headline
    assert titles(cv) == [
        ("Comptable unique", 72, False),
        ("Formatrice comptabilité", 24, False),
        ("Assistante comptable", 48, False),
    ]
    assert profile.total_experience_years == 10.0  # the part-time job overlaps: counted once
    skills = {s.key: s for s in profile.skills}
    assert {"sage", "cegid", "excel", "pack-office"} <= set(skills)
    assert skills["sage"].in_skills_section
    assert [(lang.language, lang.level) for lang in profile.languages] == [("anglais", "B1")]
    assert profile.education_level == "bac+3"
    assert profile.location is not None
    assert profile.location.label == "Bordeaux"
    assert profile.location.postcode == "33100"
    assert [w.contract for w in profile.contract_wishes] == ["CDI", "CDD"]


def test_cp1252_text_file(corpus: dict[str, ParsedCV]) -> None:
    cv = corpus["karim"]
    profile = cv.profile
    assert cv.warnings[0] == "Encodage détecté : cp1252."
    assert profile.title == "Cariste"
    assert titles(cv) == [
        ("Cariste", 78, True),
        ("Préparateur de commandes", 48, False),
        ("Manutentionnaire", 36, False),
    ]
    assert profile.total_experience_years == 13.5
    assert "caces" in profile.skill_keys
    assert [(lang.language, lang.level) for lang in profile.languages] == [("arabe", "C2"), ("anglais", "A2")]
    assert profile.education_level == "bac"
    assert profile.location is not None
    assert profile.location.label == "Lille"
    assert [w.contract for w in profile.contract_wishes] == ["interim", "CDI"]


@pytest.mark.parametrize("name", ["marie", "thomas", "sophie", "karim"])
def test_personal_data_is_kept_apart(corpus: dict[str, ParsedCV], name: str) -> None:
    cv = corpus[name]
    personal = cv.personal
    assert personal.name is not None
    assert personal.email is not None
    assert personal.phone is not None
    secrets = [personal.email, personal.phone, *personal.name.value.split()]
    if personal.linkedin:
        secrets.append(personal.linkedin.value)
    if personal.address:
        secrets.append(personal.address.value)
    for secret in secrets:
        assert secret.lower() not in cv.text.lower()
        assert secret.lower() not in cv.profile.search_text.lower()
        assert secret.lower() not in cv.profile.model_dump_json().lower()


def test_every_span_points_at_its_surface(corpus: dict[str, ParsedCV]) -> None:
    for cv in corpus.values():
        profile = cv.profile
        spans = [e.evidence for e in profile.experiences] + [e.period.evidence for e in profile.experiences]
        spans += [s.evidence for s in profile.skills] + [lang.evidence for lang in profile.languages]
        spans += [w.evidence for w in profile.contract_wishes]
        for optional in (profile.education, profile.location, profile.remote_wish, profile.headline):
            if optional is not None:
                spans.append(optional.evidence)
        assert spans
        for span in spans:
            assert cv.text[span.start : span.end] == span.surface


def test_personal_spans_index_the_unredacted_text(corpus: dict[str, ParsedCV]) -> None:
    marie = corpus["marie"].personal
    assert marie.email == "marie.dupont@example.fr"
    assert marie.phone == "06 12 34 56 78"
    assert marie.address is not None
    assert marie.address.value == "12 rue de la République"
    assert marie.linkedin is not None
    assert marie.linkedin.value == "linkedin.com/in/marie-dupont"
    assert marie.name is not None
    assert marie.name.evidence.surface == "Marie DUPONT"


ENGLISH_CV = """JOHN SMITH
Senior Data Analyst
Boston, MA | john.smith@example.com | (617) 555-0134

Professional Summary
Data analyst with a decade of experience in retail analytics. Open to remote work.

Work Experience
Senior Data Analyst, Northwind Traders - Sept 2015 to Current
Built forecasting models in Python and SQL; dashboards in Tableau and Power BI.
Data Analyst at Contoso Ltd, 06/2011 - 08/2015

Education
Master of Science in Statistics, Boston University, 2011
Bachelor's degree in Economics, 2009

Languages
English (native), Spanish - fluent, French: basic
"""


def test_english_cv(referentials: dict) -> None:
    cv = parse_cv_text(normalize_text(ENGLISH_CV), **referentials)
    profile = cv.profile
    assert profile.title == "Senior Data Analyst"
    assert titles(cv) == [("Senior Data Analyst", 118, True), ("Data Analyst", 51, False)]
    assert profile.total_experience_years == 14.1
    assert {"python", "sql", "power-bi"} <= set(profile.skill_keys)
    assert [(lang.language, lang.level) for lang in profile.languages] == [
        ("anglais", "native"),
        ("espagnol", "C1"),
        ("français", "A2"),
    ]
    assert profile.education_level == "bac+5"
    assert profile.location is not None
    assert profile.location.label == "Boston, MA"
    assert not profile.location.geocoded
    assert profile.remote_wish is not None
    assert profile.remote_wish.wish == "full_remote"
    assert cv.personal.name is not None
    assert cv.personal.name.value == "JOHN SMITH"
    assert "[téléphone]" in cv.text
    assert "555-0134" not in cv.text


@pytest.mark.parametrize(
    ("written", "months", "ongoing"),
    [
        ("2019 - 2023", 48, False),
        ("janv. 2020 – aujourd'hui", 65, True),
        ("03/2018 - present", 87, True),
        ("Sept 2015 to Current", 117, True),
        ("De 2010 à 2012", 24, False),
        ("Depuis mars 2021", 51, True),
        ("Fév. 2016 - Août 2017", 19, False),
        ("10/2012\n\nto\n11/2015", 38, False),
        ("2005-2005", 6, False),
    ],
)
def test_date_ranges(written: str, months: int, ongoing: bool) -> None:
    found = find_date_ranges(f"Poste {written}\n", date(2025, 5, 15))
    assert [(r.months, r.ongoing) for r in found] == [(months, ongoing)]


def test_no_range_in_version_numbers() -> None:
    assert find_date_ranges("Migrated Exchange 2003 to Exchange 2007 and 2008, 2012", TODAY) == []


def test_overlapping_periods_count_once() -> None:
    text = "Développeur\n2015 - 2020\nFormateur\n2018 - 2019\nConsultant\n2019 - 2022\n"
    assert merged_months(find_date_ranges(text, TODAY)) == 7 * 12


# What a reader sees on three real PDFs (today pinned, so that "Current" stays put).
REAL_TODAY = date(2018, 1, 1)


@needs_data
def test_real_pdf_it_technician(referentials: dict) -> None:
    cv = parse_cv(
        REAL_PDFS / "INFORMATION-TECHNOLOGY" / "10089434.pdf", **{**referentials, "today": REAL_TODAY}
    )
    profile = cv.profile
    assert profile.title == "Information Technology Technician I"
    assert titles(cv) == [
        ("Information Technology Technician I", 126, True),
        ("Information Services Liaison", 25, False),
    ]
    assert profile.total_experience_years == 12.5  # Aug 2005 to Jan 2018
    assert {"active-directory", "powershell", "vmware", "azure", "linux"} <= set(profile.skill_keys)
    assert profile.education_level == "bac+3"  # Bachelor of Science


@needs_data
def test_real_pdf_accountant(referentials: dict) -> None:
    cv = parse_cv(REAL_PDFS / "ACCOUNTANT" / "11163645.pdf", **{**referentials, "today": REAL_TODAY})
    profile = cv.profile
    assert [t for t, _, _ in titles(cv)] == [
        "Accountant",
        "Accounts Receivable Clerk",
        "Mortgage Underwriter",
        "Commercial Auto Underwriter",
        "Personal Auto Underwriter",
        "Claims Examiner",
    ]
    assert profile.total_experience_years == 32.0  # Jan 1983 to Jan 2010, then Jan 2011 to Nov 2015
    assert {"excel", "outlook", "powerpoint"} <= set(profile.skill_keys)
    assert "864-472-7092" not in cv.text  # a phone number in a page footer is redacted too


@needs_data
def test_real_pdf_engineering_director(referentials: dict) -> None:
    cv = parse_cv(REAL_PDFS / "ENGINEERING" / "10624813.pdf", **{**referentials, "today": REAL_TODAY})
    profile = cv.profile
    assert profile.title == "Engineering Operations Director"
    assert titles(cv)[0] == ("Engineering Operations Director", 49, True)
    assert profile.total_experience_years == 29.1  # Jan 1989 to Jan 2018 without a gap
    assert {"java", "python", "aws", "mongodb", "jenkins"} <= set(profile.skill_keys)
    assert profile.education_level == "bac+5"  # M.S. Computer Science


def _parse_pdf(path: Path) -> ParsedCV:
    return parse_cv(path, today=REAL_TODAY)


def _parse_text(text: str) -> ParsedCV:
    return parse_cv_text(normalize_text(text), today=REAL_TODAY)


def _coverage(label: str, parsed: list[ParsedCV], seconds: float) -> dict[str, float]:
    def share(test: object) -> float:
        return sum(1 for cv in parsed if test(cv)) / len(parsed)  # type: ignore[operator]

    coverage = {
        "skills>=1": share(lambda cv: cv.profile.skills),
        "skills>=3": share(lambda cv: len(cv.profile.skills) >= 3),
        "experience_years": share(lambda cv: cv.profile.total_experience_years is not None),
        "title": share(lambda cv: cv.profile.title),
        "education_level": share(lambda cv: cv.profile.education_level),
        "languages": share(lambda cv: cv.profile.languages),
    }
    report_line(f"CV field coverage, {label}: {len(parsed)} CVs in {seconds:.1f} s")
    for field, value in coverage.items():
        report_line(f"  {field:<18} {value:6.1%}")
    return coverage


@needs_data
@pytest.mark.slow
def test_field_coverage_on_the_real_corpus() -> None:
    paths = sorted(REAL_PDFS.rglob("*.pdf"))
    csv.field_size_limit(10**8)
    with gzip.open(DATA / "livecareer_resumes.csv.gz", "rt", encoding="utf-8") as handle:
        texts = [row["Resume_text"] for row in csv.DictReader(handle)]
    assert (len(paths), len(texts)) == (120, 2484)
    workers = min(8, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers) as pool:
        start = time.perf_counter()
        pdfs = list(pool.map(_parse_pdf, paths, chunksize=4))
        pdf_seconds = time.perf_counter() - start
        start = time.perf_counter()
        parsed_texts = list(pool.map(_parse_text, texts, chunksize=32))
        text_seconds = time.perf_counter() - start
    pdf_coverage = _coverage(f"120 PDFs ({workers} processes)", pdfs, pdf_seconds)
    text_coverage = _coverage(f"2,484 texts ({workers} processes)", parsed_texts, text_seconds)
    for coverage in (pdf_coverage, text_coverage):
        assert coverage["skills>=1"] >= 0.85
        assert coverage["experience_years"] >= 0.9
        assert coverage["title"] >= 0.95
        assert coverage["education_level"] >= 0.75
    for cv in pdfs + parsed_texts:
        assert not re.search(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", cv.profile.search_text)


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        ("Électricienne – disponible immédiatement", "Électricienne"),
        ("Animatrice périscolaire, mobile sur le secteur de Croissy-sur-Seine", "Animatrice périscolaire"),
        ("Cuisinier (CDI ou CDD, temps plein)", "Cuisinier"),
        ("Assistante de direction, bilingue anglais", "Assistante de direction, bilingue anglais"),
    ],
)
def test_a_headline_loses_its_availability_tail(headline: str, title: str, referentials: dict) -> None:
    """The tail named no occupation and the whole headline none either (frpool-0033, frpool-0004: no
    occupation read, so no ranked search from the CV)."""
    text = f"Fatima PEREZ\n62210 Avion\n\n{headline}\n\nCOMPÉTENCES\nTravail en équipe\n"
    profile = parse_cv_text(text, **referentials, occupations=default_rome()).profile
    assert profile.title == title
