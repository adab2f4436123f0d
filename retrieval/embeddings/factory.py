"""Embedding provider factory: one spec string chooses the model."""

from __future__ import annotations

from domain.errors import ConfigurationError
from referentials.compiled import CompiledCache
from retrieval.embeddings.base import EmbeddingProvider

USE_SPECS = {"use-multilingual", "use-multilingual-v3", "use"}
ST_PREFIX = "sentence-transformers:"


def create_embedder(spec: str, *, cache: CompiledCache | None = None) -> EmbeddingProvider:
    """Build the provider named by ``spec``.

    Args:
        spec: the model, see below.
        cache: where the default model keeps its built form between processes (faster start).

    Examples:
        ``use-multilingual`` (default, offline, 512-d) or
        ``sentence-transformers:/path/to/model`` / ``sentence-transformers:intfloat/multilingual-e5-small``.
    """
    spec = spec.strip()
    if spec in USE_SPECS:
        from retrieval.embeddings.use import UseMultilingualEmbedder

        return UseMultilingualEmbedder(cache=cache)
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        from retrieval.embeddings.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(spec[len(ST_PREFIX) :].strip())
    raise ConfigurationError(
        f"Modèle d'embedding inconnu : {spec!r}. Valeurs possibles : 'use-multilingual' ou "
        "'sentence-transformers:<nom-ou-chemin>'."
    )
