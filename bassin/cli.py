"""The ``bassin`` command line: an edge that reads Settings, builds the engine and prints results."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from bassin.candidates_cli import forget_candidate, ingest_cvs, search_candidates
from bassin.common import DataDir, explicit_request, open_engine, settings_for
from bassin.eval_cli import evaluate
from bassin.match_cli import explain, match_app
from bassin.serve_cli import serve
from domain.errors import BassinError
from ingestion.offers.readers import count_items, read_offer_items
from services.offer_search import OfferResult, OfferSearchResponse, describe_no_match

app = typer.Typer(
    help="Bassin : recherche d'offres d'emploi hybride (lexicale + vectorielle).", no_args_is_help=True
)
ingest_app = typer.Typer(help="Ingérer des données.", no_args_is_help=True)
delete_app = typer.Typer(help="Supprimer des données.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
forget_app = typer.Typer(help="Effacer des données personnelles.", no_args_is_help=True)
app.add_typer(delete_app, name="delete")
app.add_typer(forget_app, name="forget")
app.add_typer(match_app, name="match")
app.command("explain")(explain)
app.command("serve")(serve)
app.command("eval")(evaluate)
ingest_app.command("cvs")(ingest_cvs)
app.command("search-candidates")(search_candidates)
forget_app.command("candidate")(forget_candidate)


@ingest_app.command("offers")
def ingest_offers(
    path: Annotated[
        Path, typer.Argument(help="Fichier .json, .jsonl ou .jsonl.gz (ou dossier) d'offres France Travail.")
    ],
    data_dir: DataDir = None,
    show_rejected: Annotated[int, typer.Option(help="Nombre de rejets détaillés à afficher.")] = 20,
) -> None:
    """Ingest France Travail offers: normalise, upsert into SQL, embed, index (idempotent)."""
    engine = open_engine(data_dir)
    try:
        total = count_items(path)
        with tqdm(total=total, unit="offre", desc="Ingestion", file=sys.stderr, disable=None) as bar:
            summary = engine.pipeline.ingest(read_offer_items(path), progress=lambda n: bar.update(n))
    finally:
        engine.close()
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    typer.echo(
        f"Lu : {summary.read} | insérées : {summary.inserted} | mises à jour : {summary.updated} | "
        f"inchangées : {summary.unchanged} | rejetées : {len(summary.rejected)}"
    )
    typer.echo(
        f"Durée : {summary.seconds:.1f} s ({rate:.0f} offres/s), dont encodage : {summary.embed_seconds:.1f} s "
        f"pour {summary.embedded} textes"
    )
    for reason, n in summary.rejection_reasons().most_common():
        typer.echo(f"  rejet ×{n} : {reason}")
    for r in summary.rejected[:show_rejected]:
        typer.echo(f"  - {r.position} ({r.external_id or 'sans id'}) : {r.reason}")
    if summary.accounted != summary.read:  # an invariant, not an expected failure
        raise RuntimeError(f"{summary.read - summary.accounted} enregistrements non comptés")


@delete_app.command("offers")
def delete_offers(
    ids: Annotated[list[str], typer.Argument(help="Identifiants France Travail des offres à supprimer.")],
    data_dir: DataDir = None,
) -> None:
    """Delete offers from SQL, FAISS and the lexical index."""
    engine = open_engine(data_dir)
    try:
        deleted = engine.pipeline.delete(ids)
    finally:
        engine.close()
    missing = sorted(set(ids) - set(deleted))
    typer.echo(
        f"Supprimées : {len(deleted)}" + (f" | introuvables : {', '.join(missing)}" if missing else "")
    )


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="Question en langage naturel, ex. « cariste en intérim près de Lille ».")
    ] = "",
    city: Annotated[
        str | None, typer.Option(help="Lieu : commune, code postal, département ou région.")
    ] = None,
    radius: Annotated[float | None, typer.Option(help="Rayon en km autour du lieu (défaut 30).")] = None,
    contract: Annotated[
        list[str] | None, typer.Option(help="Type de contrat (CDI, CDD, MIS, SAI, LIB, ALT…), répétable.")
    ] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="Compétence exigée, répétable (ex. python).")
    ] = None,
    rome: Annotated[list[str] | None, typer.Option(help="Code ROME, répétable.")] = None,
    max_experience_years: Annotated[
        float | None, typer.Option(help="Expérience demandée au plus (années).")
    ] = None,
    remote: Annotated[bool | None, typer.Option("--remote/--no-remote", help="Télétravail.")] = None,
    since: Annotated[str | None, typer.Option(help="Publiées depuis (AAAA-MM-JJ).")] = None,
    top: Annotated[int, typer.Option(min=1, max=200, help="Nombre de résultats.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON stable.")] = False,
    literal: Annotated[bool, typer.Option(help="Ne pas interpréter le texte (aucun filtre déduit).")] = False,
    data_dir: DataDir = None,
) -> None:
    """Hybrid search of offers, with filters from flags and from the text itself."""
    engine = open_engine(data_dir)
    try:
        request = explicit_request(
            engine, query, city, radius, contract, skill, rome, max_experience_years, remote, since
        )
        response = engine.offer_search.search(request.text, request.filters, top_k=top, interpret=not literal)
    finally:
        engine.close()
    if as_json:
        typer.echo(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print_response(response)


def _print_response(response: OfferSearchResponse) -> None:
    if response.understood:
        typer.echo("Compris : " + " ; ".join(response.understood))
    if response.text != response.query:
        typer.echo(f"Texte recherché : {response.text!r}")
    if response.occupation:
        typer.echo(f"Métier : {response.occupation}")
    if response.no_match is not None:
        typer.echo(describe_no_match(response.no_match, response.filters))
        _print_results(response.no_match.alternatives)
        if not response.results:
            return
        typer.echo("Métiers proches sur place :")
    if not response.results:
        typer.echo("Aucune offre ne correspond. Essayez d'élargir le rayon ou de retirer un filtre.")
        return
    _print_results(response.results)


def _print_results(results: list[OfferResult]) -> None:
    for r in results:
        place = r.location or "lieu non précisé"
        if r.distance_km is not None:
            place += f" ({r.distance_km:.0f} km)"
        when = r.published_at.date().isoformat() if r.published_at else "?"
        typer.echo(f"{r.rank:>2}. [{r.id}] {r.title} — {r.company or 'entreprise non précisée'}")
        typer.echo(
            f"    {place} · {r.contract_label or r.contract} · {r.experience or ''} · publiée le {when}"
        )
        if r.match is not None:
            typer.echo(f"    pertinence {r.match}/100 · {' · '.join(r.reasons)}")
        else:
            typer.echo(
                f"    score {r.score:.4f} (lexical #{r.parts.lexical_rank or '-'}, vectoriel #{r.parts.vector_rank or '-'})"
            )


@app.command()
def sync(
    rebuild: Annotated[
        bool,
        typer.Option(
            help="Reconstruire FAISS et l'index lexical depuis SQL (ex. après un changement de modèle)."
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Reconcile SQL ↔ FAISS ↔ lexical index (offers and candidates) and report what was fixed."""
    engine = open_engine(data_dir, rebuild=rebuild)
    try:
        reports = engine.sync()
    finally:
        engine.close()
    for report in reports:
        typer.echo(f"[{report.collection}] SQL : {report.sql_count}")
        typer.echo(
            f"  FAISS : +{report.vector_added} ajoutés, {report.vector_refreshed} rafraîchis, "
            f"-{report.vector_removed} orphelins supprimés"
        )
        typer.echo(
            f"  Lexical : +{report.lexical_added} ajoutés, {report.lexical_refreshed} rafraîchis, "
            f"-{report.lexical_removed} orphelins supprimés"
        )
    fixed = sum(r.fixed for r in reports)
    embedded = sum(r.embedded for r in reports)
    typer.echo("Tout était cohérent." if fixed == 0 else f"Corrections : {fixed} (encodés : {embedded})")


