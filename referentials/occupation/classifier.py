"""Free-text job title → ranked ROME codes with a confidence, from a compact nearest-title index.

The index (built by ``offline/occupation_build.py``) holds TF-IDF vectors of every ROME label and
appellation (both genders, long and short forms) and of the *training* offer titles, each tagged
with its ROME code. A title is scored against every indexed title at once (one sparse product);
each code takes its best match plus a share of its second best, plus a small frequency prior.
Confidences are a softmax over code scores with a "none of them" option, its temperature and
threshold fitted on offer titles the index was not built from (see ``OccupationIndex.calibration``).
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from referentials.occupation.text import title_features, title_words
from referentials.taxonomy.data import DEFAULT_REFERENTIALS_DIR

INDEX_FILE = "occupation_index.npz"
META_FILE = "occupation_index.json.gz"
CHAR_SIZES = (3, 4)
TOP_DOCS = 400  # nearest titles considered; codes matched only further down cannot reach the top
CANDIDATES = 20  # codes ranked and sharing the confidence mass (with "none of them")


class Relatedness(StrEnum):
    """How close two ROME codes are, closest first."""

    same_code = "same_code"
    same_family = "same_family"  # letter + two digits: "M18"
    same_domain = "same_domain"  # letter: "M"
    unrelated = "unrelated"


def relatedness(code_a: str, code_b: str) -> Relatedness:
    """Grade two ROME codes: same code, same family (first 3 chars), same domain (letter), unrelated.

    Example:
        >>> relatedness("M1805", "M1810"), relatedness("M1805", "M1203")
        (<Relatedness.same_family: 'same_family'>, <Relatedness.same_domain: 'same_domain'>)
    """
    a, b = code_a.strip().upper(), code_b.strip().upper()
    if not a or not b:
        return Relatedness.unrelated
    if a == b:
        return Relatedness.same_code
    if a[:3] == b[:3]:
        return Relatedness.same_family
    if a[0] == b[0]:
        return Relatedness.same_domain
    return Relatedness.unrelated


@dataclass(frozen=True, slots=True)
class OccupationGuess:
    """One candidate occupation for a title."""

    code: str  # ROME code, e.g. "M1805"
    label: str  # the ROME code's label
    appellation: str  # the closest ROME appellation (or the code label when the match was an offer title)
    confidence: float  # estimated probability that ``code`` is right, in [0, 1]
    score: float  # raw similarity score, for debugging and ordering


@dataclass(frozen=True)
class OccupationIndex:
    """The arrays and tables of a built occupation index (what the ``.npz`` + ``.json.gz`` pair holds)."""

    features: dict[str, int]
    idf: npt.NDArray[np.float32]
    indptr: npt.NDArray[np.int64]  # feature → doc postings (CSC layout)
    doc_ids: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    doc_code: npt.NDArray[np.int32]  # index into ``codes``
    doc_label: npt.NDArray[np.int32]  # index into ``labels``
    codes: list[str]
    code_labels: list[str]
    labels: list[str]
    log_prior: npt.NDArray[np.float32]  # per code, ≤ 0
    params: dict[str, float]  # second_weight, prior_weight, temperature, none_score

    def save(self, directory: Path) -> None:
        """Write ``occupation_index.npz`` and ``occupation_index.json.gz`` into ``directory``."""
        np.savez_compressed(
            directory / INDEX_FILE,
            idf=self.idf,
            indptr=self.indptr,
            doc_ids=self.doc_ids,
            weights=self.weights.astype(np.float16),
            doc_code=self.doc_code.astype(np.int16),
            doc_label=self.doc_label,
            log_prior=self.log_prior,
        )
        meta = {
            "features": sorted(self.features, key=self.features.__getitem__),
            "codes": self.codes,
            "code_labels": self.code_labels,
            "labels": self.labels,
            "params": self.params,
        }
        with gzip.open(directory / META_FILE, "wt", encoding="utf-8", compresslevel=9) as fh:
            json.dump(meta, fh, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, directory: Path) -> OccupationIndex:
        """Read the pair written by ``save``."""
        with gzip.open(directory / META_FILE, "rt", encoding="utf-8") as fh:
            meta = json.load(fh)
        with np.load(directory / INDEX_FILE) as arrays:
            return cls(
                features={f: i for i, f in enumerate(meta["features"])},
                idf=arrays["idf"].astype(np.float32),
                indptr=arrays["indptr"].astype(np.int64),
                doc_ids=arrays["doc_ids"].astype(np.int32),
                weights=arrays["weights"].astype(np.float32),
                doc_code=arrays["doc_code"].astype(np.int32),
                doc_label=arrays["doc_label"].astype(np.int32),
                codes=meta["codes"],
                code_labels=meta["code_labels"],
                labels=meta["labels"],
                log_prior=arrays["log_prior"].astype(np.float32),
                params={k: float(v) for k, v in meta["params"].items()},
            )


class OccupationClassifier:
    """Ranks ROME codes for a job title (French or English, noisy offer titles welcome).

    Example:
        >>> guess = default_occupations().classify("Aide-soignante de nuit (H/F) - CDI")[0]
        >>> guess.code, guess.confidence > 0.5
        ('J1501', True)
    """

    def __init__(self, index: OccupationIndex) -> None:
        """Args:
        index: a built index (``OccupationIndex.load`` or the offline builder).
        """
        self._index = index
        self._n_docs = len(index.doc_code)
        self._code_of = {code: i for i, code in enumerate(index.codes)}

    @classmethod
    def from_directory(cls, directory: Path | None = None) -> OccupationClassifier:
        """Load the index shipped in ``data/referentials/rome`` (or ``directory``)."""
        return cls(OccupationIndex.load(directory or DEFAULT_REFERENTIALS_DIR / "rome"))

    @property
    def index(self) -> OccupationIndex:
        """The underlying index."""
        return self._index

    def label(self, code: str) -> str | None:
        """Label of a ROME code known to the index, None otherwise."""
        i = self._code_of.get(code.strip().upper())
        return None if i is None else self._index.code_labels[i]

    def code_scores(self, text: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], list[int]]:
        """Raw scores of the ``CANDIDATES`` best codes: (code indices, scores, best doc per code), best first.

        Empty arrays when no feature of the text is known to the index.
        """
        idx = self._index
        counts = Counter(title_features(title_words(text), CHAR_SIZES))
        known = [(idx.features[f], n) for f, n in counts.items() if f in idx.features]
        if not known:
            return np.empty(0, np.int32), np.empty(0), []
        feats = np.fromiter((f for f, _ in known), np.int64, len(known))
        tf = np.fromiter((1.0 + math.log(n) for _, n in known), np.float64, len(known))
        qw = tf * idx.idf[feats]
        qw /= np.linalg.norm(qw)
        starts, ends = idx.indptr[feats], idx.indptr[feats + 1]
        lengths = ends - starts
        gather = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        sims = np.bincount(
            idx.doc_ids[gather], weights=idx.weights[gather] * np.repeat(qw, lengths), minlength=self._n_docs
        )
        docs = np.flatnonzero(sims > 0)
        if len(docs) > TOP_DOCS:
            docs = docs[np.argpartition(-sims[docs], TOP_DOCS)[:TOP_DOCS]]
        docs = docs[np.argsort(-sims[docs], kind="stable")]
        doc_codes = idx.doc_code[docs]
        _, first = np.unique(doc_codes, return_index=True)
        rest = np.ones(len(docs), bool)
        rest[first] = False
        second = dict(zip(doc_codes[rest][::-1].tolist(), sims[docs[rest]][::-1].tolist(), strict=True))
        best_docs = docs[first]
        code_ids = doc_codes[first]
        scores = (
            sims[best_docs]
            + idx.params["second_weight"] * np.array([second.get(c, 0.0) for c in code_ids.tolist()])
            + idx.params["prior_weight"] * idx.log_prior[code_ids]
        )
        order = np.argsort(-scores, kind="stable")[:CANDIDATES]
        return code_ids[order], scores[order], best_docs[order].tolist()

    def classify(self, text: str, k: int = 5) -> list[OccupationGuess]:
        """The ``k`` likeliest ROME codes for a job title, best first; empty when nothing matches.

        Args:
            text: a query, a CV headline or an offer title, French or English.
            k: how many codes to return.

        Returns:
            Guesses whose ``confidence`` values sum to at most 1 over all codes (the rest is the
            probability that no indexed occupation fits, high for garbage input).
        """
        code_ids, scores, best_docs = self.code_scores(text)
        if not len(scores):
            return []
        idx = self._index
        temperature, none_score = idx.params["temperature"], idx.params["none_score"]
        logits = np.concatenate([scores, [none_score]]) / temperature
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        guesses = []
        for i in range(min(k, len(scores))):
            code = int(code_ids[i])
            guesses.append(
                OccupationGuess(
                    code=idx.codes[code],
                    label=idx.code_labels[code],
                    appellation=idx.labels[idx.doc_label[best_docs[i]]],
                    confidence=round(float(probs[i]), 4),
                    score=round(float(scores[i]), 4),
                )
            )
        return guesses


@lru_cache(maxsize=1)
def default_occupations() -> OccupationClassifier:
    """The process-wide classifier over the shipped index in ``data/referentials/rome``."""
    return OccupationClassifier.from_directory()
