"""The offer side of a match: an offer row read once into the facts the scorer compares.

``offer_text(row)`` is the one text an offer's evidence spans index (title, place, contract,
experience, competences, languages, then the description): the explainer quotes it and
``verify_claims`` checks against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from referentials.taxonomy.extraction import SkillMention
from scoring.seeker import TextSpan
from store.models import OfferRow
from store.offers import offer_contract_keys

_REMOTE = re.compile(r"t[ée]l[ée]\s?-?travail|full[\s-]remote|\bremote\b", re.IGNORECASE)
_NO_REMOTE = re.compile(
    r"(pas de|sans|aucun|non)\s+(possibilit[ée]\s+de\s+)?t[ée]l[ée]\s?-?travail", re.IGNORECASE
)


class OfferSkillReader(Protocol):
    """What the offer reader needs from ``SkillTaxonomy``."""

    def normalize(self, label: str) -> str | None: ...

    def extract(self, text: str) -> list[SkillMention]: ...


@dataclass(frozen=True, slots=True)
class OfferSkillFact:
    """An offer skill and every key it answers to: its stored key, its label's key, keys read in the label."""

    label: str
    keys: frozenset[str]
    required: bool
    origin: str
    span: TextSpan | None


@dataclass(frozen=True, slots=True)
class OfferRequirement:
    """A diploma or a driving licence the offer asks for, in the offer's words, required (E) or wished (S)."""

    kind: Literal["diploma", "licence"]
    label: str
    required: bool
    span: TextSpan


@dataclass(frozen=True)
class OfferFacts:
    """What the scorer compares on the offer side; every span indexes ``text``."""

    doc_id: int
    external_id: str
    content_hash: str
    text: str
    title: str
    job_text: str
    """Title, ROME appellation and ROME label: what the job is called."""
    has_description: bool
    rome_code: str | None
    experience_months: int | None
    experience_span: TextSpan | None
    contracts: tuple[str, ...]
    contract_span: TextSpan | None
    place_span: TextSpan | None
    lat: float | None
    lon: float | None
    remote: bool | None
    remote_span: TextSpan | None
    languages_required: tuple[str, ...]
    language_spans: dict[str, TextSpan]
    skills: tuple[OfferSkillFact, ...]
    mentions: dict[str, TextSpan]
    """Skill key → first place it is mentioned in ``text``."""
    requirements: tuple[OfferRequirement, ...] = ()
    """Diplomas and licences the offer lists (France Travail ``formations``, ``permis``)."""

    @property
    def all_keys(self) -> frozenset[str]:
        """Every skill key the offer asks for or mentions."""
        keys: set[str] = set(self.mentions)
        for s in self.skills:
            keys |= s.keys
        return frozenset(keys)

    def is_informative(self) -> bool:
        """False when the offer has neither a description nor skills to compare against."""
        return self.has_description or bool(self.skills)

    def evidence_for(self, keys: frozenset[str] | set[str]) -> TextSpan | None:
        """Where the offer text shows one of ``keys``: a mention first, else a competence label."""
        for key in keys:
            if key in self.mentions:
                return self.mentions[key]
        for skill in self.skills:
            if skill.keys & keys and skill.span is not None:
                return skill.span
        return None


class _Builder:
    def __init__(self) -> None:
        self.text = ""

    def add(self, head: str, value: str | None) -> TextSpan | None:
        if not value:
            return None
        self.text += ("\n" if self.text else "") + head
        start = len(self.text)
        self.text += value
        return TextSpan(start, len(self.text), value)


def required_languages(row: OfferRow) -> list[str]:
    """Languages the offer requires (France Travail exigence E); all listed ones when the raw data is absent."""
    raw = row.raw.get("langues") if isinstance(row.raw, dict) else None
    if isinstance(raw, list) and raw:
        out = [
            str(item.get("libelle", "")).strip().lower()
            for item in raw
            if isinstance(item, dict) and str(item.get("exigence", "")).upper() == "E"
        ]
        return [lang for lang in dict.fromkeys(out) if lang]
    return list(dict.fromkeys(lang.lower() for lang in row.languages or ()))


def offer_text(row: OfferRow) -> str:
    """The text an offer's evidence spans index (see module docstring)."""
    return read_offer(row, None).text


