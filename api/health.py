"""``GET /health``: is every store reachable, how big is each index, which model encodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.schemas import HealthResponse, IndexHealth

if TYPE_CHECKING:
    from api.deps import ApiServices


def health_report(services: ApiServices) -> HealthResponse:
    """Probe the database, both collections' indexes and the cache; a failing probe makes it degraded."""
    engine = services.engine
    errors: list[str] = []
    database: dict[str, str | int | bool] = {"dialect": engine.db.dialect, "ok": False}
    # a health probe reports failures instead of raising them, whatever they are: broad catches on purpose
    try:
        database.update(offers=engine.offers.count(), candidates=engine.candidates.count(), ok=True)
    except Exception as exc:
        errors.append(f"database: {type(exc).__name__}: {exc}")
    indexes: dict[str, IndexHealth] = {}
    try:
        counts = services.vectors.counts()
    except Exception as exc:
        errors.append(f"faiss: {type(exc).__name__}: {exc}")
        counts = {}
    for collection, (vectors, mode) in counts.items():
        lexical: int | None = None
        try:
            lexical = engine.indexes(collection).lexical.count()  # type: ignore[arg-type]
        except Exception as exc:
            errors.append(f"lexical {collection}: {type(exc).__name__}: {exc}")
        indexes[collection] = IndexHealth(vectors=vectors, mode=mode, lexical_documents=lexical)
    cached: int | None = None
    try:
        cached = services.cache.count()
    except Exception as exc:
        errors.append(f"match cache: {type(exc).__name__}: {exc}")
    return HealthResponse(
        status="ok" if not errors else "degraded",
        model={"id": services.embeddings.model_id, "dim": services.embeddings.dim},
        database=database,
        indexes=indexes,
        match_cache_profiles=cached,
        errors=errors,
    )
