"""``bassin ask`` through a running ``bassin serve`` (``BASSIN_SERVER_URL``), both as users run them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_serve_cli import BASSIN, free_port

pytestmark = pytest.mark.integration
KEY = "ask-key-0123456789"


def bassin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BASSIN), *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def served(base_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real ``bassin serve`` on its own copy of the data; yields the client's environment."""
    data = tmp_path_factory.mktemp("ask-server") / "data"
    shutil.copytree(base_data_dir, data)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASSIN_")}
    env |= {"BASSIN_DATA_DIR": str(data), "BASSIN_LLM_PROVIDER": "offline", "BASSIN_API_KEYS": KEY}
    proc = subprocess.Popen(
        [str(BASSIN), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                httpx.get(f"{url}/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("bassin serve did not answer /health within 5 minutes")
        yield {**env, "BASSIN_SERVER_URL": url}
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def test_ask_through_the_server_answers_like_the_local_agent_and_keeps_the_thread(
    served: dict[str, str],
) -> None:
    remote = bassin("ask", "développeur python à Lyon", "--json", env=served)
    assert remote.returncode == 0, remote.stderr
    answer = json.loads(remote.stdout)
    local = bassin("ask", "développeur python à Lyon", "--json", "--local", env=served)
    assert local.returncode == 0, local.stderr
    here = json.loads(local.stdout)
    assert [c["name"] for c in answer["tool_calls"]] == ["search_offers"]
    assert answer["tool_calls"] == here["tool_calls"]
    assert answer["answer"] == here["answer"] and answer["cited_ids"] == here["cited_ids"]
    assert answer["cited_ids"] and answer["thread_id"] != here["thread_id"]

    follow = bassin("ask", "seulement les CDI", "--thread", answer["thread_id"], "--json", env=served)
    assert follow.returncode == 0, follow.stderr
    turn = json.loads(follow.stdout)
    assert turn["thread_id"] == answer["thread_id"]
    (call,) = turn["tool_calls"]
    assert call["args"].get("contracts") == ["CDI"]  # the server remembered the first question's search
    assert "python" in json.dumps(call["args"]).lower()


def test_ask_without_the_servers_key_or_server_says_what_to_do(served: dict[str, str]) -> None:
    refused = bassin(
        "ask", "cariste", env={**served, "BASSIN_API_KEYS": "", "BASSIN_SERVER_API_KEY": "wrong"}
    )
    assert refused.returncode == 2 and "BASSIN_SERVER_API_KEY" in refused.stderr
    gone = bassin("ask", "cariste", env={**served, "BASSIN_SERVER_URL": f"http://127.0.0.1:{free_port()}"})
    assert gone.returncode == 2 and "bassin serve" in gone.stderr and "Traceback" not in gone.stderr


def test_ask_is_served_only_with_a_key(served: dict[str, str]) -> None:
    url = served["BASSIN_SERVER_URL"]
    assert httpx.post(f"{url}/ask", json={"question": "cariste"}, timeout=60).status_code == 401
    spec = httpx.get(f"{url}/openapi.json", timeout=30).json()
    assert "/ask" in spec["paths"]