def read_offer(row: OfferRow, taxonomy: OfferSkillReader | None) -> OfferFacts:
    """Read an offer row into ``OfferFacts``; without a taxonomy, skills keep only their stored keys."""
    b = _Builder()
    b.add("", row.title)
    b.add("Métier : ", " — ".join(p for p in (row.appellation, row.rome_label) if p) or None)
    place_span = b.add("Lieu : ", row.location)
    contract_span = b.add("Contrat : ", row.contract_label or row.contract_type)
    experience_span = b.add("Expérience : ", row.experience_required)
    competences = [s for s in row.skills if s.origin != "extracted"]
    label_spans: dict[str, TextSpan] = {}
    if competences:
        b.text += "\nCompétences : "
        for i, s in enumerate(competences):
            if s.label in label_spans:
                continue
            if i:
                b.text += " ; "
            start = len(b.text)
            b.text += s.label
            label_spans[s.label] = TextSpan(start, len(b.text), s.label)
    languages = required_languages(row)
    language_spans: dict[str, TextSpan] = {}
    if row.languages:
        b.text += "\nLangues : "
        for i, lang in enumerate(row.languages):
            if i:
                b.text += ", "
            start = len(b.text)
            b.text += lang
            language_spans[lang.lower()] = TextSpan(start, len(b.text), lang)
    description = (row.description or "").strip()
    desc_start = len(b.text) + 1 if b.text else 0
    b.add("", description)
    text = b.text
    # Diplomas and licences go after the description, so that every earlier span stays where it was.
    requirements = _requirements(b, row.raw if isinstance(row.raw, dict) else {})

    mentions: dict[str, TextSpan] = {}
    skills: list[OfferSkillFact] = []
    if taxonomy is not None:
        for m in taxonomy.extract(text):
            mentions.setdefault(m.key, TextSpan(m.start, m.end, m.surface))
    for s in row.skills:
        keys = {s.key} if s.key else set()
        span = label_spans.get(s.label)
        if taxonomy is not None and s.origin != "extracted":
            if (key := taxonomy.normalize(s.label)) is not None:
                keys.add(key)
            keys |= {m.key for m in taxonomy.extract(s.label)}
        if span is None and s.key and s.key in mentions:
            span = mentions[s.key]
        skills.append(OfferSkillFact(s.label, frozenset(keys), bool(s.is_required), s.origin, span))

    full_text = b.text
    remote_span = None
    if row.remote is not None:
        pattern = _NO_REMOTE if row.remote is False else _REMOTE
        hit = pattern.search(text, desc_start)
        if hit:
            remote_span = TextSpan(hit.start(), hit.end(), hit.group())
    return OfferFacts(
        doc_id=row.id,
        external_id=row.external_id,
        content_hash=row.content_hash,
        text=full_text,
        title=row.title,
        job_text=" ".join(p for p in (row.title, row.appellation, row.rome_label) if p),
        has_description=bool(description),
        rome_code=row.rome_code,
        experience_months=row.experience_months,
        experience_span=experience_span,
        contracts=offer_contract_keys(row),
        contract_span=contract_span,
        place_span=place_span,
        lat=row.latitude,
        lon=row.longitude,
        remote=row.remote,
        remote_span=remote_span,
        languages_required=tuple(languages),
        language_spans=language_spans,
        skills=tuple(skills),
        mentions=mentions,
        requirements=requirements,
    )


def _requirements(b: _Builder, raw: dict[str, Any]) -> tuple[OfferRequirement, ...]:
    """The offer's ``formations`` (level, then field) and ``permis`` written into the offer text."""
    out: list[OfferRequirement] = []
    for item in raw.get("formations") or []:
        if not isinstance(item, dict):
            continue
        words = " — ".join(
            str(item[k]).strip()
            for k in ("niveauLibelle", "domaineLibelle")
            if str(item.get(k) or "").strip()
        )
        span = b.add("Formation : ", words)
        if span is not None:
            out.append(OfferRequirement("diploma", words, str(item.get("exigence", "")).upper() == "E", span))
    for item in raw.get("permis") or []:
        if not isinstance(item, dict):
            continue
        span = b.add("Permis : ", str(item.get("libelle") or "").strip())
        if span is not None:
            out.append(
                OfferRequirement("licence", span.surface, str(item.get("exigence", "")).upper() == "E", span)
            )
    return tuple(out)
