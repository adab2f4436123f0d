"""Abstention with its exact reason, and explanations whose every claim is checked against both texts."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from ingestion.cv import ParsedCV, parse_cv_text
from matching.scoring.explain import Claim, Explanation, render, verify_claims
from matching.scoring.offer_view import offer_text
from matching.scoring.scorer import OFFER_TOO_THIN, SEEKER_TOO_THIN, MatchScorer
from matching.scoring.seeker import Seeker, TextSpan, seeker_from_profile, seeker_from_query
from matching.store.models import OfferRow
from matching.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from tests.unit.scoring_support import CV_TEXT, make_offer


@pytest.fixture(scope="module")
def tax() -> SkillTaxonomy:
    return default_skill_taxonomy()


@pytest.fixture(scope="module")
def rome() -> RomeReferential:
    return default_rome()


@pytest.fixture(scope="module")
def scorer(tax: SkillTaxonomy, rome: RomeReferential) -> MatchScorer:
    return MatchScorer(taxonomy=tax, rome=rome)


@pytest.fixture(scope="module")
def parsed() -> ParsedCV:
    return parse_cv_text(CV_TEXT, today=date(2025, 11, 15))


@pytest.fixture(scope="module")
def seeker(parsed: ParsedCV, rome: RomeReferential) -> Seeker:
    return seeker_from_profile(parsed.profile, parsed.text, rome=rome)


@pytest.fixture(scope="module")
def offer() -> OfferRow:
    return make_offer(
        title="Développeur Python / Django H/F",
        description=(
            "Au sein de l'équipe produit, vous développez nos API en Python et Django. "
            "Vous maîtrisez PostgreSQL ; une expérience de Kubernetes est indispensable. "
            "Télétravail possible 2 jours par semaine."
        ),
        skills=[("Python", "python", True), ("Kubernetes", "kubernetes", True), ("Git", "git", False)],
        contract_type="CDI",
        contract_label="Contrat à durée indéterminée",
        experience_months=24,
        experience_required="2 An(s)",
        lat=45.7676,
        lon=4.8345,
        location="69 - Lyon 1er Arrondissement",
        remote=True,
        languages=["anglais"],
        raw={"langues": [{"libelle": "Anglais", "exigence": "E"}]},
    )


# --- abstention -----------------------------------------------------------------------------------
def test_abstains_on_a_profile_without_skill_experience_or_title(
    scorer: MatchScorer, offer: OfferRow, tax: SkillTaxonomy, rome: RomeReferential
) -> None:
    empty = seeker_from_query("bonjour", None, taxonomy=tax, rome=rome)
    result = scorer.score(empty, offer)
    assert result.score is None and result.probability is None
    assert result.abstained == (
        "profil insuffisant pour noter cette offre : aucune compétence ni expérience détectée"
    )
    assert result.abstained == SEEKER_TOO_THIN


def test_abstains_on_an_offer_without_description_or_skills(scorer: MatchScorer, seeker: Seeker) -> None:
    bare = make_offer(title="Poste à pourvoir", description="", skills=[])
    result = scorer.score(seeker, bare)
    assert result.score is None
    assert result.abstained == "offre insuffisante pour être notée : ni description ni compétences"
    assert result.abstained == OFFER_TOO_THIN


def test_abstentions_rank_last(scorer: MatchScorer, seeker: Seeker, offer: OfferRow) -> None:
    bare = make_offer(title="Poste à pourvoir", description="", skills=[])
    ranked = scorer.score_offers(seeker, [bare, offer]).ranked()
    assert [r.doc_id for r in ranked] == [offer.id, bare.id]


# --- explanations ---------------------------------------------------------------------------------
def test_every_shown_claim_quotes_both_texts(scorer: MatchScorer, seeker: Seeker, offer: OfferRow) -> None:
    result = scorer.score(seeker, offer)
    text = offer_text(offer)
    kinds = {c.kind for c in result.explanation.claims}
    assert {"skill_match", "missing_skill", "distance", "experience", "contract", "language"} <= kinds
    assert "remote" not in kinds  # "télétravail partiel" (hybrid) is no condition to check
    for claim in result.explanation.claims:
        assert claim.offer_span is not None and claim.offer_span.holds_in(text)
        if claim.seeker_span is not None:
            assert claim.seeker_span.holds_in(seeker.text)
        assert claim.text == render(claim)
    assert result.explanation.dropped == []
    lines = "\n".join(result.explanation.lines())
    assert "Compétence exigée « Python »" in lines
    assert "Compétence exigée absente de votre profil : « Kubernetes »" in lines
    assert "Distance : 2 km de « 69003 Lyon » (dans votre rayon de 30 km)" in lines
    assert "Expérience : 7,8 ans pour « 2 An(s) » (2 ans demandés) — suffisant" in lines
    assert "Contrat « Contrat à durée indéterminée » conforme à votre souhait « CDI »" in lines
    assert "Langue exigée « anglais » : vous la parlez" in lines


def test_injected_false_claims_are_dropped(scorer: MatchScorer, seeker: Seeker, offer: OfferRow) -> None:
    result = scorer.score(seeker, offer)
    text = offer_text(offer)
    true_claims = list(result.explanation.claims)
    docker_offer = TextSpan(text.index("Python"), text.index("Python") + 6, "Python")
    forged_span = Claim(  # the CV never says "Kubernetes" at that place
        "skill_match", "", TextSpan(0, 10, "Kubernetes"), docker_offer, ("kubernetes",), "Kubernetes", True
    )
    forged_span = dataclasses.replace(forged_span, text=render(forged_span))
    cv_python = next(c for c in true_claims if c.kind == "skill_match" and c.keys == ("python",))
    wrong_skill = dataclasses.replace(cv_python, keys=("java",), label="Java")  # quotes exist, skill does not
    wrong_skill = dataclasses.replace(wrong_skill, text=render(wrong_skill))
    distance = next(c for c in true_claims if c.kind == "distance")
    wrong_km = dataclasses.replace(distance, numbers={**distance.numbers, "km": 0.4})
    wrong_km = dataclasses.replace(wrong_km, text=render(wrong_km))
    missing_python = Claim("missing_skill", "", None, docker_offer, ("python",), "Python", True)
    missing_python = dataclasses.replace(missing_python, text=render(missing_python))
    reworded = dataclasses.replace(cv_python, text="Compétence exigée « Python » : 10 ans d'expérience")
    injected = [forged_span, wrong_skill, wrong_km, missing_python, reworded]
    checked = verify_claims(
        Explanation(claims=true_claims + injected), seeker.text, text, taxonomy=scorer.taxonomy
    )
    assert checked.claims == true_claims
    assert [d.claim for d in checked.dropped] == injected
    reasons = [d.reason for d in checked.dropped]
    assert reasons[0] == "citation du profil introuvable à sa position"
    assert reasons[2] == "distance recalculée différente"
    assert reasons[3] == "la compétence figure dans le profil"
    assert reasons[4] == "le texte affiché ne correspond pas aux faits vérifiés"


def test_verification_without_taxonomy_still_checks_spans(seeker: Seeker, offer: OfferRow) -> None:
    text = offer_text(offer)
    bad = Claim("missing_skill", "", None, TextSpan(0, 5, "XXXXX"), ("x",), "X", True)
    bad = dataclasses.replace(bad, text=render(bad))
    assert verify_claims(Explanation(claims=[bad]), seeker.text, text).claims == []


def test_query_seeker_claims_quote_the_spelled_out_filters(
    scorer: MatchScorer, offer: OfferRow, tax: SkillTaxonomy, rome: RomeReferential
) -> None:
    from matching.search_types import GeoFilter, SearchFilters

    filters = SearchFilters(
        contracts=["MIS"], geo=GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=10)
    )
    s = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    lines = scorer.score(s, offer).explanation.lines()
    assert "Contrat « Contrat à durée indéterminée » différent de votre souhait « MIS »" in lines
    assert any(line.startswith("Distance : 1 km de « Lyon »") for line in lines)
