"""What-if: counts under one relaxed constraint, measured on a real lexical index; rank moves with one skill."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.filters import matches
from domain.search import GeoFilter, SearchFilters
from referentials.taxonomy import default_rome, default_skill_taxonomy
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_query
from scoring.whatif import WhatIfAnalyzer, lexical_counter
from tests.unit.scoring_support import SmallEngine, make_offer

PARIS = GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=10)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallEngine]:
    eng = SmallEngine(tmp_path_factory.mktemp("whatif"))
    yield eng
    eng.close()


def brute_count(engine: SmallEngine, filters: SearchFilters) -> int:
    return sum(matches(d, filters) for d in engine.docs)


def test_radius_and_contract_relaxations_are_counted_on_the_index(engine: SmallEngine) -> None:
    filters = SearchFilters(geo=PARIS, contracts=["CDI"])
    analyzer = WhatIfAnalyzer(count=lexical_counter(engine.lexical))
    found = {w.kind + ":" + str(w.change): w for w in analyzer.relax_filters(filters, max_results=10)}
    before = brute_count(engine, filters)
    wider = filters.model_copy(update={"geo": PARIS.model_copy(update={"radius_km": 20.0})})
    radius = next(w for w in found.values() if w.kind == "radius")
    assert (radius.before, radius.after) == (before, brute_count(engine, wider))
    assert radius.message == f"+{radius.delta} offres à 20 km"
    with_mis = filters.model_copy(update={"contracts": ["CDI", "MIS"]})
    expected = brute_count(engine, with_mis) - before
    interim = [w for w in found.values() if w.kind == "contract" and w.change["contracts"] == ["CDI", "MIS"]]
    if expected > 0:
        assert interim and interim[0].message == f"+{expected} si vous acceptez l'intérim"
    else:
        assert not interim
    assert all(w.delta > 0 for w in found.values())


def test_counts_can_be_scoped_to_the_persons_job(engine: SmallEngine) -> None:
    filters = SearchFilters(geo=PARIS.model_copy(update={"radius_km": 5.0}))
    analyzer = WhatIfAnalyzer(count=lexical_counter(engine.lexical))
    scoped = analyzer.relax_filters(filters, rome_codes=["M1801"])
    for w in scoped:
        relaxed = filters.model_copy(update={**w.change, "rome": ["M1801"]})
        assert w.after == brute_count(engine, relaxed)


def test_no_relaxation_is_offered_when_nothing_changes() -> None:
    analyzer = WhatIfAnalyzer(count=lambda f: 7)
    assert analyzer.relax_filters(SearchFilters(geo=PARIS, contracts=["CDI"], remote=True)) == []


def test_adding_a_skill_moves_the_offer_up() -> None:
    tax, rome = default_skill_taxonomy(), default_rome()
    scorer = MatchScorer(taxonomy=tax, rome=rome)
    seeker = seeker_from_query("développeur python django", None, taxonomy=tax, rome=rome)
    extra = [("Java", "java"), ("Rust", "rust"), ("Scala", "scala"), ("Go", "go")]
    others = [  # required skills covered: 1/1, 1/2, 1/2, 1/3, 1/4, 1/5
        make_offer(
            title="Développeur Python",
            description="Python et Django.",
            skills=[("Python", "python", True), *((label, key, True) for label, key in extra[:k])],
        )
        for k in (0, 1, 1, 2, 3, 4)
    ]
    target = make_offer(
        title="Développeur Python",
        description="Python, Django, Docker et Kubernetes en production.",
        skills=[("Docker", "docker", True), ("Kubernetes", "kubernetes", True), ("Python", "python", True)],
    )
    rows = [*others, target]
    analyzer = WhatIfAnalyzer(count=lambda f: 0, scorer=scorer)
    moves = analyzer.skill_ranks(seeker, rows, target.id)
    assert moves, "one missing required skill should move the offer up"
    best = moves[0]
    assert best.kind == "skill" and best.after < best.before
    label = tax.label(str(best.change["skill"]))
    assert best.message == f"votre rang passe de {best.before} à {best.after} avec {label}"
    assert {m.change["skill"] for m in moves} <= {"docker", "kubernetes"}
