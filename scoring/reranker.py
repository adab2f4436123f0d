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

from domain.errors import ConfigurationError, MissingExtraError

_PROBE_PAIRS = 4  # first batch under a budget when no timing is known yet


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
        try:
            import torch
            from sentence_transformers import CrossEncoder
        except ImportError as exc:
            raise MissingExtraError(
                f"Le re-classement par cross-encoder (BASSIN_RERANKER_MODEL={model})",
                "transformers",
                exc.name or "sentence_transformers",
            ) from exc

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
        self._ms_per_pair: float | None = None  # ms per pair seen, predicts the next batch

    def score_pairs(
        self, pairs: Sequence[tuple[str, str]], *, budget_ms: float | None = None
    ) -> RerankOutcome:
        """Logits for (seeker text, offer text) pairs, best effort within ``budget_ms``.

        Before each batch the run predicts its cost from the time per pair seen so far (the latest
        batch, or the mean with the earlier ones when those were slower) and stops when the time already spent plus that prediction would pass
        the budget; the pairs not reached get None. With a budget and no timing known yet, the first
        batch is a small probe, so one full batch never blows the budget blind.
        """
        logits: list[float | None] = [None] * len(pairs)
        start = time.perf_counter()
        exhausted = False
        lo = 0
        while lo < len(pairs):
            size = self.batch_size
            if budget_ms is not None and self._ms_per_pair is None:
                size = min(size, _PROBE_PAIRS)
            size = min(size, len(pairs) - lo)
            elapsed = (time.perf_counter() - start) * 1000
            predicted = (self._ms_per_pair or 0.0) * size
            if budget_ms is not None and elapsed + predicted > budget_ms:
                exhausted = True
                break
            t0 = time.perf_counter()
            batch = [(a, b) for a, b in pairs[lo : lo + size]]
            out = self._model.predict(
                batch, batch_size=size, activation_fn=self._identity, show_progress_bar=False
            )
            for i, value in enumerate(out):
                logits[lo + i] = float(value)
            per_pair = (time.perf_counter() - t0) * 1000 / size
            known = self._ms_per_pair
            self._ms_per_pair = per_pair if known is None else max(per_pair, 0.5 * known + 0.5 * per_pair)
            lo += size
        scored = sum(v is not None for v in logits)
        return RerankOutcome(
            logits=logits,
            scored=scored,
            total=len(pairs),
            elapsed_ms=(time.perf_counter() - start) * 1000,
            budget_ms=budget_ms,
            budget_exhausted=exhausted,
        )
