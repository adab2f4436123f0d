"""Normalise France Travail "Offres d'emploi v2" API objects into ``OfferRecord``s."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from domain.offers import OfferRecord, OfferSkill
from domain.salary import parse_salary_label

CONTRACT_LABELS: dict[str, str] = {
    "CDI": "CDI",
    "CDD": "CDD",
    "MIS": "Intérim",
    "SAI": "Saisonnier",
    "LIB": "Profession libérale / freelance",
    "FRA": "Franchise",
    "DIN": "CDI intérimaire",
    "DDI": "CDD d'insertion",
    "CCE": "Profession commerciale",
    "TTI": "Contrat de travail temporaire d'insertion",
}

_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<\s*(br|/p|/li|/div)\s*/?\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*an", re.IGNORECASE)
_MONTHS = re.compile(r"(\d+)\s*mois", re.IGNORECASE)
# "H/F", "F/H", "(H/F)", "- H/F": France Travail appends one to titles that already carry one.
_GENDER = re.compile(r"\s*[-–]?\s*\(?\b[HF]\s*/\s*[HF]\b\)?", re.IGNORECASE)
_REMOTE = re.compile(r"t[ée]l[ée]\s?-?travail|full[\s-]remote|\bremote\b", re.IGNORECASE)
_NO_REMOTE = re.compile(
    r"(pas de|sans|aucun|non)\s+(possibilit[ée]\s+de\s+)?t[ée]l[ée]\s?-?travail", re.IGNORECASE
)


class NormalizationError(ValueError):
    """A record cannot be normalised; the message says which field and why (shown in the summary)."""


class FranceTravailNormalizer:
    """Turns one API object into an ``OfferRecord``, or raises ``NormalizationError``.

    Args:
        normalize_skill: maps a skill label to a taxonomy key (or None).
        extract_skills: finds skill mentions in free text, as (key, label) pairs.
        department_of_postcode: département code of a postcode (or None).
    """

    def __init__(
        self,
        *,
        normalize_skill: Callable[[str], str | None],
        extract_skills: Callable[[str], list[tuple[str, str]]],
        department_of_postcode: Callable[[str], str | None],
    ) -> None:
        self._normalize_skill = normalize_skill
        self._extract_skills = extract_skills
        self._department_of_postcode = department_of_postcode

    def normalize(self, obj: dict[str, Any]) -> OfferRecord:
        ext_id = obj.get("id")
        if not isinstance(ext_id, str) or not ext_id.strip():
            raise NormalizationError("champ 'id' manquant ou vide")
        # A few real offers have an empty title: the offer's own ROME appellation names the job.
        title = clean_title(_str(obj.get("intitule"))) or clean_text(_str(obj.get("appellationlibelle")))
        if not title:
            raise NormalizationError("champ 'intitule' manquant ou vide")
        published = _parse_date(obj.get("dateCreation"), "dateCreation", required=True)
        assert published is not None
        description = clean_text(_str(obj.get("description")))
        place = obj.get("lieuTravail") or {}
        if not isinstance(place, dict):
            raise NormalizationError("champ 'lieuTravail' : objet attendu")
        lat, lon = _coords(place)
        postcode = _str(place.get("codePostal")).strip() or None
        department = self._department(place, postcode)
        contract = _str(obj.get("typeContrat")).strip().upper() or "AUTRE"
        exp_code = _str(obj.get("experienceExige")).strip().upper() or None
        exp_label = _str(obj.get("experienceLibelle")).strip() or None
        salary = _dict(obj.get("salaire"))
        salary_label = _str(salary.get("libelle")).strip() or None
        sal_lo, sal_hi = parse_salary(salary_label)
        company = _dict(obj.get("entreprise"))
        try:
            return OfferRecord(
                external_id=ext_id.strip(),
                title=title,
                description=description,
                company=clean_text(_str(company.get("nom"))) or None,
                location_label=clean_text(_str(place.get("libelle"))) or None,
                postcode=postcode,
                commune_code=_str(place.get("commune")).strip() or None,
                department=department,
                latitude=lat,
                longitude=lon,
                contract_type=contract,
                contract_label=_str(obj.get("typeContratLibelle")).strip() or CONTRACT_LABELS.get(contract),
                alternance=bool(obj.get("alternance")),
                experience_code=exp_code,
                experience_label=exp_label,
                experience_months=parse_experience_months(exp_code, exp_label),
                rome_code=_str(obj.get("romeCode")).strip() or None,
                rome_label=_str(obj.get("romeLibelle")).strip() or None,
                appellation=_str(obj.get("appellationlibelle")).strip() or None,
                sector=_str(obj.get("secteurActiviteLibelle")).strip() or None,
                qualification=_str(obj.get("qualificationLibelle")).strip() or None,
                salary_label=salary_label,
                salary_min_monthly=sal_lo,
                salary_max_monthly=sal_hi,
                remote=detect_remote(description),
                languages=_languages(obj.get("langues")),
                published_at=published,
                source_updated_at=_parse_date(obj.get("dateActualisation"), "dateActualisation"),
                skills=self._skills(obj.get("competences"), f"{title}\n{description}"),
                raw=obj,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise NormalizationError(f"champ '{field}' : {first['msg']}") from exc

    def _department(self, place: dict[str, Any], postcode: str | None) -> str | None:
        if postcode:
            dep = self._department_of_postcode(postcode)
            if dep:
                return dep
        label = _str(place.get("libelle"))
        m = re.match(r"^\s*(\d{2,3}|2[AB])\s*-", label)
        return m.group(1) if m else None

    def _skills(self, competences: Any, text: str) -> list[OfferSkill]:
        skills: list[OfferSkill] = []
        seen: set[str] = set()
        if isinstance(competences, list):
            for c in competences:
                if not isinstance(c, dict) or not _str(c.get("libelle")).strip():
                    continue
                label = clean_text(_str(c.get("libelle")))
                key = self._normalize_skill(label)
                skills.append(
                    OfferSkill(
                        label=label,
                        key=key,
                        code=_str(c.get("code")) or None,
                        required=_str(c.get("exigence")).upper() == "E",
                    )
                )
                if key:
                    seen.add(key)
        for key, label in self._extract_skills(text):
            if key not in seen:
                seen.add(key)
                skills.append(OfferSkill(label=label, key=key, required=False, origin="extracted"))
        return skills


def clean_text(text: str) -> str:
    """Strip HTML, unescape entities, normalise Unicode and whitespace (paragraphs kept)."""
    if not text:
        return ""
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", _BR.sub("\n", text))
    # Some sources escape twice ("&amp;apos;"): unescape until nothing changes (at most twice).
    text = html.unescape(html.unescape(text))
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def parse_experience_months(code: str | None, label: str | None) -> int | None:
    """Months of experience asked: 0 for "débutant accepté", the stated duration otherwise.

    An "expérience exigée" without a duration counts as 12 months; "souhaitée" without one as 0.
    """
    text = (label or "").lower()
    if code == "D" or "débutant" in text:
        return 0
    m = _YEARS.search(text)
    if m:
        return round(float(m.group(1).replace(",", ".")) * 12)
    m = _MONTHS.search(text)
    if m:
        return int(m.group(1))
    if code == "E":
        return 12
    if code == "S":
        return 0
    return None


def parse_salary(label: str | None) -> tuple[float | None, float | None]:
    """Monthly gross salary range in euros from labels like "Mensuel de 2200.0 Euros à 4000.0 Euros"."""
    return parse_salary_label(label)


def clean_title(text: str) -> str:
    """``clean_text`` plus one gender marker only: "Chauffeur livreur VL H/F (H/F)" → "Chauffeur livreur VL H/F"."""
    title = clean_text(text)
    while len(_GENDER.findall(title)) > 1:
        last = list(_GENDER.finditer(title))[-1]
        title = (title[: last.start()] + title[last.end() :]).strip(" -–")
    return title


def detect_remote(description: str) -> bool | None:
    """True when the text offers remote work, False when it says there is none, None when silent."""
    if _NO_REMOTE.search(description):
        return False
    return True if _REMOTE.search(description) else None


def _languages(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        label = _str(item.get("libelle") if isinstance(item, dict) else item).strip().lower()
        if label:
            out.append(label)
    return sorted(set(out))


def _coords(place: dict[str, Any]) -> tuple[float | None, float | None]:
    lat, lon = place.get("latitude"), place.get("longitude")
    if lat is None or lon is None:
        return None, None
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise NormalizationError(f"coordonnées invalides : {lat!r}, {lon!r}") from exc
    if not (-90 <= flat <= 90 and -180 <= flon <= 180):
        raise NormalizationError(f"coordonnées hors limites : {flat}, {flon}")
    return flat, flon


def _parse_date(value: Any, field: str, *, required: bool = False) -> datetime | None:
    if value in (None, ""):
        if required:
            raise NormalizationError(f"champ '{field}' manquant")
        return None
    if not isinstance(value, str):
        raise NormalizationError(f"champ '{field}' : date ISO attendue")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise NormalizationError(f"champ '{field}' : date invalide {value!r}") from exc


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise NormalizationError(f"texte attendu, trouvé {type(value).__name__}")
