"""The ``bassin`` command line: an edge that reads Settings, builds the engine and prints results."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bassin.candidates_cli import forget_candidate, ingest_cvs, search_candidates
from bassin.common import (
    DataDir,
    answer_and_exit,
    command_group,
    explicit_request,
    open_engine,
    open_writer,
    print_offer_response,
    settings_for,
    understood_notes,
)
from bassin.eval_cli import evaluate
from bassin.france_travail_cli import ingest_france_travail
from bassin.match_cli import explain, match_app
from bassin.serve_cli import serve
from domain import crash_points
from domain.errors import BassinError

app = command_group("Bassin : recherche d'offres d'emploi hybride (lexicale + vectorielle).")
ingest_app = command_group("Ingérer des données.")
delete_app = command_group("Supprimer des données.")
app.add_typer(ingest_app, name="ingest")
forget_app = command_group("Effacer des données personnelles.")
app.add_typer(delete_app, name="delete")
app.add_typer(forget_app, name="forget")
app.add_typer(match_app, name="match")
app.command("explain")(explain)
app.command("serve")(serve)
app.command("eval")(evaluate)
ingest_app.command("cvs")(ingest_cvs)
ingest_app.command("france-travail")(ingest_france_travail)
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
    from tqdm import tqdm

    from ingestion.offers.readers import count_items, read_offer_items

    with open_writer(data_dir, "bassin ingest offers") as engine:
        total = count_items(path)
        with tqdm(total=total, unit="offre", desc="Ingestion", file=sys.stderr, disable=None) as bar:
            summary = engine.pipeline.ingest(read_offer_items(path), progress=lambda n: bar.update(n))
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    typer.echo(
        f"Lu : {summary.read} | insérées : {summary.inserted} | mises à jour : {summary.updated} | "
        f"inchangées : {summary.unchanged} | rejetées : {len(summary.rejected)}"
    )
    typer.echo(
        f"Durée : {summary.seconds:.1f} s ({rate:.0f} offres/s), dont encodage : {summary.embed_seconds:.1f} s "
        f"pour {summary.embedded} textes"
    )
    resumed = summary.resumed
    if resumed is not None and resumed.fixed:
        typer.echo(
            f"Reprise : des offres déjà en base manquaient aux index (ingestion interrompue ?) : "
            f"FAISS +{resumed.vector_added} ({resumed.vector_refreshed} rafraîchies, "
            f"-{resumed.vector_removed} orphelines), lexical +{resumed.lexical_added} "
            f"({resumed.lexical_refreshed} rafraîchies, -{resumed.lexical_removed} orphelines)."
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
    with open_writer(data_dir, "bassin delete offers") as engine:
        deleted = engine.pipeline.delete(ids)
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
            engine,
            query,
            city,
            radius,
            contract,
            skill,
            rome,
            max_experience_years,
            remote,
            since,
            read=not literal,
        )
        response = engine.offer_search.search(
            request.text, request.filters, top_k=top, interpret=not literal and request.filters.is_empty()
        )
        response.query = query
        if not response.understood:
            response.understood = understood_notes(request.applied)
    finally:
        engine.close()
    if as_json:
        typer.echo(json.dumps(response.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print_offer_response(response)


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
    """Reconcile SQL ↔ vector index ↔ lexical index (offers and candidates): add, refresh, remove, and
    replace indexed vectors that are not the stored embeddings; report what was fixed."""
    with open_writer(data_dir, "bassin sync", rebuild=rebuild) as engine:
        reports = engine.sync()
        swept = engine.sweep_cv_files()
        backend = engine.settings.vector_backend
    for report in reports:
        typer.echo(f"[{report.collection}] SQL : {report.sql_count}")
        typer.echo(
            f"  Vecteurs ({backend}) : +{report.vector_added} ajoutés, {report.vector_refreshed} rafraîchis, "
            f"-{report.vector_removed} orphelins supprimés, {report.vector_repaired} vecteurs étrangers remplacés"
        )
        typer.echo(
            f"  Lexical : +{report.lexical_added} ajoutés, {report.lexical_refreshed} rafraîchis, "
            f"-{report.lexical_removed} orphelins supprimés"
        )
        if report.leftovers:
            typer.echo(f"  Restes d'une écriture interrompue supprimés : {', '.join(report.leftovers)}")
    if swept:
        typer.echo(f"[cvs] fichiers orphelins supprimés (ingestion interrompue) : {', '.join(swept)}")
    fixed = sum(r.fixed for r in reports) + len(swept)
    embedded = sum(r.embedded for r in reports)
    typer.echo("Tout était cohérent." if fixed == 0 else f"Corrections : {fixed} (encodés : {embedded})")


@app.command()
def reindex(data_dir: DataDir = None) -> None:
    """Rebuild the lexical and vector indexes from SQL, each into a new version swapped in atomically
    (Elasticsearch: alias swap; pgvector: table rename; FAISS: new generation)."""
    from app.runtime import COLLECTIONS

    with open_writer(data_dir, "bassin reindex") as engine:
        n = engine.pipeline.reindex_lexical()
        n += engine.indexer("candidates").reindex_lexical()
        crash_points.reached("reindex.lexical-done")
        v = sum(engine.indexer(c).reindex_vectors() for c in COLLECTIONS)
        backend = engine.settings.effective_lexical_backend
        vector_backend = engine.settings.vector_backend
    typer.echo(f"Index lexical ({backend}) reconstruit : {n} documents.")
    typer.echo(f"Index vectoriel ({vector_backend}) reconstruit : {v} vecteurs.")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False, data_dir: DataDir = None) -> None:
    """Counts in SQL and both indexes, and a check by content: the same ids with the same content
    hashes everywhere, and indexed vectors equal to the stored embeddings of the configured model.
    Exits with status 1 when something differs (``bassin sync`` repairs it)."""
    from app.runtime import COLLECTIONS

    engine = open_engine(data_dir)
    try:
        checks = [engine.indexer(c).check() for c in COLLECTIONS]
        data: dict[str, object] = {
            "data_dir": str(engine.settings.data_dir),
            "database": engine.db.dialect,
            "embedding_model": engine.embedder.model_id,
            "embedding_dim": engine.embedder.dim,
            "lexical_backend": engine.settings.effective_lexical_backend,
            "offers_sql": engine.offers.count(),  # open offers (closed ones stay in SQL, out of the indexes)
            "offers_closed": engine.offers.count_closed(),
            "offers_faiss": engine.vectors.count(),
            "offers_lexical": engine.lexical.count(),
            "candidates_sql": engine.candidates.count(),
            "candidates_faiss": engine.indexes("candidates").vectors.count(),
            "candidates_lexical": engine.indexes("candidates").lexical.count(),
            "vector_backend": engine.settings.vector_backend,
            "vector_index": engine.vectors.mode,
        }
    finally:
        engine.close()
    for check in checks:
        data[f"{check.collection}_check"] = check.summary()
    data["consistent"] = all(c.consistent for c in checks)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for k, v in data.items():
            typer.echo(f"{k:>16} : {v}")
        if not data["consistent"]:
            typer.echo("Incohérences trouvées : lancez `bassin sync`. / Run `bassin sync` to repair.")
    if not data["consistent"]:
        raise typer.Exit(1)


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
    local: Annotated[
        bool, typer.Option("--local", help="Répondre ici même quand BASSIN_SERVER_URL désigne un serveur.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Pose une question à l'agent (un tour de conversation, mémorisé dans le fil --thread).

    Avec BASSIN_SERVER_URL, la question part au `bassin serve` qui tourne déjà (réponse sans démarrage à froid).
    """
    settings = settings_for(data_dir)

    def step(kind: str, data: dict[str, object]) -> None:
        if kind == "tool":
            typer.echo(f"  · {data['name']}({json.dumps(data['args'], ensure_ascii=False)})", err=True)

    streamed: list[str] = []

    def token(text: str) -> None:  # the answer as the model writes it
        streamed.append(text)
        typer.echo(text, nl=False)

    if settings.server_url and not local and cv is None:  # a CV file is read here: asked locally
        from bassin.remote import ask_server

        key = settings.server_api_key or (settings.api_keys[0] if settings.api_keys else None)
        result = ask_server(
            settings.server_url,
            key.get_secret_value() if key else None,
            question,
            thread_id=thread,
            role=role.value,
        )
        if not as_json:
            for call in result.get("tool_calls", []):
                step("tool", call)
    else:
        import asyncio

        answer_and_exit()
        from app.conversation import ask_once

        turn = asyncio.run(
            ask_once(
                settings,
                question,
                thread_id=thread,
                role=role.value,
                cv=cv,
                on_token=None if as_json else token,
                on_step=None if as_json else step,
            )
        )
        result = turn.to_dict()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if not "".join(streamed).strip():
        typer.echo(result["answer"])
    elif result.get("flagged_ids"):
        typer.echo("\n(ids non vérifiés retirés de la réponse) " + result["answer"])
    else:
        typer.echo("")
    typer.echo(f"(fil : {result['thread_id']})", err=True)


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
