"""What the command-line modules share: the --data-dir option, settings and engine at the edge, and the
explicit search filters (--city, --radius, --contract, --skill...)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from app.runtime import Engine, build_engine
from app.settings import Settings
from domain.errors import InvalidQueryError
from domain.search import GeoFilter, SearchFilters

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Dossier des données (défaut : BASSIN_DATA_DIR ou ./var).")
]


def settings_for(data_dir: Path | None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def open_engine(data_dir: Path | None, *, rebuild: bool = False) -> Engine:
    return build_engine(settings_for(data_dir), rebuild_indexes=rebuild)


def explicit_filters(
    engine: Engine,
    city: str | None,
    radius: float | None,
    contracts: list[str] | None,
    skills: list[str] | None,
    rome: list[str] | None,
    max_years: float | None,
    remote: bool | None,
    since: str | None,
) -> SearchFilters:
    update: dict[str, object] = {}
    if city:
        place = engine.gazetteer.resolve(city)
        if place.kind in ("departement", "region") and radius is None:
            update["departments"] = list(place.departments)
        else:
            update["geo"] = GeoFilter(
                label=place.label, lat=place.lat, lon=place.lon, radius_km=radius or 30.0
            )
    elif radius is not None:
        raise InvalidQueryError("--radius demande un lieu (--city).")
    if contracts:
        update["contracts"] = [c.upper() for c in contracts]
    if skills:
        keys = []
        for name in skills:
            key = engine.taxonomy.normalize_fuzzy(name)
            if key is None:
                raise InvalidQueryError(f"Compétence inconnue : {name!r}.")
            keys.append(key)
        update["skills"] = keys
    if rome:
        update["rome"] = [r.upper() for r in rome]
    if max_years is not None:
        update["experience_max_months"] = round(max_years * 12)
    if remote is not None:
        update["remote"] = remote
    if since:
        try:
            update["published_since"] = date.fromisoformat(since)
        except ValueError as exc:
            raise InvalidQueryError(f"Date invalide pour --since : {since!r} (format AAAA-MM-JJ).") from exc
    return SearchFilters.model_validate(update)
