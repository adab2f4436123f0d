"""System of record: SQLAlchemy models and repositories (SQLite by default, any SQLAlchemy URL)."""

from matching.store.candidate_models import CandidatePersonalRow, CandidateRow
from matching.store.chat_history import (
    ChatElementRow,
    ChatFeedbackRow,
    ChatStepRow,
    ChatThreadRow,
    ChatUserRow,
)
from matching.store.db import Database
from matching.store.interactions import InteractionRepository, OfferInteractionRow
from matching.store.match_cache import MatchCacheEntry, MatchResultRow
from matching.store.models import Base, EmbeddingRow, OfferRow, OfferSkillRow
from matching.store.offers import OfferRepository, UpsertOutcome

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
