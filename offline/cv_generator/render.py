"""Renderers: plain text, PDF (fpdf2, single column or a left/right sidebar) and DOCX (paragraphs or tables).

PDFs use the core Helvetica font (no font file needed, byte-identical output for a seed); characters outside
its Latin-1 encoding are written the way a Latin-1 export would (``œ`` → ``oe``, ``–`` → ``-``).
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime

from fpdf import FPDF

from offline.cv_generator.blocks import Block, Layout

_LATIN1 = str.maketrans({"œ": "oe", "Œ": "OE", "–": "-", "—": "-", "’": "'", "•": "-", "…": "...", "·": "·"})
_FIXED_DATE = datetime(2026, 11, 15, tzinfo=UTC)
SIDEBAR_KINDS = ("skills", "certifications", "languages", "interests", "wishes")


def to_text(layout: Layout, rng: random.Random) -> str:
    out = [layout.name]
    if layout.title:
        out.append(layout.title)
    out += layout.contact
    underline = rng.random() < 0.3
    for block in layout.blocks:
        out.append("")
        if block.heading:
            out.append(block.heading)
            if underline:
                out.append("-" * len(block.heading))
        out += block.lines
        for e in block.entries:
            out.append(e.head)
            if e.sub:
                out.append(e.sub)
            out += [f"{rng.choice(('-', '•'))} {b}" for b in e.bullets] if e.bullets else []
    return "\n".join(out) + "\n"


def _pdf() -> FPDF:

    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _write_block(pdf: FPDF, block: Block, x: float, w: float, size: float) -> None:
    if block.heading:
        pdf.set_x(x)
        pdf.set_font("Helvetica", "B", size + 2)
        pdf.multi_cell(w, 6, block.heading.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", size)
    for line in block.lines:
        pdf.set_x(x)
        pdf.multi_cell(w, 5, line.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    for e in block.entries:
        pdf.set_x(x)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(w, 5, e.head.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "I", size)
        if e.sub:
            pdf.set_x(x)
            pdf.multi_cell(w, 5, e.sub.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", size)
        for b in e.bullets:
            pdf.set_x(x + 3)
            pdf.multi_cell(w - 3, 5, ("- " + b).translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    pdf.ln(3)


def to_pdf(layout: Layout, sidebar: str | None) -> bytes:
    """``sidebar`` is None (one column), ``"left"`` or ``"right"`` (contact, skills, languages in a side column)."""
    pdf = _pdf()
    page_w = pdf.w - pdf.l_margin - pdf.r_margin
    if sidebar is None:
        main_x, main_w = pdf.l_margin, page_w
        side_blocks: list[Block] = []
        main_blocks = layout.blocks
    else:
        side_w = 58.0
        side_x = pdf.l_margin if sidebar == "left" else pdf.w - pdf.r_margin - side_w
        main_x = pdf.l_margin + side_w + 8 if sidebar == "left" else pdf.l_margin
        main_w = page_w - side_w - 8
        side_blocks = [b for b in layout.blocks if b.kind in SIDEBAR_KINDS]
        main_blocks = [b for b in layout.blocks if b.kind not in SIDEBAR_KINDS]
        pdf.set_fill_color(235, 238, 242)
        pdf.rect(side_x - 2, 10, side_w + 4, pdf.h - 20, style="F")
        pdf.set_xy(side_x, 15)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(side_w, 6, "Contact", new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for line in layout.contact:
            pdf.set_x(side_x)
            pdf.multi_cell(side_w, 5, line.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
        pdf.ln(3)
        for block in side_blocks:
            _write_block(pdf, block, side_x, side_w, 9)
        pdf.set_xy(main_x, 15)
    pdf.set_x(main_x)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(main_w, 9, layout.name.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    if layout.title:
        pdf.set_x(main_x)
        pdf.set_font("Helvetica", "", 13)
        pdf.multi_cell(main_w, 7, layout.title.translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    if sidebar is None:
        pdf.set_font("Helvetica", "", 10)
        pdf.set_x(main_x)
        pdf.multi_cell(main_w, 5, "  |  ".join(layout.contact).translate(_LATIN1), new_x="LEFT", new_y="NEXT")
    pdf.ln(4)
    for block in main_blocks:
        _write_block(pdf, block, main_x, main_w, 10)
    return bytes(pdf.output())


def to_docx(layout: Layout, tables: bool) -> bytes:
    """Paragraphs with heading styles, or (``tables``) a header table and one table row per entry."""
    from docx import Document

    doc = Document()
    doc.core_properties.created = _FIXED_DATE.replace(tzinfo=None)
    doc.core_properties.modified = _FIXED_DATE.replace(tzinfo=None)
    doc.core_properties.author = ""
    if tables:
        head = doc.add_table(rows=1, cols=2)
        left, right = head.rows[0].cells
        left.text = layout.name + (f"\n{layout.title}" if layout.title else "")
        right.text = "\n".join(layout.contact)
    else:
        doc.add_heading(layout.name, level=0)
        if layout.title:
            doc.add_paragraph(layout.title)
        for line in layout.contact:
            doc.add_paragraph(line)
    for block in layout.blocks:
        if block.heading:
            doc.add_heading(block.heading, level=1)
        for line in block.lines:
            doc.add_paragraph(line)
        if block.entries and tables:
            table = doc.add_table(rows=0, cols=2)
            for e in block.entries:
                cells = table.add_row().cells
                cells[0].text = e.dates or e.sub
                body = [e.head.replace(f"{e.dates} : ", "").replace(f"{e.dates} — ", "")]
                if e.sub and e.sub != e.dates:
                    body.append(e.sub)
                body += [f"• {b}" for b in e.bullets]
                cells[1].text = "\n".join(body)
        else:
            for e in block.entries:
                doc.add_paragraph(e.head).runs[0].bold = True
                if e.sub:
                    doc.add_paragraph(e.sub)
                for b in e.bullets:
                    doc.add_paragraph(f"• {b}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
