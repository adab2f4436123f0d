"""``bassin serve``: the HTTP API (``api``) under uvicorn, JSON logs on stderr."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

# Request head limit of the h11 parser (used when httptools is not installed): long enough for a GET /offers
# with far more ids than allowed, so the caller gets the app's own 422 saying the maximum.
MAX_REQUEST_HEAD_BYTES = 256 * 1024


def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Dossier des données (défaut : BASSIN_DATA_DIR ou ./var)."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=32, help="Processus serveurs ; les écritures FAISS exigent 1.")
    ] = 1,
) -> None:
    """Serve the HTTP API: POST /match, GET /offers, /embeddings, /faiss/*, /health, /metrics (docs: /docs)."""
    import uvicorn

    from api.observability import configure_json_logging
    from api.wiring import create_app_from_settings
    from app.settings import Settings

    configure_json_logging()
    common = {
        "host": host,
        "port": port,
        "access_log": False,  # the API logs every request itself, as JSON with its request id
        "log_config": None,
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES,
    }
    if workers == 1:
        settings = Settings()
        if data_dir is not None:
            settings = settings.model_copy(update={"data_dir": data_dir})
        uvicorn.run(create_app_from_settings(settings), **common)  # type: ignore[arg-type]
        return
    # each worker process builds its own app from the environment
    if data_dir is not None:
        os.environ["BASSIN_DATA_DIR"] = str(data_dir)
    os.environ["BASSIN_API_WORKERS"] = str(workers)
    Settings()  # fail here, once, on a bad setting
    uvicorn.run(
        "api.wiring:create_app_from_settings",
        factory=True,
        workers=workers,
        **common,  # type: ignore[arg-type]
    )
