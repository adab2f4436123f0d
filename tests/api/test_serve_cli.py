"""``bassin serve`` as a user runs it: a subprocess, JSON logs, /health over loopback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration
BASSIN = Path(sys.executable).with_name("bassin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bassin_serve_answers_and_logs_json(base_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(base_data_dir, data)
    port = free_port()
    env = {**os.environ, "BASSIN_API_KEYS": "k1,k2"}
    proc = subprocess.Popen(
        [str(BASSIN), "serve", "--data-dir", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                r = httpx.get(
                    f"http://127.0.0.1:{port}/health", headers={"X-Request-ID": "serve-1"}, timeout=5
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "bassin serve did not start"
                time.sleep(0.5)
        assert r.status_code == 200 and r.json()["database"]["offers"] > 300
        w = httpx.post(
            f"http://127.0.0.1:{port}/faiss/delete",
            json={"index": "offers", "ids": ["NOPE"]},
            headers={"X-API-Key": "k2"},
        )
        assert w.status_code == 200 and w.json()["unknown_ids"] == ["NOPE"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    health = next(line for line in lines if line.get("request_id") == "serve-1")
    assert health["status"] == 200 and health["route"] == "/health" and health["logger"] == "bassin.api"
    assert not any("k2" in line for line in err.splitlines())  # keys are never logged
