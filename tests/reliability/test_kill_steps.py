"""Issue 19: kill -9 at every named step of ingest, CV ingest, delete, sync and reindex, on two store setups.

Each case runs the real ``bassin`` command with ``BASSIN_CRASH_AT=<step>`` (``domain.crash_points``): the
process SIGKILLs itself when it reaches that step, so the kill lands exactly there. Then the command is
re-run and ``bassin sync`` run, and the test checks what a user would: every document the commands
should have left is in SQL once (0 lost, 0 duplicated), SQL and both indexes agree by content (ids,
content hashes, vectors equal to the stored embeddings: what ``bassin stats`` checks), no process of the
killed command is alive, and nothing is left behind: no temporary file, no FAISS generation or tantivy
segment no manifest names, no Elasticsearch index version outside its alias, no CV file without a row.

Setups: SQLite + tantivy + FAISS (every step), and PostgreSQL + Elasticsearch lexical + Elasticsearch
vectors (every step that exists there; FAISS and tantivy steps do not). The cases of a setup share one
store, in order: each starts from the state the previous one left, which it has just verified.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator

import pytest

from app.settings import Settings
from domain import crash_points
from domain.offers import OfferRecord
from tests.integration.conftest import write_jsonl_gz
from tests.reliability.conftest import bassin
from tests.reliability.stores import Store, assert_in_step, build_store, processes_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("kill-sqlite")
    settings = Settings(data_dir=root / "data", _env_file=None)  # type: ignore[call-arg]
    return build_store("sqlite", root, {}, settings)


@pytest.fixture(scope="module")
def pg_es_store(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str, elasticsearch_url: str
) -> Iterator[Store]:
    from sqlalchemy import create_engine, pool, text

    root = tmp_path_factory.mktemp("kill-pg-es")
    prefix = f"kill{uuid.uuid4().hex[:8]}"
    env = {
        "BASSIN_DATABASE_URL": postgres_url,
        "BASSIN_LEXICAL_BACKEND": "elasticsearch",
        "BASSIN_ELASTICSEARCH_URL": elasticsearch_url,
        "BASSIN_ELASTICSEARCH_INDEX_PREFIX": prefix,
        "BASSIN_VECTOR_BACKEND": "elasticsearch",
    }
    admin = create_engine(postgres_url, poolclass=pool.NullPool)
    with admin.begin() as conn:  # the session database may hold other modules' rows: start empty
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    admin.dispose()
    settings = Settings(  # type: ignore[call-arg]
        data_dir=root / "data",
        database_url=postgres_url,
        lexical_backend="elasticsearch",
        elasticsearch_url=elasticsearch_url,
        elasticsearch_index_prefix=prefix,
        vector_backend="elasticsearch",
        _env_file=None,
    )
    store = build_store("pg+es", root, env, settings)
    yield store
    from retrieval.lexical.elastic import connect_elasticsearch

    client = connect_elasticsearch(elasticsearch_url)
    names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
    if names:  # by name: the node refuses wildcard deletes
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
    client.close()


# -- the cases: (command, step) --------------------------------------------------------------------

INGEST = (
    "ingest.sql-committed",
    "index.lexical-committed",
    "faiss.vectors-written",
    "faiss.manifest-written",
)
CV_INGEST = ("cv.file-staged", "cv.file-moved", "cv.row-committed")
SYNC = ("sync.orphans-removed", "sync.batch-indexed", "sync.lexical-committed", "faiss.vectors-written",
        "faiss.manifest-written", "sync.cv-swept")  # fmt: skip
REINDEX = ("reindex.lexical-cleared", "reindex.lexical-filled", "reindex.lexical-done", "reindex.vectors-filled",
           "reindex.vectors-swapped")  # fmt: skip
ES_REINDEX = ("reindex.lexical-filled", "reindex.lexical-swapped", "reindex.lexical-done",
              "reindex.vectors-filled", "reindex.vectors-swapped")  # fmt: skip
SQLITE_CASES = [
    *(("ingest", s) for s in INGEST),
    *(("cvs", s) for s in CV_INGEST),
    ("delete", "delete.sql-committed"),
    *(("sync", s) for s in SYNC),
    *(("reindex", s) for s in REINDEX),
]
PG_ES_CASES = [  # every step that exists on this setup (FAISS and tantivy steps do not)
    ("ingest", "ingest.sql-committed"),
    ("ingest", "index.lexical-committed"),
    *(("cvs", s) for s in CV_INGEST),
    ("delete", "delete.sql-committed"),
    ("sync", "sync.orphans-removed"),
    ("sync", "sync.batch-indexed"),
    ("sync", "sync.lexical-committed"),
    ("sync", "sync.cv-swept"),
    *(("reindex", s) for s in ES_REINDEX),
]


def test_every_step_is_killed_somewhere() -> None:
    killed = {s for _, s in SQLITE_CASES} | {s for _, s in PG_ES_CASES}
    assert killed == set(crash_points.STEPS)


def _prepare(store: Store, command: str) -> list[str]:
    """Set the store up for the command (what it will act on) and return its arguments."""
    if command == "ingest":
        rows = store.new_offers(10)
        store.offers |= {r["id"] for r in rows}
        path = write_jsonl_gz(store.work / f"offers-{store.next_offer}.jsonl.gz", rows)
        return ["ingest", "offers", str(path)]
    if command == "cvs":
        return ["ingest", "cvs", str(store.new_cvs(3))]
    if command == "delete":
        gone = sorted(store.offers)[:2]
        store.offers -= set(gone)
        return ["delete", "offers", *gone]
    if command == "sync":  # give sync work on every side: rows SQL lacks in the indexes, and orphans
        from ingestion.offers.readers import RawItem
        from ingestion.pipeline import normalize_item

        engine = store.engine()
        try:
            rows = store.new_offers(10)
            records = [normalize_item(engine.pipeline.normalizer, RawItem(str(i), r, None))
                       for i, r in enumerate(rows)]  # fmt: skip
            engine.offers.upsert_many([r for r in records if isinstance(r, OfferRecord)])
            gone = sorted(store.offers)[:2]
            engine.offers.delete_many(gone)
        finally:
            engine.close()
        store.offers = (store.offers - set(gone)) | {r["id"] for r in rows}
        cvs = store.data / "cvs"
        (cvs / "cv-0123456789ab.pdf").write_bytes(b"%PDF-1.4 orphan")
        (cvs / ".cv-0123456789ab.txt.deadbeef.tmp").write_bytes(b"half")
        return ["sync"]
    assert command == "reindex"
    return ["reindex"]


def _kill_and_recover(store: Store, command: str, step: str) -> None:
    args = _prepare(store, command)
    env = {**store.env, "BASSIN_CRASH_AT": step}
    crashed = bassin(args, store.data, **env)
    assert crashed.returncode == -signal.SIGKILL, f"step {step} not reached: {crashed.stdout}{crashed.stderr}"
    assert processes_of(store.data) == [], "a process of the killed command is still alive"
    if command != "sync":
        again = bassin(args, store.data, **store.env)
        assert again.returncode == 0, again.stderr
    synced = bassin(["sync"], store.data, **store.env)
    assert synced.returncode == 0, synced.stderr
    assert_in_step(store)


@pytest.mark.parametrize(("command", "step"), SQLITE_CASES, ids=[f"{c}-{s}" for c, s in SQLITE_CASES])
def test_kill9_sqlite(sqlite_store: Store, command: str, step: str) -> None:
    _kill_and_recover(sqlite_store, command, step)


@pytest.mark.parametrize(("command", "step"), PG_ES_CASES, ids=[f"{c}-{s}" for c, s in PG_ES_CASES])
def test_kill9_postgres_elasticsearch(pg_es_store: Store, command: str, step: str) -> None:
    _kill_and_recover(pg_es_store, command, step)
