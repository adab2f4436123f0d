"""A first rule-based reading of a French/English search text: it fills obvious filters and says so.

"cariste en intérim près de Lille" → text "cariste", contracts [MIS], 30 km around Lille.
The agent's offline planner builds on this; an LLM planner produces the same ``SearchFilters``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Protocol

from domain.languages import LANGUAGE_WANTED, wanted_languages
from domain.search import GeoFilter, SearchFilters
from domain.text import fold_offsets
from referentials.geo import Place
from referentials.geo.areas import SIDE_BEFORE_PLACE, SIDE_RADIUS_KM, find_area

DEFAULT_COMMUNE_RADIUS_KM = 30.0
Target = Literal["offers", "candidates"]


class PlaceFinder(Protocol):
    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]: ...


# (pattern on folded text, contract code, note). Order matters: exclusions first.
_EXCLUDE_CONTRACT = [
    (
        re.compile(r"\b(?:sans|pas d[e']|hors|no|without)\s*(?:l[' ]\s*)?(?:interim|mission d'interim)\b"),
        "MIS",
    ),
    (re.compile(r"\b(?:sans|pas de|no|without)\s+cdd\b"), "CDD"),
]
_CONTRACTS = [
    (
        re.compile(r"\bcdi\b|\bpermanent (?:contract|job|position)\b|\bcontrat a duree indeterminee\b"),
        "CDI",
    ),
    (re.compile(r"\bcdd\b|\bfixed[- ]term\b|\bcontrat a duree determinee\b"), "CDD"),
    (
        re.compile(
            r"\b(?:en |l')?interim(?:aire)?s?\b|\bmissions? d'interim\b|\btemp(?:orary)? (?:job|work)\b"
        ),
        "MIS",
    ),
    (re.compile(r"\bsaisonni(?:er|ere)s?\b|\bseasonal\b|\bsaison\b"), "SAI"),
    (
        re.compile(
            r"\balternance\b|\bapprentissage\b|\bapprenti(?:e)?s?\b|\bcontrat pro\w*\b|\bapprenticeship\b"
        ),
        "ALT",
    ),
    (re.compile(r"\bfreelance\b|\bindependant\b|\bliberal\b|\bfree-lance\b"), "LIB"),
]
_BEGINNER = re.compile(
    r"\b(?:debutante?s?(?: acceptee?s?)?|sans experience|premiere experience|jeune diplome|"
    r"no experience|entry[- ]level|beginners?(?: welcome)?|graduate)\b"
)
_JUNIOR = re.compile(r"\bjuniors?\b")
_SENIOR = re.compile(r"\bseniors?\b|\bexperimente(?:e|s|es)?\b|\bexperienced\b")
_CONFIRMED = re.compile(r"\bconfirme(?:e|s|es)?\b")
# For a job seeker, seniority words ask for offers that want experience (the bound is a minimum):
# senior → 3 years, confirmé / expérimenté → 2 years, "expérience exigée" → any stated experience.
_SEEKER_SENIOR = re.compile(r"\bseniors?\b")
_SEEKER_CONFIRMED = re.compile(r"\bconfirme(?:e|s|es)?\b|\bexperimente(?:e|s|es)?\b|\bexperienced\b")
_SEEKER_REQUIRED = re.compile(
    r"\bexperience (?:exigee|requise|obligatoire|indispensable|demandee)\b|\bavec experience\b"
    r"|\bexperience required\b"
)
SEEKER_SENIOR_MONTHS = 36
SEEKER_CONFIRMED_MONTHS = 24
SEEKER_REQUIRED_MONTHS = 1
_YEARS = re.compile(
    r"\b(\d{1,2})\s*(?:ans|annees|years?|yrs)\s*(?:d'experience|d experience|of experience|experience)?\b"
)
_REMOTE = re.compile(
    r"\b(?:teletravail(?: possible| partiel| total| complet| accepte)?|remote|a distance|full[- ]remote"
    r"|home[- ]office)\b"
)
_RADIUS = re.compile(
    r"\b(?:a|dans un rayon de|within|rayon)?\s*(\d{1,3})\s*km\b(?:\s*(?:de|d'|autour de|around|of|from))?"
)
_RECENT = re.compile(
    r"\b(?:(?:publiees?|posted|mises? en ligne)\s+)?(?:(?:depuis|since|de moins de|less than|in the last|"
    r"dans les|ces|these|past|last)\s+)?(\d{1,3})\s+(?:derniers\s+)?(jours?|days?|semaines?|weeks?)\b"
)
_THIS_WEEK = re.compile(r"\bcette semaine\b|\bthis week\b|\brecentes?\b|\brecent\b")
_PREPOSITIONS = re.compile(
    r"(?:\b(?:(?:pres|proche|autour|aux alentours|a cote) (?:de|du)|vers|sur|dans la region de|"
    r"dans le|dans la|dans les|en|a|au|aux|near|around|in|de|d')\s*)$"
)


_LEAD = re.compile(
    r"^(?:(?:trouve[sz]?[- ]moi|cherche[sz]?[- ]moi|montre[sz]?[- ]moi|donne[sz]?[- ]moi|je (?:re)?cherche|"
    r"on (?:re)?cherche|nous (?:re)?cherchons|recherche|cherche|find me|show me|i(?:'m| am) looking for|"
    r"looking for|i need|we need|un|une|des|les?|la|l'|du|de|d'|some|a|an|the|job|jobs|poste|postes|"
    r"offres?|emplois?|profils?|candidats?|candidates?)\b\s*)+",
    re.IGNORECASE,
)


# Conversational wrapping around what is searched ("I'm an electrician looking for work", "je suis
# aide-soignante et je cherche un poste", "any openings for a baker?"): never part of the search text.
_FILLER = re.compile(
    r"\b(?:i(?:'m| am)|im|we(?:'re| are)(?: hiring| recruiting)?|je suis|nous sommes|on est)"
    r"(?:\s+(?:an?|une?))?\b"
    r"|\b(?:and |et )?(?:(?:i(?:'m| am) )?(?:looking|searching|seeking)|(?:je|j'|on|nous)\s*(?:(?:re)?cherche|"
    r"(?:re)?cherchons|veux|voudrais|souhaite|souhaiterais|aimerais))"
    r"(?:\s+(?:for|pour))?(?:\s+(?:an?|une?|some|new|nouveau|nouvel|nouvelle|des))*"
    r"(?:\s+(?:work|job|jobs|position|positions|role|roles|opportunit(?:y|ies)|poste|postes|emploi|"
    r"emplois|travail|boulot|job|mission|missions))?(?:\s+(?:as|de|d'|comme|en tant que|dans))?(?=\s|$)"
    r"|\b(?:any|some)?\s*(?:openings?|vacanc(?:y|ies)|positions?)\s+(?:for|as)(?:\s+an?)?\b"
    r"|\b(?:travailler|bosser|(?:to )?work(?:ing)?)\s+(?:comme|en tant que|as)(?:\s+an?)?\b"
    r"|\ben tant que\b",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"(?:\s+|^)(?:en|à|a|au|aux|de|du|des|d'|et|ou|in|near|at|for|and|or|as|comme|please|svp|"
    r"jobs?|emplois?|postes?|offres?|positions?|openings?|vacancies)$",
    re.IGNORECASE,
)


@dataclass
class Understanding:
    """The result of reading a search text: what is left for full-text search, filters, notes."""

    text: str
    filters: SearchFilters
    notes: list[str] = field(default_factory=list)
    place: Place | None = None
    """The place the text named, as resolved (also for "la région nantaise" → Nantes)."""


class QueryInterpreter:
    """Reads contract, place + radius, experience, remote and recency out of a free-text query.

    Filters given explicitly (CLI flags, tool arguments) win over what the text says.
    """

    def __init__(self, places: PlaceFinder, *, today: date | None = None) -> None:
        self.places = places
        self._today = today

    def interpret(
        self, text: str, explicit: SearchFilters | None = None, *, target: Target = "offers"
    ) -> Understanding:
        """Read ``text``; ``target`` says whether offers or candidates are searched.

        Experience words mean opposite bounds: for offers "3 ans d'expérience" is what the seeker
        has (offers asking at most 3 years), for candidates what the recruiter wants (at least 3).
        """
        explicit = explicit or SearchFilters()
        folded = fold_offsets(text)
        spans: list[tuple[int, int]] = []
        notes: list[str] = []
        updates: dict[str, object] = {}

        excluded: list[str] = []
        for pattern, code in _EXCLUDE_CONTRACT:
            for hit in pattern.finditer(folded):
                excluded.append(code)
                spans.append(hit.span())
        contracts: list[str] = []
        for pattern, code in _CONTRACTS:
            for hit in pattern.finditer(folded):
                if _inside(hit.span(), spans):
                    continue
                contracts.append(code)
                spans.append(hit.span())
        if contracts and not explicit.contracts:
            updates["contracts"] = sorted(set(contracts))
            notes.append("contrat : " + ", ".join(sorted(set(contracts))))
        if excluded and not explicit.exclude_contracts:
            updates["exclude_contracts"] = sorted(set(excluded))
            notes.append("sans : " + ", ".join(sorted(set(excluded))))

        if explicit.experience_max_months is None and explicit.experience_min_months is None:
            _experience(folded, target, spans, notes, updates)

        if target == "candidates" and not explicit.languages:
            # « des profils qui parlent anglais »: a language the candidates must speak, not words to search
            # (read as words, « anglais » named the English teachers' occupation)
            spoken: list[str] = []
            for hit in LANGUAGE_WANTED.finditer(folded):
                if not _inside(hit.span(), spans):
                    spoken += [k for k in wanted_languages(hit) if k not in spoken]
                    spans.append(hit.span())
            if spoken:
                updates["languages"] = spoken
                notes.append("langues : " + ", ".join(spoken))

        if explicit.remote is None and (m := _REMOTE.search(folded)):
            updates["remote"] = True
            spans.append(m.span())
            notes.append("télétravail")

        if explicit.published_since is None:
            today = self._today or date.today()
            recent = _RECENT.search(folded)
            week = _THIS_WEEK.search(folded)
            if recent is not None:
                n = int(recent.group(1))
                days = n * 7 if recent.group(2).startswith(("sem", "week")) else n
                updates["published_since"] = today - timedelta(days=days)
                spans.append(recent.span())
                notes.append(f"publiées depuis {days} jours")
            elif week is not None:
                updates["published_since"] = today - timedelta(days=7)
                spans.append(week.span())
                notes.append("publiées depuis 7 jours")

        place = None
        if explicit.geo is None and not explicit.departments:
            place = self._area(folded, spans, notes, updates) or self._place(
                text, folded, spans, notes, updates
            )

        filters = explicit.model_copy(update=updates)
        return Understanding(text=_remaining(text, spans), filters=filters, notes=notes, place=place)

    def _area(
        self, folded: str, spans: list[tuple[int, int]], notes: list[str], updates: dict[str, object]
    ) -> Place | None:
        """ "dans la région nantaise" → Nantes, 40 km; "l'agglomération lyonnaise" → Lyon, 20 km."""
        area = find_area(folded)
        if area is None or _inside((area.start, area.end), spans):
            return None
        place = self._named(area.place)
        if place is None:
            return None
        spans.append((area.start, area.end))
        if place.kind in ("departement", "region"):
            updates["departments"] = list(place.departments)
            notes.append(f"lieu : {place.label} (départements {', '.join(place.departments)})")
        else:
            radius = area.radius_km or DEFAULT_COMMUNE_RADIUS_KM
            updates["geo"] = GeoFilter(label=place.label, lat=place.lat, lon=place.lon, radius_km=radius)
            notes.append(f"lieu : {place.label}, rayon {radius:g} km")
        return place

    def _named(self, name: str) -> Place | None:
        for prep in ("à", "en"):
            for _, _, place in self.places.find_in_text(f"{prep} {name}"):
                if place.label == name:
                    return place
        return None

    def _place(
        self,
        text: str,
        folded: str,
        spans: list[tuple[int, int]],
        notes: list[str],
        updates: dict[str, object],
    ) -> Place | None:
        found = [(s, e, p) for s, e, p in self.places.find_in_text(text) if not _inside((s, e), spans)]
        if not found:
            return None
        start, end, place = found[0]
        radius_m = None
        for m in _RADIUS.finditer(folded):
            if m.end() <= start + 2 and start - m.end() <= 12:
                radius_m = m
        prep = _PREPOSITIONS.search(folded[:start])
        span_start = prep.start() if prep else start
        side = SIDE_BEFORE_PLACE.search(folded[:start])
        if radius_m is not None:
            span_start = min(span_start, radius_m.start())
        if side is not None:
            span_start = min(span_start, side.start())
        spans.append((span_start, end))
        if place.kind in ("departement", "region"):
            updates["departments"] = list(place.departments)
            notes.append(f"lieu : {place.label} (départements {', '.join(place.departments)})")
            return place
        # "au sud de Lyon": the filter is a circle, so a side of the city is a wider circle around it.
        radius = (
            float(radius_m.group(1))
            if radius_m
            else SIDE_RADIUS_KM
            if side is not None
            else DEFAULT_COMMUNE_RADIUS_KM
        )
        updates["geo"] = GeoFilter(label=place.label, lat=place.lat, lon=place.lon, radius_km=radius)
        notes.append(f"lieu : {place.label}, rayon {radius:g} km")
        return place


def _experience(
    folded: str, target: Target, spans: list[tuple[int, int]], notes: list[str], updates: dict[str, object]
) -> None:
    if m := _BEGINNER.search(folded):
        updates["experience_max_months"] = 0 if target == "offers" else 12
        notes.append("débutant accepté" if target == "offers" else "débutant : 1 an d'expérience au plus")
    elif m := _JUNIOR.search(folded):
        updates["experience_max_months"] = 24 if target == "offers" else 36
        notes.append(
            "junior : " + ("2 ans d'expérience demandés au plus" if target == "offers" else "3 ans au plus")
        )
    elif target == "offers" and (
        m := _SEEKER_SENIOR.search(folded)
        or _SEEKER_CONFIRMED.search(folded)
        or _SEEKER_REQUIRED.search(folded)
    ):
        months = (
            SEEKER_SENIOR_MONTHS
            if m.re is _SEEKER_SENIOR
            else SEEKER_CONFIRMED_MONTHS
            if m.re is _SEEKER_CONFIRMED
            else SEEKER_REQUIRED_MONTHS
        )
        updates["experience_min_months"] = months
        notes.append(
            "expérience exigée"
            if months == SEEKER_REQUIRED_MONTHS
            else f"expérience demandée : {months // 12} ans au moins"
        )
        for pattern in (_SEEKER_SENIOR, _SEEKER_CONFIRMED, _SEEKER_REQUIRED):
            spans.extend(hit.span() for hit in pattern.finditer(folded))
        return
    elif target == "candidates" and (m := _SENIOR.search(folded)):
        updates["experience_min_months"] = 60
        notes.append("senior : 5 ans d'expérience au moins")
    elif target == "candidates" and (m := _CONFIRMED.search(folded)):
        updates["experience_min_months"] = 36
        notes.append("confirmé : 3 ans d'expérience au moins")
    elif m := _YEARS.search(folded):
        years = int(m.group(1))
        if target == "offers":
            updates["experience_max_months"] = years * 12
            notes.append(f"expérience demandée : {years} an(s) au plus")
        else:
            updates["experience_min_months"] = years * 12
            notes.append(f"expérience : {years} an(s) au moins")
    else:
        return
    spans.append(m.span())


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _remaining(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with understood spans removed (folding keeps offsets: NFD is applied per char)."""
    keep = [True] * len(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(text), e)):
            keep[i] = False
    out = "".join(c if k else " " for c, k in zip(text, keep, strict=True))
    out = re.sub(r"\s+", " ", _FILLER.sub(" ", out)).strip(" ,;.-?!")
    out = _LEAD.sub("", out).strip(" ,;.-?!")
    while (trimmed := _TRAIL.sub("", out).strip(" ,;.-?!")) != out:
        out = trimmed
    return out
