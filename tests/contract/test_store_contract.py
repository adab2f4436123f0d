"""The system of record behaves the same on SQLite (the embedded default) and PostgreSQL (production).

Every test runs on both backends, with real France Travail offers normalised as ingestion does.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, delete, func, inspect, make_url, pool, select

from domain.errors import ConfigurationError
from domain.offers import OfferRecord, OfferSkill
from store import Base, Database, EmbeddingRow, OfferRepository, OfferRow, OfferSkillRow, migrate
from tests.contract.conftest_store import *  # noqa: F403  (the fixtures: database, repository, ...)
from tests.contract.conftest_store import rekeyed

MODEL = "test-model"


def skill_rows(db: Database, doc_id: int) -> list[tuple[str, str | None, bool]]:
    with db.session() as s:
        rows = s.scalars(
            select(OfferSkillRow).where(OfferSkillRow.offer_id == doc_id).order_by(OfferSkillRow.id)
        )
        return [(r.label, r.key, r.is_required) for r in rows]


def count(db: Database, model: type[Base]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- upserts ----------------------------------------------------------------------------------------


def test_same_records_twice_change_nothing(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = offer_records[:50]
    first = repository.upsert_many(records)
    stored = repository.get_by_external_ids([r.external_id for r in records])
    synced = {e: row.synced_at for e, row in stored.items()}

    second = repository.upsert_many(records)

    assert len(first.inserted) == len(first.changed_doc_ids) == 50
    assert second.unchanged == [r.external_id for r in records]
    assert second.inserted == second.updated == second.changed_doc_ids == []
    assert repository.count() == 50
    again = repository.get_by_external_ids([r.external_id for r in records])
    assert {e: row.synced_at for e, row in again.items()} == synced
    assert count(repository.db, OfferSkillRow) == sum(len(r.skills) for r in records)


def test_changed_content_updates_the_row_and_replaces_its_skills(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    record = next(r for r in offer_records if len(r.skills) >= 3)
    [doc_id] = repository.upsert_many([record]).changed_doc_ids
    kept = record.skills[1:]
    changed = record.model_copy(
        update={
            "title": record.title + " (H/F)",
            "skills": [*kept, OfferSkill(label="Conduite de chariot élévateur", key="caces", required=True)],
        }
    )

    outcome = repository.upsert_many([changed])

    assert outcome.updated == [record.external_id]
    assert outcome.changed_doc_ids == [doc_id]  # same doc id: indexes update in place
    [row] = repository.get_many([doc_id])
    assert row.title == changed.title
    assert row.content_hash == changed.content_hash() != record.content_hash()
    expected = [(s.label, s.key, s.required) for s in changed.skills]
    assert skill_rows(repository.db, doc_id) == expected
    assert [(s.label, s.key, s.is_required) for s in row.skills] == expected
    assert count(repository.db, OfferSkillRow) == len(expected)


def test_hashes_mirror_the_stored_records(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = offer_records[:30]
    outcome = repository.upsert_many(records)

    by_ext = {r.external_id: r.content_hash() for r in records}
    ids = repository.external_ids(outcome.changed_doc_ids)
    assert {doc_id: by_ext[ids[doc_id]] for doc_id in outcome.changed_doc_ids} == repository.hashes()


# --- deletes ----------------------------------------------------------------------------------------


def test_delete_removes_offers_with_their_skills_and_embeddings(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = [r for r in offer_records if r.skills][:3]
    doc_ids = repository.upsert_many(records).changed_doc_ids
    repository.save_embeddings(MODEL, [(d, "h") for d in doc_ids], np.ones((3, 4), dtype=np.float32))

    assert repository.delete_many([records[0].external_id, "inconnu"]) == [doc_ids[0]]

    assert [row.id for row in repository.get_many(doc_ids)] == doc_ids[1:]
    assert skill_rows(repository.db, doc_ids[0]) == []
    assert set(repository.load_embeddings(doc_ids, MODEL)) == set(doc_ids[1:])
    assert count(repository.db, OfferSkillRow) == sum(len(r.skills) for r in records[1:])
    assert repository.delete_many(["inconnu"]) == []


def test_the_database_itself_cascades_skill_deletes(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    record = next(r for r in offer_records if r.skills)
    [doc_id] = repository.upsert_many([record]).changed_doc_ids

    with repository.db.session() as s:  # what a manual DELETE (psql, sqlite3) does
        s.execute(delete(OfferRow).where(OfferRow.id == doc_id))

    assert count(repository.db, OfferSkillRow) == 0


# --- reads ------------------------------------------------------------------------------------------


def test_get_many_returns_offers_in_the_order_asked(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    doc_ids = repository.upsert_many(offer_records[:20]).changed_doc_ids
    asked = [doc_ids[7], 999_999, doc_ids[2], doc_ids[19], doc_ids[0]]

    assert [row.id for row in repository.get_many(asked)] == [doc_ids[7], doc_ids[2], doc_ids[19], doc_ids[0]]
    assert repository.get_many([]) == []


def test_occupation_skills_count_offers_per_code_and_skill(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = offer_records[:200]
    repository.upsert_many(records)
    offers, skills, labels = repository.occupation_skills()
    expected: dict[str, int] = {}
    for r in records:
        if r.rome_code:
            expected[r.rome_code] = expected.get(r.rome_code, 0) + 1
    assert offers == expected
    code = max(skills, key=lambda c: len(skills[c]))
    with repository.db.session() as s:
        ids = list(s.scalars(select(OfferRow.id).where(OfferRow.rome_code == code)))
        asked = {
            (k.key or f"rome:{k.code}")
            for k in s.scalars(select(OfferSkillRow).where(OfferSkillRow.offer_id.in_(ids)))
            if k.key or k.code
        }
    assert set(skills[code]) == asked
    assert all(1 <= n <= offers[code] for n in skills[code].values())
    assert all(labels[key] for key in asked)


def test_raw_payload_round_trips(repository: OfferRepository, offer_records: list[OfferRecord]) -> None:
    records = offer_records[:40]
    payload = {
        "intitule": "Aide-soignant·e de nuit — EHPAD « Les Tilleuls »",
        "salaire": {
            "libelle": "Mensuel de 2 100,00 Euros",
            "complements": [None, True, 1.5e-7, -0.0, 10**15],
        },
        "emoji": "👩‍⚕️",
        "vide": {},
    }
    records.append(records[0].model_copy(update={"external_id": "RAW-1", "raw": payload}))
    repository.upsert_many(records)

    stored = repository.get_by_external_ids([r.external_id for r in records])
    assert {e: row.raw for e, row in stored.items()} == {r.external_id: r.raw for r in records}
    assert stored["RAW-1"].languages == list(records[0].languages)


def test_timestamps_come_back_aware_utc(
    repository: OfferRepository, offer_records: list[OfferRecord], database_url: str
) -> None:
    paris_summer = timezone(timedelta(hours=2))
    published = datetime(2025, 7, 14, 9, 30, 15, 123456, tzinfo=paris_summer)
    naive = datetime(2025, 1, 2, 3, 4, 5)  # no offset: taken as UTC
    base = offer_records[0]
    repository.upsert_many(
        [
            base.model_copy(
                update={"external_id": "TZ-1", "published_at": published, "source_updated_at": naive}
            ),
            base.model_copy(update={"external_id": "TZ-2", "published_at": naive, "source_updated_at": None}),
        ]
    )

    # a second client whose session time zone is not UTC (the server default may be Europe/Paris)
    url = database_url
    if make_url(url).get_backend_name() == "postgresql":
        url = (
            make_url(url)
            .update_query_dict({"options": "-c timezone=America/New_York"})
            .render_as_string(False)
        )
    other = Database(url)
    try:
        for repo in (repository, OfferRepository(other)):
            rows = repo.get_by_external_ids(["TZ-1", "TZ-2"])
            assert rows["TZ-1"].published_at == published
            assert rows["TZ-1"].published_at.tzinfo == UTC
            assert rows["TZ-1"].published_at.isoformat() == "2025-07-14T07:30:15.123456+00:00"
            assert rows["TZ-1"].source_updated_at == naive.replace(tzinfo=UTC)
            assert rows["TZ-2"].published_at == naive.replace(tzinfo=UTC)
            assert rows["TZ-2"].source_updated_at is None
            for row in rows.values():
                assert row.created_at.tzinfo == row.synced_at.tzinfo == UTC
                assert abs(datetime.now(UTC) - row.synced_at) < timedelta(minutes=5)
    finally:
        other.dispose()


# --- embeddings -------------------------------------------------------------------------------------


def test_embeddings_round_trip_bit_for_bit(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    doc_ids = repository.upsert_many(offer_records[:64]).changed_doc_ids
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((64, 384)).astype(np.float32)
    vectors[0, :4] = [np.float32(1e-38), np.float32(-0.0), np.finfo(np.float32).max, np.float32(1 / 3)]
    items = [(d, f"hash-{d}") for d in doc_ids]

    repository.save_embeddings(MODEL, items, vectors)
    loaded = repository.load_embeddings(doc_ids, MODEL)

    assert [loaded[d][0] for d in doc_ids] == [h for _, h in items]
    got = np.stack([loaded[d][1] for d in doc_ids])
    assert got.dtype == np.float32
    assert got.tobytes() == vectors.tobytes()
    assert repository.load_embeddings(doc_ids, "another-model") == {}

    repository.save_embeddings(MODEL, items[:1], -vectors[:1])  # re-encoded: replaced, not added
    assert np.array_equal(repository.load_embeddings(doc_ids[:1], MODEL)[doc_ids[0]][1], -vectors[0])
    assert count(repository.db, EmbeddingRow) == 64


# --- volume -----------------------------------------------------------------------------------------


def test_thousands_of_ids_in_one_call(repository: OfferRepository, offer_records: list[OfferRecord]) -> None:
    records = rekeyed(offer_records, 5_000)
    ext_ids = [r.external_id for r in records]

    outcome = repository.upsert_many(records)
    assert len(outcome.inserted) == len(set(outcome.changed_doc_ids)) == 5_000

    assert repository.upsert_many(records).unchanged == ext_ids
    assert set(repository.get_by_external_ids(ext_ids)) == set(ext_ids)
    assert [row.id for row in repository.get_many(outcome.changed_doc_ids[::-1])] == outcome.changed_doc_ids[
        ::-1
    ]
    assert set(repository.external_ids(outcome.changed_doc_ids).values()) == set(ext_ids)
    # more ids than PostgreSQL accepts parameters in one statement (65,535)
    unknown = [f"absent-{i}" for i in range(70_000)]
    assert len(repository.get_by_external_ids(unknown + ext_ids[:3])) == 3
    assert len(repository.get_many([*range(10**6, 10**6 + 70_000), outcome.changed_doc_ids[0]])) == 1

    assert sorted(repository.delete_many(ext_ids)) == sorted(outcome.changed_doc_ids)
    assert repository.count() == count(repository.db, OfferSkillRow) == 0


# --- schema migrations ------------------------------------------------------------------------------


def test_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert migrate.current_revision(db.engine) is None
        db.create_schema()
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        assert migrate.schema_differences(db.engine) == []

        db.create_schema()  # every process start does this: a no-op on a schema at head
        assert migrate.current_revision(database_url) == migrate.head_revision()
        assert migrate.schema_differences(db.engine) == []
    finally:
        db.dispose()


def test_instances_starting_together_migrate_once(database_url: str) -> None:
    instances = [Database(database_url) for _ in range(4)]
    errors: list[BaseException] = []

    def start(db: Database) -> None:
        try:
            db.create_schema()
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(db,)) for db in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert migrate.current_revision(instances[0].engine) == migrate.head_revision()
        assert migrate.schema_differences(instances[0].engine) == []
    finally:
        for db in instances:
            db.dispose()


def test_upgrade_by_url_is_idempotent(database_url: str) -> None:
    migrate.upgrade(database_url)
    migrate.upgrade(database_url)

    assert migrate.current_revision(database_url) == migrate.head_revision()
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_database_made_by_create_all_is_adopted(
    database_url: str, offer_records: list[OfferRecord], revision: str
) -> None:
    """A database created before migrations existed keeps its data and reaches the latest revision."""
    engine: Engine = create_engine(database_url, poolclass=pool.NullPool)
    tables = dict(migrate.LEGACY_REVISIONS)
    created = [t for name, t in Base.metadata.tables.items() if revision == "0002" or name in tables["0001"]]
    Base.metadata.create_all(engine, tables=created)
    engine.dispose()
    legacy = Database(database_url)
    try:
        OfferRepository(legacy).upsert_many(offer_records[:5])

        legacy.create_schema()

        assert migrate.current_revision(legacy.engine) == migrate.head_revision()
        assert migrate.schema_differences(legacy.engine) == []
        assert OfferRepository(legacy).count() == 5
    finally:
        legacy.dispose()


def test_unreachable_database_says_what_to_do() -> None:
    db = Database("postgresql://bassin:secret@127.0.0.1:9/bassin")
    with pytest.raises(ConfigurationError, match="BASSIN_DATABASE_URL") as raised:
        db.create_schema()
    assert "secret" not in str(raised.value)
    db.dispose()


# --- expiry (France Travail connector) ----------------------------------------------------------------


def test_closed_offers_leave_every_read_but_stay_in_sql(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = offer_records[:20]
    repository.upsert_many(records)
    ids = [r.external_id for r in records]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert repository.mark_seen(ids, t0) == []

    closed = repository.close_many([*ids[:3], "UNKNOWN"], t0 + timedelta(hours=1))
    assert len(closed) == 3
    assert repository.close_many(ids[:3], t0 + timedelta(hours=2)) == [], "closing twice closes nothing"
    assert (repository.count(), repository.count(include_closed=True), repository.count_closed()) == (
        17,
        20,
        3,
    )
    assert set(repository.get_by_external_ids(ids)) == set(ids[3:])
    assert set(repository.get_by_external_ids(ids, include_closed=True)) == set(ids)
    assert not set(repository.hashes()) & set(closed)
    assert [d.external_id for d in repository.iter_documents(closed)] == []
    assert {d.external_id for d in repository.iter_documents()} == set(ids[3:])
    row = repository.get_many(closed[:1], include_closed=True)[0]
    assert row.closed_at == t0 + timedelta(hours=1) and row.seen_at == t0

    later = t0 + timedelta(days=3)
    repository.mark_seen(ids[3:10], later)
    lo = min(r.published_at for r in records)
    hi = max(r.published_at for r in records) + timedelta(seconds=1)
    assert set(repository.unseen_since(later, created_from=lo, created_before=hi)) == set(ids[10:])
    assert repository.unseen_since(later, created_from=hi, created_before=hi + timedelta(days=1)) == []
    assert repository.unconfirmed(later, limit=100) == ids[10:]
    assert repository.unconfirmed(later, limit=2) == ids[10:12]

    assert len(repository.mark_seen(ids[:1], later)) == 1, "listed again: reopened"
    assert repository.count() == 18 and ids[0] in repository.get_by_external_ids(ids[:1])


def test_rows_kept_between_reads_follow_every_write_even_from_another_process(
    database_url: str, repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    records = offer_records[:6]
    repository.upsert_many(records)
    by_ext = repository.get_by_external_ids([r.external_id for r in records])
    ids = [by_ext[r.external_id].id for r in records]
    first = repository.get_many(ids)
    assert all(a is b for a, b in zip(repository.get_many(ids), first, strict=True)), "kept, not re-read"

    other = Database(database_url)  # another process over the same database (no shared memory)
    try:
        writer = OfferRepository(other)
        writer.upsert_many([records[0].model_copy(update={"title": "Cariste de nuit (H/F) — modifié"})])
        t0 = datetime(2026, 2, 1, tzinfo=UTC)
        writer.close_many([records[1].external_id], t0)
        writer.mark_seen([records[2].external_id], t0)
        writer.delete_many([records[3].external_id])
    finally:
        other.dispose()

    now = {row.id: row for row in repository.get_many(ids)}
    assert set(now) == {ids[0], ids[2], ids[4], ids[5]}, "closed and deleted offers leave the reads"
    assert now[ids[0]].title == "Cariste de nuit (H/F) — modifié"
    assert [s.label for s in now[ids[0]].skills] == [s.label for s in first[0].skills]
    assert now[ids[2]].seen_at == t0 and now[ids[2]] is not first[2]
    assert now[ids[4]] is first[4] and now[ids[5]] is first[5], "unchanged rows are not re-read"
    assert repository.get_many([ids[1]], include_closed=True)[0].closed_at == t0
    assert [r.id for r in repository.get_many([ids[5], ids[4], ids[5]])] == [ids[5], ids[4], ids[5]]


def test_without_a_row_cache_every_read_loads(
    repository: OfferRepository, offer_records: list[OfferRecord]
) -> None:
    uncached = OfferRepository(repository.db, row_cache=0)
    repository.upsert_many(offer_records[:3])
    ids = [r.id for r in repository.get_by_external_ids([r.external_id for r in offer_records[:3]]).values()]
    a, b = uncached.get_many(ids), uncached.get_many(ids)
    assert [r.id for r in a] == [r.id for r in b] and all(x is not y for x, y in zip(a, b, strict=True))
