"""Candidate commands: ``ingest cvs``, ``search-candidates``, ``forget candidate`` (registered in ``bassin.cli``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bassin.common import DataDir, explicit_request, open_engine, open_writer

if TYPE_CHECKING:
    from services.candidate_search import CandidateResult


def ingest_cvs(
    path: Annotated[Path, typer.Argument(help="Un CV (PDF, DOCX, TXT, MD) ou un dossier de CV.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    data_dir: DataDir = None,
) -> None:
    """Parse CVs and store them as searchable candidates (personal data kept apart, never indexed)."""
    from tqdm import tqdm

    with (
        open_writer(data_dir, "bassin ingest cvs") as engine,
        tqdm(unit="CV", desc="CV", file=sys.stderr, disable=None) as bar,
    ):
        summary = engine.candidate_ingestion.ingest_path(path, progress=lambda n: bar.update(n))
    if as_json:
        payload = {
            "candidates": [r.__dict__ for r in summary.results],
            "rejected": [{"file": f, "reason": why} for f, why in summary.rejected],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in summary.results:
            years = f"{r.experience_years:g} ans" if r.experience_years is not None else "expérience ?"
            typer.echo(
                f"[{r.external_id}] {r.status} : {r.title or 'titre non détecté'} · {years} · "
                f"{r.location or 'lieu non détecté'} · {', '.join(r.skills[:8]) or 'aucune compétence détectée'}"
            )
        for file, why in summary.rejected:
            typer.echo(f"Rejeté : {file} : {why}")
        typer.echo(f"CV lus : {len(summary.results)} | rejetés : {len(summary.rejected)}")
    if summary.rejected and not summary.results:
        raise typer.Exit(2)


def search_candidates(
    query: Annotated[str, typer.Argument(help="Ex. « développeurs Python seniors près de Lyon ».")] = "",
    city: Annotated[
        str | None, typer.Option(help="Lieu : commune, code postal, département ou région.")
    ] = None,
    radius: Annotated[float | None, typer.Option(help="Rayon en km autour du lieu (défaut 30).")] = None,
    skill: Annotated[list[str] | None, typer.Option(help="Compétence exigée, répétable.")] = None,
    min_experience_years: Annotated[float | None, typer.Option(help="Expérience minimale (années).")] = None,
    top: Annotated[int, typer.Option(min=1, max=200)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    literal: Annotated[bool, typer.Option(help="Ne pas interpréter le texte.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Hybrid search of candidates (recruiter side); results carry no personal data."""
    engine = open_engine(data_dir)
    try:
        request = explicit_request(
            engine, query, city, radius, None, skill, None, None, None, None, read=False
        )
        filters = request.filters
        if min_experience_years is not None:
            filters = filters.model_copy(update={"experience_min_months": round(min_experience_years * 12)})
        response = engine.candidate_search.search(request.text, filters, top_k=top, interpret=not literal)
    finally:
        engine.close()
    if as_json:
        typer.echo(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    if response.understood:
        typer.echo("Compris : " + " ; ".join(response.understood))
    shown = response.results
    if response.no_match is not None:
        nm = response.no_match
        typer.echo(
            f"Aucun candidat « {nm.occupation} » à moins de {nm.radius_km:g} km de {nm.place}. Les plus proches :"
        )
        _print_candidates(nm.alternatives)
        if shown:
            typer.echo("Métiers proches sur place :")
    elif not shown:
        typer.echo("Aucun candidat ne correspond.")
    nearest = response.no_match.alternatives if response.no_match is not None else []
    _print_candidates(shown, first=len(nearest) + 1)


def _print_candidates(shown: list[CandidateResult], first: int = 1) -> None:
    """The candidates numbered from ``first`` (the related ones go on from the nearest ones' numbers)."""
    for rank, r in enumerate(shown, start=first):
        years = f"{r.experience_years:g} ans" if r.experience_years is not None else "?"
        place = (r.location or "lieu ?") + (f" ({r.distance_km:.0f} km)" if r.distance_km is not None else "")
        typer.echo(f"{rank:>2}. [{r.id}] {r.title or 'titre ?'} · {years} · {place}")
        typer.echo(f"    {', '.join(r.skills[:10])}")
        if r.match is not None:
            typer.echo("    " + " · ".join([f"pertinence {r.match}/100", *r.reasons]))


def forget_candidate(
    candidate_id: Annotated[str, typer.Argument(help="Identifiant du candidat (cv-…).")],
    data_dir: DataDir = None,
) -> None:
    """Erase a candidate everywhere: SQL, indexes, stored and uploaded files, chat history, agent memory, logs."""
    with open_writer(data_dir, "bassin forget candidate") as engine:
        report = engine.forget(candidate_id)
    if not report.found:
        typer.echo(
            f"Candidat introuvable : {candidate_id} (aucune donnée ni aucun fichier à son nom)", err=True
        )
        raise typer.Exit(2)
    typer.echo(f"Candidat {candidate_id} effacé. Lieux nettoyés :")
    for place, what in report.places:
        typer.echo(f"  - {place} : {what}")
