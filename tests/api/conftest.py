"""The real API served by uvicorn on loopback, over a small real engine (USE, FAISS, tantivy, SQLite)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.config import ApiConfig
from api.deps import ApiServices
from api.wiring import build_api_services
from app.runtime import Engine, build_engine
from app.settings import Settings
from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz

API_KEY = "test-key-0123456789"

CV_LYON = """Marie Dupont
marie.dupont@example.fr · 06 12 34 56 78
12 rue des Lilas, 69003 Lyon

Développeuse Python senior

Profil
Développeuse backend, je recherche un CDI à Lyon.

Expérience professionnelle
2016 - 2024 Développeuse Python, Société Exemple, Lyon
Conception d'API REST avec Django et PostgreSQL, déploiement sur Kubernetes.
2012 - 2016 Développeuse Java, Autre Société, Villeurbanne

Compétences
Python, Django, PostgreSQL, Docker, Kubernetes, Git

Langues
Anglais courant (C1)
"""

CV_CARISTE = """Karim Benali
karim.b@example.fr
69007 Lyon

Cariste - préparateur de commandes

Expérience
2018 - 2024 Cariste, Entrepôt Logistique, Vénissieux
Conduite de chariots élévateurs, préparation de commandes, gestion des stocks.

Compétences
CACES 1, CACES 3, CACES 5, préparation de commandes, inventaire
"""


class ServedApp:
    """A uvicorn server on a free loopback port, in a thread (started and stopped by the fixture)."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            h11_max_incomplete_event_size=256 * 1024,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def api_offers() -> list[dict[str, Any]]:
    """300 real offers from the shipped sample, plus Lyon-area ones (the test CVs live in Lyon)."""
    rows = load_raw_offers()
    lyon = [r for r in rows[300:] if (r.get("lieuTravail", {}).get("codePostal") or "").startswith("69")]
    return rows[:300] + lyon[:100]


def build_loaded_engine(root: Path, offers: list[dict[str, Any]]) -> Engine:
    from ingestion.offers.readers import read_offer_items

    engine = build_engine(Settings(data_dir=root / "data", _env_file=None))  # type: ignore[call-arg]
    engine.pipeline.ingest(read_offer_items(write_jsonl_gz(root / "offers.jsonl.gz", offers)))
    for text, name in ((CV_LYON, "marie.txt"), (CV_CARISTE, "karim.txt")):
        engine.candidate_ingestion.ingest_bytes(text.encode("utf-8"), name)
    return engine


@pytest.fixture(scope="package")
def base_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the real offers and two candidates, built once; tests that write copy it."""
    root = tmp_path_factory.mktemp("api-base")
    engine = build_loaded_engine(root, api_offers())
    engine.close()
    return root / "data"


def open_engine(data_dir: Path) -> Engine:
    return build_engine(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]


def api_config(**overrides: Any) -> ApiConfig:
    """Limits as served, with a key, no rate limit and the offers-changed time read on every request."""
    values: dict[str, Any] = {
        "api_keys": (API_KEY,),
        "rate_limit_per_minute": 0.0,
        "offers_changed_poll_s": 0.0,
    }
    return ApiConfig(**{**values, **overrides})


def serve_engine(engine: Engine, config: ApiConfig) -> tuple[ServedApp, ApiServices]:
    services = build_api_services(engine, config)
    return ServedApp(create_app(services, config)), services


@pytest.fixture(scope="package")
def read_engine(base_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The engine of the read-only tests, on its own copy (its match cache fills up; the base stays empty)."""
    target = tmp_path_factory.mktemp("api-read") / "data"
    shutil.copytree(base_data_dir, target)
    engine = open_engine(target)
    yield engine
    engine.close()


@pytest.fixture(scope="package")
def read_api(read_engine: Engine) -> Iterator[ServedApp]:
    """The API over the shared engine, for tests that only read."""
    served, _ = serve_engine(read_engine, api_config())
    with served:
        yield served


@pytest.fixture
def client(read_api: ServedApp) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=read_api.url, timeout=60) as c:
        yield c


@pytest.fixture
def own_data_dir(base_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the loaded data dir, for tests that write."""
    target = tmp_path / "data"
    shutil.copytree(base_data_dir, target)
    return target


@pytest.fixture
def own_engine(own_data_dir: Path) -> Iterator[Engine]:
    engine = open_engine(own_data_dir)
    yield engine
    engine.close()
