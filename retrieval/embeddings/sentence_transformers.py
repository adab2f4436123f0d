"""Any sentence-transformers model, by hub name (cached locally) or by local path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from domain.errors import ConfigurationError, MissingExtraError


class SentenceTransformerEmbedder:
    """A sentence-transformers bi-encoder on CPU, L2-normalised outputs.

    Args:
        name_or_path: a local model directory, or a model name already in the local HF cache
            (no download is attempted: Bassin runs offline).
        batch_size: encoding batch size.
    """

    def __init__(self, name_or_path: str, *, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError(
                f"Le modèle d'embedding 'sentence-transformers:{name_or_path}'",
                "transformers",
                exc.name or "sentence_transformers",
            ) from exc

        self.model_id = f"sentence-transformers:{name_or_path}"
        path = Path(name_or_path).expanduser()
        try:
            if path.exists():
                self._model = SentenceTransformer(str(path), device="cpu")
            else:
                self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"Modèle sentence-transformers introuvable : {name_or_path!r}. Donnez le chemin d'un "
                f"dossier de modèle local (BASSIN_EMBEDDING_MODEL=sentence-transformers:/chemin). ({exc})"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise ConfigurationError(f"Le modèle {name_or_path!r} n'indique pas sa dimension.")
        self.dim = int(dim)
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.ascontiguousarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
