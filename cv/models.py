"""What the CV parser produces: a searchable profile and, kept apart, the candidate's personal data.

Offsets of every ``Span`` in ``CandidateProfile`` index ``ParsedCV.text`` (the extracted text with personal
data redacted). Offsets in ``PersonalData`` index the extracted text *before* redaction, which is not kept.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

EducationLevel = Literal["cap_bep", "bac", "bac+2", "bac+3", "bac+4", "bac+5", "doctorat"]
LanguageLevel = Literal["native", "C2", "C1", "B2", "B1", "A2", "A1"]
ContractType = Literal["CDI", "CDD", "interim", "alternance", "freelance", "stage"]
RemoteWish = Literal["full_remote", "hybrid", "on_site"]
SectionKind = Literal[
    "header",
    "summary",
    "experience",
    "education",
    "skills",
    "languages",
    "interests",
    "certifications",
    "projects",
    "awards",
    "personal",
    "references",
    "other",
]

EDUCATION_RANK: dict[str, int] = {
    "cap_bep": 0,
    "bac": 1,
    "bac+2": 2,
    "bac+3": 3,
    "bac+4": 4,
    "bac+5": 5,
    "doctorat": 8,
}


class Span(BaseModel):
    """Where a value was read: ``text[start:end] == surface``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    surface: str


class Section(BaseModel):
    """A part of the CV introduced by a heading (``header`` is what comes before the first heading)."""

    kind: SectionKind
    heading: str
    start: int
    end: int


class Period(BaseModel):
    """A date range; ``end`` is None for an ongoing position (présent, aujourd'hui, current)."""

    start: date
    end: date | None
    months: int = Field(ge=0)
    precision: Literal["month", "year"]
    evidence: Span


class ExperienceEntry(BaseModel):
    """A job title with the period it was held."""

    title: str
    period: Period
    current: bool
    evidence: Span


class SkillEvidence(BaseModel):
    """A skill normalised by the taxonomy, with the first place it was read (skills section first)."""

    key: str
    label: str
    evidence: Span
    mentions: int = Field(ge=1)
    in_skills_section: bool


class LanguageSkill(BaseModel):
    """A spoken language; ``level`` is a CEFR level or ``native`` when the CV states one."""

    language: str
    level: LanguageLevel | None = None
    level_text: str | None = None
    evidence: Span


class EducationEvidence(BaseModel):
    """The highest diploma level the CV mentions."""

    level: EducationLevel
    label: str
    evidence: Span


class CandidateLocation(BaseModel):
    """Where the candidate lives or wants to work; coordinates when the gazetteer knows the place."""

    label: str
    raw: str
    lat: float | None = None
    lon: float | None = None
    department: str | None = None
    postcode: str | None = None
    geocoded: bool = False
    evidence: Span


class ContractWish(BaseModel):
    """A contract type the candidate asks for."""

    contract: ContractType
    evidence: Span


class RemoteEvidence(BaseModel):
    """The remote-work wish the candidate states."""

    wish: RemoteWish
    evidence: Span


class TextEvidence(BaseModel):
    """A free-text field (title, headline, summary) and where it was read."""

    text: str
    evidence: Span


class OccupationCode(BaseModel):
    """A ROME code the CV aims at, the appellation that matched, and how sure the parser is (0–1)."""

    code: str
    label: str
    confidence: float = Field(ge=0, le=1)
    source: str


class CandidateProfile(BaseModel):
    """The searchable profile: no name, email, phone, address or profile URL ever lands here."""

    title: str | None = None
    title_evidence: Span | None = None
    headline: TextEvidence | None = None
    experiences: list[ExperienceEntry] = Field(default_factory=list)
    total_experience_years: float | None = None
    total_experience_evidence: list[Span] = Field(default_factory=list)
    skills: list[SkillEvidence] = Field(default_factory=list)
    languages: list[LanguageSkill] = Field(default_factory=list)
    education_level: EducationLevel | None = None
    education: EducationEvidence | None = None
    location: CandidateLocation | None = None
    contract_wishes: list[ContractWish] = Field(default_factory=list)
    remote_wish: RemoteEvidence | None = None
    summary: TextEvidence | None = None
    sections: list[Section] = Field(default_factory=list)
    target_occupations: list[OccupationCode] = Field(default_factory=list)
    search_text: str = ""

    @property
    def skill_keys(self) -> list[str]:
        return [s.key for s in self.skills]

    @property
    def rome_codes(self) -> list[str]:
        """The target ROME codes, best first."""
        return [o.code for o in self.target_occupations]


class PersonalField(BaseModel):
    """A piece of personal data and where it was read in the unredacted text."""

    value: str
    evidence: Span


class PersonalData(BaseModel):
    """Identity and contact details, kept out of the searchable profile."""

    name: PersonalField | None = None
    emails: list[PersonalField] = Field(default_factory=list)
    phones: list[PersonalField] = Field(default_factory=list)
    address: PersonalField | None = None
    linkedin: PersonalField | None = None
    urls: list[PersonalField] = Field(default_factory=list)
    birth_date: PersonalField | None = None

    @property
    def email(self) -> str | None:
        return self.emails[0].value if self.emails else None

    @property
    def phone(self) -> str | None:
        return self.phones[0].value if self.phones else None


class ParsedCV(BaseModel):
    """Result of ``parse_cv``: profile, personal data, the redacted text the spans index, and warnings."""

    profile: CandidateProfile
    personal: PersonalData
    text: str
    source_format: Literal["pdf", "docx", "txt", "md"]
    pages: int | None = None
    warnings: list[str] = Field(default_factory=list)
