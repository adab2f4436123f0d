"""Embedding providers, on real models: USE multilingual (default) and a packaged sentence-transformers model."""

from __future__ import annotations

import numpy as np
import pytest

from domain.errors import ConfigurationError
from retrieval.embeddings import create_embedder

pytestmark = pytest.mark.integration


def _check_normalised(v: np.ndarray, dim: int) -> None:
    assert v.dtype == np.float32 and v.shape[-1] == dim
    assert np.allclose(np.linalg.norm(v, axis=-1), 1.0, atol=1e-4)


def test_use_multilingual_is_offline_512d_and_cross_lingual() -> None:
    emb = create_embedder("use-multilingual")
    assert (emb.model_id, emb.dim) == ("use-multilingual-v3", 512)
    docs = emb.embed_documents(["Développeur Python confirmé", "Aide-soignant de nuit en EHPAD", ""])
    _check_normalised(docs, 512)
    q = emb.embed_query("python software developer")
    _check_normalised(q, 512)
    assert float(docs[0] @ q) > float(docs[1] @ q) + 0.1
    assert emb.embed_documents([]).shape == (0, 512)


def test_sentence_transformers_loads_the_packaged_model_by_path(packaged_st_model: str) -> None:
    emb = create_embedder(f"sentence-transformers:{packaged_st_model}")
    assert emb.dim == 384 and emb.model_id.endswith(packaged_st_model)
    docs = emb.embed_documents(["python developer", "nurse assistant night shift"])
    _check_normalised(docs, 384)
    q = emb.embed_query("software engineer writing python code")
    assert float(docs[0] @ q) > float(docs[1] @ q)


@pytest.mark.parametrize(
    "spec", ["word2vec", "sentence-transformers:", "sentence-transformers:/no/such/model"]
)
def test_unknown_models_are_clear_errors(spec: str) -> None:
    with pytest.raises(ConfigurationError):
        create_embedder(spec)
