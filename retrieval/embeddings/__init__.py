"""Embedding providers behind one protocol; ``create_embedder(spec)`` picks one from settings."""

from retrieval.embeddings.base import EmbeddingProvider
from retrieval.embeddings.factory import create_embedder

__all__ = ["EmbeddingProvider", "create_embedder"]
