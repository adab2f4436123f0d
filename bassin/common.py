"""What the command-line modules share: the --data-dir option, settings and engine at the edge, and the
explicit search filters (--city, --radius, --contract, --skill...)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # the engine's imports cost seconds: each command imports what it uses when it runs
    from app.runtime import Engine
    from app.settings import Settings
    from services.offer_search import OfferResult, OfferSearchResponse
    from services.requests import BuiltRequest


def command_group(help_text: str) -> typer.Typer:
    """A group of commands with plain help: Rich's help formatter alone costs ~0.3 s at every start."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


API_WRITE_WAIT_S = 30.0
"""How long a write command waits for the API server's writes (each holds the lock for one request)."""

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Dossier des données (défaut : BASSIN_DATA_DIR ou ./var).")
]


def settings_for(data_dir: Path | None) -> Settings:
    from app.settings import Settings
    from domain import crash_points

    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    crash_points.arm(settings.crash_at)
    return settings


def answer_and_exit() -> None:
    """Turn the garbage collector off for a command that answers once and exits (search, ask, match).

    Its imports and first loads create ~10^6 objects that live until exit, and little garbage: the
    collector's passes over them only cost (~15 % of a cold ``bassin ask``). Long-running commands
    (serve, chat, ingest, sync) keep it on.
    """
    gc.disable()


def open_engine(data_dir: Path | None, *, rebuild: bool = False) -> Engine:
    """The engine of a read command that answers once and exits (the collector stays off: see
    ``answer_and_exit``)."""
    from app.runtime import build_engine

    answer_and_exit()

    return build_engine(settings_for(data_dir), rebuild_indexes=rebuild)


@contextmanager
def open_writer(data_dir: Path | None, what: str, *, rebuild: bool = False) -> Iterator[Engine]:
    """The engine of a write command, under the data's single-writer lock taken before anything is
    opened or written (a second ingest fails at once, having written nothing)."""
    from app.runtime import build_engine
    from store import Database
    from store.locks import exclusive_writer

    settings = settings_for(data_dir)
    lock_db = Database(settings.resolved_database_url)
    try:
        with exclusive_writer(lock_db, settings.data_dir, what, wait_s=API_WRITE_WAIT_S):
            engine = build_engine(settings, rebuild_indexes=rebuild)
            try:
                yield engine
            finally:
                engine.close()
    finally:
        lock_db.dispose()


def explicit_request(
    engine: Engine,
    query: str,
    city: str | None,
    radius: float | None,
    contracts: list[str] | None,
    skills: list[str] | None,
    rome: list[str] | None,
    max_years: float | None,
    remote: bool | None,
    since: str | None,
    *,
    read: bool = True,
) -> BuiltRequest:
    """The flags and text of ``bassin search`` as a request (the same reading and builder as the agent's):
    ``read`` False keeps the text as typed (``--literal``)."""
    from datetime import date

    from domain.errors import InvalidQueryError
    from services.requests import SearchRequest

    if radius is not None and not city:
        raise InvalidQueryError("--radius demande un lieu (--city).")
    try:
        published_since = date.fromisoformat(since) if since else None
    except ValueError as exc:
        raise InvalidQueryError(f"Date invalide pour --since : {since!r} (format AAAA-MM-JJ).") from exc
    request = SearchRequest(
        query=query,
        skills=skills or (),
        place=city,
        radius_km=radius,
        contracts=contracts or (),
        remote=remote,
        experience_max_months=None if max_years is None else round(max_years * 12),
        published_since=published_since,
        rome=rome or (),
    )
    if query.strip() and read:
        # The text is read as the agent reads a message; a flag wins over what the text says.
        from services.requests import request_from_reading

        reading = engine.reader.read(query, default_target="offers", known_ids=[])
        request = request_from_reading(reading, explicit=request)
    return engine.requests.build(request)


def understood_notes(applied: dict[str, Any], lang: str = "fr") -> list[str]:
    """The criteria a request applies besides its words, as ``Compris :`` shows them (empty when none)."""
    from services.utterance.phrasing import criteria

    words = criteria({k: v for k, v in applied.items() if k != "query"}, "en" if lang == "en" else "fr")
    return [words] if words else []


def print_offer_response(response: OfferSearchResponse, *, evidence: bool = False) -> None:
    """A ranked offer search as text (``bassin search``, ``bassin match cv``); ``evidence`` adds the
    scorer's verified claims under each offer."""
    from services.no_match import describe_no_match

    if response.understood:
        typer.echo("Compris : " + " ; ".join(response.understood))
    if response.text != response.query:
        typer.echo(f"Texte recherché : {response.text!r}")
    if response.occupation:
        typer.echo(f"Métier : {response.occupation}")
    if response.no_match is not None:
        typer.echo(describe_no_match(response.no_match, response.filters))
        _print_results(response.no_match.alternatives, evidence)
        if not response.results:
            return
        typer.echo("Métiers proches sur place :" if response.no_match.alternatives else "Métiers proches :")
    if not response.results:
        typer.echo("Aucune offre ne correspond. Essayez d'élargir le rayon ou de retirer un filtre.")
        return
    nearest = response.no_match.alternatives if response.no_match is not None else []
    _print_results(response.results, evidence, first=len(nearest) + 1)
    if response.narrower:
        typer.echo(
            f"« {response.text} » désigne bien des métiers : offres listées par leur intitulé, sans note. "
            "Précisez, par exemple : " + ", ".join(f"« {o} »" for o in response.narrower[:3]) + "."
        )


def _print_results(results: list[OfferResult], evidence: bool, first: int = 1) -> None:
    """The offers numbered from ``first``: after a "nothing matches", the related ones go on from the
    nearest ones' numbers, as the chat lists them."""
    for rank, r in enumerate(results, start=first):
        place = r.location or "lieu non précisé"
        if r.distance_km is not None:
            place += f" ({r.distance_km:.0f} km)"
        when = r.published_at.date().isoformat() if r.published_at else "?"
        typer.echo(f"{rank:>2}. [{r.id}] {r.title} — {r.company or 'entreprise non précisée'}")
        typer.echo(
            f"    {place} · {r.contract_label or r.contract} · {r.experience or ''} · publiée le {when}"
        )
        if r.match is not None:
            typer.echo("    " + " · ".join([f"pertinence {r.match}/100", *r.reasons]))
        else:
            typer.echo(
                f"    score {r.score:.4f} (lexical #{r.parts.lexical_rank or '-'}, vectoriel #{r.parts.vector_rank or '-'})"
            )
        if evidence and r.scored is not None:
            for line in r.scored.explanation.lines():
                typer.echo(f"      · {line}")
