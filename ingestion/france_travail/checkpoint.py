"""The resumable state of a pull, in one JSON file written atomically after every step.

It holds the run in progress (its window, filters, the partitions still to fetch, the counts so far) and
the end of the last successful run (where ``--since last`` starts). A crash leaves the file as it was after
the last stored partition: the next run with the same window and filters resumes from there.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ingestion.france_travail.partitions import Partition


@dataclass
class RunCounts:
    """What a run did, offer by offer (resumed runs carry the counts of their first part)."""

    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reopened: int = 0
    closed: int = 0
    rechecked: int = 0
    partitions: int = 0
    truncated: int = 0


@dataclass
class RunState:
    """A pull in progress: ``key`` says which command it answers (window start and filters)."""

    key: dict[str, Any]
    started_at: datetime
    since: datetime
    until: datetime
    pending: list[Partition]
    complete: bool = True
    """False once a partition came back inconsistent (pages moved, cap reached, split by département):
    its unseen offers are then checked one by one before they are closed."""
    counts: RunCounts = field(default_factory=RunCounts)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "started_at": self.started_at.isoformat(),
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "pending": [p.to_json() for p in self.pending],
            "complete": self.complete,
            "counts": asdict(self.counts),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunState:
        return cls(
            key=data["key"],
            started_at=datetime.fromisoformat(data["started_at"]),
            since=datetime.fromisoformat(data["since"]),
            until=datetime.fromisoformat(data["until"]),
            pending=[Partition.from_json(p) for p in data["pending"]],
            complete=bool(data.get("complete", True)),
            counts=RunCounts(**data.get("counts", {})),
        )


class CheckpointStore:
    """Reads and writes the connector's state file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}  # a torn file cannot happen (atomic replace); an edited one restarts the run
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def run(self) -> RunState | None:
        data = self._read().get("run")
        return RunState.from_json(data) if isinstance(data, dict) else None

    def last_until(self) -> datetime | None:
        """The end of the window of the last run that finished."""
        value = self._read().get("last_until")
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    def save(self, run: RunState) -> None:
        data = self._read()
        data["run"] = run.to_json()
        self._write(data)

    def finish(self, run: RunState) -> None:
        data = self._read()
        data.pop("run", None)
        data["last_until"] = run.until.isoformat()
        self._write(data)
