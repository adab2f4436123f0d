"""Issue 19, items 3–5: kill -9 of the real ``bassin`` commands (SQLite, embedded indexes), then re-run.

After a kill: no worker left alive, a second writer refused before it writes anything, a re-run that
finishes the interrupted indexing (and says so), and, after ``sync``, SQL, FAISS and the lexical index in
step with no lost, duplicated or orphan document or file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz
from tests.reliability.conftest import (
    alive,
    bassin,
    index_state,
    kill9,
    open_engine,
    sql_count,
    start_bassin,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_kill9_during_offer_ingest(tmp_path: Path) -> None:
    rows = load_raw_offers(limit=3_300)
    first = write_jsonl_gz(tmp_path / "a.jsonl.gz", rows[:3_000])
    other = write_jsonl_gz(tmp_path / "b.jsonl.gz", rows[3_000:])
    data = tmp_path / "data"
    proc = start_bassin(["ingest", "offers", str(first)], data)
    wait_for(lambda: sql_count(data, "offers") >= 256, 180, "the first batches in SQL", proc)

    # a second ingest while the first runs: refused at once, nothing of its file written
    before = sql_count(data, "offers")
    second = bassin(["ingest", "offers", str(other)], data)
    assert second.returncode == 2 and "Une autre écriture est en cours" in second.stderr
    assert "bassin ingest offers, pid" in second.stderr
    engine = open_engine(data)
    try:
        assert not engine.offers.get_by_external_ids([r["id"] for r in rows[3_000:]])
    finally:
        engine.close()
    assert sql_count(data, "offers") >= before

    # kill -9 while normalising: the forked normaliser goes with it
    children = kill9(proc)
    assert children, "the ingest runs a forked normaliser"
    deadline = time.monotonic() + 5
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(children) == [], "orphaned worker after kill -9 of its parent"

    # the re-run finishes the job: rows already in SQL get indexed, and the message says so
    rerun = bassin(["ingest", "offers", str(first)], data)
    assert rerun.returncode == 0, rerun.stderr
    assert "Reprise" in rerun.stdout and "FAISS +" in rerun.stdout
    engine = open_engine(data)
    try:
        sql, vectors, lexical = index_state(engine, "offers")
        assert sql == vectors == lexical
        ids = [r["id"] for r in rows[:3_000]]
        assert set(engine.offers.get_by_external_ids(ids)) == set(ids)  # 0 lost
        assert engine.offers.count() == len(set(ids))  # 0 duplicated
    finally:
        engine.close()
    fixed = bassin(["sync"], data)
    assert "Tout était cohérent." in fixed.stdout, fixed.stdout


CV = """{name}
{email} · 06 {phone}
69003 Lyon

{title}

Expérience professionnelle
2016 - 2024 {title}, Société Exemple {n}, Lyon
Conception d'API REST avec Django et PostgreSQL, déploiement sur Kubernetes.

Compétences
Python, Django, PostgreSQL, Docker, Git
"""


def _write_cvs(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        text = CV.format(
            name=f"Personne Numéro{i}",
            email=f"personne{i}@exemple.fr",
            phone=f"{i:02d} 34 56 78",
            title="Développeuse Python" if i % 2 else "Développeur backend",
            n=i,
        )
        (folder / f"cv{i:02d}.txt").write_text(text, encoding="utf-8")


def test_kill9_during_cv_ingest_then_rerun_and_sync(tmp_path: Path) -> None:
    folder = tmp_path / "cvs-in"
    _write_cvs(folder, 40)
    data = tmp_path / "data"
    proc = start_bassin(["ingest", "cvs", str(folder)], data)
    wait_for(lambda: sql_count(data, "candidates") >= 3, 180, "the first candidates in SQL", proc)
    kill9(proc)
    # what a kill between "file written" and "row committed" leaves: a temporary and an unrecorded file
    stored = data / "cvs"
    (stored / ".cv-0123456789ab.txt.deadbeef.tmp").write_text("half", encoding="utf-8")
    (stored / "cv-0123456789ab.pdf").write_bytes(b"%PDF-1.4 orphan")

    rerun = bassin(["ingest", "cvs", str(folder)], data)
    assert rerun.returncode == 0, rerun.stderr
    swept = bassin(["sync"], data)
    assert swept.returncode == 0, swept.stderr
    assert "cv-0123456789ab.pdf" in swept.stdout and ".tmp" in swept.stdout
    engine = open_engine(data)
    try:
        sql, vectors, lexical = index_state(engine, "candidates")
        assert len(sql) == 40 and sql == vectors == lexical  # 0 lost, 0 duplicated
        files = {p.name for p in stored.iterdir()}
        assert files == engine.candidates.stored_files()  # 0 orphan files, none missing
    finally:
        engine.close()
    assert "Tout était cohérent." in bassin(["sync"], data).stdout


def test_forget_removes_an_orphan_cv_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "cvs").mkdir(parents=True)
    (data / "cvs" / "cv-0123456789ab.pdf").write_bytes(b"%PDF-1.4 orphan")
    (data / "cvs" / ".cv-0123456789ab.txt.cafe.tmp").write_bytes(b"half")
    out = bassin(["forget", "candidate", "cv-0123456789ab"], data)
    assert out.returncode == 0, out.stderr
    assert "cv-0123456789ab.pdf" in out.stdout and "introuvable" not in out.stdout + out.stderr
    assert list((data / "cvs").iterdir()) == []
