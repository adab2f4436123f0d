"""The two chat profiles (job seeker, recruiter) and their starter questions."""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import Role

CANDIDATE_PROFILE = "Je cherche un emploi"
RECRUITER_PROFILE = "Je recrute"


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


def profiles_for(role: Role) -> list[Profile]:
    """The profiles a user may pick: recruiters both (theirs first), candidates only theirs."""
    return [RECRUITER, CANDIDATE] if role == "recruiter" else [CANDIDATE]


def profile_named(name: str | None) -> Profile:
    return RECRUITER if name == RECRUITER_PROFILE else CANDIDATE
