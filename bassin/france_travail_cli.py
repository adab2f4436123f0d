"""``bassin ingest france-travail``: pull the France Travail API once, or every hour with ``--every 1h``."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from bassin.common import DataDir, open_writer
from domain.errors import InvalidQueryError, WriterBusyError

LOGGER = logging.getLogger("bassin.ingestion.france_travail")
_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since(value: str | None) -> datetime | Literal["last"] | None:
    """``AAAA-MM-JJ``, an ISO date-time (UTC when no offset), ``last``, or nothing (full pull)."""
    if value is None or value == "":
        return None
    if value == "last":
        return "last"
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidQueryError(
            f"--since invalide : {value!r} (AAAA-MM-JJ, AAAA-MM-JJTHH:MM:SS ou « last »)."
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_period(value: str) -> float:
    """Seconds of a period such as ``1h``, ``30m``, ``90s``, ``1d``."""
    match = _PERIOD.match(value)
    if not match or float(match.group(1)) <= 0:
        raise InvalidQueryError(f"--every invalide : {value!r} (ex. 1h, 30m, 90s).")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def ingest_france_travail(
    since: Annotated[
        str | None,
        typer.Option(
            help="Offres créées depuis (AAAA-MM-JJ ou date-heure ISO) ; « last » : depuis la fin du "
            "dernier passage réussi. Sans --since : toutes les offres publiées (passage complet)."
        ),
    ] = None,
    departements: Annotated[
        list[str] | None, typer.Option("--departements", help="Départements (ex. 69,75), répétable.")
    ] = None,
    rome: Annotated[
        list[str] | None, typer.Option("--rome", help="Codes ROME (ex. M1805), répétable.")
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(help="Recommencer à cette période (ex. 1h) ; les passages suivants : --since last."),
    ] = None,
    runs: Annotated[
        int | None, typer.Option(min=1, help="Avec --every : nombre de passages puis arrêt.")
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Servir les compteurs Prometheus sur ce port (/metrics).")
    ] = None,
    metrics_file: Annotated[
        Path | None,
        typer.Option(
            help="Écrire les compteurs Prometheus dans ce fichier (textfile collector) à chaque passage."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Pull offers from the France Travail API: upsert new and changed ones, close those gone."""
    import asyncio

    from prometheus_client import start_http_server, write_to_textfile

    from ingestion.france_travail.errors import FranceTravailError
    from ingestion.france_travail.metrics import SyncMetrics

    first_since = parse_since(since)
    period = parse_period(every) if every else None
    deps, romes = _split(departements), _split(rome)
    metrics = SyncMetrics()
    if metrics_port is not None:
        start_http_server(metrics_port, registry=metrics.registry)
    done = 0
    while True:
        started = time.monotonic()
        run_since = first_since if done == 0 else "last"
        try:
            # The single-writer lock is taken per run: between runs, other writers (CV ingest…) may go.
            with open_writer(data_dir, "bassin ingest france-travail") as engine:
                connector = engine.france_travail(metrics=metrics)
                summary = asyncio.run(connector.run(since=run_since, departements=deps, rome=romes))
            typer.echo(summary.line())
        except (FranceTravailError, WriterBusyError) as exc:
            if period is None:
                raise
            # the checkpoint keeps what was stored (or another writer holds the data): the next tick resumes
            typer.echo(f"Erreur : {exc}", err=True)
        finally:
            if metrics_file is not None:
                write_to_textfile(str(metrics_file), metrics.registry)
        done += 1
        if period is None or (runs is not None and done >= runs):
            break
        time.sleep(max(0.0, period - (time.monotonic() - started)))
