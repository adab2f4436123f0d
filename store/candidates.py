"""Candidate repository: profiles and, in their own table, personal data."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import delete, func, select

from domain.candidates import CandidateRecord
from domain.documents import IndexDocument
from store.candidate_models import CandidatePersonalRow, CandidateRow
from store.db import Database, next_id
from store.embeddings import EmbeddingStore


@dataclass(frozen=True)
class CandidateUpsert:
    doc_id: int
    external_id: str
    status: Literal["inserted", "updated", "unchanged"]
    previous_file: str | None = None
    """The stored CV file the row pointed to before (to remove when it changed)."""


class CandidateRepository:
    """Reads and writes candidates; personal data is written apart and never read for search."""

    collection = "candidates"

    def __init__(self, db: Database) -> None:
        self.db = db
        self.embeddings = EmbeddingStore(db, self.collection)

    def upsert(
        self,
        record: CandidateRecord,
        personal: dict[str, Any],
        stored_file: str | None,
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> CandidateUpsert:
        """Insert or update a candidate; ``before_commit`` runs inside the transaction, last (it moves the
        CV file into place: if it fails nothing is recorded, if the commit fails ``sync`` sweeps the file)."""
        digest = record.content_hash()
        with self.db.session() as s:
            row = s.scalar(select(CandidateRow).where(CandidateRow.external_id == record.external_id))
            if row is not None and row.content_hash == digest and row.stored_file == stored_file:
                if before_commit is not None:
                    before_commit()
                return CandidateUpsert(row.id, row.external_id, "unchanged", row.stored_file)
            status: Literal["inserted", "updated"] = "updated" if row is not None else "inserted"
            previous = row.stored_file if row is not None else None
            if row is None:
                row = CandidateRow(id=next_id(s, "candidates"), external_id=record.external_id)
                s.add(row)
            _fill(row, record, digest, stored_file)
            s.flush()
            personal_row = s.get(CandidatePersonalRow, row.id)
            if personal_row is None:
                s.add(CandidatePersonalRow(candidate_id=row.id, data=personal))
            else:
                personal_row.data = personal
            if before_commit is not None:
                before_commit()
            return CandidateUpsert(row.id, row.external_id, status, previous)

    def find_same_person(self, personal: dict[str, Any]) -> str | None:
        """The external id of a stored candidate with the same email, or the same phone and no other name
        (or, when neither side has any contact, the same full name): an edited CV of one person replaces
        the previous version.

        A scan of the personal-data table (one JSON column): fine for tens of thousands of candidates.
        """
        same = self.same_person_ids(personal)
        return same[0] if same else None

    def same_person_ids(self, personal: dict[str, Any]) -> list[str]:
        """External ids of every stored candidate that is this person (see ``find_same_person``)."""
        mine = identity_keys(personal)
        if not mine:
            return []
        with self.db.session() as s:
            rows = s.execute(
                select(CandidateRow.external_id, CandidatePersonalRow.data)
                .join(CandidatePersonalRow, CandidatePersonalRow.candidate_id == CandidateRow.id)
                .order_by(CandidateRow.id)
            )
            return [str(ext) for ext, data in rows if _same_person(mine, identity_keys(data or {}))]

    def stored_files(self) -> set[str]:
        with self.db.session() as s:
            return {f for f in s.scalars(select(CandidateRow.stored_file)) if f}

    def delete(self, external_id: str) -> CandidateRow | None:
        """Remove a candidate, its personal data and embeddings; returns the removed row."""
        with self.db.session() as s:
            row = s.scalar(select(CandidateRow).where(CandidateRow.external_id == external_id))
            if row is None:
                return None
            s.execute(delete(CandidatePersonalRow).where(CandidatePersonalRow.candidate_id == row.id))
            s.delete(row)
        self.embeddings.delete([row.id])
        return row

    def count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(CandidateRow)) or 0)

    def hashes(self) -> dict[int, str]:
        with self.db.session() as s:
            return {i: h for i, h in s.execute(select(CandidateRow.id, CandidateRow.content_hash))}

    def get_many(self, doc_ids: Sequence[int]) -> list[CandidateRow]:
        if not doc_ids:
            return []
        with self.db.session() as s:
            rows = {
                r.id: r for r in s.scalars(select(CandidateRow).where(CandidateRow.id.in_(list(doc_ids))))
            }
            return [rows[i] for i in doc_ids if i in rows]

    def get_by_external_id(self, external_id: str) -> CandidateRow | None:
        with self.db.session() as s:
            return s.scalar(select(CandidateRow).where(CandidateRow.external_id == external_id))

    def personal_data(self, external_id: str) -> dict[str, Any] | None:
        """Personal data of one candidate, for an explicit recruiter action only."""
        with self.db.session() as s:
            q = (
                select(CandidatePersonalRow.data)
                .join(CandidateRow)
                .where(CandidateRow.external_id == external_id)
            )
            return s.scalar(q)

    def iter_documents(
        self, doc_ids: Sequence[int] | None = None, batch: int = 500
    ) -> Iterator[IndexDocument]:
        if doc_ids is None:
            with self.db.session() as s:
                doc_ids = list(s.scalars(select(CandidateRow.id).order_by(CandidateRow.id)))
        for start in range(0, len(doc_ids), batch):
            for row in self.get_many(doc_ids[start : start + batch]):
                yield candidate_document(row)

    def load_embeddings(self, doc_ids: Sequence[int], model_id: str) -> dict[int, tuple[str, np.ndarray]]:
        return self.embeddings.load(doc_ids, model_id)

    def save_embeddings(self, model_id: str, items: Sequence[tuple[int, str]], vectors: np.ndarray) -> None:
        self.embeddings.save(model_id, items, vectors)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _values(field: Any) -> Iterable[str]:
    items = field if isinstance(field, list) else [field]
    for item in items:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, str) and value.strip():
            yield value


def identity_keys(personal: dict[str, Any]) -> set[str]:
    """``email:…``, ``phone:…`` (last 9 digits: +33 6… and 06… agree) and ``name:…`` keys of a person."""
    keys = {f"email:{_fold(v)}" for v in _values(personal.get("emails"))}
    for v in _values(personal.get("phones")):
        digits = re.sub(r"\D", "", v)
        if len(digits) >= 9:
            keys.add(f"phone:{digits[-9:]}")
    keys |= {f"name:{_fold(v)}" for v in _values(personal.get("name")) if len(_fold(v)) >= 5}
    return keys


def _same_person(a: set[str], b: set[str]) -> bool:
    """Same email; or same phone with no conflicting name; or, without any contact, the same name."""

    def kind(keys: set[str], prefix: str) -> set[str]:
        return {k for k in keys if k.startswith(prefix)}

    if kind(a, "email:") & kind(b, "email:"):
        return True
    names_a, names_b = kind(a, "name:"), kind(b, "name:")
    names_agree = not names_a or not names_b or bool(names_a & names_b)
    if kind(a, "phone:") & kind(b, "phone:") and names_agree:
        return True
    no_contacts = not (a - names_a) and not (b - names_b)
    return no_contacts and bool(names_a & names_b)


def _fill(row: CandidateRow, rec: CandidateRecord, digest: str, stored_file: str | None) -> None:
    row.file_sha256 = rec.file_sha256
    row.source_format = rec.source_format
    row.stored_file = stored_file
    row.title = rec.title
    row.summary = rec.summary
    row.search_text = rec.search_text
    row.skill_keys = list(rec.skill_keys)
    row.languages = list(rec.languages)
    row.contracts = list(rec.contracts)
    row.remote = rec.remote
    row.experience_months = rec.experience_months
    row.education_level = rec.education_level
    row.location = rec.location
    row.department = rec.department
    row.latitude = rec.latitude
    row.longitude = rec.longitude
    row.profile = {**rec.profile, "skill_labels": list(rec.skill_labels)}
    row.cv_text = rec.cv_text
    row.content_hash = digest


def candidate_embed_text(row: CandidateRow) -> str:
    labels = row.profile.get("skill_labels") or row.skill_keys
    parts = [row.title or "", ", ".join(labels)[:400], row.summary or "", row.search_text[:700]]
    return ". ".join(p.strip() for p in parts if p and p.strip())


def candidate_document(row: CandidateRow) -> IndexDocument:
    labels = row.profile.get("skill_labels") or []
    updated = row.updated_at or datetime.now(UTC)
    return IndexDocument(
        doc_id=row.id,
        external_id=row.external_id,
        content_hash=row.content_hash,
        title=row.title or "",
        body="\n".join(p for p in (" ".join(labels), row.summary, row.search_text) if p),
        embed_text=candidate_embed_text(row),
        skills=tuple(sorted(set(row.skill_keys))),
        contract=tuple(row.contracts),
        department=(row.department,) if row.department else (),
        languages=tuple(row.languages),
        remote=row.remote,
        experience_months=row.experience_months,
        published=updated.date(),
        lat=row.latitude,
        lon=row.longitude,
    )
