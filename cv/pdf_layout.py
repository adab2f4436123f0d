"""Layout-aware PDF text: columns read one after the other, repeated headers/footers dropped.

pdfplumber gives words with their boxes; lines are rebuilt from them. A page has two columns when a
vertical band of white runs through its text with enough text on both sides and the two sides are not
simply the cells of one row (a title on the left and its dates on the right stay on one line).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException, PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from cv.errors import (
    CorruptedCVError,
    CVTextTooLongError,
    CVTooManyPagesError,
    EmptyCVError,
    EncryptedPDFError,
    ScannedPDFError,
)
from cv.sections import heading_kind

_PAGE_NUMBER_RE = re.compile(r"^(page\s*)?\d{1,3}(\s*(/|sur|of|de)\s*\d{1,3})?$", re.IGNORECASE)
_DATEISH_RE = re.compile(r"\b(19|20)\d{2}\b|\b(present|présent|aujourd|current|now)\b", re.IGNORECASE)
_COLUMN_GAP = 8.0  # points of white between two columns on one row, wider than any word space
_MARGIN = 0.09  # share of the page height where running headers and footers live
_PDF_ERRORS = (PdfminerException, MalformedPDFException, PSException, PDFException, KeyError, ValueError)


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    words: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in sorted(self.words, key=lambda w: w["x0"]))

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class PdfText:
    """Text of a PDF, one string per page, with the page count and what went wrong on the way."""

    pages: list[str]
    page_count: int
    warnings: list[str]
    columns_pages: int = 0


def _group_lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        tolerance = max(2.0, 0.4 * (word["bottom"] - word["top"]))
        for line in reversed(lines[-3:]):
            if abs(line.top - word["top"]) <= tolerance:
                line.words.append(word)
                line.bottom = max(line.bottom, word["bottom"])
                line.x0 = min(line.x0, word["x0"])
                break
        else:
            lines.append(_Line(top=word["top"], bottom=word["bottom"], x0=word["x0"], words=[word]))
    return sorted(lines, key=lambda ln: ln.top)


def _find_gutter(words: list[dict[str, Any]], width: float) -> tuple[float, float] | None:
    """The widest vertical white band in the middle of the page that (almost) no word crosses."""
    if len(words) < 25:
        return None
    size = int(width) + 2
    cover = [0] * size
    for w in words:
        for x in range(max(int(w["x0"]), 0), min(int(w["x1"]) + 1, size)):
            cover[x] += 1
    tolerance = max(2, int(0.03 * len(words)))
    best: tuple[float, float] | None = None
    run_start: int | None = None
    lo, hi = int(width * 0.15), int(width * 0.85)
    for x in range(lo, hi + 1):
        if cover[x] <= tolerance and x < hi:
            run_start = x if run_start is None else run_start
            continue
        if run_start is not None:
            # A band still white at the edge of the search zone is the margin beside a short column
            # (the main column of a sidebar CV), not a gutter between two columns.
            margin = cover[x] <= tolerance or (run_start == lo and cover[lo - 1] <= tolerance)
            if not margin and x - run_start >= 8 and (best is None or x - run_start > best[1] - best[0]):
                best = (float(run_start), float(x))
            run_start = None
    if best is None:
        return None
    # Left-aligned text runs rightwards: a word starting in the left column and ending inside the band
    # (a long sidebar heading) belongs to that column and narrows the band. A word starting inside the
    # band (a centred banner) stays a full-width line.
    g0, g1 = best
    g0 = max([g0, *(w["x1"] for w in words if w["x0"] < g0 and w["x1"] < g1)])
    # The same for the last words of a left-column line that start inside the band ("gestion de" at the
    # end of a sidebar line): they continue a line that began in the left column.
    left_tops = [w["top"] for w in words if w["x0"] < g0]
    g0 = max(
        [
            g0,
            *(
                w["x1"]
                for w in words
                if g0 <= w["x0"] and w["x1"] < g1 and any(abs(w["top"] - t) <= 2.0 for t in left_tops)
            ),
        ]
    )
    return (g0, g1) if g1 - g0 >= 8 else None


def _is_row_layout(left: list[_Line], right: list[_Line]) -> bool:
    """Two sides that are cells of the same rows (title | dates), not two independent columns.

    A side that opens sections of its own (``COMPÉTENCES``, ``LANGUES`` in a sidebar) is a column even when
    its short lines fall on the main column's rows, as they do in templates with one line pitch.
    """
    small, big = (left, right) if len(left) <= len(right) else (right, left)
    if not small:
        return True
    if all(sum(1 for ln in side if heading_kind(ln.text) is not None) >= 2 for side in (left, right)):
        return False
    if sum(1 for ln in small if heading_kind(ln.text) is not None) >= 2:
        return False
    tops = [ln.top for ln in big]
    aligned = sum(1 for ln in small if any(abs(ln.top - t) <= 2.0 for t in tops))
    short = sum(1 for ln in small if len(ln.words) <= 4 or _DATEISH_RE.search(ln.text))
    return aligned / len(small) >= 0.6 and short / len(small) >= 0.6


def _emit(lines: list[_Line]) -> list[tuple[float, float, str]]:
    """Lines as (top, bottom, text), with an empty line where a gap wider than the usual leading falls."""
    pitches = sorted(b.top - a.top for a, b in pairwise(lines) if b.top > a.top)
    usual = pitches[len(pitches) // 2] if pitches else 0.0
    out: list[tuple[float, float, str]] = []
    previous: _Line | None = None
    for line in lines:
        if previous is not None:
            pitch = line.top - previous.top
            if pitch > 1.45 * usual and line.top - previous.bottom > 0.5 * previous.height:
                out.append((line.top, line.top, ""))
        out.append((line.top, line.bottom, line.text))
        previous = line
    return out


def _left_overflow(cross: list[dict[str, Any]], right: list[dict[str, Any]], g0: float) -> set[int]:
    """Ids of gutter-crossing words that end a long left-column line beside right-column text.

    ``Animateur - Centre social Les Aubiers, Plaisir`` runs into the gutter while ``Néerlandais : B1``
    sits in the sidebar on the same row: a white gap wider than a word space, past the gutter's start,
    separates them. A banner across the page has no such gap and stays a full-width line.
    """
    found: set[int] = set()
    for word in cross:
        height = word["bottom"] - word["top"]
        row = sorted(
            (w for w in [*cross, *right] if abs(w["top"] - word["top"]) <= 0.6 * height),
            key=lambda w: w["x0"],
        )
        for a, b in pairwise(row):
            if b["x0"] - a["x1"] >= _COLUMN_GAP and a["x1"] > g0 and b in right:
                found.update(id(w) for w in row if w["x1"] <= a["x1"] and w in cross)
                break
    return found


def _page_lines(page: Any) -> tuple[list[tuple[float, float, str]], bool]:
    """Lines of one page in reading order as (top, bottom, text); True when read as two columns."""
    words = page.extract_words(x_tolerance=2, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    words = [w for w in words if w["text"].strip()]
    if not words:
        return [], False
    gutter = _find_gutter(words, float(page.width))
    if gutter is not None:
        g0, g1 = gutter
        left_w = [w for w in words if w["x1"] <= g0 + 1]
        right_w = [w for w in words if w["x0"] >= g1 - 1]
        cross_w = [w for w in words if w["x1"] > g0 + 1 and w["x0"] < g1 - 1]
        beside = _left_overflow(cross_w, right_w, g0)
        left_w = [w for w in words if w["x1"] <= g0 + 1 or id(w) in beside]
        cross_w = [w for w in cross_w if id(w) not in beside]
        chars = sum(len(w["text"]) for w in words)
        left_chars = sum(len(w["text"]) for w in left_w)
        right_chars = sum(len(w["text"]) for w in right_w)
        if min(left_chars, right_chars) >= 0.1 * chars:
            full = _group_lines(cross_w)
            full_tops = [(ln.top, ln.height) for ln in full]

            def on_full_line(w: dict[str, Any]) -> bool:
                return any(abs(w["top"] - t) <= max(2.0, 0.4 * h) for t, h in full_tops)

            full = _group_lines(cross_w + [w for w in left_w + right_w if on_full_line(w)])
            left = _group_lines([w for w in left_w if not on_full_line(w)])
            right = _group_lines([w for w in right_w if not on_full_line(w)])
            if not _is_row_layout(left, right):
                return _read_columns(full, left, right), True
    return _emit(_group_lines(words)), False


def _breaks_after(lines: list[_Line], index: int) -> bool:
    """True when ``lines[index]`` follows its predecessor after a wider gap than the usual leading."""
    if index == 0:
        return True
    pitches = sorted(b.top - a.top for a, b in pairwise(lines[:index]))
    usual = pitches[len(pitches) // 2] if pitches else 0.0
    return lines[index].top - lines[index - 1].top > 1.4 * usual


def _opens_with_heading(lines: list[_Line]) -> bool:
    return bool(lines) and heading_kind(lines[0].text) is not None


def _read_columns(full: list[_Line], left: list[_Line], right: list[_Line]) -> list[tuple[float, float, str]]:
    """Full-width lines split the page into bands; each band is read left column, then right column."""
    out: list[tuple[float, float, str]] = []
    li = ri = 0
    for line in [*full, None]:
        limit = line.top if line is not None else float("inf")
        band_left: list[_Line] = []
        band_right: list[_Line] = []
        while li < len(left) and left[li].top < limit:
            band_left.append(left[li])
            li += 1
        while ri < len(right) and right[ri].top < limit:
            band_right.append(right[ri])
            ri += 1
        # Left lines below the end of the right column, after a wider gap than the column's leading,
        # start what follows the columns ("Skills" under a two-column list): read after both columns.
        # A sidebar that simply runs longer than the main column stays whole.
        right_end = max((ln.bottom for ln in band_right), default=float("-inf"))
        left_tail = [ln for ln in band_left if ln.top > right_end] if band_right else []
        if left_tail and not _breaks_after(band_left, band_left.index(left_tail[0])):
            left_tail = []
        band_left = [ln for ln in band_left if ln not in left_tail]
        order = (band_left, band_right, left_tail)
        if _opens_with_heading(band_left) and band_right and not _opens_with_heading(band_right):
            # A sidebar of sections (CONTACT, COMPÉTENCES...) beside a main column that opens with the name
            # and the headline: the main column's top is the CV's header, read it first.
            order = (band_right, band_left, left_tail)
        for band in order:
            if band:
                if out:
                    out.append((band[0].top, band[0].top, ""))
                out.extend(_emit(band))
        if line is not None:
            out.append((line.top, line.bottom, line.text))
    return out


def _drop_running_lines(pages: list[list[tuple[float, float, str]]], heights: list[float]) -> None:
    """Remove page numbers, and repeated header/footer lines after their first occurrence."""

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower())

    def in_margin(top: float, bottom: float, height: float) -> bool:
        return top < height * _MARGIN or bottom > height * (1 - _MARGIN)

    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        counts.update({key(t) for top, bottom, t in lines if t and in_margin(top, bottom, height)})
    repeated = {k for k, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2)}
    seen: set[str] = set()
    for index, (lines, height) in enumerate(zip(pages, heights, strict=True)):
        kept = []
        for top, bottom, text in lines:
            if text and in_margin(top, bottom, height):
                k = key(text)
                if _PAGE_NUMBER_RE.match(text) or (k in repeated and k in seen):
                    continue
                seen.add(k)
            kept.append((top, bottom, text))
        pages[index] = kept


def extract_pdf(data: bytes, filename: str | None, max_pages: int, max_chars: int) -> PdfText:
    """Read a PDF's text layer page by page.

    Raises:
        EncryptedPDFError: a user password is needed to open it.
        CorruptedCVError: pdfminer cannot parse it.
        CVTooManyPagesError: more than ``max_pages`` pages.
        CVTextTooLongError: more than ``max_chars`` characters of text.
        ScannedPDFError: the pages hold images but no text.
        EmptyCVError: the pages hold neither text nor images.
    """
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedPDFError(filename) from exc
        raise CorruptedCVError(filename, "PDF", type(cause).__name__) from exc
    with pdf:
        try:
            page_objects = pdf.pages
        except _PDF_ERRORS as exc:
            raise CorruptedCVError(filename, "PDF", type(exc).__name__) from exc
        if len(page_objects) > max_pages:
            raise CVTooManyPagesError(filename, len(page_objects), max_pages)
        pages: list[list[tuple[float, float, str]]] = []
        heights: list[float] = []
        warnings: list[str] = []
        image_only: list[int] = []
        columns_pages = 0
        chars = 0
        for number, page in enumerate(page_objects, start=1):
            try:
                lines, columns = _page_lines(page)
                has_images = bool(page.images)
            except _PDF_ERRORS as exc:
                raise CorruptedCVError(filename, "PDF", f"page {number}: {type(exc).__name__}") from exc
            columns_pages += columns
            chars += sum(len(t) for _, _, t in lines)
            if chars > max_chars:
                raise CVTextTooLongError(filename, chars, max_chars)
            if not lines and has_images:
                image_only.append(number)
            pages.append(lines)
            heights.append(float(page.height))
            page.close()
    if not any(pages):
        if image_only:
            raise ScannedPDFError(filename, len(image_only))
        raise EmptyCVError(filename)
    if image_only:
        warnings.append(
            f"Page(s) {', '.join(map(str, image_only))} sans texte (image ou scan) : leur contenu est ignoré."
        )
    _drop_running_lines(pages, heights)
    texts = ["\n".join(t for _, _, t in lines) for lines in pages]
    return PdfText(pages=texts, page_count=len(page_objects), warnings=warnings, columns_pages=columns_pages)
