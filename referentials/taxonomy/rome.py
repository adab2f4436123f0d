"""ROME 4.0 (v460) job codes of France Travail: labels, appellations, and job-title matching."""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from domain.text import fold_offsets
from referentials.compiled import CompiledCache, cached_or_built, compact_pickle, process_cache
from referentials.taxonomy.data import DEFAULT_REFERENTIALS_DIR
from referentials.taxonomy.skill_index import stem
from referentials.taxonomy.text import phrase_words

CODES_FILE = "unix_referentiel_code_rome_v460_utf8.csv.gz"
APPELLATIONS_FILE = "unix_referentiel_appellation_v460_utf8.csv.gz"

_STOPWORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "en",
        "et",
        "a",
        "au",
        "aux",
        "un",
        "une",
        "pour",
        "par",
        "sur",
        "h",
        "f",
        "hf",
        "x",
        "ou",
    ]
)
_ATTACHED_SUFFIX = re.compile(r"(?<=\w)\([^()\s]{1,8}\)")  # "Assistant(e)", "développeur(se)"
_BRACKETS = re.compile(r"\s*\([^()]*\)|\s*-[A-Z]+-")  # " (MJPM)", " -EPSCP-"
_CODE_RE = re.compile(r"^[A-N]\d{4}$")
# Scores: an exact appellation is 1.0; token overlap is capped below it.
_OVERLAP_CAP = 0.95
_RECALL_WEIGHT = 0.65
_MIN_SCORE = 0.3
_FUZZY_TOKEN_CUTOFF = 85


def gendered_forms(label: str) -> list[str]:
    """The masculine and feminine readings of a ROME label.

    Example:
        >>> gendered_forms("Employé / Employée polyvalent / polyvalente de restauration")
        ['Employé polyvalent de restauration', 'Employée polyvalente de restauration']
    """
    parts = [p.split() for p in label.split(" / ")]
    if len(parts) == 1 or any(not p for p in parts):
        return [label]
    masculine = parts[0] + [w for p in parts[1:] for w in p[1:]]
    feminine = parts[0][:-1] + [w for p in parts[1:-1] for w in p[:-1]] + parts[-1]
    return [" ".join(masculine), " ".join(feminine)]


def content_words(text: str) -> list[str]:
    """Folded, stemmed words of a job title without stopwords: "Aide-soignante" → ["aide", "soignante"]."""
    return [stem(w) for w in phrase_words(text) if w not in _STOPWORDS]


@compact_pickle
@dataclass(frozen=True, slots=True)
class _Variant:
    code: str
    label: str  # the appellation as published
    words: frozenset[str]
    penalty: float  # small handicap for rarely used appellations


@dataclass
class _RomeData:
    labels: dict[str, str] = field(default_factory=dict)
    appellations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    variants: list[_Variant] = field(default_factory=list)
    exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    idf: dict[str, float] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    title_words: frozenset[str] = frozenset()
    """Folded words (5 letters or more) of every appellation: "maçon", "soudeur", "caissière"..."""

    def add(self, code: str, label: str, text: str, penalty: float) -> None:
        words = content_words(text)
        if not words:
            return
        key = " ".join(words)
        if any(self.variants[i].code == code for i in self.exact.get(key, [])):
            return
        idx = len(self.variants)
        self.variants.append(_Variant(code, label, frozenset(words), penalty))
        self.exact[key].append(idx)
        for word in set(words):
            self.postings[word].append(idx)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _load(directory: Path) -> _RomeData:
    data = _RomeData()
    for row in _read_csv(directory / CODES_FILE):
        data.labels[row["code_rome"]] = row["libelle_rome"]
        for form in gendered_forms(row["libelle_rome"]):
            data.add(row["code_rome"], row["libelle_rome"], _BRACKETS.sub("", form), 0.0)
    for row in _read_csv(directory / APPELLATIONS_FILE):
        code, long_label = row["code_rome"], row["libelle_appellation_long"]
        data.appellations[code].append(long_label)
        penalty = 0.02 if row["peu_usite"] == "O" else 0.005
        core = len(set(content_words(_BRACKETS.sub("", long_label))))
        for label in (long_label, row["libelle_appellation_court"]):
            for form in gendered_forms(_ATTACHED_SUFFIX.sub("", label)):
                data.add(code, long_label, form, penalty)
                bare = _BRACKETS.sub("", form)
                if len(set(content_words(bare))) > 1 or core <= 1:
                    # « Directeur / Directrice (IFSI) » without its bracket is any director, not this one
                    data.add(code, long_label, bare, penalty)
    total = len(data.variants)
    data.idf = {w: math.log(1 + total / len(ids)) for w, ids in data.postings.items()}
    data.vocabulary = sorted(data.postings)
    data.title_words = frozenset(
        w
        for titles in data.appellations.values()
        for t in titles
        for w in _TITLE_WORD.findall(fold_offsets(t))
    )
    return data


_TITLE_WORD = re.compile(r"[a-z]{5,}")


GENERIC_FAMILIES = 20
"""A job word heading appellations of this many ROME families or more may be generic (``generic``)."""
GENERIC_SHARE = 0.4
"""… when no family holds this share of its appellations ("conseiller": 35 families, 37 % in one)."""


