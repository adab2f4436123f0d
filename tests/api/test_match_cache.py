"""The match cache of seed 000, through HTTP: each invalidation rule (CV, profile, TTL, new offers)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update

from api.wiring import ApiServices
from app.runtime import Engine
from cv import parse_cv
from ingestion.candidates import candidate_record
from ingestion.offers.readers import read_offer_items
from store.candidate_models import CandidateRow
from store.match_cache import MatchCacheEntry, MatchResultRow
from tests.api.conftest import CV_CARISTE, CV_LYON, api_config, api_offers, serve_engine
from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz

pytestmark = pytest.mark.integration


class Api:
    def __init__(self, client: httpx.Client, services: ApiServices, engine: Engine) -> None:
        self.client, self.services, self.engine = client, services, engine
        self.cv_id = next(
            r.external_id for r in engine.candidates.get_many([1, 2]) if "Python" in (r.title or "")
        )

    def match(self, **extra: object) -> httpx.Response:
        r = self.client.post("/match", json={"cv_id": self.cv_id, **extra})
        assert r.status_code == 200, r.text
        return r

    def entries(self) -> int:
        with self.engine.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(MatchCacheEntry)) or 0)

    def computed_at(self) -> datetime:
        with self.engine.db.session() as s:
            value = s.scalar(select(MatchCacheEntry.computed_at))
        assert value is not None
        return value

    def row(self) -> CandidateRow:
        row = self.engine.candidates.get_by_external_id(self.cv_id)
        assert row is not None
        return row


@pytest.fixture
def api(own_engine: Engine) -> Iterator[Api]:
    served, services = serve_engine(own_engine, api_config(match_cache_depth=50))
    with served, httpx.Client(base_url=served.url, timeout=60) as client:
        yield Api(client, services, own_engine)


def test_results_are_cached_per_profile_with_computed_at(api: Api) -> None:
    first = api.match()
    assert first.headers["x-match-cache"] == "miss:absent"
    second = api.match()
    assert second.headers["x-match-cache"] == "hit"
    assert second.json() == first.json() and len(first.json()) == 20
    assert second.headers["x-match-computed-at"] == first.headers["x-match-computed-at"]
    with api.engine.db.session() as s:
        rows = s.execute(
            select(MatchResultRow.offer_external_id, MatchResultRow.score).order_by(MatchResultRow.rank)
        )
        cached = [{"id": i, "score": sc} for i, sc in rows]
    assert cached[:20] == first.json() and len(cached) <= 50


def test_cv_change_invalidates_at_once(api: Api) -> None:
    api.match()
    old = api.match().json()
    # the candidate replaces their CV by another one (here: a forklift driver's)
    data = CV_CARISTE.encode()
    parsed = parse_cv(data, "nouveau.txt")
    files = Path(api.engine.settings.data_dir) / "cvs"
    (files / "nouveau.txt").write_bytes(data)
    record = candidate_record(parsed, hashlib.sha256(data).hexdigest()).model_copy(
        update={"external_id": api.cv_id}
    )
    assert api.engine.candidates.upsert(record, {}, "nouveau.txt").status == "updated"
    assert api.entries() == 0  # invalidated in the same transaction, before any request
    fresh = api.match()
    assert fresh.headers["x-match-cache"] == "miss:absent"
    assert fresh.json() != old
    assert fresh.json() == api.client.post("/match", json={"cv_text": CV_CARISTE}).json()


def test_profile_change_invalidates_at_once(api: Api) -> None:
    api.match()
    row = api.row()
    parsed = parse_cv(CV_LYON.encode(), "marie.txt")
    record = candidate_record(parsed, row.file_sha256)
    edited = record.model_copy(
        update={
            "external_id": api.cv_id,
            "skill_keys": [*record.skill_keys, "rust"],
            "experience_months": 200,
        }
    )
    assert api.engine.candidates.upsert(edited, {}, row.stored_file).status == "updated"
    assert api.entries() == 0
    assert api.match().headers["x-match-cache"] == "miss:absent"
    assert api.match().headers["x-match-cache"] == "hit"


@pytest.mark.parametrize(
    ("column", "reason"), [("file_sha256", "cv_changed"), ("content_hash", "profile_changed")]
)
def test_a_change_that_skipped_the_hook_is_still_caught(api: Api, column: str, reason: str) -> None:
    """Another program updating the row with plain SQL: the lookup compares the hashes itself."""
    api.match()
    with api.engine.db.engine.begin() as conn:
        conn.execute(
            update(CandidateRow).where(CandidateRow.external_id == api.cv_id).values({column: "0" * 32})
        )
    assert api.entries() == 1
    assert api.match().headers["x-match-cache"] == f"miss:{reason}"
    assert api.match().headers["x-match-cache"] == "hit"


def test_results_older_than_24h_are_recomputed_at_next_access(api: Api) -> None:
    api.match()
    start = datetime.now(UTC)
    api.services.matches.clock = lambda: start + timedelta(hours=23)
    assert api.match().headers["x-match-cache"] == "hit"
    api.services.matches.clock = lambda: start + timedelta(hours=25)
    late = api.match()
    assert late.headers["x-match-cache"] == "miss:expired"
    assert datetime.fromisoformat(late.headers["x-match-computed-at"]) >= start + timedelta(hours=25)
    assert api.match().headers["x-match-cache"] == "hit"


def test_new_offers_refresh_lazily_and_unchanged_offers_do_not(api: Api, tmp_path: Path) -> None:
    api.match()
    known = {o["id"] for o in api_offers()}
    # re-ingesting offers already there changes nothing: the cache stays valid
    again = write_jsonl_gz(tmp_path / "again.jsonl.gz", api_offers()[:5])
    assert not api.engine.pipeline.ingest(read_offer_items(again)).inserted
    assert api.match().headers["x-match-cache"] == "hit"
    new = [o for o in load_raw_offers() if o["id"] not in known][:3]
    src = write_jsonl_gz(tmp_path / "new.jsonl.gz", new)
    assert api.engine.pipeline.ingest(read_offer_items(src)).inserted == 3
    assert api.entries() == 1  # nothing deleted: refreshed lazily
    assert api.match().headers["x-match-cache"] == "miss:new_offers"
    assert api.match().headers["x-match-cache"] == "hit"


def test_filters_bypass_the_cache_and_deeper_requests_recompute(api: Api) -> None:
    api.match()
    at = api.computed_at()
    r = api.match(filters={"contracts": ["CDI"]}, top_k=5)
    assert r.headers["x-match-cache"] == "bypass" and len(r.json()) <= 5
    assert api.computed_at() == at
    assert api.match(top_k=80).headers["x-match-cache"] == "miss:too_short"
    assert api.match(top_k=80).headers["x-match-cache"] == "hit"
    assert api.match(top_k=10).headers["x-match-cache"] == "hit"


def test_forgetting_the_candidate_drops_the_cache(api: Api) -> None:
    api.match()
    assert api.engine.forget(api.cv_id).found
    assert api.entries() == 0
    with api.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchResultRow)) == 0
    assert api.client.post("/match", json={"cv_id": api.cv_id}).status_code == 404


def test_cache_outcomes_are_counted_in_metrics(api: Api) -> None:
    api.match()
    api.match()
    text = api.client.get("/metrics").text
    assert 'bassin_match_cache_lookups_total{outcome="miss:absent"} 1.0' in text
    assert 'bassin_match_cache_lookups_total{outcome="hit"} 1.0' in text
