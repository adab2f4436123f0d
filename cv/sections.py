"""Section headings of French and English CVs, and the line helpers the structurers share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cv.models import Section, SectionKind
from domain.text import fold_offsets

_HEADINGS: dict[SectionKind, tuple[str, ...]] = {
    "summary": (
        "profil",
        "profil professionnel",
        "resume",
        "resume professionnel",
        "a propos",
        "a propos de moi",
        "objectif",
        "objectif professionnel",
        "presentation",
        "synthese",
        "en bref",
        "projet professionnel",
        "summary",
        "profile",
        "professional summary",
        "professional profile",
        "career overview",
        "career focus",
        "objective",
        "career objective",
        "executive summary",
        "executive profile",
        "about me",
        "about",
        "qualifications summary",
        "summary of qualifications",
        "personal statement",
        "professional overview",
        "overview",
        "career summary",
        "introduction",
    ),
    "experience": (
        "experience",
        "experiences",
        "experience professionnelle",
        "experiences professionnelles",
        "parcours",
        "parcours professionnel",
        "emplois",
        "historique professionnel",
        "carriere",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "experience highlights",
        "professional history",
        "work and experience",
        "related experience",
        "teaching experience",
        "military experience",
        "internships",
        "stages",
        "experience in",
        "professional background",
    ),
    "education": (
        "formation",
        "formations",
        "diplomes",
        "diplome",
        "etudes",
        "cursus",
        "parcours academique",
        "formation academique",
        "formation et diplomes",
        "diplomes et formations",
        "scolarite",
        "education",
        "education and training",
        "academic background",
        "academic qualifications",
        "educational background",
        "training",
        "education and certifications",
        "academic history",
        "qualifications",
        "degrees",
        "education & training",
    ),
    "skills": (
        "competences",
        "competences techniques",
        "competences cles",
        "competences professionnelles",
        "savoir faire",
        "savoir-faire",
        "outils",
        "outils et technologies",
        "technologies",
        "informatique",
        "competences informatiques",
        "logiciels",
        "stack technique",
        "environnement technique",
        "skills",
        "technical skills",
        "key skills",
        "core competencies",
        "core competences",
        "highlights",
        "skill highlights",
        "areas of expertise",
        "expertise",
        "core qualifications",
        "qualifications highlights",
        "computer skills",
        "it skills",
        "software",
        "tools",
        "summary of skills",
        "skills summary",
        "additional skills",
        "professional skills",
        "technical proficiencies",
        "strengths",
        "key competencies",
        "competencies",
        "abilities",
    ),
    "languages": (
        "langues",
        "langues etrangeres",
        "competences linguistiques",
        "langues parlees",
        "languages",
        "language skills",
        "language",
    ),
    "interests": (
        "centres d'interet",
        "centres d interet",
        "centre d'interet",
        "loisirs",
        "hobbies",
        "interets",
        "activites",
        "activites extra-professionnelles",
        "passions",
        "interests",
        "hobbies and interests",
        "personal interests",
        "activities",
    ),
    "certifications": (
        "certifications",
        "certificats",
        "certification",
        "licenses",
        "licenses and certifications",
        "certifications and licenses",
        "professional certifications",
    ),
    "projects": ("projets", "projets personnels", "realisations", "projects", "personal projects"),
    "awards": (
        "accomplishments",
        "achievements",
        "awards",
        "honors",
        "prix",
        "distinctions",
        "affiliations",
        "professional affiliations",
        "publications",
        "presentations",
        "memberships",
    ),
    "personal": (
        "contact",
        "coordonnees",
        "informations personnelles",
        "etat civil",
        "personal information",
        "personal details",
        "contact information",
        "infos",
    ),
    "references": ("references", "referees"),
    "other": (
        "benevolat",
        "volunteer",
        "volunteer experience",
        "community service",
        "additional information",
    ),
}
_LOOKUP: dict[str, SectionKind] = {name: kind for kind, names in _HEADINGS.items() for name in names}
_DECORATION_RE = re.compile(r"^[\W_]+|[\W_]+$")
_INLINE_RE = re.compile(r"^([^\W\d][\w' &\-/]{1,40}?)\s*:\s*(\S.*)$")


@dataclass(frozen=True)
class Line:
    """One line of the text with its offsets (``text[start:end] == value``)."""

    start: int
    end: int
    value: str


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        lines.append(Line(offset, offset + len(raw), raw))
        offset += len(raw) + 1
    return lines


def heading_kind(line: str) -> SectionKind | None:
    """The section a heading line opens, or None when the line is not a heading on its own.

    Example:
        >>> heading_kind("EXPÉRIENCES PROFESSIONNELLES")
        'experience'
        >>> heading_kind("Compétences :")
        'skills'
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or stripped.endswith((".", ",", ";")):
        return None
    first_letter = next((c for c in stripped if c.isalpha()), "")
    if not first_letter.isupper():
        return None  # the wrapped end of a sentence ("software.") is not a heading
    key = re.sub(r"\s+", " ", _DECORATION_RE.sub("", fold_offsets(stripped)).strip())
    return _LOOKUP.get(key)


def inline_heading_kind(line: str) -> SectionKind | None:
    """Heading written inline before its content: ``Langues : anglais courant, espagnol B1``.

    Inline headings do not open a section (``Environnement technique : ...`` inside a job must not end
    the experience section); extractors look at these lines on their own.
    """
    match = _INLINE_RE.match(line.strip())
    if not match:
        return None
    return _LOOKUP.get(_DECORATION_RE.sub("", fold_offsets(match.group(1))).strip())


def find_sections(text: str) -> list[Section]:
    """Split the text into sections; what precedes the first heading is the ``header`` section."""
    starts: list[tuple[int, SectionKind, str]] = []
    for line in split_lines(text):
        kind = heading_kind(line.value)
        if kind is not None:
            starts.append((line.start, kind, line.value.strip()))
    sections: list[Section] = []
    first = starts[0][0] if starts else len(text)
    if first > 0:
        sections.append(Section(kind="header", heading="", start=0, end=first))
    for index, (start, kind, heading) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        sections.append(Section(kind=kind, heading=heading, start=start, end=end))
    return sections


def inline_ranges(text: str, kind: SectionKind) -> list[tuple[int, int]]:
    """Lines that start with an inline heading of ``kind`` (``Compétences : Python, SQL``)."""
    return [(ln.start, ln.end) for ln in split_lines(text) if inline_heading_kind(ln.value) == kind]


def section_at(sections: list[Section], offset: int) -> SectionKind:
    for section in sections:
        if section.start <= offset < section.end:
            return section.kind
    return "other"
