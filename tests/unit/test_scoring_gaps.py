"""« Qu'est-ce qui me manque ? »: gaps drawn only from what the offer states, each re-checked on both texts."""

from __future__ import annotations

from datetime import date

import pytest

from cv import parse_cv_text
from referentials.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from scoring.explain import Claim, Explanation, render, verify_claims
from scoring.gaps import cv_mentions_level, offer_level
from scoring.missing import missing_lines
from scoring.offer_view import offer_text, read_offer
from scoring.scorer import MatchScorer
from scoring.seeker import Seeker, seeker_from_profile, seeker_from_query
from store.models import OfferRow, OfferSkillRow
from tests.unit.scoring_support import CV_TEXT, make_offer

DEGREE_AND_LICENCE = CV_TEXT.replace(
    "Langues\n", "Formation\nMaster Informatique — Université Lyon 1, 2017\n\nPermis B\n\nLangues\n"
)


@pytest.fixture(scope="module")
def tax() -> SkillTaxonomy:
    return default_skill_taxonomy()


@pytest.fixture(scope="module")
def rome() -> RomeReferential:
    return default_rome()


@pytest.fixture(scope="module")
def scorer(tax: SkillTaxonomy, rome: RomeReferential) -> MatchScorer:
    return MatchScorer(taxonomy=tax, rome=rome)


def _seeker(text: str, rome: RomeReferential) -> Seeker:
    parsed = parse_cv_text(text, today=date(2025, 11, 15))
    return seeker_from_profile(parsed.profile, parsed.text, rome=rome)


def _offer(**raw: object) -> OfferRow:
    return make_offer(
        title="Développeur Python H/F",
        description="Vous développez nos API Python. Une connaissance de Kubernetes serait un plus.",
        skills=[("Python", "python", True), ("Kubernetes", "kubernetes", False), ("Git", "git", False)],
        experience_months=24,
        experience_required="2 An(s)",
        raw=dict(raw),
    )


FORMATION = {
    "niveauLibelle": "Bac+5 et plus ou équivalents",
    "domaineLibelle": "Informatique",
    "exigence": "E",
}
PERMIS = {"libelle": "B - Véhicule léger", "exigence": "S"}


def test_gaps_quote_the_offer_and_say_what_the_cv_lacks(scorer: MatchScorer, rome: RomeReferential) -> None:
    seeker = _seeker(CV_TEXT, rome)
    assert seeker.education_level is None  # this CV states no diploma
    offer = _offer(formations=[FORMATION], permis=[PERMIS])
    result = scorer.score(seeker, offer)
    lines = missing_lines(result.explanation)
    assert lines == [
        "Formation exigée « Bac+5 et plus ou équivalents — Informatique » : niveau non trouvé dans le CV",
        "Compétence souhaitée « Kubernetes » : non trouvée dans le CV",
        "Permis souhaité « B - Véhicule léger » : non trouvé dans le CV",
    ]
    text = offer_text(offer)
    gaps = [c for c in result.explanation.claims if c.kind.startswith("missing")]
    assert all(c.offer_span is not None and c.offer_span.holds_in(text) for c in gaps)
    assert not any("Python" in line or "Git" in line for line in lines)  # in the CV: never a gap
    english = missing_lines(result.explanation, "en")
    assert english[0] == (
        "Education required « Bac+5 et plus ou équivalents — Informatique »: no diploma level found in the CV"
    )
    assert english[2] == "Driving licence wished « B - Véhicule léger »: not found in the CV"


def test_no_gap_when_the_cv_shows_the_degree_and_the_licence(
    scorer: MatchScorer, rome: RomeReferential
) -> None:
    seeker = _seeker(DEGREE_AND_LICENCE, rome)
    result = scorer.score(seeker, _offer(formations=[FORMATION], permis=[PERMIS]))
    lines = missing_lines(result.explanation)
    assert lines == ["Compétence souhaitée « Kubernetes » : non trouvée dans le CV"]
    assert seeker.education_level == "bac+5"  # the diploma gap is not even drafted
    # The parser reads no licence, so the gap is drafted, then refused by the re-check on the CV text.
    reasons = {d.claim.kind: d.reason for d in result.explanation.dropped}
    assert reasons == {"missing_licence": "le profil parle d'un permis"}


