"""The Elasticsearch lexical backend: one versioned index per rebuild, always searched through an alias.

Layout: documents live in ``<prefix>-<collection>-v<UTC timestamp>`` indexes; the alias
``<prefix>-<collection>`` points at exactly one of them and every search, count and incremental
write goes through it. A rebuild (``reindex``) fills a fresh version, then moves the alias in one
atomic ``update_aliases`` call, so searches answer throughout; older versions are then deleted.
Incremental writes made to the alias while a rebuild is filling a new version land in the old one
and are lost with it: run ``bassin sync`` again after a rebuild.

Filters reproduce ``domain.filters.matches`` exactly. The geo circle is a ``geo_distance`` filter
widened by a small margin (indexed geo points are quantized to about a centimetre); the documents
of the thin ring around the boundary are checked with ``haversine_km`` on their exact lat/lon and
the ones the reference rejects are excluded by id, so top-k and deep pages stay exact.

Example:
    >>> client = connect_elasticsearch("http://127.0.0.1:9200")
    >>> backend = ElasticsearchBackend(client, "offers")
    >>> backend.upsert(documents)
    >>> backend.commit()
    >>> backend.search("développeur python", SearchFilters(contracts=["CDI"]), limit=10)
    [LexicalHit(doc_id=42, score=12.3), ...]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from elastic_transport import TransportError
from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    Elasticsearch,
)
from elasticsearch import __version__ as client_version

from domain import crash_points
from domain.documents import IndexDocument
from domain.errors import BassinError, ConfigurationError, IndexCorruptedError
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.base import LexicalHit
from retrieval.lexical.elastic_schema import (
    INDEX_SETTINGS,
    MAPPINGS,
    TITLE_BOOST,
    check_mapping,
    filter_clauses,
    geo_distance,
    geo_margin_km,
    inside_circle,
    to_source,
    truncate_query,
)

PAGE_SIZE = 10_000  # Elasticsearch's default index.max_result_window: deeper pages go through search_after
BULK_CHUNK = 500
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class DocumentFailure:
    """One document Elasticsearch refused, with its reason."""

    doc_id: int
    reason: str


class DocumentIndexingError(BassinError):
    """Elasticsearch refused some documents of a bulk write; the others were written."""

    def __init__(self, index: str, failures: Sequence[DocumentFailure]) -> None:
        shown = " ; ".join(f"doc {f.doc_id} : {f.reason}" for f in failures[:5])
        more = f" (+{len(failures) - 5})" if len(failures) > 5 else ""
        super().__init__(
            f"Elasticsearch a refusé {len(failures)} document(s) dans {index} : {shown}{more}. "
            f"/ Elasticsearch rejected {len(failures)} document(s)."
        )
        self.index = index
        self.failures = list(failures)


def connect_elasticsearch(
    url: str,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    ca_certs: str | None = None,
) -> Elasticsearch:
    """A client for ``url``, after checking the cluster answers, speaks our major version and is not red.

    Raises:
        ConfigurationError: bad URL, unreachable node, TLS or credentials refused, client/server
            major versions that cannot talk, or a red cluster.
    """
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"URL Elasticsearch invalide : {url!r} (attendu http://hôte:port ou https://...). "
            "/ Invalid Elasticsearch URL."
        )
    tls: dict[str, Any] = {"ca_certs": ca_certs} if ca_certs else {}
    client = Elasticsearch(
        url,
        api_key=api_key,
        basic_auth=(username, password or "") if username else None,
        request_timeout=30,
        max_retries=2,
        retry_on_timeout=True,
        **tls,
    )
    try:
        server = _server_version(client)
        health = client.cluster.health(timeout="10s")
    except (AuthenticationException, AuthorizationException) as exc:
        client.close()
        raise ConfigurationError(
            f"Elasticsearch ({url}) refuse les identifiants ({exc.meta.status}) : vérifiez "
            "BASSIN_ELASTICSEARCH_API_KEY ou BASSIN_ELASTICSEARCH_USERNAME/PASSWORD. "
            "/ Elasticsearch rejected the credentials."
        ) from exc
    except BadRequestError as exc:
        client.close()
        raise ConfigurationError(
            f"Elasticsearch ({url}) refuse les requêtes du client Python {_client_version()} : {exc.message}. "
            "Installez le client de la même version majeure que le serveur (pip install 'elasticsearch>=8,<9' "
            "pour un serveur 8.x). / Client and server major versions differ."
        ) from exc
    except ApiError as exc:
        client.close()
        raise ConfigurationError(
            f"Elasticsearch ({url}) a répondu {exc.meta.status} : {exc.message}. / Elasticsearch error."
        ) from exc
    except TransportError as exc:
        client.close()
        raise _unreachable(url, exc) from exc
    server_major, client_major = int(server.split(".")[0]), int(_client_version().split(".")[0])
    if server_major < client_major:
        client.close()
        raise ConfigurationError(
            f"Elasticsearch {server} ({url}) est plus ancien que le client Python {_client_version()} : "
            f"installez 'elasticsearch>={server_major},<{server_major + 1}'. / Server older than client."
        )
    if health["status"] == "red":
        client.close()
        raise ConfigurationError(
            f"Le cluster Elasticsearch ({url}) est en état rouge : des données sont indisponibles. "
            "Consultez GET _cluster/health et les journaux du nœud. / The cluster health is red."
        )
    return client


class ElasticsearchBackend:
    """``LexicalBackend`` over an Elasticsearch alias ``<index_prefix>-<collection>``.

    Args:
        client: a connected client (see ``connect_elasticsearch``); the caller closes it.
        collection: ``"offers"`` or ``"candidates"``.
        index_prefix: first part of the alias and index names (lowercase, digits, ``-_.``).
        refresh: ``refresh`` of bulk writes: False (visible after ``commit()``), True, or "wait_for".

    Raises:
        ConfigurationError: invalid names, or the cluster cannot be reached.
        IndexCorruptedError: the alias name is a plain index, or its index has another mapping.
    """

    def __init__(
        self,
        client: Elasticsearch,
        collection: str,
        index_prefix: str = "bassin",
        refresh: bool | str = False,
    ) -> None:
        self.collection = collection
        self.alias = f"{index_prefix}-{collection}"
        if not _NAME.match(self.alias) or index_prefix != index_prefix.lower():
            raise ConfigurationError(
                f"Nom d'index Elasticsearch invalide : {self.alias!r} (minuscules, chiffres, '-', '_', '.'). "
                "/ Invalid index name."
            )
        self._client = client
        self._refresh = refresh
        with self._reachable():
            self._open_alias()

    # -- writes ---------------------------------------------------------------------------------

    def upsert(self, docs: Sequence[IndexDocument], *, index: str | None = None) -> None:
        """Add or replace documents (``_id`` = doc_id) in the alias, or in ``index`` during a rebuild.

        Raises:
            DocumentIndexingError: some documents were refused (e.g. a latitude out of range); every
                other document is written.
        """
        failures = self.bulk_index(docs, index=index)
        if failures:
            raise DocumentIndexingError(index or self.alias, failures)

    def bulk_index(self, docs: Iterable[IndexDocument], *, index: str | None = None) -> list[DocumentFailure]:
        """Like ``upsert`` but returns the refused documents instead of raising."""
        target = index or self.alias
        failures: list[DocumentFailure] = []
        for chunk in _chunks(docs, BULK_CHUNK):
            operations: list[dict[str, Any]] = []
            for doc in chunk:
                operations += [{"index": {"_index": target, "_id": str(doc.doc_id)}}, to_source(doc)]
            failures += self._bulk(operations, ok_statuses=())
        return failures

    def delete(self, doc_ids: Sequence[int], *, index: str | None = None) -> None:
        """Remove documents by id (unknown ids are ignored); visible after ``commit()``."""
        target = index or self.alias
        for chunk in _chunks(doc_ids, BULK_CHUNK):
            operations = [{"delete": {"_index": target, "_id": str(int(doc_id))}} for doc_id in chunk]
            failures = self._bulk(operations, ok_statuses=(404,))
            if failures:
                raise DocumentIndexingError(target, failures)

    def commit(self, *, index: str | None = None) -> None:
        """Make pending writes visible to searches (an index refresh)."""
        with self._reachable():
            self._client.indices.refresh(index=index or self.alias)

    def clear(self) -> None:
        """Remove every document at once: the alias moves to a new empty version."""
        self.swap_alias(self.create_new_version())

    def close(self) -> None:
        """Nothing to release: the client belongs to the caller. Idempotent."""

    def _bulk(self, operations: list[dict[str, Any]], ok_statuses: tuple[int, ...]) -> list[DocumentFailure]:
        if not operations:
            return []
        refresh: Any = self._refresh if self._refresh is not False else None
        with self._reachable():
            response = self._client.bulk(operations=operations, refresh=refresh)
        return bulk_failures(response, ok_statuses)

    # -- versions -------------------------------------------------------------------------------

    def create_new_version(self) -> str:
        """Create an empty ``<alias>-v<UTC timestamp>`` index (not yet searched) and return its name."""
        with self._reachable():
            while True:
                name = f"{self.alias}-v{datetime.now(UTC):%Y%m%d%H%M%S%f}"
                try:
                    self._client.indices.create(index=name, settings=INDEX_SETTINGS, mappings=MAPPINGS)
                    return name
                except BadRequestError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise

    def versions(self) -> list[str]:
        """Every versioned index of this collection, oldest first."""
        with self._reachable():
            found = self._client.indices.get(index=f"{self.alias}-v*", allow_no_indices=True)
        return sorted(name for name in found if re.fullmatch(rf"{re.escape(self.alias)}-v\d+", name))

    def swap_alias(self, new_index: str) -> None:
        """Point the alias at ``new_index`` atomically, then delete the versions older than it."""
        with self._reachable():
            current = list(self._client.indices.get_alias(name=self.alias)) if self._alias_exists() else []
            actions: list[Mapping[str, Any]] = [
                {"remove": {"index": old, "alias": self.alias}} for old in current if old != new_index
            ]
            actions.append({"add": {"index": new_index, "alias": self.alias}})
            self._client.indices.update_aliases(actions=actions)
            crash_points.reached("reindex.lexical-swapped")
            stale = [name for name in self.versions() if name < new_index]
            if stale:
                self._client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    def remove_leftovers(self) -> list[str]:
        """Delete the versions the alias does not point to (a rebuild killed before or right after its
        swap); call under the writer lock. Returns the index names deleted."""
        with self._reachable():
            aliased = set(self._client.indices.get_alias(name=self.alias)) if self._alias_exists() else set()
            unused = [name for name in self.versions() if name not in aliased]
            if aliased and unused:
                self._client.indices.delete(index=",".join(unused), ignore_unavailable=True)
        return unused if aliased else []

    def reindex(self, docs: Iterable[IndexDocument]) -> str:
        """Rebuild the collection from ``docs`` into a new version and swap it in; returns its name.

        Searches keep answering from the previous version until the swap. If any document is
        refused, the new version is dropped and the alias stays where it was.

        Raises:
            DocumentIndexingError: some documents were refused (nothing was swapped).
        """
        new_index = self.create_new_version()
        failures = self.bulk_index(docs, index=new_index)
        if failures:
            with self._reachable():
                self._client.indices.delete(index=new_index)
            raise DocumentIndexingError(new_index, failures)
        self.commit(index=new_index)
        crash_points.reached("reindex.lexical-filled")
        self.swap_alias(new_index)
        return new_index

    def _alias_exists(self) -> bool:
        return bool(self._client.indices.exists_alias(name=self.alias))

    def _open_alias(self) -> None:
        if self._alias_exists():
            mappings = self._client.indices.get_mapping(index=self.alias)
            for name, mapping in mappings.body.items():
                check_mapping(name, mapping.get("mappings", {}))
        elif self._client.indices.exists(index=self.alias):
            raise IndexCorruptedError(
                f"L'index Elasticsearch {self.alias!r} existe mais n'est pas un alias géré par Bassin. "
                "Supprimez-le ou choisissez un autre BASSIN_ELASTICSEARCH_INDEX_PREFIX, puis lancez "
                "`bassin sync --rebuild`. / The index exists but is not a Bassin alias."
            )
        else:
            self.swap_alias(self.create_new_version())

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        try:
            yield
        except TransportError as exc:
            raise _unreachable(_node_url(self._client), exc) from exc

    # -- reads ----------------------------------------------------------------------------------

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[LexicalHit]:
        """Documents matching ``text`` and satisfying ``filters``, best first.

        Non-empty text: BM25 over title (x3) and body, any term may match; a text made only of
        stopwords or punctuation matches nothing. Blank text: every document passing the filters,
        newest ``published`` first (then highest doc id, undated last), score 0.0.
        """
        if limit <= 0:
            return []
        with self._reachable():
            query, sort, browse = self._query_and_sort(text, filters)
            return [
                LexicalHit(int(raw["_id"]), 0.0 if browse else float(raw["_score"]))
                for raw in self._pages(query, sort, limit)
            ]

    def search_body(self, text: str, filters: SearchFilters, limit: int) -> dict[str, Any]:
        """The body of ``search`` as one request (for a hybrid ``msearch``); ``limit`` ≤ 10,000."""
        if not 0 < limit <= PAGE_SIZE:
            raise ValueError(f"limit must be in 1..{PAGE_SIZE}")
        with self._reachable():
            query, sort, _ = self._query_and_sort(text, filters)
        return {"query": query, "sort": sort, "size": limit, "_source": False, "track_total_hits": False}

    @staticmethod
    def hits_from(response: Mapping[str, Any], text: str) -> list[LexicalHit]:
        """The hits of a ``search_body`` response, as ``search`` returns them."""
        browse = not text.strip()
        return [
            LexicalHit(int(raw["_id"]), 0.0 if browse else float(raw["_score"]))
            for raw in response["hits"]["hits"]
        ]

    def _query_and_sort(self, text: str, filters: SearchFilters) -> tuple[dict[str, Any], list[Any], bool]:
        browse = not text.strip()
        must_not: list[dict[str, Any]] = []
        query: dict[str, Any] = {"bool": {"filter": filter_clauses(filters, must_not), "must_not": must_not}}
        if filters.geo is not None:
            outside = self._outside_circle(query, filters.geo)
            if outside:
                must_not.append({"ids": {"values": outside}})
        if browse:
            sort: list[Any] = [{"published": {"order": "desc", "missing": "_last"}}, {"doc_id": "desc"}]
        else:
            query["bool"]["must"] = {
                "multi_match": {
                    "query": truncate_query(text),
                    "fields": [f"title^{TITLE_BOOST}", "body"],
                    "type": "most_fields",
                    "operator": "or",
                    "zero_terms_query": "none",
                }
            }
            sort = [{"_score": "desc"}, {"doc_id": "desc"}]
        return query, sort, browse

    def _outside_circle(self, query: dict[str, Any], geo: GeoFilter) -> list[str]:
        """Ids the widened geo filter lets through but ``matches()`` rejects.

        Only the thin ring between the widened radius and a slightly smaller one is checked, on the
        exact lat/lon doubles; everything nearer the centre is inside for both.
        """
        inner = geo.radius_km - geo_margin_km(geo.radius_km)
        ring = {"bool": {**query["bool"], "must_not": list(query["bool"]["must_not"])}}
        if inner > 0:
            ring["bool"]["must_not"].append(geo_distance(geo, inner))
        coordinates = [{"field": "lat"}, {"field": "lon"}]
        return [
            raw["_id"]
            for raw in self._pages(ring, [{"doc_id": "asc"}], None, docvalue_fields=coordinates)
            if not inside_circle(geo, raw.get("fields", {}))
        ]

    def _pages(
        self, query: dict[str, Any], sort: list[Any], limit: int | None, **request: Any
    ) -> Iterator[dict[str, Any]]:
        """Raw hits, ``limit`` at most (None: all), paging with search_after past the result window."""
        remaining = limit
        after: list[Any] | None = None
        while remaining is None or remaining > 0:
            size = PAGE_SIZE if remaining is None else min(PAGE_SIZE, remaining)
            response = self._client.search(
                index=self.alias,
                query=query,
                sort=sort,
                size=size,
                search_after=after,
                source=False,
                track_total_hits=False,
                **request,
            )
            page = response["hits"]["hits"]
            yield from page
            if len(page) < size:
                return
            remaining = None if remaining is None else remaining - len(page)
            after = page[-1]["sort"]

    def count(self) -> int:
        """Number of documents visible to searches."""
        with self._reachable():
            return int(self._client.count(index=self.alias)["count"])

    def hashes(self) -> dict[int, str]:
        """doc id → content hash of every document (point-in-time + search_after, 10k per page)."""
        result: dict[int, str] = {}
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
                        docvalue_fields=[{"field": "content_hash"}],
                        track_total_hits=False,
                    )
                    pit = response.get("pit_id", pit)
                    page = response["hits"]["hits"]
                    for raw in page:
                        result[int(raw["_id"])] = raw.get("fields", {}).get("content_hash", [""])[0]
                    if len(page) < PAGE_SIZE:
                        return result
                    after = page[-1]["sort"]
            finally:
                self._client.close_point_in_time(id=pit)


def bulk_failures(response: Any, ok_statuses: Collection[int]) -> list[DocumentFailure]:
    """The documents a ``_bulk`` response refused (an error whose status is not one of ``ok_statuses``)."""
    if not response["errors"]:
        return []
    failures = []
    for item in response["items"]:
        result = next(iter(item.values()))
        if result.get("error") and result.get("status") not in ok_statuses:
            failures.append(DocumentFailure(int(result["_id"]), _reason(result["error"])))
    return failures


def _reason(error: Mapping[str, Any]) -> str:
    reason = f"{error.get('type')}: {error.get('reason')}"
    cause = error.get("caused_by")
    return f"{reason} ({cause.get('reason')})" if isinstance(cause, Mapping) else reason


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _server_version(client: Elasticsearch) -> str:
    # not `GET /`: minimal distributions (the integ-test zip) lack it; the local node knows its version
    nodes = client.nodes.info(node_id="_local", metric="_none")["nodes"]
    return str(next(iter(nodes.values()))["version"])


def _client_version() -> str:
    return ".".join(str(part) for part in client_version)


def _node_url(client: Elasticsearch) -> str:
    nodes = client.transport.node_pool.all()
    return str(nodes[0].base_url) if nodes else "?"


def _unreachable(url: str, exc: TransportError) -> ConfigurationError:
    return ConfigurationError(
        f"Elasticsearch est injoignable à {url} ({type(exc).__name__} : {exc}). Démarrez-le "
        "(`scripts/elasticsearch.sh start`) ou corrigez BASSIN_ELASTICSEARCH_URL (et BASSIN_ELASTICSEARCH_CA_CERTS "
        f"en HTTPS). / Elasticsearch is unreachable at {url}: start it or fix the URL."
    )
