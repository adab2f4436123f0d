"""From a CV file's bytes to one canonical text, within limits, or a clear error.

The type comes from the magic bytes (a DOCX renamed ``cv.pdf`` is still read as a DOCX); the extension
only breaks ties for plain text (``.md`` gets its markup stripped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cv.errors import (
    CVFileTooLargeError,
    CVTextTooLongError,
    CVTooShortError,
    EmptyCVError,
    UnsupportedCVFormatError,
)
from cv.text_clean import decode_text, looks_binary, normalize_text, strip_markdown

SourceFormat = Literal["pdf", "docx", "txt", "md"]

_MB = 1024 * 1024
_EXTENSIONS: dict[str, SourceFormat] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}
_UNSUPPORTED_MAGIC: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0", "ancien format Word .doc / legacy .doc"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF8", "image GIF"),
    (b"II*\x00", "image TIFF"),
    (b"MM\x00*", "image TIFF"),
    (b"Rar!", "archive RAR"),
    (b"7z\xbc\xaf", "archive 7z"),
    (b"\x1f\x8b", "archive gzip"),
]


@dataclass(frozen=True)
class CVLimits:
    """Bounds that keep one upload from costing more than a CV should.

    Attributes:
        max_bytes: largest accepted file.
        max_pages: most pages for a PDF (and a DOCX when Word recorded its page count).
        max_chars: most characters of extracted text.
        max_uncompressed: largest total uncompressed size of a DOCX's zip members.
        max_ratio: highest compression ratio of one large DOCX member.
        min_lines: fewest non-empty lines for a text to be a CV.
        min_chars: fewest non-space characters for a text to be a CV.
    """

    max_bytes: int = 10 * _MB
    max_pages: int = 30
    max_chars: int = 200_000
    max_uncompressed: int = 100 * _MB
    max_ratio: float = 200.0
    min_lines: int = 3
    min_chars: int = 80


@dataclass
class ExtractedText:
    """The canonical text of a CV and where it came from."""

    text: str
    source_format: SourceFormat
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)


def sniff_format(data: bytes, filename: str | None) -> SourceFormat:
    """Tell PDF, DOCX and plain text apart by their first bytes.

    Raises:
        UnsupportedCVFormatError: another known format (legacy .doc, RTF, image, ODT, XLSX...) or binary.
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"  # the DOCX reader tells a damaged DOCX from another Office/ODF container
    for magic, label in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise UnsupportedCVFormatError(filename, label)
    if looks_binary(data):
        raise UnsupportedCVFormatError(filename, "fichier binaire / binary file")
    suffix = Path(filename).suffix.lower() if filename else ""
    return "md" if suffix in {".md", ".markdown"} else "txt"


def _check_text(text: str, filename: str | None, limits: CVLimits) -> None:
    if len(text) > limits.max_chars:
        raise CVTextTooLongError(filename, len(text), limits.max_chars)
    if not text.strip():
        raise EmptyCVError(filename)
    lines = sum(1 for line in text.split("\n") if line.strip())
    chars = sum(1 for c in text if not c.isspace())
    if lines < limits.min_lines or chars < limits.min_chars:
        raise CVTooShortError(filename, lines, chars, limits.min_lines, limits.min_chars)


def extract_text(data: bytes, filename: str | None = None, limits: CVLimits | None = None) -> ExtractedText:
    """Extract and normalise the text of a CV file.

    Args:
        data: the file's bytes.
        filename: its name, for messages and the ``.md`` hint.
        limits: size, page and length bounds (defaults: 10 MB, 30 pages, 200,000 characters).

    Returns:
        The canonical text every span of the parsed CV indexes.

    Raises:
        CVParseError: a subclass saying why the file cannot give a profile.

    Example:
        >>> extract_text(b"Jean Dupont\\nDeveloppeur Python\\n" * 4, "cv.txt").source_format
        'txt'
    """
    limits = limits or CVLimits()
    if len(data) > limits.max_bytes:
        raise CVFileTooLargeError(filename, len(data), limits.max_bytes)
    if not data.strip():
        raise EmptyCVError(filename)
    source = sniff_format(data, filename)
    warnings: list[str] = []
    claimed = _EXTENSIONS.get(Path(filename).suffix.lower()) if filename else None
    if claimed is not None and claimed != source and {claimed, source} != {"txt", "md"}:
        warnings.append(f"Le fichier « {filename} » est en réalité un {source.upper()} : lu comme tel.")
    pages: int | None = None
    # The PDF and DOCX readers (pdfplumber, python-docx) load on the first file of their kind: an agent turn or
    # a search that reads no CV does not pay their ~0.2 s import.
    if source == "pdf":
        from cv.pdf_layout import extract_pdf

        pdf = extract_pdf(data, filename, limits.max_pages, limits.max_chars)
        raw = "\n\n".join(pdf.pages)
        pages = pdf.page_count
        warnings.extend(pdf.warnings)
    elif source == "docx":
        from cv.docx_reader import extract_docx

        document = extract_docx(
            data,
            filename,
            max_pages=limits.max_pages,
            max_uncompressed=limits.max_uncompressed,
            max_ratio=limits.max_ratio,
        )
        raw = document.text
        pages = document.page_count
    else:
        raw, encoding = decode_text(data)
        if encoding not in {"utf-8", "utf-8-sig"}:
            warnings.append(f"Encodage détecté : {encoding}.")
        if source == "md":
            raw = strip_markdown(raw)
    text = normalize_text(raw)
    _check_text(text, filename, limits)
    return ExtractedText(text=text, source_format=source, pages=pages, warnings=warnings)
