"""What the cards say (markdown): the key facts first, then the fit in plain words.

The same text is shown live and in a reopened conversation (Chainlit keeps each message's markdown).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ui.cards import KM_EN, KM_FR, CandidateCard, OfferCard, ScorePart, plain_reason
from ui.language import UiLang

BAR_CELLS = 10
REASONS_SHOWN = 4
SKILLS_SHOWN = 5


def score_bar(score: int) -> str:
    filled = max(0, min(BAR_CELLS, round(score / (100 / BAR_CELLS))))
    return "▰" * filled + "▱" * (BAR_CELLS - filled)


def freshness(published: str | None, today: date | None = None, lang: UiLang = "fr") -> str | None:
    """« publiée aujourd'hui », « publiée il y a 3 jours », « publiée il y a 2 mois » ("published 3 days
    ago"); None when unknown."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    days = ((today or date.today()) - day).days
    if lang == "en":
        return _freshness_en(days, day)
    if days <= 0:
        return "publiée aujourd'hui"
    if days == 1:
        return "publiée hier"
    if days < 31:
        return f"publiée il y a {days} jours"
    if days < 365:
        return f"publiée il y a {days // 30} mois"
    return f"publiée en {_MONTHS[day.month - 1]} {day.year}"


def _freshness_en(days: int, day: date) -> str:
    if days <= 0:
        return "published today"
    if days == 1:
        return "published yesterday"
    if days < 31:
        return f"published {days} days ago"
    if days < 365:
        months = days // 30
        return f"published {months} month{'s' if months != 1 else ''} ago"
    return f"published in {_MONTHS_EN[day.month - 1]} {day.year}"


_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _place(location: str | None, distance_km: float | None, lang: UiLang = "fr") -> str | None:
    if not location:
        return None
    if distance_km is None:
        return location
    return (
        f"{location} ({distance_km:.0f} km away)" if lang == "en" else f"{location} (à {distance_km:.0f} km)"
    )


_OFFER_WORDS: dict[UiLang, dict[str, str]] = {
    "fr": {"salary": "Salaire : {}", "not_stated": "non précisé", "fit": "Adéquation", "no_score": "Pas de note",
           "to_acquire": "À acquérir : ", "offer": "offre", "colon": " : "},
    "en": {"salary": "Salary: {}", "not_stated": "not stated", "fit": "Match", "no_score": "No score",
           "to_acquire": "Skills to gain: ", "offer": "offer", "colon": ": "},
}  # fmt: skip


def offer_markdown(card: OfferCard, today: date | None = None) -> str:
    """A compact card in the card's language: title; employer and place; contract, salary, freshness; the fit
    and why, in words."""
    words = _OFFER_WORDS[card.lang]
    lines = [f"#### {card.rank}. {card.title}"]
    who = [
        f"**{card.company}**" if card.company else None,
        _place(card.location, card.distance_km, card.lang),
    ]
    if any(who):
        lines.append(" · ".join(w for w in who if w))
    salary = words["salary"].format(card.salary or words["not_stated"])
    terms = [card.contract, salary, freshness(card.published, today, card.lang)]
    lines.append(" · ".join(t for t in terms if t))
    if card.score is not None:
        fit = f"**{words['fit']} {card.score}/100** {score_bar(card.score)}"
        # the distance is already on the place line
        km = KM_EN if card.lang == "en" else KM_FR
        reasons = [plain_reason(r, card.lang) for r in card.reasons if not km.fullmatch(r)][:REASONS_SHOWN]
        lines.append(fit + (" — " + " · ".join(reasons) if reasons else ""))
    elif card.abstained:
        lines.append(f"_{words['no_score']}{words['colon']}{card.abstained}_")
    if card.basis == "cv" and card.missing:
        lines.append(words["to_acquire"] + ", ".join(card.missing[:SKILLS_SHOWN]))
    lines.append(f"`{words['offer']} {card.id}`")
    return "\n\n".join(lines)


_WHY_WORDS: dict[UiLang, dict[str, str]] = {
    "fr": {
        "cv": "votre CV",
        "query": "votre recherche",
        "no_score": "**{title}** — pas de note : {reason}.",
        "thin": "information insuffisante",
        "title": "**Pourquoi {score}/100 pour « {title} » ?** (comparé à {against})",
        "short": "En bref : ",
        "nothing": "- Aucun élément vérifiable à citer.",
        "gaps": "**Ce qui manque** (demandé par l'offre, absent de {against}) :",
        "ups": "Ce qui fait monter la note : ",
        "downs": "Ce qui la fait baisser : ",
    },
    "en": {
        "cv": "your CV",
        "query": "your search",
        "no_score": "**{title}** — no score: {reason}.",
        "thin": "not enough information",
        "title": "**Why {score}/100 for “{title}”?** (compared with {against})",
        "short": "In short: ",
        "nothing": "- Nothing verifiable to cite.",
        "gaps": "**What is missing** (asked for by the offer, not in {against}):",
        "ups": "What raises the score: ",
        "downs": "What lowers it: ",
    },
}


