"""Highest diploma level, French (Bac, BTS, Licence, Master, diplôme d'ingénieur, Doctorat) and English
(High School Diploma, Associate, Bachelor's, Master's, PhD) degrees mapped onto the French Bac+N scale.

Ambiguous words (``Master`` in ``Scrum Master``, ``Ingénieur`` as a job title) only count inside the
education section; the unambiguous forms count anywhere.
"""

from __future__ import annotations

import re

from cv.models import EDUCATION_RANK, EducationEvidence, EducationLevel, Section, Span
from domain.text import fold_offsets

# (pattern on folded text, level, only inside the education section)
_DEGREES: list[tuple[str, EducationLevel, bool]] = [
    (
        r"\bdoctorat\b|\bph\.? ?d\b|\bdoctorate\b|\bdoctor of (?!medicine)\w+|\bthese de doctorat\b",
        "doctorat",
        False,
    ),
    (r"\bdoctor of medicine\b|\bm\.d\.|\bpharm\.? ?d\b|\bdocteur en\b", "doctorat", False),
    (
        r"\bbac ?\+ ?[5-8]\b|\bmaster'?s\b|\bmaster (?:of|in|en|de|d'|1|2|pro|recherche|degree)\b",
        "bac+5",
        False,
    ),
    (
        r"\bmba\b|\bmastere\b|\bm\.?sc\b|\bm\.s\.|\bm\.a\.|\bdess\b|\bdea\b|\bj\.d\.|\bjuris doctor",
        "bac+5",
        False,
    ),
    (
        r"\bdiplome d'ingenieur|\becole d'ingenieurs?\b|\bingenieur diplome|\bengineering degree\b",
        "bac+5",
        False,
    ),
    (
        r"\bmaster\b|\bm2\b|\bingenieur\b|\becole de commerce\b|\bgrande ecole\b|\bsciences po\b",
        "bac+5",
        True,
    ),
    (r"\bbac ?\+ ?4\b", "bac+4", False),
    (r"\bmaitrise\b|\bm1\b", "bac+4", True),
    (
        r"\bbac ?\+ ?3\b|\blicence (?:pro|professionnelle|en|de|d'|[123]|generale)\b|\bbachelor'?s?\b",
        "bac+3",
        False,
    ),
    (r"\bb\.?sc\b|\bb\.s\.|\bb\.a\.|\bbba\b", "bac+3", False),
    (r"\blicence\b|\bl3\b", "bac+3", True),
    (
        r"\bbs in\b|\bba in\b|\bbs,|\bba,|\bbs degree\b|\bb\.?e\.? in\b|\bbeng\b|\bundergraduate degree\b",
        "bac+3",
        False,
    ),
    (r"\bbac ?\+ ?2\b|\bbts\b|\bdut\b|\bdeug\b|\bdeust\b|\bassociate'?s? (?:of|degree|in)\b", "bac+2", False),
    (r"\bassociate of\b|\ba\.a\.s?\b|\ba\.s\. degree\b|\bassociates degree\b", "bac+2", False),
    (r"\bbac(?:calaureat)?\b(?! ?\+)|\bhigh school diploma\b|\bged\b", "bac", False),
    (r"\bhigh school\b|\blycee\b", "bac", True),
    (r"\bcap\b|\bbep\b|\bbrevet professionnel\b", "cap_bep", True),
]
_COMPILED = [(re.compile(p), level, strict) for p, level, strict in _DEGREES]


def _highest(
    text: str, folded: str, ranges: list[tuple[int, int]], education: list[tuple[int, int]]
) -> EducationEvidence | None:
    best: EducationEvidence | None = None
    for pattern, level, strict in _COMPILED:
        if best is not None and EDUCATION_RANK[level] <= EDUCATION_RANK[best.level]:
            continue
        for start, end in ranges:
            match = next(
                (
                    m
                    for m in pattern.finditer(folded, start, end)
                    if not strict or any(a <= m.start() < b for a, b in education)
                ),
                None,
            )
            if match is None:
                continue
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : len(text) if line_end < 0 else line_end].strip(" •-–—\t")
            best = EducationEvidence(
                level=level,
                label=line[:160],
                evidence=Span(
                    start=match.start(), end=match.end(), surface=text[match.start() : match.end()]
                ),
            )
            break
    return best


def extract_education(text: str, sections: list[Section]) -> EducationEvidence | None:
    """The highest level mentioned, with the line it was read on as its label.

    The education section is read first; the rest of the text (a degree named in the summary) only
    when that section names none, so that a co-author's ``(PhD)`` in a publication list is ignored.
    """
    folded = fold_offsets(text)
    education = [(s.start, s.end) for s in sections if s.kind == "education"]
    return _highest(text, folded, education, education) or _highest(text, folded, [(0, len(text))], education)
