"""The match-cache repository on SQLite and PostgreSQL: same rules, same hook, same cascade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.candidates import CandidateRecord
from store import Database
from store.candidates import CandidateRepository
from store.match_cache import MatchCacheRepository

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cache') / 'c.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    database = Database(url)
    database.create_schema()
    yield database
    from store.models import Base

    if request.param == "postgresql":
        Base.metadata.drop_all(database.engine)
        with database.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    database.dispose()


def record(skills: list[str], sha: str = "a" * 64) -> CandidateRecord:
    return CandidateRecord(external_id="cv-cache", file_sha256=sha, source_format="txt", skill_keys=skills)


def test_store_lookup_invalidate_and_cascade(db: Database) -> None:
    candidates, cache = CandidateRepository(db), MatchCacheRepository(db)
    candidates.upsert(record(["python"]), {}, None)
    row = candidates.get_by_external_id("cv-cache")
    assert row is not None
    assert cache.lookup(row, now=NOW, ttl=DAY, offers_changed_at=None, depth=2).reason == "absent"
    assert cache.store(row, [("A", 0.9), ("B", 0.5), ("C", 0.1)], depth=3, computed_at=NOW)
    hit = cache.lookup(row, now=NOW + timedelta(hours=1), ttl=DAY, offers_changed_at=NOW - DAY, depth=2)
    assert hit.hit and hit.results == [("A", 0.9), ("B", 0.5)] and hit.computed_at == NOW
    later = cache.lookup(row, now=NOW + DAY, ttl=DAY, offers_changed_at=None, depth=2)
    assert later.reason == "expired"
    fresh = cache.lookup(row, now=NOW, ttl=DAY, offers_changed_at=NOW + timedelta(seconds=1), depth=2)
    assert fresh.reason == "new_offers"
    assert cache.store(row, [("C", 0.8)], depth=3, computed_at=NOW)  # replaces, no duplicate key
    assert cache.lookup(row, now=NOW, ttl=DAY, offers_changed_at=None, depth=1).results == [("C", 0.8)]
    candidates.upsert(record(["python", "sql"]), {}, None)  # profile edited: the hook deletes the entry
    assert cache.count() == 0
    row = candidates.get_by_external_id("cv-cache")
    assert row is not None
    cache.store(row, [("A", 0.9)], depth=1, computed_at=NOW)
    candidates.upsert(record(["python", "sql"]), {}, None)  # unchanged: kept
    assert cache.count() == 1
    candidates.delete("cv-cache")
    assert cache.count() == 0
