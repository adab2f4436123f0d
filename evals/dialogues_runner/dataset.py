"""The eval data dir: the project's sample offers plus the eval fixtures, ingested once and reused.

``prepare_data_dir`` is idempotent: a stamp holds the hash of every input (and the embedding model); when
it matches and the store is filled, nothing is done. Otherwise the offers and CVs are (re-)ingested, which
changes nothing for inputs already there, and candidates whose CV left the fixtures are forgotten.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.runtime import Engine
from app.settings import Settings
from evals.dialogues_runner.spec import FIXTURES_DIR
from ingestion.offers.readers import read_offer_items
from store.candidate_models import CandidateRow

ROOT = FIXTURES_DIR.parent.parent
SAMPLE_OFFERS = ROOT / "data" / "offers" / "france_travail_sample.jsonl.gz"
EXTRA_OFFERS = FIXTURES_DIR / "offers"
CANDIDATE_CVS = FIXTURES_DIR / "candidates"
DEFAULT_DATA_DIR = ROOT / "var" / "evals" / "dialogues-data"
STAMP = "eval-inputs.sha256"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataReport:
    """What preparing the data dir did."""

    data_dir: Path
    reused: bool
    offers: int
    candidates: int


def eval_settings(base: Settings, data_dir: Path) -> Settings:
    """``base`` pointed at the eval data dir, with the embedded stores only (never a shared database,
    Elasticsearch cluster or offers API: an eval run must not write into, or read from, production)."""
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": None,
            "elasticsearch_url": None,
            "lexical_backend": "embedded",
            "offers_api_url": None,
        }
    )


def inputs() -> list[Path]:
    """Every file the eval data dir is built from."""
    extra = sorted(EXTRA_OFFERS.glob("*.jsonl")) if EXTRA_OFFERS.is_dir() else []
    cvs = sorted(p for p in CANDIDATE_CVS.iterdir() if p.is_file() and p.suffix.lower() in _CV_SUFFIXES)
    return [SAMPLE_OFFERS, *extra, *cvs]


_CV_SUFFIXES = frozenset({".pdf", ".docx", ".txt", ".md"})


def _fingerprint(paths: list[Path], model: str) -> str:
    digest = hashlib.sha256(model.encode())
    for p in paths:
        digest.update(p.name.encode())
        digest.update(hashlib.sha256(p.read_bytes()).digest())
    return digest.hexdigest()


def prepare_data_dir(engine: Engine) -> DataReport:
    """Ingest the sample offers, the extra eval offers and the eval CVs into ``engine`` unless its stamp
    says they already are."""
    data_dir = engine.settings.data_dir
    files = inputs()
    stamp = data_dir / STAMP
    fingerprint = _fingerprint(files, engine.embedder.model_id)
    if (
        stamp.is_file()
        and stamp.read_text().strip() == fingerprint
        and engine.offers.count() > 0
        and engine.candidates.count() > 0
    ):
        return DataReport(data_dir, True, engine.offers.count(), engine.candidates.count())
    stamp.unlink(missing_ok=True)
    for path in files:
        if path.name.endswith((".jsonl", ".jsonl.gz")):
            summary = engine.pipeline.ingest(read_offer_items(path))
            log.info("%s: %d read, %d inserted, %d rejected", path.name, summary.read, summary.inserted,
                     len(summary.rejected))  # fmt: skip
    wanted = set()
    for path in files:
        if path.suffix.lower() in _CV_SUFFIXES:
            wanted.add(engine.candidate_ingestion.ingest_bytes(path.read_bytes(), path.name).external_id)
    with engine.db.session() as s:
        stored = set(s.scalars(select(CandidateRow.external_id)))
    for stale in sorted(stored - wanted):
        engine.forget(stale)
    stamp.write_text(fingerprint + "\n")
    return DataReport(data_dir, False, engine.offers.count(), engine.candidates.count())
