"""Every CV that cannot give a profile fails with its own error class and an actionable message."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from cv import (
    CorruptedCVError,
    CVFileTooLargeError,
    CVLimits,
    CVParseError,
    CVTextTooLongError,
    CVTooManyPagesError,
    CVTooShortError,
    EmptyCVError,
    EncryptedPDFError,
    ScannedPDFError,
    UnsupportedCVFormatError,
    ZipBombError,
    parse_cv,
)
from domain.errors import BassinError, InputFormatError

CV_LINES = [
    "Marie DUPONT",
    "Développeuse Python senior",
    "EXPÉRIENCE",
    "Développeuse Python - Acme, 2019 - 2024",
    "COMPÉTENCES",
    "Python, Django, PostgreSQL",
]


def text_pdf(pages: int = 1, user_password: str | None = None, owner_password: str = "owner") -> bytes:
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_font("Helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for i, line in enumerate(CV_LINES):
            pdf.text(20, 20 + 7 * i, line)
    if user_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(pdf.output())


def cv_docx() -> bytes:
    document = docx.Document()
    for line in CV_LINES:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parse(data: bytes, filename: str, **kwargs: object) -> None:
    parse_cv(data, filename, taxonomy=None, gazetteer=None, **kwargs)  # type: ignore[arg-type]


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedPDFError) as caught:
        parse(text_pdf(user_password="secret"), "cv.pdf")
    assert str(caught.value) == (
        "Impossible de lire « cv.pdf » : ce PDF est protégé par un mot de passe : retirez la protection "
        "(ou imprimez-le en PDF) puis renvoyez-le. / This PDF is password-protected: remove the password "
        "and send it again."
    )


def test_pdf_with_only_an_owner_password_is_read() -> None:
    parsed = parse_cv(text_pdf(user_password=""), "cv.pdf", taxonomy=None, gazetteer=None)
    assert parsed.profile.title == "Développeuse Python senior"


def test_scanned_pdf() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 850), "white").save(buffer, "PDF")
    with pytest.raises(ScannedPDFError) as caught:
        parse(buffer.getvalue(), "scan.pdf")
    assert str(caught.value) == (
        "Impossible de lire « scan.pdf » : ce PDF ne contient pas de texte (scan) : envoyez un PDF texte "
        "ou un DOCX. / This PDF has no text layer (1 scanned page(s)): send a text PDF or a DOCX."
    )


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t  "])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(EmptyCVError) as caught:
        parse(data, "cv.txt")
    assert str(caught.value) == (
        "« cv.txt » est vide : vérifiez que vous avez envoyé le bon fichier. / The file is empty: check "
        "that you sent the right file."
    )


def test_one_line_file() -> None:
    with pytest.raises(CVTooShortError) as caught:
        parse("Développeur Python avec cinq ans d'expérience à Lyon\n".encode(), "cv.txt")
    assert str(caught.value) == (
        "« cv.txt » contient trop peu de texte pour construire un profil (1 ligne(s), 45 caractères ; "
        "minimum 3 lignes et 80 caractères) : envoyez le CV complet. / Too little text to build a "
        "profile: send the full CV."
    )


def test_blank_page_pdf_is_empty() -> None:
    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(EmptyCVError):
        parse(bytes(pdf.output()), "cv.pdf")


def test_corrupted_docx() -> None:
    data = cv_docx()
    with pytest.raises(CorruptedCVError) as caught:
        parse(data[: len(data) // 2], "cv.docx")
    assert str(caught.value) == (
        "Impossible de lire « cv.docx » : le fichier DOCX est endommagé : ouvrez-le et réenregistrez-le, "
        "ou exportez-le en PDF. / The DOCX file is corrupted: open it, save it again or export it as PDF."
    )


def test_zip_without_a_word_document_is_corrupted() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(CorruptedCVError):
        parse(buffer.getvalue(), "cv.docx")


def test_corrupted_pdf() -> None:
    data = text_pdf()
    with pytest.raises(CorruptedCVError) as caught:
        parse(data[: len(data) // 2], "cv.pdf")
    assert caught.value.kind == "PDF"
    assert str(caught.value).startswith("Impossible de lire « cv.pdf » : le fichier PDF est endommagé")


def zip_bomb(member_size: int) -> bytes:
    """A DOCX-looking zip with one huge, highly compressible member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * member_size)
    return buffer.getvalue()


