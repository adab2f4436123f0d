"""Erasure of one person (``bassin forget candidate``): everywhere they appear, with a report of each place.

A person is found by their candidate id, then by what identifies them: their CV file's hash (copies
stored or uploaded under any extension), and their name, emails and phones (personal data typed in a
chat, uploads holding the same CV with other bytes, conversation memory, logs). The places:

- SQL: profile, personal data, stored embeddings, cached matches;
- the vector and lexical indexes;
- files: stored CVs (``cvs/``), uploads (``uploads/``, from ``ask --cv`` and the chat UI), ``*.tmp``;
- chat history (Chainlit ``chat_*`` rows) and offer interactions of the threads that mention them;
- agent memory: LangGraph checkpoints of those threads (SQLite file or PostgreSQL tables);
- ``*.log`` files under the data dir (lines mentioning them);
- SQLite files are then vacuumed, so deleted rows do not linger in free pages or the WAL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, inspect, or_, select, text

from cv import extract_text
from cv.errors import CVParseError
from ingestion.indexer import CollectionIndexer
from store.candidate_models import CandidateRow
from store.candidates import CandidateRepository
from store.chat_history import ChatElementRow, ChatFeedbackRow, ChatStepRow, ChatThreadRow
from store.db import Database
from store.interactions import OfferInteractionRow
from store.match_cache import MatchCacheEntry, MatchResultRow

_MIN_NEEDLE = 5
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".json", ".jsonl", ".csv", ".log"}


@dataclass
class ErasureReport:
    """What ``forget`` removed, place by place (``found`` is False when nothing of the person was found)."""

    candidate_id: str
    places: list[tuple[str, str]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.places)

    def add(self, place: str, what: str) -> None:
        self.places.append((place, what))


def needles_of(personal: dict[str, Any]) -> list[str]:
    """The strings that identify a person in free text: full name, emails, phones (as written)."""
    out: list[str] = []
    for key in ("name", "emails", "phones"):
        value = personal.get(key)
        for item in value if isinstance(value, list) else [value]:
            v = item.get("value") if isinstance(item, dict) else item
            if isinstance(v, str) and len(v.strip()) >= _MIN_NEEDLE:
                out.append(v.strip())
    return list(dict.fromkeys(out))


class PersonErasure:
    """Forgets a candidate everywhere Bassin keeps data about them."""

    def __init__(
        self,
        *,
        db: Database,
        repository: CandidateRepository,
        indexer: Callable[[], CollectionIndexer],
        data_dir: Path,
        cvs_dir: Path,
        uploads_dir: Path,
        checkpoint_file: Path,
        read_text: Callable[[bytes, str], str] = lambda data, name: extract_text(data, name).text,
    ) -> None:
        self.db = db
        self.repo = repository
        self._indexer = indexer
        self.data_dir = data_dir
        self.cvs_dir = cvs_dir
        self.uploads_dir = uploads_dir
        self.checkpoint_file = checkpoint_file
        self._read_text = read_text

    def forget(self, external_id: str) -> ErasureReport:
        """Erase the candidate ``external_id`` and every other stored version of the same person."""
        report = ErasureReport(external_id)
        row = self.repo.get_by_external_id(external_id)
        personal = (self.repo.personal_data(external_id) or {}) if row is not None else {}
        needles = needles_of(personal)
        rows = [row] if row is not None else []
        for other in self.repo.same_person_ids(personal) if personal else []:
            other_row = self.repo.get_by_external_id(other)
            if other_row is not None and other != external_id:
                rows.append(other_row)
                report.add("autre version du même CV", other)
        stems = [external_id]
        for r in rows:
            self._forget_rows(r, report)
            stems += [r.external_id, f"cv-{r.file_sha256[:12]}"]
        self._remove_files(self.cvs_dir, stems, [], "fichiers CV stockés (cvs/)", report)
        uploads = [f"upload-{r.file_sha256[:16]}" for r in rows]
        removed_uploads = self._remove_files(
            self.uploads_dir, uploads, needles, "fichiers déposés (uploads/)", report
        )
        mentions = needles + removed_uploads
        if mentions:
            threads = self._forget_chat(mentions, report)
            self._forget_checkpoints(mentions, threads, report)
            self._scrub_logs(needles, report)
        if report.found:
            self._compact(report)
        return report

    # -- SQL and indexes --------------------------------------------------------------------------------
    def _forget_rows(self, row: CandidateRow, report: ErasureReport) -> None:
        with self.db.session() as s:
            cached = s.scalar(
                select(func.count()).select_from(MatchResultRow).where(MatchResultRow.candidate_id == row.id)
            )
            s.execute(delete(MatchResultRow).where(MatchResultRow.candidate_id == row.id))
            s.execute(delete(MatchCacheEntry).where(MatchCacheEntry.candidate_id == row.id))
        self.repo.delete(row.external_id)
        report.add("base SQL", "profil, données personnelles, texte du CV, vecteur stocké")
        report.add("cache des correspondances", f"{cached or 0} résultat(s)")
        indexer = self._indexer()
        indexer.remove([row.id])
        indexer.flush()
        report.add("index vectoriel (FAISS)", f"document {row.id}")
        report.add("index lexical", f"document {row.id}")

    # -- files ------------------------------------------------------------------------------------------
    def _remove_files(
        self, folder: Path, stems: Sequence[str], needles: Sequence[str], place: str, report: ErasureReport
    ) -> list[str]:
        """Files named after the person's ids (any extension, ``.tmp`` included), or whose text names them
        (uploads only: stored CVs of other people are other candidates, and each upload is read at most once)."""
        if not folder.is_dir():
            return []
        removed = []
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            name = file.name.lstrip(".")
            if any(name.startswith(stem + ".") or name == stem for stem in stems) or self._mentions(
                file, needles
            ):
                file.unlink(missing_ok=True)
                removed.append(file.name)
        if removed:
            report.add(place, ", ".join(removed))
        return removed

    def _mentions(self, file: Path, needles: Sequence[str]) -> bool:
        if not needles or file.stat().st_size > 10 * 1024 * 1024:
            return False
        data = file.read_bytes()
        if _contains(data.decode("utf-8", "replace"), needles):
            return True
        if file.suffix.lower() in _TEXT_SUFFIXES or file.name.endswith(".tmp"):
            return False
        try:
            return _contains(self._read_text(data, file.name), needles)
        except CVParseError:
            return False

    # -- chat history and agent memory ---------------------------------------------------------------
    def _forget_chat(self, mentions: Sequence[str], report: ErasureReport) -> set[str]:
        """Delete the chat threads whose messages, names or elements mention the person; their ids."""
        if not inspect(self.db.engine).has_table(ChatThreadRow.__tablename__):
            return set()
        with self.db.session() as s:
            threads = set(
                s.scalars(
                    select(ChatStepRow.threadId).where(
                        _any_like(mentions, ChatStepRow.input, ChatStepRow.output)
                    )
                )
            )
            threads |= set(s.scalars(select(ChatThreadRow.id).where(_any_like(mentions, ChatThreadRow.name))))
            threads |= {
                t
                for t in s.scalars(
                    select(ChatElementRow.threadId).where(
                        _any_like(mentions, ChatElementRow.name, ChatElementRow.url)
                    )
                )
                if t
            }
            if not threads:
                return set()
            ids = sorted(threads)
            for table in (ChatFeedbackRow, ChatElementRow, ChatStepRow):
                s.execute(delete(table).where(table.threadId.in_(ids)))
            s.execute(delete(ChatThreadRow).where(ChatThreadRow.id.in_(ids)))
            in_threads = OfferInteractionRow.thread_id.in_(ids)
            interactions = s.scalar(select(func.count()).select_from(OfferInteractionRow).where(in_threads))
            s.execute(delete(OfferInteractionRow).where(in_threads))
        report.add("historique du chat (chat_*)", f"{len(ids)} fil(s) supprimé(s)")
        if interactions:
            report.add("interactions avec les offres", f"{interactions} ligne(s) de ces fils")
        return threads

    def _forget_checkpoints(self, mentions: Sequence[str], threads: set[str], report: ErasureReport) -> None:
        n = 0
        if self.checkpoint_file.is_file():
            n += _forget_sqlite_checkpoints(self.checkpoint_file, mentions, threads)
        if self.db.dialect == "postgresql":
            n += self._forget_postgres_checkpoints(mentions, threads)
        if n:
            report.add("mémoire de l'agent (checkpoints LangGraph)", f"{n} fil(s) supprimé(s)")

    def _forget_postgres_checkpoints(self, mentions: Sequence[str], threads: set[str]) -> int:
        tables = set(inspect(self.db.engine).get_table_names())
        if "checkpoints" not in tables:
            return 0
        found = set(threads)
        with self.db.engine.begin() as conn:
            for m in mentions:
                found |= set(
                    conn.scalars(
                        text(
                            "SELECT DISTINCT thread_id FROM checkpoints "
                            "WHERE strpos(checkpoint::text, :m) > 0 OR strpos(metadata::text, :m) > 0"
                        ),
                        {"m": m},
                    )
                )
                for table, column in (("checkpoint_blobs", "blob"), ("checkpoint_writes", "blob")):
                    if table in tables:
                        found |= set(
                            conn.scalars(
                                text(
                                    f"SELECT DISTINCT thread_id FROM {table} WHERE position(:m in {column}) > 0"
                                ),
                                {"m": m.encode("utf-8")},
                            )
                        )
            ids = sorted(found)
            if ids:
                for table in ("checkpoint_writes", "checkpoint_blobs", "checkpoints"):
                    if table in tables:
                        conn.execute(text(f"DELETE FROM {table} WHERE thread_id = ANY(:ids)"), {"ids": ids})
        return len(ids)

    # -- logs and compaction ---------------------------------------------------------------------------
    def _scrub_logs(self, needles: Sequence[str], report: ErasureReport) -> None:
        if not needles or not self.data_dir.is_dir():
            return
        dropped = 0
        for log in self.data_dir.rglob("*.log"):
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
            kept = [line for line in lines if not _contains(line, needles)]
            if len(kept) != len(lines):
                log.write_text("".join(kept), encoding="utf-8")
                dropped += len(lines) - len(kept)
        if dropped:
            report.add("journaux (*.log)", f"{dropped} ligne(s)")

    def _compact(self, report: ErasureReport) -> None:
        """Deleted rows linger in SQLite's free pages and WAL until a VACUUM: rewrite the files."""
        if self.db.dialect == "sqlite":
            with self.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            report.add("compactage SQLite", "VACUUM de la base")
        elif self.db.dialect == "postgresql":
            with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM candidates, candidate_personal_data, embeddings")
            report.add("compactage PostgreSQL", "VACUUM des tables candidats")


