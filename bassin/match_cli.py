"""``bassin match`` and ``bassin explain``: calibrated scores with verified explanations, both directions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bassin.common import command_group, open_engine, print_offer_response

if TYPE_CHECKING:
    from app.runtime import Engine
    from cv import ParsedCV
    from scoring.scorer import MatchScore

match_app = command_group("Noter des correspondances CV ↔ offres, dans les deux sens.")
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Dossier des données.")]


def score_json(ms: MatchScore) -> dict[str, Any]:
    """A score as JSON: the number (or the reason it abstained), contributions, verified claims."""
    return {
        "score": ms.score,
        "abstained": ms.abstained,
        "probability": None if ms.probability is None else round(ms.probability, 4),
        "baseline": ms.baseline,
        "contributions": [dataclasses.asdict(c) for c in ms.contributions],
        "explanation": [c.text for c in ms.explanation.claims],
        "claims": [dataclasses.asdict(c) for c in ms.explanation.claims],
        "dropped_claims": [dataclasses.asdict(d) for d in ms.explanation.dropped],
        "calibrated": ms.calibrated,
    }


def _parsed(engine: Engine, cv_or_candidate: str) -> ParsedCV:
    from cv import parse_cv
    from domain.errors import InvalidQueryError

    path = Path(cv_or_candidate)
    if path.is_file():
        return parse_cv(path.read_bytes(), path.name)
    parsed = engine.stored_candidates.parsed(cv_or_candidate)
    if parsed is None:
        raise InvalidQueryError(f"Ni fichier ni candidat connu : {cv_or_candidate!r}.")
    return parsed


def _print_score(title: str, ms: MatchScore) -> None:
    value = f"{ms.score}/100" if ms.score is not None else f"pas de note : {ms.abstained}"
    typer.echo(f"{title} — {value}")
    for line in ms.explanation.lines():
        typer.echo(f"    · {line}")


@match_app.command("cv")
def match_cv(
    file: Annotated[Path, typer.Argument(help="CV (PDF, DOCX, TXT).")],
    city: Annotated[str | None, typer.Option(help="Lieu de recherche (sinon celui du CV).")] = None,
    radius: Annotated[
        float | None, typer.Option(help="Rayon en km (défaut : celui d'un CV, 30 km autour du lieu).")
    ] = None,
    contract: Annotated[list[str] | None, typer.Option(help="Contrat(s) voulus, répétable.")] = None,
    top: Annotated[int, typer.Option(min=1, max=50)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Best offers for a CV: the same ranked search as the agent's, with calibrated scores explained."""
    from cv import parse_cv
    from services.profile_search import offers_for_profile
    from services.requests import SearchRequest

    engine = open_engine(data_dir)
    try:
        parsed = parse_cv(file.read_bytes(), file.name)
        request = SearchRequest(place=city, radius_km=radius, contracts=contract or ())
        found = offers_for_profile(engine.offer_search, engine.requests, parsed.profile, request, top_k=top)
    finally:
        engine.close()
    response = found.response
    if as_json:
        payload = {
            "text": response.text,
            "filters": response.filters.model_dump(mode="json"),
            "occupation": response.occupation,
            "no_match": None if response.no_match is None else response.no_match.model_dump(mode="json"),
            "results": [
                {
                    "rank": r.rank,
                    "id": r.id,
                    "title": r.title,
                    "location": r.location,
                    "contract": r.contract,
                    "distance_km": r.distance_km,
                    "score": r.match,
                    "grade": r.grade,
                    "reasons": r.reasons,
                    "explanation": [] if r.scored is None else [c.text for c in r.scored.explanation.claims],
                    "scorer": None if r.scored is None else score_json(r.scored),
                }
                for r in response.results
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    print_offer_response(response, evidence=True)


@match_app.command("offer")
def match_offer(
    offer_id: Annotated[str, typer.Argument(help="Identifiant de l'offre.")],
    radius: Annotated[float | None, typer.Option(help="Rayon en km autour du lieu de l'offre.")] = None,
    top: Annotated[int, typer.Option(min=1, max=50)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Best stored candidates for an offer, with the same scorer and explanations."""
    from domain.errors import OfferNotFoundError

    engine = open_engine(data_dir)
    try:
        offer = engine.offers.get_by_external_ids([offer_id]).get(offer_id)
        if offer is None:
            raise OfferNotFoundError([offer_id])
        matches = engine.candidate_matcher.best_candidates(offer, radius_km=radius, top_k=top)
    finally:
        engine.close()
    if as_json:
        payload = {
            "offer": offer_id,
            "text": matches.text,
            "filters": matches.filters.model_dump(mode="json"),
            "results": [
                {"rank": m.rank, "id": m.candidate_id, "distance_km": m.distance_km, **score_json(m.score)}
                for m in matches.results
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not matches.results:
        typer.echo("Aucun candidat ne correspond.")
    for m in matches.results:
        _print_score(f"{m.rank:>2}. [{m.candidate_id}]", m.score)


def explain(
    cv_or_candidate: Annotated[str, typer.Argument(help="Fichier CV, ou identifiant de candidat (cv-…).")],
    offer_id: Annotated[str, typer.Argument(help="Identifiant de l'offre.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Score one CV/candidate against one offer as `bassin match cv` shows it (the relevance 0–100, in
    words and points), then the calibrated scorer's verdict: every verified claim, with its evidence."""
    from domain.errors import OfferNotFoundError
    from scoring.seeker import seeker_from_profile
    from services.match_scoring import Basis

    engine = open_engine(data_dir)
    try:
        offer = engine.offers.get_by_external_ids([offer_id]).get(offer_id)
        if offer is None:
            raise OfferNotFoundError([offer_id])
        parsed = _parsed(engine, cv_or_candidate)
        seeker = seeker_from_profile(parsed.profile, parsed.text, rome=engine.rome)
        ms = engine.scorer.score(seeker, offer)
        shown = engine.match_scoring.score(Basis(kind="cv", parsed=parsed), [offer_id])[0]
    finally:
        engine.close()
    if as_json:
        match = {k: shown.get(k) for k in ("grade", "reasons", "points")}
        payload = {"offer": offer_id, "match": shown["score"], **match, **score_json(ms)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    words = " · ".join([f"pertinence {shown['score']}/100", *(shown.get("reasons") or [])])
    typer.echo(f"[{offer_id}] {offer.title} — {words}")
    for label, points in shown.get("points") or []:
        typer.echo(f"    {label:>32} : {points:5.1f}")
    model = f"{ms.score}/100" if ms.score is not None else f"pas de note : {ms.abstained}"
    typer.echo(f"Le modèle calibré, le CV entier contre l'offre : {model}")
    for line in ms.explanation.lines():
        typer.echo(f"    · {line}")
    for c in ms.contributions:
        typer.echo(f"    {c.feature:>16} : {c.points:+.1f}")
