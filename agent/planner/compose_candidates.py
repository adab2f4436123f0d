"""Answers about candidates (recruiters) and about what a profile lacks for an offer (« qu'est-ce qui me
manque ? »), written only from tool results; CV and offer text is quoted, never interpreted."""

from __future__ import annotations

from typing import Any

from agent.planner.decide import TurnPlan
from services.ranking import GRADE_WORDS
from services.utterance.phrasing import criteria, years
from services.utterance.text import Lang

NO_RESULTS_YET: dict[Lang, str] = {
    "fr": "Je n'ai pas encore de résultats auxquels me référer : lancez d'abord une recherche.",
    "en": "I have no results to refer to yet: run a search first.",
}
LISTED = 5


def candidates_answer(result: dict[str, Any], lang: Lang) -> str:
    rows = list(result.get("results") or [])
    where = criteria(result.get("applied") or {}, lang, result.get("skill_labels"))
    if not rows:
        return (
            f"Aucun candidat ne correspond à : {where}. Élargissez le rayon ou l'expérience demandée."
            if lang == "fr"
            else f"No candidate matches: {where}. Widen the radius or the experience."
        )
    head = f"{len(rows)} candidat(s) — {where} :" if lang == "fr" else f"{len(rows)} candidate(s) — {where}:"
    no_match = result.get("no_match")
    if no_match:
        occupation, place = no_match.get("occupation") or "", no_match.get("place") or ""
        radius = f"{float(no_match.get('radius_km') or 0):g}"
        rest = {
            k: v for k, v in (result.get("applied") or {}).items() if k not in ("query", "place", "radius_km")
        }
        also = criteria(rest, lang, result.get("skill_labels")) if rest else ""
        also = f" ({also})" if also else ""
        head = (
            f"Aucun candidat « {occupation} »{also} à moins de {radius} km de {place}. Les plus proches :"
            if lang == "fr"
            else f"No “{occupation}” candidate{also} within {radius} km of {place}. The nearest ones are:"
        )
    count = int(no_match.get("alternatives") or 0) if no_match else 0
    if not count:
        lines = [head, *(_candidate_line(r, lang) for r in rows[:LISTED])]
    else:
        # The nearest of the occupation first (ranks 1..n), then the related ones at the place.
        lines = [head, *(_candidate_line(r, lang) for r in rows[:count])]
        if rows[count:]:
            lines.append("Métiers proches sur place :" if lang == "fr" else "Related occupations nearby:")
            lines += [_candidate_line(r, lang) for r in rows[count : count + LISTED]]
    if narrower := result.get("narrower"):
        word = narrower.get("word") or ""
        lines.append(
            f"« {word} » désigne bien des métiers : ces profils le disent dans leur titre, sans note. Précisez "
            "lequel pour les classer."
            if lang == "fr"
            else f"“{word}” covers many jobs: these profiles say it in their title, unscored. Say which one to "
            "rank them."
        )
        lines.append("Dites « montre le profil du 1 »." if lang == "fr" else "Say “show the first profile”.")
        return "\n".join(lines)
    lines.append(_candidate_hint(len(rows), lang))
    return "\n".join(lines)


def _candidate_hint(count: int, lang: Lang) -> str:
    """What the recruiter can say next; comparing needs two results."""
    if count > 1:
        return ("Dites « montre le profil du 1 », « pourquoi le 1 ? » ou « compare 1 et 2 »." if lang == "fr"
                else "Say “show the first profile”, “why the first one?” or “compare 1 and 2”.")  # fmt: skip
    return ("Dites « montre le profil du 1 » ou « pourquoi le 1 ? »." if lang == "fr"
            else "Say “show the first profile” or “why the first one?”.")  # fmt: skip


def _candidate_line(r: dict[str, Any], lang: Lang, *, full: bool = False) -> str:
    """One candidate: title, skills (4, or all the search returned when ``full``), experience, place."""
    bits = []
    if r.get("skills"):
        bits.append(", ".join(map(str, r["skills"] if full else r["skills"][:4])))
    if full and r.get("languages"):
        spoken = ", ".join(map(str, r["languages"]))
        bits.append(f"langues : {spoken}" if lang == "fr" else f"languages: {spoken}")
    if r.get("experience_years") is not None:
        held = r["experience_years"]
        bits.append(f"{held:g} an(s) d'expérience" if lang == "fr" else f"{held:g} year(s) of experience")
    if r.get("location"):
        where = str(r["location"])
        if r.get("distance_km") is not None:
            where += f" ({r['distance_km']:g} km)"
        bits.append(where)
    if r.get("match") is not None:
        fit = GRADE_WORDS[lang].get(r.get("grade") or "unknown", "")
        bits.append(f"{r['match']}/100" + (f" ({fit})" if fit else ""))
    title = f"« {r['title']} »" if r.get("title") else ("profil" if lang == "fr" else "profile")
    return f"{r['rank']}. [{r['id']}] {title} — " + " · ".join(bits)


