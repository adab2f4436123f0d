"""Where the candidate lives: geocoded when the gazetteer knows the place, else the raw text.

Read in this order: a postcode and city in the contact zone (``75011 Paris``), a labelled line
(``Localisation : Lyon``), a French place named in the header, a mobility line, then a foreign
``City, ST`` written in the header.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from cv.experience import has_title_word
from cv.models import CandidateLocation, Section, Span
from cv.sections import split_lines

if TYPE_CHECKING:
    from referentials.geo.place import Place


class PlaceResolver(Protocol):
    """What the CV parser needs from ``referentials.geo``'s gazetteer."""

    def lookup(self, name: str) -> Place | None: ...

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]: ...


# "69003 Lyon", and "[adresse], 60000" then "Beauvais" on the next line of a narrow sidebar.
_POSTCODE_CITY_RE = re.compile(r"\b(\d{5})(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)([A-ZÀ-Ý][^\n,;|()\[\]]{1,40})")
_LABEL_RE = re.compile(
    r"(?im)^[^\S\n]*(?:(localisation|location|lieu de r[ée]sidence|ville|city|domicile|r[ée]sidence|"
    r"mobilit[ée] g[ée]ographique|mobilit[ée]|zone g[ée]ographique)[^\S\n]*:|(based in|bas[ée]e? [àa]))"
    r"[^\S\n]*([^\n]{2,80})$"
)
_US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "ON",
    "QC",
    "BC",
    "AB",
]
_FOREIGN_RE = re.compile(
    rf"\b([A-Z][a-zA-Z.'-]+(?: [A-Z][a-zA-Z.'-]+){{0,2}}),\s*({'|'.join(_US_STATES)})\b(?:\s+\d{{5}})?"
)
_PLACEHOLDER = {"city", "state", "city , state", "city, state"}
_CHUNK_RE = re.compile(r"\s+[|•·–—-]\s+|\s*[|•]\s*")
_PLACEHOLDER_RE = re.compile(r"\[[^\]]{2,20}\]")
_KINDS = {"commune", "arrondissement", "postcode", "departement", "region"}


def _contact_zone(sections: list[Section], text: str) -> list[tuple[int, int]]:
    zone = [(s.start, s.end) for s in sections if s.kind in {"header", "personal"}]
    return zone or [(0, min(len(text), 600))]


def _located(place: Place, raw: str, start: int, end: int, text: str) -> CandidateLocation:
    departments = tuple(place.departments)
    return CandidateLocation(
        label=place.label,
        raw=raw,
        lat=place.lat,
        lon=place.lon,
        department=departments[0] if len(departments) == 1 else None,
        postcode=place.postcode,
        geocoded=True,
        evidence=Span(start=start, end=end, surface=text[start:end]),
    )


def _postcode_city(gazetteer: PlaceResolver, match: re.Match[str], text: str) -> CandidateLocation | None:
    """``69003 Lyon``: the city when its département agrees with the postcode, else the postcode's area."""
    postcode, city = match.group(1), match.group(2).strip()
    place = gazetteer.lookup(city)
    if place is not None and any(postcode.startswith(d) for d in place.departments):
        located = _located(place, match.group(0).strip(), match.start(), match.end(), text)
        located.postcode = postcode
        return located
    for start, end, found in gazetteer.find_in_text(city):
        if any(postcode.startswith(d) for d in found.departments):
            begin = match.start(2) + start
            located = _located(found, text[begin : match.start(2) + end], begin, match.start(2) + end, text)
            located.postcode = postcode
            return located
    return None  # a US ZIP code followed by words is not a French address


def _place_line(gazetteer: PlaceResolver, line: str, offset: int, text: str) -> CandidateLocation | None:
    """A header line that is mostly a place (``Lyon (69)``, ``Bordeaux, France``), not a sentence or a title.

    English CVs name people and firms that are also French communes (Lee, Target, Gray): a place must
    make up most of its line, and a ``City, ST`` line is left to the foreign fallback.
    """
    if _FOREIGN_RE.fullmatch(line.strip(" •|-–—")) or has_title_word(line):
        return None
    letters = sum(c.isalpha() for c in _PLACEHOLDER_RE.sub("", re.sub(r"(?i)\bfrance\b", "", line)))
    for begin, stop, place in gazetteer.find_in_text(line):
        if place.kind in _KINDS and sum(c.isalpha() for c in line[begin:stop]) >= 0.5 * letters:
            return _located(place, line[begin:stop], offset + begin, offset + stop, text)
    return None


def _resolve(gazetteer: PlaceResolver, value: str, offset: int, text: str) -> CandidateLocation | None:
    found = [hit for hit in gazetteer.find_in_text(value) if hit[2].kind in _KINDS]
    if found:
        start, end, place = found[0]
        return _located(place, value[start:end], offset + start, offset + end, text)
    head = re.split(r"[,(;/|]", value)[0].strip()
    looked_up = gazetteer.lookup(head) if head else None
    if looked_up is not None:
        begin = offset + value.find(head)
        return _located(looked_up, head, begin, begin + len(head), text)
    return None


def extract_location(
    text: str, sections: list[Section], gazetteer: PlaceResolver | None
) -> CandidateLocation | None:
    """The candidate's place, geocoded when possible; None when the CV names none."""
    zone = _contact_zone(sections, text)
    labels = [m for m in _LABEL_RE.finditer(text) if m.group(3).strip(" ,").lower() not in _PLACEHOLDER]
    residence = [m for m in labels if not (m.group(1) or "").lower().startswith(("mobilit", "zone"))]
    mobility = [m for m in labels if m not in residence]
    if gazetteer is not None:
        for start, end in zone:
            for match in _POSTCODE_CITY_RE.finditer(text, start, end):
                found = _postcode_city(gazetteer, match, text)
                if found is not None:
                    return found
        for match in residence:
            found = _resolve(gazetteer, match.group(3), match.start(3), text)
            if found:
                return found
        for start, end in zone:
            for line in split_lines(text[start:end]):
                found = _place_line(gazetteer, line.value, start + line.start, text)
                if found is not None:
                    return found
                # "Vernon (27200) | Téléphone : … | …": a contact row, one chunk of which is the place.
                offset = 0
                for chunk in _CHUNK_RE.split(line.value):
                    at = line.value.find(chunk, offset)
                    offset = at + len(chunk)
                    if chunk != line.value and (
                        found := _place_line(gazetteer, chunk, start + line.start + at, text)
                    ):
                        return found
        for match in mobility:
            found = _resolve(gazetteer, match.group(3), match.start(3), text)
            if found:
                return found
    if residence:
        first = residence[0]
        raw = first.group(3).strip()
        begin = first.start(3) + first.group(3).find(raw)
        return CandidateLocation(
            label=raw, raw=raw, evidence=Span(start=begin, end=begin + len(raw), surface=raw)
        )
    for start, end in zone:
        for line in split_lines(text[start:end]):
            for chunk in _CHUNK_RE.split(line.value):
                foreign = _FOREIGN_RE.fullmatch(chunk.strip(" •|-–—"))
                if foreign is None or foreign.group(1).lower() in _PLACEHOLDER:
                    continue
                raw = foreign.group(0)
                begin = start + line.start + line.value.find(raw)
                return CandidateLocation(
                    label=raw, raw=raw, evidence=Span(start=begin, end=begin + len(raw), surface=raw)
                )
    return None
