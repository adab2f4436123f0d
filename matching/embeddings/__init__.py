"""Embedding providers behind one protocol; ``create_embedder(spec)`` picks one from settings."""

from matching.embeddings.base import EmbeddingProvider
from matching.embeddings.factory import create_embedder

__all__ = ["EmbeddingProvider", "create_embedder"]
