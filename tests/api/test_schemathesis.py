"""Schemathesis against the published OpenAPI spec of the served API: no server error, answers as documented."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from app.runtime import Engine
from tests.api.conftest import API_KEY, ServedApp, api_config, open_engine, serve_engine

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fuzz_engine(base_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Its own copy of the data: the fuzzer writes (FAISS upserts and deletes with a valid key)."""
    target = tmp_path_factory.mktemp("api-fuzz") / "data"
    shutil.copytree(base_data_dir, target)
    engine = open_engine(target)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def fuzz_api(fuzz_engine: Engine) -> Iterator[ServedApp]:
    served, _ = serve_engine(fuzz_engine, api_config())
    with served:
        yield served


NO_INPUT = {"/health", "/metrics"}


def operations(url: str) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


# Driven by hand rather than by ``schema.parametrize()``: the lazy-fixture mode of schemathesis 4.32 reads
# a pytest-internal attribute that pytest 9 no longer has.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_spec(fuzz_api: ServedApp, mode: GenerationMode) -> None:
    ops = operations(fuzz_api.url)
    assert {op.path for op in ops} >= {"/match", "/offers", "/embeddings", "/faiss/search", "/faiss/upsert"}
    failures: list[str] = []
    calls = 0
    for op in ops:
        if mode is GenerationMode.NEGATIVE and op.path in NO_INPUT:
            continue  # nothing to make invalid

        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=mode))
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(
                base_url=fuzz_api.url,
                headers={"X-API-Key": API_KEY},
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )

        try:
            check()
        except Exception as exc:  # every operation's failures are collected, then reported together
            failures.append(f"{op.method.upper()} {op.path}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert calls >= len(ops) * 5
