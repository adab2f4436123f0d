"""Salaries: France Travail labels → a monthly gross range, and the one way every display writes it.

Labels come as "Mensuel de 2200.0 Euros à 4000.0 Euros sur 12.0 mois", "Horaire de 11.88 Euros",
"Annuel de 42000,00 Euros", "De 35000,00 Euros à 35000,00 Euros", sometimes with the period wrong
("Mensuel de 28000.0 Euros" is a yearly amount) or no amount at all ("Annuel de"). Users see
"2 300 € brut/mois", "1 800 – 2 000 € brut/mois" or "non précisé", never the raw label.
"""

from __future__ import annotations

import re
from typing import Literal

HOURS_PER_MONTH = 151.67
# A monthly amount above this is a yearly salary written under the wrong period, and a yearly one below
# ANNUAL_FLOOR a monthly one (no full-time job in France pays 28,000 € a month or 2,000 € a year).
MONTHLY_CEILING = 10_000.0
ANNUAL_FLOOR = 5_000.0
HOURLY_CEILING = 200.0

_AMOUNT = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"  # "2 100,00", "2100.0"
_LABEL = re.compile(
    rf"(?:(?P<period>mensuel|annuel|horaire|autre|cachet)\s+)?de\s+(?P<lo>{_AMOUNT})\s*euros?"
    rf"(?:\s+à\s+(?P<hi>{_AMOUNT})\s*euros?)?",
    re.IGNORECASE,
)
_NOT_STATED = {"fr": "non précisé", "en": "not stated"}
_UNIT = {"fr": "€ brut/mois", "en": "€ gross/month"}


def parse_salary_label(label: str | None) -> tuple[float | None, float | None]:
    """Monthly gross (low, high) in euros from a France Travail label; (None, None) when it says no amount.

    >>> parse_salary_label("Horaire de 11.88 Euros sur 0.0 mois")
    (1801.84, None)
    >>> parse_salary_label("Mensuel de 28000.0 Euros à 32000.0 Euros sur 12.0 mois")
    (2333.33, 2666.67)
    """
    if not label:
        return None, None
    m = _LABEL.search(label)
    if m is None:
        return None, None
    period = (m.group("period") or "").lower()
    if period == "cachet":  # a fee per performance: no monthly equivalent
        return None, None
    amounts = [
        float(re.sub(r"[ \u00a0\u202f]", "", v).replace(",", "."))
        for v in (m.group("lo"), m.group("hi"))
        if v
    ]
    top = max(amounts)
    if period not in ("mensuel", "annuel", "horaire"):
        period = "annuel" if top >= MONTHLY_CEILING else "horaire" if top <= HOURLY_CEILING else "mensuel"
    elif period == "mensuel" and top >= MONTHLY_CEILING:
        period = "annuel"
    elif period == "annuel" and top < ANNUAL_FLOOR:
        period = "mensuel" if top > HOURLY_CEILING else "horaire"
    elif period == "horaire" and top > HOURLY_CEILING:
        period = "mensuel" if top < MONTHLY_CEILING else "annuel"
    factor = {"mensuel": 1.0, "annuel": 1 / 12, "horaire": HOURS_PER_MONTH}[period]
    monthly = [round(a * factor, 2) for a in amounts]
    low = monthly[0]
    high = monthly[1] if len(monthly) > 1 else None
    return low, high


def format_euros(value: float, lang: Literal["fr", "en"] = "fr") -> str:
    """Whole euros with the thousands separator of the language: "2 300" (fr), "2,300" (en)."""
    amount = f"{round(value):,}"
    return amount.replace(",", " ") if lang == "fr" else amount


def format_salary(low: float | None, high: float | None = None, lang: Literal["fr", "en"] = "fr") -> str:
    """ "2 300 € brut/mois", "1 800 – 2 000 € brut/mois" or "non précisé" (English: "2,300 € gross/month").

    >>> format_salary(2300.0, None)
    '2 300 € brut/mois'
    >>> format_salary(1801.84, 2000.0)
    '1 802 – 2 000 € brut/mois'
    >>> format_salary(None, None, "en")
    'not stated'
    """
    values = [v for v in (low, high) if v is not None and v > 0]
    if not values:
        return _NOT_STATED[lang]
    lo, hi = min(values), max(values)
    if round(lo) == round(hi):
        return f"{format_euros(lo, lang)} {_UNIT[lang]}"
    return f"{format_euros(lo, lang)} – {format_euros(hi, lang)} {_UNIT[lang]}"


def format_salary_label(label: str | None, lang: Literal["fr", "en"] = "fr") -> str:
    """A raw label (e.g. from a remote offers API) written the same way as stored salaries."""
    return format_salary(*parse_salary_label(label), lang=lang)