class RomeReferential:
    """ROME 4.0 codes (1,584) and appellations (13,120), read on first use.

    Example:
        >>> rome = RomeReferential()
        >>> rome.find_codes("cariste")[0][0], rome.family("M1805")
        ('N1101', 'M18')
    """

    def __init__(self, directory: Path | None = None, *, cache: CompiledCache | None = None) -> None:
        """Args:
        directory: folder holding the gzipped ROME tables; defaults to ``data/referentials/rome``.
        cache: where the built title index is kept between processes (None: built in memory each time).
        """
        self._directory = directory or DEFAULT_REFERENTIALS_DIR / "rome"
        self._cache = cache

    @cached_property
    def _data(self) -> _RomeData:
        files = [self._directory / CODES_FILE, self._directory / APPELLATIONS_FILE]
        return cached_or_built("rome", lambda: _load(self._directory), files, self._cache)

    def load(self) -> RomeReferential:
        """Read the referential now rather than on first use; returns ``self``."""
        _ = self._data
        return self

    def codes(self) -> list[str]:
        """Every ROME code, sorted."""
        return sorted(self._data.labels)

    def label(self, code: str) -> str | None:
        """Label of a ROME code ("M1805" → "Développeur / Développeuse informatique"), None when unknown."""
        return self._data.labels.get(code.strip().upper())

    @staticmethod
    def family(code: str) -> str:
        """The family of a ROME code, its letter and two first digits: "M1805" → "M18".

        Raises:
            ValueError: ``code`` is not shaped like a ROME code.
        """
        normalised = code.strip().upper()
        if not _CODE_RE.match(normalised):
            raise ValueError(f"Code ROME invalide : {code!r} (attendu : une lettre et 4 chiffres, ex. M1805)")
        return normalised[:3]

    def title_words(self) -> frozenset[str]:
        """Folded words (5 letters or more) of every appellation, built with the referential (cached)."""
        return self._data.title_words

    def appellations(self, code: str) -> list[str]:
        """Published job titles of a ROME code (empty when unknown)."""
        return list(self._data.appellations.get(code.strip().upper(), []))

    @cached_property
    def _masculine_words(self) -> dict[str, str]:
        """Feminine job words of the appellations → their masculine (« conseillère » → « conseiller »), when
        the two share all but their last letters; built on first use."""
        pairs: dict[str, str] = {}
        for appellations in self._data.appellations.values():
            for label in appellations:
                forms = gendered_forms(label)
                if len(forms) != 2:
                    continue
                masculine, feminine = forms[0].lower().split(), forms[1].lower().split()
                if len(masculine) != len(feminine):
                    continue
                for m, f in zip(masculine, feminine, strict=True):
                    if m != f and len(m) >= 4 and f[: len(m) - 3] == m[: len(m) - 3]:
                        pairs.setdefault(f, m)
        return pairs

    def masculine(self, text: str) -> str:
        """``text`` with its feminine job words in the masculine (« Conseillère de vente » → « conseiller de
        vente »): offer titles, which the occupation classifier learnt from, mostly use it."""
        words = text.split()
        return " ".join(self._masculine_words.get(w.lower(), w) for w in words)

    def generic(self, text: str) -> bool:
        """True when ``text`` is one job word heading the appellations of many fields alike: "technicien",
        "ingénieur", "responsable", "opérateur" (at least ``GENERIC_FAMILIES`` ROME families, none holding
        ``GENERIC_SHARE`` of them). Such a word names a kind of job, not an occupation; "électricien" (11
        families, 40 % in one) or "vendeuse" (15, 58 %) still do."""
        words = set(content_words(gendered_forms(text)[0]))
        if len(words) != 1:
            return False
        variants = self._data.postings.get(next(iter(words)), [])
        families = Counter(self._data.variants[i].code[:3] for i in variants)
        return len(families) >= GENERIC_FAMILIES and max(families.values()) < GENERIC_SHARE * len(variants)

    def find_codes(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]:
        """ROME codes for a job title or a short free text, best first.

        An exact appellation (any gender, singular or plural, "(H/F)" and small words ignored) scores
        1.0; otherwise appellations are scored by the rarity-weighted share of their words found in
        the text and of the text's words they cover, with typo tolerance on words (< 1.0).

        Returns:
            ``(code, matched appellation, score)`` tuples, one per code, at most ``limit``.

        Example:
            >>> RomeReferential().find_codes("aide-soignante")[0][:2]
            ('J1501', 'Aide-soignant / Aide-soignante')
        """
        data = self._data
        words = list(dict.fromkeys(content_words(gendered_forms(text)[0])))  # "Serveur / Serveuse"
        if not words:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(code: str, label: str, score: float) -> None:
            if score > best.get(code, (0.0, ""))[0]:
                best[code] = (score, label)

        for idx in data.exact.get(" ".join(words), []):
            variant = data.variants[idx]
            offer(variant.code, variant.label, 1.0 - variant.penalty / 10)
        known = [self._known(w) for w in words]
        query = {w for w in known if w is not None}
        query_weight = sum(data.idf[w] for w in query)
        candidates = {idx for w in query for idx in data.postings[w]}
        for idx in candidates:
            variant = data.variants[idx]
            shared = sum(data.idf[w] for w in variant.words & query)
            recall = shared / sum(data.idf[w] for w in variant.words)
            precision = shared / query_weight
            score = (
                _OVERLAP_CAP * (_RECALL_WEIGHT * recall + (1 - _RECALL_WEIGHT) * precision) - variant.penalty
            )
            if score >= _MIN_SCORE:
                offer(variant.code, variant.label, score)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:limit]
        return [(code, label, round(score, 3)) for code, (score, label) in ranked]

    def _known(self, word: str) -> str | None:
        """``word`` if ROME uses it, else the closest ROME word within a typo, else None."""
        if word in self._data.idf:
            return word
        if len(word) < 5:
            return None
        hit = process.extractOne(
            word, self._data.vocabulary, scorer=fuzz.ratio, score_cutoff=_FUZZY_TOKEN_CUTOFF
        )
        return hit[0] if hit else None


@lru_cache(maxsize=1)
def default_rome() -> RomeReferential:
    """The process-wide ROME referential over the repository's ``data/referentials/rome``."""
    return RomeReferential(cache=process_cache())
