"""The tantivy schema of a lexical collection and the ``IndexDocument`` → tantivy document mapping."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tantivy import Document, Schema, SchemaBuilder

from domain.documents import IndexDocument
from retrieval.lexical.french_analyzer import FRENCH_TOKENIZER, prepare_text

DOC_ID = "doc_id"
EXTERNAL_ID = "external_id"
CONTENT_HASH = "content_hash"
TITLE = "title"
BODY = "body"
SKILLS = "skills"
CONTRACT = "contract"
ROME = "rome"
DEPARTMENT = "department"
LANGUAGES = "languages"
REMOTE = "remote"
EXPERIENCE = "experience_months"
PUBLISHED = "published"
BROWSE_KEY = "browse_key"
LAT = "lat"
LON = "lon"

KEYWORD_FIELDS: dict[str, str] = {
    SKILLS: "skills",
    CONTRACT: "contract",
    ROME: "rome",
    DEPARTMENT: "department",
    LANGUAGES: "languages",
}
"""Schema keyword field → ``IndexDocument`` attribute (multi-valued, exact match)."""

DOC_ID_BITS = 40
MAX_DOC_ID = (1 << DOC_ID_BITS) - 1


def build_schema() -> Schema:
    """Fields of a lexical collection.

    Text fields keep term frequencies but no positions (BM25 needs no more; no phrase queries).
    Keyword fields use the raw tokenizer: one exact term per value, as ``matches()`` compares.
    ``browse_key`` packs (publication day, doc id) into one integer so that a single fast-field
    sort gives "newest first, then highest doc id" for filtered browsing.
    """
    builder = SchemaBuilder()
    builder.add_integer_field(DOC_ID, stored=True, indexed=True, fast=True)
    builder.add_text_field(EXTERNAL_ID, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(CONTENT_HASH, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TITLE, tokenizer_name=FRENCH_TOKENIZER, index_option="freq")
    builder.add_text_field(BODY, tokenizer_name=FRENCH_TOKENIZER, index_option="freq")
    for field in KEYWORD_FIELDS:
        builder.add_text_field(field, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_boolean_field(REMOTE, indexed=True, fast=True)
    builder.add_integer_field(EXPERIENCE, indexed=True, fast=True)
    builder.add_date_field(PUBLISHED, indexed=True, fast=True)
    builder.add_integer_field(BROWSE_KEY, fast=True)
    builder.add_float_field(LAT, indexed=True, fast=True)
    builder.add_float_field(LON, indexed=True, fast=True)
    return builder.build()


def day_start(day: date) -> datetime:
    """Midnight UTC of ``day``, the instant a ``date`` is indexed as."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def browse_key(doc_id: int, published: date | None) -> int:
    """Sort key: newest publication first, ties by highest doc id; undated documents last."""
    day = published.toordinal() if published is not None else 0
    return (day << DOC_ID_BITS) | doc_id


def to_tantivy(doc: IndexDocument) -> Document:
    """The tantivy document of ``doc``; absent optional fields are simply not indexed.

    Raises:
        ValueError: ``doc.doc_id`` is negative or does not fit in 40 bits.
    """
    if not 0 <= doc.doc_id <= MAX_DOC_ID:
        raise ValueError(f"doc_id {doc.doc_id} outside [0, {MAX_DOC_ID}]")
    fields: dict[str, object] = {
        DOC_ID: doc.doc_id,
        EXTERNAL_ID: doc.external_id,
        CONTENT_HASH: doc.content_hash,
        TITLE: prepare_text(doc.title),
        BODY: prepare_text(doc.body),
        BROWSE_KEY: browse_key(doc.doc_id, doc.published),
    }
    for field, attribute in KEYWORD_FIELDS.items():
        values = getattr(doc, attribute)
        if values:
            fields[field] = list(values)
    if doc.remote is not None:
        fields[REMOTE] = doc.remote
    if doc.experience_months is not None:
        fields[EXPERIENCE] = doc.experience_months
    if doc.published is not None:
        fields[PUBLISHED] = day_start(doc.published)
    if doc.lat is not None and doc.lon is not None:
        fields[LAT] = float(doc.lat)
        fields[LON] = float(doc.lon)
    return Document.from_dict(fields)
