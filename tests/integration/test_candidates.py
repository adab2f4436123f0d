"""Candidates as first-class documents: CV → profile → SQL + FAISS + lexical, recruiter search, forget."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.runtime import Engine
from cv.errors import ScannedPDFError
from domain.search import GeoFilter, SearchFilters
from store.candidate_models import CandidateRow

pytestmark = pytest.mark.integration

CV_SENIOR_LYON = """Marie Dupont
marie.dupont@example.fr · 06 12 34 56 78
12 rue des Lilas, 69003 Lyon

Développeuse Python senior

Profil
Développeuse backend passionnée, je recherche un CDI à Lyon.

Expérience professionnelle
2016 - 2024 Développeuse Python, Société Exemple, Lyon
Conception d'API REST avec Django et PostgreSQL, déploiement sur Kubernetes.
2012 - 2016 Développeuse Java, Autre Société, Villeurbanne

Compétences
Python, Django, PostgreSQL, Docker, Kubernetes, Git

Langues
Anglais courant (C1)
"""

CV_JUNIOR_PARIS = """Paul Martin
paul.martin@example.com
75011 Paris

Développeur Python junior

Expérience
2023 - 2024 Développeur Python, Start-up, Paris
Scripts Python et tests automatisés.

Compétences
Python, Flask, SQL
"""


def _ingest(engine: Engine, text: str, name: str) -> str:
    return engine.candidate_ingestion.ingest_bytes(text.encode("utf-8"), name).external_id


def test_cv_becomes_a_searchable_candidate_without_personal_data(engine: Engine) -> None:
    res = engine.candidate_ingestion.ingest_bytes(CV_SENIOR_LYON.encode(), "marie.txt")
    assert res.status == "inserted" and "Python" in res.skills
    assert res.experience_years is not None and res.experience_years >= 10
    again = engine.candidate_ingestion.ingest_bytes(CV_SENIOR_LYON.encode(), "marie.txt")
    assert again.status == "unchanged" and again.external_id == res.external_id
    with engine.db.session() as s:
        row = s.scalar(select(CandidateRow))
        assert row is not None
        stored = " ".join([row.search_text, str(row.profile), row.title or "", row.summary or ""])
    for secret in ("Dupont", "marie.dupont@example.fr", "06 12 34 56 78", "rue des Lilas"):
        assert secret not in stored
    doc = next(engine.candidates.iter_documents())
    assert "Dupont" not in doc.body + doc.embed_text + doc.title
    personal = engine.candidates.personal_data(res.external_id)
    assert personal is not None and personal["emails"][0]["value"] == "marie.dupont@example.fr"
    assert engine.indexes("candidates").vectors.count() == engine.indexes("candidates").lexical.count() == 1


def test_recruiter_request_finds_senior_python_near_lyon(engine: Engine) -> None:
    senior = _ingest(engine, CV_SENIOR_LYON, "marie.txt")
    junior = _ingest(engine, CV_JUNIOR_PARIS, "paul.txt")
    resp = engine.candidate_search.search("trouve-moi des développeurs Python seniors près de Lyon")
    assert resp.filters.experience_min_months == 60
    assert resp.filters.geo is not None and resp.filters.geo.label == "Lyon"
    ids = [r.id for r in resp.results]
    assert ids == [senior]
    assert junior not in ids
    paris = GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=20)
    resp = engine.candidate_search.search(
        "python", SearchFilters(geo=paris, skills=["python"]), interpret=False
    )
    assert [r.id for r in resp.results] == [junior]


def test_forget_removes_everything(engine: Engine) -> None:
    cid = _ingest(engine, CV_SENIOR_LYON, "marie.txt")
    files = list((engine.settings.data_dir / "cvs").iterdir())
    assert len(files) == 1
    assert engine.forget(cid).found is True
    assert engine.candidates.count() == 0
    assert engine.indexes("candidates").vectors.count() == 0
    assert engine.indexes("candidates").lexical.count() == 0
    assert engine.candidates.personal_data(cid) is None
    assert not any((engine.settings.data_dir / "cvs").iterdir())
    assert engine.forget(cid).found is False


def test_unreadable_cv_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buf, format="PDF")
    with pytest.raises(ScannedPDFError, match="scan"):
        engine.candidate_ingestion.ingest_bytes(buf.getvalue(), "scan.pdf")
    assert engine.candidates.count() == 0
    files_dir = engine.settings.data_dir / "cvs"
    assert not files_dir.exists() or not any(files_dir.iterdir())
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(buf.getvalue())
    (folder / "ok.txt").write_text(CV_JUNIOR_PARIS, encoding="utf-8")
    summary = engine.candidate_ingestion.ingest_path(folder)
    assert len(summary.results) == 1 and len(summary.rejected) == 1
    assert "scan" in summary.rejected[0][1]


CV_CARISTE_ROUEN = """Julie Bernard
julie.bernard@example.fr
76000 Rouen

Cariste

Expérience
2019 - 2024 Cariste, Entrepôt Normand, Rouen
Chargement et déchargement des camions, CACES R489.

Compétences
CACES R489, Gestion des stocks
"""


def test_no_candidate_of_the_occupation_nearby_says_so_with_the_nearest(engine: Engine) -> None:
    cariste = _ingest(engine, CV_CARISTE_ROUEN, "julie.txt")
    _ingest(engine, CV_SENIOR_LYON, "marie.txt")  # in Lyon, but not a cariste
    resp = engine.candidate_search.search("cariste près de Lyon")
    assert resp.results == [], "a developer in Lyon is not a forklift driver"
    assert resp.no_match is not None and resp.no_match.place == "Lyon"
    assert [a.id for a in resp.no_match.alternatives] == [cariste]
    assert resp.no_match.alternatives[0].distance_km is not None
    assert resp.no_match.alternatives[0].distance_km > 400  # Rouen, measured from Lyon
    near = engine.candidate_search.search("cariste près de Rouen")
    assert [r.id for r in near.results] == [cariste] and near.no_match is None
