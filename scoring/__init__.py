"""Match scoring: calibrated 0–100 scores for (person, offer) pairs, both directions, with verified evidence.

- ``seeker``: the person's side, from a parsed CV (``seeker_from_profile``) or a search (``seeker_from_query``).
- ``offer_view``: the offer's side (``read_offer``, ``offer_text``).
- ``features`` → ``calibration`` (logistic regression, ``calibration.json``) → ``scorer.MatchScorer``.
- ``explain``: claims with spans on both sides, ``verify_claims`` drops what the texts do not support.
- ``reranker``: optional cross-encoder over the top results, under a latency budget.
- ``matcher``: best offers for a person, best candidates for an offer.
- ``whatif``: what relaxing one constraint would change.
"""

from scoring.calibration import Calibration, default_calibration
from scoring.explain import Claim, Explanation, verify_claims
from scoring.features import FEATURES, PairFeatures, compute_features
from scoring.matcher import (
    CandidateHit,
    CandidateMatcher,
    CandidateSearch,
)
from scoring.offer_view import OfferFacts, offer_text, read_offer
from scoring.reranker import CrossEncoderReranker, RerankOutcome
from scoring.scorer import OFFER_TOO_THIN, SEEKER_TOO_THIN, MatchScore, MatchScorer, ScoredList
from scoring.seeker import Seeker, SeekerSkill, TextSpan, seeker_from_profile, seeker_from_query

__all__ = [
    "FEATURES",
    "OFFER_TOO_THIN",
    "SEEKER_TOO_THIN",
    "Calibration",
    "CandidateHit",
    "CandidateMatcher",
    "CandidateSearch",
    "Claim",
    "CrossEncoderReranker",
    "Explanation",
    "MatchScore",
    "MatchScorer",
    "OfferFacts",
    "PairFeatures",
    "RerankOutcome",
    "ScoredList",
    "Seeker",
    "SeekerSkill",
    "TextSpan",
    "compute_features",
    "default_calibration",
    "offer_text",
    "read_offer",
    "seeker_from_profile",
    "seeker_from_query",
    "verify_claims",
]
