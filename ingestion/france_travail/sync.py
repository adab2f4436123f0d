"""Keep the offers current from the France Travail API: pull, upsert, close what is gone, re-check the old.

A run covers a creation-date window (``--since`` to now, or everything for a full pull), optionally
restricted to départements and ROME codes:

1. **pull**: every partition of the window is fetched page by page (pages of one partition concurrently,
   within the client's rate limit), normalised and upserted by the same ``IndexingPipeline`` as file
   ingestion, and its offers marked seen; the checkpoint then drops it. Fetching the next partition
   overlaps with storing the previous one.
2. **close**: open offers created inside the window that this run did not see are closed. When every
   partition came back complete and consistent they are closed at once; otherwise each is asked to the
   detail endpoint first (only a 204 / 404 closes it).
3. **re-check**: open offers unconfirmed for longer than ``recheck_after`` (typically older than an
   incremental window) are asked to the detail endpoint, oldest first, ``recheck_limit`` per run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from ingestion.france_travail.checkpoint import CheckpointStore, RunCounts, RunState
from ingestion.france_travail.client import FranceTravailClient
from ingestion.france_travail.metrics import SyncMetrics
from ingestion.france_travail.partitions import ONE_SECOND, Partition, root_partitions, whole_second
from ingestion.offers.readers import RawItem
from ingestion.pipeline import IngestSummary

LOGGER = logging.getLogger("bassin.ingestion.france_travail")
FULL_PULL_START = datetime(2000, 1, 1, tzinfo=UTC)
"""Start of the window of a full pull (the API only serves offers still published, whatever their age)."""
INCREMENT_OVERLAP = timedelta(minutes=10)
"""``--since last`` starts this long before the previous window ended: offers indexed late are not missed."""


class OfferPipeline(Protocol):
    """What the connector needs from ``IndexingPipeline``."""

    def ingest(self, items: Sequence[RawItem]) -> IngestSummary: ...
    def reusing_pool(self) -> AbstractContextManager[None]: ...
    def confirm(self, external_ids: Sequence[str], at: datetime) -> int: ...
    def close(self, external_ids: Sequence[str], at: datetime) -> int: ...


class OfferLedger(Protocol):
    """What the connector reads from ``OfferRepository``."""

    def unseen_since(
        self,
        since: datetime,
        *,
        created_from: datetime,
        created_before: datetime,
        departments: Sequence[str] = (),
        rome_codes: Sequence[str] = (),
        source: str = "france_travail",
    ) -> list[str]: ...
    def unconfirmed(self, before: datetime, *, limit: int, source: str = "france_travail") -> list[str]: ...


@dataclass
class PulledPartition:
    """The offers of one partition, and whether they are the whole partition as the API reported it."""

    partition: Partition
    offers: list[dict[str, Any]]
    complete: bool


@dataclass
class RunSummary:
    """One run: its window, counts, requests and duration (``line`` is the log line)."""

    since: datetime
    until: datetime
    counts: RunCounts
    resumed: bool
    complete: bool
    requests: int = 0
    retried: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        c = self.counts
        retried = sum(self.retried.values())
        return (
            f"france-travail {api_window(self.since, self.until)}: fetched={c.fetched} new={c.new} "
            f"updated={c.updated} unchanged={c.unchanged} rejected={c.rejected} closed={c.closed} "
            f"reopened={c.reopened} rechecked={c.rechecked} partitions={c.partitions} truncated={c.truncated} "
            f"requests={self.requests} retried={retried} resumed={'yes' if self.resumed else 'no'} "
            f"seconds={self.seconds:.1f}"
        )


def api_window(since: datetime, until: datetime) -> str:
    return f"[{since.isoformat(timespec='seconds')} .. {until.isoformat(timespec='seconds')}]"


async def pull_partition(
    client: FranceTravailClient, partition: Partition
) -> PulledPartition | list[Partition]:
    """All offers of a partition, or its children when it holds more than one query can page through."""
    cfg = client.config
    params = partition.params()
    first = await client.search(params, 0, cfg.page_size - 1)
    truncated = False
    if first.total > cfg.query_cap:
        children = partition.split()
        if children:
            return children
        truncated = True
        LOGGER.warning(
            "france travail: %s holds %d offers, only %d reachable", params, first.total, cfg.query_cap
        )
    reach = min(first.total, cfg.query_cap)
    pages = await asyncio.gather(
        *(
            client.search(params, start, min(start + cfg.page_size, reach) - 1)
            for start in range(cfg.page_size, reach, cfg.page_size)
        )
    )
    offers = list(first.offers)
    for page in pages:
        offers.extend(page.offers)
    ids = {o.get("id") for o in offers}
    # offers published or withdrawn while paging shift the pages: then the pull is not a full picture
    consistent = len(ids) == len(offers) == reach and all(p.total == first.total for p in pages)
    return PulledPartition(
        partition, offers, consistent and not truncated and not partition.split_by_departement
    )


class FranceTravailSync:
    """Runs pulls against the API and applies them to the store and indexes.

    Example:
        >>> sync = FranceTravailSync(client_factory, pipeline, repo, CheckpointStore(path))
        >>> summary = asyncio.run(sync.run(since=None))
        >>> print(summary.line())
    """

    def __init__(
        self,
        client_factory: Callable[[], FranceTravailClient],
        pipeline: OfferPipeline,
        ledger: OfferLedger,
        checkpoint: CheckpointStore,
        *,
        invalidate_matches: Callable[[Sequence[str]], object] = lambda _ids: None,
        metrics: SyncMetrics | None = None,
        recheck_after: timedelta = timedelta(days=7),
        recheck_limit: int = 500,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client_factory = client_factory
        self.pipeline = pipeline
        self.ledger = ledger
        self.checkpoint = checkpoint
        self.invalidate_matches = invalidate_matches
        self.metrics = metrics or SyncMetrics()
        self.recheck_after = recheck_after
        self.recheck_limit = recheck_limit
        self.clock = clock

    def _start(
        self, since: datetime | Literal["last"] | None, departements: tuple[str, ...], rome: tuple[str, ...]
    ) -> tuple[RunState, bool]:
        """The run to do: the interrupted one when it answers the same command, else a new one."""
        if since == "last":
            last = self.checkpoint.last_until()
            since = None if last is None else last - INCREMENT_OVERLAP
        start = whole_second(since) if since is not None else FULL_PULL_START
        key = {"since": start.isoformat(), "departements": list(departements), "rome": list(rome)}
        previous = self.checkpoint.run()
        if previous is not None and previous.key == key:
            return previous, True
        now = self.clock()
        until = whole_second(now)
        run = RunState(key, now, start, until, root_partitions(start, until, departements, rome))
        self.checkpoint.save(run)
        return run, False

    async def run(
        self,
        *,
        since: datetime | Literal["last"] | None = None,
        departements: Sequence[str] = (),
        rome: Sequence[str] = (),
    ) -> RunSummary:
        """One run: pull, close, re-check. Raises ``FranceTravailError`` when the API stays unavailable
        (the checkpoint then lets the next run with the same arguments resume)."""
        t0 = time.perf_counter()
        deps, romes = tuple(departements), tuple(rome)
        run, resumed = self._start(since, deps, romes)
        client = self.client_factory()
        try:
            with self.pipeline.reusing_pool():
                await self._pull(client, run)
            await self._close_unseen(client, run, deps, romes)
            await self._recheck(client, run)
        except BaseException:
            self.metrics.errors.labels("run_failed").inc()
            raise
        finally:
            await client.aclose()
            for reason, n in client.stats.retried.items():
                self.metrics.errors.labels(f"retry:{reason}").inc(n)
        self.checkpoint.finish(run)
        self.metrics.last_success.set(time.time())
        summary = RunSummary(
            run.since,
            run.until,
            run.counts,
            resumed,
            run.complete,
            client.stats.requests,
            dict(client.stats.retried),
            time.perf_counter() - t0,
        )
        LOGGER.info(summary.line())
        return summary

    # --- pull ------------------------------------------------------------------------------------
    async def _pull(self, client: FranceTravailClient, run: RunState) -> None:
        queue = deque(run.pending)
        storing: asyncio.Task[None] | None = None
        try:
            while queue:
                partition = queue.popleft()
                outcome = await pull_partition(client, partition)
                if isinstance(outcome, list):
                    at = run.pending.index(partition)
                    run.pending[at : at + 1] = outcome
                    queue.extendleft(reversed(outcome))
                    self.checkpoint.save(run)
                    continue
                if storing is not None:
                    await storing
                storing = asyncio.create_task(self._store(run, outcome))
        finally:
            if storing is not None:
                await storing

    async def _store(self, run: RunState, pulled: PulledPartition) -> None:
        items = [RawItem(f"api:{i}", o) for i, o in enumerate(pulled.offers)]
        summary, reopened = await asyncio.to_thread(self._apply, items)
        c = run.counts
        c.fetched += len(items)
        c.new += summary.inserted
        c.updated += summary.updated
        c.unchanged += summary.unchanged
        c.rejected += len(summary.rejected)
        c.reopened += reopened
        c.partitions += 1
        if not pulled.complete:
            run.complete = False
            c.truncated += 1
        self._count(len(items), summary)
        run.pending.remove(pulled.partition)
        self.checkpoint.save(run)

    def _apply(self, items: list[RawItem]) -> tuple[IngestSummary, int]:
        summary = self.pipeline.ingest(items)
        ids = [str(item.payload["id"]) for item in items if item.payload and item.payload.get("id")]
        return summary, self.pipeline.confirm(ids, self.clock())

    def _count(self, fetched: int, summary: IngestSummary) -> None:
        self.metrics.fetched.inc(fetched)
        self.metrics.new.inc(summary.inserted)
        self.metrics.updated.inc(summary.updated)
        if summary.rejected:
            self.metrics.errors.labels("rejected").inc(len(summary.rejected))

    # --- expiry ----------------------------------------------------------------------------------
    async def _close_unseen(
        self, client: FranceTravailClient, run: RunState, departements: tuple[str, ...], rome: tuple[str, ...]
    ) -> None:
        unseen = await asyncio.to_thread(
            self.ledger.unseen_since,
            run.started_at,
            created_from=run.since,
            created_before=run.until + ONE_SECOND,
            departments=departements,
            rome_codes=rome,
        )
        if not unseen:
            return
        # département filters: ours comes from the postcode, the API's from the commune; ask before closing
        if run.complete and not departements:
            await self._close(run, unseen)
        else:
            await self._verify(client, run, unseen)

    async def _recheck(self, client: FranceTravailClient, run: RunState) -> None:
        if self.recheck_limit <= 0:
            return
        # never the offers this run just saw, however short ``recheck_after``
        before = min(self.clock() - self.recheck_after, run.started_at)
        stale = await asyncio.to_thread(self.ledger.unconfirmed, before, limit=self.recheck_limit)
        if stale:
            run.counts.rechecked += len(stale)
            await self._verify(client, run, stale)

    async def _verify(self, client: FranceTravailClient, run: RunState, external_ids: list[str]) -> None:
        """Ask the detail endpoint about each offer: gone ones close, live ones are refreshed."""
        answers = await asyncio.gather(*(client.detail(i) for i in external_ids))
        gone = [i for i, a in zip(external_ids, answers, strict=True) if a is None]
        alive = [a for a in answers if a is not None]
        if alive:
            items = [RawItem(f"api:{a.get('id')}", a) for a in alive]
            summary, reopened = await asyncio.to_thread(self._apply, items)
            run.counts.fetched += len(items)
            run.counts.new += summary.inserted
            run.counts.updated += summary.updated
            run.counts.unchanged += summary.unchanged
            run.counts.rejected += len(summary.rejected)
            run.counts.reopened += reopened
            self._count(len(items), summary)
        if gone:
            await self._close(run, gone)

    async def _close(self, run: RunState, external_ids: list[str]) -> None:
        closed = await asyncio.to_thread(self.pipeline.close, external_ids, self.clock())
        await asyncio.to_thread(self.invalidate_matches, external_ids)
        run.counts.closed += closed
        self.metrics.closed.inc(closed)
        self.checkpoint.save(run)
