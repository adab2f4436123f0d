"""The chat UI opens its engine as the server starts, not on its first user's first question."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.ui.app_server import ChainlitServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


def test_the_engine_is_open_and_warm_before_anybody_logs_in(ui_data_dir: Path, tmp_path: Path) -> None:
    server = ChainlitServer(ui_data_dir, tmp_path / "chainlit-startup.log")
    server.start()
    try:
        deadline = time.monotonic() + 300  # a loaded 2-core CI machine: opening and warming take seconds
        seen: list[tuple[int, str]] = []
        while time.monotonic() < deadline:
            response = httpx.get(server.url + "/ready", timeout=10)
            seen.append((response.status_code, response.text[:80]))
            if response.status_code == 200:
                break
            assert response.status_code == 503 and response.json() == {"ready": False}
            time.sleep(0.5)
        # Nobody opened a chat: only the server's own start can have opened the engine and warmed it.
        assert response.status_code == 200, (seen[-3:], server.log())
        assert response.json() == {"ready": True}
    finally:
        server.stop()
