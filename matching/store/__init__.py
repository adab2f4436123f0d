"""System of record: SQLAlchemy models and repositories (SQLite by default, any SQLAlchemy URL)."""

from matching.store.db import Database
from matching.store.models import Base, EmbeddingRow, OfferRow, OfferSkillRow
from matching.store.offers import OfferRepository, UpsertOutcome

__all__ = ["Base", "Database", "EmbeddingRow", "OfferRepository", "OfferRow", "OfferSkillRow", "UpsertOutcome"]
