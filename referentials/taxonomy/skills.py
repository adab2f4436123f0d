"""The skill taxonomy: normalised skill keys, their labels, and skill mentions in text."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from referentials.compiled import CompiledCache, cached_or_built, process_cache
from referentials.taxonomy.data import (
    DEFAULT_REFERENTIALS_DIR,
    ESCO_SKILLS_FILE,
    SKILL_LISTS,
    load_esco_skills,
    load_tech_skills,
)
from referentials.taxonomy.extraction import SkillMention, extract_mentions
from referentials.taxonomy.phrases import COMPETENCES_FILE, SkillPhrases, load_competences
from referentials.taxonomy.skill_index import SkillIndex, build_skill_index
from referentials.taxonomy.text import slugify

# Words users put before a skill name that are not part of it: "langage Python", "logiciel SAP".
_LEADING_CUES = frozenset({"langage", "language", "logiciel", "outil", "framework", "le", "la", "les", "l"})
# Typos tolerated by normalize_fuzzy: 1 edit (a swap counts as one) from 5 letters, 2 from 9.
_FUZZY_MIN_LENGTH = 5
_FUZZY_TWO_EDITS_LENGTH = 9


class SkillTaxonomy:
    """Skill keys from a curated tech list and ESCO's French skills.

    A key is a lowercase ASCII slug: ``"python"``, ``"csharp"``, ``"gestion-de-projet"``,
    ``"conduire-un-chariot-elevateur"``. The referential is read on first use.

    Example:
        >>> tax = SkillTaxonomy()
        >>> tax.normalize("Postgres"), tax.label("csharp"), tax.normalize_fuzzy("pyhton")
        ('postgresql', 'C#', 'python')
    """

    def __init__(self, directory: Path | None = None, *, cache: CompiledCache | None = None) -> None:
        """Args:
        directory: folder holding ``tech_skills.yaml`` and ``esco/``; defaults to ``data/referentials``.
        cache: where the built indexes are kept between processes (None: built in memory each time).
        """
        self._directory = directory
        self._cache = cache

    @cached_property
    def _index(self) -> SkillIndex:
        base = self._directory or DEFAULT_REFERENTIALS_DIR
        return cached_or_built(
            "skills",
            lambda: build_skill_index(load_tech_skills(self._directory), load_esco_skills(self._directory)),
            [*(base / name for name in SKILL_LISTS), base / ESCO_SKILLS_FILE],
            self._cache,
        )

    @cached_property
    def _phrases(self) -> SkillPhrases:
        directory = self._directory or DEFAULT_REFERENTIALS_DIR

        def build() -> SkillPhrases:
            esco = load_esco_skills(self._directory)
            labels = [text for concept in esco for text in (concept.label, *concept.synonyms)]
            return SkillPhrases([*load_competences(directory), *labels])

        files = [directory / ESCO_SKILLS_FILE, directory / COMPETENCES_FILE]
        return cached_or_built("skill-phrases", build, files, self._cache)

    def listed_skill(self, item: str) -> tuple[str, str] | None:
        """``(key, label)`` for an item of a CV's skills list that ``normalize`` does not know but whose
        words a ROME compétence or an ESCO label holds ("dépannage", "prise de rendez-vous"); else None.

        The key is the item's slug: the same item on two CVs gets the same key.
        """
        key = self.normalize(item)
        if key is not None:
            return key, self.label(key)
        return self._phrases.find(item)

    @cached_property
    def _fuzzy_choices(self) -> tuple[list[str], list[str]]:
        phrases = [p for p in self._index.tech_lookup if len(p) >= _FUZZY_MIN_LENGTH - 1]
        return phrases, [self._index.tech_lookup[p] for p in phrases]

    def load(self) -> SkillTaxonomy:
        """Read the referential now rather than on first use; returns ``self``."""
        _ = self._index
        return self

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._index.entries

    def __len__(self) -> int:
        return len(self._index.entries)

    def normalize(self, label: str) -> str | None:
        """The key of a skill name or synonym, or None.

        Matching ignores case, accents and punctuation ("Node JS", "node.js"), tolerates a plural
        ("APIs") and a leading "langage"/"logiciel"; ESCO labels also match in the singular or
        plural ("gestion de projets").
        """
        index = self._index
        phrase = index.tech_phrase(label)
        if not phrase:
            return None
        words = phrase.split(" ")
        if words[0] in _LEADING_CUES and len(words) > 1:
            stripped = " ".join(words[1:])
            phrase = phrase if phrase in index.tech_lookup else stripped
        key = index.tech_lookup.get(phrase)
        if key is None and phrase.endswith("s"):
            key = index.tech_lookup.get(phrase[:-1])
        if key is None:
            key = index.esco_lookup.get(index.esco_phrase(label))
        if key is None and label.strip() in index.entries:
            key = label.strip()
        if key is None and slugify(label) in index.entries:
            key = slugify(label)
        return key

    def normalize_fuzzy(self, label: str) -> str | None:
        """Like ``normalize``, plus tolerance for typos in tech names ("pyhton", "kubernets").

        Only tech names of 5+ characters are corrected, by one edit (two from 9 characters), and only
        when a single skill is that close.
        """
        key = self.normalize(label)
        if key is not None:
            return key
        phrase = self._index.tech_phrase(label)
        if len(phrase) < _FUZZY_MIN_LENGTH:
            return None
        max_edits = 2 if len(phrase) >= _FUZZY_TWO_EDITS_LENGTH else 1
        phrases, keys = self._fuzzy_choices
        hits = process.extract(phrase, phrases, scorer=OSA.distance, score_cutoff=max_edits, limit=10)
        if not hits:
            return None
        best = min(score for _, score, _ in hits)
        candidates = {keys[i] for _, score, i in hits if score == best}
        return candidates.pop() if len(candidates) == 1 else None

    def label(self, key: str) -> str:
        """Display label of ``key``: canonical spelling for tech ("PostgreSQL", "C#"), French for ESCO.

        Raises:
            KeyError: unknown key.
        """
        try:
            return self._index.entries[key].label
        except KeyError:
            raise KeyError(f"Compétence inconnue : {key!r}") from None

    def is_tech(self, key: str) -> bool:
        """True for keys of the curated tech list (languages, tools, certifications...)."""
        info = self._index.entries.get(key)
        return info is not None and info.is_tech

    def category(self, key: str) -> str | None:
        """Category of a tech key ("language", "database", "certification", ...); None for ESCO-only keys."""
        info = self._index.entries.get(key)
        return info.category if info else None

    def esco_uri(self, key: str) -> str | None:
        """ESCO concept URI of ``key`` when it comes from or was merged with ESCO."""
        info = self._index.entries.get(key)
        if info is None or info.esco_uuid is None:
            return None
        return f"http://data.europa.eu/esco/skill/{info.esco_uuid}"

    def extract(self, text: str) -> list[SkillMention]:
        """Skill mentions in free text, in reading order, with character spans.

        Tech skills are matched on word boundaries ("Java" is not found in "JavaScript", "SQL" not in
        "PostgreSQL"); ambiguous forms ("C", "R", "Go", "Tableau", "Notion") only in a tech context
        ("langage C", "C/C++", "Excel, Word, Access"). ESCO labels of 2 to 6 words are matched as
        exact phrases (singular or plural). A key may be mentioned several times.

        Example:
            >>> [(m.key, m.surface) for m in SkillTaxonomy().extract("Dév Node.js/TypeScript, CACES R489")]
            [('nodejs', 'Node.js'), ('typescript', 'TypeScript'), ('caces-r489', 'CACES R489')]
        """
        return extract_mentions(self._index, text)


@lru_cache(maxsize=1)
def default_skill_taxonomy() -> SkillTaxonomy:
    """The process-wide skill taxonomy over the repository's ``data/referentials``."""
    return SkillTaxonomy(cache=process_cache())
