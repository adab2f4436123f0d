"""The lean install's commands as a user runs them: no torch on the offline default's path, light --help,
the extra named when a configured model needs it, and the cached USE model equal to the built one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from referentials.compiled import CompiledCache
from retrieval.embeddings.use import UseMultilingualEmbedder
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration

TORCH_STACK = ("torch", "transformers", "sentence_transformers")
# Runs the real CLI in a fresh interpreter. A finder records every lookup of the torch stack (this test venv
# has it installed), so an optional import that a library would swallow is seen too; the modules loaded are
# listed at the end.
PROBE = """
import importlib.abc, json, sys
watched, absent = (set(json.loads(a)) for a in sys.argv[1:3])
attempts = []
class Record(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in watched:
            attempts.append(name)
        if name.split(".")[0] in absent:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Record())
sys.argv = ["bassin", *sys.argv[3:]]
from bassin.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
print("PROBE " + json.dumps({"code": code, "attempts": attempts, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_probe(
    args: list[str], env: dict[str, str], *, absent: tuple[str, ...] = ()
) -> tuple[str, dict[str, Any]]:
    """Run ``bassin ARGS``; ``absent`` modules behave as not installed. Returns stdout and the probe's report."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(TORCH_STACK), json.dumps(absent), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stderr[-3000:]
    return done.stdout, {**json.loads(lines[-1][6:]), "stderr": done.stderr}


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory, small_offers: list[dict[str, Any]]) -> dict[str, str]:
    """A data dir filled by ``bassin ingest offers`` (60 real offers), and the env the commands run with."""
    root = tmp_path_factory.mktemp("lean")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASSIN_")}
    env |= {
        "BASSIN_DATA_DIR": str(root / "data"),
        "BASSIN_LLM_PROVIDER": "offline",
        "XDG_CACHE_HOME": str(root / "cache"),
    }
    offers = write_jsonl_gz(root / "offers.jsonl.gz", small_offers[:60])
    _, probe = run_probe(["ingest", "offers", str(offers)], env)
    assert probe["code"] == 0, probe["stderr"][-3000:]
    assert probe["attempts"] == []
    return env


def test_help_loads_neither_the_engine_nor_its_libraries(cli_env: dict[str, str]) -> None:
    out, probe = run_probe(["--help"], cli_env)
    assert probe["code"] == 0 and "search" in out and "ask" in out
    heavy = {"numpy", "sqlalchemy", "faiss", "app.runtime", "langchain_core", "rich", "cv", "alembic"}
    assert heavy.isdisjoint(probe["modules"])


def test_search_and_ask_never_import_the_torch_stack(
    cli_env: dict[str, str], small_offers: list[dict[str, Any]]
) -> None:
    out, probe = run_probe(["search", "administrateur systèmes et réseaux", "--json"], cli_env)
    assert probe["code"] == 0, probe["stderr"][-3000:]
    results = json.loads(out)["results"]
    ids = {o["id"] for o in small_offers[:60]}
    assert results and {r["id"] for r in results} <= ids
    assert "Administrateur" in results[0]["title"]
    assert probe["attempts"] == [] and not set(TORCH_STACK) & set(probe["modules"])
    assert "alembic" not in probe["modules"]  # the schema is current: its revision is read, not migrated
    assert list(Path(cli_env["XDG_CACHE_HOME"], "bassin", "referentials").glob("rome-*.pickle"))

    out, probe = run_probe(["ask", "administrateur systèmes et réseaux", "--json"], cli_env)
    assert probe["code"] == 0, probe["stderr"][-3000:]
    assert [c["name"] for c in json.loads(out)["tool_calls"]] == ["search_offers"]
    assert probe["attempts"] == [] and not set(TORCH_STACK) & set(probe["modules"])


def test_a_model_that_needs_the_extra_says_how_to_install_it(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "BASSIN_EMBEDDING_MODEL": "sentence-transformers:intfloat/multilingual-e5-small"}
    _, probe = run_probe(["search", "cariste"], env, absent=TORCH_STACK)  # the lean install
    assert probe["code"] == 2
    assert 'pip install "bassin[transformers]"' in probe["stderr"]
    assert "Traceback" not in probe["stderr"]


def test_the_cached_model_embeds_exactly_like_the_built_one(tmp_path: Path) -> None:
    texts = ["Cariste CACES 3 en intérim à Lille", "Développeuse Python senior, Lyon", "aide-soignant"]
    built = UseMultilingualEmbedder().embed_documents(texts)
    cache = CompiledCache(tmp_path)
    first = UseMultilingualEmbedder(cache=cache).embed_documents(texts)  # builds, then writes the cache
    (arrays,) = tmp_path.glob("use-multilingual-v3-*.arrays")
    from_cache = UseMultilingualEmbedder(cache=cache).embed_documents(texts)
    assert np.array_equal(built, first) and np.array_equal(built, from_cache)
    assert arrays.stat().st_size > 10_000_000  # the weights, mapped by later processes rather than read


def test_search_loads_no_agent_and_an_offline_ask_neither_the_openai_client_nor_the_cv_readers(
    cli_env: dict[str, str],
) -> None:
    out, probe = run_probe(["search", "administrateur systèmes et réseaux", "--json"], cli_env)
    assert probe["code"] == 0, probe["stderr"][-3000:]
    assert json.loads(out)["results"]
    agent_stack = {"agent", "tools", "langchain_core", "langgraph", "openai", "cv", "pdfplumber", "docx"}
    assert agent_stack.isdisjoint(m.split(".")[0] for m in probe["modules"])

    out, probe = run_probe(["ask", "administrateur systèmes et réseaux", "--json"], cli_env)
    assert probe["code"] == 0, probe["stderr"][-3000:]
    assert [c["name"] for c in json.loads(out)["tool_calls"]] == ["search_offers"]
    loaded = {m.split(".")[0] for m in probe["modules"]}
    assert {"agent", "langgraph"} <= loaded  # the agent answered here, in this process
    assert loaded.isdisjoint({"openai", "langchain_openai", "pdfplumber", "pdfminer", "docx"})
