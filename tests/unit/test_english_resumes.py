"""English résumés against French offers: English job titles in French words, the occupation read from the
whole profile (title, headline, latest positions), and the one "search from a CV" path using it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cv import parse_cv_text
from cv.occupation import occupation_sources
from domain.search import SearchFilters
from referentials.geo import default_gazetteer
from referentials.occupation import OccupationClassifier, default_occupations
from referentials.occupation.english import french_role, french_title, reads_as_english
from referentials.taxonomy import RomeReferential, default_rome, default_skill_taxonomy
from services.occupation_reading import Occupation, read_occupation
from services.offer_search import OfferSearchResponse
from services.profile_search import PROFILE_CONFIDENCE, offers_for_profile, profile_occupation
from services.requests import RequestBuilder

EXECUTIVE_CHEF = """Executive Chef
Summary
Creative chef with fifteen years in busy kitchens, menu design and food cost control.

Experience
Executive Chef 01/2016 to Current
Company Name - City, State
Lead a brigade of 12, design seasonal menus.

Sous Chef 03/2011 to 12/2015
Company Name - City, State
Ran the line, ordered produce, trained cooks.

Line Cook 06/2008 to 02/2011
Company Name - City, State

Skills
Menu planning, food safety, inventory, Excel
"""

SOUS_CHEF_AT_THE_FRONT_DESK = """Sous Chef
Summary
Back to the kitchen after years at a hotel front desk.

Experience
Front Desk Manager 01/2016 to Current
Company Name - City, State

Front Desk Agent 03/2013 to 12/2015
Company Name - City, State

Front Desk Agent 06/2011 to 02/2013
Company Name - City, State
"""

FRENCH_CARISTE = """Paul Durand
Cariste
Lille
paul.durand@example.fr

Expérience
2018 - 2024 : Cariste chez Logistique du Nord

Compétences
CACES 3, Gestion des stocks
"""


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Senior Executive Chef", "chef de cuisine"),
        ("Registered Nurse", "infirmier"),
        ("Attorney", "avocat"),
        ("Staff Accountant II", "comptable"),
        ("Digital Marketing Manager", "responsable marketing"),
        ("Director of Engineering", "directeur ingénierie"),
        ("Information Technology Technician I", "technicien informatique"),
        # a recruiter's plurals ("nursing assistants" read as « soins infirmiers »: nurses, 95/100)
        ("nursing assistants", "aide-soignant"),
        ("Welders", "soudeur"),
        ("secretaries", "secrétaire"),
        ("waitresses", "serveur"),
    ],
)
def test_english_titles_are_rendered_in_french_words(english: str, french: str) -> None:
    assert french_title(english) == french


@pytest.mark.parametrize("title", ["Chef de chantier", "Développeuse Python", "Cariste", "Aide-soignante"])
def test_french_titles_are_left_as_they_are(title: str) -> None:
    assert french_title(title) is None  # "Chef de chantier" is no cook


@pytest.mark.parametrize("title", ["Technician I", "Manager", "Vice President"])
def test_a_role_any_field_has_names_no_occupation_but_still_reads_as_english(title: str) -> None:
    assert french_title(title) is None  # « technicien » alone would read as a street cleaner (K2307)
    assert reads_as_english(title)  # so the title alone is never trusted ("Vice President" → marketing)


def test_a_role_alone_is_named_in_french_as_a_kind_of_job() -> None:
    assert french_role("Engineer") == "ingénieur" and french_role("technicians") == "technicien"
    assert french_role("Technician I") is None and french_role("data engineer") is None
    assert french_role("ingénieur") is None  # French already


@pytest.fixture(scope="module")
def chef() -> object:
    return parse_cv_text(EXECUTIVE_CHEF, gazetteer=None).profile


def test_the_latest_positions_and_their_french_words_are_sources(chef: object) -> None:
    from cv import CandidateProfile

    assert isinstance(chef, CandidateProfile)
    sources = occupation_sources(chef.title, chef.headline, chef.experiences)
    texts = [text for text, _ in sources]
    assert texts[:2] == ["Executive Chef", "chef de cuisine"]
    assert "second de cuisine" in texts and "commis de cuisine" in texts
    weights = dict(sources)
    assert weights["Executive Chef"] > weights["Sous Chef"] > weights["Line Cook"]


def test_an_english_chef_resume_reads_as_a_cook_although_the_classifier_reads_its_title_wrong(
    chef: object,
) -> None:
    from cv import CandidateProfile

    assert isinstance(chef, CandidateProfile)
    classifier = default_occupations()
    # "Executive Chef" alone reads as an executive assistant to the classifier; in its French words,
    # « chef de cuisine », it names a ROME appellation
    assert not classifier.classify(chef.title or "", k=1)[0].code.startswith("G16")
    title_alone = read_occupation(chef.title or "", default_rome(), classifier)
    assert title_alone.families == ("G16",) and title_alone.trusted
    occupation = profile_occupation(chef, classifier)
    assert occupation.families[0] == "G16"  # catering: « cuisinier », « chef de cuisine »
    assert occupation.codes[0].startswith("G16")
    assert not occupation.trusted and occupation.confidence == PROFILE_CONFIDENCE


def test_the_job_the_title_names_stays_whatever_the_positions_around_it() -> None:
    parsed = parse_cv_text(SOUS_CHEF_AT_THE_FRONT_DESK, gazetteer=None).profile
    # as the real PDF résumé evals/fixtures/cvs/chef_10001727.pdf reads: title "SOUS CHEF"
    profile = parsed.model_copy(update={"title": "SOUS CHEF"})
    occupation = profile_occupation(profile, default_occupations())
    assert "G16" in occupation.families  # « second de cuisine », although three front-desk jobs say G17/M16


@dataclass
class _Ranker:
    """The part of ``OfferRanker`` the CV path reads: the classifier, the referential, a text's occupation."""

    occupations: OccupationClassifier = field(default_factory=default_occupations)
    rome: RomeReferential = field(default_factory=default_rome)

    def occupation(self, text: str) -> Occupation:
        return read_occupation(text, default_rome(), self.occupations)


