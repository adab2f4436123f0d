"""``POST /match``: a CV's best offers from a vector, a stored candidate (cached) or a CV's text.

A vector is compared with the offers' vectors (FAISS, cosine). A stored candidate or a CV text goes
through the one "search from a CV" path (``services.profile_search``: the request builder, then the ranked
offer search every door uses; its 0–100 shown as 0–1).
A stored candidate's results are cached in the database (``store.match_cache``) and refreshed
lazily, as seed 000 decides: after the TTL, or once offers were added or changed since ``computed_at``;
a CV or profile change has already deleted them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from api.errors import CVFileMissingError
from api.services import EmbeddingService, ReadWriteLock, VectorIndexService
from cv import ParsedCV, parse_cv
from domain.errors import CandidateNotFoundError
from domain.search import SearchFilters
from services.candidate_search import StoredCandidateSearch
from services.profile_search import RankedOfferSearch, offers_for_profile
from services.requests import RequestBuilder
from store.candidates import CandidateRepository
from store.db import Database
from store.match_cache import MatchCacheRepository, offers_changed_at

ScoreKind = Literal["cosine", "calibrated"]


@dataclass(frozen=True)
class MatchOutcome:
    """Best first; ``cache`` says where a candidate's results came from ("hit", "miss:<reason>", "bypass")."""

    results: list[tuple[str, float]]
    score_kind: ScoreKind
    cache: str | None = None
    computed_at: datetime | None = None


class OffersChangedAt:
    """When offers last changed, asked of SQL at most every ``poll_s`` seconds (0: every time)."""

    def __init__(self, read: Callable[[], datetime | None], poll_s: float) -> None:
        self._read = read
        self.poll_s = poll_s
        self._value: datetime | None = None
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def __call__(self) -> datetime | None:
        with self._lock:
            now = time.monotonic()
            if now - self._read_at >= self.poll_s:
                self._value = self._read()
                self._read_at = now
            return self._value


class MatchService:
    """Best offers for a CV, three ways in, one answer shape ``[(offer id, score)]``.

    Args:
        candidates: the candidate store.
        stored: stored candidates' profiles and CV texts.
        vectors: FAISS access (read lock) for vector matching.
        embeddings: the model (for the vector's dimension).
        offers: the ranked offer search.
        requests: the request builder (a CV fills what the request leaves open).
        cache: the match cache repository.
        ttl: how long cached results stay valid.
        depth: how many results are computed and cached per profile.
        offers_changed: when offers last changed (see ``OffersChangedAt``).
        clock: the current time (aware UTC).
    """

    def __init__(
        self,
        *,
        candidates: CandidateRepository,
        stored: StoredCandidateSearch,
        vectors: VectorIndexService,
        embeddings: EmbeddingService,
        offers: RankedOfferSearch,
        requests: RequestBuilder,
        cache: MatchCacheRepository,
        lock: ReadWriteLock,
        ttl: timedelta,
        depth: int,
        offers_changed: Callable[[], datetime | None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.candidates = candidates
        self.vectors = vectors
        self.embeddings = embeddings
        self.offers = offers
        self.requests = requests
        self.cache = cache
        self.lock = lock
        self.ttl = ttl
        self.depth = depth
        self.offers_changed = offers_changed
        self.clock = clock
        self._stored = stored

    def by_vector(self, vector: Sequence[float], filters: SearchFilters | None, top_k: int) -> MatchOutcome:
        query = self.embeddings.query_vector(vector, "cv_embedding")
        return MatchOutcome(self.vectors.search_vector("offers", query, filters, top_k), "cosine")

    def by_text(self, text: str, filters: SearchFilters | None, top_k: int) -> MatchOutcome:
        parsed = parse_cv(text.encode("utf-8"), "cv.txt")
        return MatchOutcome(self._score(parsed, filters, top_k), "calibrated", cache="bypass")

    def by_candidate(self, cv_id: str, filters: SearchFilters | None, top_k: int) -> MatchOutcome:
        """A stored candidate's best offers, from the cache when still valid (only without filters)."""
        candidate = self.candidates.get_by_external_id(cv_id)
        if candidate is None:
            raise CandidateNotFoundError(cv_id)
        if filters is not None:
            return MatchOutcome(
                self._score(self._parsed(cv_id), filters, top_k), "calibrated", cache="bypass"
            )
        now = self.clock()
        found = self.cache.lookup(
            candidate, now=now, ttl=self.ttl, offers_changed_at=self.offers_changed(), depth=top_k
        )
        if found.hit:
            return MatchOutcome(
                found.results[:top_k], "calibrated", cache="hit", computed_at=found.computed_at
            )
        depth = max(self.depth, top_k)
        results = self._score(self._parsed(cv_id), None, depth)
        self.cache.store(candidate, results, depth=depth, computed_at=now)
        return MatchOutcome(results[:top_k], "calibrated", cache=f"miss:{found.reason}", computed_at=now)

    def _parsed(self, cv_id: str) -> ParsedCV:
        parsed = self._stored.parsed(cv_id)
        if parsed is None:
            raise CVFileMissingError(cv_id)
        return parsed

    def _score(self, parsed: ParsedCV, filters: SearchFilters | None, top_k: int) -> list[tuple[str, float]]:
        with self.lock.read():
            found = offers_for_profile(
                self.offers, self.requests, parsed.profile, filters=filters, top_k=top_k
            )
        return [(r.id, round(r.score, 4)) for r in found.response.results]


def offers_changed_reader(db: Database, poll_s: float) -> OffersChangedAt:
    return OffersChangedAt(lambda: offers_changed_at(db), poll_s)
