"""Issue 19: a real ``bassin serve`` writing vectors while ``bassin ingest`` / ``delete`` / ``forget`` run.

Every API write (``/faiss/upsert``, ``/faiss/delete``, ``/vectors/*``) takes the same writer lock as the
command line for the length of the request, so the two never interleave: the CLI waits for a request to
end, and a request that finds a command holding the data waits ``BASSIN_API_WRITER_WAIT_S``, then
gets a 409 with ``Retry-After`` that names the holder, never a 5xx. At the end SQL, FAISS and the
lexical index agree by content, the offers and candidates are exactly those the writers left (nothing
lost, nothing resurrected: not the deleted offers, not the forgotten person), and no file is left over.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from tests.integration.conftest import write_jsonl_gz
from tests.reliability.conftest import ROOT, bassin, bassin_env
from tests.reliability.stores import assert_in_step, build_store, processes_of

pytestmark = pytest.mark.integration
KEY = "writer-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_api_and_cli_writers_never_interleave(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    store = build_store("sqlite", tmp_path, {}, settings)
    seed_offers = sorted(store.offers)
    seed_cvs = sorted(store.candidates)
    api_deletes, cli_deletes, upserted = seed_offers[:4], seed_offers[4:6], seed_offers[6:]
    forgotten = seed_cvs[0]

    port = _free_port()
    env = bassin_env(store.data, BASSIN_API_KEYS=KEY, BASSIN_API_RATE_LIMIT_PER_MINUTE="0",
                     BASSIN_API_WRITER_WAIT_S="0.5")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "bassin.cli", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    statuses: Counter[int] = Counter()
    busy: list[httpx.Response] = []
    deleted_by_api: set[str] = set()
    stop = threading.Event()
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read()[-3000:] if server.stderr else ""
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "bassin serve did not start"
            time.sleep(0.3)

        def api_writes() -> None:
            headers = {"X-API-Key": KEY}
            with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
                i = 0
                while not stop.is_set():
                    todo = [x for x in api_deletes if x not in deleted_by_api]
                    if i % 3 == 2 and todo:
                        r = client.post("/faiss/delete", json={"index": "offers", "ids": todo[:1]})
                        if r.status_code == 200:
                            deleted_by_api.update(todo[:1])
                    elif i % 3 == 1:  # the forgotten person too: once gone, a 404, never back
                        r = client.post("/vectors/upsert", json={"index": "candidates",
                                        "items": [{"id": c} for c in seed_cvs]})  # fmt: skip
                    else:
                        items = [{"id": o} for o in upserted[i % 20 : i % 20 + 5]]
                        r = client.post("/faiss/upsert", json={"index": "offers", "items": items})
                    statuses[r.status_code] += 1
                    if r.status_code == 409:
                        busy.append(r)
                    i += 1
                    time.sleep(0.05)  # a client's pace, not a tight loop starving the commands

        writer = threading.Thread(target=api_writes)
        writer.start()
        new_offers = store.new_offers(10)
        store.offers = (store.offers | {r["id"] for r in new_offers}) - set(cli_deletes)
        commands = [
            ["ingest", "offers", str(write_jsonl_gz(tmp_path / "new.jsonl.gz", new_offers))],
            ["delete", "offers", *cli_deletes],
            ["forget", "candidate", forgotten],
            ["ingest", "cvs", str(store.new_cvs(2))],
        ]
        store.candidates.discard(forgotten)
        before = sum(statuses.values())
        for args in commands:
            done = bassin(args, store.data, BASSIN_API_KEYS=KEY)
            assert done.returncode == 0, f"{args}: {done.stderr}"
        during = sum(statuses.values()) - before
        while len(deleted_by_api) < len(api_deletes) and writer.is_alive():
            time.sleep(0.2)
        stop.set()
        writer.join(timeout=120)
        store.offers -= deleted_by_api
        # one last write through the server, then everything it holds must be on disk, in step
        last = httpx.post(f"{url}/faiss/upsert", headers={"X-API-Key": KEY}, timeout=60,
                          json={"index": "offers", "items": [{"id": upserted[0]}]})  # fmt: skip
        assert last.status_code == 200, last.text
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=60)

    assert deleted_by_api == set(api_deletes)
    assert during > 0, "no API write ran while the commands did"
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {200, 404, 409}, statuses
    for r in busy:
        assert r.headers["Retry-After"] and "bassin" in r.json()["holder"], r.text
    assert statuses[200] > 0 and statuses[404] > 0, statuses  # 404: the forgotten person's upsert
    assert processes_of(store.data) == []
    assert_in_step(store, files=False)  # in step as the writers left it, before any sync
    # sync finds nothing to repair in the indexes; it only collects the segments tantivy merged away
    # (its own collection runs at a writer's next commit)
    synced = bassin(["sync"], store.data)
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.count("+0 ajoutés, 0 rafraîchis, -0 orphelins supprimés") == 4, synced.stdout
    assert synced.stdout.count("supprimés, 0 vecteurs étrangers remplacés") == 2, synced.stdout
    assert_in_step(store)
