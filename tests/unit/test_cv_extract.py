"""Text extraction of CV files: layout of PDFs, order of DOCX blocks, encodings, type sniffing."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from cv import extract_text
from cv.extract import sniff_format
from cv.text_clean import decode_text, normalize_text, strip_markdown


def _real_pdfs() -> Path:
    """shared/data/resumes/pdf: in the checkout, beside it (CI), or the workplace's shared folder."""
    root = Path(__file__).resolve().parents[2]
    for base in (root / "shared", root.parent / "shared", Path("/work/shared")):
        if (base / "data" / "resumes" / "pdf").is_dir():
            return base / "data" / "resumes" / "pdf"
    return root.parent / "shared" / "data" / "resumes" / "pdf"


REAL_PDFS = _real_pdfs()

Placed = tuple[float, float, str]  # x (mm), y (mm), text


def make_pdf(pages: list[list[Placed]], size: float = 10.5) -> bytes:
    """A PDF with each string drawn at its own position, as CV templates do."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_font("Helvetica", size=size)
    for placed in pages:
        pdf.add_page()
        for x, y, text in placed:
            pdf.text(x, y, text)
    return bytes(pdf.output())


def column(x: float, y0: float, lines: list[str], step: float = 6.0) -> list[Placed]:
    return [(x, y0 + i * step, line) for i, line in enumerate(lines)]


# The sidebar runs longer than the main column: it must still come out whole.
SIDEBAR = ["CONTACT", "Nantes (44)", "COMPÉTENCES", "Kubernetes", "Terraform", "Ansible", "Linux", "AWS"]
SIDEBAR += ["LANGUES", "Anglais B2", "Allemand A2"]
MAIN = [
    "PROFIL",
    "Ingénieur DevOps avec huit ans d'expérience en production",
    "EXPÉRIENCE",
    "Ingénieur DevOps - CloudNova",
    "Depuis mars 2021",
    "• Automatisation des déploiements sur Kubernetes",
    "Administrateur systèmes Linux - Hexaserv",
    "sept. 2016 - févr. 2021",
    "FORMATION",
    "Diplôme d'ingénieur - École Centrale de Nantes",
]


def two_column_pdf() -> bytes:
    header = [(70.0, 15.0, "Thomas MARTIN - Ingénieur DevOps confirmé")]
    return make_pdf([header + column(12, 30, SIDEBAR, step=7.3) + column(75, 30, MAIN, step=5.6)])


def test_two_columns_are_read_one_after_the_other() -> None:
    text = extract_text(two_column_pdf(), "cv.pdf").text
    lines = [line for line in text.split("\n") if line]
    assert lines[0] == "Thomas MARTIN - Ingénieur DevOps confirmé"
    # each column comes out whole and in order, never interleaved line by line
    sidebar_at = lines.index(SIDEBAR[0])
    assert lines[sidebar_at : sidebar_at + len(SIDEBAR)] == SIDEBAR
    main_at = lines.index(MAIN[0])
    assert lines[main_at : main_at + len(MAIN)] == MAIN
    assert sidebar_at < main_at


def test_title_and_dates_on_one_row_stay_one_line() -> None:
    rows = [
        (20.0, 30.0 + 8 * i, title)
        for i, title in enumerate(["Développeuse Python - Acme", "Stagiaire - Web"])
    ] + [(160.0, 30.0 + 8 * i, dates) for i, dates in enumerate(["2020 - 2024", "2019 - 2020"])]
    body = column(20, 60, [f"Ligne de description numéro {i} du poste occupé" for i in range(12)])
    text = extract_text(make_pdf([rows + body]), "cv.pdf").text
    assert "Développeuse Python - Acme 2020 - 2024" in text.split("\n")
    assert "Stagiaire - Web 2019 - 2020" in text.split("\n")


def test_repeated_header_and_page_numbers_are_dropped() -> None:
    pages = []
    for number in (1, 2, 3):
        body = column(20, 40, [f"Contenu de la page {number}, ligne {i}" for i in range(8)])
        pages.append([(20.0, 12.0, "CV - Marie Dupont"), *body, (100.0, 290.0, f"Page {number}/3")])
    text = extract_text(make_pdf(pages), "cv.pdf").text
    assert text.count("CV - Marie Dupont") == 1  # kept once: it may be the only place the name is
    assert "Page" not in text
    assert "Contenu de la page 3, ligne 7" in text


def test_bullets_stay_one_item_per_line() -> None:
    items = ["• Conception d'API REST", "• Revue de code", "- Mentorat de deux alternants"]
    text = extract_text(
        make_pdf([column(20, 30, ["EXPÉRIENCE", *items, "Fin du CV de test"])]), "cv.pdf"
    ).text
    assert "• Conception d'API REST\n• Revue de code\n- Mentorat de deux alternants" in text


def make_docx(with_header: bool = True) -> bytes:
    document = docx.Document()
    if with_header:
        document.sections[0].header.paragraphs[0].text = "Sophie BERNARD - sophie.bernard@example.fr"
    document.add_paragraph("Comptable confirmée")
    document.add_paragraph("COMPÉTENCES")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Logiciels"
    table.cell(0, 1).text = "Sage, Cegid, Excel"
    table.cell(1, 0).text = "Domaines"
    table.cell(1, 1).text = "Fiscalité, paie"
    document.add_paragraph("EXPÉRIENCE")
    document.add_paragraph("Comptable - Cabinet Durand | 2018 - 2024")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_come_in_document_order() -> None:
    extracted = extract_text(make_docx(), "cv.docx")
    assert extracted.source_format == "docx"
    assert extracted.text.split("\n")[:6] == [
        "Sophie BERNARD - sophie.bernard@example.fr",
        "",
        "Comptable confirmée",
        "COMPÉTENCES",
        "Logiciels | Sage, Cegid, Excel",
        "Domaines | Fiscalité, paie",
    ]
    assert extracted.text.index("Domaines") < extracted.text.index("Cabinet Durand")


def test_type_comes_from_magic_bytes_not_extension() -> None:
    extracted = extract_text(make_docx(), "cv.pdf")
    assert extracted.source_format == "docx"
    assert extracted.warnings == ["Le fichier « cv.pdf » est en réalité un DOCX : lu comme tel."]
    assert sniff_format(two_column_pdf(), "cv.txt") == "pdf"
    assert sniff_format(b"# Titre\n", "cv.md") == "md"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_plain_text_encodings(encoding: str) -> None:
    text = (
        "Marie Dupont\nDéveloppeuse Python à Lyon\nExpérience : 2019 - 2023 chez Acme, Sécurité\n"
        "Compétences : Python, Django, PostgreSQL, Docker\n"
    )
    decoded, _ = decode_text(text.encode(encoding))
    assert decoded == text
    extracted = extract_text(text.encode(encoding), "cv.txt")
    assert "Développeuse Python à Lyon" in extracted.text


def test_markdown_markup_is_dropped() -> None:
    md = "# Marie Dupont\n\n**Développeuse** Python\n\n## Compétences\n- Python\n- [Django](https://x.io)\n"
    assert strip_markdown(md).split("\n") == [
        "Marie Dupont",
        "",
        "Développeuse Python",
        "",
        "Compétences",
        "• Python",
        "• Django (https://x.io)",
        "",
    ]


def test_normalisation_repairs_mojibake_and_spacing() -> None:
    raw = "DÃ©veloppeur\u00a0\u00a0Python  â€“ Lyon\r\n\r\n\r\n\r\nSÃ©curitÃ©\u200b\n\uf0b7 Git\n\u25aa SQL"
    assert normalize_text(raw) == "Développeur Python – Lyon\n\nSécurité\n• Git\n• SQL"


@pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="shared/data/resumes is not beside the checkout")
def test_real_pdf_reads_like_the_page() -> None:
    """INFORMATION-TECHNOLOGY/10089434: title, two jobs and the skills list, as a reader sees them."""
    text = extract_text((REAL_PDFS / "INFORMATION-TECHNOLOGY" / "10089434.pdf").read_bytes(), "cv.pdf").text
    lines = text.split("\n")
    assert lines[0] == "INFORMATION TECHNOLOGY TECHNICIAN I"
    assert "Information Technology Technician I Aug 2007 to Current" in lines
    assert "Information Services Liaison, T Aug 2005 to Aug 2007" in lines
    assert "Company Name - City , State" in lines  # the mis-decoded separator is repaired
    assert "â" not in text


TEXT_BOX_RUN = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>Compétences : Python, SQL</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>Compétences : Python, SQL</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def test_docx_text_boxes_are_read_once() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Marie Dupont")
    anchor = document.add_paragraph("Développeuse Python")
    anchor._p.append(parse_xml(TEXT_BOX_RUN))
    document.add_paragraph("Expérience : 2019 - 2024 chez Acme Logiciels")
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text(buffer.getvalue(), "cv.docx").text
    assert text.split("\n") == [
        "Marie Dupont",
        "Développeuse Python",
        "Compétences : Python, SQL",
        "Expérience : 2019 - 2024 chez Acme Logiciels",
    ]
