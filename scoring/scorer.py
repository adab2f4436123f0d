"""The match scorer: one calibrated 0–100 score per (seeker, offer) pair, its parts, and a verified explanation.

The same pair function serves both directions: best offers for a person (``score_offers``) and best
candidates for an offer (``score_candidates``). A pair with too little information on either side
gets no number but a reason (abstention).

Example:
    >>> scorer = MatchScorer(taxonomy=tax, rome=rome, embedder=embedder, stored_vectors=repo)  # doctest: +SKIP
    >>> seeker = seeker_from_query("développeur python", SearchFilters(), taxonomy=tax, rome=rome)  # doctest: +SKIP
    >>> scorer.score(seeker, row).score  # doctest: +SKIP
    87
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from retrieval.embeddings.base import EmbeddingProvider
from scoring.calibration import Calibration, default_calibration, sigmoid
from scoring.explain import Explanation, SkillKeys, verify_claims
from scoring.explain import explain as draft_explanation
from scoring.features import FEATURE_LABELS, PairFeatures, compute_features
from scoring.offer_view import OfferFacts, OfferSkillReader, read_offer
from scoring.reranker import CrossEncoderReranker, RerankOutcome
from scoring.seeker import RomeFinder, Seeker
from scoring.semantic import SemanticSimilarity, StoredVectors
from store.models import OfferRow
from store.offers import offer_embed_text

SEEKER_TOO_THIN = "profil insuffisant pour noter cette offre : aucune compétence ni expérience détectée"
OFFER_TOO_THIN = "offre insuffisante pour être notée : ni description ni compétences"
ABSTENTIONS_EN = {
    SEEKER_TOO_THIN: "not enough in the profile to score this offer: no skill nor experience found",
    OFFER_TOO_THIN: "not enough in the offer to score it: no description nor skills",
}
"""The abstention reasons in English, for answers written in English."""
# Blend weight of a cross-encoder the calibration file does not know (its scores are then uncalibrated).
UNCALIBRATED_CE_WEIGHT = 0.5


class ScoringTaxonomy(OfferSkillReader, SkillKeys, Protocol):
    """What the scorer needs from ``SkillTaxonomy``."""


@dataclass(frozen=True)
class Contribution:
    """One feature's part in a score: its value, its logit term and its share of points."""

    feature: str
    label: str
    value: float | None
    logit: float
    points: float


@dataclass
class MatchScore:
    """A scored pair: the 0–100 score (None when abstaining, with the reason), its parts and explanation."""

    doc_id: int
    offer_id: str
    score: int | None
    probability: float | None
    abstained: str | None = None
    baseline: float | None = None
    """Score of an average pair: contributions (points) sum to ``score − baseline``."""
    contributions: list[Contribution] = field(default_factory=list)
    features: dict[str, float | None] = field(default_factory=dict)
    explanation: Explanation = field(default_factory=Explanation)
    cross_encoder_logit: float | None = None
    calibrated: bool = True
    candidate_id: str | None = None


@dataclass
class ScoredList:
    """Scores in the order asked, plus what the re-ranker did (None: no cross-encoder)."""

    scores: list[MatchScore]
    rerank: RerankOutcome | None = None
    notes: list[str] = field(default_factory=list)

    def ranked(self) -> list[MatchScore]:
        """Best first; abstentions last, in the order given (stable)."""
        return sorted(self.scores, key=lambda s: (s.score is None, -(s.probability or 0.0)))


