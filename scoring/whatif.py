"""What-if: what relaxing ONE constraint would change, measured on the engine, never guessed.

- Filters: the number of offers matching the relaxed filters minus those matching the current ones
  ("+11 offres à 50 km", "+6 si vous acceptez l'intérim"), counted by a filtered browse of the lexical
  index (``lexical_counter``), optionally within the person's ROME codes so that the count is about
  their job, not every job around.
- Skills: the rank of one offer in the person's re-scored list before and after adding one skill to
  the profile ("votre rang passe de 7 à 2 avec Docker").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from domain.search import SearchFilters
from retrieval.lexical.base import LexicalHit
from scoring.scorer import MatchScorer
from scoring.seeker import Seeker
from store.models import OfferRow

WhatIfKind = Literal[
    "radius", "contract", "exclude_contract", "remote", "experience", "skill_filter", "skill"
]
CountFn = Callable[[SearchFilters], int]
RADIUS_STEPS_KM = (10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0)
CONTRACT_CHOICES: dict[str, str] = {
    "MIS": "l'intérim",
    "CDD": "un CDD",
    "CDI": "un CDI",
    "SAI": "un contrat saisonnier",
    "LIB": "le freelance",
    "ALT": "l'alternance",
}
CONTRACT_CHOICES_EN: dict[str, str] = {
    "MIS": "temp work",
    "CDD": "a fixed-term contract (CDD)",
    "CDI": "a permanent contract (CDI)",
    "SAI": "seasonal work",
    "LIB": "freelance work",
    "ALT": "work-study",
}
# Messages of ``relax_filters`` per language: ``{d}`` offers gained, ``{offres}`` the noun, then the change.
_RELAX_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "radius": "+{d} {offres} à {km} km",
        "contract": "+{d} si vous acceptez {contract}",
        "remote": "+{d} {offres} sans exiger le télétravail",
        "experience": "+{d} {offres} en acceptant jusqu'à {years} d'expérience demandée",
        "skill_filter": "+{d} {offres} sans exiger {skill}",
    },
    "en": {
        "radius": "+{d} {offres} within {km} km",
        "contract": "+{d} if you accept {contract}",
        "remote": "+{d} {offres} without requiring remote work",
        "experience": "+{d} {offres} accepting up to {years} of required experience",
        "skill_filter": "+{d} {offres} without requiring {skill}",
    },
}


class Browser(Protocol):
    """A lexical backend: an empty text browses every document passing the filters."""

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[LexicalHit]: ...


def lexical_counter(lexical: Browser, *, limit: int = 10_000) -> CountFn:
    """Count offers passing filters with the lexical backend's empty-text browse (exact up to ``limit``)."""

    def count(filters: SearchFilters) -> int:
        return len(lexical.search("", filters, limit))

    return count


@dataclass(frozen=True)
class WhatIf:
    """One relaxed constraint and what it changes."""

    kind: WhatIfKind
    message: str
    before: int
    after: int
    change: dict[str, object] = field(default_factory=dict)

    @property
    def delta(self) -> int:
        return self.after - self.before


def _plural(n: int, language: str = "fr") -> str:
    if language == "en":
        return "offer" if abs(n) <= 1 else "offers"
    return "offre" if abs(n) <= 1 else "offres"


def _years(years: int, language: str) -> str:
    if language == "en":
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{years} an{'s' if years > 1 else ''}"