def why_markdown(card: OfferCard) -> str:
    """The verified explanation of a card's score, in the card's language: every claim checked against the
    CV/request and offer."""
    words = _WHY_WORDS[card.lang]
    against = words["cv"] if card.basis == "cv" else words["query"]
    if card.score is None:
        return words["no_score"].format(title=card.title, reason=card.abstained or words["thin"])
    lines = [words["title"].format(score=card.score, title=card.title, against=against), ""]
    if card.reasons:
        lines += [words["short"] + " · ".join(plain_reason(r, card.lang) for r in card.reasons), ""]
    lines += [f"- {text}" for text in card.explanation] or [words["nothing"]]
    if card.gaps:
        lines += ["", words["gaps"].format(against=against)]
        lines += [f"- {text}" for text in card.gaps]
    ups, downs = _moves(card.parts)
    if ups or downs:
        lines.append("")
        if ups:
            lines.append(words["ups"] + ", ".join(ups) + ".")
        if downs:
            lines.append(words["downs"] + ", ".join(downs) + ".")
    return "\n".join(lines)


def _moves(parts: list[ScorePart]) -> tuple[list[str], list[str]]:
    shown = sorted((p for p in parts if abs(p.points) >= 0.5), key=lambda p: -abs(p.points))
    return (
        [p.label for p in shown if p.points > 0],
        [p.label for p in shown if p.points < 0],
    )


def candidate_markdown(card: CandidateCard, lang: UiLang = "fr") -> str:
    """A candidate's card: title, experience, place, skills; no name nor contact details."""
    en = lang == "en"
    untitled = "Untitled profile" if en else "Profil sans intitulé"
    lines = [f"#### {card.rank}. {card.title or untitled}"]
    facts = []
    if card.experience_years is not None:
        years = round(card.experience_years)
        if en:
            facts.append(f"{years} year{'s' if years != 1 else ''} of experience")
        else:
            facts.append(f"{years} an{'s' if years > 1 else ''} d'expérience")
    place = _place(card.location, card.distance_km, lang)
    if place:
        facts.append(place)
    if facts:
        lines.append(" · ".join(facts))
    if card.match is not None:
        fit = f"**{'Match' if en else 'Pertinence'} {card.match}/100** {score_bar(card.match)}"
        km = KM_EN if en else KM_FR
        reasons = [plain_reason(r, lang) for r in card.reasons if not km.fullmatch(r)][:REASONS_SHOWN]
        lines.append(fit + (" — " + " · ".join(reasons) if reasons else ""))
    if card.skills:
        lines.append(("Skills: " if en else "Compétences : ") + ", ".join(card.skills))
    lines.append(
        f"`candidate {card.id}` · personal data hidden"
        if en
        else f"`candidat {card.id}` · données personnelles masquées"
    )
    return "\n\n".join(lines)


_PERSONAL: dict[UiLang, dict[str, str]] = {
    "fr": {"none": "Aucune coordonnée enregistrée pour {id}.", "title": "**Coordonnées de {id}**",
           "name": "Nom", "emails": "E-mail", "phones": "Téléphone", "address": "Adresse", "colon": " : "},
    "en": {"none": "No contact details stored for {id}.", "title": "**Contact details of {id}**",
           "name": "Name", "emails": "E-mail", "phones": "Phone", "address": "Address", "colon": ": "},
}  # fmt: skip


def personal_markdown(candidate_id: str, data: dict[str, Any] | None, lang: UiLang = "fr") -> str:
    """The personal data a recruiter sees after opening a profile."""
    words = _PERSONAL[lang]
    if not data:
        return words["none"].format(id=candidate_id)
    lines = [words["title"].format(id=candidate_id)]
    for key in ("name", "emails", "phones", "address"):
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v.get("value", v)) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            value = value.get("value")
        if value:
            lines.append(f"- {words[key]}{words['colon']}{value}")
    return "\n".join(lines) if len(lines) > 1 else words["none"].format(id=candidate_id)


_ANNOUNCES = re.compile(
    r"(?P<words>Les plus proches|Here are the nearest ones of that occupation|The nearest ones are)\s*:\s*$"
)
_LISTED = re.compile(r"^\s*(?:\d+\.|[-*•])\s*\[(?P<id>[^\]]+)\]")


def summarised(answer: str, shown_ids: set[str], shown: str) -> str:
    """The agent's answer without the lines that list results the cards already show.

    The agent lists results for every client (``bassin ask`` has no cards); in the chat, the cards are the
    one presentation of results, so the list lines (``1. [2051234] « ... »``) give way to one sentence
    saying where they are. Whatever else the answer says (its count and criteria, advice) stays.
    """
    lines = answer.splitlines()
    listed = [bool((m := _LISTED.match(line)) and m.group("id") in shown_ids) for line in lines]
    if not any(listed):
        return answer
    out: list[str] = []
    for i, line in enumerate(lines):
        if listed[i]:
            continue
        heads_a_list = line.rstrip().endswith(":") and i + 1 < len(lines) and listed[i + 1]
        if heads_a_list and out:
            if any(listed[:i]):
                # a list's own heading further down (« Métiers proches sur place : ») goes with its lines:
                # the cards say each one's grade; left alone it would head the cards from the first one
                continue
            # the heading of the first cards, under a sentence saying nothing of the occupation was found
            # (« Métiers proches : »): it says what they are, and where
            line = line.rstrip().rstrip(":").rstrip() + (
                " ci-dessous." if "ci-dessous" in shown else " below."
            )
        if line.rstrip().endswith(":") and not out and shown:
            if m := _ANNOUNCES.search(line):
                # the sentence already announces them (« Les plus proches : »): where they are, said once
                where = " ci-dessous." if "ci-dessous" in shown else " below."
                line = line[: m.start()] + m.group("words") + where
            else:
                line = line.rstrip().rstrip(":").rstrip() + f". {shown}"
        out.append(line)
    return "\n".join(out).strip()
