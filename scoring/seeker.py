"""The seeker side of a match: what a person has and wants, read from a CV profile or a search query.

A ``Seeker`` carries its own ``text``: the CV text for a profile, or the query followed by its filters
spelled out for a search. Every span it holds indexes that text, so that an explanation can quote it
and ``verify_claims`` can check it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from domain.search import SearchFilters
from domain.vocabulary import CODES_OF_WISH
from referentials.taxonomy.extraction import SkillMention

if TYPE_CHECKING:  # the CV parser's output model; duck-typed at run time (matching does not import ingestion)
    from cv.models import CandidateProfile

DEFAULT_RADIUS_KM = 30.0


class SkillFinder(Protocol):
    """What the seeker builders need from ``SkillTaxonomy``."""

    def extract(self, text: str) -> list[SkillMention]: ...

    def label(self, key: str) -> str: ...


class RomeFinder(Protocol):
    """What the seeker builders need from ``RomeReferential``."""

    def find_codes(self, text: str, limit: int = 5) -> list[tuple[str, str, float]]: ...


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Where a value was read: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str

    def holds_in(self, text: str) -> bool:
        """True when ``text`` has ``surface`` at this position."""
        return 0 <= self.start <= self.end <= len(text) and text[self.start : self.end] == self.surface


@dataclass(frozen=True, slots=True)
class SeekerSkill:
    """A skill of the seeker: taxonomy key, display label, where it was read (None if not in the text)."""

    key: str
    label: str
    span: TextSpan | None


@dataclass
class Seeker:
    """What the person has and wants; every span indexes ``text``.

    Attributes:
        kind: ``profile`` (built from a parsed CV) or ``query`` (a search text plus filters).
        text: the CV text, or the query followed by its filters spelled out.
        title: the job title looked for or held; ``rome_codes`` are its ROME codes with match scores.
        skills: skills with evidence; ``experience_months`` the experience, ``experience_spans`` its evidence.
        lat, lon, radius_km: where the person wants to work and how far they accept to go.
        contracts: France Travail contract codes wished (empty: no preference).
        remote: True when full remote is wished, False when on-site only is, None otherwise (hybrid, not said).
        languages: spoken language keys ("anglais"); French is assumed for every seeker.
    """

    kind: Literal["profile", "query"]
    text: str
    title: str | None = None
    title_span: TextSpan | None = None
    rome_codes: tuple[tuple[str, float], ...] = ()
    skills: tuple[SeekerSkill, ...] = ()
    experience_months: int | None = None
    experience_spans: tuple[TextSpan, ...] = ()
    place: str | None = None
    place_span: TextSpan | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    contracts: tuple[str, ...] = ()
    contract_spans: dict[str, TextSpan] = field(default_factory=dict)
    remote: bool | None = None
    remote_span: TextSpan | None = None
    languages: tuple[str, ...] = ()
    language_spans: dict[str, TextSpan] = field(default_factory=dict)
    embed_text: str = ""
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def skill_keys(self) -> frozenset[str]:
        return frozenset(s.key for s in self.skills)

    def skill(self, key: str) -> SeekerSkill | None:
        return next((s for s in self.skills if s.key == key), None)

    def is_informative(self) -> bool:
        """False when there is nothing to score against: no skill, no experience and no job title.

        A profile's title counts when the CV states one; a query's text counts as a title when it names a
        job the ROME referential knows (any text would otherwise pass).
        """
        has_title = bool(self.rome_codes) or (self.kind == "profile" and bool(self.title))
        return bool(self.skills) or self.experience_months is not None or has_title

    def with_skill(self, key: str, label: str) -> Seeker:
        """A copy that also has ``key`` (for what-if re-scoring); the new skill has no evidence span."""
        if key in self.skill_keys:
            return self
        return _copy(self, skills=(*self.skills, SeekerSkill(key, label, None)))


def _copy(seeker: Seeker, **changes: Any) -> Seeker:
    values: dict[str, Any] = {
        name: getattr(seeker, name) for name in seeker.__dataclass_fields__ if name != "_vectors"
    }
    values.update(changes)
    return Seeker(**values)


def _span(text: str, start: int, end: int) -> TextSpan:
    return TextSpan(start, end, text[start:end])


def _rome_codes(
    rome: RomeFinder, titles: Sequence[str], min_score: float = 0.45
) -> tuple[tuple[str, float], ...]:
    best: dict[str, float] = {}
    for i, title in enumerate(titles):
        limit = 3 if i == 0 else 1
        for code, _, score in rome.find_codes(title, limit=limit):
            if score >= min_score and score > best.get(code, 0.0):
                best[code] = score
    return tuple(sorted(best.items(), key=lambda kv: -kv[1]))


def seeker_from_profile(
    profile: CandidateProfile,
    text: str,
    *,
    rome: RomeFinder,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> Seeker:
    """The seeker of a parsed CV: ``text`` is ``ParsedCV.text``, the text the profile's spans index.

    Example:
        >>> parsed = parse_cv_text(cv_text)  # doctest: +SKIP
        >>> seeker_from_profile(parsed.profile, parsed.text, rome=default_rome()).skill_keys  # doctest: +SKIP
        frozenset({'python', 'docker'})
    """
    title, title_span = None, None
    if profile.title and profile.title_evidence is not None:
        title = profile.title
        ev = profile.title_evidence
        title_span = TextSpan(ev.start, ev.end, ev.surface)
    elif profile.headline is not None:
        title = profile.headline.text
        ev = profile.headline.evidence
        title_span = TextSpan(ev.start, ev.end, ev.surface)
    recent = sorted(profile.experiences, key=lambda e: e.period.start, reverse=True)
    titles = [t for t in [title, *(e.title for e in recent[:2])] if t]
    if title is None and recent:
        ev = recent[0].evidence
        title, title_span = recent[0].title, TextSpan(ev.start, ev.end, ev.surface)
    skills = tuple(
        SeekerSkill(s.key, s.label, TextSpan(s.evidence.start, s.evidence.end, s.evidence.surface))
        for s in profile.skills
    )
    months = None
    if profile.total_experience_years is not None:
        months = round(profile.total_experience_years * 12)
    elif profile.experiences:
        months = sum(e.period.months for e in profile.experiences)
    exp_spans = tuple(TextSpan(s.start, s.end, s.surface) for s in profile.total_experience_evidence)
    if not exp_spans:
        exp_spans = tuple(
            TextSpan(e.period.evidence.start, e.period.evidence.end, e.period.evidence.surface)
            for e in profile.experiences
        )
    contracts: dict[str, TextSpan] = {}
    for wish in profile.contract_wishes:
        for code in CODES_OF_WISH.get(wish.contract, ()):
            contracts.setdefault(
                code, TextSpan(wish.evidence.start, wish.evidence.end, wish.evidence.surface)
            )
    remote, remote_span = None, None
    # A hybrid wish accepts on-site days: only full remote or on-site only is a condition to meet.
    if profile.remote_wish is not None and profile.remote_wish.wish != "hybrid":
        remote = profile.remote_wish.wish == "full_remote"
        ev = profile.remote_wish.evidence
        remote_span = TextSpan(ev.start, ev.end, ev.surface)
    loc = profile.location
    place_span = TextSpan(loc.evidence.start, loc.evidence.end, loc.evidence.surface) if loc else None
    summary = profile.summary.text[:300] if profile.summary else ""
    embed_parts = [title or "", ", ".join(s.label for s in skills[:15]), summary]
    return Seeker(
        kind="profile",
        text=text,
        title=title,
        title_span=title_span,
        rome_codes=_rome_codes(rome, titles),
        skills=skills,
        experience_months=months,
        experience_spans=exp_spans,
        place=loc.label if loc else None,
        place_span=place_span,
        lat=loc.lat if loc else None,
        lon=loc.lon if loc else None,
        radius_km=radius_km,
        contracts=tuple(contracts),
        contract_spans=contracts,
        remote=remote,
        remote_span=remote_span,
        languages=tuple(dict.fromkeys(lang.language for lang in profile.languages)),
        language_spans={
            lang.language: TextSpan(lang.evidence.start, lang.evidence.end, lang.evidence.surface)
            for lang in reversed(profile.languages)
        },
        embed_text=". ".join(p for p in embed_parts if p) or text[:500],
    )


def seeker_from_query(
    text: str, filters: SearchFilters | None, *, taxonomy: SkillFinder, rome: RomeFinder
) -> Seeker:
    """The seeker of a search: the free text plus its filters (place and radius, contracts, skills...).

    The filters are spelled out on lines after the query ("contrat : CDI, MIS"), so that every claim
    made about them quotes the seeker's text like a CV claim does.

    Example:
        >>> s = seeker_from_query("développeur python", SearchFilters(contracts=["CDI"]), taxonomy=tax, rome=rome)
        >>> s.text  # doctest: +SKIP
        'développeur python\\ncontrat : CDI'
    """
    filters = filters or SearchFilters()
    query = text.strip()
    buf = query
    spans: dict[str, list[TextSpan]] = {}

    def line(kind: str, head: str, values: Sequence[str]) -> None:
        nonlocal buf
        buf += ("\n" if buf else "") + head
        for i, value in enumerate(values):
            if i:
                buf += ", "
            start = len(buf)
            buf += value
            spans.setdefault(kind, []).append(_span(buf, start, len(buf)))

    if filters.skills:
        line("skills", "compétences : ", [_safe_label(taxonomy, k) for k in filters.skills])
    if filters.geo is not None:
        line("place", "lieu : ", [filters.geo.label])
        buf += f" ({filters.geo.radius_km:g} km)"
    if filters.contracts:
        line("contracts", "contrat : ", list(filters.contracts))
    if filters.remote is not None:
        line("remote", "", ["télétravail" if filters.remote else "sur site"])
    if filters.languages:
        line("languages", "langues : ", list(filters.languages))
    months = filters.experience_max_months
    if months is not None:
        line("experience", "expérience : ", [f"{months} mois"])

    mentions = taxonomy.extract(buf)
    skills: dict[str, SeekerSkill] = {}
    for m in mentions:
        skills.setdefault(m.key, SeekerSkill(m.key, m.label, TextSpan(m.start, m.end, m.surface)))
    for key, span in zip(filters.skills, spans.get("skills", []), strict=False):
        skills.setdefault(key, SeekerSkill(key, span.surface, span))
    codes = _rome_codes(rome, [query]) if query else ()
    geo = filters.geo
    contract_spans = dict(zip(filters.contracts, spans.get("contracts", []), strict=False))
    return Seeker(
        kind="query",
        text=buf,
        title=query or None,
        title_span=_span(buf, 0, len(query)) if query else None,
        rome_codes=codes,
        skills=tuple(skills.values()),
        experience_months=months,
        experience_spans=tuple(spans.get("experience", [])),
        place=geo.label if geo else None,
        place_span=spans["place"][0] if geo else None,
        lat=geo.lat if geo else None,
        lon=geo.lon if geo else None,
        radius_km=geo.radius_km if geo else DEFAULT_RADIUS_KM,
        contracts=tuple(filters.contracts),
        contract_spans=contract_spans,
        remote=filters.remote,
        remote_span=spans["remote"][0] if "remote" in spans else None,
        languages=tuple(filters.languages),
        language_spans=dict(zip(filters.languages, spans.get("languages", []), strict=False)),
        embed_text=query or buf,
    )


def _safe_label(taxonomy: SkillFinder, key: str) -> str:
    try:
        return taxonomy.label(key)
    except KeyError:
        return key