def test_a_lower_degree_is_quoted_from_the_cv(scorer: MatchScorer, rome: RomeReferential) -> None:
    text = CV_TEXT.replace(
        "Langues\n", "Formation\nBTS Services informatiques aux organisations, 2017\n\nLangues\n"
    )
    seeker = _seeker(text, rome)
    assert seeker.education_level == "bac+2" and seeker.education_span is not None
    lines = missing_lines(scorer.score(seeker, _offer(formations=[FORMATION])).explanation)
    assert lines[0] == (
        f"Formation exigée « Bac+5 et plus ou équivalents — Informatique » : le CV indique "
        f"« {seeker.education_span.surface} »"
    )


def test_an_offer_that_states_nothing_more_yields_no_new_gap(
    scorer: MatchScorer, rome: RomeReferential
) -> None:
    offer = make_offer(skills=[("Python", "python", True)], raw={})
    result = scorer.score(_seeker(CV_TEXT, rome), offer)
    assert missing_lines(result.explanation) == []
    assert read_offer(offer, None).requirements == ()


def test_a_search_is_never_told_it_lacks_a_diploma(
    scorer: MatchScorer, tax: SkillTaxonomy, rome: RomeReferential
) -> None:
    seeker = seeker_from_query("développeur python", None, taxonomy=tax, rome=rome)
    result = scorer.score(seeker, _offer(formations=[FORMATION], permis=[PERMIS]))
    assert not any(c.kind in ("missing_diploma", "missing_licence") for c in result.explanation.claims)


def test_verification_drops_a_forged_or_contradicted_gap(rome: RomeReferential) -> None:
    offer = _offer(formations=[FORMATION], permis=[{"libelle": "B - Véhicule léger", "exigence": "E"}])
    facts = read_offer(offer, None)
    diploma, licence = facts.requirements
    forged = Claim("missing_diploma", "", None, diploma.span, label=diploma.label, required=True, holds=False,
                   numbers={"required_level": 4.0, "seeker_level": -1.0})  # fmt: skip
    licence_claim = Claim("missing_licence", "", None, licence.span, label=licence.label, required=True,
                          holds=False)  # fmt: skip
    claims = [Claim(**{**c.__dict__, "text": render(c)}) for c in (forged, licence_claim)]
    checked = verify_claims(Explanation(claims=claims), "Permis B, véhicule personnel", offer_text(offer))
    assert checked.claims == []
    assert [d.reason for d in checked.dropped] == [
        "niveau de formation illisible dans l'offre ou atteint",
        "le profil parle d'un permis",
    ]


@pytest.mark.parametrize(
    ("label", "level"),
    [("CAP, BEP et équivalents", 2), ("Bac ou équivalent", 3), ("Bac+2 ou équivalents", 4),
     ("Bac+3, Bac+4 ou équivalents", 5), ("Bac+5 et plus ou équivalents — Informatique", 7),
     ("Aucune formation scolaire", 0), ("Diplôme maison", None)],
)  # fmt: skip
def test_offer_levels(label: str, level: int | None) -> None:
    assert offer_level(label) == level


def test_degree_words_in_a_cv() -> None:
    assert cv_mentions_level("Bachelor of Science, Accounting", 5)
    assert not cv_mentions_level("Bachelor of Science, Accounting", 7)
    assert cv_mentions_level("MBA, 2012", 7) and not cv_mentions_level("Sales representative", 3)


def test_a_skill_only_read_in_the_description_is_no_gap(scorer: MatchScorer, rome: RomeReferential) -> None:
    offer = _offer()
    offer.skills.append(
        OfferSkillRow(label="Kubernetes", key="kubernetes", is_required=False, origin="extracted")
    )
    offer.skills = [s for s in offer.skills if not (s.key == "kubernetes" and s.origin != "extracted")]
    result = scorer.score(_seeker(CV_TEXT, rome), offer)
    assert "Kubernetes" in offer_text(offer)  # the description names it...
    assert missing_lines(result.explanation) == []  # ...but the offer does not ask for it
