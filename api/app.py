"""The FastAPI app of seeds 000 and 003: ``/match``, ``/offers``, ``/embeddings``, ``/faiss/*``, ``/health``.

``create_app(services, config)`` takes services already built (``api.wiring``) and plain limits
(``ApiConfig``); it reads no settings. Endpoints are thin: validate, call one service in a worker thread,
shape the answer. Expected failures (``BassinError``) become 4xx JSON with a message to act on; every
answer carries the request id (``X-Request-ID``). OpenAPI at ``/openapi.json``, docs at ``/docs``.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import APIKeyHeader
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.config import ApiConfig
from api.deps import ApiServices
from api.errors import WRITER_BUSY_RETRY_AFTER_S, VectorDimensionError, status_of
from api.health import health_report
from api.middleware import ApiMiddleware, TokenBuckets
from api.observability import LOGGER, ApiMetrics
from api.schemas import (
    ID_PATTERN,
    AskRequest,
    AskResponse,
    EmbeddingsRequest,
    EmbeddingsResponse,
    ErrorBody,
    FaissDeleteRequest,
    FaissDeleteResponse,
    FaissSearchRequest,
    FaissUpsertRequest,
    FaissUpsertResponse,
    HealthResponse,
    MatchRequest,
    ScoredId,
    search_filters,
)
from domain.errors import BassinError, InvalidQueryError, WriterBusyError
from services.offer_details import OfferDetails

_ID = re.compile(ID_PATTERN)
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "Malformed request.",
        413: "Request body too large.",
        422: "Invalid input (the message says which field and why).",
        429: "Rate limit exceeded (see Retry-After).",
    }.items()
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    401: {"model": ErrorBody, "description": "Missing API key (X-API-Key)."},
    403: {"model": ErrorBody, "description": "API key refused, or no key configured."},
    404: {"model": ErrorBody, "description": "Unknown ids: nothing was written."},
    409: {
        "model": ErrorBody,
        "description": "FAISS writes disabled (several workers), or another writer (`bassin ingest`, "
        "`sync`…) holds the data beyond BASSIN_API_WRITER_WAIT_S: retry after Retry-After; `holder` names it.",
    },
}
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="Key for the write endpoints.")


def require_key(request: Request, key: Annotated[str | None, Security(_API_KEY)]) -> None:
    """Write endpoints: 401 without a key, 403 with a wrong one or when the server has none configured."""
    keys: tuple[str, ...] = request.app.state.config.api_keys
    if not keys:
        raise HTTPException(403, "Aucune clé d'API configurée (BASSIN_API_KEYS) : écritures refusées.")
    if not key:
        raise HTTPException(401, "Clé d'API manquante (en-tête X-API-Key).", {"WWW-Authenticate": "ApiKey"})
    if not any(hmac.compare_digest(key.encode(), k.encode()) for k in keys):
        raise HTTPException(403, "Clé d'API refusée.")


def create_app(services: ApiServices, config: ApiConfig, *, lifespan: Lifespan | None = None) -> FastAPI:
    """The HTTP API over ``services``, bounded by ``config``.

    Example:
        >>> services = build_api_services(engine, ApiConfig())
        >>> uvicorn.run(create_app(services, ApiConfig()), port=8000)
    """
    app = FastAPI(
        title="Bassin API",
        version="1.0",
        summary="Matching CV ↔ offres : /match, /offers, /embeddings, /faiss/* (seeds 000 et 003).",
        lifespan=lifespan,
    )
    metrics = ApiMetrics(services.vectors.counts)
    app.state.services, app.state.metrics, app.state.config = services, metrics, config
    app.add_middleware(
        ApiMiddleware,
        metrics=metrics,
        max_body_bytes=config.max_body_bytes,
        buckets=TokenBuckets(config.rate_limit_per_minute, config.rate_limit_burst),
        api_keys=config.api_keys,
        auth_failures=TokenBuckets(config.auth_failures_per_minute, config.auth_failure_burst),
    )
    anonymous_chars = TokenBuckets(
        config.anonymous_embedding_chars_per_minute, max(1, config.anonymous_embedding_chars)
    )
    _add_error_handlers(app)
    writes = [Security(require_key)]

    @app.post("/match", response_model=list[ScoredId], responses={**_ERRORS, 404: {"model": ErrorBody}})
    async def match(body: MatchRequest, response: Response) -> list[ScoredId]:
        """Best offers for a CV (top 20 by default), best first: ``[{"id": "201VPGR", "score": 0.94}, …]``.

        Headers: ``X-Match-Score`` (``cosine`` or ``calibrated``), for ``cv_id`` ``X-Match-Cache``
        (``hit``, ``miss:<reason>``, ``bypass``) and ``X-Match-Computed-At``.
        """
        m = services.matches
        filters = search_filters(body.filters)
        if body.cv_embedding is not None:
            outcome = await asyncio.to_thread(m.by_vector, body.cv_embedding, filters, body.top_k)
        elif body.cv_id is not None:
            outcome = await asyncio.to_thread(m.by_candidate, body.cv_id, filters, body.top_k)
        else:
            outcome = await asyncio.to_thread(m.by_text, body.cv_text or "", filters, body.top_k)
        response.headers["X-Match-Score"] = outcome.score_kind
        if outcome.cache is not None:
            response.headers["X-Match-Cache"] = outcome.cache
            metrics.match_cache.labels(outcome.cache).inc()
        if outcome.computed_at is not None:
            response.headers["X-Match-Computed-At"] = outcome.computed_at.isoformat()
        return [ScoredId(id=i, score=s) for i, s in outcome.results]

    @app.get("/offers", response_model=list[OfferDetails], responses=_ERRORS)
    async def offers(
        response: Response,
        ids: Annotated[str, Query(min_length=1, description="Offer ids, comma-separated (order kept).")],
    ) -> list[OfferDetails]:
        """Offer details in the seed's shape, in the order asked; ids not found are listed in
        ``X-Unknown-Ids`` (comma-separated) and left out of the body."""
        wanted = list(dict.fromkeys(i.strip() for i in ids.split(",") if i.strip()))
        if not wanted:
            raise InvalidQueryError("ids est vide : donnez des ids séparés par des virgules. / ids is empty.")
        if len(wanted) > config.max_offer_ids:
            raise InvalidQueryError(
                f"Trop d'ids : {len(wanted)} (maximum {config.max_offer_ids} par requête). "
                f"/ Too many ids: {len(wanted)} (max {config.max_offer_ids})."
            )
        bad = [i for i in wanted if not _ID.match(i)]
        if bad:
            raise InvalidQueryError(f"Id(s) invalide(s) : {', '.join(repr(b[:60]) for b in bad[:5])}.")
        found, unknown = await asyncio.to_thread(services.offers.get_many, wanted)
        response.headers["X-Unknown-Ids"] = ",".join(unknown)
        return found

    @app.post(
        "/embeddings",
        response_model=EmbeddingsResponse,
        responses={
            **_ERRORS,
            401: {"model": ErrorBody, "description": "Over the anonymous budget: add X-API-Key."},
        },
    )
    async def embeddings(body: EmbeddingsRequest, request: Request) -> EmbeddingsResponse:
        """Vectors of the index's model (L2-normalised), one per text, in order.

        Encoding costs CPU in proportion to the characters: a request may hold at most
        ``max_embedding_chars`` characters with a valid ``X-API-Key``; without one, a small budget per
        request and per client address and minute (429 with ``Retry-After`` beyond it).
        """
        if len(body.texts) > config.max_embedding_texts:
            raise InvalidQueryError(
                f"Trop de textes : {len(body.texts)} (maximum {config.max_embedding_texts}). / Too many texts."
            )
        long = [i for i, t in enumerate(body.texts) if len(t) > config.max_text_chars]
        if long:
            raise InvalidQueryError(
                f"Texte(s) trop long(s) (maximum {config.max_text_chars} caractères) : positions {long[:10]}."
            )
        state = request.scope.get("state", {})
        chars = sum(len(t) for t in body.texts)
        if not state.get("authenticated"):
            if chars > config.anonymous_embedding_chars:
                raise HTTPException(
                    401,
                    f"Sans clé d'API, {config.anonymous_embedding_chars} caractères au plus par requête "
                    f"(reçu : {chars}) : ajoutez X-API-Key. / Without an API key at most "
                    f"{config.anonymous_embedding_chars} characters per request.",
                    {"WWW-Authenticate": "ApiKey"},
                )
            wait = anonymous_chars.take(str(state.get("client_address")), float(chars))
            if wait > 0:
                raise HTTPException(
                    429,
                    f"Quota d'encodage sans clé atteint : réessayez dans {wait:.0f} s ou ajoutez X-API-Key. "
                    f"/ Anonymous embedding quota exceeded, retry in {wait:.0f} s.",
                    {"retry-after": str(max(1, round(wait + 0.5)))},
                )
        elif chars > config.max_embedding_chars:
            raise InvalidQueryError(
                f"Trop de caractères : {chars} (maximum {config.max_embedding_chars} par requête). "
                "/ Too many characters in one request."
            )
        vectors = await asyncio.to_thread(services.embeddings.embed, body.texts)
        e = services.embeddings
        return EmbeddingsResponse(model=e.model_id, dim=e.dim, embeddings=vectors.tolist())

    @app.post("/faiss/search", response_model=list[ScoredId], responses=_ERRORS)
    async def faiss_search(body: FaissSearchRequest) -> list[ScoredId]:
        """Nearest documents of an index (cosine), filters applied exactly, best first."""
        hits = await asyncio.to_thread(
            services.vectors.search, body.index, body.vector, search_filters(body.filters), body.top_k
        )
        return [ScoredId(id=i, score=s) for i, s in hits]

    @app.post(
        "/faiss/upsert", response_model=FaissUpsertResponse, responses=_WRITE_ERRORS, dependencies=writes
    )
    async def faiss_upsert(body: FaissUpsertRequest) -> FaissUpsertResponse:
        """(Re)index stored documents with the model's embeddings (SQL first, then the indexes); a given
        `vector` is checked against the embedding of the stored text and refused (422) when it differs.
        All or nothing. Needs a key."""
        _check_items(len(body.items), config)
        items = [(item.id, item.vector) for item in body.items]
        done, count = await asyncio.to_thread(services.vectors.upsert, body.index, items)
        return FaissUpsertResponse(index=body.index, upserted=done, count=count)

    @app.post(
        "/faiss/delete", response_model=FaissDeleteResponse, responses=_WRITE_ERRORS, dependencies=writes
    )
    async def faiss_delete(body: FaissDeleteRequest) -> FaissDeleteResponse:
        """Delete documents from the store and every index (offers as `bassin delete offers`, candidates as
        `bassin forget candidate`), so no sync can bring them back. Needs a key."""
        _check_items(len(body.ids), config)
        out = await asyncio.to_thread(services.vectors.delete, body.index, body.ids)
        return FaissDeleteResponse(
            index=body.index,
            deleted=out.deleted,
            not_indexed=out.not_indexed,
            unknown_ids=out.unknown,
            count=out.count,
        )

    # The same contract under the backend-neutral name (vectors may live in Elasticsearch or pgvector).
    app.post("/vectors/search", response_model=list[ScoredId], responses=_ERRORS)(faiss_search)
    app.post(
        "/vectors/upsert", response_model=FaissUpsertResponse, responses=_WRITE_ERRORS, dependencies=writes
    )(faiss_upsert)
    app.post(
        "/vectors/delete", response_model=FaissDeleteResponse, responses=_WRITE_ERRORS, dependencies=writes
    )(faiss_delete)

    if services.agent is not None:
        agent = services.agent

        @app.post("/ask", response_model=AskResponse, responses=_WRITE_ERRORS, dependencies=writes)
        async def ask(body: AskRequest) -> AskResponse:
            """One turn of the conversational agent (the engine stays loaded between calls).

            Needs an API key: a turn writes the conversation's memory and may call the configured LLM.
            """
            result = await agent.ask(body.question, thread_id=body.thread_id, role=body.role)
            return AskResponse.model_validate(result.to_dict())

    @app.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
    async def health() -> JSONResponse:
        """Stores reachable, index sizes, embedding model; 503 when something is unreachable."""
        report = await asyncio.to_thread(health_report, services)
        return JSONResponse(report.model_dump(), status_code=200 if report.status == "ok" else 503)

    @app.get("/metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        """Prometheus text format: request latency histograms, match-cache outcomes, index sizes."""
        data = await asyncio.to_thread(generate_latest, metrics.registry)
        return Response(data, media_type=CONTENT_TYPE_LATEST)

    return app


def _check_items(n: int, config: ApiConfig) -> None:
    if n > config.max_upsert_items:
        raise InvalidQueryError(
            f"Trop d'éléments : {n} (maximum {config.max_upsert_items}). / Too many items."
        )


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BassinError)
    async def domain_error(request: Request, exc: BassinError) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(exc), "request_id": _request_id(request)}
        if isinstance(exc, VectorDimensionError):
            body["expected_dim"] = exc.expected
        headers = None
        if isinstance(exc, WriterBusyError):
            body["holder"] = exc.holder
            headers = {"Retry-After": str(WRITER_BUSY_RETRY_AFTER_S)}
        return JSONResponse(body, status_code=status_of(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # the offending input is left out: it may be huge, or hold NaN (not valid JSON)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()[:20]
        ]
        return JSONResponse({"detail": errors, "request_id": _request_id(request)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail, "request_id": _request_id(request)},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        LOGGER.error("unhandled error", exc_info=exc, extra={"fields": {"request_id": _request_id(request)}})
        return JSONResponse(
            {"detail": "Erreur interne. / Internal error.", "request_id": _request_id(request)},
            status_code=500,
        )
