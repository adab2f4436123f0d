"""What the cards say (markdown): the key facts first, then the fit in plain words.

The same text is shown live and in a reopened conversation (Chainlit keeps each message's markdown).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ui.cards import CandidateCard, OfferCard, ScorePart

BAR_CELLS = 10
REASONS_SHOWN = 4
SKILLS_SHOWN = 5


def score_bar(score: int) -> str:
    filled = max(0, min(BAR_CELLS, round(score / (100 / BAR_CELLS))))
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def freshness(published: str | None, today: date | None = None) -> str | None:
    """« publiée aujourd'hui », « publiée il y a 3 jours », « publiée il y a 2 mois »; None when unknown."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    days = ((today or date.today()) - day).days
    if days <= 0:
        return "publiée aujourd'hui"
    if days == 1:
        return "publiée hier"
    if days < 31:
        return f"publiée il y a {days} jours"
    if days < 365:
        return f"publiée il y a {days // 30} mois"
    return f"publiée en {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
_KM = re.compile(r"à (\d+(?:[.,]\d+)?) km")
_COUNTED = re.compile(r"(\d+) (\w+)\(s\)")


def plain_reason(reason: str) -> str:
    """A reason as a person writes it: whole kilometres, plurals agreed (« 1 compétence(s) » → « 1 compétence »)."""
    reason = _KM.sub(lambda m: f"à {float(m.group(1).replace(',', '.')):.0f} km", reason)
    return _COUNTED.sub(lambda m: f"{m.group(1)} {m.group(2)}{'s' if int(m.group(1)) > 1 else ''}", reason)


def _place(location: str | None, distance_km: float | None) -> str | None:
    if not location:
        return None
    return f"{location} (à {distance_km:.0f} km)" if distance_km is not None else location


def offer_markdown(card: OfferCard, today: date | None = None) -> str:
    """A compact card: title; employer and place; contract, salary, freshness; the fit and why, in words."""
    lines = [f"#### {card.rank}. {card.title}"]
    who = [f"**{card.company}**" if card.company else None, _place(card.location, card.distance_km)]
    if any(who):
        lines.append(" · ".join(w for w in who if w))
    terms = [card.contract, f"Salaire : {card.salary or 'non précisé'}", freshness(card.published, today)]
    lines.append(" · ".join(t for t in terms if t))
    if card.score is not None:
        fit = f"**Adéquation {card.score}/100** {score_bar(card.score)}"
        # the distance is already on the place line
        reasons = [plain_reason(r) for r in card.reasons if not _KM.fullmatch(r)][:REASONS_SHOWN]
        lines.append(fit + (" — " + " · ".join(reasons) if reasons else ""))
    elif card.abstained:
        lines.append(f"_Pas de note : {card.abstained}_")
    if card.basis == "cv" and card.missing:
        lines.append("À acquérir : " + ", ".join(card.missing[:SKILLS_SHOWN]))
    lines.append(f"`offre {card.id}`")
    return "\n\n".join(lines)


def why_markdown(card: OfferCard) -> str:
    """The verified explanation of a card's score: every claim checked against the CV/request and offer."""
    against = "votre CV" if card.basis == "cv" else "votre recherche"
    if card.score is None:
        return f"**{card.title}** — pas de note : {card.abstained or 'information insuffisante'}."
    lines = [f"**Pourquoi {card.score}/100 pour « {card.title} » ?** (comparé à {against})", ""]
    if card.reasons:
        lines += ["En bref : " + " · ".join(plain_reason(r) for r in card.reasons), ""]
    lines += [f"- {text}" for text in card.explanation] or ["- Aucun élément vérifiable à citer."]
    if card.gaps:
        lines += ["", f"**Ce qui manque** (demandé par l'offre, absent de {against}) :"]
        lines += [f"- {text}" for text in card.gaps]
    ups, downs = _moves(card.parts)
    if ups or downs:
        lines.append("")
        if ups:
            lines.append("Ce qui fait monter la note : " + ", ".join(ups) + ".")
        if downs:
            lines.append("Ce qui la fait baisser : " + ", ".join(downs) + ".")
    return "\n".join(lines)


def _moves(parts: list[ScorePart]) -> tuple[list[str], list[str]]:
    shown = sorted((p for p in parts if abs(p.points) >= 0.5), key=lambda p: -abs(p.points))
    return (
        [p.label for p in shown if p.points > 0],
        [p.label for p in shown if p.points < 0],
    )


def candidate_markdown(card: CandidateCard) -> str:
    """A candidate's card: title, experience, place, skills; no name nor contact details."""
    lines = [f"#### {card.rank}. {card.title or 'Profil sans intitulé'}"]
    facts = []
    if card.experience_years is not None:
        years = round(card.experience_years)
        facts.append(f"{years} an{'s' if years > 1 else ''} d'expérience")
    place = _place(card.location, card.distance_km)
    if place:
        facts.append(place)
    if facts:
        lines.append(" · ".join(facts))
    if card.skills:
        lines.append("Compétences : " + ", ".join(card.skills))
    lines.append(f"`candidat {card.id}` · données personnelles masquées")
    return "\n\n".join(lines)


def personal_markdown(candidate_id: str, data: dict[str, Any] | None) -> str:
    """The personal data a recruiter sees after opening a profile."""
    if not data:
        return f"Aucune coordonnée enregistrée pour {candidate_id}."
    lines = [f"**Coordonnées de {candidate_id}**"]
    for key, label in (
        ("name", "Nom"),
        ("emails", "E-mail"),
        ("phones", "Téléphone"),
        ("address", "Adresse"),
    ):
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v.get("value", v)) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            value = value.get("value")
        if value:
            lines.append(f"- {label} : {value}")
    return "\n".join(lines) if len(lines) > 1 else f"Aucune coordonnée enregistrée pour {candidate_id}."


_LISTED = re.compile(r"^\s*(?:\d+\.|[-*•])\s*\[(?P<id>[^\]]+)\]")


def summarised(answer: str, shown_ids: set[str], shown: str) -> str:
    """The agent's answer without the lines that list results the cards already show.

    The agent lists results for every client (``bassin ask`` has no cards); in the chat, the cards are the
    one presentation of results, so the list lines (``1. [2051234] « ... »``) give way to one sentence
    saying where they are. Whatever else the answer says (its count and criteria, advice) stays.
    """
    kept: list[str] = []
    dropped = 0
    for line in answer.splitlines():
        m = _LISTED.match(line)
        if m and m.group("id") in shown_ids:
            dropped += 1
            continue
        kept.append(line)
    if not dropped:
        return answer
    out: list[str] = []
    for line in kept:
        if line.rstrip().endswith(":") and not out and shown:
            line = line.rstrip().rstrip(":").rstrip() + f". {shown}"
        out.append(line)
    return "\n".join(out).strip()
