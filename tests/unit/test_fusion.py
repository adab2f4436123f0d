from __future__ import annotations

import pytest

from retrieval.hybrid.fusion import fuse
from retrieval.lexical.base import LexicalHit
from retrieval.vector.base import VectorHit


def test_rrf_rewards_documents_found_by_both() -> None:
    lex = [LexicalHit(1, 9.0), LexicalHit(2, 5.0), LexicalHit(3, 1.0)]
    vec = [VectorHit(4, 0.9), VectorHit(2, 0.8), VectorHit(3, 0.7)]
    ranked = fuse(lex, vec, method="rrf")
    ids = [doc_id for doc_id, _ in ranked]
    assert ids[0] == 2  # ranks 2 + 2 beat a single rank 1
    parts = dict(ranked)
    assert parts[2].lexical_rank == 2 and parts[2].vector_rank == 2
    assert parts[1].vector_rank is None and parts[4].lexical_rank is None
    assert set(ids) == {1, 2, 3, 4}


def test_weighted_fusion_respects_weight() -> None:
    lex = [LexicalHit(1, 10.0), LexicalHit(2, 0.0)]
    vec = [VectorHit(2, 0.9), VectorHit(1, 0.1)]
    assert fuse(lex, vec, method="weighted", lexical_weight=0.9)[0][0] == 1
    assert fuse(lex, vec, method="weighted", lexical_weight=0.1)[0][0] == 2


def test_weight_out_of_range() -> None:
    with pytest.raises(ValueError, match="lexical_weight"):
        fuse([], [], lexical_weight=1.5)
