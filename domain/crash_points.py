"""Named steps of the write pipelines where a test can make the process die as ``kill -9`` would.

The reliability suite (``tests/reliability/test_kill_steps.py``) runs a real ``bassin`` command with
``BASSIN_CRASH_AT=<step>``: the edge arms that one step (``arm``) and the process SIGKILLs itself the
first time the step is reached, so every step of ingest, CV ingest, delete, sync and reindex is killed
deterministically, not at whatever point a timer happens to hit. Unarmed (always, outside tests),
``reached`` is one comparison.
"""

from __future__ import annotations

import os
import signal
from typing import Final

STEPS: Final[dict[str, str]] = {
    # bassin ingest offers
    "ingest.sql-committed": "a batch of offers committed in SQL, nothing of it indexed yet",
    # every indexer flush (ingest, delete, CV ingest, API writes)
    "index.lexical-committed": "lexical index committed, vector index not saved yet",
    # FAISS save (flush, sync, reindex)
    "faiss.vectors-written": "FAISS: new generation's vectors file renamed in place, no manifest yet",
    "faiss.manifest-written": "FAISS: new manifest renamed in place, older generation's files not removed",
    # bassin ingest cvs
    "cv.file-staged": "CV bytes fsynced under a temporary name, no row",
    "cv.file-moved": "CV file renamed to its final name inside the transaction, not committed",
    "cv.row-committed": "candidate row committed, not indexed",
    # bassin delete offers
    "delete.sql-committed": "offers deleted in SQL, still in both indexes",
    # bassin sync
    "sync.orphans-removed": "sync: orphans removed from the indexes (written on ES/pgvector), nothing added",
    "sync.batch-indexed": "sync: a batch written to both indexes, lexical not committed",
    "sync.lexical-committed": "sync: lexical committed, vector index not saved",
    "sync.cv-swept": "sync: indexes in step, one orphan CV file of several removed",
    # bassin reindex
    "reindex.lexical-cleared": "reindex (embedded lexical): index emptied and committed, not refilled",
    "reindex.lexical-filled": "reindex: new lexical version filled, not swapped in / not committed",
    "reindex.lexical-swapped": "reindex (Elasticsearch): alias moved, previous version not deleted",
    "reindex.lexical-done": "reindex: lexical indexes rebuilt, vector indexes not started",
    "reindex.vectors-filled": "reindex: new vector structure filled, not swapped in",
    "reindex.vectors-swapped": "reindex: one collection's new vectors swapped in, the next not rebuilt",
}

_armed: str | None = None


def arm(step: str | None) -> None:
    """Make ``reached(step)`` kill this process; None disarms.

    Raises:
        ValueError: not a step name (a typo would otherwise silently never crash).
    """
    global _armed
    if step is not None and step not in STEPS:
        raise ValueError(f"unknown crash step {step!r}; known: {', '.join(STEPS)}")
    _armed = step


def reached(step: str) -> None:
    """The pipeline is at ``step``: die now (SIGKILL, no cleanup) if it is the armed one."""
    if _armed is not None and _armed == step:
        os.kill(os.getpid(), signal.SIGKILL)
