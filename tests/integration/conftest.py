"""Fixtures building the real engine (USE embedder, FAISS, tantivy, SQLite) in a temporary data dir."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.runtime import Engine, build_engine
from app.settings import Settings
from tests.conftest import load_raw_offers


def write_jsonl_gz(path: Path, rows: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def small_offers() -> list[dict[str, Any]]:
    """400 real offers: a slice of the shipped sample, plus every Lyon-area CDI in it for geo tests."""
    rows = load_raw_offers()
    picked = rows[:300]
    lyon = [r for r in rows[300:] if (r.get("lieuTravail", {}).get("codePostal") or "").startswith("69")]
    return picked + lyon[:100]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = build_engine(settings)
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def loaded_engine(
    tmp_path_factory: pytest.TempPathFactory, small_offers: list[dict[str, Any]]
) -> Iterator[Engine]:
    """An engine with the small real corpus ingested once for read-only tests."""
    root = tmp_path_factory.mktemp("loaded")
    eng = build_engine(Settings(data_dir=root / "data", _env_file=None))  # type: ignore[call-arg]
    src = write_jsonl_gz(root / "offers.jsonl.gz", small_offers)
    from ingestion.offers.readers import read_offer_items

    eng.pipeline.ingest(read_offer_items(src))
    yield eng
    eng.close()
