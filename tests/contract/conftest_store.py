"""Fixtures of the store contract tests: the same repository on SQLite and on a real PostgreSQL.

Imported by ``test_store_contract.py`` (``tests/contract/conftest.py`` belongs to the lexical contract).
The PostgreSQL database comes from the session fixture ``postgres_url`` (tests/conftest.py); every test
gets it back empty (its ``public`` schema dropped and re-created), SQLite tests get a new file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, pool, text

from domain.offers import OfferRecord
from ingestion.offers.france_travail import FranceTravailNormalizer
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_skill_taxonomy
from store import Database, OfferRepository
from tests.conftest import load_raw_offers

__all__ = ["database", "database_url", "normalizer", "offer_records", "repository", "store_backend"]

STORE_BACKENDS = ["sqlite", "postgresql"]

# Real offers normalised once per session; tests needing thousands re-key copies of them.
REAL_OFFERS = 250


@pytest.fixture(scope="session", params=STORE_BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(store_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """URL of an empty database (no table at all) of the backend under test."""
    if store_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = str(request.getfixturevalue("postgres_url"))
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated, empty database."""
    db = Database(database_url)
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture
def repository(database: Database) -> OfferRepository:
    return OfferRepository(database)


@pytest.fixture(scope="session")
def normalizer() -> FranceTravailNormalizer:
    """Built as ``app/runtime.py`` builds it: real taxonomy and gazetteer."""
    tax = default_skill_taxonomy()
    return FranceTravailNormalizer(
        normalize_skill=tax.normalize,
        extract_skills=lambda text: [(m.key, tax.label(m.key)) for m in tax.extract(text)],
        department_of_postcode=default_gazetteer().department_of_postcode,
    )


@pytest.fixture(scope="session")
def offer_records(normalizer: FranceTravailNormalizer) -> list[OfferRecord]:
    """Real France Travail offers from the shipped sample, normalised."""
    return [normalizer.normalize(raw) for raw in load_raw_offers(REAL_OFFERS)]


def rekeyed(records: list[OfferRecord], count: int) -> list[OfferRecord]:
    """``count`` records cycling over real ones, each under its own external id."""
    return [
        records[i % len(records)].model_copy(
            update={"external_id": f"{records[i % len(records)].external_id}-{i}"}
        )
        for i in range(count)
    ]
