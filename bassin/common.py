"""What the command-line modules share: the --data-dir option, settings and engine at the edge, and the
explicit search filters (--city, --radius, --contract, --skill...)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the engine's imports cost seconds: each command imports what it uses when it runs
    from app.runtime import Engine
    from app.settings import Settings
    from services.requests import BuiltRequest


def command_group(help_text: str) -> typer.Typer:
    """A group of commands with plain help: Rich's help formatter alone costs ~0.3 s at every start."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None)


DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Dossier des données (défaut : BASSIN_DATA_DIR ou ./var).")
]


def settings_for(data_dir: Path | None) -> Settings:
    from app.settings import Settings

    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def open_engine(data_dir: Path | None, *, rebuild: bool = False) -> Engine:
    from app.runtime import build_engine

    return build_engine(settings_for(data_dir), rebuild_indexes=rebuild)


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
) -> BuiltRequest:
    """The flags of ``bassin search`` as a request (the same builder as the agent's tools)."""
    from datetime import date

    from domain.errors import InvalidQueryError
    from services.requests import RequestBuilder, SearchRequest

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
    return RequestBuilder(engine.gazetteer, engine.taxonomy).build(request)
