"""The embedded lexical backend: a tantivy index persisted in one directory.

Concurrency: tantivy allows one ``IndexWriter`` per index directory (a lock file). A backend
takes the writer lazily, on its first write, and keeps it until ``close()``; a second writer, in
this process or another, gets ``ConfigurationError``. Any number of processes may search the same
directory meanwhile: a reader sees each commit once it is made (after a short delay in other
processes, immediately in the writing one).

Example:
    >>> backend = TantivyBackend(data_dir / "indexes" / "offers" / "tantivy", "offers")
    >>> backend.upsert(documents)
    >>> backend.commit()
    >>> backend.search("développeur python", SearchFilters(contracts=["CDI"]), limit=10)
    [LexicalHit(doc_id=42, score=12.3), ...]
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from tantivy import Index, IndexWriter, Occur, Order, Query, Schema, Searcher

from domain.documents import IndexDocument
from domain.errors import ConfigurationError, IndexCorruptedError
from domain.search import SearchFilters
from retrieval.lexical import tantivy_schema as fields
from retrieval.lexical.base import LexicalHit
from retrieval.lexical.french_analyzer import FRENCH_TOKENIZER, french_analyzer
from retrieval.lexical.tantivy_queries import filter_query, query_terms, text_query, within_radius

WRITER_HEAP_BYTES = 128_000_000
"""Indexing memory shared by the writer threads; more memory, fewer and larger segments."""

_GEO_OVERFETCH = 1.5  # a circle fills π/4 of its box: fetch more box hits than needed, grow if short
_GEO_MIN_EXTRA = 32
_TIE_MARGIN = 8  # text hits fetched past the cut, so small groups of equal scores sort by doc id
_MAX_TIE_EXTRA = 500  # how far a second search looks when equal scores run past the first fetch


class TantivyBackend:
    """``LexicalBackend`` over a tantivy index in ``path`` (created if missing).

    Args:
        path: the index directory, e.g. ``<data_dir>/indexes/offers/tantivy``.
        collection: ``"offers"`` or ``"candidates"`` (kept for callers; one directory per
            collection).

    Raises:
        IndexCorruptedError: ``path`` holds an index that cannot be opened, or one built with
            another schema or analyzer version.
    """

    def __init__(self, path: Path, collection: str) -> None:
        self.path = Path(path)
        self.collection = collection
        self._schema = fields.build_schema()
        self._index = _open_index(self.path, self._schema)
        self._writer: IndexWriter | None = None
        self._dirty = False
        self._write_lock = threading.Lock()

    # -- writes ---------------------------------------------------------------------------------

    def upsert(self, docs: Sequence[IndexDocument]) -> None:
        """Add or replace documents (keyed by ``doc_id``); visible after ``commit()``.

        Raises:
            ValueError: a ``doc_id`` is negative or does not fit in 40 bits.
        """
        if not docs:
            return
        converted = [fields.to_tantivy(doc) for doc in docs]
        with self._write_lock:
            writer = self._acquire_writer()
            for doc, tantivy_doc in zip(docs, converted, strict=True):
                writer.delete_documents_by_term(fields.DOC_ID, doc.doc_id)
                writer.add_document(tantivy_doc)
            self._dirty = True

    def delete(self, doc_ids: Sequence[int]) -> None:
        """Remove documents by id (unknown ids are ignored); visible after ``commit()``."""
        if not doc_ids:
            return
        with self._write_lock:
            writer = self._acquire_writer()
            for doc_id in doc_ids:
                writer.delete_documents_by_term(fields.DOC_ID, int(doc_id))
            self._dirty = True

    def commit(self) -> None:
        """Persist pending writes and make them visible to searches."""
        with self._write_lock:
            if self._writer is not None and self._dirty:
                self._writer.commit()
                self._dirty = False
        self._index.reload()

    def clear(self) -> None:
        """Remove every document, pending writes included; takes effect at once (commits)."""
        with self._write_lock:
            writer = self._acquire_writer()
            writer.delete_all_documents()
            writer.commit()
            self._dirty = False
        self._index.reload()

    def remove_leftovers(self) -> list[str]:
        """Remove segment files no commit names (a write killed mid-commit, or segments merged away
        whose deletion the kill cut short) and temporary files; call under the data's writer lock (no
        other writer is then mid-write). Returns the names removed.

        Tantivy's own collection only knows the files its process listed in ``.managed.json``, and each
        process rewrites that list from its own view (a server that wrote, then a command): files
        another process wrote can fall out of it. So files are also judged against ``meta.json``, the
        commit itself: a segment file is kept when its segment is live, a ``.del`` file when it is the
        segment's current one.
        """
        self.close()  # nothing pending, no merge running: files being written are never collected
        before = {p.name for p in self.path.iterdir()}
        with self._write_lock:
            self._acquire_writer().garbage_collect_files()
            for temp in self.path.glob(".tmp*"):  # an atomic write of meta.json or .managed.json cut short
                temp.unlink(missing_ok=True)
            live = _live_segment_files(self.path / "meta.json")
            for entry in self.path.iterdir():
                name = entry.name
                if not name.startswith(".") and name != "meta.json" and name not in live:
                    segment, _, rest = name.partition(".")
                    if len(segment) == 32 and rest and (rest.endswith(".del") or segment not in live):
                        entry.unlink(missing_ok=True)
        return sorted(before - {p.name for p in self.path.iterdir()})

    def close(self) -> None:
        """Commit pending writes and release the writer lock. Idempotent.

        Searching after ``close()`` still works; a later write takes the writer again.
        """
        with self._write_lock:
            writer, self._writer = self._writer, None
            if writer is None:
                return
            if self._dirty:
                writer.commit()
                self._dirty = False
            writer.wait_merging_threads()  # consumes the writer: the lock file is released
        self._index.reload()

    def __enter__(self) -> TantivyBackend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _acquire_writer(self) -> IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                raise ConfigurationError(
                    f"L'index lexical {self.path} est déjà ouvert en écriture par un autre processus "
                    "(un `bassin sync` en cours ?). Attendez sa fin puis relancez. / The lexical index "
                    "is locked by another writer: wait for it to finish."
                ) from exc
        return self._writer

    # -- reads ----------------------------------------------------------------------------------

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[LexicalHit]:
        """Documents matching ``text`` and satisfying ``filters``, best first.

        Non-empty text: BM25 over title (x3) and body, any term may match; a text made only of
        stopwords or punctuation matches nothing. Blank text: every document passing the
        filters, newest ``published`` first (then highest doc id), score 0.0.
        """
        if limit <= 0:
            return []
        browse = not text.strip()
        restriction = filter_query(self._schema, filters)
        if browse:
            query = restriction if restriction is not None else Query.all_query()
        else:
            terms = query_terms(text)
            if not terms:
                return []
            query = text_query(self._schema, terms)
            if restriction is not None:
                query = Query.boolean_query([(Occur.Must, query), (Occur.Must, restriction)])
        return self._collect(self._index.searcher(), query, filters, limit, browse)

    def _collect(
        self, searcher: Searcher, query: Query, filters: SearchFilters, limit: int, browse: bool
    ) -> list[LexicalHit]:
        """Top ``limit`` hits: exact circle test for geo, equal scores ordered by doc id (desc).

        Fetches a margin past ``limit``, and searches again further down when box hits fell
        outside the circle or when the score at the cut is still shared by the last fetched hit
        (up to ``_MAX_TIE_EXTRA`` more), so the result does not depend on how tantivy happens to
        order equal scores (duplicated offers score the same).
        """
        total = searcher.num_docs
        geo = filters.geo
        limit = min(limit, total)
        fetch = limit if browse else limit + limit // 4 + _TIE_MARGIN
        if geo is not None:
            fetch = int(fetch * _GEO_OVERFETCH) + _GEO_MIN_EXTRA
        while limit > 0:
            fetch = min(fetch, total)
            if browse:
                result = searcher.search(
                    query, fetch, count=False, order_by_field=fields.BROWSE_KEY, order=Order.Desc
                )
            else:
                result = searcher.search(query, fetch, count=False)
            raw_hits = result.hits
            addresses = [address for _, address in raw_hits]
            doc_ids = [_doc_id(v) for v in searcher.fast_field_values(fields.DOC_ID, addresses)]
            scores = [0.0 if browse else float(score) for score, _ in raw_hits]
            keep = [True] * len(raw_hits)
            if geo is not None:
                lats = searcher.fast_field_values(fields.LAT, addresses)
                lons = searcher.fast_field_values(fields.LON, addresses)
                keep = [
                    within_radius(geo, _float(lat), _float(lon)) for lat, lon in zip(lats, lons, strict=True)
                ]
            hits = [LexicalHit(d, s) for d, s, k in zip(doc_ids, scores, keep, strict=True) if k]
            exhausted = len(raw_hits) < fetch or fetch >= total
            if not exhausted and len(hits) < limit:
                fetch *= 4  # too many box hits fell outside the circle: look further down
                continue
            if browse:
                return hits[:limit]  # browse_key already orders exactly
            tied_past_cut = bool(hits) and scores[-1] == hits[min(limit, len(hits)) - 1].score
            if not exhausted and tied_past_cut and fetch < limit + _MAX_TIE_EXTRA:
                fetch = limit + _MAX_TIE_EXTRA  # one more search, rather than several growing ones
                continue
            hits.sort(key=lambda hit: (-hit.score, -hit.doc_id))
            return hits[:limit]
        return []

    def count(self) -> int:
        """Number of committed documents."""
        return int(self._index.searcher().num_docs)

    def hashes(self) -> dict[int, str]:
        """doc id → content hash of every committed document (stored fields; 1M documents in 3-5 s)."""
        searcher = self._index.searcher()
        total = searcher.num_docs
        if total == 0:
            return {}
        result: dict[int, str] = {}
        for _, address in searcher.search(Query.all_query(), total, count=False).hits:
            stored = searcher.doc(address)
            result[_doc_id(stored.get_first(fields.DOC_ID))] = str(stored.get_first(fields.CONTENT_HASH))
        return result


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _doc_id(value: object) -> int:
    if not isinstance(value, int):
        raise IndexCorruptedError(f"Document sans doc_id dans l'index lexical ({value!r}).")
    return value


def _open_index(path: Path, schema: Schema) -> Index:
    path.mkdir(parents=True, exist_ok=True)
    try:
        index = Index(schema, path=str(path), reuse=True)
    except ValueError as exc:
        raise IndexCorruptedError(
            f"L'index lexical {path} ne peut pas être ouvert ({exc}). Il a peut-être été construit par "
            "une autre version de Bassin : reconstruisez-le avec `bassin sync --rebuild`. / The lexical "
            "index cannot be opened: rebuild it with `bassin sync --rebuild`."
        ) from exc
    index.register_tokenizer(FRENCH_TOKENIZER, french_analyzer())
    return index


def _live_segment_files(meta_path: Path) -> set[str]:
    """Segment ids of the last commit, and the ``.del`` file names it uses."""
    if not meta_path.exists():
        return set()
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    live: set[str] = set()
    for segment in meta.get("segments", []):
        seg = str(segment["segment_id"]).replace("-", "")
        live.add(seg)
        deletes = segment.get("deletes")
        if deletes:
            live.add(f"{seg}.{deletes['opstamp']}.del")
    return live
