"""Rank fusion of lexical and vector result lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from domain.search import ScoreParts
from retrieval.lexical.base import LexicalHit
from retrieval.vector.base import VectorHit

FusionMethod = Literal["rrf", "weighted"]


def fuse(
    lexical: Sequence[LexicalHit],
    vector: Sequence[VectorHit],
    *,
    method: FusionMethod = "rrf",
    lexical_weight: float = 0.5,
    rrf_k: int = 60,
) -> list[tuple[int, ScoreParts]]:
    """Merge two best-first lists into one, keeping every list's rank and score per document.

    - ``rrf``: reciprocal-rank fusion, ``w / (k + rank)`` summed over lists (robust to score scales).
    - ``weighted``: min-max normalised scores combined linearly (a document absent from a list gets 0).
    """
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError("lexical_weight must be in [0, 1]")
    parts: dict[int, ScoreParts] = {}
    for rank, lh in enumerate(lexical, start=1):
        parts.setdefault(lh.doc_id, ScoreParts()).__dict__.update(lexical_rank=rank, lexical_score=lh.score)
    for rank, vh in enumerate(vector, start=1):
        parts.setdefault(vh.doc_id, ScoreParts()).__dict__.update(vector_rank=rank, vector_score=vh.score)
    wl, wv = lexical_weight, 1.0 - lexical_weight
    if method == "rrf":
        for p in parts.values():
            p.fused = (wl / (rrf_k + p.lexical_rank) if p.lexical_rank else 0.0) + (
                wv / (rrf_k + p.vector_rank) if p.vector_rank else 0.0
            )
    else:
        lex_norm = _minmax({h.doc_id: h.score for h in lexical})
        vec_norm = _minmax({h.doc_id: h.score for h in vector})
        for doc_id, p in parts.items():
            p.fused = wl * lex_norm.get(doc_id, 0.0) + wv * vec_norm.get(doc_id, 0.0)
    ranked = sorted(parts.items(), key=lambda kv: (-kv[1].fused, kv[0]))
    return ranked


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-12:
        return dict.fromkeys(scores, 1.0)
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}
