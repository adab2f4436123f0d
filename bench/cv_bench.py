"""CV parsing throughput (CVs/s) for PDF, DOCX and TXT, on real resumes.

    python -m bench.cv_bench [--limit 40]

PDF: the real resume PDFs of ../shared/data/resumes/pdf. DOCX: the same resumes' texts written
into DOCX files (python-docx), since the data set has no DOCX. TXT: the texts themselves.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

from cv import parse_cv
from domain.errors import BassinError

ROOT = Path(__file__).resolve().parents[1]
RESUMES = ROOT.parent / "shared" / "data" / "resumes"


def _texts(limit: int) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with gzip.open(RESUMES / "livecareer_resumes.csv.gz", "rt", encoding="utf-8") as fh:
        rows = [r["Resume_text"] for r, _ in zip(csv.DictReader(fh), range(limit), strict=False)]
    return rows


def _docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _throughput(files: list[tuple[bytes, str]]) -> dict[str, Any]:
    parse_cv(files[0][0], files[0][1])  # load taxonomy and gazetteer outside the clock
    ok = failed = 0
    t0 = time.perf_counter()
    for data, name in files:
        try:
            parse_cv(data, name)
            ok += 1
        except BassinError:
            failed += 1
    seconds = time.perf_counter() - t0
    return {
        "files": len(files),
        "parsed": ok,
        "refused": failed,
        "seconds": round(seconds, 2),
        "cvs_per_s": round(len(files) / seconds, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    pdfs = sorted((RESUMES / "pdf").rglob("*.pdf"))[: args.limit]
    texts = _texts(args.limit)
    results = {
        "pdf": _throughput([(p.read_bytes(), p.name) for p in pdfs]),
        "docx": _throughput([(_docx(t), f"cv{i}.docx") for i, t in enumerate(texts)]),
        "txt": _throughput([(t.encode("utf-8"), f"cv{i}.txt") for i, t in enumerate(texts)]),
    }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
