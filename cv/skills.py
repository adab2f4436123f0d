"""Skills normalised by the taxonomy, read in the whole text and item by item in the skills section."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from cv.models import Section, SkillEvidence, Span
from cv.sections import heading_kind


class SkillMentionLike(Protocol):
    """A skill found in a text (``referentials.taxonomy.SkillMention``)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class SkillExtractor(Protocol):
    """What the CV parser needs from ``referentials.taxonomy``'s skill taxonomy."""

    def extract(self, text: str) -> Sequence[SkillMentionLike]: ...

    def normalize(self, label: str) -> str | None: ...

    def label(self, key: str) -> str: ...


_ITEM_SPLIT_RE = re.compile(r"[,;|•/\n]|\s[-–—:]\s|\(|\)")


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the list items of a skills block (``Python, SQL | Docker``)."""
    items: list[tuple[int, int]] = []
    cursor = start
    for match in _ITEM_SPLIT_RE.finditer(text, start, end):
        items.append((cursor, match.start()))
        cursor = match.end()
    items.append((cursor, end))
    out = []
    for a, b in items:
        raw = text[a:b]
        stripped = raw.strip(" .:\t").lstrip("-–—•·*▪◦●> \t")  # a bullet is no part of the skill
        if 2 <= len(stripped) <= 40 and len(stripped.split()) <= 4:
            offset = a + raw.find(stripped)
            out.append((offset, offset + len(stripped)))
    return out


_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "en",
        "et",
        "pour",
        "avec",
        "dans",
        "une",
        "au",
        "aux",
        "sur",
        "est",
    ]
)
_ENGLISH_WORDS = frozenset(["the", "and", "of", "with", "for", "to", "in", "a", "an", "on", "is", "at"])


def written_in_french(text: str) -> bool:
    """More French than English function words: ``"Gestion des stocks et des commandes"``."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    french = sum(w in _FRENCH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return french > english


def _body_start(text: str, start: int) -> int:
    """Where a section's items begin: after its heading line."""
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def extract_skills(
    text: str, sections: list[Section], inline: list[tuple[int, int]], taxonomy: SkillExtractor
) -> list[SkillEvidence]:
    """Skills with their first evidence (a skills-section mention first) and mention counts.

    Items of the skills section that the taxonomy's text matcher misses are tried one by one with
    ``normalize`` (synonyms, spelling variants), then with ``listed_skill`` when the taxonomy has it
    (words of a ROME compétence or an ESCO label: "dépannage", "prise de rendez-vous").
    """
    skill_ranges = [(s.start, s.end) for s in sections if s.kind == "skills"] + inline

    def in_skills(offset: int) -> bool:
        return any(a <= offset < b for a, b in skill_ranges)

    mentions: dict[str, list[tuple[int, int, str]]] = {}
    labels: dict[str, str] = {}
    for mention in taxonomy.extract(text):
        mentions.setdefault(mention.key, []).append((mention.start, mention.end, mention.label))
        labels.setdefault(mention.key, mention.label)
    covered = [(a, b) for spans in mentions.values() for a, b, _ in spans]
    # ROME and ESCO labels are French: an English list ("Credit", "Sales") would meet them by chance.
    french = written_in_french(text)
    for start, end in skill_ranges:
        for a, b in _items(text, start, end):
            if any(a < y and x < b for x, y in covered):
                continue
            key = taxonomy.normalize(text[a:b])
            if key is not None:
                mentions.setdefault(key, []).append((a, b, taxonomy.label(key)))
                labels.setdefault(key, taxonomy.label(key))
                continue
            listed = getattr(taxonomy, "listed_skill", None) if french else None
            heading_line = (start, end) not in inline and a < _body_start(text, start)
            # An item in capitals only the loose lookup knows is a wrapped heading ("COMPÉTENCES / TECHNIQUES").
            shouted = text[a:b].isupper()
            if listed is None or heading_line or shouted or heading_kind(text[a:b]) is not None:
                continue  # the heading ("Compétences techniques") is no skill
            found = listed(text[a:b])
            if found is not None:
                mentions.setdefault(found[0], []).append((a, b, found[1]))
                labels.setdefault(found[0], found[1])
    skills: list[SkillEvidence] = []
    for key, spans in mentions.items():
        spans.sort()
        listed = [s for s in spans if in_skills(s[0])]
        first = listed[0] if listed else spans[0]
        skills.append(
            SkillEvidence(
                key=key,
                label=labels[key],
                evidence=Span(start=first[0], end=first[1], surface=text[first[0] : first[1]]),
                mentions=len(spans),
                in_skills_section=bool(listed),
            )
        )
    skills.sort(key=lambda s: (not s.in_skills_section, -s.mentions, s.evidence.start))
    return skills
