"""From a CV's text to a ``CandidateProfile`` and its ``PersonalData``, offline, French and English.

Personal data is found and redacted first; every other field is read from the redacted text, so the
profile (and its spans) can never carry a name, an email or a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from cv.education import extract_education
from cv.experience import employer_like, extract_experience, has_title_word
from cv.languages import extract_languages
from cv.location import PlaceResolver, extract_location
from cv.models import CandidateProfile, ExperienceEntry, PersonalData, Section, Span, TextEvidence
from cv.occupation import OccupationResolver, job_test, target_occupations
from cv.personal import PLACEHOLDERS, find_personal, looks_like_name, personal_data, redact
from cv.sections import find_sections, heading_kind, inline_ranges, split_lines
from cv.skills import SkillExtractor, extract_skills
from cv.wishes import extract_contract_wishes, extract_remote_wish

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_DATEISH_RE = re.compile(r"\b(19|20)\d{2}\b")
_SUMMARY_CHARS = 1200
_TOWN_MIN_POPULATION = 1000
_JOBS_SPLIT_RE = re.compile(r"\s+[-–—|/]\s+|\s*\|\s*")
_SEARCH_TEXT_CHARS = 6000
_TAIL_SPLIT_RE = re.compile(r"\s+[-–—|]\s+|\s*\|\s*|,\s+|\s+\(")
_TAIL_RE = re.compile(
    r"\s*(?:disponible|disponibilit[ée]|dispo\b|mobile|mobilit[ée]|permis|v[ée]hicul[ée]|cdi\b|cdd\b|"
    r"int[ée]rim|temps (?:plein|partiel)|(?:en )?recherche d|à la recherche|open to|available|immédiatement|"
    r"sur le secteur|secteur|région|h/f\b|f/h\b)",
    re.IGNORECASE,
)


@dataclass
class StructuredCV:
    """A profile, the personal data kept apart, and the redacted text the profile's spans index."""

    profile: CandidateProfile
    personal: PersonalData
    text: str
    warnings: list[str] = field(default_factory=list)


_TARGET_RE = re.compile(
    r"(?im)^[^\S\n]*(?:[•\-–][^\S\n]*)?(?:poste recherch[ée]|poste vis[ée]|m[ée]tier vis[ée]|emploi recherch[ée]|"
    r"objectif(?: professionnel)?|projet professionnel|target position|desired position|objective)[^\S\n]*:[^\S\n]*"
    r"([^\n]{3,80})$"
    r"|(?:je recherche|recherche|à la recherche d')[^\S\n]+(?:un|une)[^\S\n]+(?:poste|emploi|contrat|mission)s?"
    r"[^\S\n]+(?:de|d'|en tant que|comme)[^\S\n]*([^\n,.;(]{3,60})"
)


def _target_job(text: str, is_job: Callable[[str], bool] | None) -> TextEvidence | None:
    """``Poste recherché : Aide-soignante``, ``Recherche un poste de cariste``: the job the CV aims at."""
    for match in _TARGET_RE.finditer(text):
        group = 1 if match.group(1) else 2
        raw = match.group(group)
        value = re.split(
            r"\s+(?:en|à|a|sur|dans|pour|avec)\s+(?:CDI|CDD|int[ée]rim|r[ée]gion|Île|ile)|[,;(]", raw
        )[0]
        value = value.strip(" .:-–—")
        if not value or _DATEISH_RE.search(value) or len(value.split()) > 8:
            continue
        if has_title_word(value) or (is_job is not None and is_job(value)):
            start = match.start(group) + raw.find(value)
            return TextEvidence(text=value, evidence=Span(start=start, end=start + len(value), surface=value))
    return None


