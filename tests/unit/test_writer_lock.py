"""The data's writer lock between processes: an API request (short holder) is waited for, a command is not;
an API request waits a moment for anyone, then fails naming the holder. Each holder is another process."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import pytest

from domain import crash_points
from domain.errors import WriterBusyError
from store import Database
from store.locks import exclusive_writer


def _hold(data_dir: str, what: str, short: bool, seconds: float, ready: mp.synchronize.Event) -> None:
    db = Database(f"sqlite:///{data_dir}/bassin.db")
    with exclusive_writer(db, Path(data_dir), what, short=short):
        ready.set()
        time.sleep(seconds)


def _holding(tmp_path: Path, what: str, *, short: bool, seconds: float) -> mp.process.BaseProcess:
    ctx = mp.get_context("fork")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold, args=(str(tmp_path), what, short, seconds, ready))
    proc.start()
    assert ready.wait(30)
    return proc


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path}/bassin.db")


def test_a_command_waits_for_an_api_request_but_not_for_a_command(tmp_path: Path, db: Database) -> None:
    proc = _holding(tmp_path, "bassin serve : upsert offers", short=True, seconds=0.5)
    start = time.monotonic()
    with exclusive_writer(db, tmp_path, "bassin ingest offers", wait_s=30):
        waited = time.monotonic() - start
    proc.join()
    assert 0.1 < waited < 10

    proc = _holding(tmp_path, "bassin ingest offers", short=False, seconds=1.5)
    start = time.monotonic()
    with (
        pytest.raises(WriterBusyError, match=r"bassin ingest offers, pid \d+"),
        exclusive_writer(db, tmp_path, "bassin sync", wait_s=30),
    ):
        pass
    assert time.monotonic() - start < 1  # refused at once, not after 30 s
    proc.join()


def test_an_api_request_waits_a_moment_then_names_the_holder(tmp_path: Path, db: Database) -> None:
    proc = _holding(tmp_path, "bassin ingest offers", short=False, seconds=1.5)
    start = time.monotonic()
    with (
        pytest.raises(WriterBusyError) as busy,
        exclusive_writer(db, tmp_path, "bassin serve : delete offers", short=True, wait_s=0.3),
    ):
        pass
    assert 0.3 <= time.monotonic() - start < 2
    assert busy.value.holder.startswith("bassin ingest offers, pid")
    proc.join()


def test_crash_points_are_named() -> None:
    with pytest.raises(ValueError, match="unknown crash step"):
        crash_points.arm("sync.typo")
    crash_points.arm(None)
    crash_points.reached("sync.batch-indexed")  # unarmed: nothing happens
