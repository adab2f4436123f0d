"""`bassin match cv`, `bassin match offer` and `bassin explain` on real offers and generated CVs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bassin.cli import app
from domain.filters import haversine_km
from domain.text import fold
from tests.integration.conftest import write_jsonl_gz
from tests.integration.test_candidates import CV_JUNIOR_PARIS, CV_SENIOR_LYON

pytestmark = pytest.mark.integration
runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, small_offers: list[dict[str, Any]]) -> Path:
    root = tmp_path_factory.mktemp("match")
    src = write_jsonl_gz(root / "o.jsonl.gz", small_offers)
    out = runner.invoke(app, ["ingest", "offers", str(src), "--data-dir", str(root / "data")])
    assert out.exit_code == 0, out.output
    return root / "data"


def _cv(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_match_cv_scores_within_the_place_with_verified_claims(data_dir: Path, tmp_path: Path) -> None:
    cv = _cv(tmp_path, CV_SENIOR_LYON, "marie.txt")
    out = runner.invoke(
        app,
        ["match", "cv", str(cv), "--city", "Lyon", "--radius", "30", "--json", "--data-dir", str(data_dir)],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    geo = data["filters"]["geo"]
    assert data["results"]
    scores = [r["score"] for r in data["results"] if r["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    for r in data["results"]:
        assert r["distance_km"] is None or r["distance_km"] <= 30
        assert 0 <= (r["score"] or 0) <= 100
    rows = json.loads(runner.invoke(app, ["search", "", "--city", "Lyon", "--radius", "30", "--top", "200", "--json",
                                          "--data-dir", str(data_dir)]).stdout)["results"]  # fmt: skip
    inside = {r["id"] for r in rows if haversine_km(geo["lat"], geo["lon"], r["lat"], r["lon"]) <= 30}
    assert {r["id"] for r in data["results"]} <= inside
    assert any("Python" in line for r in data["results"] for line in r["explanation"])


def test_explain_one_pair_and_unknown_offer(
    data_dir: Path, tmp_path: Path, small_offers: list[dict[str, Any]]
) -> None:
    cv = _cv(tmp_path, CV_SENIOR_LYON, "marie.txt")
    offer_id = small_offers[0]["id"]
    out = runner.invoke(app, ["explain", str(cv), offer_id, "--json", "--data-dir", str(data_dir)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["offer"] == offer_id and (data["score"] is not None or data["abstained"])
    assert abs(sum(c["points"] for c in data["contributions"]) - (data["score"] - data["baseline"])) < 1.5
    missing = runner.invoke(app, ["explain", str(cv), "NOPE999", "--data-dir", str(data_dir)])
    assert missing.exit_code != 0


def test_match_offer_ranks_stored_candidates(
    data_dir: Path, tmp_path: Path, small_offers: list[dict[str, Any]]
) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    _cv(folder, CV_SENIOR_LYON, "marie.txt")
    _cv(folder, CV_JUNIOR_PARIS, "paul.txt")
    assert runner.invoke(app, ["ingest", "cvs", str(folder), "--data-dir", str(data_dir)]).exit_code == 0
    python_offer = next(o for o in small_offers if "python" in o["intitule"].lower())
    out = runner.invoke(app, ["match", "offer", python_offer["id"], "--json", "--data-dir", str(data_dir)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["results"] and all(r["id"].startswith("cv-") for r in data["results"])
    assert all("dupont" not in json.dumps(r).lower() for r in data["results"])


def test_search_reads_a_sentence_as_the_agent_does(data_dir: Path) -> None:
    """`bassin search` searches the occupation, not the sentence around it; the place and contract it names
    become filters, and a flag wins over the text."""
    said = "Bonjour, je cherche du travail comme administrateur systèmes en CDI près de Lyon"
    out = runner.invoke(app, ["search", said, "--json", "--data-dir", str(data_dir)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["query"] == said
    assert fold_words(data["text"]) == ["administrateur", "systemes"]
    assert data["filters"]["geo"]["label"] == "Lyon" and data["filters"]["contracts"] == ["CDI"]
    assert any("Lyon (30 km)" in note for note in data["understood"])

    english = "I'm a systems administrator looking for work near Lyon"
    flagged = runner.invoke(
        app, ["search", english, "--city", "Paris", "--json", "--data-dir", str(data_dir)]
    )
    data = json.loads(flagged.stdout)
    assert fold_words(data["text"]) == ["systems", "administrator"]
    assert data["filters"]["geo"]["label"] == "Paris"

    paid = runner.invoke(app, ["search", "administrateur systèmes, au moins 2500 € par mois", "--json",
                               "--data-dir", str(data_dir)])  # fmt: skip
    data = json.loads(paid.stdout)
    assert data["filters"]["salary_min_monthly"] == 2500 and fold_words(data["text"]) == [
        "administrateur",
        "systemes",
    ]

    literal = runner.invoke(app, ["search", said, "--literal", "--json", "--data-dir", str(data_dir)])
    assert json.loads(literal.stdout)["text"] == said  # --literal keeps the text as typed


def fold_words(text: str) -> list[str]:
    return fold(text).split()
