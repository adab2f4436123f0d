"""Employment periods written the way French CVs write them, and the experience they stand for.

A period is a half-open range of month indices (``year * 12 + month - 1``). The truth counts what the text
says, with the parser's documented conventions: month bounds are inclusive (``09/2016 à 06/2019`` is 34
months), year-only bounds read as the start of the year (``De 2012 à 2014`` is 2 years, ``depuis 2019`` runs
from January 2019), an ongoing period runs to the reference date's month inclusive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_ABBR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
ONGOING = ("aujourd'hui", "à ce jour", "présent", "maintenant", "en cours")

DATE_STYLES = ("abbr", "depuis", "depuis_an", "slash_a", "de_annee", "full", "years", "de_mois", "slash_dash")
YEAR_ONLY = ("de_annee", "years", "depuis_an")


@dataclass(frozen=True)
class Period:
    """``start`` and ``end`` are (year, month); ``end`` None is an ongoing position."""

    start: tuple[int, int]
    end: tuple[int, int] | None
    style: str

    @property
    def year_only(self) -> bool:
        return self.style in ("de_annee", "years", "depuis_an")

    def month_range(self, as_of: date) -> tuple[int, int]:
        """Half-open month-index range the written text stands for."""
        sy, sm = self.start
        if self.year_only:
            lo = sy * 12
            hi = (self.end[0] * 12) if self.end else as_of.year * 12 + as_of.month
            return lo, hi
        lo = sy * 12 + sm - 1
        if self.end is None:
            return lo, as_of.year * 12 + as_of.month
        ey, em = self.end
        return lo, ey * 12 + em


def merged_months(periods: list[Period], as_of: date) -> int:
    """Months covered by at least one period (overlaps counted once)."""
    ranges = sorted(p.month_range(as_of) for p in periods)
    total, cur_lo, cur_hi = 0, None, None
    for lo, hi in ranges:
        if cur_hi is None or lo > cur_hi:
            if cur_hi is not None and cur_lo is not None:
                total += cur_hi - cur_lo
            cur_lo, cur_hi = lo, hi
        else:
            cur_hi = max(cur_hi, hi)
    if cur_hi is not None and cur_lo is not None:
        total += cur_hi - cur_lo
    return total


def render(period: Period, rng: random.Random) -> str:
    (sy, sm), end, style = period.start, period.end, period.style
    ongoing = rng.choice(ONGOING)
    dash = rng.choice((" – ", " - ", " — "))
    if style == "abbr":
        tail = ongoing if end is None else f"{MONTHS_ABBR[end[1] - 1]} {end[0]}"
        return f"{MONTHS_ABBR[sm - 1]} {sy}{dash}{tail}"
    if style == "depuis":
        return f"{rng.choice(('Depuis', 'depuis'))} {MONTHS[sm - 1]} {sy}"
    if style == "depuis_an":
        return f"Depuis {sy}"
    if style == "slash_a":
        tail = ongoing if end is None else f"{end[1]:02d}/{end[0]}"
        return f"{sm:02d}/{sy} à {tail}"
    if style == "slash_dash":
        tail = ongoing if end is None else f"{end[1]:02d}/{end[0]}"
        return f"{sm:02d}/{sy}{dash}{tail}"
    if style == "de_annee":
        assert end is not None
        return f"De {sy} à {end[0]}"
    if style == "years":
        assert end is not None
        return f"{sy}{dash}{end[0]}"
    if style == "full":
        tail = ongoing.capitalize() if end is None else f"{MONTHS[end[1] - 1].capitalize()} {end[0]}"
        return f"{MONTHS[sm - 1].capitalize()} {sy}{dash}{tail}"
    if style == "de_mois":
        tail = ongoing if end is None else f"{MONTHS[end[1] - 1]} {end[0]}"
        return f"de {MONTHS[sm - 1]} {sy} à {tail}"
    raise ValueError(style)


def pick_style(rng: random.Random, ongoing: bool) -> str:
    if ongoing:
        return rng.choice(("abbr", "depuis", "slash_a", "full", "de_mois", "slash_dash", "abbr", "depuis_an"))
    return rng.choice(("abbr", "slash_a", "de_annee", "full", "years", "de_mois", "slash_dash"))
