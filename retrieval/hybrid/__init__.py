"""Hybrid retrieval: lexical + vector under the same filters, fused (RRF or weighted)."""

from retrieval.hybrid.fusion import fuse
from retrieval.hybrid.searcher import FusionConfig, HybridSearcher, RankedDoc

__all__ = ["FusionConfig", "HybridSearcher", "RankedDoc", "fuse"]
