"""What people do with offers (seed 000's ``OfferInteraction``): viewed, time spent, saved, applied, rated.

One row per (user, offer), updated in place: the implicit and explicit feedback a later learning-to-rank
step reads. The user is the login identifier of the UI (or any caller's stable user id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, DateTime, Float, Integer, SmallInteger, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Database
from store.models import Base, utcnow

Action = Literal["viewed", "saved", "unsaved", "applied", "thumbs_up", "thumbs_down"]
MAX_TIME_SPENT_S = 1800
"""A single viewing counts at most this long (a tab left open is not attention)."""


class OfferInteractionRow(Base):
    """One user's history with one offer."""

    __tablename__ = "offer_interactions"
    __table_args__ = (UniqueConstraint("user_id", "offer_external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255), index=True)
    offer_external_id: Mapped[str] = mapped_column(String(50), index=True)
    match_score: Mapped[float | None] = mapped_column(Float)
    """The match score (0–100) shown when the user acted; None when the scorer abstained."""
    viewed: Mapped[bool] = mapped_column(Boolean, default=False)
    viewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_spent_seconds: Mapped[int] = mapped_column(Integer, default=0)
    saved: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    """Thumbs up (1) or down (-1) on the offer's card."""
    got_interview: Mapped[bool | None] = mapped_column(Boolean)
    got_hired: Mapped[bool | None] = mapped_column(Boolean)
    thread_id: Mapped[str | None] = mapped_column(String(64))
    """The conversation where the last action happened."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class Interaction:
    """A plain copy of a row, for callers outside the session."""

    user_id: str
    offer_external_id: str
    match_score: float | None
    viewed: bool
    viewed_at: datetime | None
    time_spent_seconds: int
    saved: bool
    applied: bool
    applied_at: datetime | None
    rating: int | None
    thread_id: str | None

    @classmethod
    def of(cls, row: OfferInteractionRow) -> Interaction:
        return cls(
            user_id=row.user_id,
            offer_external_id=row.offer_external_id,
            match_score=row.match_score,
            viewed=row.viewed,
            viewed_at=row.viewed_at,
            time_spent_seconds=row.time_spent_seconds,
            saved=row.saved,
            applied=row.applied,
            applied_at=row.applied_at,
            rating=row.rating,
            thread_id=row.thread_id,
        )


class InteractionRepository:
    """Records and reads offer interactions (idempotent: the same action twice changes nothing more).

    Example:
        >>> repo = InteractionRepository(db)  # doctest: +SKIP
        >>> repo.record("camille", "2051234", "saved", match_score=72)  # doctest: +SKIP
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        user_id: str,
        offer_id: str,
        action: Action,
        *,
        match_score: float | None = None,
        thread_id: str | None = None,
    ) -> Interaction:
        """Apply one action to the (user, offer) row, creating it on first contact."""
        now = utcnow()
        with self.db.session() as s:
            row = self._row(s, user_id, offer_id)
            if match_score is not None:
                row.match_score = float(match_score)
            if thread_id is not None:
                row.thread_id = thread_id
            if action == "viewed":
                row.viewed = True
                row.viewed_at = row.viewed_at or now
            elif action in ("saved", "unsaved"):
                row.saved = action == "saved"
                row.saved_at = now if row.saved else None
            elif action == "applied":
                row.applied = True
                row.applied_at = row.applied_at or now
            else:
                row.rating = 1 if action == "thumbs_up" else -1
            s.flush()
            return Interaction.of(row)

    def add_time_spent(self, user_id: str, offer_id: str, seconds: float) -> Interaction:
        """Add a viewing's duration (capped at ``MAX_TIME_SPENT_S``) to the offer's time spent."""
        with self.db.session() as s:
            row = self._row(s, user_id, offer_id)
            row.time_spent_seconds = (row.time_spent_seconds or 0) + round(
                min(max(seconds, 0.0), MAX_TIME_SPENT_S)
            )
            s.flush()
            return Interaction.of(row)

    def get(self, user_id: str, offer_id: str) -> Interaction | None:
        with self.db.session() as s:
            row = s.scalar(
                select(OfferInteractionRow).where(
                    OfferInteractionRow.user_id == user_id,
                    OfferInteractionRow.offer_external_id == offer_id,
                )
            )
            return Interaction.of(row) if row is not None else None

    def saved(self, user_id: str) -> list[Interaction]:
        """The user's saved offers, most recently saved first."""
        with self.db.session() as s:
            rows = s.scalars(
                select(OfferInteractionRow)
                .where(OfferInteractionRow.user_id == user_id, OfferInteractionRow.saved.is_(True))
                .order_by(OfferInteractionRow.saved_at.desc())
            )
            return [Interaction.of(r) for r in rows]

    @staticmethod
    def _row(s: Session, user_id: str, offer_id: str) -> OfferInteractionRow:
        row = s.scalar(
            select(OfferInteractionRow).where(
                OfferInteractionRow.user_id == user_id, OfferInteractionRow.offer_external_id == offer_id
            )
        )
        if row is None:
            row = OfferInteractionRow(
                user_id=user_id,
                offer_external_id=offer_id,
                viewed=False,
                time_spent_seconds=0,
                saved=False,
                applied=False,
            )
            s.add(row)
        return row
