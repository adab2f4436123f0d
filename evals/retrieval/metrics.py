"""Ranking metrics with graded relevance."""

from __future__ import annotations

import math
from collections.abc import Sequence


def dcg(grades: Sequence[int], k: int) -> float:
    """Discounted cumulative gain with exponential gains ``2^g − 1``."""
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg_at_k(ranked_grades: Sequence[int], all_grades: Sequence[int], k: int = 10) -> float:
    """nDCG@k of a ranking, the ideal ranking being every judged document sorted by grade.

    Args:
        ranked_grades: grades of the returned documents, in returned order.
        all_grades: grades of every document of the corpus that may be returned (the ideal pool).
    """
    ideal = dcg(sorted(all_grades, reverse=True), k)
    return dcg(ranked_grades, k) / ideal if ideal > 0 else 0.0


def recall_at_k(ranked_grades: Sequence[int], relevant_total: int, k: int = 10) -> float:
    """Share of the ``min(k, relevant_total)`` best slots filled by grade-2 documents."""
    if relevant_total <= 0:
        return 0.0
    return sum(1 for g in ranked_grades[:k] if g == 2) / min(k, relevant_total)
