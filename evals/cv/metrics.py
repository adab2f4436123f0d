"""Field-level matching rules of the CV eval: one pure function per field, on folded text.

Folding (``referentials.taxonomy.text.fold``) lowercases and strips accents; ``_words`` also turns
punctuation into spaces, so "Chauffeur-livreur" = "chauffeur livreur".

- title: the parsed title (or, without one, the headline) equals the truth title, or contains it with at
  most 4 extra words ("Cariste confirmé – 8 ans d'expérience" holds "Cariste confirmé").
- experience: |parsed total years − truth years| ≤ 1 (missing counts as wrong). The truth counts every
  listed position (apprenticeships, internships, a career changer's former trade), overlaps once, with the
  parser's conventions (``offline/cv_generator/periods.py``).
- skills: a truth skill (as written) is found when a parsed skill's surface lies inside it or holds it
  (whole words), or when the taxonomy normalises the truth skill to the parsed key. A parsed skill is
  correct when it matches some truth skill that way. Spoken languages the taxonomy also lists are left
  to the language metric. Recall and precision are micro-averaged over the split.
- city: the parsed location's label or raw text starts with the truth city (whole words), or carries its
  postcode. name: the same folded words in any order ("DUPONT Marie" = "Marie Dupont"); email:
  case-insensitive equal; phone: digits equal after +33 → 0 ("+33 (0)6…" too).
- education: parsed level equals truth level (the highest diploma the CV names, one in progress included). languages: a truth (language, CEFR level or ``native``)
  pair is found when the parser gives that language with that level (micro-averaged).
- rome_top3: the truth ROME code is among the first three codes of the seeker built from the profile
  (``scoring.seeker.seeker_from_profile``, what matching uses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cv.models import ParsedCV, SkillEvidence
from referentials.taxonomy.text import fold

MAX_EXTRA_TITLE_WORDS = 4
EXPERIENCE_TOLERANCE_YEARS = 1.0


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9+#]+", fold(text)))


def _inside(small: str, big: str) -> bool:
    return bool(small) and f" {small} " in f" {big} "


def title_ok(parsed: ParsedCV, truth: str) -> bool:
    profile = parsed.profile
    got = profile.title or (profile.headline.text if profile.headline else None)
    if not got:
        return False
    a, b = words(got), words(truth)
    return a == b or (_inside(b, a) and len(a.split()) - len(b.split()) <= MAX_EXTRA_TITLE_WORDS)


def experience_ok(parsed: ParsedCV, truth_years: float) -> bool:
    got = parsed.profile.total_experience_years
    return got is not None and abs(got - truth_years) <= EXPERIENCE_TOLERANCE_YEARS


@dataclass(frozen=True)
class SkillCounts:
    truth: int
    found: int
    parsed: int
    correct: int
    missed: tuple[str, ...]
    wrong: tuple[str, ...]


def skill_counts(
    parsed_skills: Sequence[SkillEvidence],
    truth: Sequence[str],
    normalize: Callable[[str], str | None],
    is_spoken_language: Callable[[str], bool],
) -> SkillCounts:
    kept = [s for s in parsed_skills if not is_spoken_language(s.key)]
    truth_words = [words(t) for t in truth]
    truth_keys = [normalize(t) for t in truth]

    def match(s: SkillEvidence, i: int) -> bool:
        surface = words(s.evidence.surface)
        return (
            truth_keys[i] == s.key
            or _inside(surface, truth_words[i])
            or _inside(truth_words[i], surface)
            or words(s.label) == truth_words[i]
        )

    found = [i for i in range(len(truth)) if any(match(s, i) for s in kept)]
    correct = [s for s in kept if any(match(s, i) for i in range(len(truth)))]
    return SkillCounts(
        truth=len(truth),
        found=len(found),
        parsed=len(kept),
        correct=len(correct),
        missed=tuple(t for i, t in enumerate(truth) if i not in found),
        wrong=tuple(f"{s.label} [{s.evidence.surface}]" for s in kept if s not in correct),
    )


def city_ok(parsed: ParsedCV, city: str, postcode: str | None) -> bool:
    loc = parsed.profile.location
    if loc is None:
        return False
    want = words(city)
    for text in (loc.label, loc.raw):
        got = words(text)
        if got == want or got.startswith(want + " ") or _inside(want, got):
            return True
    return bool(postcode) and (loc.postcode == postcode or (postcode or "") in loc.raw)


def name_ok(parsed: ParsedCV, name: str) -> bool:
    got = parsed.personal.name
    return got is not None and sorted(words(got.value).split()) == sorted(words(name).split())


def email_ok(parsed: ParsedCV, email: str) -> bool:
    return any(e.value.strip().lower() == email.lower() for e in parsed.personal.emails)


def phone_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("330") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def phone_ok(parsed: ParsedCV, phone: str) -> bool:
    return any(phone_digits(p.value) == phone for p in parsed.personal.phones)


def education_ok(parsed: ParsedCV, level: str | None) -> bool:
    return parsed.profile.education_level == level


def language_counts(parsed: ParsedCV, truth: Sequence[dict[str, str | None]]) -> tuple[int, int, list[str]]:
    got = {(fold(lang.language), lang.level) for lang in parsed.profile.languages}
    missed = [
        f"{t['language']} {t['level']}" for t in truth if (fold(str(t["language"])), t["level"]) not in got
    ]
    return len(truth), len(truth) - len(missed), missed
