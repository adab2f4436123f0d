"""What the indexes see: one flat, collection-agnostic document per offer or candidate.

Both index families (FAISS with its attribute table, and the lexical backends) index an
``IndexDocument``; the SQL store is the system of record they are rebuilt from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Collection = Literal["offers", "candidates"]


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """A searchable document, derived from a stored offer or candidate.

    Attributes:
        doc_id: integer primary key in SQL, also the FAISS id.
        external_id: public id (France Travail offer id, candidate id).
        content_hash: hash of the stored content; an index holding another hash is stale.
        title: short text, boosted in lexical search.
        body: long text (description, CV summary).
        skills: normalised skill keys (see ``referentials.taxonomy``), for exact filtering.
        contract: contract code (CDI, CDD, MIS, ...) or wished contracts for candidates.
        rome: ROME codes.
        department: French département codes ("69", "2A", "971").
        languages: language keys ("anglais").
        remote: True when remote work is offered / wanted.
        experience_months: experience required (offers) or acquired (candidates), in months.
        published: publication (offers) or update (candidates) date.
        lat, lon: WGS84 coordinates of the place, when known.
        salary_monthly: top of the offer's stated monthly gross salary (None: not stated, or a candidate).
        embed_text: the text the embedding model encodes.
    """

    doc_id: int
    external_id: str
    content_hash: str
    title: str
    body: str
    embed_text: str
    skills: tuple[str, ...] = ()
    contract: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    department: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    remote: bool | None = None
    experience_months: int | None = None
    published: date | None = None
    lat: float | None = None
    lon: float | None = None
    salary_monthly: float | None = None
    extra: dict[str, str] = field(default_factory=dict)