def candidate_recap(plan: TurnPlan, history: list[dict[str, Any]], lang: Lang) -> str:
    """Answer about candidates of an earlier search from that search's own results: their profile, why
    they came up (each criterion of the search next to the candidate's own value), or a comparison."""
    wanted = list(plan.data.get("ids") or [])
    rows: dict[str, dict[str, Any]] = {}
    applied: dict[str, Any] = {}
    for result in reversed(history):
        if result.get("kind") == "candidates":
            for r in result.get("results") or []:
                if r["id"] in wanted and r["id"] not in rows:
                    rows[r["id"]] = r
                    if not applied:
                        applied = dict(result.get("applied") or {})
                        applied["skills"] = result.get("skill_labels") or applied.get("skills") or []
    if not rows:
        return NO_RESULTS_YET[lang]
    found = [rows[i] for i in wanted if i in rows]
    where = criteria(applied, lang)
    if plan.data.get("why") and not plan.data.get("compare"):
        intro = (f"Pourquoi ces profils ressortent pour : {where}" if lang == "fr"
                 else f"Why these profiles come up for: {where}")  # fmt: skip
        lines = [intro]
        for r in found:
            lines.append(_candidate_line(r, lang))
            lines += [f"  + {reason}" for reason in _candidate_reasons(r, applied, lang)]
        return "\n".join(lines)
    intro = (f"Ce que la recherche ({where}) dit de ces profils :" if lang == "fr"
             else f"What the search ({where}) says about these profiles:")  # fmt: skip
    lines = [intro, *(_candidate_line(r, lang, full=True) for r in found)]
    if plan.data.get("compare") and len(rows) > 1:
        best = max(rows.values(), key=lambda r: float(r.get("score") or 0))
        lines.append(
            f"Le mieux classé : [{best['id']}]." if lang == "fr" else f"Ranked highest: [{best['id']}]."
        )
    return "\n".join(lines)


def _candidate_reasons(r: dict[str, Any], applied: dict[str, Any], lang: Lang) -> list[str]:
    """Each criterion of the search with what the candidate's profile shows for it (hard filters: every
    result meets them), then the rank the text and meaning of the search gave."""
    fr = lang == "fr"
    out: list[str] = []
    for skill in applied.get("skills") or []:
        out.append(f"compétence « {skill} » : dans le profil" if fr else f"skill « {skill} »: in the profile")
    held = r.get("experience_years")
    lo, hi = applied.get("experience_min_months"), applied.get("experience_max_months")
    if held is not None and (lo is not None or hi is not None):
        asked = " ".join(
            ([f"≥ {years(lo, lang)}"] if lo is not None else [])
            + ([f"≤ {years(hi, lang)}"] if hi is not None else [])
        )
        out.append(f"expérience : {held:g} an(s) ({asked} demandés)" if fr
                   else f"experience: {held:g} year(s) ({asked} asked)")  # fmt: skip
    spoken = [str(x) for x in r.get("languages") or []]
    for language in applied.get("languages") or []:
        if language in spoken:
            out.append(f"parle {language}" if fr else f"speaks {language}")
    if applied.get("place") and r.get("location"):
        km = f" ({r['distance_km']:g} km)" if r.get("distance_km") is not None else ""
        out.append(f"lieu : {r['location']}{km}" if fr else f"place: {r['location']}{km}")
    if applied.get("query") and r.get("match") is None:
        out.append(f"rang {r['rank']} pour « {applied['query']} » (texte et sens du CV)" if fr
                   else f"rank {r['rank']} for « {applied['query']} » (CV text and meaning)")  # fmt: skip
    return out


def missing_answer(result: dict[str, Any], lang: Lang) -> str:
    """What each offer asks for that the profile does not show, in the offer's words, checked on both texts."""
    rows = list(result.get("scores") or [])
    if not rows:
        return "Aucune offre à évaluer." if lang == "fr" else "No offer to score."
    whose = {
        "candidate": ("au candidat", "the candidate"),
        "query": ("à votre recherche", "your search"),
    }.get(str(result.get("basis")), ("à votre CV", "your CV"))
    blocks = []
    for s in rows:
        gaps = list(s.get("missing") or s.get("gaps") or [])
        score = f" ({s['score']}/100)" if s.get("score") is not None else ""
        if lang == "fr":
            head = f"Ce qui manque {whose[0]} pour [{s['id']}] « {s.get('title')} »{score} :"
            none = "  Rien de ce que l'offre demande (compétences, formation, permis, expérience, langues) ne manque."
        else:
            head = f"What {whose[1]} lacks for [{s['id']}] « {s.get('title')} »{score}:"
            none = (
                "  Nothing the offer asks for (skills, education, licence, experience, languages) is missing."
            )
        blocks.append("\n".join([head, *(f"  − {line}" for line in gaps)] if gaps else [head, none]))
    return "\n".join(blocks)