def test_zip_bomb_by_ratio() -> None:
    data = zip_bomb(40 * 1024 * 1024)
    assert len(data) < 100_000
    with pytest.raises(ZipBombError) as caught:
        parse(data, "cv.docx")
    assert str(caught.value) == (
        "« cv.docx » a été refusé : son contenu décompressé est anormalement volumineux (40 Mo, maximum "
        "100 Mo). Réenregistrez le document ou exportez-le en PDF. / Rejected: the DOCX would decompress "
        "to 40 MB (limit 100 MB)."
    )


def test_zip_bomb_by_total_size() -> None:
    with pytest.raises(ZipBombError) as caught:
        parse(zip_bomb(3 * 1024 * 1024), "cv.docx", limits=CVLimits(max_uncompressed=2 * 1024 * 1024))
    assert caught.value.limit == 2 * 1024 * 1024


def test_two_hundred_page_pdf() -> None:
    with pytest.raises(CVTooManyPagesError) as caught:
        parse(text_pdf(pages=200), "these.pdf")
    assert str(caught.value) == (
        "« these.pdf » compte 200 pages (maximum 30) : un CV tient en quelques pages, envoyez uniquement "
        "le CV. / The document has 200 pages (limit 30): send the CV only."
    )


def test_too_large_file(tmp_path: Path) -> None:
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    message = (
        "« big.pdf » est trop volumineux (11.0 Mo, maximum 10 Mo) : compressez les images ou exportez un "
        "PDF plus léger. / The file is too large (11.0 MB, limit 10 MB)."
    )
    with pytest.raises(CVFileTooLargeError) as caught:
        parse(big, "big.pdf")
    assert str(caught.value) == message
    path = tmp_path / "big.pdf"
    path.write_bytes(big)
    with pytest.raises(CVFileTooLargeError):
        parse_cv(path, taxonomy=None, gazetteer=None)


def test_too_much_text() -> None:
    text = "\n".join(f"Ligne {i} : expérience de développement logiciel" for i in range(100))
    with pytest.raises(CVTextTooLongError) as caught:
        parse(text.encode(), "cv.txt", limits=CVLimits(max_chars=2000))
    assert (caught.value.chars, caught.value.limit) == (len(text), 2000)
    assert "maximum 2000" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "filename", "detected"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "cv.doc",
            "ancien format Word .doc / legacy .doc",
        ),
        (b"{\\rtf1\\ansi Marie Dupont}", "cv.rtf", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.png", "image PNG"),
        (bytes(range(256)) * 4, "cv.bin", "fichier binaire / binary file"),
    ],
)
def test_unsupported_formats(data: bytes, filename: str, detected: str) -> None:
    with pytest.raises(UnsupportedCVFormatError) as caught:
        parse(data, filename)
    assert str(caught.value) == (
        f"Format non pris en charge pour « {filename} » ({detected}) : envoyez un PDF texte, un DOCX ou un "
        "fichier TXT. / Unsupported file format: send a text PDF, a DOCX or a TXT file."
    )


def test_opendocument_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnsupportedCVFormatError):
        parse(buffer.getvalue(), "cv.odt")


def test_errors_are_domain_errors() -> None:
    for error in (EncryptedPDFError, ScannedPDFError, ZipBombError, CVTooShortError, EmptyCVError):
        assert issubclass(error, CVParseError)
        assert issubclass(error, InputFormatError)
        assert issubclass(error, BassinError)


def test_message_without_filename() -> None:
    with pytest.raises(EmptyCVError, match=r"^Le CV est vide"):
        parse_cv(b"", taxonomy=None, gazetteer=None)


def test_docx_with_too_many_pages() -> None:
    source = zipfile.ZipFile(io.BytesIO(cv_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Pages>\d+</Pages>", b"<Pages>200</Pages>", data)
            archive.writestr(info, data)
    with pytest.raises(CVTooManyPagesError) as caught:
        parse(buffer.getvalue(), "cv.docx")
    assert caught.value.pages == 200


def test_oversized_xml_part_is_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + os.urandom(30 * 1024 * 1024))
    with pytest.raises(ZipBombError) as caught:
        parse(buffer.getvalue(), "cv.docx", limits=CVLimits(max_bytes=64 * 1024 * 1024))
    assert caught.value.limit == 25 * 1024 * 1024
