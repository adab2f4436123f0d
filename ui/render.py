"""Texts of the chat UI that are not cards: tool steps (how the question was understood), CV confirmation;
in French or English, as the conversation."""

from __future__ import annotations

import json
from typing import Any

from ui.language import UiLang

_IDS_SHOWN = 10
_ERROR_CHARS = 600


def step_input(args: dict[str, Any]) -> str:
    """A tool call's arguments as the user sees them in the step: JSON, empty values left out."""
    shown = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    return json.dumps(shown, ensure_ascii=False, indent=2)


_STEP_KEYS: dict[UiLang, dict[str, str]] = {
    "fr": {"results": "résultats", "understood": "compris", "applied": "filtres appliqués", "profile": "profil",
           "not_found": "introuvables"},
    "en": {"results": "results", "understood": "understood", "applied": "filters applied", "profile": "profile",
           "not_found": "not found"},
}  # fmt: skip


def step_output(status: str, content: str, artifact: dict[str, Any] | None, lang: UiLang = "fr") -> str:
    """What a tool returned, short: what was understood and applied, and how many results."""
    if status == "error" or artifact is None:
        return content[:_ERROR_CHARS]
    keys = _STEP_KEYS[lang]
    ids = list(artifact.get("ids") or [])
    summary: dict[str, Any] = {keys["results"]: len(ids)}
    if ids:
        summary["ids"] = ids[:_IDS_SHOWN]
    for key in ("understood", "applied", "profile"):
        if artifact.get(key):
            summary[keys[key]] = artifact[key]
    if artifact.get("not_found"):
        summary[keys["not_found"]] = artifact["not_found"]
    return json.dumps(summary, ensure_ascii=False, indent=2, default=str)


_CV_WORDS: dict[UiLang, dict[str, str]] = {
    "fr": {
        "intro": "**Voici ce que j'ai lu dans votre CV.** Est-ce correct ?",
        "title": "- Métier : {}", "not_found": "non trouvé", "experience": "- Expérience : {}",
        "no_experience": "non trouvée", "skills": "- Compétences : {}", "no_skills": "aucune reconnue",
        "place": "- Lieu : {}", "languages": "- Langues : {}", "contracts": "- Contrats souhaités : {}",
        "jobs": "- Derniers postes : {}", "outro": "Rien n'est enregistré tant que vous n'avez pas confirmé.",
    },
    "en": {
        "intro": "**Here is what I read in your CV.** Is it right?",
        "title": "- Occupation: {}", "not_found": "not found", "experience": "- Experience: {}",
        "no_experience": "not found", "skills": "- Skills: {}", "no_skills": "none recognised",
        "place": "- Place: {}", "languages": "- Languages: {}", "contracts": "- Contracts wanted: {}",
        "jobs": "- Latest jobs: {}", "outro": "Nothing is stored until you confirm.",
    },
}  # fmt: skip


def cv_confirmation(profile: dict[str, Any], lang: UiLang = "fr") -> str:
    """The parsed CV shown before anything is stored: title, skills, years, place, languages, contracts."""
    words = _CV_WORDS[lang]
    lines = [words["intro"], ""]
    lines.append(words["title"].format(profile.get("title") or words["not_found"]))
    years = profile.get("experience_years")
    lines.append(
        words["experience"].format(_years(years, lang) if years is not None else words["no_experience"])
    )
    skills = [s["label"] for s in profile.get("skills") or []]
    lines.append(words["skills"].format(", ".join(skills) if skills else words["no_skills"]))
    lines.append(words["place"].format(profile.get("location") or words["not_found"]))
    if profile.get("languages"):
        lines.append(words["languages"].format(", ".join(profile["languages"])))
    if profile.get("contract_wishes"):
        lines.append(words["contracts"].format(", ".join(profile["contract_wishes"])))
    if profile.get("last_jobs"):
        lines.append(
            words["jobs"].format((" ; " if lang == "fr" else "; ").join(j for j in profile["last_jobs"] if j))
        )
    lines += ["", words["outro"]]
    return "\n".join(lines)


def _years(years: float, lang: UiLang) -> str:
    if lang == "en":
        return f"{years:.1f} year{'' if f'{years:.1f}' == '1.0' else 's'}"
    return f"{years:.1f} an(s)"
