"""Texts of the chat UI that are not cards: tool steps (how the question was understood), CV confirmation."""

from __future__ import annotations

import json
from typing import Any

_IDS_SHOWN = 10
_ERROR_CHARS = 600


def step_input(args: dict[str, Any]) -> str:
    """A tool call's arguments as the user sees them in the step: JSON, empty values left out."""
    shown = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    return json.dumps(shown, ensure_ascii=False, indent=2)


def step_output(status: str, content: str, artifact: dict[str, Any] | None) -> str:
    """What a tool returned, short: what was understood and applied, and how many results."""
    if status == "error" or artifact is None:
        return content[:_ERROR_CHARS]
    ids = list(artifact.get("ids") or [])
    summary: dict[str, Any] = {"résultats": len(ids)}
    if ids:
        summary["ids"] = ids[:_IDS_SHOWN]
    for key, label in (("understood", "compris"), ("applied", "filtres appliqués"), ("profile", "profil")):
        if artifact.get(key):
            summary[label] = artifact[key]
    if artifact.get("not_found"):
        summary["introuvables"] = artifact["not_found"]
    return json.dumps(summary, ensure_ascii=False, indent=2, default=str)


def cv_confirmation(profile: dict[str, Any]) -> str:
    """The parsed CV shown before anything is stored: title, skills, years, place, languages, contracts."""
    lines = ["**Voici ce que j'ai lu dans votre CV.** Est-ce correct ?", ""]
    lines.append(f"- Métier : {profile.get('title') or 'non trouvé'}")
    years = profile.get("experience_years")
    lines.append(f"- Expérience : {f'{years:.1f} an(s)' if years is not None else 'non trouvée'}")
    skills = [s["label"] for s in profile.get("skills") or []]
    lines.append(f"- Compétences : {', '.join(skills) if skills else 'aucune reconnue'}")
    lines.append(f"- Lieu : {profile.get('location') or 'non trouvé'}")
    if profile.get("languages"):
        lines.append(f"- Langues : {', '.join(profile['languages'])}")
    if profile.get("contract_wishes"):
        lines.append(f"- Contrats souhaités : {', '.join(profile['contract_wishes'])}")
    if profile.get("last_jobs"):
        lines.append(f"- Derniers postes : {' ; '.join(j for j in profile['last_jobs'] if j)}")
    lines += ["", "Rien n'est enregistré tant que vous n'avez pas confirmé."]
    return "\n".join(lines)
