"""Hybrid retrieval: lexical + vector under the same filters, fused (RRF or weighted)."""

from matching.hybrid.fusion import fuse
from matching.hybrid.searcher import FusionConfig, HybridSearcher, RankedDoc

__all__ = ["FusionConfig", "HybridSearcher", "RankedDoc", "fuse"]
