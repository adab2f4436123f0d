"""Pair features: skills with synonyms, ROME proximity, experience, distance, contract, remote, languages."""

from __future__ import annotations

import pytest

from domain.search import GeoFilter, SearchFilters
from referentials.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from scoring.features import compute_features, experience_fit
from scoring.offer_view import read_offer
from scoring.seeker import seeker_from_query
from tests.unit.scoring_support import make_offer


@pytest.fixture(scope="module")
def tax() -> SkillTaxonomy:
    return default_skill_taxonomy()


@pytest.fixture(scope="module")
def rome() -> RomeReferential:
    return default_rome()


def test_required_skill_matches_through_a_synonym(tax: SkillTaxonomy, rome: RomeReferential) -> None:
    offer = make_offer(skills=[("Postgres", "postgresql", True), ("Kubernetes", "kubernetes", False)])
    seeker = seeker_from_query("développeur PostgreSQL", None, taxonomy=tax, rome=rome)
    f = compute_features(seeker, read_offer(offer, tax), None)
    assert f.values["skills_required"] == 1.0
    assert f.values["skills_desired"] == 0.0
    assert [m.key for m in f.matched] == ["postgresql"]
    assert f.missing_required == []


def test_offer_skill_without_key_matches_by_keys_read_in_its_label(
    tax: SkillTaxonomy, rome: RomeReferential
) -> None:
    offer = make_offer(
        skills=[("Maîtrise de Python et Docker", None, True), ("Anglais technique", None, True)]
    )
    seeker = seeker_from_query("développeur docker", None, taxonomy=tax, rome=rome)
    f = compute_features(seeker, read_offer(offer, tax), None)
    assert f.values["skills_required"] == 0.5
    assert {m.key for m in f.matched} == {"docker"}
    assert [s.label for s in f.missing_required] == ["Anglais technique"]


def test_skill_mentioned_only_in_the_description_counts_for_the_seeker(
    tax: SkillTaxonomy, rome: RomeReferential
) -> None:
    offer = make_offer(description="Stack : Python, Django et PostgreSQL. Déploiement sous Docker.")
    seeker = seeker_from_query("python docker java", None, taxonomy=tax, rome=rome)
    f = compute_features(seeker, read_offer(offer, tax), None)
    assert {m.key for m in f.matched} == {"python", "docker"}
    assert f.values["skills_seeker"] == pytest.approx(2 / 3)
    assert f.values["skills_required"] is None  # the offer lists no required skill: unknown, not 0


@pytest.mark.parametrize(
    ("offer_code", "relation"), [("J1501", "same"), ("J1506", "family"), ("M1805", "other")]
)
def test_rome_proximity_same_code_family_other(
    tax: SkillTaxonomy, rome: RomeReferential, offer_code: str, relation: str
) -> None:
    seeker = seeker_from_query("aide-soignante", None, taxonomy=tax, rome=rome)
    f = compute_features(seeker, read_offer(make_offer(rome_code=offer_code), tax), None)
    assert f.rome_relation == relation
    assert (
        f.values["rome"]
        == {"same": pytest.approx(1.0, abs=0.01), "family": pytest.approx(0.5, abs=0.01), "other": 0.0}[
            relation
        ]
    )


def test_experience_fit_beginners_accepted_and_shortfall() -> None:
    assert experience_fit(0, 0) == 1.0  # "débutant accepté"
    assert experience_fit(60, 24) == 1.0
    assert experience_fit(12, 36) == pytest.approx(1 / 3)
    assert experience_fit(None, 24) is None


def test_distance_contract_remote_and_languages(tax: SkillTaxonomy, rome: RomeReferential) -> None:
    filters = SearchFilters(
        geo=GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=30),
        contracts=["CDI"],
        remote=True,
    )
    seeker = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    near = make_offer(lat=45.77, lon=4.88, contract_type="CDI", remote=True)
    far = make_offer(
        lat=48.86,
        lon=2.35,
        contract_type="MIS",
        remote=False,
        languages=["anglais"],
        raw={"langues": [{"libelle": "Anglais", "exigence": "E"}]},
    )
    fn = compute_features(seeker, read_offer(near, tax), None)
    ff = compute_features(seeker, read_offer(far, tax), None)
    assert fn.distance_km is not None and fn.distance_km < 5
    assert ff.distance_km is not None and 380 < ff.distance_km < 400
    assert fn.values["distance"] is not None and fn.values["distance"] > 0.9
    assert ff.values["distance"] == 0.0
    assert (fn.values["contract"], ff.values["contract"]) == (1.0, 0.0)
    assert (fn.values["remote"], ff.values["remote"]) == (1.0, 0.0)
    assert fn.values["languages"] is None  # nothing required beyond French
    assert ff.values["languages"] == 0.0  # English required, not stated by the seeker


def test_seeker_from_query_spells_filters_out_with_spans(tax: SkillTaxonomy, rome: RomeReferential) -> None:
    filters = SearchFilters(
        skills=["docker"],
        geo=GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=30),
        contracts=["CDI", "MIS"],
    )
    s = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    assert s.text.startswith("développeur python\n")
    assert s.skill_keys == {"python", "docker"}
    for skill in s.skills:
        assert skill.span is not None and skill.span.holds_in(s.text)
    assert s.place_span is not None and s.place_span.surface == "Lyon" and s.place_span.holds_in(s.text)
    assert set(s.contract_spans) == {"CDI", "MIS"}
    assert all(span.holds_in(s.text) for span in s.contract_spans.values())
    assert s.rome_codes and s.rome_codes[0][0] == "M1805"