@app.command()
def reindex(data_dir: DataDir = None) -> None:
    """Rebuild the lexical index from SQL (Elasticsearch: new version, then an atomic alias swap)."""
    engine = open_engine(data_dir)
    try:
        n = engine.pipeline.reindex_lexical()
        n += engine.indexer("candidates").reindex_lexical()
        backend = engine.settings.effective_lexical_backend
    finally:
        engine.close()
    typer.echo(f"Index lexical ({backend}) reconstruit : {n} documents.")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False, data_dir: DataDir = None) -> None:
    """Counts in SQL, FAISS and the lexical index (they agree after ingest or sync)."""
    engine = open_engine(data_dir)
    try:
        data = {
            "data_dir": str(engine.settings.data_dir),
            "database": engine.db.dialect,
            "embedding_model": engine.embedder.model_id,
            "embedding_dim": engine.embedder.dim,
            "lexical_backend": engine.settings.effective_lexical_backend,
            "offers_sql": engine.offers.count(),
            "offers_faiss": engine.vectors.count(),
            "offers_lexical": engine.lexical.count(),
            "candidates_sql": engine.candidates.count(),
            "candidates_faiss": engine.indexes("candidates").vectors.count(),
            "candidates_lexical": engine.indexes("candidates").lexical.count(),
            "faiss_index": f"{engine.vectors.mode} (nlist={engine.vectors.nlist})",
        }
    finally:
        engine.close()
    data["consistent"] = (
        data["offers_sql"] == data["offers_faiss"] == data["offers_lexical"]
        and data["candidates_sql"] == data["candidates_faiss"] == data["candidates_lexical"]
    )
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for k, v in data.items():
        typer.echo(f"{k:>16} : {v}")


