"""The in-memory skill index: every key with its labels, synonyms and matchable phrases.

Two phrase spaces are kept. Tech phrases are folded tokens ("node.js", "c++", "power bi"), matched
exactly. ESCO phrases are folded and lightly stemmed (final "s"/"x" dropped), so that "gestion de
projet" and "gestion de projets" meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from referentials.compiled import compact_pickle
from referentials.taxonomy.data import EscoSkill, TechSkill
from referentials.taxonomy.text import dotted_words, phrase_words, slugify

# ESCO labels are matched in text from 2 words (1-word labels are too ambiguous) up to this many.
ESCO_MAX_TOKENS = 6


@compact_pickle
@dataclass(frozen=True, slots=True)
class SkillInfo:
    """What is known about a skill key."""

    key: str
    label: str
    category: str | None  # tech category from tech_skills.yaml; None for ESCO-only skills
    esco_uuid: str | None

    @property
    def is_tech(self) -> bool:
        return self.category is not None


@compact_pickle
@dataclass(frozen=True, slots=True)
class TechPhrase:
    """A tech phrase to find in text; ``forms`` lists the exact surfaces of an ambiguous form."""

    key: str
    forms: frozenset[str] | None = None


def stem(word: str) -> str:
    """Drop a plural mark: ``"projets"`` → ``"projet"``, ``"travaux"`` → ``"travau"`` (both sides alike)."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


@dataclass
class SkillIndex:
    """Keys, lookups for ``normalize`` and phrase tables for ``extract``."""

    entries: dict[str, SkillInfo] = field(default_factory=dict)
    dotted: frozenset[str] = frozenset()
    tech_lookup: dict[str, str] = field(default_factory=dict)
    esco_lookup: dict[str, str] = field(default_factory=dict)
    tech_phrases: dict[str, TechPhrase] = field(default_factory=dict)
    tech_prefixes: set[str] = field(default_factory=set)
    tech_longest: int = 1
    plural_ok: frozenset[str] = frozenset()
    esco_phrases: dict[str, str] = field(default_factory=dict)
    esco_prefixes: set[str] = field(default_factory=set)

    def tech_phrase(self, text: str) -> str:
        """Folded tokens of ``text`` joined by spaces, dotted tech words kept whole."""
        return " ".join(phrase_words(text, self.dotted))

    def esco_phrase(self, text: str) -> str:
        """Folded, stemmed tokens of ``text`` joined by spaces."""
        return " ".join(stem(w) for w in phrase_words(text, self.dotted))


def _add_prefixes(prefixes: set[str], phrase: str) -> int:
    words = phrase.split(" ")
    for n in range(1, len(words) + 1):
        prefixes.add(" ".join(words[:n]))
    return len(words)


def _shared_synonyms(index: SkillIndex, esco: list[EscoSkill]) -> set[str]:
    """ESCO synonyms given to several concepts ("analyse de données"): they designate none."""
    owners: dict[str, set[str]] = {}
    for concept in esco:
        for text in concept.synonyms:
            owners.setdefault(index.esco_phrase(text), set()).add(concept.uuid)
    return {phrase for phrase, uuids in owners.items() if len(uuids) > 1}


def build_skill_index(tech: list[TechSkill], esco: list[EscoSkill]) -> SkillIndex:
    """Index the curated tech skills, then ESCO concepts (merged into a tech key when their
    preferred label is a tech name, e.g. ESCO "Python")."""
    dotted = {w for skill in tech for text in (skill.label, *skill.aliases) for w in dotted_words(text)}
    index = SkillIndex(dotted=frozenset(dotted))
    plural_ok: set[str] = set()
    for skill in tech:
        index.entries[skill.key] = SkillInfo(skill.key, skill.label, skill.category, None)
        for text in (skill.label, *skill.aliases, *skill.context_forms):
            index.tech_lookup.setdefault(index.tech_phrase(text), skill.key)
        for text in (skill.label, *skill.aliases) if skill.label_in_text else skill.aliases:
            phrase = index.tech_phrase(text)
            if phrase and phrase not in index.tech_phrases and text not in skill.context_forms:
                index.tech_phrases[phrase] = TechPhrase(skill.key)
                if " " not in phrase and len(phrase) >= 3 and phrase.isalpha():
                    plural_ok.add(phrase)
        for form in skill.context_forms:
            phrase = index.tech_phrase(form)
            current = index.tech_phrases.get(phrase)
            if current is None or (current.key == skill.key and current.forms is not None):
                forms = (current.forms if current and current.forms else frozenset()) | {form}
                index.tech_phrases[phrase] = TechPhrase(skill.key, frozenset(forms))
    for phrase in index.tech_phrases:
        index.tech_longest = max(index.tech_longest, _add_prefixes(index.tech_prefixes, phrase))
    index.plural_ok = frozenset(p for p in plural_ok if p + "s" not in index.tech_phrases)

    synonyms: list[tuple[str, str]] = []
    shared = _shared_synonyms(index, esco)
    for concept in esco:
        words = phrase_words(concept.label, index.dotted)
        key = index.tech_lookup.get(" ".join(words))
        if key is not None:
            info = index.entries[key]
            index.entries[key] = SkillInfo(key, info.label, info.category, info.esco_uuid or concept.uuid)
        else:
            key = slugify(concept.label)
            suffix = 2
            while key in index.entries and index.entries[key].esco_uuid != concept.uuid:
                key, suffix = f"{slugify(concept.label)}-{suffix}", suffix + 1
            index.entries[key] = SkillInfo(key, concept.label, None, concept.uuid)
        index.esco_lookup.setdefault(" ".join(stem(w) for w in words), key)
        synonyms += [(s, key) for s in concept.synonyms]
    for text, key in synonyms:  # preferred labels win over another concept's synonym
        phrase = index.esco_phrase(text)
        if phrase not in shared:
            index.esco_lookup.setdefault(phrase, key)
    for phrase, key in index.esco_lookup.items():
        if 2 <= phrase.count(" ") + 1 <= ESCO_MAX_TOKENS:
            index.esco_phrases[phrase] = key
            _add_prefixes(index.esco_prefixes, phrase)
    return index
