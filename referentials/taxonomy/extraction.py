"""Finding skill mentions in free text (offer descriptions, CVs, queries).

One left-to-right pass over the tokens per phrase table, longest match first, with a set of
phrase prefixes to stop extending early: the cost is a few dictionary look-ups per token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referentials.taxonomy.skill_index import SkillIndex, stem
from referentials.taxonomy.text import Token, tokenize

# Words that make an ambiguous form ("C", "Go", "Tableau", "italien") a skill when right before it.
_TECH_CUES = frozenset(
    [
        "langage",
        "langages",
        "language",
        "languages",
        "logiciel",
        "logiciels",
        "outil",
        "outils",
        "framework",
        "frameworks",
        "programmation",
        "programmer",
        "developpement",
        "developpeur",
        "developpeuse",
        "developper",
        "developer",
        "script",
        "scripts",
        "maitrise",
        "maitriser",
        "connaissance",
        "connaissances",
        "experience",
        "experiences",
        "competence",
        "competences",
        "sous",
        "en",
        "avec",
        "environnement",
        "techno",
        "technos",
        "technologie",
        "technologies",
        "stack",
        "certification",
        "certifie",
        "formation",
    ]
)
_LANGUAGE_CUES = frozenset(
    [
        "langue",
        "langues",
        "parler",
        "parle",
        "parlant",
        "niveau",
        "bilingue",
        "maitrise",
        "maitriser",
        "connaissance",
        "connaissances",
        "notions",
    ]
)
_LANGUAGE_CUES_AFTER = frozenset(
    [
        "courant",
        "courante",
        "lu",
        "ecrit",
        "parle",
        "bilingue",
        "natif",
        "native",
        "maternelle",
        "a2",
        "b1",
        "b2",
        "c1",
        "c2",
        "intermediaire",
        "avance",
        "operationnel",
    ]
)
_TECH_CUES_AFTER = frozenset({"developer", "developpeur", "developpeuse", "dev", "programming"})
_LIST_GAP = re.compile(
    r"^[\s,;/&|()+\-–:•]*(?:(?:et|ou|and|or)(?:\s+(?:de|du|en|avec))?[\s,;/&|()+\-–:•]+)?$", re.IGNORECASE
)
_SPOKEN = "language-spoken"


@dataclass(frozen=True, slots=True)
class SkillMention:
    """A skill found in a text: ``text[start:end] == surface``."""

    key: str
    label: str
    start: int
    end: int
    surface: str


@dataclass(slots=True)
class _Match:
    key: str
    first: int  # token indexes, inclusive-exclusive
    last: int
    ambiguous: bool


def extract_mentions(index: SkillIndex, text: str) -> list[SkillMention]:
    """Skill mentions of ``text``, in reading order; see ``SkillTaxonomy.extract``."""
    tokens = tokenize(text, index.dotted)
    tech = _resolve_context(index, text, tokens, _scan_tech(index, tokens))
    esco = _scan_esco(index, tokens)
    taken = {(m.key, t) for m in tech for t in range(m.first, m.last)}
    esco = [m for m in esco if not any((m.key, t) in taken for t in range(m.first, m.last))]
    mentions = []
    for m in sorted(tech + esco, key=lambda m: (tokens[m.first].start, -m.last)):
        start, end = tokens[m.first].start, tokens[m.last - 1].end
        mentions.append(SkillMention(m.key, index.entries[m.key].label, start, end, text[start:end]))
    return mentions


def _scan_tech(index: SkillIndex, tokens: list[Token]) -> list[_Match]:
    found: list[_Match] = []
    i, count = 0, len(tokens)
    while i < count:
        best: _Match | None = None
        phrase = ""
        for n in range(1, min(index.tech_longest, count - i) + 1):
            phrase = f"{phrase} {tokens[i + n - 1].norm}" if n > 1 else tokens[i].norm
            if phrase not in index.tech_prefixes:
                break
            entry = index.tech_phrases.get(phrase)
            if entry is None:
                continue
            if entry.forms is None:
                best = _Match(entry.key, i, i + n, ambiguous=False)
            elif n == 1 and tokens[i].surface in entry.forms:
                best = _Match(entry.key, i, i + 1, ambiguous=True)
        if best is None:
            word = tokens[i].norm
            if word.endswith("s") and word[:-1] in index.plural_ok:
                best = _Match(index.tech_phrases[word[:-1]].key, i, i + 1, ambiguous=False)
        if best is None:
            i += 1
            continue
        found.append(best)
        i = best.last
    return found


def _scan_esco(index: SkillIndex, tokens: list[Token]) -> list[_Match]:
    found: list[_Match] = []
    words = [stem(t.norm) for t in tokens]
    i, count = 0, len(tokens)
    while i < count:
        if words[i] not in index.esco_prefixes:
            i += 1
            continue
        best = 0
        phrase = words[i]
        for n in range(2, min(6, count - i) + 1):
            phrase = f"{phrase} {words[i + n - 1]}"
            if phrase not in index.esco_prefixes:
                break
            if phrase in index.esco_phrases:
                best = n
        if best:
            found.append(
                _Match(index.esco_phrases[" ".join(words[i : i + best])], i, i + best, ambiguous=False)
            )
            i += best
        else:
            i += 1
    return found


def _resolve_context(index: SkillIndex, text: str, tokens: list[Token], found: list[_Match]) -> list[_Match]:
    """Keep ambiguous forms only after a cue word or in a list of accepted skills ("C/C++")."""
    pending = [m for m in found if m.ambiguous]
    accepted = [m for m in found if not m.ambiguous]
    pending = [m for m in pending if _well_formed(text, tokens, m)]
    changed = True
    while pending and changed:
        changed = False
        for m in list(pending):
            if _cued(index, tokens, m) or _listed(text, tokens, m, accepted):
                accepted.append(m)
                pending.remove(m)
                changed = True
    return sorted(accepted, key=lambda m: m.first)


def _well_formed(text: str, tokens: list[Token], m: _Match) -> bool:
    """Rejects "C'est", "R&D", "16 Go", "CACES R 485": an apostrophe or ampersand after, a number
    before, or a number after a single letter."""
    tok = tokens[m.first]
    if text[tok.end : tok.end + 1] in {"'", "’", "&"}:
        return False
    if m.first > 0 and tokens[m.first - 1].norm.isdigit():
        return False
    return not (len(tok.norm) == 1 and m.last < len(tokens) and tokens[m.last].norm[:1].isdigit())


def _cued(index: SkillIndex, tokens: list[Token], m: _Match) -> bool:
    spoken = index.entries[m.key].category == _SPOKEN
    cues = _LANGUAGE_CUES if spoken else _TECH_CUES
    before = {t.norm for t in tokens[max(0, m.first - 2) : m.first]}
    if before & cues:
        return True
    after = tokens[m.last].norm if m.last < len(tokens) else ""
    return after in (_LANGUAGE_CUES_AFTER if spoken else _TECH_CUES_AFTER)


def _listed(text: str, tokens: list[Token], m: _Match, accepted: list[_Match]) -> bool:
    start, end = tokens[m.first].start, tokens[m.last - 1].end
    for other in accepted:
        o_start, o_end = tokens[other.first].start, tokens[other.last - 1].end
        gap = text[o_end:start] if o_end <= start else text[end:o_start] if end <= o_start else None
        if gap is not None and len(gap) <= 10 and _LIST_GAP.match(gap):
            return True
    return False
