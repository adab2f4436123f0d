"""Vectors in PostgreSQL with pgvector: one table per collection, an HNSW index, the filters in SQL.

Table ``bassin_vectors_<collection>``: ``doc_id`` (primary key), ``content_hash``, ``embedding
vector(dim)`` and the filterable fields (text arrays, booleans, numbers, date, lat/lon) the filters
read. A search is one ``SELECT … WHERE <filters> ORDER BY embedding <#> :query LIMIT k``: the
HNSW index (``vector_ip_ops``) is walked with ``hnsw.iterative_scan = strict_order``, so rows the
WHERE clause rejects are skipped during the scan and the walk goes on until ``k`` rows pass (or
``hnsw.max_scan_tuples``); the planner may also pick an exact scan when the filter is selective.
Every row returned meets every filter: the WHERE clause is ``domain.filters.matches`` in SQL, and the
geo circle's thin boundary ring is checked with ``haversine_km`` first (as on Elasticsearch).

``bassin_vector_indexes`` records the model and dimension of each table; another model refuses to
open until ``bassin sync --rebuild``. ``reindex`` fills ``<table>_next`` and renames it in place in one
transaction, so searches answer throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, Final

import numpy as np
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from domain import crash_points
from domain.documents import IndexDocument
from domain.errors import ConfigurationError, ModelMismatchError
from domain.filters import EARTH_RADIUS_KM, haversine_km
from domain.search import SearchFilters
from retrieval.vector.base import VectorHit, as_matrix

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
WRITE_CHUNK = 500
_META = "bassin_vector_indexes"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_GEO_MARGIN_KM = 1e-6
_ARRAYS = ("skills", "contract", "rome", "department", "languages")
_COLUMNS = (
    "doc_id, content_hash, embedding, skills, contract, rome, department, languages, remote, "
    "experience_months, published, lat, lon"
)


class PgVectorIndex:
    """``VectorBackend`` over a pgvector table of the store's PostgreSQL database.

    Args:
        engine: the SQLAlchemy engine of the store (PostgreSQL with the ``vector`` extension).
        collection: ``"offers"`` or ``"candidates"``.
        model_id, dim: the embedding model; a table built with another refuses to open.
        ef_search: HNSW candidate list per search (raised to ``2 * limit`` for deep searches).
        recreate: drop whatever the table holds and start empty (``bassin sync --rebuild``).

    Raises:
        ConfigurationError: the database is not PostgreSQL, or the ``vector`` extension is missing.
        ModelMismatchError: the table holds vectors of another model or dimension.
    """

    backend: Final = "pgvector"

    def __init__(
        self,
        engine: Engine,
        collection: str,
        *,
        model_id: str,
        dim: int,
        ef_search: int = 100,
        recreate: bool = False,
    ) -> None:
        if engine.dialect.name != "postgresql":
            raise ConfigurationError(
                "BASSIN_VECTOR_BACKEND=pgvector demande une base PostgreSQL avec l'extension vector "
                f"(BASSIN_DATABASE_URL désigne {engine.dialect.name}). / BASSIN_VECTOR_BACKEND=pgvector "
                "needs BASSIN_DATABASE_URL to point at PostgreSQL with the pgvector extension."
            )
        self.table = f"bassin_vectors_{collection}"
        if not _NAME.match(self.table):
            raise ConfigurationError(f"Nom de collection invalide : {collection!r}")
        self.collection = collection
        self.model_id = model_id
        self.dim = dim
        self.ef_search = ef_search
        self._engine = engine
        self._prepare(recreate)

    @property
    def mode(self) -> str:
        return "hnsw"

    # -- schema ---------------------------------------------------------------------------------

    def _prepare(self, recreate: bool) -> None:
        with self._engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": self.table})
            self._ensure_extension(conn)
            conn.execute(
                text(f"CREATE TABLE IF NOT EXISTS {_META} (name text PRIMARY KEY, model_id text, dim int)")
            )
            row = conn.execute(
                text(f"SELECT model_id, dim FROM {_META} WHERE name = :n"), {"n": self.table}
            ).first()
            exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": self.table}).scalar() is not None
            if recreate or row is None or not exists:
                self._create(conn, self.table)
            elif (row.model_id, row.dim) != (self.model_id, self.dim):
                raise ModelMismatchError(self.table, str(row.model_id), int(row.dim), self.model_id, self.dim)

    def _ensure_extension(self, conn: Connection) -> None:
        present = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first()
        if present:
            return
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        except (ProgrammingError, DBAPIError) as exc:
            raise ConfigurationError(
                "BASSIN_VECTOR_BACKEND=pgvector : l'extension PostgreSQL « vector » est absente et ne peut "
                f"pas être créée ({exc.orig}). Installez pgvector sur le serveur puis `CREATE EXTENSION "
                "vector;` (en superutilisateur), ou choisissez BASSIN_VECTOR_BACKEND=faiss. / The pgvector "
                "extension is missing: install it and run CREATE EXTENSION vector, or use another backend."
            ) from exc

    def _create(self, conn: Connection, table: str) -> None:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.execute(
            text(
                f"""CREATE TABLE {table} (
                    doc_id bigint PRIMARY KEY, content_hash text NOT NULL, embedding vector({int(self.dim)}) NOT NULL,
                    skills text[] NOT NULL, contract text[] NOT NULL, rome text[] NOT NULL,
                    department text[] NOT NULL, languages text[] NOT NULL, remote boolean,
                    experience_months integer, published date, lat double precision, lon double precision)"""
            )
        )
        conn.execute(
            text(
                f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_ip_ops) "
                f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO {_META} (name, model_id, dim) VALUES (:n, :m, :d) "
                "ON CONFLICT (name) DO UPDATE SET model_id = excluded.model_id, dim = excluded.dim"
            ),
            {"n": self.table, "m": self.model_id, "d": self.dim},
        )

    # -- writes ---------------------------------------------------------------------------------

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray) -> None:
        matrix = self._as_matrix(vectors, len(docs))
        with self._engine.begin() as conn:
            self._insert(conn, self.table, docs, matrix)

    def _insert(
        self, conn: Connection, table: str, docs: Sequence[IndexDocument], matrix: np.ndarray
    ) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
        statement = text(
            f"INSERT INTO {table} ({_COLUMNS}) VALUES (:doc_id, :content_hash, CAST(:embedding AS vector), "
            ":skills, :contract, :rome, :department, :languages, :remote, :experience_months, :published, "
            f":lat, :lon) ON CONFLICT (doc_id) DO UPDATE SET {updates}"
        )
        for start in range(0, len(docs), WRITE_CHUNK):
            rows = [
                _row(d, v)
                for d, v in zip(
                    docs[start : start + WRITE_CHUNK], matrix[start : start + WRITE_CHUNK], strict=True
                )
            ]
            if rows:
                conn.execute(statement, rows)

    def delete(self, doc_ids: Sequence[int] | np.ndarray) -> None:
        ids = [int(i) for i in np.asarray(doc_ids, dtype=np.int64).reshape(-1)]
        if ids:
            with self._engine.begin() as conn:
                conn.execute(text(f"DELETE FROM {self.table} WHERE doc_id = ANY(:ids)"), {"ids": ids})

    def clear(self) -> None:
        with self._engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {self.table}"))

    def save(self) -> None:
        """Nothing to do: each write is committed, hence visible to every instance, when it returns."""

    @contextmanager
    def writing(self) -> Iterator[bool]:
        """Nothing to reload: every instance reads and writes the same table."""
        yield False

    def reindex(self, items: Iterable[tuple[IndexDocument, np.ndarray]]) -> None:
        """Fill ``<table>_next`` (HNSW built once, after the rows), then swap it in one transaction."""
        staging = f"{self.table}_next"
        with self._engine.begin() as conn:
            # the HNSW build is much faster when the graph fits in maintenance memory
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            self._create(conn, staging)
            conn.execute(text(f"DROP INDEX {staging}_hnsw"))
            iterator = iter(items)
            while chunk := list(islice(iterator, WRITE_CHUNK)):
                self._insert(conn, staging, [d for d, _ in chunk], np.stack([v for _, v in chunk]))
            conn.execute(
                text(
                    f"CREATE INDEX {staging}_hnsw ON {staging} USING hnsw (embedding vector_ip_ops) "
                    f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
                )
            )
            crash_points.reached("reindex.vectors-filled")
            conn.execute(text(f"DROP TABLE {self.table}"))
            conn.execute(text(f"ALTER TABLE {staging} RENAME TO {self.table}"))
            conn.execute(text(f"ALTER INDEX {staging}_hnsw RENAME TO {self.table}_hnsw"))
            conn.execute(text(f"ALTER INDEX {staging}_pkey RENAME TO {self.table}_pkey"))

    def close(self) -> None:
        """The engine belongs to the store. Idempotent."""

    # -- reads ----------------------------------------------------------------------------------

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {self.table}")).scalar_one())

    def ids(self) -> np.ndarray:
        with self._engine.connect() as conn:
            rows = conn.execute(text(f"SELECT doc_id FROM {self.table} ORDER BY doc_id")).scalars().all()
        return np.asarray(rows, dtype=np.int64)

    def hashes(self) -> dict[int, str]:
        with self._engine.connect() as conn:
            return {
                int(r[0]): r[1] for r in conn.execute(text(f"SELECT doc_id, content_hash FROM {self.table}"))
            }

    def get_vectors(self, doc_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        ids = [int(i) for i in np.asarray(doc_ids, dtype=np.int64).reshape(-1)]
        with self._engine.connect() as conn:
            found = {
                int(r[0]): np.fromstring(r[1][1:-1], dtype=np.float32, sep=",")
                for r in conn.execute(
                    text(f"SELECT doc_id, embedding::text FROM {self.table} WHERE doc_id = ANY(:ids)"),
                    {"ids": ids},
                )
            }
        missing = [i for i in ids if i not in found]
        if missing:
            raise KeyError(f"doc ids not indexed: {missing[:10]}")
        return np.stack([found[i] for i in ids]) if ids else np.empty((0, self.dim), dtype=np.float32)

    def search(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> list[VectorHit]:
        if limit <= 0:
            return []
        query = _literal(self._as_matrix(vector, 1)[0])
        where, params = _where(filters or SearchFilters())
        with self._engine.begin() as conn:
            if filters is not None and filters.geo is not None:
                params["excluded"] = self._outside_circle(conn, where, params, filters)
                where += " AND NOT (doc_id = ANY(:excluded))"
            conn.execute(
                text("SELECT set_config('hnsw.ef_search', :v, true)"),
                {"v": str(max(self.ef_search, 2 * limit))},
            )
            conn.execute(text("SELECT set_config('hnsw.iterative_scan', 'strict_order', true)"))
            rows = conn.execute(
                text(
                    f"SELECT doc_id, -(embedding <#> CAST(:q AS vector)) AS score FROM {self.table} "
                    f"WHERE {where} ORDER BY embedding <#> CAST(:q AS vector) LIMIT :k"
                ),
                {**params, "q": query, "k": limit},
            ).all()
        hits = [VectorHit(int(r[0]), float(r[1])) for r in rows]
        return sorted(hits, key=lambda h: (-h.score, h.doc_id))

    def _outside_circle(
        self, conn: Connection, where: str, params: dict[str, Any], filters: SearchFilters
    ) -> list[int]:
        """Ids SQL's distance lets through but ``haversine_km`` rejects (the thin ring at the boundary)."""
        geo = filters.geo
        assert geo is not None
        rows = conn.execute(
            text(f"SELECT doc_id, lat, lon FROM {self.table} WHERE {where} AND {_DISTANCE} > :geo_inner"),
            {**params, "geo_inner": max(0.0, geo.radius_km - 2 * _GEO_MARGIN_KM * max(1.0, geo.radius_km))},
        )
        return [int(r[0]) for r in rows if haversine_km(geo.lat, geo.lon, r[1], r[2]) > geo.radius_km]

    def disk_bytes(self) -> int:
        """Table + HNSW index size on disk (for the bench)."""
        with self._engine.connect() as conn:
            return int(
                conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": self.table}).scalar_one()
            )

    def _as_matrix(self, vectors: np.ndarray, rows: int) -> np.ndarray:
        return as_matrix(vectors, rows, self.dim)