def _contains(text_: str, needles: Iterable[str]) -> bool:
    folded = text_.casefold()
    return any(n.casefold() in folded for n in needles)


def _any_like(mentions: Sequence[str], *columns: Any) -> Any:
    return or_(*(c.contains(m, autoescape=True) for c in columns for m in mentions))


def _forget_sqlite_checkpoints(path: Path, mentions: Sequence[str], threads: set[str]) -> int:
    with closing(sqlite3.connect(path)) as conn, conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "checkpoints" not in tables:
            return 0
        found = set(threads)
        for m in mentions:
            needle = m.encode("utf-8")
            found |= {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT thread_id FROM checkpoints WHERE instr(checkpoint, ?) OR instr(metadata, ?)",
                    (needle, needle),
                )
            }
            if "writes" in tables:
                found |= {
                    r[0]
                    for r in conn.execute(
                        "SELECT DISTINCT thread_id FROM writes WHERE instr(value, ?)", (needle,)
                    )
                }
        existing = {r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}
        ids = sorted(found & existing)
        for thread in ids:
            conn.execute("DELETE FROM checkpoints WHERE thread_id = ?", (thread,))
            if "writes" in tables:
                conn.execute("DELETE FROM writes WHERE thread_id = ?", (thread,))
    if ids:
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
    return len(ids)