class AgentRole(StrEnum):
    """Who talks to the agent: candidates search offers, recruiters also candidates."""

    candidate = "candidate"
    recruiter = "recruiter"


RoleOption = Annotated[
    AgentRole, typer.Option("--role", help="candidate (offres) ou recruiter (candidats et offres).")
]
ThreadOption = Annotated[
    str | None, typer.Option("--thread", help="Identifiant du fil de conversation à poursuivre.")
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="La question, en français ou en anglais.")],
    thread: ThreadOption = None,
    role: RoleOption = AgentRole.candidate,
    cv: Annotated[
        Path | None, typer.Option("--cv", help="CV à joindre (PDF, DOCX, TXT).", exists=True, dir_okay=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Réponse, appels d'outils (avec arguments) et ids cités, en JSON.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Pose une question à l'agent (un tour de conversation, mémorisé dans le fil --thread)."""
    import asyncio
    from dataclasses import asdict

    from app.conversation import ask_once

    def step(kind: str, data: dict[str, object]) -> None:
        if kind == "tool":
            typer.echo(f"  · {data['name']}({json.dumps(data['args'], ensure_ascii=False)})", err=True)

    streamed: list[str] = []

    def token(text: str) -> None:  # the answer as the model writes it
        streamed.append(text)
        typer.echo(text, nl=False)

    result = asyncio.run(
        ask_once(
            settings_for(data_dir),
            question,
            thread_id=thread,
            role=role.value,
            cv=cv,
            on_token=None if as_json else token,
            on_step=None if as_json else step,
        )
    )
    if as_json:
        typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return
    if not "".join(streamed).strip():
        typer.echo(result.answer)
    elif result.flagged_ids:
        typer.echo("\n(ids non vérifiés retirés de la réponse) " + result.answer)
    else:
        typer.echo("")
    typer.echo(f"(fil : {result.thread_id})", err=True)


@app.command()
def chat(
    thread: ThreadOption = None, role: RoleOption = AgentRole.candidate, data_dir: DataDir = None
) -> None:
    """Conversation dans le terminal avec l'agent (réponses en continu, étapes d'outils affichées)."""
    import asyncio

    from app.conversation import chat as run_chat

    def write(text: str) -> None:
        typer.echo(text, nl=False)

    asyncio.run(run_chat(settings_for(data_dir), thread_id=thread, role=role.value, read=input, write=write))


def main() -> None:
    try:
        app()
    except BassinError as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
