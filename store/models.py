"""SQLAlchemy 2 models: offers (the seeds' JobOffer + JobOfferSkill shape) and stored embeddings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


# The names PostgreSQL picks itself, written down: migrations can then name constraints on every backend
# (SQLite included), and a database created by ``create_all`` before migrations existed has the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class OfferRow(Base):
    """A job offer, keyed by its integer id (also its FAISS id) and unique external id."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(50), unique=True, index=True)
    source: Mapped[str] = mapped_column(String(40), default="france_travail")
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    company_name: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    commune_code: Mapped[str | None] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    contract_type: Mapped[str] = mapped_column(String(10), index=True)
    contract_label: Mapped[str | None] = mapped_column(String(100))
    alternance: Mapped[bool] = mapped_column(Boolean, default=False)
    experience_code: Mapped[str | None] = mapped_column(String(2))
    experience_required: Mapped[str | None] = mapped_column(String(100))
    experience_months: Mapped[int | None] = mapped_column(Integer)
    rome_code: Mapped[str | None] = mapped_column(String(10), index=True)
    rome_label: Mapped[str | None] = mapped_column(String(255))
    appellation: Mapped[str | None] = mapped_column(String(255))
    sector: Mapped[str | None] = mapped_column(String(255))
    qualification: Mapped[str | None] = mapped_column(String(100))
    salary_label: Mapped[str | None] = mapped_column(String(255))
    salary_min_monthly: Mapped[float | None] = mapped_column(Float)
    salary_max_monthly: Mapped[float | None] = mapped_column(Float)
    remote: Mapped[bool | None] = mapped_column(Boolean)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    source_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # When the source last listed the offer, and when it stopped: a closed offer leaves the indexes and
    # every answer but keeps its row for the interaction history.
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    skills: Mapped[list[OfferSkillRow]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferSkillRow.id", lazy="selectin"
    )


class OfferSkillRow(Base):
    """A skill of an offer: France Travail competence (E required / S desired) or extracted from text."""

    __tablename__ = "offer_skills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(Text)
    key: Mapped[str | None] = mapped_column(String(120), index=True)
    code: Mapped[str | None] = mapped_column(String(20))
    is_required: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(20), default="france_travail")

    offer: Mapped[OfferRow] = relationship(back_populates="skills")


class EmbeddingRow(Base):
    """A stored embedding, so FAISS can be rebuilt without re-encoding. Keyed by document and model;
    ``content_hash`` is the hash of the text that was encoded."""

    __tablename__ = "embeddings"

    collection: Mapped[str] = mapped_column(String(20), primary_key=True)
    doc_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_embeddings_model", "collection", "model_id"),)


class IdWatermarkRow(Base):
    """The highest id a table ever used (SQLite would hand a deleted newest row's id to the next one)."""

    __tablename__ = "id_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
