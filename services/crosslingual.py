"""English job names → ROME occupations, by the multilingual embedder's nearest French appellations.

The occupation classifier is a French nearest-title index; its English side comes from silver labels
(JobBERT titles → ESCO → ROME) that file "nurse" under aide-soignant and "electrician" under industrial
maintenance. The multilingual embedder (USE, the same one that embeds the offers) puts "electrician" next
to « Electricien / Electricienne du bâtiment » and "nurse" next to « Infirmier / Infirmière ».
``CrossLingualOccupations`` mixes both for a text that is not French: each ROME code's probability is
``EMBEDDING_WEIGHT`` × the share of the nearest appellations that are its own (softmax of the cosines,
temperature ``TEMPERATURE``, summed per code) + the rest × the classifier's confidence. French text is left to the classifier alone.

The appellation vectors ship for the default model (``data/referentials/rome/appellation_vectors.*.npz``,
int8, built by ``python -m offline.appellation_vectors``); another model embeds them on first use.
Measured in ``evals/occupation_en`` (201 hand-labelled English job names, dev / held-out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from domain.text import fold
from referentials.occupation import OccupationGuess
from retrieval.embeddings.base import EmbeddingProvider
from services.occupation_reading import OccupationReader
from services.utterance.text import guess_language

EMBEDDING_WEIGHT = 0.7
"""Share of an English text's reading given to the embedder (chosen on the dev split: 0, .5, .7, .85, 1)."""
TEMPERATURE = 0.05
"""Softmax temperature over the nearest appellations' cosines (0.02 and 0.05 compared on the dev split)."""
NEAREST = 40
"""Nearest appellations looked at."""
VECTORS_FILE = "appellation_vectors.{model}.npz"


@dataclass(frozen=True)
class AppellationVectors:
    """Unit vectors of the ROME appellations (int8 with a per-row scale), their codes and labels."""

    codes: npt.NDArray[np.str_]
    labels: npt.NDArray[np.str_]
    q: npt.NDArray[np.int8]
    scale: npt.NDArray[np.float32]
    model_id: str

    @classmethod
    def build(
        cls, appellations: Sequence[tuple[str, str]], embedder: EmbeddingProvider, model_id: str
    ) -> AppellationVectors:
        """Embed ``appellations`` ((code, label) pairs) and quantise them."""
        vectors = embedder.embed_documents([label for _, label in appellations]).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-9)
        scale = (np.abs(vectors).max(axis=1) / 127.0).clip(min=1e-9).astype(np.float32)
        q = np.round(vectors / scale[:, None]).astype(np.int8)
        return cls(
            codes=np.array([c for c, _ in appellations]),
            labels=np.array([label for _, label in appellations]),
            q=q,
            scale=scale,
            model_id=model_id,
        )

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, codes=self.codes, labels=self.labels, q=self.q, scale=self.scale, model_id=self.model_id
        )

    @classmethod
    def load(cls, path: Path) -> AppellationVectors:
        with np.load(path) as z:
            return cls(
                codes=z["codes"], labels=z["labels"], q=z["q"], scale=z["scale"], model_id=str(z["model_id"])
            )

    def nearest(self, vector: npt.NDArray[np.float32], k: int = NEAREST) -> list[tuple[str, str, float]]:
        """(code, appellation, cosine) of the ``k`` appellations nearest to ``vector``, nearest first."""
        v = vector.astype(np.float32)
        v = v / max(float(np.linalg.norm(v)), 1e-9)
        sims = (self.q @ v) * self.scale
        top = np.argpartition(-sims, min(k, len(sims) - 1))[:k]
        top = top[np.argsort(-sims[top])]
        return [(str(self.codes[i]), str(self.labels[i]), float(sims[i])) for i in top]


def vectors_path(directory: Path, model_id: str) -> Path:
    return directory / VECTORS_FILE.format(model=model_id)


class CrossLingualOccupations:
    """An occupation reader: the classifier, plus the embedder's nearest appellations for English text.

    Args:
        classifier: the French nearest-title classifier (``referentials.occupation``).
        embedder: returns the embedder (called on the first English text only).
        vectors: returns the appellation vectors of that embedder (loaded on the first English text).
        label_of: a ROME code's label (``RomeReferential.label``).
        french_word: whether a folded word is French (a word of a ROME job title, a known skill); a text
            ``guess_language`` cannot place is read as English when one of its words is not.
    """

    def __init__(
        self,
        classifier: OccupationReader,
        embedder: Callable[[], EmbeddingProvider],
        vectors: Callable[[], AppellationVectors],
        label_of: Callable[[str], str | None],
        french_word: Callable[[str], bool] = lambda _: True,
    ) -> None:
        self.classifier = classifier
        self._embedder = embedder
        self._load_vectors = vectors
        self._vectors: AppellationVectors | None = None
        self.label_of = label_of
        self.french_word = french_word

    def is_foreign(self, text: str) -> bool:
        lang = guess_language(text)
        if lang is not None:
            return lang == "en"
        words = [w for w in re.findall(r"[a-z]+", fold(text)) if len(w) >= 5]
        return any(not self.french_word(w) for w in words)

    def classify(self, text: str, k: int = 5) -> list[OccupationGuess]:
        guesses = list(self.classifier.classify(text, k=max(k, 8)))
        if not text.strip() or not self.is_foreign(text):
            return guesses[:k]
        if self._vectors is None:  # read once (13k int8 vectors, ~40 ms from the compressed file)
            self._vectors = self._load_vectors()
        nearest = self._vectors.nearest(self._embedder().embed_query(text))
        cosines = np.array([c for _, _, c in nearest])
        shares = np.exp((cosines - cosines.max()) / TEMPERATURE)
        shares /= shares.sum()
        best: dict[str, tuple[str, float]] = {}  # each code's nearest appellation
        mass: dict[str, float] = {}  # each code's share of the nearest appellations
        for (code, label, cosine), share in zip(nearest, shares, strict=True):
            best.setdefault(code, (label, cosine))
            mass[code] = mass.get(code, 0.0) + float(share)
        by_code = {g.code: g for g in guesses}
        mixed: dict[str, float] = {code: (1 - EMBEDDING_WEIGHT) * g.confidence for code, g in by_code.items()}
        for code, share in mass.items():
            mixed[code] = mixed.get(code, 0.0) + EMBEDDING_WEIGHT * share
        out: list[OccupationGuess] = []
        for code, p in sorted(mixed.items(), key=lambda kv: -kv[1])[:k]:
            known = by_code.get(code)
            appellation = best[code][0] if code in best else (known.appellation if known else code)
            label = known.label if known is not None else (self.label_of(code) or appellation)
            out.append(
                OccupationGuess(
                    code=code,
                    label=label,
                    appellation=appellation,
                    confidence=round(p, 4),
                    score=best[code][1] if code in best else (known.score if known else 0.0),
                )
            )
        return out


class SkillWords(Protocol):
    """``referentials.taxonomy.SkillTaxonomy``."""

    def normalize(self, label: str) -> str | None: ...


def french_word_of(job_words: Collection[str], skills: SkillWords) -> Callable[[str], bool]:
    """A word is French when a ROME job title has it or it names a known skill ("python", "caces")."""
    return lambda word: word in job_words or skills.normalize(word) is not None
