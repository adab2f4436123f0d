"""Identity and contact details: found, kept in ``PersonalData``, and redacted from the profile text.

The street part of an address is redacted; the postcode and city stay, since the profile's location is
what matching needs. The name is looked for in the first lines (or after a ``Nom :`` label) and every
capitalised occurrence of its words is redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cv.experience import has_title_word
from cv.models import PersonalData, PersonalField, Span
from cv.sections import heading_kind
from domain.text import fold_offsets

PLACEHOLDERS = {
    "email": "[email]",
    "phone": "[téléphone]",
    "name": "[nom]",
    "address": "[adresse]",
    "linkedin": "[profil]",
    "url": "[lien]",
    "birth_date": "[date de naissance]",
}

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE_RES = [
    re.compile(r"(?<![\d+])(?:(?:\+|00)33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"),
    re.compile(r"(?<![\d+])\+\d{1,3}[\s.\-]?\(?\d{1,4}\)?(?:[\s.\-]?\d{2,4}){2,4}(?!\d)"),
    re.compile(r"(?<![\d/])\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b(?![/\d])"),
]
_LINKEDIN_RE = re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/[^\s,;)\]]+", re.IGNORECASE)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s,;)\]]+|\b(?:github|gitlab|behance|dribbble)\.com/[^\s,;)\]]+", re.IGNORECASE
)
_BIRTH_RE = re.compile(
    r"(?:n[ée]e?\s+le|date\s+de\s+naissance\s*:?|born(?:\s+on)?|date\s+of\s+birth\s*:?|DOB\s*:)\s*"
    r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:er)?\s+[^\W\d]+\.?\s+\d{4})",
    re.IGNORECASE,
)
_STREET_FR = (
    r"rue|avenue|av\.|bd|boulevard|chemin|all[ée]e|impasse|place|route|quai|cours|square|r[ée]sidence|"
    r"lotissement|lieu-dit|voie|passage|cit[ée]|sentier|hameau|faubourg"
)
_STREET_EN = (
    r"Street|St\.|Avenue|Ave\.?|Road|Rd\.|Boulevard|Blvd\.?|Lane|Ln\.|Drive|Dr\.|Court|Ct\.|Way|Place"
)
_ADDRESS_RES = [
    # "12 bis rue de la Paix", "3 avenue Victor Hugo": a street word, then a name (article or capital).
    re.compile(
        rf"\b\d{{1,4}}(?:\s?(?:bis|ter|b))?,?\s+(?i:{_STREET_FR})\s+"
        r"(?:d[eu]s?\s|de la\s|de l'|d'|l[ae]s?\s|l'|[A-ZÀ-Ý0-9])[^\n,;|]{1,60}"
    ),
    re.compile(rf"\b\d{{1,5}}\s+(?:[A-Z][\w.'-]*\s+){{1,4}}(?:{_STREET_EN})(?=[\s,.]|$)"),
    re.compile(r"(?im)^(?:adresse|address)\s*:\s*([^\n]{5,120})"),
]
_POSTCODE_TAIL_RE = re.compile(r"\s*,?\s*\b\d{5}\b.*$")
_NAME_LABEL_RE = re.compile(
    r"(?im)^(?:nom(?:\s+et\s+pr[ée]nom)?|pr[ée]nom\s+nom|name|full name)\s*:\s*(.{3,60})$"
)
_NAME_WORD_RE = re.compile(
    r"^(?:[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-ZÀ-Ýa-zà-ÿ][a-zà-ÿ]+)*|[A-ZÀ-Ý]{2,}(?:[-'’][A-ZÀ-Ý]{2,})*)$"
)
_NOT_NAMES_TEXT = """
curriculum vitae cv resume profil profile contact page email telephone adresse address mobile portfolio france paris lyon senior
junior freelance confirme
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_FIRST_NAMES_TEXT = """
marie jean pierre michel philippe alain nicolas christophe patrick christian daniel david laurent
frederic eric stephane sebastien julien thomas olivier pascal francois guillaume vincent antoine
jerome mathieu maxime alexandre romain anthony kevin camille julie nathalie isabelle sylvie sophie
catherine sandrine valerie christine celine aurelie stephanie emilie sarah laura claire anne lucie
manon chloe emma lea ines jade louise alice lina hugo lucas louis gabriel arthur raphael jules adam
paul leo nathan theo ethan enzo clement quentin florian benjamin mehdi karim sofiane yacine amine
fatima nadia leila yasmine samira aicha mohamed ahmed youssef omar ali rachid karima amina john
james robert michael william richard joseph charles christopher matthew anthony mark steven andrew
joshua kenneth kevin brian george edward ronald timothy jason jeffrey ryan jacob gary eric mary
patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra
ashley kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca laura
sharon cynthia kathleen amy shirley angela helen anna brenda emma olivia sophia isabella
"""
_FIRST_NAMES = frozenset(_FIRST_NAMES_TEXT.split())


@dataclass(frozen=True)
class PersonalHit:
    """One piece of personal data in the unredacted text."""

    kind: str
    start: int
    end: int
    value: str


def looks_like_name(line: str) -> bool:
    """Two to four capitalised words, none of them a job-title or CV word: ``Marie DUPONT``."""
    words = re.split(r"\s+", line.strip())
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD_RE.match(w) for w in words):
        return False
    return not any(fold_offsets(w) in _NOT_NAMES for w in words) and not has_title_word(line)


