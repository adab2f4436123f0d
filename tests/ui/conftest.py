"""A real chat UI for the browser tests: real offers and CVs ingested, ``chainlit run`` on a loopback port,
headless Chromium (the Debian ``chromium`` package) driven by Playwright, external requests blocked.

Without ``chromium`` the tests skip, except in CI (``CI`` set) where ``scripts/system-deps.sh`` installs it:
there a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.ui.app_server import USERS, ChainlitServer, prepare_data_dir

ARTIFACTS = ROOT / "var" / "test-artifacts" / "ui"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: scripts/system-deps.sh should have installed it")
        pytest.skip("no chromium on this machine (apt-get install chromium, or run scripts/system-deps.sh)")
    return path


@pytest.fixture(scope="session")
def ui_data_dir(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Path:
    return prepare_data_dir(tmp_path_factory.mktemp("ui") / "data")


@pytest.fixture(scope="session")
def ui_server(ui_data_dir: Path) -> Iterator[ChainlitServer]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = ChainlitServer(ui_data_dir, ARTIFACTS / "chainlit.log")
    server.start()
    yield server
    server.stop()


# Module scope: while sync_playwright() is open, its event loop counts as running in the main thread,
# and every later async test of the session (pytest-asyncio) would fail with "Runner.run() cannot be
# called from a running event loop".
@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, ui_server: ChainlitServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies); only the app's own origin is reachable (offline UI)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(ui_server.url) else route.abort(),
    )
    context.set_default_timeout(90_000)
    page = context.new_page()
    yield page
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    context.close()


def user(role: str) -> dict[str, str]:
    return next(u for u in USERS if u["role"] == role)
