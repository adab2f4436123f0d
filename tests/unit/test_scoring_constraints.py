"""Hard constraints (radius, contract) are never violated by ranked results, even with a leaky retriever."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from domain.filters import haversine_km, matches
from domain.search import GeoFilter, ScoreParts, SearchFilters, SearchQuery
from referentials.geo import default_gazetteer
from referentials.occupation.classifier import OccupationGuess
from referentials.taxonomy import default_rome, default_skill_taxonomy
from retrieval.hybrid.searcher import RankedDoc
from retrieval.query.understanding import QueryInterpreter
from scoring.scorer import MatchScorer
from services.no_match import describe_no_match
from services.occupation_reading import NO_OCCUPATION, Occupation
from services.offer_search import OfferSearchService
from services.ranking import OfferRanker
from store.models import OfferRow
from tests.unit.scoring_support import SmallEngine

LYON = GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=30)
PARIS = GeoFilter(label="Paris", lat=48.8566, lon=2.3522, radius_km=20)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallEngine]:
    eng = SmallEngine(tmp_path_factory.mktemp("constraints"))
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def scorer(engine: SmallEngine) -> MatchScorer:
    return MatchScorer(
        taxonomy=default_skill_taxonomy(),
        rome=default_rome(),
        embedder=engine.embedder,
        stored_vectors=engine.offers,
    )


class LeakyLexical:
    """A broken lexical backend that ignores the filters (the occupation retriever reads it)."""

    def __init__(self, doc_ids: list[int]) -> None:
        self.doc_ids = doc_ids

    def search(self, text: str, filters: SearchFilters, limit: int) -> list[RankedDoc]:
        return [RankedDoc(i, ScoreParts()) for i in self.doc_ids][:limit]


class LeakySearcher:
    """A broken hybrid retriever that ignores the filters: returns every offer, best first by doc id."""

    def __init__(self, engine: SmallEngine) -> None:
        self.doc_ids = [r.id for r in engine.rows]
        self.lexical = LeakyLexical(self.doc_ids)

    def search(self, query: SearchQuery, *, exclude: Sequence[int] = ()) -> list[RankedDoc]:
        return [RankedDoc(i, ScoreParts()) for i in self.doc_ids if i not in exclude][: query.top_k]


def offer_search(
    engine: SmallEngine, scorer: MatchScorer, searcher: object | None = None
) -> OfferSearchService:
    """The product's ranked offer search over the small engine (``searcher`` replaces its retriever)."""
    return OfferSearchService(
        searcher=searcher or engine.searcher,  # type: ignore[arg-type]
        repository=engine.offers,
        interpreter=QueryInterpreter(default_gazetteer()),
        ranker=OfferRanker(scorer=scorer, taxonomy=default_skill_taxonomy(), rome=default_rome()),
    )


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(geo=LYON),
        SearchFilters(geo=PARIS, contracts=["CDI"]),
        SearchFilters(contracts=["MIS", "CDD"]),
        SearchFilters(exclude_contracts=["CDI"]),
    ],
    ids=["lyon-30km", "paris-20km-cdi", "mis-or-cdd", "no-cdi"],
)
def test_ranked_results_satisfy_the_filters(
    engine: SmallEngine, scorer: MatchScorer, filters: SearchFilters
) -> None:
    found = offer_search(engine, scorer).search("développeur", filters, top_k=50, interpret=False)
    assert found.results, "the filters leave nothing to test"
    docs = {d.doc_id: d for d in engine.docs}
    for r in found.results:
        assert matches(docs[r.doc_id], filters)
        if filters.geo is not None:
            assert r.distance_km is not None and r.distance_km <= filters.geo.radius_km


