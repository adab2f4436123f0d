"""A real Bassin chat UI for tests and benchmarks: a data dir over real offers and CVs, ``chainlit run``.

``prepare_data_dir`` ingests real France Travail offers (and real PDF CVs as stored candidates) with the
CLI, exactly as a user would; ``ChainlitServer`` starts ``chainlit run chainlit_app.py --headless`` on a free
loopback port with that data dir and the offline planner, and stops it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT, SHARED_DATA, load_raw_offers

BASSIN = Path(sys.executable).with_name("bassin")
CHAINLIT = Path(sys.executable).with_name("chainlit")
USERS = [
    {"name": "camille", "password": "camille-ui-test", "role": "candidate"},
    {"name": "remi", "password": "remi-ui-test", "role": "recruiter"},
]
RESUMES = SHARED_DATA / "resumes" / "pdf"


def pick_offers(limit: int) -> list[dict[str, Any]]:
    """Real offers: the first of the sample, the Lyon-area ones and the developer ones (the starters)."""
    rows = load_raw_offers()
    lyon = [r for r in rows if (r.get("lieuTravail", {}).get("codePostal") or "").startswith("69")]
    dev = [r for r in rows if "veloppeur" in (r.get("intitule") or "").lower()]
    picked: dict[str, dict[str, Any]] = {}
    for r in [*lyon[: limit // 4], *dev[: limit // 8], *rows]:
        picked.setdefault(r["id"], r)
        if len(picked) >= limit:
            break
    return list(picked.values())


def cv_files(count: int) -> list[Path]:
    """Real PDF resumes from the shared data (IT first: the recruiter starter asks for Java and SQL)."""
    it = sorted((RESUMES / "INFORMATION-TECHNOLOGY").glob("*.pdf"))
    others = sorted(p for p in RESUMES.glob("*/*.pdf") if p.parent.name != "INFORMATION-TECHNOLOGY")
    return [*it, *others][:count]


def prepare_data_dir(data_dir: Path, *, offers: int = 400, cvs: int = 8, source: Path | None = None) -> Path:
    """Ingest ``offers`` real offers (or the file ``source``) and ``cvs`` real CVs into ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BASSIN_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    if source is None:
        source = data_dir / "offers.jsonl.gz"
        with gzip.open(source, "wt", encoding="utf-8") as fh:
            for row in pick_offers(offers):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    subprocess.run([str(BASSIN), "ingest", "offers", str(source)], env=env, check=True, capture_output=True)
    if cvs:
        folder = data_dir / "cv-inbox"
        folder.mkdir(exist_ok=True)
        for path in cv_files(cvs):
            shutil.copy(path, folder / path.name)
        subprocess.run([str(BASSIN), "ingest", "cvs", str(folder)], env=env, check=True, capture_output=True)
    return data_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChainlitServer:
    """``chainlit run chainlit_app.py --headless`` as a subprocess, on its own port and data dir."""

    def __init__(self, data_dir: Path, log_path: Path, *, users: list[dict[str, str]] = USERS) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BASSIN_DATA_DIR": str(data_dir),
            "BASSIN_LLM_PROVIDER": "offline",
            "BASSIN_UI_USERS": json.dumps(users),
            "CHAINLIT_AUTH_SECRET": "ui-test-secret-" + "x" * 40,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def app_root(self) -> Path:
        """A folder of its own for Chainlit (it keeps uploads in ``<cwd>/.files`` and deletes that folder
        when it stops): the repository's config and readme linked in, nothing shared with another server."""
        root = self.data_dir.parent / f"app-{self.port}"
        root.mkdir(parents=True, exist_ok=True)
        for name in (".chainlit", "chainlit.md", "public"):
            if (ROOT / name).exists() and not (root / name).exists():
                (root / name).symlink_to(ROOT / name)
        return root

    def start(self, timeout_s: float = 180.0) -> None:
        log = self.log_path.open("wb")
        command = [str(CHAINLIT), "run", str(ROOT / "chainlit_app.py"), "--headless"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            cwd=self.app_root(),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chainlit exited ({self.process.returncode}):\n{self.log()}")
            try:
                if httpx.get(self.url + "/project/settings", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"chainlit did not answer within {timeout_s:.0f} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
