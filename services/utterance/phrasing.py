"""How the offline planner words search criteria and durations, in French and English."""

from __future__ import annotations

from typing import Any

from domain.salary import format_euros
from domain.vocabulary import CONTRACT_LABELS
from services.utterance.text import Lang

CONTRACT_NAMES = CONTRACT_LABELS


def criteria(applied: dict[str, Any], lang: Lang, skill_labels: list[str] | None = None) -> str:
    """The applied filters in words: "« développeur » · Python · Lyon (30 km) · CDI"."""
    names = CONTRACT_NAMES[lang]
    out: list[str] = []
    if applied.get("cv_id"):
        out.append("d'après votre CV" if lang == "fr" else "based on your CV")
    if applied.get("query"):
        out.append(f"« {applied['query']} »")
    out += skill_labels or list(applied.get("skills") or [])
    if applied.get("place"):
        radius = applied.get("radius_km")
        out.append(f"{applied['place']} ({radius:g} km)" if radius else str(applied["place"]))
    if applied.get("contracts"):
        out.append(" / ".join(names.get(c, c) for c in applied["contracts"]))
    if applied.get("exclude_contracts"):
        label = "sans" if lang == "fr" else "no"
        out.append(f"{label} " + " / ".join(names.get(c, c) for c in applied["exclude_contracts"]))
    lo, hi = applied.get("experience_min_months"), applied.get("experience_max_months")
    xp = "expérience" if lang == "fr" else "experience"
    if lo is not None:
        out.append(f"{xp} ≥ {years(lo, lang)}")
    if hi is not None:
        out.append(
            ("débutant accepté" if lang == "fr" else "entry level")
            if hi == 0
            else f"{xp} ≤ {years(hi, lang)}"
        )
    if applied.get("remote") is True:
        out.append("télétravail" if lang == "fr" else "remote")
    elif applied.get("remote") is False:
        out.append("sur site" if lang == "fr" else "on site")
    if applied.get("languages"):
        spoken = " + ".join(map(str, applied["languages"]))
        out.append(f"parle {spoken}" if lang == "fr" else f"speaks {spoken}")
    if applied.get("salary_min_monthly"):
        floor = format_euros(applied["salary_min_monthly"], lang)
        out.append(f"≥ {floor} €/{'mois' if lang == 'fr' else 'month'}")
    if applied.get("published_within_days"):
        days = applied["published_within_days"]
        out.append(f"publiées depuis {days} j" if lang == "fr" else f"posted within {days} days")
    return " · ".join(out)


def years(months: int, lang: Lang) -> str:
    years = round(months / 12, 1)
    shown = f"{years:g}" if years == int(years) else f"{years:.1f}".replace(".", "," if lang == "fr" else ".")
    return (
        f"{shown} an{'s' if years >= 2 else ''}"
        if lang == "fr"
        else f"{shown} year{'s' if years != 1 else ''}"
    )