def test_a_leaky_retriever_still_cannot_break_the_constraints(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    filters = SearchFilters(geo=LYON, contracts=["CDI"])
    found = offer_search(engine, scorer, LeakySearcher(engine)).search(
        "développeur", filters, top_k=200, interpret=False
    )
    allowed = {d.doc_id for d in engine.docs if matches(d, filters)}
    returned = {r.doc_id for r in found.results}
    assert returned and returned <= allowed
    violating = {r.id for r in engine.rows[:200]} - allowed
    assert violating, "the leaky list must contain offers outside the filters"
    assert not returned & violating


def _salary_top(row: OfferRow) -> float | None:
    return row.salary_max_monthly or row.salary_min_monthly


def test_a_salary_floor_is_a_hard_filter_of_the_search(engine: SmallEngine, scorer: MatchScorer) -> None:
    floor = 3000.0
    rows = {r.id: r for r in engine.rows}
    found = offer_search(engine, scorer).search(
        "administrateur système", SearchFilters(salary_min_monthly=floor), top_k=50, interpret=False
    )
    assert found.results, "the floor leaves nothing to test"
    assert any((_salary_top(r) or 0.0) < floor for r in engine.rows if r.rome_code == "M1801")
    for r in found.results:
        top = _salary_top(rows[r.doc_id])
        assert top is not None and top >= floor
    assert found.filters.salary_min_monthly == floor


def test_the_nearest_offers_keep_the_salary_floor(engine: SmallEngine, scorer: MatchScorer) -> None:
    """No paid-enough offer of the occupation near the place: the nearest ones that are, found in rings."""
    floor = 1800.0
    service = offer_search(engine, scorer)
    assert service.ranker is not None
    codes = set(service.ranker.occupation("agent d'entretien du domaine public").codes)
    assert "K2307" in codes
    own = [
        r for r in engine.rows if r.rome_code in codes and r.latitude is not None and r.longitude is not None
    ]
    paid = [r for r in own if (_salary_top(r) or 0.0) >= floor]
    # The place: an offer of the occupation stating no salary, with no paid-enough one within 5 km.
    centre = next(
        r
        for r in own
        if _salary_top(r) is None
        and all(haversine_km(r.latitude, r.longitude, p.latitude, p.longitude) > 5 for p in paid)  # type: ignore[arg-type]
    )
    place = GeoFilter(label="ici", lat=centre.latitude, lon=centre.longitude, radius_km=5)  # type: ignore[arg-type]
    found = service.search(
        "agent d'entretien du domaine public",
        SearchFilters(geo=place, salary_min_monthly=floor),
        top_k=10,
        interpret=False,
    )
    assert not [r for r in found.results if r.grade == "same_code"]
    assert found.no_match is not None and found.no_match.relaxed == ["place"]
    shown = found.no_match.alternatives
    assert shown and all((s.salary_monthly[1] or s.salary_monthly[0] or 0.0) >= floor for s in shown)
    distances = [s.distance_km for s in shown]
    assert distances == sorted(d for d in distances if d is not None)
    nearest = min(paid, key=lambda p: haversine_km(place.lat, place.lon, p.latitude, p.longitude))  # type: ignore[arg-type]
    assert shown[0].doc_id == nearest.id


def test_an_offer_carrying_the_asked_title_under_another_code_is_a_match(scorer: MatchScorer) -> None:
    from services.occupation_reading import Occupation
    from tests.graph.fakes import offer_row

    ranker = OfferRanker(scorer=scorer, taxonomy=default_skill_taxonomy(), rome=default_rome())
    read = Occupation(codes=("I1304",), label="Technicien de maintenance", confidence=0.85, families=("I13",))
    rows = [
        offer_row("3000001", "Technicien SAV itinérant (H/F)", rome_code="I1304"),
        offer_row("3000002", "Technicien SAV itinérant (H/F)", rome_code="I1402"),  # filed by its adviser
        offer_row("3000003", "Technicien SAV (H/F)", rome_code="I1402"),  # not the asked title
        offer_row("3000004", "Vendeur itinérant technicien SAV", rome_code="D1402"),  # holds every word
        offer_row("3000005", "Comptable", rome_code="M1203"),
    ]
    ranking = ranker.rank("Technicien SAV itinérant", SearchFilters(), rows, occupation=read)
    grades = {r.row.external_id: r.grade for r in ranking.matches}
    assert grades == {"3000001": "same_code", "3000002": "same_title", "3000004": "same_title"}
    shown = next(r for r in ranking.matches if r.row.external_id == "3000002")
    assert shown.reasons[0] == "même intitulé" and shown.score >= 60

    one_word = Occupation(codes=("H2913",), label="Soudeur", confidence=0.9, families=("H29",))
    rows = [
        offer_row("3000011", "Soudeur (H/F)", rome_code="H3201"),
        offer_row("3000012", "Soudeur chaussures", rome_code="H3201"),  # a one-word request: whole title only
    ]
    ranking = ranker.rank("soudeur", SearchFilters(), rows, occupation=one_word)
    assert [(r.row.external_id, r.grade) for r in ranking.matches] == [("3000011", "same_title")]

    # Filed under a code of the same family (H2915 beside H2913): still the asked title, not « métier proche ».
    rows = [
        offer_row("3000021", "Soudeur (H/F)", rome_code="H2915"),
        offer_row("3000022", "Chaudronnier (H/F)", rome_code="H2902"),
    ]
    ranking = ranker.rank("soudeur", SearchFilters(), rows, occupation=one_word)
    grades = {r.row.external_id: r.grade for r in ranking.matches}
    assert grades == {"3000021": "same_title", "3000022": "same_family"}


def test_the_shown_score_is_the_sum_of_its_points_in_words(engine: SmallEngine, scorer: MatchScorer) -> None:
    """What « Pourquoi ? » charts adds up to the number on the card, each part named as the card names it."""
    found = offer_search(engine, scorer).search(
        "administrateur système", SearchFilters(geo=LYON, contracts=["CDI"]), top_k=10, interpret=False
    )
    ranked = [r for r in found.results if r.match is not None]
    assert ranked
    for r in ranked:
        assert abs(sum(points for _label, points in r.breakdown) - (r.match or 0)) <= 1, r.breakdown
        labels = [label for label, _points in r.breakdown]
        assert labels[-1] == "avis du modèle calibré"
        assert set(r.reasons) <= set(labels), (r.reasons, labels)


def test_the_nearest_offers_to_an_area_come_nearest_first(engine: SmallEngine, scorer: MatchScorer) -> None:
    """Nothing of the occupation in the asked départements: the alternatives are ordered by how far they are
    from the closest of the area's centres (they were in the index's order), and the answer names the area."""
    gazetteer = default_gazetteer()

    def centre(code: str) -> tuple[float, float] | None:
        place = gazetteer.resolve(code)
        return (place.lat, place.lon)

    service = offer_search(engine, scorer)
    service.department_centre = centre
    assert service.ranker is not None
    text = "agent d'entretien du domaine public"
    codes = set(service.ranker.occupation(text).codes)
    own = {r.department for r in engine.rows if r.rome_code in codes and r.department}
    area = next(d for d in ("29", "56", "22", "2A", "48", "15") if d not in own)
    found = service.search(text, SearchFilters(departments=[area]), top_k=10, interpret=False)
    assert found.no_match is not None and found.no_match.relaxed == ["place"]
    shown = found.no_match.alternatives
    assert len(shown) >= 2
    lat, lon = gazetteer.resolve(area).lat, gazetteer.resolve(area).lon
    rows = {r.id: r for r in engine.rows}
    far = [haversine_km(lat, lon, rows[s.doc_id].latitude, rows[s.doc_id].longitude) for s in shown]  # type: ignore[arg-type]
    assert far == sorted(far)
    assert f"dans le département {area}" in describe_no_match(found.no_match, found.filters)


def _placed_offers_of_one_occupation(
    engine: SmallEngine, scorer: MatchScorer
) -> tuple[OfferSearchService, str, list[OfferRow]]:
    """The ranked search, a request naming one occupation, and its offers that have coordinates."""
    service = offer_search(engine, scorer)
    assert service.ranker is not None
    text = "agent d'entretien du domaine public"
    codes = set(service.ranker.occupation(text).codes)
    own = [
        r for r in engine.rows if r.rome_code in codes and r.latitude is not None and r.longitude is not None
    ]
    return service, text, own


def test_excluded_offers_are_searched_as_if_they_were_not_there(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    """The one offer of the occupation within the radius, excluded: "nothing matches" and the nearest others,
    never it (the evaluation's source offer; offers already seen)."""
    service, text, own = _placed_offers_of_one_occupation(engine, scorer)
    alone = next(
        r
        for r in own
        if all(
            haversine_km(r.latitude, r.longitude, o.latitude, o.longitude) > 5  # type: ignore[arg-type]
            for o in own
            if o.id != r.id
        )
    )
    place = GeoFilter(label="ici", lat=alone.latitude, lon=alone.longitude, radius_km=5)  # type: ignore[arg-type]
    found = service.search(text, SearchFilters(geo=place), top_k=10, interpret=False)
    assert [r.doc_id for r in found.results if r.grade == "same_code"] == [alone.id]
    assert found.no_match is None
    without = service.search(text, SearchFilters(geo=place), top_k=10, interpret=False, exclude=[alone.id])
    assert alone.id not in {r.doc_id for r in without.results}
    assert without.no_match is not None and without.no_match.alternatives
    assert alone.id not in {r.doc_id for r in without.no_match.alternatives}


def test_remote_work_and_experience_give_way_before_the_place(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    """No remote offer of the occupation at the place: the ones there, on site, are the nearest (not remote
    ones far away), and the answer says what was asked."""
    service, text, own = _placed_offers_of_one_occupation(engine, scorer)
    assert not any(r.remote for r in own), "the sample has a remote one: pick another occupation"
    here = own[0]
    place = GeoFilter(label="ici", lat=here.latitude, lon=here.longitude, radius_km=5)  # type: ignore[arg-type]
    found = service.search(
        text, SearchFilters(geo=place, remote=True, experience_min_months=600), top_k=10, interpret=False
    )
    assert not [r for r in found.results if r.grade == "same_code"]
    assert found.no_match is not None and found.no_match.relaxed == ["remote", "experience"]
    shown = found.no_match.alternatives
    assert shown and all(s.distance_km is not None and s.distance_km <= 5 for s in shown)
    said = describe_no_match(found.no_match, found.filters)
    assert " en télétravail demandant au moins 50 an(s) d'expérience à moins de 5 km de ici" in said, said


class NearGuesses:
    """An occupation classifier whose guesses for any text are fixed (``OfferRanker.related`` reads them)."""

    def __init__(self, guesses: list[tuple[str, float]]) -> None:
        self.guesses = [OccupationGuess(code, code, code, p, p) for code, p in guesses]

    def classify(self, text: str, k: int = 5) -> list[OccupationGuess]:
        return self.guesses[:k]


def test_nothing_of_the_occupation_anywhere_lists_the_nearest_offers_of_near_ones(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    """An occupation with no offer at all, and nothing of its field at the place: the nearest offers of the
    occupations nearest to it (« développeur Java » at Rennes: the Java developer filed as informaticien at
    Angers), nearest first, read « métier proche », under the "nothing of it" sentence. Never another field's."""
    placed = [r for r in engine.rows if r.rome_code and r.latitude is not None and r.longitude is not None]
    by_family: dict[str, set[str]] = {}
    for r in placed:
        by_family.setdefault(r.rome_code[:3], set()).add(r.rome_code)  # type: ignore[index]
    rome = default_rome()
    held = {r.rome_code for r in engine.rows}
    family, near = next((f, sorted(c)[0]) for f, c in sorted(by_family.items()) if len(c) >= 1)
    asked = next(code for code in rome.codes() if code[:3] == family and code not in held)
    other = next(r.rome_code for r in placed if r.rome_code and r.rome_code[:3] != family)
    of_family = [r for r in placed if r.rome_code[:3] == family]  # type: ignore[index]
    # a place with no offer of the family within 5 km
    spot = next(
        r
        for r in placed
        if all(haversine_km(r.latitude, r.longitude, o.latitude, o.longitude) > 5 for o in of_family)  # type: ignore[arg-type]
    )
    place = GeoFilter(label="ici", lat=spot.latitude, lon=spot.longitude, radius_km=5)  # type: ignore[arg-type]
    service = offer_search(engine, scorer)
    service.ranker = OfferRanker(
        scorer=scorer,
        taxonomy=default_skill_taxonomy(),
        rome=rome,
        occupations=NearGuesses([(asked, 0.8), (other, 0.1), (near, 0.05), (f"{family}99", 0.001)]),
    )
    occupation = Occupation((asked,), asked, 1.0, families=(family,), named=(asked,))
    assert service.ranker.related("x", occupation) == (near,)
    found = service.search("x", SearchFilters(geo=place), top_k=10, interpret=False, occupation=occupation)
    assert found.no_match is not None and not found.no_match.alternatives
    assert found.results, "the near occupation's offers, beyond the place"
    assert {r.rome_code for r in found.results} == {near}
    assert {r.grade for r in found.results} == {"same_family"}
    far = [r.distance_km for r in found.results]
    assert all(d is not None and d > 5 for d in far) and far == sorted(far)  # type: ignore[type-var]
    assert describe_no_match(found.no_match, found.filters).startswith("Aucune offre d")


def test_a_kind_of_job_lists_the_offers_titled_so_unscored_with_the_occupations_among_them(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    """« technicien »: no occupation to grade against, so no number (each offer showed 2-12/100, the first
    one filed as urban cleaning); only offers whose title says it, and the occupations among them to choose
    from, the ones the word names first."""
    titled = [r for r in engine.rows if "technicien" in r.title.lower()]
    assert len(titled) >= 3, "the sample has technicians"
    found = offer_search(engine, scorer).search("technicien", top_k=10, interpret=False)
    assert found.results and found.occupation is None and found.no_match is None
    for r in found.results:
        assert r.match is None and r.grade is None, r
        assert "technici" in r.title.lower(), r.title
    rome = default_rome()
    assert found.narrower
    assert set(found.narrower) <= {rome.label(r.rome_code) for r in titled if r.rome_code}
    says = ["technici" in label.lower() for label in found.narrower]
    assert says == sorted(says, reverse=True)  # the occupations the word names first
    named = offer_search(engine, scorer).search("technicien de maintenance", top_k=10, interpret=False)
    assert not named.narrower and all(r.match is not None for r in named.results)


def test_without_an_occupation_a_short_request_matches_only_titles_saying_its_words(
    engine: SmallEngine, scorer: MatchScorer
) -> None:
    """No occupation read (« animateur à Lyon »: a server administrator and a sales adviser were listed at
    2/100): the scorer decides, and the title must say one of the request's words."""
    ranker = OfferRanker(scorer=scorer, taxonomy=default_skill_taxonomy(), rome=default_rome())
    word = "agent"
    said = [r for r in engine.rows if word in r.title.lower()]
    other = [r for r in engine.rows if word not in r.title.lower()][:40]
    assert said, "the sample has agents"
    ranking = ranker.rank(word, SearchFilters(), [*said, *other], occupation=NO_OCCUPATION)
    assert ranking.matches
    assert all(word in r.row.title.lower() for r in ranking.matches)
    assert any(r.row in other for r in ranking.below_floor)
