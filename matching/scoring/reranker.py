"""Optional cross-encoder re-ranking of the top results, in batches, under a latency budget.

A cross-encoder reads the seeker's text and the offer's text together and outputs one logit per pair.
It runs only when a model is configured (``BASSIN_RERANKER_MODEL``, read at the edge), on the top-K
results, batch by batch; when the budget is spent it stops and says how many pairs it scored.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matching.errors import ConfigurationError


@dataclass(frozen=True)
class RerankOutcome:
    """Logits of the pairs scored (None for pairs left unscored) and whether the budget cut the run."""

    logits: list[float | None]
    scored: int
    total: int
    elapsed_ms: float
    budget_ms: float | None
    budget_exhausted: bool

    @property
    def note(self) -> str | None:
        """A user-facing line when the budget stopped re-ranking, else None."""
        if not self.budget_exhausted:
            return None
        return (
            f"budget de latence atteint ({self.budget_ms:g} ms) : {self.scored}/{self.total} résultats "
            "relus par le cross-encoder, les autres gardent leur score sans lui"
        )


class CrossEncoderReranker:
    """A ``sentence_transformers.CrossEncoder`` with one output, run on CPU.

    Args:
        model: a local model directory, or a name already in the local Hugging Face cache (never downloaded).
        batch_size: pairs per forward pass; the budget is checked between batches.
        max_length: tokens per pair (longer texts are truncated).

    Example:
        >>> reranker = CrossEncoderReranker("/models/ce-fr")  # doctest: +SKIP
        >>> reranker.score_pairs([("cariste", "Cariste CACES 3 ...")], budget_ms=200).logits  # doctest: +SKIP
        [2.31]
    """

    def __init__(self, model: str, *, batch_size: int = 16, max_length: int = 256) -> None:
        import torch
        from sentence_transformers import CrossEncoder

        path = Path(model).expanduser()
        try:
            if path.exists():
                self._model = CrossEncoder(str(path), device="cpu", max_length=max_length)
            else:
                self._model = CrossEncoder(model, device="cpu", max_length=max_length, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"Modèle de re-classement introuvable : {model!r}. Donnez le chemin d'un dossier de modèle "
                f"cross-encoder local (BASSIN_RERANKER_MODEL=/chemin). ({exc})"
            ) from exc
        if getattr(self._model, "num_labels", 1) != 1:
            raise ConfigurationError(
                f"Le modèle {model!r} a {self._model.num_labels} sorties ; un cross-encoder de pertinence "
                "n'en a qu'une."
            )
        self.model_id = f"cross-encoder:{model}"
        self.batch_size = batch_size
        self._identity = torch.nn.Identity()

    def score_pairs(
        self, pairs: Sequence[tuple[str, str]], *, budget_ms: float | None = None
    ) -> RerankOutcome:
        """Logits for (seeker text, offer text) pairs, best effort within ``budget_ms``.

        The run stops before a batch that the time already spent, plus the slowest batch so far, would
        push past the budget; the pairs not reached get None.
        """
        logits: list[float | None] = [None] * len(pairs)
        start = time.perf_counter()
        slowest = 0.0
        exhausted = False
        for lo in range(0, len(pairs), self.batch_size):
            elapsed = (time.perf_counter() - start) * 1000
            if budget_ms is not None and elapsed + slowest > budget_ms:
                exhausted = True
                break
            t0 = time.perf_counter()
            batch = [(a, b) for a, b in pairs[lo : lo + self.batch_size]]
            out = self._model.predict(
                batch, batch_size=self.batch_size, activation_fn=self._identity, show_progress_bar=False
            )
            for i, value in enumerate(out):
                logits[lo + i] = float(value)
            slowest = max(slowest, (time.perf_counter() - t0) * 1000)
        scored = sum(v is not None for v in logits)
        return RerankOutcome(
            logits=logits,
            scored=scored,
            total=len(pairs),
            elapsed_ms=(time.perf_counter() - start) * 1000,
            budget_ms=budget_ms,
            budget_exhausted=exhausted,
        )