def _headline(
    text: str,
    sections: list[Section],
    is_job: Callable[[str], bool] | None = None,
    is_place: Callable[[str], bool] | None = None,
) -> TextEvidence | None:
    """The short line under the name that says who the candidate is (``Développeur Python senior``).

    A town, an employer or a date is never a headline: a line that names a job (a title word or a ROME
    appellation) wins, else the first other short line.
    """
    header = next((s for s in sections if s.kind == "header"), None)
    if header is None:
        return None
    fallback: TextEvidence | None = None
    for line in split_lines(text[: header.end]):
        # "[nom] - Ingénieur DevOps": what is left beside a redacted name can be the headline.
        parts = [p.strip(" •|-–—,") for p in _PLACEHOLDER_RE.split(line.value)]
        value = max(parts, key=len)
        if len([p for p in parts if p]) != 1 or heading_kind(value) or _DATEISH_RE.search(value):
            continue
        if len(value.split()) > 10 or value.endswith(".") or "@" in value or re.search(r"\d{5}", value):
            continue
        if sum(c.isalpha() for c in value) < 3:
            continue
        start = line.start + line.value.find(value)
        found = TextEvidence(text=value, evidence=Span(start=start, end=start + len(value), surface=value))
        if has_title_word(value) or (is_job is not None and is_job(value)):
            return found
        if is_place is not None and _place_only(value, is_place):
            continue
        if fallback is None and not looks_like_name(value) and not employer_like(value):
            fallback = found
    return fallback


def _place_only(value: str, is_place: Callable[[str], bool]) -> bool:
    """``Ivry-sur-Seine``, ``Lyon (69)``, ``Grenoble, France``: a line that is only a place."""
    head = re.split(r"[,(/|]", value)[0].strip()
    return bool(head) and is_place(head)


def _town_test(gazetteer: PlaceResolver | None) -> Callable[[str], bool] | None:
    """Whether a word or two name a French town of some size (``Grenoble``, not the hamlet ``Bonnet``)."""
    if gazetteer is None:
        return None

    def is_town(name: str) -> bool:
        place = gazetteer.lookup(name)
        return place is not None and (place.population is None or place.population >= _TOWN_MIN_POPULATION)

    return is_town


def _summary(text: str, sections: list[Section]) -> TextEvidence | None:
    for section in sections:
        if section.kind != "summary":
            continue
        body_start = text.find("\n", section.start, section.end)
        if body_start < 0:
            continue
        body = text[body_start : section.end]
        stripped = body.strip()
        if len(stripped) < 20:
            continue
        start = body_start + body.find(stripped)
        value = stripped[:_SUMMARY_CHARS]
        return TextEvidence(text=value, evidence=Span(start=start, end=start + len(value), surface=value))
    return None


def _title(
    experiences: list[ExperienceEntry],
    headline: TextEvidence | None,
    target: TextEvidence | None,
    is_job: Callable[[str], bool] | None,
) -> tuple[str | None, Span | None]:
    """The job the CV aims at: the stated target job, else a headline that is a ROME job title, else the
    current position's title, else the headline, else the most recent position's title."""
    if target is not None:
        return target.text, target.evidence
    headline = _without_tail(headline) if headline is not None else None
    if headline is not None and is_job is not None:
        # "Cariste - Magasinier": the CV leads with its first job.
        first = _JOBS_SPLIT_RE.split(headline.text)[0].strip()
        if first and first != headline.text and is_job(first):
            start = headline.evidence.start + headline.text.find(first)
            return first, Span(start=start, end=start + len(first), surface=first)
        if is_job(headline.text):
            return headline.text, headline.evidence
    titled = [e for e in experiences if e.title]
    current = [e for e in titled if e.current]
    if current:
        latest = max(current, key=lambda e: e.period.start)
        return latest.title, latest.evidence
    if headline is not None:
        return headline.text, headline.evidence
    if titled:
        latest = max(titled, key=lambda e: (e.period.end or e.period.start, e.period.start))
        return latest.title, latest.evidence
    return None, None


def _without_tail(headline: TextEvidence) -> TextEvidence:
    """A headline without what it says of availability, mobility or contract after the job
    (« Électricienne – disponible immédiatement », « Animatrice périscolaire, mobile sur le secteur de
    Croissy-sur-Seine »): that tail named no occupation, and the whole headline none either."""
    for m in _TAIL_SPLIT_RE.finditer(headline.text):
        head, tail = headline.text[: m.start()].strip(), headline.text[m.end() :]
        if head and _TAIL_RE.match(tail):
            start = headline.evidence.start
            return TextEvidence(text=head, evidence=Span(start=start, end=start + len(head), surface=head))
    return headline


