"""The real offer corpus as an engine, built once into a cache directory (calibration, evals, benchmarks).

Ingesting the 7,779 real offers takes a few minutes on a small machine (the encoder dominates); the
data directory is kept between runs and reused when it already holds the file's offers.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from app.runtime import Engine, build_engine
from app.settings import Settings

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
REAL_OFFERS = SHARED_DATA / "offers" / "france_travail_offers.jsonl.gz"
REAL_RESUMES = SHARED_DATA / "resumes" / "livecareer_resumes.csv.gz"
DEFAULT_CACHE = ROOT / "var" / "evals" / "offers-full"


def open_offer_corpus(
    data_dir: Path = DEFAULT_CACHE, offers_path: Path = REAL_OFFERS, *, embedding_model: str | None = None
) -> Engine:
    """An engine over every offer of ``offers_path``, ingested into ``data_dir`` unless already there.

    Args:
        data_dir: cache directory (created; rebuilt when it holds fewer offers than the file).
        offers_path: France Travail JSONL(.gz) file.
        embedding_model: embedding spec; default the product's (``Settings().embedding_model``).
    """
    from ingestion.offers.readers import count_items, read_offer_items

    overrides: dict[str, object] = {"data_dir": data_dir}
    if embedding_model:
        overrides["embedding_model"] = embedding_model
    settings = Settings(_env_file=None, **overrides)  # type: ignore[call-arg, arg-type]
    expected = count_items(offers_path)
    engine = build_engine(settings)
    if engine.offers.count() >= (expected or 1) and engine.lexical.count() == engine.offers.count():
        return engine
    engine.close()
    if data_dir.exists():
        shutil.rmtree(data_dir)
    engine = build_engine(settings)
    log.info("ingesting %s into %s (a few minutes)", offers_path, data_dir)
    engine.pipeline.ingest(read_offer_items(offers_path))
    return engine
