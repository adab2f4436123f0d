"""Spoken languages and their levels (``anglais courant``, ``English (C1)``, ``fluent in Spanish``).

Inside a languages section a language name alone counts; elsewhere it needs a level right next to it
(``Spanish-speaking clients`` is not a language skill, ``fluent in Spanish`` is).
"""

from __future__ import annotations

import re

from cv.models import LanguageLevel, LanguageSkill, Section, Span
from domain.languages import LANGUAGE_NAMES
from domain.text import fold_offsets

_LANGUAGES = LANGUAGE_NAMES
# Ordered: the first pattern that matches in the window gives the level.
_LEVELS: list[tuple[str, LanguageLevel]] = [
    (r"langue maternelle|maternelle|natif|native|mother tongue|first language|native speaker", "native"),
    (r"bilingue|bilingual|\bc2\b", "C2"),
    (r"\bc1\b|courant|fluent|fluency|fluently|avance|advanced|tres bon|excellent|maitrise", "C1"),
    (r"\bb2\b|professionnel|professional|bon niveau|\bgood\b|\bbon\b|upper.intermediate", "B2"),
    (
        r"\bb1\b|intermediaire|intermediate|conversational|conversationnel|lu,? ecrit,? parle|operationnel",
        "B1",
    ),
    (r"\ba2\b|scolaire|notions|basic|basique|elementaire|elementary|working knowledge|limited|moyen", "A2"),
    (r"\ba1\b|debutant|beginner|novice", "A1"),
]
_SCORE_RE = re.compile(r"\b(toeic|toefl|ielts)\s*(?:ibt)?\s*:?\s*(\d{1,3}(?:[.,]\d)?)")
_NAME_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(_LANGUAGES, key=len, reverse=True)) + r")(?![\w-])")
_CEFR: dict[str, LanguageLevel] = {"a1": "A1", "a2": "A2", "b1": "B1", "b2": "B2", "c1": "C1", "c2": "C2"}
_CEFR_RE = re.compile(r"(?<![\w-])[abc][12](?![\w-])")
_CONNECTOR_RE = re.compile(r"^\s*(?:,|/|&|-|et|and|ou|or|\+)?\s*$")


def _score_level(test: str, value: float) -> LanguageLevel | None:
    thresholds = {"toeic": (945, 785, 550, 225), "toefl": (95, 72, 42, 1), "ielts": (7.0, 5.5, 4.0, 1)}
    c1, b2, b1, a2 = thresholds[test]
    if value >= c1:
        return "C1"
    if value >= b2:
        return "B2"
    if value >= b1:
        return "B1"
    return "A2" if value >= a2 else None


def _level_in(window: str, cefr: bool = True) -> tuple[LanguageLevel, int, int] | None:
    """The level named first in ``window`` (folded) and its offsets there."""
    best: tuple[LanguageLevel, int, int] | None = None
    score = _SCORE_RE.search(window) if cefr else None
    if score:
        level = _score_level(score.group(1), float(score.group(2).replace(",", ".")))
        if level:
            best = (level, score.start(), score.end())
    stated = _CEFR_RE.search(window) if cefr else None
    if stated:
        # "courant (B2)": a CECRL level written out is kept as written, whatever word comes with it.
        return _CEFR[stated.group(0)], stated.start(), stated.end()
    for pattern, level in _LEVELS:
        for match in re.finditer(pattern, window):
            if not cefr and re.fullmatch(r"[abc][12]", match.group(0)):
                continue
            if best is None or match.start() < best[1]:
                best = (level, match.start(), match.end())
            break
    return best


def _level_before(window: str) -> tuple[LanguageLevel, int, int] | None:
    """A level word written just before the language: ``fluent in Spanish``, ``native English``."""
    trimmed = re.sub(r"(\s+(in|en|of|de))?(\s+(both|the|les|l'))?[\s(:]*$", "", window)
    level = _level_in(trimmed, cefr=False)
    if level is None or trimmed[level[2] :].strip():
        return None
    return level


def _in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in ranges)


def extract_languages(
    text: str, sections: list[Section], inline: list[tuple[int, int]]
) -> list[LanguageSkill]:
    """Languages with a level when one is stated, first mention per language."""
    folded = fold_offsets(text)
    in_section = [(s.start, s.end) for s in sections if s.kind == "languages"] + inline
    mentions = list(_NAME_RE.finditer(folded))
    found: dict[str, LanguageSkill] = {}
    for index, match in enumerate(mentions):
        line_start = folded.rfind("\n", 0, match.start()) + 1
        line_end = folded.find("\n", match.end())
        line_end = len(folded) if line_end < 0 else line_end
        previous_end = mentions[index - 1].end() if index else 0
        next_start = mentions[index + 1].start() if index + 1 < len(mentions) else len(folded)
        stop = re.search(r"[;,|•]", folded[match.end() : line_end])
        after_stop = min(
            line_end, next_start, match.end() + 45, match.end() + stop.start() if stop else line_end
        )
        before_start = max(line_start, previous_end, match.start() - 25)
        level = _level_in(folded[match.end() : after_stop])
        window_start = match.end()
        if level is None:
            level = _level_before(folded[before_start : match.start()])
            window_start = before_start
        if level is None:
            level, window_start = _shared_level(folded, mentions, index, line_start, line_end)
        listed = _in_ranges(match.start(), in_section)
        if level is None and not listed:
            continue
        language = _LANGUAGES[match.group(1)]
        skill = LanguageSkill(
            language=language,
            level=level[0] if level else None,
            level_text=text[window_start + level[1] : window_start + level[2]] if level else None,
            evidence=Span(start=match.start(), end=match.end(), surface=text[match.start() : match.end()]),
        )
        if language not in found or (found[language].level is None and skill.level is not None):
            found[language] = skill
    return list(found.values())


def _shared_level(
    folded: str, mentions: list[re.Match[str]], index: int, line_start: int, line_end: int
) -> tuple[tuple[LanguageLevel, int, int] | None, int]:
    """``fluent in English and Spanish``: a level before the first or after the last of a linked group."""
    first = last = index
    while first > 0 and _CONNECTOR_RE.match(folded[mentions[first - 1].end() : mentions[first].start()]):
        first -= 1
    while last + 1 < len(mentions) and _CONNECTOR_RE.match(
        folded[mentions[last].end() : mentions[last + 1].start()]
    ):
        last += 1
    if first == last:
        return None, 0
    before = max(line_start, mentions[first].start() - 25)
    level = _level_before(folded[before : mentions[first].start()])
    if level:
        return level, before
    after = mentions[last].end()
    return _level_in(folded[after : min(line_end, after + 30)]), after
