"""System of record: SQLAlchemy models and repositories (SQLite by default, any SQLAlchemy URL)."""

from store.candidate_models import CandidatePersonalRow, CandidateRow
from store.chat_history import (
    ChatElementRow,
    ChatFeedbackRow,
    ChatStepRow,
    ChatThreadRow,
    ChatUserRow,
)
from store.db import Database
from store.interactions import InteractionRepository, OfferInteractionRow
from store.match_cache import MatchCacheEntry, MatchResultRow
from store.models import Base, EmbeddingRow, OfferRow, OfferSkillRow
from store.offers import OfferRepository, UpsertOutcome

__all__ = [
    "Base",
    "CandidatePersonalRow",
    "CandidateRow",
    "ChatElementRow",
    "ChatFeedbackRow",
    "ChatStepRow",
    "ChatThreadRow",
    "ChatUserRow",
    "Database",
    "EmbeddingRow",
    "InteractionRepository",
    "MatchCacheEntry",
    "MatchResultRow",
    "OfferInteractionRow",
    "OfferRepository",
    "OfferRow",
    "OfferSkillRow",
    "UpsertOutcome",
]
