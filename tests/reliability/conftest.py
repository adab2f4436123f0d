"""Helpers of the reliability suite: the real ``bassin`` command in a subprocess, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil

from app.runtime import Engine, build_engine
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def bassin_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASSIN_")}
    for key in ("BASSIN_ES_PORT", "BASSIN_PG_PORT"):
        if key in os.environ:
            env[key] = os.environ[key]
    env.update({"BASSIN_DATA_DIR": str(data_dir), "BASSIN_LLM_PROVIDER": "offline", **extra})
    return env


def bassin(args: Sequence[str], data_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``bassin ARGS`` to the end."""
    return subprocess.run(
        [sys.executable, "-m", "bassin.cli", *args],
        cwd=ROOT,
        env=bassin_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def start_bassin(args: Sequence[str], data_dir: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bassin.cli", *args],
        cwd=ROOT,
        env=bassin_env(data_dir, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def sql_count(data_dir: Path, table: str) -> int:
    """Rows committed in a table of the data dir's SQLite database (0 before it exists)."""
    path = data_dir / "bassin.db"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def kill9(proc: subprocess.Popen[str]) -> list[int]:
    """SIGKILL the process (only it, as a crash would); returns the pids of its children at that moment."""
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return children


def alive(pids: Sequence[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.NoSuchProcess:
            pass
    return out


def open_engine(data_dir: Path, database_url: str | None = None) -> Engine:
    return build_engine(Settings(data_dir=data_dir, database_url=database_url, _env_file=None))  # type: ignore[call-arg]


def index_state(engine: Engine, collection: str) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """(SQL, FAISS, lexical) doc id → content hash: in step when the three are equal."""
    idx = engine.indexes(collection)  # type: ignore[arg-type]
    source = engine.offers if collection == "offers" else engine.candidates
    return source.hashes(), idx.vectors.hashes(), idx.lexical.hashes()
