"""DOCX text in document order: paragraphs, tables and text boxes, after a zip-bomb check.

python-docx only exposes top-level paragraphs; CV templates put content in tables (layout grids, skill
tables) and in text boxes, so the body XML is walked directly and every block is read where it stands.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from cv.errors import CorruptedCVError, CVTooManyPagesError, UnsupportedCVFormatError, ZipBombError

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TXBX = qn("w:txbxContent")
_PAGES_RE = re.compile(rb"<Pages>(\d+)</Pages>")
_MAX_XML_PART = 25 * 1024 * 1024


@dataclass
class DocxText:
    """Text of a DOCX and the page count Word recorded (None when absent)."""

    text: str
    page_count: int | None


def check_zip(data: bytes, filename: str | None, max_uncompressed: int, max_ratio: float) -> zipfile.ZipFile:
    """Open the zip container and refuse it when it would decompress to an unreasonable size.

    The declared sizes are checked first; then every member is inflated in small bounded steps and
    refused as soon as it yields more than it declared (a lying header: ``zipfile``'s ``read()`` would
    inflate the whole stream in one call before cutting it to the declared size).

    Raises:
        CorruptedCVError: the zip is truncated or damaged.
        ZipBombError: total uncompressed size over ``max_uncompressed`` or a member compressed more than
            ``max_ratio`` times.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise CorruptedCVError(filename, "DOCX", "archive zip illisible") from exc
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed or len(infos) > 2000:
        raise ZipBombError(filename, total, max_uncompressed)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > max_ratio:
            raise ZipBombError(filename, total, max_uncompressed)
        if info.filename.endswith(".xml") and info.file_size > _MAX_XML_PART:
            # lxml would hold the whole tree in memory; no CV's XML comes near this
            raise ZipBombError(filename, info.file_size, _MAX_XML_PART)
    for info in infos:
        _check_actual_size(data, info, filename)
    return archive


_LOCAL_HEADER = struct.Struct("<4s22xHH")
_STEP = 256 * 1024


def _check_actual_size(data: bytes, info: zipfile.ZipInfo, filename: str | None) -> None:
    """Inflate one member 256 KB at a time, discarding the output, and refuse it past its declared size."""
    offset = info.header_offset
    try:
        signature, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, offset)
    except struct.error as exc:
        raise CorruptedCVError(filename, "DOCX", "en-tête zip tronqué") from exc
    if signature != b"PK\x03\x04":
        raise CorruptedCVError(filename, "DOCX", "en-tête zip invalide")
    start = offset + _LOCAL_HEADER.size + name_len + extra_len
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise CorruptedCVError(filename, "DOCX", "taille déclarée fausse")
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise CorruptedCVError(filename, "DOCX", "compression zip inattendue")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending = raw
    try:
        while pending and not inflater.eof:
            produced += len(inflater.decompress(pending, _STEP))
            if produced > info.file_size:
                raise ZipBombError(filename, produced, info.file_size)
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise CorruptedCVError(filename, "DOCX", "flux compressé illisible") from exc


def _run_text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), _TXBX):
        if node.tag == _TXBX:
            continue
        if _inside(node, _TXBX, element):
            continue
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _inside(node: Any, tag: str, stop: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _text_boxes(paragraph: Any) -> list[Any]:
    """Text boxes anchored in a paragraph, once each (the VML fallback copy is skipped)."""
    return [
        box
        for box in paragraph.iter(_TXBX)
        if not _inside(box, _MC_FALLBACK, paragraph) and not _inside(box, _TXBX, paragraph)
    ]


def _cell_lines(cell: Any) -> list[str]:
    lines: list[str] = []
    for child in cell.iterchildren():
        lines.extend(_block_lines(child))
    return [line for line in lines if line.strip()]


def _table_lines(table: Any) -> list[str]:
    """A row of short cells becomes one ``a | b`` line; a row of long cells is read cell by cell."""
    lines: list[str] = []
    for row in table.iterchildren(qn("w:tr")):
        cells = [_cell_lines(tc) for tc in row.iterchildren(qn("w:tc"))]
        cells = [c for c in cells if c]
        unique: list[list[str]] = []
        for cell in cells:
            if cell not in unique:
                unique.append(cell)
        if all(len(c) == 1 and len(c[0]) <= 120 for c in unique):
            lines.append(" | ".join(c[0] for c in unique))
        else:
            for cell in unique:
                lines.extend(cell)
                lines.append("")
    lines.append("")
    return lines


def _block_lines(element: Any) -> list[str]:
    if element.tag == qn("w:p"):
        lines = _run_text(element).split("\n")
        for box in _text_boxes(element):
            for child in box.iterchildren():
                lines.extend(_block_lines(child))
        return lines
    if element.tag == qn("w:tbl"):
        return _table_lines(element)
    if element.tag == qn("w:sdt"):
        content = element.find(qn("w:sdtContent"))
        return (
            [] if content is None else [ln for child in content.iterchildren() for ln in _block_lines(child)]
        )
    return []


def extract_docx(
    data: bytes,
    filename: str | None,
    *,
    max_pages: int,
    max_uncompressed: int,
    max_ratio: float,
) -> DocxText:
    """Read a DOCX: first-section header, body in document order, first-section footer.

    Raises:
        ZipBombError, CorruptedCVError, CVTooManyPagesError.
    """
    archive = check_zip(data, filename, max_uncompressed, max_ratio)
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        if "content.xml" in names or any(n.startswith(("xl/", "ppt/")) for n in names):
            raise UnsupportedCVFormatError(filename, "tableur, présentation ou OpenDocument")
        raise CorruptedCVError(filename, "DOCX", "word/document.xml absent")
    page_count: int | None = None
    if "docProps/app.xml" in names:
        match = _PAGES_RE.search(archive.read("docProps/app.xml"))
        page_count = int(match.group(1)) if match else None
    if page_count is not None and page_count > max_pages:
        raise CVTooManyPagesError(filename, page_count, max_pages)
    try:
        document = docx.Document(BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise CorruptedCVError(filename, "DOCX", type(exc).__name__) from exc
    lines: list[str] = []
    body = document.element.body
    sections = document.sections
    header = sections[0].header if len(sections) else None
    if header is not None and not header.is_linked_to_previous:
        for child in header._element.iterchildren():
            lines.extend(_block_lines(child))
        lines.append("")
    for child in body.iterchildren():
        lines.extend(_block_lines(child))
    footer = sections[0].footer if len(sections) else None
    if footer is not None and not footer.is_linked_to_previous:
        lines.append("")
        for child in footer._element.iterchildren():
            lines.extend(_block_lines(child))
    return DocxText(text="\n".join(lines), page_count=page_count)
