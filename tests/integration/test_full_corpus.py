"""Acceptance on the whole real corpus: 7,779 France Travail offers through the CLI, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.filters import haversine_km
from tests.conftest import SHARED_OFFERS

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bassin.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


@pytest.fixture(scope="module")
def corpus_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not SHARED_OFFERS.exists():
        pytest.skip("../shared/data is not available")
    data_dir = tmp_path_factory.mktemp("full") / "data"
    return dict(os.environ, BASSIN_DATA_DIR=str(data_dir))


def test_every_offer_is_accounted_for_and_a_rerun_changes_nothing(corpus_env: dict[str, str]) -> None:
    first = _cli(corpus_env, "ingest", "offers", str(SHARED_OFFERS))
    assert "Lu : 7779 | insérées : 7779 | mises à jour : 0 | inchangées : 0 | rejetées : 0" in first
    index_dir = Path(corpus_env["BASSIN_DATA_DIR"]) / "indexes"
    before = {p: p.stat().st_mtime_ns for p in index_dir.rglob("*") if p.is_file()}
    second = _cli(corpus_env, "ingest", "offers", str(SHARED_OFFERS))
    assert "insérées : 0 | mises à jour : 0 | inchangées : 7779 | rejetées : 0" in second
    assert {p: p.stat().st_mtime_ns for p in index_dir.rglob("*") if p.is_file()} == before
    stats = json.loads(_cli(corpus_env, "stats", "--json"))
    assert stats["offers_sql"] == stats["offers_faiss"] == stats["offers_lexical"] == 7779
    assert "Tout était cohérent" in _cli(corpus_env, "sync")


def test_flags_are_hard_constraints(corpus_env: dict[str, str]) -> None:
    out = _cli(
        corpus_env,
        "search",
        "développeur python",
        "--city",
        "Lyon",
        "--radius",
        "30",
        "--contract",
        "CDI",
        "--json",
    )
    data = json.loads(out)
    geo = data["filters"]["geo"]
    assert data["results"], "the real corpus has Python developer CDIs around Lyon"
    for r in data["results"]:
        assert r["contract"].split(",")[0] == "CDI"
        assert haversine_km(geo["lat"], geo["lon"], r["lat"], r["lon"]) <= 30.0
    # The top three are of the request's occupation family (software and data, ROME M18), never an
    # unrelated job (the real corpus has Python data engineers and developers around Lyon).
    assert all(r["rome_code"].startswith("M18") for r in data["results"][:3]), data["results"][:3]
    assert all(r["grade"] in ("same_code", "same_family") for r in data["results"])


def test_place_and_contract_read_from_the_text(corpus_env: dict[str, str]) -> None:
    data = json.loads(_cli(corpus_env, "search", "cariste en intérim près de Lille", "--json"))
    assert data["filters"]["contracts"] == ["MIS"]
    assert data["filters"]["geo"]["label"] == "Lille"
    assert data["text"] == "cariste"
    assert data["results"]
    for r in data["results"]:
        assert r["contract"].split(",")[0] == "MIS"
        assert r["distance_km"] <= 30.0
    assert (
        "cariste" in data["results"][0]["title"].lower() or "chariot" in data["results"][0]["title"].lower()
    )
