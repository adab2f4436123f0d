"""How a parsed CV is scored against its truth record, field by field.

- title: the parsed title, folded, equals the truth title or the ROME appellation's masculine or
  feminine form, or the ROME matcher puts the truth's code first for it;
- experience: total years within 1 year of the truth;
- skills: a truth skill is found when a parsed skill's surface or label equals it (case and accents
  aside), one containing the other, or both normalise to the same taxonomy key. Recall over truth
  skills; precision over the parsed skills, all of them and those read in a skills list;
- city, education level, each language with its level, name, email and phone: exact (phone digits);
- ROME: the truth code among the parsed target codes' top 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cv import ParsedCV
from referentials.taxonomy import default_rome, default_skill_taxonomy
from referentials.taxonomy.rome import gendered_forms
from referentials.taxonomy.text import fold

_NOT_SKILLS = {"language-spoken", "diploma"}
FIELDS = ("title", "experience", "skills", "city", "name", "email", "phone", "education", "languages", "rome")


@dataclass
class CVScore:
    id: str
    layout: str
    format: str
    hits: dict[str, bool] = field(default_factory=dict)
    skill_truth: int = 0
    skill_found: int = 0
    skill_parsed: int = 0
    skill_correct: int = 0
    listed_parsed: int = 0
    listed_correct: int = 0
    language_truth: int = 0
    language_found: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9+#]+", " ", fold(text)).strip()


@lru_cache(maxsize=4096)
def _key(text: str) -> str | None:
    return default_skill_taxonomy().normalize(text)


def _same_skill(truth: str, surfaces: list[str], key: str) -> bool:
    t = _norm(truth)
    for surface in surfaces:
        s = _norm(surface)
        if s and (s == t or (len(s) >= 4 and len(t) >= 4 and (s in t or t in s))):
            return True
    return _key(truth) == key


def _title_ok(truth: dict[str, Any], title: str | None) -> bool:
    if not title:
        return False
    forms = {_norm(truth["title"]), *(_norm(f) for f in gendered_forms(truth["rome_appellation"]))}
    if _norm(title) in forms:
        return True
    found = default_rome().find_codes(title, limit=1)
    return bool(found) and found[0][0] == truth["rome_code"]


def score_cv(truth: dict[str, Any], parsed: ParsedCV) -> CVScore:
    p = parsed.profile
    score = CVScore(truth["id"], truth["layout"], truth["format"])

    def check(name: str, ok: bool, detail: str) -> None:
        score.hits[name] = ok
        if not ok:
            score.misses.setdefault(name, []).append(detail)

    check("title", _title_ok(truth, p.title), f"{p.title!r} ≠ {truth['title']!r}")
    years = p.total_experience_years
    check(
        "experience",
        years is not None and abs(years - truth["total_experience_years"]) <= 1.0,
        f"{years} ≠ {truth['total_experience_years']}",
    )
    label = p.location.label if p.location else None
    check(
        "city", label is not None and _norm(label) == _norm(truth["city"]), f"{label!r} ≠ {truth['city']!r}"
    )
    name = parsed.personal.name.value if parsed.personal.name else None
    check("name", name is not None and _norm(name) == _norm(truth["name"]), f"{name!r} ≠ {truth['name']!r}")
    check("email", parsed.personal.email == truth["email"], f"{parsed.personal.email!r} ≠ {truth['email']!r}")
    phone = re.sub(r"\D", "", parsed.personal.phone or "")
    phone = "0" + phone[2:] if phone.startswith("33") else phone
    check("phone", phone == truth["phone"], f"{parsed.personal.phone!r} ≠ {truth['phone']!r}")
    check(
        "education",
        p.education_level == truth["education_level"],
        f"{p.education_level} ≠ {truth['education_level']} ({p.education.label if p.education else ''!r})",
    )
    codes = [o.code for o in getattr(p, "target_occupations", [])[:3]]
    check("rome", truth["rome_code"] in codes, f"{codes} ∌ {truth['rome_code']} ({p.title!r})")

    skills = [(s, [s.evidence.surface, s.label]) for s in p.skills]
    score.skill_truth = len(truth["skills"])
    for wanted in truth["skills"]:
        if any(_same_skill(wanted, surfaces, s.key) for s, surfaces in skills):
            score.skill_found += 1
        else:
            score.misses.setdefault("skills", []).append(f"missed {wanted!r}")
    for s, surfaces in skills:
        if default_skill_taxonomy().category(s.key) in _NOT_SKILLS:
            continue  # spoken languages and diplomas are scored as languages and education level
        ok = any(_same_skill(wanted, surfaces, s.key) for wanted in truth["skills"])
        score.skill_parsed += 1
        score.skill_correct += ok
        if s.in_skills_section:
            score.listed_parsed += 1
            score.listed_correct += ok
        if not ok:
            score.misses.setdefault("skills", []).append(f"extra {s.label!r} ({s.evidence.surface!r})")
    parsed_langs = {(lang.language, lang.level) for lang in p.languages}
    score.language_truth = len(truth["languages"])
    for lang in truth["languages"]:
        if (lang["language"], lang["level"]) in parsed_langs:
            score.language_found += 1
        else:
            score.misses.setdefault("languages", []).append(f"{lang} not in {sorted(parsed_langs, key=str)}")
    score.hits["languages"] = score.language_found == score.language_truth
    return score


def summarise(scores: list[CVScore]) -> dict[str, float]:
    n = max(len(scores), 1)

    def share(name: str) -> float:
        return sum(s.hits.get(name, False) for s in scores) / n

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    return {
        "title": share("title"),
        "experience within 1 year": share("experience"),
        "skill recall": ratio(sum(s.skill_found for s in scores), sum(s.skill_truth for s in scores)),
        "skill precision (all)": ratio(
            sum(s.skill_correct for s in scores), sum(s.skill_parsed for s in scores)
        ),
        "skill precision (listed)": ratio(
            sum(s.listed_correct for s in scores), sum(s.listed_parsed for s in scores)
        ),
        "city": share("city"),
        "name": share("name"),
        "email": share("email"),
        "phone": share("phone"),
        "education level": share("education"),
        "languages with level": ratio(
            sum(s.language_found for s in scores), sum(s.language_truth for s in scores)
        ),
        "ROME code in top 3": share("rome"),
    }
