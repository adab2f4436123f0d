"""Reading one user message: search constraints, references, and what the user wants done.

Constraints come from ``retrieval.query.QueryInterpreter`` (contract, place, radius, experience, remote,
recency), extended here with what a conversation adds: salary floors, negated remote work, radius without a
place, experience bounds for candidates ("moins de 2 ans"), skills (taxonomy, typos tolerated), the target
(offers or candidates), references to earlier results and follow-up cues.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from rapidfuzz.distance import OSA

from domain.languages import LANGUAGE_WANTED, wanted_languages
from domain.text import fold_offsets
from referentials.geo import Place
from referentials.taxonomy import SkillMention
from retrieval.query.understanding import QueryInterpreter
from services.utterance.bounding import bound_message
from services.utterance.lexicon import (
    ACTS,
    ANYWHERE_EXTRA,
    CANDIDATE_TARGET,
    CAREER_TARGET,
    CONNECTORS,
    ENGLISH_PLACES,
    EXCLUDE_MORE,
    EXPERIENCE_AT_LEAST,
    EXPERIENCE_AT_MOST,
    FILE,
    FIRST_JOB,
    FUZZY_SKIP,
    JOB_NOT_SKILL,
    MORE_CONTRACTS,
    NOISE_WORDS,
    NOT_QUERY,
    OFFER_TARGET,
    OFFER_TARGET_SEEKER,
    RADIUS,
    REMOTE_NO,
    REQUEST,
    SALARY_BARE,
    SALARY_FLOOR,
    SALARY_KEYWORD,
    STOP_EDGE,
    UNKNOWN_PLACE,
    YEARS_PLAIN,
    Act,
)
from services.utterance.privacy import personal_spans
from services.utterance.references import References, find_references
from services.utterance.text import Lang, blank, guess_language

Target = Literal["offers", "candidates"]


class Gazetteer(Protocol):
    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]: ...


class RomeWords(Protocol):
    def title_words(self) -> frozenset[str]: ...


class Taxonomy(Protocol):
    def extract(self, text: str) -> list[SkillMention]: ...

    def normalize_fuzzy(self, label: str) -> str | None: ...

    def is_tech(self, key: str) -> bool: ...

    def label(self, key: str) -> str: ...

    def category(self, key: str) -> str | None: ...


TRADE_FIELDS = frozenset({"care", "catering", "logistics", "retail", "social", "cleaning", "building"})
"""Categories of ``trade_skills.yaml`` whose words name a trade rather than a skill to require."""
MAX_MESSAGE_CHARS = 2000
MAX_QUERY_CHARS = 200


@dataclass
class Reading:
    """Everything the planner understood in one message; None/empty means "not said"."""

    text: str
    lang: Lang
    target: Target | None = None
    query: str = ""
    skills: list[str] = field(default_factory=list)
    place: str | None = None
    place_kind: str | None = None
    radius_km: float | None = None
    contracts: list[str] = field(default_factory=list)
    exclude_contracts: list[str] = field(default_factory=list)
    experience_min_months: int | None = None
    experience_max_months: int | None = None
    remote: bool | None = None
    languages: list[str] = field(default_factory=list)
    """Languages candidates must speak (keys as CVs store them: ``anglais``)."""
    salary_min_monthly: int | None = None
    published_within_days: int | None = None
    refs: References = field(default_factory=References)
    file_id: str | None = None
    acts: set[Act] = field(default_factory=set)

    def has_constraints(self) -> bool:
        """True when the message sets any search field besides the query."""
        return bool(
            self.skills
            or self.place
            or self.radius_km
            or self.contracts
            or self.exclude_contracts
            or self.experience_min_months is not None
            or self.experience_max_months is not None
            or self.remote is not None
            or self.languages
            or self.salary_min_monthly
            or self.published_within_days
        )

    def has_search_content(self) -> bool:
        return bool(self.query or self.has_constraints())


class UtteranceReader:
    """Reads user messages; built once per process over the shared gazetteer and taxonomy."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        taxonomy: Taxonomy,
        *,
        job_words: Collection[str] = (),
        today: date | None = None,
    ) -> None:
        """Args:
        gazetteer: French places.
        taxonomy: skills (tech list + ESCO).
        job_words: folded words of job titles (``job_title_words(default_rome())``), never read as typos.
        today: the date "cette semaine" counts from (default: today).
        """
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self.job_words = frozenset(job_words)
        self.interpreter = QueryInterpreter(gazetteer, today=today)
        self._today = today

    def read(
        self, text: str, *, default_target: Target, known_ids: list[str], fallback_lang: Lang = "fr"
    ) -> Reading:
        """Read ``text``; ``default_target`` applies when the message names neither offers nor candidates.

        ``fallback_lang`` is the language of the conversation so far, for messages too short to tell.
        """
        text = bound_message(text.replace("’", "'").replace("\u00a0", " "), MAX_MESSAGE_CHARS)
        for pattern, french in ENGLISH_PLACES:
            text = pattern.sub(french, text)
        folded = fold_offsets(text)
        reading = Reading(text=text, lang=guess_language(text) or fallback_lang)
        spans: list[tuple[int, int]] = personal_spans(text)
        if m := FILE.search(text):
            reading.file_id = m.group(1)
            spans.append(m.span())
        reading.acts = {act for act, pattern in ACTS.items() if pattern.search(folded)}
        if m := CAREER_TARGET.search(folded):
            # towards a named job: a search for it (« me reconvertir en boulanger » is not a baker leaving)
            reading.acts.discard("career_change")
            spans += [t.span() for t in CAREER_TARGET.finditer(folded)]
        if m := ANYWHERE_EXTRA.search(folded):
            reading.acts.add("anywhere")
            spans.append(m.span())
        reading.refs = find_references(blank(text, spans), known_ids)
        spans += reading.refs.spans
        reading.target = _target(folded, default_target)
        target = reading.target or default_target

        self._salary(folded, reading, spans)
        for m in EXCLUDE_MORE.finditer(folded):
            reading.exclude_contracts.append("MIS")
            spans.append(m.span())
        for pattern, code in MORE_CONTRACTS:
            for m in pattern.finditer(folded):
                if not any(s <= m.start() < e for s, e in spans):
                    reading.contracts.append(code)
                    spans.append(m.span())
        if m := REMOTE_NO.search(folded):
            reading.remote = False
            spans.append(m.span())
        if target == "candidates":
            for m in LANGUAGE_WANTED.finditer(folded):
                reading.languages += [k for k in wanted_languages(m) if k not in reading.languages]
                spans.append(m.span())
            if m := EXPERIENCE_AT_MOST.search(folded):
                reading.experience_max_months = int(m.group("n")) * 12
                spans.append(m.span())
            elif m := EXPERIENCE_AT_LEAST.search(folded):
                reading.experience_min_months = int(m.group("n") or m.group("m")) * 12
                spans.append(m.span())
            elif m := YEARS_PLAIN.search(folded):
                reading.experience_min_months = int(m.group("n")) * 12
                spans.append(m.span())
        elif (
            m := EXPERIENCE_AT_LEAST.search(folded)
            or EXPERIENCE_AT_MOST.search(folded)
            or YEARS_PLAIN.search(folded)
        ):
            reading.experience_max_months = int(m.group("n") or m.group("m")) * 12
            spans.append(m.span())
        elif m := FIRST_JOB.search(folded):
            reading.experience_max_months = 0
            spans.append(m.span())
        for act in NOT_QUERY:
            spans += [m.span() for m in ACTS[act].finditer(folded)]
        spans += [m.span() for m in REQUEST.finditer(folded)]

        rest = blank(text, spans)
        places = self.gazetteer.find_in_text(rest)
        understood = self.interpreter.interpret(rest, target=target)
        f = understood.filters
        reading.exclude_contracts = sorted({*reading.exclude_contracts, *f.exclude_contracts})
        reading.contracts = sorted({*reading.contracts, *f.contracts} - set(reading.exclude_contracts))
        if reading.experience_min_months is None and reading.experience_max_months is None:
            reading.experience_min_months = f.experience_min_months
            reading.experience_max_months = f.experience_max_months
        if reading.remote is None and f.remote:
            reading.remote = True
        if f.published_since is not None:
            reading.published_within_days = max(1, ((self._today or date.today()) - f.published_since).days)
        if f.geo is not None:
            place = next((p for _, _, p in places if p.label == f.geo.label), understood.place)
            reading.place = place.postcode if place is not None and place.kind == "postcode" else f.geo.label
            reading.place_kind = place.kind if place is not None else "commune"
            reading.radius_km = f.geo.radius_km
        elif f.departments:
            place = next(
                (p for _, _, p in places if list(p.departments) == list(f.departments)), understood.place
            )
            if place is not None:
                reading.place, reading.place_kind = place.label, place.kind
        elif m := RADIUS.search(fold_offsets(understood.text)):
            reading.radius_km = float(m.group("km"))
            understood.text = blank(understood.text, [m.span()])
        m = UNKNOWN_PLACE.search(understood.text) if reading.place is None else None
        if m is not None and not self._known_word(m.group("name")):
            reading.place, reading.place_kind = m.group("name"), "commune"
            understood.text = blank(understood.text, [m.span()])
        self._skills_and_query(understood.text, reading)
        return reading

    def _salary(self, folded: str, reading: Reading, spans: list[tuple[int, int]]) -> None:
        m = SALARY_KEYWORD.search(folded) or SALARY_FLOOR.search(folded) or SALARY_BARE.search(folded)
        if m is None:
            return
        has_unit = m.group("cur") or m.group("k") or m.group("k2") or m.group("period")
        if not has_unit and m.re is not SALARY_KEYWORD:
            return
        raw = m.group("amount")
        if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+", raw):
            value = float(re.sub(r"[ .]", "", raw))
        else:
            value = float(raw.replace(",", "."))
        if m.group("k") or m.group("k2") or (m.group("period") or "").startswith("k"):
            value *= 1000
        period = (m.group("period") or "").replace(" ", "")
        yearly = period.startswith(("an", "annee", "annuel", "year", "annual", "k/an")) or (
            not period and value >= 10_000
        )
        if value < 300 and not (m.group("k") or m.group("k2")):
            return  # "au moins 3 ans" slipped through: not an amount of money
        reading.salary_min_monthly = round(value / 12) if yearly else round(value)
        spans.append(m.span())

    def _skills_and_query(self, rest: str, reading: Reading) -> None:
        """Skills (taxonomy mentions, then typo-tolerant single words) and the query left over."""
        skill_spans = []
        for mention in self.taxonomy.extract(rest):
            if fold_offsets(rest[mention.start : mention.end]).strip() in JOB_NOT_SKILL:
                continue
            if self.taxonomy.category(mention.key) in TRADE_FIELDS:
                # "apprentissage en boulangerie", "soins infirmiers": the trade names the job; as a hard
                # skill filter it would keep only the offers that list it. It stays in the searched words.
                continue
            if mention.key not in reading.skills:
                reading.skills.append(mention.key)
            skill_spans.append((mention.start, mention.end))
        rest = blank(rest, skill_spans)
        rest = blank(rest, [m.span() for m in NOISE_WORDS.finditer(fold_offsets(rest))])
        kept: list[tuple[str, bool, bool]] = []
        for m in re.finditer(r"[\w'+#.-]+", rest):
            word = m.group(0).strip(".,;:!?-")
            if not word:
                continue
            key = self._typo(word)
            if key is not None:
                if key not in reading.skills:
                    reading.skills.append(key)
                rest = blank(rest, [m.span()])
                continue
            gap_before = m.start() == 0 or rest[max(0, m.start() - 2) : m.start()] == "  "
            gap_after = m.end() >= len(rest.rstrip()) or rest[m.end() : m.end() + 2] == "  "
            kept.append((word, gap_before, gap_after))
        words = [w for w, before, after in kept if not ((before or after) and fold_offsets(w) in CONNECTORS)]
        reading.query = _trim(words)

    def _known_word(self, name: str) -> bool:
        """True when a capitalised name after "à"/"in" is a skill, a job word or an acronym (CDI), not a
        place: "développeur in Python", "à temps plein" never become unknown places."""
        if name.isupper() and len(name) <= 4:
            return True
        if self.taxonomy.extract(name) or self.taxonomy.normalize_fuzzy(name) is not None:
            return True
        return fold_offsets(name) in self.job_words

    def _typo(self, word: str) -> str | None:
        """The tech skill a misspelt word stands for ("pyhton", "kubernets"), or None.

        Job-title words (ROME) and accented words are never corrected, and the correction must stay within
        one edit of the skill's own name: "maçon" is not "macOS", "warehouse" is not "data lake".
        """
        folded = fold_offsets(word).strip(".")
        if len(folded) < 5 or not folded.isascii() or not word.isascii() or folded in self.job_words:
            return None
        if (
            folded in FUZZY_SKIP
            or folded in JOB_NOT_SKILL
            or folded.endswith(("eur", "euse", "eurs", "euses"))
        ):
            return None
        key = self.taxonomy.normalize_fuzzy(word)
        if key is None or not self.taxonomy.is_tech(key):
            return None
        names = {fold_offsets(self.taxonomy.label(key)).replace(" ", ""), key.replace("-", "")}
        return key if any(OSA.distance(folded.replace("-", ""), n) <= 1 for n in names) else None


def _target(folded: str, default: Target) -> Target | None:
    """The target the message names, if any (a seeker's "poste"/"job" names offers)."""
    candidates = CANDIDATE_TARGET.search(folded)
    offers = OFFER_TARGET.search(folded) or (default == "offers" and OFFER_TARGET_SEEKER.search(folded))
    if candidates and not offers:
        return "candidates"
    if offers and not candidates:
        return "offers"
    if candidates and offers:
        return "candidates" if candidates.start() < offers.start() else "offers"
    return None


def _trim(words: list[str]) -> str:
    """Drop filler words at both ends ("et", "seulement", "des", "?") and bare numbers; cap the length."""
    words = [w for w in words if w and not w.isdigit()]
    while words and fold_offsets(words[0]).strip("'") in STOP_EDGE | {"l", "d"}:
        words.pop(0)
    while words and fold_offsets(words[-1]) in STOP_EDGE:
        words.pop()
    return " ".join(words).strip(" -'")[:MAX_QUERY_CHARS].strip()


def job_title_words(rome: RomeWords) -> frozenset[str]:
    """Folded words of every ROME job title ("maçon", "soudeur", "caissière"...), built with the referential."""
    return rome.title_words()