class WhatIfAnalyzer:
    """Computes what-ifs from the engine.

    Args:
        count: offers matching filters (``lexical_counter(engine.lexical)``).
        scorer: the match scorer, for skill what-ifs.
    """

    def __init__(self, *, count: CountFn, scorer: MatchScorer | None = None) -> None:
        self.count = count
        self.scorer = scorer

    def relax_filters(
        self,
        filters: SearchFilters,
        *,
        rome_codes: Sequence[str] = (),
        max_results: int = 5,
        language: Literal["fr", "en"] = "fr",
    ) -> list[WhatIf]:
        """Each single relaxation of ``filters`` that brings more offers, most offers first.

        Args:
            filters: the constraints in force.
            rome_codes: count only offers of these ROME codes (the person's job); empty: every offer.
            language: the language of the messages ("+11 offres à 50 km" / "+11 offers within 50 km").
        """
        scope = (
            filters
            if not rome_codes or filters.rome
            else filters.model_copy(update={"rome": list(rome_codes)})
        )
        before = self.count(scope)
        out: list[WhatIf] = []
        messages = _RELAX_MESSAGES[language]
        contracts = CONTRACT_CHOICES_EN if language == "en" else CONTRACT_CHOICES

        def trial(kind: WhatIfKind, update: dict[str, object], message: str, **words: object) -> None:
            """``messages[message]`` may use ``{d}`` (the offers gained) and ``{offres}`` (the noun)."""
            after = self.count(scope.model_copy(update=update))
            if after > before:
                d = after - before
                text = messages[message].format(d=d, offres=_plural(d, language), **words)
                out.append(WhatIf(kind, text, before, after, update))

        if scope.geo is not None:
            radius = scope.geo.radius_km
            wider = next((r for r in RADIUS_STEPS_KM if r > radius), None)
            if wider is not None:
                geo = scope.geo.model_copy(update={"radius_km": wider})
                trial("radius", {"geo": geo}, "radius", km=f"{wider:g}")
        if scope.contracts:
            for code, name in contracts.items():
                if code not in scope.contracts:
                    trial("contract", {"contracts": [*scope.contracts, code]}, "contract", contract=name)
        for code in scope.exclude_contracts:
            rest = [c for c in scope.exclude_contracts if c != code]
            name = contracts.get(code, code)
            trial("exclude_contract", {"exclude_contracts": rest}, "contract", contract=name)
        if scope.remote is True:
            trial("remote", {"remote": None}, "remote")
        if scope.experience_max_months is not None:
            more = scope.experience_max_months + 12
            trial(
                "experience",
                {"experience_max_months": more},
                "experience",
                years=_years(more // 12, language),
            )
        for key in scope.skills:
            rest = [k for k in scope.skills if k != key]
            trial("skill_filter", {"skills": rest}, "skill_filter", skill=key)
        return sorted(out, key=lambda w: -w.delta)[:max_results]

    def skill_ranks(
        self,
        seeker: Seeker,
        offers: Sequence[OfferRow],
        target_doc_id: int,
        *,
        skills: Sequence[str] | None = None,
        max_results: int = 3,
    ) -> list[WhatIf]:
        """How the target offer's rank among ``offers`` moves when the person adds one skill.

        Args:
            seeker: the person.
            offers: the result list to re-rank (e.g. the rows of their last search).
            target_doc_id: the offer whose rank is followed.
            skills: skill keys to try; default the target's required skills the person lacks.
        """
        if self.scorer is None:
            raise ValueError("skill_ranks needs a scorer")
        scorer = self.scorer
        target = next((r for r in offers if r.id == target_doc_id), None)
        if target is None:
            return []

        def rank_of(s: Seeker) -> int | None:
            ranked = scorer.score_offers(s, offers, rerank=False, explain=False).ranked()
            return next(
                (i for i, m in enumerate(ranked, 1) if m.doc_id == target_doc_id and m.score is not None),
                None,
            )

        if skills is None:
            feats = scorer.features(seeker, [target])[0]
            skills = list(dict.fromkeys(k for s in feats.missing_required for k in sorted(s.keys)))
        before = rank_of(seeker)
        if before is None:
            return []
        out: list[WhatIf] = []
        for key in skills:
            if key in seeker.skill_keys:
                continue
            label = _label(scorer, key)
            after = rank_of(seeker.with_skill(key, label))
            if after is not None and after < before:
                out.append(
                    WhatIf(
                        "skill",
                        f"votre rang passe de {before} à {after} avec {label}",
                        before,
                        after,
                        {"skill": key},
                    )
                )
        return sorted(out, key=lambda w: w.after)[:max_results]


def _label(scorer: MatchScorer, key: str) -> str:
    label = getattr(scorer.taxonomy, "label", None)
    if label is None:
        return key
    try:
        return str(label(key))
    except KeyError:
        return key