class MatchScorer:
    """Scores (seeker, offer) pairs.

    Args:
        taxonomy: skill taxonomy (keys, synonyms, mentions).
        rome: ROME referential (for ``seeker_from_*``; kept here for the builders that receive the scorer).
        embedder: the offer index's embedding model; None leaves the semantic feature unknown.
        stored_vectors: the offer repository, to reuse stored offer vectors.
        calibration: the fitted combination; default the one shipped in ``calibration.json``.
        reranker_model: a cross-encoder model path/name; None disables re-ranking.
        reranker: an already built re-ranker (wins over ``reranker_model``).
        rerank_top_k: how many of the best-fused results the cross-encoder reads.
        rerank_budget_ms: latency budget of the cross-encoder per list (None: no budget).
    """

    def __init__(
        self,
        *,
        taxonomy: ScoringTaxonomy,
        rome: RomeFinder,
        embedder: EmbeddingProvider | None = None,
        stored_vectors: StoredVectors | None = None,
        calibration: Calibration | None = None,
        reranker_model: str | None = None,
        reranker: CrossEncoderReranker | None = None,
        rerank_top_k: int = 20,
        rerank_budget_ms: float | None = 1500.0,
        facts_cache_size: int = 20_000,
    ) -> None:
        self.taxonomy = taxonomy
        self.rome = rome
        self.calibration = calibration or default_calibration()
        self.semantic = SemanticSimilarity(embedder, stored_vectors) if embedder is not None else None
        if reranker is None and reranker_model:
            reranker = CrossEncoderReranker(reranker_model)
        self.reranker = reranker
        self.rerank_top_k = rerank_top_k
        self.rerank_budget_ms = rerank_budget_ms
        self._facts: OrderedDict[tuple[int, str], OfferFacts] = OrderedDict()
        self._facts_cache_size = facts_cache_size
        # The agent runs tools concurrently and the UI and API share one scorer across sessions.
        self._facts_lock = threading.Lock()

    # --- building blocks ----------------------------------------------------------------------
    def facts(self, row: OfferRow) -> OfferFacts:
        """The offer read once (cached by doc id and content hash)."""
        key = (row.id, row.content_hash)
        with self._facts_lock:
            if key in self._facts:
                self._facts.move_to_end(key)
                return self._facts[key]
        facts = read_offer(row, self.taxonomy)
        with self._facts_lock:
            self._facts[key] = facts
            while len(self._facts) > self._facts_cache_size:
                self._facts.popitem(last=False)
        return facts

    def features(self, seeker: Seeker, rows: Sequence[OfferRow]) -> list[PairFeatures]:
        """Pair features of one seeker against offers, in order."""
        sims = (
            self.semantic.similarities(seeker, rows)
            if self.semantic is not None and seeker.is_informative()
            else {}
        )
        return [compute_features(seeker, self.facts(row), sims.get(row.id)) for row in rows]

    def forget_offers(self) -> None:
        """Drop what was read of offers (facts, vectors): the next list is scored as by a fresh process
        (the ranking bench's "first seen" column; memory back after a large batch)."""
        with self._facts_lock:
            self._facts.clear()
        if self.semantic is not None:
            self.semantic.forget()

    # --- scoring ------------------------------------------------------------------------------
    def score(self, seeker: Seeker, offer: OfferRow) -> MatchScore:
        """Score one pair (no cross-encoder: that runs on result lists)."""
        return self.score_offers(seeker, [offer], rerank=False).scores[0]

    def score_offers(
        self, seeker: Seeker, offers: Sequence[OfferRow], *, rerank: bool = True, explain: bool = True
    ) -> ScoredList:
        """Score offers for one seeker, in the order given (best fused first when they come from a search).

        The cross-encoder, when configured and ``rerank`` is true, reads the first ``rerank_top_k``.
        """
        feats = self.features(seeker, offers)
        facts = [self.facts(r) for r in offers]
        logits: list[float | None] = [None] * len(offers)
        outcome = None
        if rerank and self.reranker is not None and seeker.is_informative():
            top = list(range(min(self.rerank_top_k, len(offers))))
            pairs = [(seeker.embed_text or seeker.text[:1000], offer_embed_text(offers[i])) for i in top]
            outcome = self.reranker.score_pairs(pairs, budget_ms=self.rerank_budget_ms)
            for i, value in zip(top, outcome.logits, strict=True):
                logits[i] = value
        ce = self._cross_encoder_terms(logits)
        scores = [
            self._pair(seeker, fa, fe, ce[i], logits[i], explain=explain)
            for i, (fa, fe) in enumerate(zip(facts, feats, strict=True))
        ]
        notes = [outcome.note] if outcome is not None and outcome.note else []
        return ScoredList(scores=scores, rerank=outcome, notes=notes)

    def score_candidates(
        self, offer: OfferRow, seekers: Sequence[tuple[str, Seeker]], *, explain: bool = True
    ) -> ScoredList:
        """Score candidates (id, seeker) for one offer with the same pair function, in the order given."""
        out = []
        for candidate_id, seeker in seekers:
            scored = self.score_offers(seeker, [offer], rerank=False, explain=explain).scores[0]
            scored.candidate_id = candidate_id
            out.append(scored)
        return ScoredList(scores=out)

    # --- internals ----------------------------------------------------------------------------
    def _cross_encoder_terms(self, logits: list[float | None]) -> list[tuple[float, bool]]:
        """Per pair: the logit term the cross-encoder adds, and whether that term is calibrated."""
        known = [v for v in logits if v is not None]
        if self.reranker is None or not known:
            return [(0.0, True)] * len(logits)
        stack = self.calibration.cross_encoders.get(self.reranker.model_id)
        if stack is not None:
            return [(stack.weight * v + stack.shift if v is not None else 0.0, True) for v in logits]
        centre = sum(known) / len(known)
        return [
            (UNCALIBRATED_CE_WEIGHT * (v - centre), False) if v is not None else (0.0, True) for v in logits
        ]

    def _pair(
        self,
        seeker: Seeker,
        offer: OfferFacts,
        feats: PairFeatures,
        ce: tuple[float, bool],
        ce_logit: float | None,
        *,
        explain: bool,
    ) -> MatchScore:
        if not seeker.is_informative():
            return MatchScore(offer.doc_id, offer.external_id, None, None, abstained=SEEKER_TOO_THIN)
        if not offer.is_informative():
            return MatchScore(offer.doc_id, offer.external_id, None, None, abstained=OFFER_TOO_THIN)
        cal = self.calibration
        term, calibrated = ce
        z = cal.logit(feats.values) + term
        p = sigmoid(z)
        base = sigmoid(cal.baseline_logit)
        parts = cal.contributions(feats.values)
        if term:
            parts["cross_encoder"] = term
        total = sum(parts.values())
        spread = 100.0 * (p - base)
        contributions = [
            Contribution(
                feature=name,
                label=FEATURE_LABELS.get(name, "re-classement (cross-encoder)"),
                value=feats.values.get(name, ce_logit),
                logit=round(value, 4),
                points=round(spread * value / total, 2) if abs(total) > 1e-12 else 0.0,
            )
            for name, value in parts.items()
        ]
        explanation = Explanation()
        if explain:
            explanation = verify_claims(
                draft_explanation(seeker, offer, feats), seeker.text, offer.text, taxonomy=self.taxonomy
            )
        return MatchScore(
            doc_id=offer.doc_id,
            offer_id=offer.external_id,
            score=round(100 * p),
            probability=round(p, 6),
            baseline=round(100 * base, 2),
            contributions=contributions,
            features=dict(feats.values),
            explanation=explanation,
            cross_encoder_logit=ce_logit,
            calibrated=calibrated,
        )