def _search_text(profile: CandidateProfile) -> str:
    """A compact description for lexical search and embeddings, with no personal data."""
    parts: list[str] = []
    if profile.title:
        parts.append(profile.title)
    if profile.headline and profile.headline.text != profile.title:
        parts.append(profile.headline.text)
    if profile.summary:
        parts.append(profile.summary.text)
    titles = list(dict.fromkeys(e.title for e in profile.experiences if e.title))
    if titles:
        parts.append("Expériences : " + " ; ".join(titles))
    if profile.total_experience_years is not None:
        parts.append(f"Expérience totale : {profile.total_experience_years:g} ans")
    if profile.skills:
        parts.append("Compétences : " + ", ".join(s.label for s in profile.skills))
    if profile.education:
        parts.append(f"Formation : {profile.education.label}")
    if profile.languages:
        langs = [
            f"{lang.language} ({lang.level})" if lang.level else lang.language for lang in profile.languages
        ]
        parts.append("Langues : " + ", ".join(langs))
    if profile.location:
        parts.append(f"Localisation : {profile.location.label}")
    if profile.contract_wishes:
        parts.append("Contrat : " + ", ".join(w.contract for w in profile.contract_wishes))
    text = _PLACEHOLDER_RE.sub(" ", "\n".join(parts))
    return re.sub(r"[^\S\n]+", " ", text).strip()[:_SEARCH_TEXT_CHARS]


def structure_cv(
    text: str,
    *,
    taxonomy: SkillExtractor | None = None,
    gazetteer: PlaceResolver | None = None,
    occupations: OccupationResolver | None = None,
    today: date | None = None,
) -> StructuredCV:
    """Read every field of a CV's (normalised) text.

    Args:
        text: the extracted text, as ``extract_text`` returns it.
        taxonomy: the skill taxonomy; without it no skills are read (a warning says so).
        gazetteer: the French gazetteer; without it the location stays raw text.
        occupations: the ROME referential; without it no target ROME codes are read and job titles are
            recognised by their words only.
        today: the date "présent"/"aujourd'hui"/"current" stands for (default: today).

    Returns:
        The profile and personal data; every span indexes ``StructuredCV.text`` (redacted), except
        those of the personal data, which index ``text``.
    """
    today = today or date.today()
    is_place = _town_test(gazetteer)
    is_job = job_test(occupations)
    hits = find_personal(text, is_place=is_place)
    personal = personal_data(text, hits)
    redacted = redact(text, hits)
    sections = find_sections(redacted)
    warnings: list[str] = []
    experiences, years, year_spans = extract_experience(
        redacted, sections, today, is_job=is_job, is_place=is_place
    )
    if taxonomy is not None:
        skills = extract_skills(redacted, sections, inline_ranges(redacted, "skills"), taxonomy)
    else:
        skills = []
        warnings.append("Référentiel de compétences indisponible : compétences non extraites.")
    languages = extract_languages(redacted, sections, inline_ranges(redacted, "languages"))
    education = extract_education(redacted, sections)
    headline = _headline(redacted, sections, is_job, is_place)
    title, title_span = _title(experiences, headline, _target_job(redacted, is_job), is_job)
    profile = CandidateProfile(
        title=title,
        title_evidence=title_span,
        headline=headline,
        experiences=experiences,
        total_experience_years=years,
        total_experience_evidence=year_spans,
        skills=skills,
        languages=languages,
        education_level=education.level if education else None,
        education=education,
        location=extract_location(redacted, sections, gazetteer),
        contract_wishes=extract_contract_wishes(redacted, sections),
        remote_wish=extract_remote_wish(redacted, sections),
        summary=_summary(redacted, sections),
        sections=sections,
        target_occupations=target_occupations(occupations, title, headline, experiences),
    )
    profile.search_text = _search_text(profile)
    if not experiences:
        warnings.append("Aucune expérience datée trouvée : l'expérience totale est inconnue.")
    return StructuredCV(profile=profile, personal=personal, text=redacted, warnings=warnings)
