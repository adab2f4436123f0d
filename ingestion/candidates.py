"""Candidate ingestion: CV file → parsed profile → SQL (personal data apart) → FAISS + lexical index."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cv import ParsedCV, parse_cv, read_cv_file
from domain import crash_points
from domain.candidates import CandidateRecord
from domain.errors import BassinError, InputFormatError
from domain.vocabulary import contract_codes
from ingestion.indexer import CollectionIndexer, EncodeStats
from store.candidates import CandidateRepository

CV_SUFFIXES = {".pdf", ".docx", ".txt", ".md"}


@dataclass(frozen=True)
class CandidateIngestResult:
    """One ingested CV: the candidate id, what happened, and the profile summary to confirm."""

    external_id: str
    doc_id: int
    status: str
    title: str | None
    skills: list[str]
    experience_years: float | None
    location: str | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class CandidateBatchSummary:
    results: list[CandidateIngestResult] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def candidate_record(parsed: ParsedCV, file_sha256: str) -> CandidateRecord:
    """The stored profile of a parsed CV (no personal data)."""
    p = parsed.profile
    years = p.total_experience_years
    loc = p.location
    return CandidateRecord(
        external_id=f"cv-{file_sha256[:12]}",
        file_sha256=file_sha256,
        source_format=parsed.source_format,
        title=p.title or (p.headline.text if p.headline else None),
        summary=p.summary.text if p.summary else None,
        search_text=p.search_text,
        skill_keys=[s.key for s in p.skills],
        skill_labels=[s.label for s in p.skills],
        languages=sorted({lang.language for lang in p.languages}),
        contracts=list(contract_codes([w.contract for w in p.contract_wishes])),
        remote=None if p.remote_wish is None else p.remote_wish.wish != "on_site",
        experience_months=None if years is None else round(years * 12),
        education_level=p.education_level,
        location=loc.label if loc else None,
        department=loc.department if loc else None,
        latitude=loc.lat if loc else None,
        longitude=loc.lon if loc else None,
        profile=p.model_dump(mode="json"),
        cv_text=parsed.text,
    )


class CandidateIngestion:
    """Parses CVs and stores them as searchable candidates; a CV that cannot be read stores nothing."""

    def __init__(
        self,
        *,
        repository: CandidateRepository,
        indexer: CollectionIndexer,
        files_dir: Path,
        parse: Callable[[bytes, str], ParsedCV] = lambda data, name: parse_cv(data, name),
    ) -> None:
        self.repo = repository
        self.indexer = indexer
        self.files_dir = files_dir
        self._parse = parse

    def ingest_bytes(self, data: bytes, filename: str) -> CandidateIngestResult:
        """Parse and store one CV; raises the parser's error (nothing stored) when it cannot be read.

        An edited CV of a person already stored (same email or phone, or same name when neither CV has
        any) updates that candidate, under its id, instead of adding a second one; its cached matches go.
        The file is written under a temporary name and moved into place inside the transaction that
        records it: a crash leaves at worst a ``*.tmp`` or an unrecorded file, which ``sync`` removes.
        """
        parsed = self._parse(data, filename)
        digest = hashlib.sha256(data).hexdigest()
        record = candidate_record(parsed, digest)
        personal = parsed.personal.model_dump(mode="json")
        if self.repo.get_by_external_id(record.external_id) is None:
            same = self.repo.find_same_person(personal)
            if same is not None:
                record = record.model_copy(update={"external_id": same})
        suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in CV_SUFFIXES else ""
        stored = self.files_dir / f"{record.external_id}{suffix}"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.files_dir / f".{stored.name}.{uuid.uuid4().hex[:8]}.tmp"
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        crash_points.reached("cv.file-staged")
        try:
            outcome = self.repo.upsert(
                record, personal, stored.name, before_commit=lambda: _move(tmp, stored)
            )
        finally:
            tmp.unlink(missing_ok=True)
        crash_points.reached("cv.row-committed")
        if outcome.previous_file and outcome.previous_file != stored.name:
            (self.files_dir / outcome.previous_file).unlink(missing_ok=True)
        if outcome.status != "unchanged":
            self.indexer.index([outcome.doc_id], EncodeStats())
            self.indexer.flush()
        return CandidateIngestResult(
            external_id=outcome.external_id,
            doc_id=outcome.doc_id,
            status=outcome.status,
            title=record.title,
            skills=record.skill_labels,
            experience_years=parsed.profile.total_experience_years,
            location=record.location,
            warnings=list(parsed.warnings),
        )

    def ingest_path(
        self, path: Path, *, progress: Callable[[int], object] | None = None
    ) -> CandidateBatchSummary:
        """Ingest a CV file or every CV of a folder (recursively); unreadable files are reported."""
        summary = CandidateBatchSummary()
        for file in _cv_files(path):
            try:
                summary.results.append(self.ingest_bytes(read_cv_file(file), file.name))
            except BassinError as exc:
                summary.rejected.append((str(file), str(exc)))
            if progress:
                progress(1)
        return summary

    def sweep_files(self) -> list[str]:
        """Remove what an interrupted ingestion left in the CV folder: ``*.tmp`` files and CV files no
        candidate row points to (their transaction never committed). Returns the names removed."""
        if not self.files_dir.is_dir():
            return []
        recorded = self.repo.stored_files()
        removed = []
        for file in sorted(self.files_dir.iterdir()):
            if file.is_file() and (file.name.endswith(".tmp") or file.name not in recorded):
                file.unlink(missing_ok=True)
                removed.append(file.name)
                crash_points.reached("sync.cv-swept")
        return removed


def _move(source: Path, target: Path) -> None:
    source.replace(target)
    crash_points.reached("cv.file-moved")


def _cv_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CV_SUFFIXES)
    elif path.is_file():
        yield path
    else:
        raise InputFormatError(f"Fichier ou dossier introuvable : {path}")
