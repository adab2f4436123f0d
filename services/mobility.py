"""Occupations close to another one, by the skills their real offers ask: suggestions for a career change.

The shipped ROME referential has no mobility tables, so closeness is read from the offers themselves: each
ROME code is the profile of the skills its offers ask (share of its offers asking each skill, weighted by how
rare the skill is across occupations), and two occupations are close when these profiles are (cosine).
"I was a saleswoman, I want another job" then gets occupations of *other* families whose offers ask what a
saleswoman already does, with those shared skills named and the number of offers behind each.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from referentials.taxonomy.rome import content_words

MIN_OFFERS = 3
"""Occupations with fewer offers are not suggested (too little evidence, and little to apply to)."""
MIN_SHARED = 2
"""Skills two occupations must share for one to be suggested from the other (one alone is chance)."""
GENERIC_SHARE = 0.08
"""A skill asked by more than this share of occupations ("Permis B", "travail en équipe") is generic: it
weighs little and cannot alone make two occupations close."""
SHARED_SHOWN = 3
_FORMER = re.compile(
    r"\b(?:j'(?:e|é)tais|j'ai (?:e|é)t(?:e|é)|je suis|ancien(?:ne)?|ex-?|i was|i am|i'm|was|former(?:ly)?"
    r"|(?:faire )?(?:autre chose|un autre metier|un autre métier)|faire|(?:to )?do something (?:else|different)"
    r"|something else|and|et|to|un|une|a|an)\b",
    re.IGNORECASE,
)


def former_occupation_text(text: str) -> str:
    """A career-change message's old job without the words around it ("j'étais vendeuse" → "vendeuse")."""
    return re.sub(r"\s+", " ", _FORMER.sub(" ", text)).strip(" ,.;:-")


class OccupationSkillSource(Protocol):
    """``store.OfferRepository``."""

    def occupation_skills(self) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, str]]: ...


@dataclass(frozen=True)
class OccupationSuggestion:
    """An occupation to consider: its ROME code and label, the skills it shares, how many offers it has."""

    code: str
    label: str
    similarity: float
    shared_skills: list[str] = field(default_factory=list)
    offers: int = 0


class OccupationMobility:
    """Close occupations by the skills of their offers (built once, on first use, from the store).

    Args:
        source: offers per ROME code and their skills.
        code_label: a ROME code's label.
        skill_label: a taxonomy skill key's label (else the employer's wording is shown).
    """

    def __init__(
        self,
        source: OccupationSkillSource,
        code_label: Callable[[str], str | None],
        skill_label: Callable[[str], str],
    ) -> None:
        self.source = source
        self.code_label = code_label
        self.skill_label = skill_label
        self._lock = threading.Lock()
        self._profiles: dict[str, dict[str, float]] | None = None
        self._offers: dict[str, int] = {}
        self._generic: frozenset[str] = frozenset()
        self._labels: dict[str, str] = {}

    def _build(self) -> dict[str, dict[str, float]]:
        with self._lock:
            if self._profiles is None:
                offers, skills, self._labels = self.source.occupation_skills()
                asked_by = Counter(key for counts in skills.values() for key in counts)
                n = max(len(skills), 1)
                idf = {key: math.log((1 + n) / (1 + m)) + 1e-3 for key, m in asked_by.items()}
                profiles: dict[str, dict[str, float]] = {}
                for code, counts in skills.items():
                    total = offers.get(code, 0)
                    if not total:
                        continue
                    vec = {k: (n / total) * idf[k] for k, n in counts.items()}
                    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
                    profiles[code] = {k: v / norm for k, v in vec.items()}
                self._generic = frozenset(k for k, m in asked_by.items() if m > GENERIC_SHARE * n)
                self._offers, self._profiles = offers, profiles
            return self._profiles

    def _label(self, key: str) -> str:
        if not key.startswith("rome:"):
            try:
                return self.skill_label(key)
            except KeyError:  # a key of another taxonomy version: the employer's wording
                pass
        return self._labels.get(key, key)

    def suggest(self, codes: Sequence[str], k: int = 5) -> list[OccupationSuggestion]:
        """Up to ``k`` occupations of other families than ``codes``', closest first (none without evidence)."""
        profiles = self._build()
        known = [c for c in codes if c in profiles]
        if not known:
            return []
        source: dict[str, float] = {}
        for code in known:
            for key, v in profiles[code].items():
                source[key] = source.get(key, 0.0) + v / len(known)
        families = {c[:3] for c in codes}
        scored: list[tuple[float, str, list[str]]] = []
        for code, profile in profiles.items():
            if code[:3] in families or self._offers.get(code, 0) < MIN_OFFERS:
                continue
            parts = {key: source[key] * v for key, v in profile.items() if key in source}
            similarity = sum(parts.values())
            if similarity <= 0 or len(parts) < MIN_SHARED or not set(parts) - self._generic:
                continue
            shared = sorted(parts, key=lambda key: -parts[key])[:SHARED_SHOWN]
            scored.append((similarity, code, shared))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [
            OccupationSuggestion(
                code=code,
                label=self.code_label(code) or code,
                similarity=round(similarity, 3),
                shared_skills=[self._label(key) for key in shared],
                offers=self._offers.get(code, 0),
            )
            for similarity, code, shared in scored[:k]
        ]


class OccupationReading(Protocol):
    """``services.occupation_reading.Occupation``."""

    @property
    def codes(self) -> tuple[str, ...]: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class CareerChange:
    """Occupations to consider after ``occupation`` (as read from the user's words; empty: not read)."""

    occupation: str
    codes: tuple[str, ...]
    suggestions: list[OccupationSuggestion]


class CareerChangeAdvisor:
    """From a former job in words to close occupations of other families (``OccupationMobility``)."""

    def __init__(self, mobility: OccupationMobility, read: Callable[[str], OccupationReading]) -> None:
        self.mobility = mobility
        self.read = read

    def suggest(self, former_job: str, k: int = 5) -> CareerChange:
        """Close occupations of other families; none named like the former job ("vendeuse" never gets
        « Vendeur / Vendeuse en épicerie », the same job in another trade)."""
        words = former_occupation_text(former_job)
        reading = self.read(words)
        if not reading.codes:
            return CareerChange("", (), [])
        own = set(content_words(words)) | set(content_words(reading.label)[:1])
        kept = [
            s for s in self.mobility.suggest(reading.codes, 3 * k) if not own & set(content_words(s.label))
        ]
        return CareerChange(reading.label, reading.codes, kept[:k])
