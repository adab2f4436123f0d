"""The France Travail connector's pull against a local API serving the 7,779 real offers (no network).

The store side is a recording pipeline here (tests/integration/test_france_travail.py runs the real one):
these tests are about what the connector asks and receives — partitions, paging, tokens, retries, resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ingestion.france_travail.checkpoint import CheckpointStore
from ingestion.france_travail.client import ApiConfig, FranceTravailClient
from ingestion.france_travail.errors import FranceTravailError
from ingestion.france_travail.partitions import DEPARTEMENTS, Partition
from ingestion.france_travail.sync import FranceTravailSync, RunSummary
from ingestion.offers.readers import RawItem
from ingestion.pipeline import IngestSummary
from tests.conftest import SHARED_OFFERS, load_raw_offers
from tests.france_travail_api import CLIENT_ID, CLIENT_SECRET, FakeFranceTravail

pytestmark = pytest.mark.skipif(not SHARED_OFFERS.exists(), reason="needs ../shared/data")


@pytest.fixture(scope="module")
def all_offers() -> list[dict[str, Any]]:
    return load_raw_offers(path=SHARED_OFFERS)


@pytest.fixture
def api(all_offers: list[dict[str, Any]]) -> Iterator[FakeFranceTravail]:
    # a small per-query cap (50 × 10 = 500 offers) forces the 7,779 offers into many partitions
    server = FakeFranceTravail(all_offers, page_size=50, max_start=450).start()
    yield server
    server.stop()


class RecordingPipeline:
    """Records what reaches the store: every offer id ingested, in order."""

    def __init__(self) -> None:
        self.ingested: list[str] = []
        self.seen: set[str] = set()
        self.closed: list[str] = []

    def ingest(self, items: Sequence[RawItem]) -> IngestSummary:
        ids = [str(i.payload["id"]) for i in items if i.payload]
        fresh = [i for i in ids if i not in self.seen]
        self.ingested.extend(ids)
        return IngestSummary(read=len(ids), inserted=len(fresh), unchanged=len(ids) - len(fresh))

    @contextmanager
    def reusing_pool(self) -> Iterator[None]:
        yield

    def confirm(self, external_ids: Sequence[str], at: datetime) -> int:
        self.seen.update(external_ids)
        return 0

    def close(self, external_ids: Sequence[str], at: datetime) -> int:
        self.closed.extend(external_ids)
        return len(external_ids)


class NoLedger:
    def __init__(self, unseen: Sequence[str] = ()) -> None:
        self.unseen = list(unseen)

    def unseen_since(self, since: datetime, **_: Any) -> list[str]:
        return self.unseen

    def unconfirmed(self, before: datetime, **_: Any) -> list[str]:
        return []


def config(api: FakeFranceTravail, **overrides: Any) -> ApiConfig:
    values: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": SecretStr(CLIENT_SECRET),
        "api_url": api.api_url,
        "token_url": api.token_url,
        "rate_per_second": 1000.0,
        "page_size": api.page_size,
        "max_start": api.max_start,
        "backoff_base_s": 0.01,
        **overrides,
    }
    return ApiConfig(**values)


def connector(
    api: FakeFranceTravail,
    tmp_path: Path,
    pipeline: RecordingPipeline,
    ledger: NoLedger | None = None,
    **overrides: Any,
) -> FranceTravailSync:
    cfg = config(api, **overrides)
    return FranceTravailSync(
        lambda: FranceTravailClient(cfg),
        pipeline,
        ledger or NoLedger(),
        CheckpointStore(tmp_path / "checkpoint.json"),
    )


def pull(sync: FranceTravailSync, **kwargs: Any) -> RunSummary:
    return asyncio.run(sync.run(**kwargs))


def test_full_pull_partitions_all_7779_offers_none_lost_none_duplicated(
    api: FakeFranceTravail, all_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    pipeline = RecordingPipeline()
    summary = pull(connector(api, tmp_path, pipeline))
    counts = Counter(pipeline.ingested)
    assert len(all_offers) == 7779
    assert set(counts) == {o["id"] for o in all_offers}, "an offer was lost"
    assert max(counts.values()) == 1, f"duplicated: {[i for i, n in counts.items() if n > 1][:5]}"
    assert summary.counts.fetched == 7779 and summary.counts.new == 7779
    assert summary.counts.partitions > 7779 // 500, "the cap forces partitions"
    assert summary.counts.truncated == 0 and summary.complete
    assert api.bad_requests == [], "a page outside the API's limits was asked"
    assert not (tmp_path / "checkpoint.json").read_text().count('"run"'), "a finished run leaves no run"


def test_increment_pulls_only_the_window(api: FakeFranceTravail, tmp_path: Path) -> None:
    pipeline = RecordingPipeline()
    since = datetime.fromisoformat("2025-11-15T12:00:00+00:00")
    expected = {o["id"] for o in api.offers.values() if o["dateCreation"] >= "2025-11-15T12:00:00"}
    summary = pull(connector(api, tmp_path, pipeline), since=since)
    assert set(pipeline.ingested) == expected and len(pipeline.ingested) == len(expected) > 0
    assert summary.counts.partitions == 1


def test_filters_by_departement_and_rome(api: FakeFranceTravail, tmp_path: Path) -> None:
    from tests.france_travail_api import departement_of

    pipeline = RecordingPipeline()
    pull(connector(api, tmp_path, pipeline), departements=["69", "75"])
    expected = {o["id"] for o in api.offers.values() if departement_of(o) in {"69", "75"}}
    assert sorted(pipeline.ingested) == sorted(expected) and len(expected) > 100

    rome = Counter(o.get("romeCode") for o in api.offers.values()).most_common(1)[0][0]
    pipeline = RecordingPipeline()
    pull(connector(api, tmp_path / "r", pipeline), rome=[rome])
    assert sorted(pipeline.ingested) == sorted(i for i, o in api.offers.items() if o.get("romeCode") == rome)


def test_one_second_over_the_cap_splits_by_departement() -> None:
    start = datetime.fromisoformat("2025-11-14T10:00:00+00:00")
    halves = Partition(start, start + timedelta(seconds=3)).split()
    assert [(p.start, p.end) for p in halves] == [
        (start, start + timedelta(seconds=1)),
        (start + timedelta(seconds=2), start + timedelta(seconds=3)),
    ]
    by_dep = Partition(start, start).split()
    assert [p.departement for p in by_dep] == list(DEPARTEMENTS) and len(DEPARTEMENTS) == 101
    assert all(p.split_by_departement for p in by_dep)
    assert Partition(start, start, "69").split() == []


def test_bursts_of_429_and_5xx_are_survived_honouring_retry_after(
    api: FakeFranceTravail, tmp_path: Path
) -> None:
    api.faults.extend([429, 429, 503, 500, 502, 504, 429])
    api.retry_after = "1"
    pipeline = RecordingPipeline()
    t0 = time.perf_counter()
    summary = pull(
        connector(api, tmp_path, pipeline, concurrency=1, max_retries=8), since=datetime(2025, 11, 15)
    )
    elapsed = time.perf_counter() - t0
    assert api.requests["429"] == 3 and api.requests["503"] + api.requests["500"] + api.requests["502"] == 3
    assert len(pipeline.ingested) == len(set(pipeline.ingested)) > 0
    assert sum(summary.retried.values()) == 7
    assert elapsed >= 3.0, "each 429 waits its Retry-After (1 s)"


def test_expiring_tokens_are_renewed(
    all_offers: list[dict[str, Any]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeFranceTravail(all_offers[:2000], page_size=50, max_start=450, token_ttl=0.3).start()
    try:
        api.delay_s = 0.01  # slow responses: the pull outlives several tokens
        pipeline = RecordingPipeline()
        with caplog.at_level(logging.DEBUG):
            pull(connector(api, tmp_path, pipeline))
        assert sorted(pipeline.ingested) == sorted(o["id"] for o in all_offers[:2000])
        assert api.requests["token"] >= 3
        assert CLIENT_SECRET not in caplog.text
        assert CLIENT_SECRET not in repr(config(api))
    finally:
        api.stop()


def test_bad_credentials_fail_clearly(api: FakeFranceTravail, tmp_path: Path) -> None:
    sync = connector(api, tmp_path, RecordingPipeline(), client_secret=SecretStr("wrong"))
    with pytest.raises(FranceTravailError, match="BASSIN_FT_CLIENT_SECRET") as err:
        pull(sync)
    assert "wrong" not in str(err.value)


def test_an_outage_mid_pull_resumes_where_it_stopped(
    api: FakeFranceTravail, all_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    pipeline = RecordingPipeline()
    api.fail_after = 60  # the API goes down after 60 searches
    with pytest.raises(FranceTravailError, match="503"):
        pull(connector(api, tmp_path, pipeline, max_retries=2))
    stored_before = len(pipeline.ingested)
    assert 0 < stored_before < 7779
    first_searches = api.requests["search"]

    api.fail_after = None
    api.requests.clear()
    summary = pull(connector(api, tmp_path, pipeline))
    assert summary.resumed
    assert sorted(set(pipeline.ingested)) == sorted(o["id"] for o in all_offers)
    # partitions stored before the outage are not fetched again (at most the ones in flight are)
    refetched = len(pipeline.ingested) - 7779
    assert refetched <= 2 * 500, refetched
    assert api.requests["search"] < first_searches + 170


def test_rate_limit_spaces_requests(api: FakeFranceTravail, tmp_path: Path) -> None:
    pipeline = RecordingPipeline()
    t0 = time.perf_counter()
    summary = pull(connector(api, tmp_path, pipeline, rate_per_second=40.0), since=datetime(2025, 11, 15))
    elapsed = time.perf_counter() - t0
    sent = summary.requests + api.requests["token"]
    assert sent > 10
    assert elapsed >= (sent - 1) / 40.0


def test_a_crowded_second_splits_by_departement_and_asks_before_closing(
    all_offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    from tests.france_travail_api import departement_of

    crowded = []
    for o in [o for o in all_offers if departement_of(o)][:30]:
        o = dict(o)
        o["dateCreation"] = "2025-11-14T10:00:00.500Z"
        crowded.append(o)
    api = FakeFranceTravail(crowded, page_size=5, max_start=5).start()  # cap 10 < 30 in one second
    try:
        api.withdraw(["GONE001"])
        pipeline = RecordingPipeline()
        ledger = NoLedger(unseen=["GONE001", "UNKNOWN1", crowded[0]["id"]])
        summary = pull(connector(api, tmp_path, pipeline, ledger), since=datetime(2025, 11, 14, 9))
        assert sorted(pipeline.ingested[:30]) == sorted(o["id"] for o in crowded)
        assert summary.counts.partitions >= 101 and not summary.complete
        # a split by département may miss offers placed in none: unseen ones are asked first
        assert api.requests["detail"] == 3
        assert pipeline.closed == ["GONE001", "UNKNOWN1"]
        assert pipeline.ingested[30:] == [crowded[0]["id"]], "alive: refreshed, not closed"
    finally:
        api.stop()


def test_command_line_periods_and_dates() -> None:
    from bassin.france_travail_cli import parse_period, parse_since
    from domain.errors import InvalidQueryError

    assert parse_period("1h") == 3600 and parse_period("30m") == 1800 and parse_period("90s") == 90
    assert parse_since("last") == "last" and parse_since(None) is None
    assert parse_since("2026-12-01") == datetime.fromisoformat("2026-12-01T00:00:00+00:00")
    assert parse_since("2026-12-01T08:30:00Z") == datetime.fromisoformat("2026-12-01T08:30:00+00:00")
    for bad in ("hourly", "0h"):
        with pytest.raises(InvalidQueryError):
            parse_period(bad)
    with pytest.raises(InvalidQueryError):
        parse_since("yesterday")


def test_stalled_responses_time_out_and_are_retried(api: FakeFranceTravail, tmp_path: Path) -> None:
    api.stall_next, api.stall_s = 2, 1.0
    pipeline = RecordingPipeline()
    since = datetime.fromisoformat("2025-11-15T12:00:00+00:00")
    summary = pull(connector(api, tmp_path, pipeline, timeout_s=0.3, concurrency=1), since=since)
    assert api.requests["stalled"] == 2
    assert summary.retried == {"ReadTimeout": 2}
    assert set(pipeline.ingested) == {
        o["id"] for o in api.offers.values() if o["dateCreation"] >= "2025-11-15T12"
    }
