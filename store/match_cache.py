"""Match cache (seed 000, « Cache en base avec lazy refresh »): a profile's best offers, with ``computed_at``.

One ``MatchCacheEntry`` per candidate records what the results were computed from (the CV file's hash,
the profile's content hash, how many results were asked) and when; its ``MatchResultRow`` rows hold the
offers and scores, best first. Invalidation follows the seed's table:

- CV changed, profile changed (experiences, skills): invalidated immediately, in the same transaction
  as the candidate's update (the ``after_update`` hook below), whatever code path updates the row;
  the lookup also compares the hashes, so an entry that escaped the hook is never served;
- older than the TTL (24 h by default): recomputed at the next access;
- offers added or changed since ``computed_at``: recomputed at the next access (lazy refresh);
- a candidate deleted: its entry goes with it (``ON DELETE CASCADE``).

Example:
    >>> cache = MatchCacheRepository(db)
    >>> cache.store(candidate, [("201VPGR", 0.94)], depth=50, computed_at=now)
    >>> cache.lookup(candidate, now=now, ttl=timedelta(hours=24), offers_changed_at=None, depth=20)
    CacheLookup(results=[('201VPGR', 0.94)], reason='hit', computed_at=...)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from store.candidate_models import CandidateRow
from store.db import Database, as_utc, chunked
from store.models import Base, OfferRow

CacheReason = Literal["hit", "absent", "cv_changed", "profile_changed", "expired", "new_offers", "too_short"]


class MatchCacheEntry(Base):
    """The cached matching of one candidate profile: what it was computed from, and when."""

    __tablename__ = "match_cache_entries"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    cv_sha256: Mapped[str] = mapped_column(String(64))
    profile_hash: Mapped[str] = mapped_column(String(64))
    depth: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MatchResultRow(Base):
    """One cached (profile, offer) score (the seed's ``MatchResult``); ``rank`` 1 is the best score."""

    __tablename__ = "match_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("match_cache_entries.candidate_id", ondelete="CASCADE")
    )
    offer_external_id: Mapped[str] = mapped_column(String(50))
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("candidate_id", "offer_external_id"),
        Index("ix_match_results_candidate_rank", "candidate_id", "rank"),
    )


@dataclass(frozen=True)
class CacheLookup:
    """What the cache holds for a profile: the results when fresh (``reason == "hit"``), else why not."""

    reason: CacheReason
    results: list[tuple[str, float]] = field(default_factory=list)
    computed_at: datetime | None = None

    @property
    def hit(self) -> bool:
        return self.reason == "hit"


class MatchCacheRepository:
    """Reads and writes cached matches in the system of record (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def lookup(
        self,
        candidate: CandidateRow,
        *,
        now: datetime,
        ttl: timedelta,
        offers_changed_at: datetime | None,
        depth: int,
    ) -> CacheLookup:
        """The cached results of ``candidate`` when still valid, else the first reason they are not.

        Args:
            candidate: the candidate as stored now.
            now: the current time (aware).
            ttl: how long results stay valid.
            offers_changed_at: when offers were last added or changed (``offers_changed_at``).
            depth: how many results the caller needs.
        """
        with self.db.session() as s:
            entry = s.get(MatchCacheEntry, candidate.id)
            if entry is None:
                return CacheLookup("absent")
            computed_at = as_utc(entry.computed_at)
            reason: CacheReason = "hit"
            if entry.cv_sha256 != candidate.file_sha256:
                reason = "cv_changed"
            elif entry.profile_hash != candidate.content_hash:
                reason = "profile_changed"
            elif now - computed_at >= ttl:
                reason = "expired"
            elif offers_changed_at is not None and as_utc(offers_changed_at) > computed_at:
                reason = "new_offers"
            elif entry.depth < depth:
                reason = "too_short"
            if reason != "hit":
                return CacheLookup(reason, computed_at=computed_at)
            rows = s.execute(
                select(MatchResultRow.offer_external_id, MatchResultRow.score)
                .where(MatchResultRow.candidate_id == candidate.id)
                .order_by(MatchResultRow.rank)
                .limit(depth)
            )
            return CacheLookup("hit", [(ext_id, score) for ext_id, score in rows], computed_at)

    def store(
        self,
        candidate: CandidateRow,
        results: Sequence[tuple[str, float]],
        *,
        depth: int,
        computed_at: datetime,
    ) -> bool:
        """Replace the candidate's cached results (best first); False when a concurrent writer won.

        ``computed_at`` is when the computation *started*: offers arriving while it ran make the entry
        stale at once rather than being missed.
        """
        try:
            with self.db.session() as s:
                _delete_entry(s.connection(), candidate.id)
                s.add(
                    MatchCacheEntry(
                        candidate_id=candidate.id,
                        cv_sha256=candidate.file_sha256,
                        profile_hash=candidate.content_hash,
                        depth=depth,
                        computed_at=computed_at,
                    )
                )
                s.flush()
                s.add_all(
                    MatchResultRow(candidate_id=candidate.id, offer_external_id=ext_id, score=score, rank=i)
                    for i, (ext_id, score) in enumerate(dict(results).items(), start=1)
                )
        except IntegrityError:
            # another request stored the same profile meanwhile (PostgreSQL, several workers): keep theirs
            return False
        return True

    def count(self) -> int:
        """Number of profiles with cached results."""
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(MatchCacheEntry)) or 0)


def offers_changed_at(db: Database) -> datetime | None:
    """When offers were last inserted or updated (``offers.synced_at`` moves only on a real change)."""
    with db.session() as s:
        value = s.scalar(select(func.max(OfferRow.synced_at)))
    return None if value is None else as_utc(value)


def invalidate_offers(db: Database, external_ids: Sequence[str]) -> int:
    """« Offre clôturée → invalider » : drop every cached matching that lists one of these offers.

    Returns the number of profiles whose cache was dropped (recomputed at their next access).
    """
    ids = list(dict.fromkeys(external_ids))
    dropped: set[int] = set()
    with db.session() as s:
        for chunk in chunked(ids):
            dropped.update(
                s.scalars(
                    select(MatchResultRow.candidate_id).where(MatchResultRow.offer_external_id.in_(chunk))
                )
            )
        conn = s.connection()
        for candidate_id in sorted(dropped):
            _delete_entry(conn, candidate_id)
    return len(dropped)


@event.listens_for(CandidateRow, "after_update")
def _invalidate_on_profile_change(_mapper: Any, connection: Any, target: CandidateRow) -> None:
    """« CV modifié / profil modifié → invalider immédiatement », in the updating transaction."""
    state = inspect(target)
    if state.attrs.content_hash.history.has_changes() or state.attrs.file_sha256.history.has_changes():
        _delete_entry(connection, target.id)


def _delete_entry(connection: Connection, candidate_id: int) -> None:
    # results first: not relying on the database to cascade (SQLite does only with its pragma on)
    connection.execute(delete(MatchResultRow).where(MatchResultRow.candidate_id == candidate_id))
    connection.execute(delete(MatchCacheEntry).where(MatchCacheEntry.candidate_id == candidate_id))
