"""Abstention with its exact reason, and explanations whose every claim is checked against both texts."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from cv import ParsedCV, parse_cv_text
from referentials.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from scoring.explain import Claim, Explanation, render, verify_claims
from scoring.offer_view import offer_text
from scoring.scorer import OFFER_TOO_THIN, SEEKER_TOO_THIN, MatchScorer
from scoring.seeker import Seeker, TextSpan, seeker_from_profile, seeker_from_query
from store.models import OfferRow
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
    from domain.search import GeoFilter, SearchFilters

    filters = SearchFilters(
        contracts=["MIS"], geo=GeoFilter(label="Lyon", lat=45.758, lon=4.835, radius_km=10)
    )
    s = seeker_from_query("développeur python", filters, taxonomy=tax, rome=rome)
    lines = scorer.score(s, offer).explanation.lines()
    assert "Contrat « Contrat à durée indéterminée » différent de votre souhait « MIS »" in lines
    assert any(line.startswith("Distance : 1 km de « Lyon »") for line in lines)


# --- languages ------------------------------------------------------------------------------------
def _claims_of_every_kind(scorer: MatchScorer, seeker: Seeker, offer: OfferRow) -> list[Claim]:
    """The scorer's verified claims plus a verified remote claim (the fixture offer is hybrid)."""
    claims = list(scorer.score(seeker, offer).explanation.claims)
    remote = Claim(
        "remote",
        "",
        TextSpan(0, 11, "télétravail"),
        TextSpan(0, 11, "Télétravail"),
        numbers={"offered": 1.0, "wished": 1.0},
        holds=True,
    )
    remote = dataclasses.replace(remote, text=render(remote))
    assert verify_claims(Explanation(claims=[remote]), "télétravail", "Télétravail").claims == [remote]
    return [*claims, remote]


def test_english_rendering_of_every_claim_kind(scorer: MatchScorer, seeker: Seeker, offer: OfferRow) -> None:
    claims = _claims_of_every_kind(scorer, seeker, offer)
    english = {c.kind: render(c, "en") for c in claims if c.kind != "skill_match"}
    skills = [render(c, "en") for c in claims if c.kind == "skill_match"]
    assert any(
        line.startswith("Required skill « Python »: « Python » in your profile, « ") for line in skills
    )
    assert english == {
        "missing_skill": "Required skill missing from your profile: « Kubernetes »",
        "distance": "Distance: 2 km from « 69003 Lyon » (within your 30 km radius)",
        "experience": "Experience: 7.8 years for « 2 An(s) » (2 years required) — enough",
        "contract": "Contract « Contrat à durée indéterminée » matches your wish « CDI »",
        "remote": "Remote work offered (« Télétravail »), as you wish « télétravail »",
        "language": "Required language « anglais »: you speak it",
    }
    assert Explanation(claims=claims).lines("en") == [render(c, "en") for c in claims]
    assert Explanation(claims=claims).lines() == [c.text for c in claims]


@pytest.mark.parametrize(
    ("claim", "en"),
    [
        (Claim("skill_match", "", TextSpan(0, 3, "Git"), TextSpan(0, 3, "git"), ("git",), "Git"),
         "Requested skill « Git »: « Git » in your profile, « git » in the offer"),
        (Claim("distance", "", TextSpan(0, 5, "Paris"), TextSpan(0, 4, "Lyon"), holds=False,
               numbers={"km": 391.6, "radius_km": 30.0}),
         "Distance: 392 km from « Paris » (beyond your 30 km radius)"),
        (Claim("experience", "", None, TextSpan(0, 17, "Débutant accepté"), holds=True,
               numbers={"seeker_months": 6, "required_months": 0}),
         "Experience: 6 months for « Débutant accepté » (entry level accepted) — enough"),
        (Claim("experience", "", None, TextSpan(0, 7, "5 An(s)"), holds=False,
               numbers={"seeker_months": 12, "required_months": 60}),
         "Experience: 1 year for « 5 An(s) » (5 years required) — not enough"),
        (Claim("contract", "", TextSpan(0, 3, "CDI"), TextSpan(0, 7, "Intérim"), holds=False),
         "Contract « Intérim » differs from your wish « CDI »"),
        (Claim("remote", "", TextSpan(0, 11, "télétravail"), TextSpan(0, 7, "sur site"), holds=False,
               numbers={"offered": 0.0, "wished": 1.0}),
         "Remote work ruled out (« sur site »), unlike your wish « télétravail »"),
        (Claim("language", "", None, TextSpan(0, 8, "allemand"), ("allemand",), "allemand", holds=False),
         "Required language « allemand »: missing from your profile"),
    ],
)  # fmt: skip
def test_english_verdicts_follow_the_claim_fields(claim: Claim, en: str) -> None:
    assert render(claim, "en") == en
    assert render(claim) != en  # French stays the canonical text that verification compares


def test_verification_keeps_comparing_the_french_sentence(
    scorer: MatchScorer, seeker: Seeker, offer: OfferRow
) -> None:
    """A claim whose text is the English sentence is not the verified canonical text: it is dropped."""
    result = scorer.score(seeker, offer)
    claims = list(result.explanation.claims)
    english_text = [dataclasses.replace(c, text=render(c, "en")) for c in claims]
    checked = verify_claims(
        Explanation(claims=english_text), seeker.text, offer_text(offer), taxonomy=tax_of(scorer)
    )
    assert checked.claims == []
    assert {d.reason for d in checked.dropped} == {"le texte affiché ne correspond pas aux faits vérifiés"}
    # A false claim dropped by verification is shown in no language.
    python = next(c for c in claims if c.kind == "skill_match" and c.keys == ("python",))
    forged = dataclasses.replace(python, keys=("java",), label="Java")
    forged = dataclasses.replace(forged, text=render(forged))
    again = verify_claims(
        Explanation(claims=[*claims, forged]), seeker.text, offer_text(offer), taxonomy=tax_of(scorer)
    )
    assert again.claims == claims and not any("Java" in line for line in again.lines("en"))


def tax_of(scorer: MatchScorer) -> SkillTaxonomy:
    assert isinstance(scorer.taxonomy, SkillTaxonomy)
    return scorer.taxonomy
