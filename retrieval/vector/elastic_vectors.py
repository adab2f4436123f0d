"""Vectors in Elasticsearch: a ``dense_vector`` (HNSW, int8-quantised from 128 dimensions) per document,
searched by filtered kNN, behind an alias like the lexical index.

Layout: ``<prefix>-<collection>-vectors`` is an alias on one ``…-vectors-v<UTC timestamp>`` index; a
``reindex`` fills a new version and moves the alias atomically, so searches answer throughout. Each
document holds its vector and the same filterable fields as the lexical index (``elastic_schema``), so
the hard filters are the lexical side's clauses, placed in the kNN ``filter``: Elasticsearch applies
them while it walks the HNSW graph (and scores exactly when they leave few documents), never after.
The geo circle is the lexical side's too: a widened ``geo_distance`` plus the ids of the thin ring
around the boundary that ``haversine_km`` rejects, found by one small query before the kNN.

Scores: the field's similarity is ``cosine``; Elasticsearch returns ``(1 + cos) / 2`` and ``search``
turns it back into the cosine FAISS gives. With int8 the graph is walked on quantised vectors, and
the best ``num_candidates`` are re-scored on the float vectors (``rescore_vector``), so the
top hits keep float precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Final

import numpy as np
from elastic_transport import TransportError
from elasticsearch import BadRequestError, Elasticsearch

from domain import crash_points
from domain.documents import IndexDocument
from domain.errors import ConfigurationError, IndexCorruptedError, ModelMismatchError
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.elastic import (
    DocumentFailure,
    DocumentIndexingError,
    _node_url,
    _unreachable,
    bulk_failures,
)
from retrieval.lexical.elastic_schema import (
    MAPPINGS,
    filter_clauses,
    geo_distance,
    geo_margin_km,
    inside_circle,
    to_source,
)
from retrieval.vector.base import VectorHit, as_matrix

SCHEMA_VERSION = 1
BULK_CHUNK = 250  # a 512-d vector is ~10 kB of JSON: 250 documents per bulk request stay under ~3 MB
PAGE_SIZE = 10_000
INT8_MIN_DIMS = 128
"""Below this, quantisation saves little memory and costs recall: plain HNSW."""
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
_FILTER_FIELDS: tuple[str, ...] = ("doc_id", "content_hash", "skills", "contract", "rome", "department")
_FILTER_FIELDS += ("languages", "remote", "experience_months", "published", "location", "lat", "lon")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def vector_mappings(model_id: str, dim: int) -> dict[str, Any]:
    """The vector index mapping: the lexical index's filter fields, plus the vector."""
    index_type = "int8_hnsw" if dim >= INT8_MIN_DIMS else "hnsw"
    properties = {name: MAPPINGS["properties"][name] for name in _FILTER_FIELDS}
    properties["vector"] = {
        "type": "dense_vector",
        "dims": dim,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": index_type, "m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION},
    }
    return {
        "dynamic": "strict",
        "_meta": {"bassin_vector_schema": SCHEMA_VERSION, "model_id": model_id, "dim": dim},
        "properties": properties,
    }


