"""Answers of the offline planner, written only from tool results, in the user's language.

Every offer or candidate is cited as ``[id]`` exactly as a tool returned it. Text that comes from offers or
CVs (titles, companies, descriptions) is quoted as is, between « », never interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.planner.compose_candidates import candidate_recap, candidates_answer, missing_answer
from agent.planner.decide import TurnPlan
from domain.salary import format_salary, format_salary_label
from scoring.scorer import ABSTENTIONS_EN
from services.ranking import GRADE_WORDS
from services.utterance.phrasing import CONTRACT_NAMES, criteria
from services.utterance.text import Lang

LISTED = 5
CLAIMS_SHOWN = 3
_REPLIES: dict[str, dict[Lang, str]] = {
    "greet": {
        "fr": "Bonjour ! Dites-moi ce que vous cherchez, par exemple « développeur Python en CDI près de Lyon ». "
        "Vous pouvez aussi déposer votre CV.",
        "en": "Hello! Tell me what you are looking for, e.g. “Python developer, permanent contract, near Lyon”. "
        "You can also upload your CV.",
    },
    "help": {
        "fr": "Je cherche des offres (métier, compétences, lieu, contrat, expérience, télétravail, salaire), je lis "
        "votre CV, je détaille une offre (« la 2 ») et j'explique l'adéquation (« pourquoi la 1 ? »). Affinez "
        "ensuite : « seulement les CDI », « plus loin », « et à Paris ? ».",
        "en": "I search job offers (job, skills, place, contract, experience, remote, salary), read your CV, show an "
        "offer's details (“the 2nd”) and explain the fit (“why the first one?”). Then refine: “only CDI”, "
        "“further”, “what about Paris?”.",
    },
    "thanks": {"fr": "Avec plaisir ! Autre chose ?", "en": "You're welcome! Anything else?"},
    "reset": {
        "fr": "C'est noté, on repart de zéro. Que cherchez-vous ?",
        "en": "Done, starting over. What are you looking for?",
    },
    "clarify": {
        "fr": "Je n'ai pas compris votre demande. Indiquez un métier, des compétences ou un lieu, par exemple "
        "« cariste en intérim près de Lille ».",
        "en": "I did not understand. Give me a job, skills or a place, e.g. “forklift driver, temp work, near "
        "Lille”.",
    },
    "need_cv": {
        "fr": "Je n'ai pas encore votre CV : déposez-le (PDF, DOCX ou TXT) et je chercherai les offres qui vous "
        "correspondent.",
        "en": "I don't have your CV yet: upload it (PDF, DOCX or TXT) and I will look for matching offers.",
    },
    "refuse_candidates": {
        "fr": "La recherche de candidats est réservée aux recruteurs. Je peux en revanche chercher des offres "
        "d'emploi pour vous.",
        "en": "Searching candidates is for recruiters only. I can search job offers for you instead.",
    },
    "unavailable": {
        "fr": "Cette fonction n'est pas disponible sur cette installation.",
        "en": "This feature is not available on this installation.",
    },
    "no_results_yet": {
        "fr": "Je n'ai pas encore de résultats auxquels me référer : lancez d'abord une recherche.",
        "en": "I have no results to refer to yet: run a search first.",
    },
    "rank_out_of_range": {
        "fr": "La dernière recherche n'a que {count} résultat(s) : je ne trouve pas le n° {ranks}.",
        "en": "The last search has only {count} result(s): there is no #{ranks}.",
    },
    "career_change": {
        "fr": "Vous souhaitez changer de métier : je ne cherche donc pas d'offres dans votre métier actuel. "
        "Dites-moi quel métier ou quel secteur vous attire (par exemple « aide-soignant à Lyon, débutant "
        "accepté »), ou déposez votre CV : je chercherai des offres à partir de vos compétences.",
        "en": "You want to change careers, so I won't search for jobs in your current occupation. Tell me which "
        "job or sector appeals to you (e.g. “care assistant in Lyon, entry level”), or upload your CV and I "
        "will search offers from your skills.",
    },
    "what_if_unclear": {
        "fr": "Précisez le changement : « et si j'avais 5 ans d'expérience ? », « et si j'apprenais Docker ? ».",
        "en": "Tell me the change: “what if I had 5 years of experience?”, “what if I learned Docker?”.",
    },
}
_FAILED: dict[str, dict[Lang, str]] = {
    "search_offers": {"fr": "La recherche d'offres n'a pas abouti", "en": "The offer search failed"},
    "search_candidates": {
        "fr": "La recherche de candidats n'a pas abouti",
        "en": "The candidate search failed",
    },
    "parse_cv": {"fr": "Je n'ai pas pu lire le CV", "en": "I could not read the CV"},
    "get_offer_details": {"fr": "Je n'ai pas pu afficher l'offre", "en": "I could not show the offer"},
    "score_match": {"fr": "Je n'ai pas pu évaluer l'adéquation", "en": "I could not score the match"},
    "what_if": {"fr": "Je n'ai pas pu simuler ce changement", "en": "I could not simulate this change"},
    "suggest_occupations": {
        "fr": "Je n'ai pas pu proposer de métiers proches",
        "en": "I could not suggest related occupations",
    },
}


@dataclass
class Outcome:
    """One tool call of the turn and what came back: a result dict, or an error message."""

    tool: str
    args: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None = None


def compose(plan: TurnPlan, outcomes: list[Outcome], history: list[dict[str, Any]]) -> str:
    """The answer to the turn. ``history`` holds earlier tool results of the thread, newest last."""
    lang = plan.lang
    if plan.reply is not None:
        return _REPLIES[plan.reply][lang].format(**{k: ", ".join(map(str, v)) if isinstance(v, list) else v
                                                     for k, v in plan.data.items()})  # fmt: skip
    if plan.intent == "candidate_recap":
        return candidate_recap(plan, history, lang)
    parts: list[str] = []
    for outcome in outcomes:
        if outcome.error is not None or outcome.result is None:
            parts.append(f"{_FAILED.get(outcome.tool, _FAILED['search_offers'])[lang]} : {outcome.error}"
                         if lang == "fr" else f"{_FAILED.get(outcome.tool, _FAILED['search_offers'])[lang]}: "
                         f"{outcome.error}")  # fmt: skip
            continue
        result = outcome.result
        kind = result.get("kind")
        if kind == "offers":
            parts.append(_offers(result, lang, plan.data.get("previous_ids") or []))
        elif kind == "candidates":
            parts.append(candidates_answer(result, lang))
        elif kind == "cv_profile":
            parts.append(_cv(result, lang))
        elif kind == "offer_details":
            parts.append(_details(result, lang))
        elif kind == "match_scores":
            parts.append(_scores(result, lang, missing=bool(plan.data.get("missing"))))
        elif kind == "what_if":
            parts.append(_what_if(result, lang))
        elif kind == "occupations":
            parts.append(_occupations(result, lang, plan.data.get("place")))
    if not parts:
        return _REPLIES["clarify"][lang]
    return "\n\n".join(p for p in parts if p)


def _offers(result: dict[str, Any], lang: Lang, previous_ids: list[str]) -> str:
    rows = list(result.get("results") or [])
    where = criteria(result.get("applied") or {}, lang, result.get("skill_labels"))
    if not rows and result.get("no_match"):
        # none of the occupation, even relaxed, and no related one either
        return _no_match_sentence(result["no_match"], where, lang, nearest=False)
    if not rows:
        if lang == "fr":
            return (f"Aucune offre ne correspond à : {where}. Essayez « plus loin », un autre contrat ou moins de "
                    "compétences exigées.")  # fmt: skip
        return f"No offer matches: {where}. Try “further”, another contract or fewer required skills."
    no_match = result.get("no_match")
    if no_match:
        # The nearest offers of the asked occupation first (ranks 1..n), then related ones on the spot.
        count = int(no_match.get("alternatives") or 0)
        head = _no_match_sentence(no_match, where, lang, nearest=count > 0)
        lines = [head, *(_offer_line(r, lang) for r in rows[:count])]
        if rows[count:]:
            if count:
                lines.append("Métiers proches sur place :" if lang == "fr" else "Related occupations nearby:")
            else:
                lines.append("Métiers proches :" if lang == "fr" else "Related occupations:")
            lines += [_offer_line(r, lang) for r in rows[count : count + LISTED]]
        return "\n".join(lines)
    fresh = [r for r in rows if r["id"] not in previous_ids] if previous_ids else rows
    shown = (fresh or rows)[:LISTED]
    head = f"{len(rows)} offre(s) — {where} :" if lang == "fr" else f"{len(rows)} offer(s) — {where}:"
    lines = [head, *(_offer_line(r, lang) for r in shown)]
    if narrower := result.get("narrower"):
        # unscored: no « pourquoi ? » to offer, the job to say instead
        lines.append(_narrower_sentence(narrower, lang))
        fr_ref, en_ref = ("la 2", "the 2nd") if len(rows) > 1 else ("la 1", "the 1st")
        lines.append(
            f"Dites « {fr_ref} » pour le détail." if lang == "fr" else f"Say “{en_ref}” for details."
        )
        return "\n".join(lines)
    # With one offer there is no "2nd" to point at.
    other = ("la 2", "the 2nd") if len(rows) > 1 else ("la 1", "the 1st")
    if lang == "fr":
        lines.append(f"Dites « {other[0]} » pour le détail, « pourquoi la 1 ? » pour l'adéquation, ou affinez "
                     "(« seulement les CDI », « plus loin »).")  # fmt: skip
    else:
        lines.append(f"Say “{other[1]}” for details, “why the first one?” for the fit, or refine (“only CDI”, "
                     "“further”).")  # fmt: skip
    return "\n".join(lines)


def _narrower_sentence(narrower: dict[str, Any], lang: Lang) -> str:
    """A kind of job (« technicien »): the offers were listed by their words, unscored; which job?"""
    word, occupations = narrower.get("word") or "", narrower.get("occupations") or []
    among = "« " + " », « ".join(occupations[:3]) + " »" if occupations else ""
    if lang == "fr":
        return (f"« {word} » désigne bien des métiers : ces offres le disent dans leur intitulé, sans note "
                f"d'adéquation. Précisez lequel" + (f" (parmi elles : {among})" if among else "") + ".")  # fmt: skip
    return (f"“{word}” covers many jobs: these offers say it in their title, without a match score. Say which "
            "one" + (f" (among them: {among})" if among else "") + ".")  # fmt: skip


def _no_match_sentence(no_match: dict[str, Any], where: str, lang: Lang, *, nearest: bool = True) -> str:
    occupation = no_match.get("occupation") or ""
    if not nearest:  # none of the occupation, even with the place and conditions relaxed
        if lang == "fr":
            return f"Aucune offre de « {occupation} » ne correspond à : {where}, ni même en élargissant."
        return f"No “{occupation}” offer matches your search ({where}), even more widely."
    if lang == "fr":
        return f"Aucune offre de « {occupation} » ne correspond à : {where}. Les plus proches :"
    return f"No “{occupation}” offer matches your search ({where}). Here are the nearest ones of that occupation:"


def _offer_line(r: dict[str, Any], lang: Lang) -> str:
    where = r.get("location") or ""
    if r.get("distance_km") is not None:
        where += f" ({r['distance_km']:g} km)"
    bits = [b for b in (r.get("company"), where) if b]
    extra = [CONTRACT_NAMES[lang].get(c, c) for c in str(r.get("contract") or "").split(",") if c]
    if r.get("salary_monthly"):
        low, high = r["salary_monthly"]
        extra.append(format_salary(low, high, lang=lang))
    elif r.get("salary"):
        extra.append(str(r["salary"]))
    if r.get("match") is not None:
        fit = GRADE_WORDS[lang].get(r.get("grade") or "unknown", "")
        extra.append(f"{r['match']}/100" + (f" ({fit})" if fit else ""))
    tail = (" · " + " · ".join(extra)) if extra else ""
    return f"{r['rank']}. [{r['id']}] « {r.get('title')} » — {', '.join(bits)}{tail}"


def _cv(result: dict[str, Any], lang: Lang) -> str:
    p = result.get("profile") or {}
    skills = ", ".join(s["label"] for s in (p.get("skills") or [])[:8])
    bits = []
    if p.get("title"):
        bits.append(f"« {p['title']} »")
    if p.get("experience_years") is not None:
        years = p["experience_years"]
        bits.append(f"{years:g} an(s) d'expérience" if lang == "fr" else f"{years:g} year(s) of experience")
    if p.get("location"):
        bits.append(str(p["location"]))
    if lang == "fr":
        text = "J'ai lu votre CV : " + (" · ".join(bits) or "profil sans intitulé")
        if skills:
            text += f"\nCompétences repérées : {skills}."
    else:
        text = "I read your CV: " + (" · ".join(bits) or "untitled profile")
        if skills:
            text += f"\nSkills found: {skills}."
    return text


def _details(result: dict[str, Any], lang: Lang) -> str:
    blocks = []
    for o in result.get("offers") or []:
        head = f"[{o['id']}] « {o.get('intitule')} »"
        contract = CONTRACT_NAMES[lang].get(str(o.get("typeContrat") or ""), o.get("typeContrat"))
        salary = format_salary_label(o.get("salaire"), lang)
        facts = [x for x in (o.get("entreprise"), o.get("lieu"), contract, salary) if x]
        # Skill labels are the offer's words (French): quoted as data, whatever the answer's language.
        required = [f"« {c['libelle']} »" for c in o.get("competences") or [] if c.get("exigence") == "E"]
        desired = [f"« {c['libelle']} »" for c in o.get("competences") or [] if c.get("exigence") != "E"]
        lines = [head + (" — " + " · ".join(facts) if facts else "")]
        if required:
            lines.append(
                ("Compétences exigées : " if lang == "fr" else "Required skills: ") + ", ".join(required)
            )
        if desired:
            lines.append(
                ("Compétences souhaitées : " if lang == "fr" else "Desired skills: ") + ", ".join(desired)
            )
        if o.get("description"):
            lines.append(("Extrait de l'annonce : « " if lang == "fr" else "From the ad: « ")
                         + str(o["description"])[:400] + " »")  # fmt: skip
        blocks.append("\n".join(lines))
    missing = result.get("not_found") or []
    if missing:
        blocks.append(("Introuvable(s) : " if lang == "fr" else "Not found: ") + ", ".join(missing))
    return "\n\n".join(blocks)


def _scores(result: dict[str, Any], lang: Lang, *, missing: bool = False) -> str:
    """Scores with their strengths and gaps; ``missing``: every verified gap (« qu'est-ce qui me manque ? »)."""
    if missing:
        return missing_answer(result, lang)
    rows = list(result.get("scores") or [])
    if not rows:
        return "Aucune offre à évaluer." if lang == "fr" else "No offer to score."
    basis = result.get("basis")
    if lang == "fr":
        intro = {"cv": "Adéquation avec votre CV", "candidate": "Adéquation du candidat",
                 "query": "Adéquation avec votre recherche"}.get(str(basis), "Adéquation")  # fmt: skip
    else:
        intro = {"cv": "Fit with your CV", "candidate": "Candidate fit",
                 "query": "Fit with your search"}.get(str(basis), "Fit")  # fmt: skip
    blocks = [intro + " :" if lang == "fr" else intro + ":"]
    for s in sorted(rows, key=lambda r: -float(r.get("score") or 0)) if len(rows) > 1 else rows:
        score = (
            f"{s['score']}/100"
            if s.get("score") is not None
            else ("non noté" if lang == "fr" else "not scored")
        )
        # The search's own words after its number: « 92/100 (même métier · à 21 km) ».
        if s.get("reasons") and s.get("score") is not None:
            score += f" ({' · '.join(map(str, s['reasons']))})"
        lines = [f"[{s['id']}] « {s.get('title')} »{' :' if lang == 'fr' else ':'} {score}"]
        if s.get("abstained"):
            reason = str(s["abstained"])
            lines.append(f"  ({ABSTENTIONS_EN.get(reason, reason) if lang == 'en' else reason})")
        lines += [f"  + {line}" for line in (s.get("strengths") or [])[:CLAIMS_SHOWN]]
        lines += [f"  − {line}" for line in (s.get("gaps") or [])[:CLAIMS_SHOWN]]
        blocks.append("\n".join(lines))
    if len(rows) > 1:
        best = max(rows, key=lambda r: float(r.get("score") or 0))
        blocks.append(
            f"La mieux placée : [{best['id']}]." if lang == "fr" else f"Best match: [{best['id']}]."
        )
    # A blank line between offers: rendered as Markdown (the chat), an offer's line would otherwise continue
    # the previous offer's last « + … » item.
    return "\n\n".join(blocks)


def _what_if(result: dict[str, Any], lang: Lang) -> str:
    if result.get("mode") == "relax":
        moves = [str(r["message"]) for r in result.get("relaxations") or []]
        if result.get("unknown_occupation"):
            return ("Je ne peux pas compter les offres qu'apporterait un filtre assoupli sans savoir le métier : "
                    "précisez-le (« cariste », « aide-soignant »)." if lang == "fr"
                    else "I can't count what relaxing a filter would bring without knowing the job: name it "
                    "(“forklift driver”, “nurse”).")  # fmt: skip
        if not moves:
            return ("Aucun assouplissement d'un seul filtre n'apporterait d'offre de plus." if lang == "fr"
                    else "Relaxing a single filter would not bring any more offers.")  # fmt: skip
        head = "Ce qui changerait :" if lang == "fr" else "What would change (counted on the index):"
        return "\n".join([head, *(f"- {m}" for m in moves)])
    before, after = result.get("score_before"), result.get("score_after")
    changes = "; ".join(map(str, result.get("changes") or []))
    if lang == "fr":
        text = f"[{result.get('offer_id')}] : {before}/100 aujourd'hui → {after}/100 avec : {changes}."
    else:
        text = f"[{result.get('offer_id')}]: {before}/100 today → {after}/100 with: {changes}."
    if result.get("explanation"):
        text += "\n" + " ; ".join(map(str, result["explanation"]))
    return text


def _occupations(result: dict[str, Any], lang: Lang, place: str | None = None) -> str:
    """Occupations close to a former job (career change), with the skills they share; never a search.
    ``place``: where the user wants to work, said with it (the next search needs it again)."""
    suggestions = result.get("suggestions") or []
    if not suggestions:
        return _REPLIES["career_change"][lang]
    occupation = result.get("former_job") or result.get("occupation")
    if lang == "fr":
        of = f"d'{occupation}" if str(occupation)[:1].lower() in "aeéèêiîoôuyh" else f"de {occupation}"
        head = (
            f"Pour quitter le métier {of}, voici des métiers d'autres familles dont les offres "
            "demandent des compétences que vous avez sans doute déjà :"
        )
        lines = [
            f"- « {s['label']} » — {s['offers']} offre(s) ; en commun : « {' », « '.join(s['shared_skills'])} »"
            for s in suggestions
        ]
        tail = (
            f"Lequel vous attire ? Dites-le-moi avec le lieu (« {suggestions[0]['label']} à {place} »), je "
            "chercherai ses offres."
            if place
            else "Lequel vous attire ? Dites-le-moi (avec un lieu), je chercherai les offres."
        )
    else:
        head = (
            f"To move on from {occupation}, here are occupations of other families whose offers ask for "
            "skills you probably already have:"
        )
        lines = [  # labels and skills are the referential's French words: quoted as data
            f"- « {s['label']} » — {s['offers']} offer(s); shared: « {' », « '.join(s['shared_skills'])} »"
            for s in suggestions
        ]
        tail = (
            f"Which one appeals to you? Tell me with the place (“{suggestions[0]['label']} in {place}”) and I "
            "will search its offers."
            if place
            else "Which one appeals to you? Tell me (with a place) and I will search the offers."
        )
    return "\n".join([head, *lines, tail])
