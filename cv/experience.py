"""Job titles with their periods, and the total experience they add up to.

A date range in the experience part of the CV anchors one position; its title is read on the range's
own line (``Développeur Python — Acme, 2019 - 2023``), else on the line just above or below it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from cv.dates import DateRange, find_date_ranges, merged_months, to_period
from cv.models import ExperienceEntry, Section, Span
from cv.sections import Line, heading_kind, section_at, split_lines
from domain.text import fold_offsets

_TITLE_WORDS_TEXT = """
developpeur developpeuse ingenieur ingenieure technicien technicienne chef responsable directeur
directrice assistant assistante consultant consultante analyste architecte charge chargee
gestionnaire comptable commercial commerciale vendeur vendeuse conseiller conseillere agent
operateur operatrice employe employee stagiaire alternant alternante apprenti apprentie infirmier
infirmiere aide auxiliaire cuisinier cuisiniere serveur serveuse boulanger professeur enseignant
enseignante formateur formatrice educateur educatrice animateur animatrice secretaire juriste avocat
avocate auditeur auditrice controleur controleuse manager coordinateur coordinatrice superviseur
president presidente fondateur fondatrice gerant gerante cadre attache attachee acheteur acheteuse
logisticien magasinier preparateur preparatrice cariste chauffeur livreur mecanicien electricien
plombier macon soudeur designer graphiste redacteur redactrice journaliste administrateur
administratrice chercheur chercheuse doctorant doctorante pharmacien medecin psychologue commis
caissier caissiere hote hotesse receptionniste product owner scrum lead data devops developer
engineer technician director consultant analyst architect specialist officer coordinator supervisor
administrator accountant clerk representative associate executive advisor adviser operator intern
teacher instructor professor nurse cook server cashier driver mechanic electrician writer editor
founder owner head vice vp ceo cfo cto coo controller auditor attorney lawyer paralegal trainer
coach recruiter planner buyer scientist researcher therapist pharmacist physician secretary
receptionist bookkeeper banker teller underwriter broker estimator superintendent foreman worker
laborer technologist programmer tester tutor counselor sales partner principal producer photographer
artist stylist merchandiser pilot liaison generalist strategist auditor examiner inspector
dispatcher bartender host hostess housekeeper custodian chief captain sergeant lieutenant commander
officer
"""
_TITLE_WORDS = frozenset(_TITLE_WORDS_TEXT.split())
_PLACEHOLDERS_RE = re.compile(r"\bCompany Name\b|\bCity\s*,\s*State\b|\bCity\b|\bState\b")
_SPLIT_RE = re.compile(
    r"\s+[—–|@]\s+|\s+-\s+|\s*\|\s*|,\s+|\s+chez\s+|\s+at\s+|\s+pour\s+|\s*\(", re.IGNORECASE
)
_EDGE_RE = re.compile(r"^[\s•\-–—|,:;.()\[\]/*·]+|[\s•\-–—|,:;(\[/*·]+$")
_NON_EXPERIENCE = {
    "education",
    "certifications",
    "awards",
    "interests",
    "languages",
    "references",
    "projects",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", fold_offsets(text))


def has_title_word(text: str) -> bool:
    """True when ``text`` holds a job-title word (développeur, engineer, chef, manager...)."""
    return any(w in _TITLE_WORDS for w in _words(text))


def _clean(text: str) -> str:
    text = _PLACEHOLDERS_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    previous = None
    while previous != text:
        previous = text
        text = _EDGE_RE.sub("", text).strip()
    return text


def _title_from(fragment: str) -> str | None:
    """The title part of ``Développeur Python — Acme, Paris``: the chunk with a title word, else the first."""
    cleaned = _clean(fragment)
    if len(re.findall(r"[^\W\d_]", cleaned)) < 3:
        return None
    chunks = [c for c in (_clean(part) for part in _SPLIT_RE.split(cleaned)) if c]
    titled = [c for c in chunks if has_title_word(c) and len(c) >= 3]
    title = titled[0] if titled else (chunks[0] if chunks else cleaned)
    if len(title.split()) > 12 or len(re.findall(r"[^\W\d_]", title)) < 3:
        return None
    return title[:100]


def _title_like(line: Line) -> bool:
    value = line.value.strip()
    if not value or value.startswith("•") or heading_kind(value) is not None:
        return False
    words = value.split()
    return len(words) <= 14 and not value.endswith((".", ";")) and any(c.isalpha() for c in value)


def _neighbour(lines: list[Line], index: int, step: int) -> tuple[Line | None, bool]:
    """Nearest line with words above (step -1) or below (+1) and whether a blank line separates it."""
    gap = False
    i = index + step
    while 0 <= i < len(lines) and abs(i - index) <= 6:
        if sum(c.isalpha() for c in lines[i].value) >= 2:
            return lines[i], gap
        gap = gap or not lines[i].value.strip()
        i += step
    return None, gap


class _LineIndex:
    """Offset -> index of the line holding it."""

    def __init__(self, lines: list[Line]) -> None:
        self._starts = [line.start for line in lines]

    def __getitem__(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1


def _title_for(rng: DateRange, text: str, lines: list[Line], line_index: _LineIndex) -> Span | None:
    first = line_index[rng.start]
    last = line_index[max(rng.end - 1, rng.start)]
    line, end_line = lines[first], lines[last]
    candidates: list[tuple[int, int]] = [(line.start, rng.start), (rng.end, end_line.end)]
    above, gap_above = _neighbour(lines, first, -1)
    below, _ = _neighbour(lines, last, +1)
    ordered: list[Line] = []
    for neighbour in (above, below):
        if neighbour is not None and _title_like(neighbour) and has_title_word(neighbour.value):
            ordered.append(neighbour)
    if above is not None and _title_like(above) and not gap_above:
        ordered.append(above)
    if below is not None and _title_like(below):
        ordered.append(below)
    if above is not None and _title_like(above):
        ordered.append(above)
    candidates.extend((n.start, n.end) for n in ordered)
    for start, end in candidates:
        fragment = text[start:end]
        title = _title_from(fragment)
        if title is None:
            continue
        offset = text.find(title, start, end)
        if offset < 0:
            continue
        return Span(start=offset, end=offset + len(title), surface=title)
    return None


def extract_experience(
    text: str, sections: list[Section], today: date
) -> tuple[list[ExperienceEntry], float | None, list[Span]]:
    """Positions held, total years (overlaps merged) and the spans the total was computed from."""
    lines = split_lines(text)
    line_index = _LineIndex(lines)
    has_experience_section = any(s.kind == "experience" for s in sections)
    kept: list[DateRange] = []
    for rng in find_date_ranges(text, today):
        kind = section_at(sections, rng.start)
        if has_experience_section and kind != "experience":
            continue
        if not has_experience_section and kind in _NON_EXPERIENCE:
            continue
        line = lines[line_index[rng.start]]
        at_edge = not _clean(text[line.start : rng.start]) or not _clean(text[rng.end : line.end])
        if len(line.value) > 160 and not at_edge:
            continue
        kept.append(rng)
    entries: list[ExperienceEntry] = []
    seen: set[tuple[str, int, int]] = set()
    for rng in kept:
        span = _title_for(rng, text, lines, line_index)
        period = to_period(rng, text)
        title = span.surface if span else ""
        key = (title.lower(), rng.first, rng.stop)
        if key in seen:
            continue
        seen.add(key)
        evidence = span or period.evidence
        entries.append(ExperienceEntry(title=title, period=period, current=rng.ongoing, evidence=evidence))
    unique = {(r.first, r.stop): r for r in kept}
    if not unique:
        return entries, None, []
    years = round(merged_months(list(unique.values())) / 12, 1)
    return entries, years, [e.period.evidence for e in entries]