class ElasticsearchVectorIndex:
    """``VectorBackend`` over the alias ``<index_prefix>-<collection>-vectors``.

    Args:
        client: a connected client (``connect_elasticsearch``); the caller closes it.
        collection: ``"offers"`` or ``"candidates"``.
        model_id, dim: the embedding model; an index built with another one refuses to open.
        index_prefix: first part of the alias and index names.
        num_candidates_factor: HNSW candidates per requested hit (at least 100 in all).
        recreate: start from a new empty version whatever the alias holds (``bassin sync --rebuild``).

    Raises:
        ModelMismatchError: the alias holds vectors of another model or dimension.
        IndexCorruptedError: the alias name is a plain index, or the mapping is not this version's.
        ConfigurationError: the node lacks ``dense_vector``/kNN, or cannot be reached.
    """

    backend: Final = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch,
        collection: str,
        *,
        model_id: str,
        dim: int,
        index_prefix: str = "bassin",
        num_candidates_factor: int = 10,
        recreate: bool = False,
    ) -> None:
        self.collection = collection
        self.model_id = model_id
        self.dim = dim
        self.alias = f"{index_prefix}-{collection}-vectors"
        if not _NAME.match(self.alias) or index_prefix != index_prefix.lower():
            raise ConfigurationError(
                f"Nom d'index Elasticsearch invalide : {self.alias!r}. / Invalid index name."
            )
        self.num_candidates_factor = num_candidates_factor
        self._client = client
        self._mappings = vector_mappings(model_id, dim)
        with self._reachable():
            if recreate:
                self.clear()
            else:
                self._open_alias()

    @property
    def mode(self) -> str:
        return str(self._mappings["properties"]["vector"]["index_options"]["type"])

    # -- writes ---------------------------------------------------------------------------------

    def upsert(self, docs: Sequence[IndexDocument], vectors: np.ndarray, *, index: str | None = None) -> None:
        """Add or replace documents with their vectors (visible after ``save``)."""
        matrix = self._as_matrix(vectors, len(docs))
        target = index or self.alias
        failures: list[DocumentFailure] = []
        for start in range(0, len(docs), BULK_CHUNK):
            operations: list[dict[str, Any]] = []
            for doc, vec in zip(
                docs[start : start + BULK_CHUNK], matrix[start : start + BULK_CHUNK], strict=True
            ):
                operations += [{"index": {"_index": target, "_id": str(doc.doc_id)}}, _source(doc, vec)]
            failures += self._bulk(operations, ok_statuses=())
        if failures:
            raise DocumentIndexingError(target, failures)

    def delete(self, doc_ids: Sequence[int] | np.ndarray) -> None:
        ids = [int(i) for i in np.asarray(doc_ids, dtype=np.int64).reshape(-1)]
        for start in range(0, len(ids), 1000):
            operations = [
                {"delete": {"_index": self.alias, "_id": str(i)}} for i in ids[start : start + 1000]
            ]
            failures = self._bulk(operations, ok_statuses=(404,))
            if failures:
                raise DocumentIndexingError(self.alias, failures)

    def clear(self) -> None:
        self._swap_alias(self._create_version())

    def save(self) -> None:
        """Make the writes visible to every reader of the cluster (an index refresh)."""
        with self._reachable():
            self._client.indices.refresh(index=self.alias)

    @contextmanager
    def writing(self) -> Iterator[bool]:
        """Nothing to reload: every instance reads and writes the same index."""
        yield False

    def remove_leftovers(self) -> list[str]:
        """Delete the versions the alias does not point to (a rebuild killed before or right after its
        swap); call under the writer lock. Returns the index names deleted."""
        with self._reachable():
            exists = bool(self._client.indices.exists_alias(name=self.alias))
            aliased = set(self._client.indices.get_alias(name=self.alias)) if exists else set()
            unused = [name for name in self._versions() if name not in aliased]
            if aliased and unused:
                self._client.indices.delete(index=",".join(unused), ignore_unavailable=True)
        return unused if aliased else []

    def reindex(self, items: Iterable[tuple[IndexDocument, np.ndarray]]) -> None:
        """Fill a new version from ``items``, then move the alias to it; on a refusal nothing is swapped."""
        new_index = self._create_version()
        try:
            with self._reachable():  # no refresh while filling: fewer, larger segments (HNSW graphs)
                self._client.indices.put_settings(index=new_index, settings={"refresh_interval": "-1"})
            iterator = iter(items)
            while chunk := list(islice(iterator, BULK_CHUNK)):
                self.upsert([d for d, _ in chunk], np.stack([v for _, v in chunk]), index=new_index)
            with self._reachable():
                self._client.indices.put_settings(index=new_index, settings={"refresh_interval": None})
                self._client.indices.refresh(index=new_index)
            crash_points.reached("reindex.vectors-filled")
        except BaseException:
            with self._reachable():
                self._client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        self._swap_alias(new_index)

    def close(self) -> None:
        """The client belongs to the caller. Idempotent."""

    def _bulk(self, operations: list[dict[str, Any]], ok_statuses: tuple[int, ...]) -> list[DocumentFailure]:
        if not operations:
            return []
        with self._reachable():
            response = self._client.bulk(operations=operations)
        return bulk_failures(response, ok_statuses)

    # -- reads ----------------------------------------------------------------------------------

    def count(self) -> int:
        with self._reachable():
            return int(self._client.count(index=self.alias)["count"])

    def ids(self) -> np.ndarray:
        return np.array(sorted(self.hashes()), dtype=np.int64)

    def hashes(self) -> dict[int, str]:
        result: dict[int, str] = {}
        for raw in self._scan(docvalue_fields=[{"field": "content_hash"}]):
            result[int(raw["_id"])] = raw.get("fields", {}).get("content_hash", [""])[0]
        return result

    def get_vectors(self, doc_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        ids = [int(i) for i in np.asarray(doc_ids, dtype=np.int64).reshape(-1)]
        found: dict[int, list[float]] = {}
        with self._reachable():
            for start in range(0, len(ids), 1000):
                response = self._client.mget(
                    index=self.alias, ids=[str(i) for i in ids[start : start + 1000]], source=["vector"]
                )
                for doc in response["docs"]:
                    if doc.get("found"):
                        found[int(doc["_id"])] = doc["_source"]["vector"]
        missing = [i for i in ids if i not in found]
        if missing:
            raise KeyError(f"doc ids not indexed: {missing[:10]}")
        return np.array([found[i] for i in ids], dtype=np.float32).reshape(len(ids), self.dim)

    def search(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> list[VectorHit]:
        """The ``limit`` nearest documents satisfying ``filters`` (filtered HNSW kNN), best first."""
        if limit <= 0:
            return []
        body = self.knn_body(vector, filters, limit)
        with self._reachable():
            response = self._client.search(
                index=self.alias, knn=body["knn"], size=limit, source=False, track_total_hits=False
            )
        return self.parse_hits(response.body)

    def knn_body(self, vector: np.ndarray, filters: SearchFilters | None, limit: int) -> dict[str, Any]:
        """The ``_search`` body of a filtered kNN (also sent inside a hybrid ``msearch``)."""
        query = self._as_matrix(vector, 1)[0]
        knn: dict[str, Any] = {
            "field": "vector",
            "query_vector": query.tolist(),
            "k": limit,
            "num_candidates": min(10_000, max(100, self.num_candidates_factor * limit)),
        }
        if self.mode == "int8_hnsw":
            knn["rescore_vector"] = {"oversample": 2.0}
        if filters is not None and not filters.is_empty():
            must_not: list[dict[str, Any]] = []
            clauses = filter_clauses(filters, must_not)
            if filters.geo is not None:
                outside = self._outside_circle(clauses, must_not, filters.geo)
                if outside:
                    must_not.append({"ids": {"values": outside}})
            knn["filter"] = {"bool": {"filter": clauses, "must_not": must_not}}
        return {"knn": knn, "size": limit, "_source": False, "track_total_hits": False}

    @staticmethod
    def parse_hits(response: Mapping[str, Any]) -> list[VectorHit]:
        hits = [
            VectorHit(int(raw["_id"]), round(2.0 * float(raw["_score"]) - 1.0, 6))
            for raw in response["hits"]["hits"]
        ]
        return sorted(hits, key=lambda h: (-h.score, h.doc_id))

    def _outside_circle(
        self, clauses: list[dict[str, Any]], must_not: list[dict[str, Any]], geo: GeoFilter
    ) -> list[str]:
        """Ids the widened geo filter lets through but ``matches()`` rejects (the thin boundary ring)."""
        inner = geo.radius_km - geo_margin_km(geo.radius_km)
        ring_not = list(must_not) + ([geo_distance(geo, inner)] if inner > 0 else [])
        query = {"bool": {"filter": clauses, "must_not": ring_not}}
        fields = [{"field": "lat"}, {"field": "lon"}]
        return [
            raw["_id"]
            for raw in self._scan(query=query, docvalue_fields=fields)
            if not inside_circle(geo, raw.get("fields", {}))
        ]

    def _scan(self, **request: Any) -> Iterator[dict[str, Any]]:
        """Every matching hit (point in time + search_after, 10k per page)."""
        with self._reachable():
            pit = self._client.open_point_in_time(index=self.alias, keep_alive="2m")["id"]
            try:
                after: list[Any] | None = None
                while True:
                    response = self._client.search(
                        pit={"id": pit, "keep_alive": "2m"},
                        sort=[{"_shard_doc": "asc"}],
                        size=PAGE_SIZE,
                        search_after=after,
                        source=False,
                        track_total_hits=False,
                        **request,
                    )
                    pit = response.get("pit_id", pit)
                    page = response["hits"]["hits"]
                    yield from page
                    if len(page) < PAGE_SIZE:
                        return
                    after = page[-1]["sort"]
            finally:
                self._client.close_point_in_time(id=pit)

    # -- versions -------------------------------------------------------------------------------

    def _create_version(self) -> str:
        with self._reachable():
            while True:
                name = f"{self.alias}-v{datetime.now(UTC):%Y%m%d%H%M%S%f}"
                try:
                    self._client.indices.create(
                        index=name,
                        settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                        mappings=self._mappings,
                    )
                    return name
                except BadRequestError as exc:
                    if exc.error == "resource_already_exists_exception":
                        continue
                    if "dense_vector" in str(exc.message) or exc.error == "mapper_parsing_exception":
                        raise ConfigurationError(
                            f"Ce nœud Elasticsearch ne gère pas les champs dense_vector ({exc.message}) : "
                            "BASSIN_VECTOR_BACKEND=elasticsearch demande Elasticsearch ≥ 8.12. "
                            "/ This node lacks dense_vector kNN: use BASSIN_VECTOR_BACKEND=faiss or upgrade."
                        ) from exc
                    raise

    def _versions(self) -> list[str]:
        found = self._client.indices.get(index=f"{self.alias}-v*", allow_no_indices=True)
        return sorted(name for name in found if re.fullmatch(rf"{re.escape(self.alias)}-v\d+", name))

    def _swap_alias(self, new_index: str) -> None:
        with self._reachable():
            exists = bool(self._client.indices.exists_alias(name=self.alias))
            current = list(self._client.indices.get_alias(name=self.alias)) if exists else []
            actions: list[Mapping[str, Any]] = [
                {"remove": {"index": old, "alias": self.alias}} for old in current if old != new_index
            ]
            actions.append({"add": {"index": new_index, "alias": self.alias}})
            self._client.indices.update_aliases(actions=actions)
            crash_points.reached("reindex.vectors-swapped")
            stale = [name for name in self._versions() if name < new_index]
            if stale:
                self._client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    def _open_alias(self) -> None:
        if self._client.indices.exists_alias(name=self.alias):
            for name, mapping in self._client.indices.get_mapping(index=self.alias).body.items():
                meta = mapping.get("mappings", {}).get("_meta", {})
                if meta.get("bassin_vector_schema") != SCHEMA_VERSION:
                    raise IndexCorruptedError(
                        f"L'index Elasticsearch {name} n'a pas le mapping vectoriel attendu : "
                        "reconstruisez-le avec `bassin sync --rebuild`. / Rebuild the vector index."
                    )
                if (meta.get("model_id"), meta.get("dim")) != (self.model_id, self.dim):
                    raise ModelMismatchError(
                        name, str(meta.get("model_id")), int(meta.get("dim") or 0), self.model_id, self.dim
                    )
        elif self._client.indices.exists(index=self.alias):
            raise IndexCorruptedError(
                f"L'index Elasticsearch {self.alias!r} existe mais n'est pas un alias géré par Bassin. "
                "/ The index exists but is not a Bassin alias."
            )
        else:
            self._swap_alias(self._create_version())

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        try:
            yield
        except TransportError as exc:
            raise _unreachable(_node_url(self._client), exc) from exc

    def _as_matrix(self, vectors: np.ndarray, rows: int) -> np.ndarray:
        return as_matrix(vectors, rows, self.dim)


def _source(doc: IndexDocument, vector: np.ndarray) -> dict[str, Any]:
    full = to_source(doc)
    source = {name: full[name] for name in _FILTER_FIELDS if name in full}
    source["vector"] = vector.tolist()
    return source
