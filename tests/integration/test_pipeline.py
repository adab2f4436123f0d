"""The indexing pipeline on real offers and real components (USE, FAISS, tantivy, SQLite)."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.runtime import Engine, build_engine
from app.settings import Settings
from domain.errors import ModelMismatchError
from domain.filters import haversine_km
from domain.search import GeoFilter, SearchFilters
from ingestion.offers.readers import read_offer_items
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _counts(engine: Engine) -> tuple[int, int, int]:
    return engine.offers.count(), engine.vectors.count(), engine.lexical.count()


def _index_files(data_dir: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in (data_dir / "indexes").rglob("*") if p.is_file()}


def test_ingest_is_idempotent(
    engine: Engine, settings: Settings, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    src = write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers[:120])
    first = engine.pipeline.ingest(read_offer_items(src))
    assert (first.read, first.inserted, first.updated, first.unchanged, len(first.rejected)) == (
        120,
        120,
        0,
        0,
        0,
    )
    assert _counts(engine) == (120, 120, 120)
    before = _index_files(settings.data_dir)
    hashes = engine.offers.hashes()

    second = engine.pipeline.ingest(read_offer_items(src))
    assert (second.inserted, second.updated, second.unchanged, second.embedded) == (0, 0, 120, 0)
    assert _index_files(settings.data_dir) == before, "an unchanged re-run must rewrite no index file"
    assert engine.offers.hashes() == hashes

    changed = copy.deepcopy(small_offers[:120])
    changed[5]["description"] += "\nTélétravail possible deux jours par semaine."
    changed[7]["intitule"] = "Responsable logistique (H/F)"
    third = engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "c.jsonl.gz", changed)))
    # both re-indexed; only the new title is re-encoded (the description is searched lexically only)
    assert (third.updated, third.unchanged, third.embedded) == (2, 118, 1)
    truth = engine.offers.hashes()
    assert engine.vectors.hashes() == truth
    assert engine.lexical.hashes() == truth


def test_malformed_records_are_reported_and_skipped(
    engine: Engine, small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    good = small_offers[:5]
    bad_no_id = {k: v for k, v in small_offers[5].items() if k != "id"}
    bad_date = dict(small_offers[6], dateCreation="pas une date")
    src = tmp_path / "mixed.jsonl"
    lines = [__import__("json").dumps(o) for o in good[:2]] + ["{oops", __import__("json").dumps(bad_no_id)]
    lines += [__import__("json").dumps(bad_date)] + [__import__("json").dumps(o) for o in good[2:]]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = engine.pipeline.ingest(read_offer_items(src))
    assert summary.read == 8
    assert (summary.inserted, len(summary.rejected)) == (5, 3)
    assert summary.accounted == summary.read
    reasons = [r.reason for r in summary.rejected]
    assert any("JSON invalide" in r for r in reasons)
    assert any("'id'" in r for r in reasons)
    assert any("date invalide" in r for r in reasons)
    assert [r.position for r in summary.rejected] == ["mixed.jsonl:3", "mixed.jsonl:4", "mixed.jsonl:5"]
    assert _counts(engine) == (5, 5, 5)


def test_delete_then_search(engine: Engine, small_offers: list[dict[str, Any]], tmp_path: Path) -> None:
    engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers[:60])))
    target = small_offers[10]
    hits = engine.offer_search.search(target["intitule"], top_k=5, interpret=False).results
    assert target["id"] in [h.id for h in hits]
    assert engine.pipeline.delete([target["id"], "INCONNU"]) == [target["id"]]
    hits = engine.offer_search.search(target["intitule"], top_k=20, interpret=False).results
    assert target["id"] not in [h.id for h in hits]
    assert _counts(engine) == (59, 59, 59)


def test_geo_radius_and_contract_are_hard_constraints(loaded_engine: Engine) -> None:
    lyon = GeoFilter(label="Lyon", lat=45.7640, lon=4.8357, radius_km=30)
    resp = loaded_engine.offer_search.search(
        "développeur", SearchFilters(geo=lyon, contracts=["CDI"]), top_k=50, interpret=False
    )
    assert resp.results, "the Lyon slice of the real sample has CDI offers"
    for r in resp.results:
        assert r.contract.split(",")[0] == "CDI"
        assert r.lat is not None and r.lon is not None
        assert haversine_km(lyon.lat, lyon.lon, r.lat, r.lon) <= 30.0
        assert r.distance_km is not None and r.distance_km <= 30.0


def test_model_mismatch_is_a_clear_error_and_rebuild_fixes_it(
    engine: Engine,
    settings: Settings,
    small_offers: list[dict[str, Any]],
    tmp_path: Path,
    packaged_st_model: str,
) -> None:
    engine.pipeline.ingest(read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers[:20])))
    engine.close()
    other = settings.model_copy(update={"embedding_model": f"sentence-transformers:{packaged_st_model}"})
    with pytest.raises(ModelMismatchError, match="sync --rebuild"):
        build_engine(other)
    rebuilt = build_engine(other, rebuild_indexes=True)
    try:
        report = rebuilt.pipeline.sync()
        assert report.vector_added == 20 and report.embedded == 20
        assert rebuilt.vectors.count() == 20 and rebuilt.embedder.dim == 384
        assert rebuilt.offer_search.search(small_offers[3]["intitule"], top_k=3, interpret=False).results
    finally:
        rebuilt.close()


def test_crash_mid_ingest_then_sync_makes_all_three_identical(
    small_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A real `bassin ingest` process is SIGKILLed after SQL got some batches; `bassin sync` repairs."""
    data_dir = tmp_path / "crash"
    src = write_jsonl_gz(tmp_path / "o.jsonl.gz", small_offers)
    env = dict(os.environ, BASSIN_DATA_DIR=str(data_dir), BASSIN_EMBEDDING_BATCH_SIZE="8")
    cmd = [sys.executable, "-m", "bassin.cli"]
    proc = subprocess.Popen(
        [*cmd, "ingest", "offers", str(src)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = data_dir / "bassin.db"
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            with create_engine(f"sqlite:///{db}").connect() as conn:
                try:
                    stored = conn.execute(text("SELECT count(*) FROM offers")).scalar_one()
                except Exception:  # table not created yet
                    stored = 0
            if stored >= 32:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingestion finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < len(small_offers)

    out = subprocess.run([*cmd, "sync"], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Corrections" in out.stdout
    eng = build_engine(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    try:
        truth = eng.offers.hashes()
        assert truth and eng.vectors.hashes() == truth and eng.lexical.hashes() == truth
    finally:
        eng.close()
    again = subprocess.run([*cmd, "sync"], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Tout était cohérent" in again.stdout