@dataclass
class _RecordingSearch:
    """An offer search with a ranker that records the occupation each search was given."""

    ranker: _Ranker = field(default_factory=_Ranker)
    occupations: list[Occupation | None] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        top_k: int = 10,
        interpret: bool = True,
        occupation_text: str | None = None,
        occupation: Occupation | None = None,
    ) -> OfferSearchResponse:
        self.occupations.append(occupation)
        self.texts.append(occupation_text)
        return OfferSearchResponse(
            query=text, text=text, filters=filters or SearchFilters(), understood=[], results=[]
        )


def builder() -> RequestBuilder:
    return RequestBuilder(default_gazetteer(), default_skill_taxonomy())


def test_the_cv_search_ranks_with_the_profile_occupation_when_the_title_alone_is_unsure(chef: object) -> None:
    from cv import CandidateProfile

    assert isinstance(chef, CandidateProfile)
    search = _RecordingSearch()
    offers_for_profile(search, builder(), chef)  # type: ignore[arg-type]
    given = search.occupations[0]
    assert given is not None and given.families[0] == "G16"


def test_a_french_title_that_names_its_occupation_is_read_alone_as_before() -> None:
    profile = parse_cv_text(FRENCH_CARISTE, gazetteer=default_gazetteer()).profile
    search = _RecordingSearch()
    offers_for_profile(search, builder(), profile)  # type: ignore[arg-type]
    assert search.occupations == [None]  # the search reads "Cariste" itself: exact ROME appellation


@pytest.mark.parametrize("title", ["Cariste confirmé", "Cariste polyvalente", "Cariste qualifié"])
def test_a_title_with_its_seniority_reads_as_its_appellation(title: str) -> None:
    """« Cariste confirmé » is « Cariste », an exact appellation: read alone, surely (it was an unsure
    reading of the whole CV, so a "nothing matches" was never said; « Cariste polyvalente » read none)."""
    profile = parse_cv_text(FRENCH_CARISTE.replace("Cariste\n", f"{title}\n", 1), gazetteer=None).profile
    assert profile.title == title
    search = _RecordingSearch()
    offers_for_profile(search, builder(), profile)  # type: ignore[arg-type]
    assert search.occupations == [None] and search.texts == ["Cariste"]
