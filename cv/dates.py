"""Date ranges of French and English CVs and the arithmetic of experience periods.

``2019 - 2023``, ``janv. 2020 – aujourd'hui``, ``03/2018 - present``, ``Sept 2015 to Current``,
``depuis 2021``. Months are counted inclusively (``03/2018 - 05/2018`` is 3 months); year-only bounds
read as the start of the year (``2019 - 2023`` is 4 years, a same-year range half a year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cv.models import Period, Span
from domain.text import fold_offsets

_MONTHS: dict[str, int] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "january": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "october": 10,
    "oct": 10,
    "novembre": 11,
    "november": 11,
    "nov": 11,
    "decembre": 12,
    "december": 12,
    "dec": 12,
    "printemps": 3,
    "spring": 3,
    "ete": 6,
    "summer": 6,
    "automne": 9,
    "fall": 9,
    "autumn": 9,
    "hiver": 1,
    "winter": 1,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DATE = (
    rf"(?:(?P<{{p}}mname>{_MONTH})\.?\s*(?:de\s+|')?(?P<{{p}}y1>{_YEAR})"
    rf"|(?:\d{{{{1,2}}}}[/.])?(?P<{{p}}mnum>0?[1-9]|1[0-2]) ?[/.-] ?(?P<{{p}}y2>{_YEAR})"
    rf"|(?P<{{p}}y3>{_YEAR}) ?[/.-] ?(?P<{{p}}mnum2>0[1-9]|1[0-2])(?!\d)"
    rf"|(?P<{{p}}y4>{_YEAR}))"
)
_PRESENT = (
    r"(?P<present>aujourd'hui|aujourd hui|a ce jour|ce jour|a present|present|presente|actuellement|"
    r"actuel|en cours|maintenant|current|currently|now|today|to date|date|ongoing)"
)
_SEP = r"(?:[-–—−→~]|\bto\b|\ba\b|\bau\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\bjusqu'(?:a|au|en)\b)"
_WS = r"[^\S\n]*\n?[^\S\n]*\n?[^\S\n]*\n?[^\S\n]*"
_RANGE_RE = re.compile(
    rf"(?<![\w/.])(?:(?:de|du|from|between)\s+)?{_DATE.format(p='s')}{_WS}{_SEP}{_WS}"
    rf"(?:(?:le|l'|the)\s+)?(?:{_DATE.format(p='e')}|{_PRESENT})(?![\w/])"
    rf"|(?<![\w/.])(?:depuis|since)\s+(?:le\s+|l')?{_DATE.format(p='c')}(?![\w/])"
)


@dataclass(frozen=True)
class DateRange:
    """A parsed range; ``first`` and ``stop`` are month indexes (year * 12 + month - 1), stop exclusive."""

    first: int
    stop: int
    ongoing: bool
    precision: str
    start: int
    end: int

    @property
    def months(self) -> int:
        return max(self.stop - self.first, 0)


def _month_index(match: re.Match[str], prefix: str) -> tuple[int, bool] | None:
    """(month index, month known) of one side of a range."""
    g = match.groupdict()
    if g.get(f"{prefix}mname") and g.get(f"{prefix}y1"):
        return int(g[f"{prefix}y1"]) * 12 + _MONTHS[g[f"{prefix}mname"]] - 1, True
    if g.get(f"{prefix}y2"):
        return int(g[f"{prefix}y2"]) * 12 + int(g[f"{prefix}mnum"]) - 1, True
    if g.get(f"{prefix}y3"):
        return int(g[f"{prefix}y3"]) * 12 + int(g[f"{prefix}mnum2"]) - 1, True
    if g.get(f"{prefix}y4"):
        return int(g[f"{prefix}y4"]) * 12, False
    return None


def find_date_ranges(text: str, today: date) -> list[DateRange]:
    """Every plausible date range in ``text`` (end not before start, not in the future, < 50 years)."""
    folded = fold_offsets(text)
    now = today.year * 12 + today.month - 1
    ranges: list[DateRange] = []
    for match in _RANGE_RE.finditer(folded):
        start_side = _month_index(match, "s") or _month_index(match, "c")
        if start_side is None:
            continue
        first, start_known = start_side
        end_side = _month_index(match, "e")
        ongoing = end_side is None
        if ongoing:
            stop, end_known = now + 1, True
        else:
            assert end_side is not None
            stop, end_known = end_side
            stop += 1 if end_known else 0
        if not end_known and not start_known and stop <= first:
            stop = first + 6
        elif not start_known and end_known and stop <= first:
            continue
        elif start_known and not end_known:
            stop = max(stop, first + 1)
        if stop <= first or first > now or stop - first > 50 * 12:
            continue
        stop = min(stop, now + 1)
        precision = "month" if start_known else "year"
        ranges.append(DateRange(first, stop, ongoing, precision, match.start(), match.end()))
    return ranges


def merged_months(ranges: list[DateRange]) -> int:
    """Months covered by the union of the ranges: overlapping jobs are counted once."""
    total = 0
    current: tuple[int, int] | None = None
    for first, stop in sorted((r.first, r.stop) for r in ranges):
        if current is None or first > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (first, stop)
        else:
            current = (current[0], max(current[1], stop))
    if current is not None:
        total += current[1] - current[0]
    return total


def to_period(rng: DateRange, text: str) -> Period:
    """The pydantic view of a range, with its evidence span in ``text``."""
    start = date(rng.first // 12, rng.first % 12 + 1, 1)
    last = rng.stop - 1
    end = None if rng.ongoing else date(last // 12, last % 12 + 1, 1)
    precision: Literal["month", "year"] = "month" if rng.precision == "month" else "year"
    return Period(
        start=start,
        end=end,
        months=rng.months,
        precision=precision,
        evidence=Span(start=rng.start, end=rng.end, surface=text[rng.start : rng.end]),
    )