_DISTANCE = (
    f"(2 * {EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt(power(sin((radians(lat) - radians(:geo_lat)) / 2), 2) "
    "+ cos(radians(:geo_lat)) * cos(radians(lat)) * power(sin(radians(lon - :geo_lon) / 2), 2)))))"
)


def _where(f: SearchFilters) -> tuple[str, dict[str, Any]]:
    """``domain.filters.matches`` as a SQL condition over the table's columns (NULL fails every test)."""
    clauses = ["TRUE"]
    params: dict[str, Any] = {}
    for column, values, op in (
        ("skills", f.skills, "@>"),
        ("languages", f.languages, "@>"),
        ("rome", f.rome, "&&"),
        ("department", f.departments, "&&"),
        ("contract", f.contracts, "&&"),
    ):
        if values:
            params[column] = list(values)
            clauses.append(f"{column} {op} CAST(:{column} AS text[])")
    if f.exclude_contracts:
        params["exclude_contracts"] = list(f.exclude_contracts)
        clauses.append("NOT (contract && CAST(:exclude_contracts AS text[]))")
    if f.experience_min_months is not None:
        params["exp_min"] = f.experience_min_months
        clauses.append("experience_months >= :exp_min")
    if f.experience_max_months is not None:
        params["exp_max"] = f.experience_max_months
        clauses.append("experience_months <= :exp_max")
    if f.remote is True:
        clauses.append("remote IS TRUE")
    elif f.remote is False:
        clauses.append("remote IS NOT TRUE")
    if f.published_since is not None:
        params["published_since"] = f.published_since
        clauses.append("published >= :published_since")
    if f.geo is not None:
        params.update(geo_lat=f.geo.lat, geo_lon=f.geo.lon)
        params["geo_outer"] = f.geo.radius_km + 2 * _GEO_MARGIN_KM * max(1.0, f.geo.radius_km)
        clauses.append(f"lat IS NOT NULL AND lon IS NOT NULL AND {_DISTANCE} <= :geo_outer")
    return " AND ".join(clauses), params


def _literal(vector: np.ndarray) -> str:
    # repr of a float32 widened to float64 round-trips exactly through pgvector's float4 parser
    return "[" + ",".join(map(repr, vector.astype(np.float64).tolist())) + "]"


def _row(doc: IndexDocument, vector: np.ndarray) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "content_hash": doc.content_hash,
        "embedding": _literal(vector),
        **{name: list(getattr(doc, name)) for name in _ARRAYS},
        "remote": doc.remote,
        "experience_months": doc.experience_months,
        "published": doc.published,
        "lat": doc.lat,
        "lon": doc.lon,
    }