def _find_name(text: str, contacts_near_top: bool) -> PersonalHit | None:
    label = _NAME_LABEL_RE.search(text)
    if label:
        return PersonalHit("name", label.start(1), label.end(1), label.group(1).strip())
    offset = 0
    seen = 0
    for raw in text.split("\n")[:12]:
        start, offset = offset, offset + len(raw) + 1
        line = raw.strip(" •|-–—")
        if not line:
            continue
        seen += 1
        if heading_kind(line) is not None or seen > 6:
            break
        # "Thomas MARTIN - Ingénieur DevOps": a banner may hold the name and the title.
        candidate = re.split(r"\s+[-–—|•]\s+|\s*,\s*", line)[0].strip()
        if not looks_like_name(candidate):
            continue
        words = re.split(r"\s+", candidate)
        known_first_name = any(fold_offsets(w) in _FIRST_NAMES for w in words)
        mixed_case = any(w.isupper() for w in words) and any(not w.isupper() for w in words)
        if known_first_name or (contacts_near_top and (seen <= 2 or mixed_case)):
            begin = start + raw.index(candidate)
            return PersonalHit("name", begin, begin + len(candidate), candidate)
    return None


def _name_occurrences(text: str, name: PersonalHit) -> list[PersonalHit]:
    words = [w for w in re.split(r"[\s,]+", name.value) if len(w) >= 3]
    hits = [name]
    for word in words:
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
        for match in pattern.finditer(text):
            surface = match.group(0)
            if surface[0].isupper():
                hits.append(PersonalHit("name", match.start(), match.end(), surface))
    return hits


def find_personal(text: str) -> list[PersonalHit]:
    """Every piece of personal data in ``text``, possibly overlapping."""
    hits: list[PersonalHit] = []
    for match in _LINKEDIN_RE.finditer(text):
        hits.append(PersonalHit("linkedin", match.start(), match.end(), match.group(0)))
    for match in _URL_RE.finditer(text):
        if "linkedin" not in match.group(0).lower():
            hits.append(PersonalHit("url", match.start(), match.end(), match.group(0)))
    for match in _EMAIL_RE.finditer(text):
        hits.append(PersonalHit("email", match.start(), match.end(), match.group(0)))
    for pattern in _PHONE_RES:
        for match in pattern.finditer(text):
            if sum(c.isdigit() for c in match.group(0)) >= 9:
                hits.append(PersonalHit("phone", match.start(), match.end(), match.group(0).strip()))
    for match in _BIRTH_RE.finditer(text):
        hits.append(PersonalHit("birth_date", match.start(1), match.end(1), match.group(1)))
    for pattern in _ADDRESS_RES:
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            value = match.group(group)
            street = _POSTCODE_TAIL_RE.sub("", value).strip().rstrip(" -–—,")
            line_start = text.rfind("\n", 0, match.start()) + 1
            at_line_start = not text[line_start : match.start()].strip(" •|:-–—")
            postcode_near = re.search(r"\b\d{5}\b", text[match.end() - len(value) : match.end() + 40])
            if not (pattern.groups or at_line_start or postcode_near):
                continue  # "j'ai suivi 3 cours de Python" is not an address
            if len(street) >= 4 and not re.fullmatch(r"[\d\s]+", street):
                start = match.start(group)
                hits.append(PersonalHit("address", start, start + len(street), street))
    top = text[:600]
    contacts_near_top = any(h.start < len(top) for h in hits if h.kind in {"email", "phone", "linkedin"})
    name = _find_name(text, contacts_near_top)
    if name is not None:
        hits.extend(_name_occurrences(text, name))
    return hits


def _merged(hits: list[PersonalHit]) -> list[PersonalHit]:
    merged: list[PersonalHit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1].end:
            last = merged[-1]
            if hit.end > last.end:
                merged[-1] = PersonalHit(last.kind, last.start, hit.end, last.value)
            continue
        merged.append(hit)
    return merged


def redact(text: str, hits: list[PersonalHit]) -> str:
    """``text`` with each hit replaced by its placeholder (``[email]``, ``[téléphone]``, ``[nom]``...)."""
    out: list[str] = []
    cursor = 0
    for hit in _merged(hits):
        out.append(text[cursor : hit.start])
        out.append(PLACEHOLDERS[hit.kind])
        cursor = hit.end
    out.append(text[cursor:])
    return "".join(out)


def personal_data(text: str, hits: list[PersonalHit]) -> PersonalData:
    """Group the hits into ``PersonalData`` (first name hit, first address, all emails and phones)."""

    def field(hit: PersonalHit) -> PersonalField:
        return PersonalField(
            value=hit.value, evidence=Span(start=hit.start, end=hit.end, surface=text[hit.start : hit.end])
        )

    def unique(kind: str) -> list[PersonalField]:
        seen: set[str] = set()
        fields = []
        for hit in sorted((h for h in hits if h.kind == kind), key=lambda h: h.start):
            key = re.sub(r"\W", "", hit.value.lower())
            if key not in seen:
                seen.add(key)
                fields.append(field(hit))
        return fields

    names = unique("name")
    addresses = unique("address")
    linkedin = unique("linkedin")
    births = unique("birth_date")
    return PersonalData(
        name=max(names, key=lambda f: len(f.value)) if names else None,
        emails=unique("email"),
        phones=unique("phone"),
        address=addresses[0] if addresses else None,
        linkedin=linkedin[0] if linkedin else None,
        urls=unique("url"),
        birth_date=births[0] if births else None,
    )
