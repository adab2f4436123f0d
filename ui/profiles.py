"""The two chat profiles (job seeker, recruiter) and their starter questions, in the browser's language.

Chainlit asks for the profiles with the browser's language ("fr-FR", "en-US"): an English browser gets
English names, descriptions and starters (whose English requests read as the French ones do: "Forklift
driver, temp work near Lille" is a cariste search). Either name of a profile picks the same role.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import Role

CANDIDATE_PROFILE = "Je cherche un emploi"
RECRUITER_PROFILE = "Je recrute"
CANDIDATE_PROFILE_EN = "I'm looking for a job"
RECRUITER_PROFILE_EN = "I'm hiring"
RECRUITER_NAMES = frozenset({RECRUITER_PROFILE, RECRUITER_PROFILE_EN})


@dataclass(frozen=True)
class Starter:
    label: str
    message: str


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    starters: tuple[Starter, ...]


CANDIDATE = Profile(
    name=CANDIDATE_PROFILE,
    description=(
        "Trouvez des offres qui vous correspondent : décrivez le poste voulu, le lieu, le contrat, "
        "ou déposez votre CV (PDF, DOCX, TXT) avec le trombone."
    ),
    starters=(
        Starter("Développeur Python à Lyon", "Je cherche un poste de développeur python en CDI près de Lyon"),
        Starter("Cariste en intérim", "cariste en intérim près de Lille"),
        Starter("Aide-soignant débutant", "aide-soignant débutant accepté en Bretagne"),
        Starter("Commercial à Paris", "Des offres de commercial à Paris, télétravail possible"),
    ),
)
RECRUITER = Profile(
    name=RECRUITER_PROFILE,
    description=(
        "Trouvez des candidats : compétences, expérience, lieu. Les profils s'affichent sans données "
        "personnelles tant que vous ne les ouvrez pas."
    ),
    starters=(
        Starter("Développeurs Java et SQL", "Trouve des candidats développeurs avec Java et SQL"),
        Starter("Comptables expérimentés", "candidats comptables avec au moins 5 ans d'expérience"),
        Starter("Chefs cuisiniers", "Je recrute un chef cuisinier, quels profils ?"),
        Starter("Offres du marché", "Quelles offres de développeur java en CDI ?"),
    ),
)


CANDIDATE_EN = Profile(
    name=CANDIDATE_PROFILE_EN,
    description=(
        "Find offers that suit you: describe the job you want, the place, the contract, or drop your CV "
        "(PDF, DOCX, TXT) with the paperclip. Offers are French; ask in English or in French."
    ),
    starters=(
        Starter("Python developer in Lyon", "Python developer jobs near Lyon, permanent contract"),
        Starter("Forklift driver, temp work", "Forklift driver, temp work near Lille"),
        Starter("Nursing assistant", "Nursing assistant jobs in Brittany"),
        Starter("Waiter in Nice", "Waiter jobs in Nice"),
    ),
)
RECRUITER_EN = Profile(
    name=RECRUITER_PROFILE_EN,
    description=(
        "Find candidates: skills, experience, place. Profiles show no personal data until you open them."
    ),
    starters=(
        Starter("Java and SQL developers", "Find developers with Java and SQL"),
        Starter("Experienced accountants", "Accountants with at least 5 years of experience"),
        Starter("Chefs", "I'm hiring a chef, which profiles?"),
        Starter("Offers on the market", "Which Java developer offers on permanent contracts?"),
    ),
)


def profiles_for(role: Role, language: str | None = None) -> list[Profile]:
    """The profiles a user may pick, in ``language`` (a browser's, "en-US"; French otherwise): recruiters
    both (theirs first), candidates only theirs."""
    english = (language or "").lower().startswith("en")
    candidate, recruiter = (CANDIDATE_EN, RECRUITER_EN) if english else (CANDIDATE, RECRUITER)
    return [recruiter, candidate] if role == "recruiter" else [candidate]


def profile_named(name: str | None) -> Profile:
    if name == RECRUITER_PROFILE_EN:
        return RECRUITER_EN
    if name == CANDIDATE_PROFILE_EN:
        return CANDIDATE_EN
    return RECRUITER if name == RECRUITER_PROFILE else CANDIDATE
