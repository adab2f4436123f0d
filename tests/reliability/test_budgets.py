"""Issue 19, item 8: a CV file costs what a CV should, whatever it claims.

A 1 GB text file is refused from its size, before a byte is read (by ``bassin ingest cvs`` and by
``ask --cv`` / the chat UI's upload path); a DOCX whose zip header lies about a member's size is refused
while inflating it in small steps, before the member is ever decompressed whole.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from agent.session import attach_cv
from cv import CVFileTooLargeError, ZipBombError, parse_cv
from tests.reliability.conftest import ROOT, open_engine
from tools.uploads import UploadedCVs

GB = 1024**3


@pytest.fixture
def huge_text(tmp_path: Path) -> Path:
    path = tmp_path / "cv.txt"
    with path.open("wb") as handle:
        handle.write(b"Marie Dupont\n")
        handle.truncate(GB)  # sparse: no disk used
    return path


def test_a_1gb_cv_is_refused_without_being_read(tmp_path: Path, huge_text: Path) -> None:
    engine = open_engine(tmp_path / "data")
    try:
        tracemalloc.start()
        started = time.perf_counter()
        summary = engine.candidate_ingestion.ingest_path(huge_text)
        with pytest.raises(CVFileTooLargeError):
            attach_cv("Voici mon CV", huge_text, UploadedCVs(tmp_path / "uploads"))
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        engine.close()
    assert summary.results == [] and len(summary.rejected) == 1
    assert "10 Mo" in summary.rejected[0][1] or "10 MB" in summary.rejected[0][1]
    assert peak < 20 * 1024 * 1024 and elapsed < 2.0
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def lying_docx(inflated: int, declared: int) -> bytes:
    """A real DOCX whose word/document.xml inflates to ``inflated`` bytes but declares ``declared``."""
    document = docx.Document()
    document.add_paragraph("Marie Dupont, développeuse Python")
    original = io.BytesIO()
    document.save(original)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo("word/document.xml").header_offset
    struct.pack_into("<I", data, offset + 22, declared)  # local header: uncompressed size
    end = data.rfind(b"PK\x05\x06")
    entries, _, start = struct.unpack_from("<HII", data, end + 10)
    for _ in range(entries):  # central directory: the same field of the same member
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, start + 28)
        if data[start + 46 : start + 46 + name_len] == b"word/document.xml":
            struct.pack_into("<I", data, start + 24, declared)
        start += 46 + name_len + extra_len + comment_len
    return bytes(data)


_PEAK = """
import json, resource, sys
from cv import parse_cv, CVParseError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    parse_cv(sys.argv[1])
    outcome = "parsed"
except CVParseError as exc:
    outcome = type(exc).__name__
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "grown_mb": (after - before) / 1024}))
"""


def test_a_docx_with_a_lying_zip_header_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    path.write_bytes(lying_docx(inflated=300 * 1024 * 1024, declared=2_000))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ZipBombError):
        parse_cv(path)
    run = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ}, check=True,
    )  # fmt: skip
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["outcome"] == "ZipBombError"
    assert measured["grown_mb"] < 50, measured  # the member was never inflated whole
