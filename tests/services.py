"""Session fixtures for real external services (a pytest plugin loaded by tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from retrieval.lexical.elastic import connect_elasticsearch

ROOT = Path(__file__).resolve().parents[1]
ES_SCRIPT = ROOT / "scripts" / "elasticsearch.sh"


@pytest.fixture(scope="session")
def elasticsearch_url() -> Iterator[str]:
    """A running Elasticsearch node: ``BASSIN_TEST_ELASTICSEARCH_URL``, or one started by the script."""
    given = os.environ.get("BASSIN_TEST_ELASTICSEARCH_URL")
    if given:
        yield given
        return
    was_running = subprocess.run([ES_SCRIPT, "status"], capture_output=True, check=False).returncode == 0
    started = subprocess.run([ES_SCRIPT, "start"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        pytest.fail(f"scripts/elasticsearch.sh start failed:\n{started.stderr[-3000:]}")
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        subprocess.run([ES_SCRIPT, "stop"], capture_output=True, check=False)


@pytest.fixture(scope="session")
def elasticsearch_client(elasticsearch_url: str) -> Iterator[Elasticsearch]:
    client = connect_elasticsearch(elasticsearch_url)
    yield client
    client.close()
