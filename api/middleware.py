"""The ASGI layer around every endpoint: request id, body size limit, rate limit, JSON access log, latency.

Rate limits are per client address for anonymous requests and requests with a key the server does not
accept, per key only for a valid key (a made-up key per request buys nothing); requests to a write endpoint
without a valid key also draw on a small per-address budget, so key guessing soon meets 429.

Pure ASGI (no ``BaseHTTPMiddleware``): bodies stream through untouched, only counted. A body larger than
the limit is refused with 413 from its ``Content-Length`` before it is read, or, for a chunked body, as
soon as the count passes the limit (the endpoint then answers 413 through the app's handlers).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException

from api.observability import LOGGER, ApiMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "x-request-id"
API_KEY_HEADER = "x-api-key"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UNLIMITED_PATHS = frozenset(
    {"/health", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)
WRITE_PATHS = frozenset({"/faiss/upsert", "/faiss/delete"})


class TokenBuckets:
    """Per-identity token buckets: ``rate_per_minute`` refill, ``burst`` capacity; 0 rate: unlimited."""

    def __init__(
        self,
        rate_per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, identity: str, cost: float = 1.0) -> float:
        """0 when the request may go; otherwise the seconds to wait before retrying.

        ``cost`` above the burst can never be paid: the wait is then infinite (``math.inf``).
        """
        if self.rate <= 0:
            return 0.0
        if cost > self.burst:
            return float("inf")
        now = self.clock()
        tokens, last = self._buckets.get(identity, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < cost:
            self._buckets[identity] = (tokens, now)
            return (cost - tokens) / self.rate
        if len(self._buckets) >= self.max_keys and identity not in self._buckets:
            self._forget_full(now)
        self._buckets[identity] = (tokens - cost, now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.burst]
        for k in full or list(self._buckets)[: self.max_keys // 10]:
            del self._buckets[k]


def key_id(api_key: str) -> str:
    """A key's log-safe name: never the key itself."""
    return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:12]


def valid_key(given: str | None, keys: tuple[str, ...]) -> bool:
    """Whether ``given`` is one of the server's keys (constant-time comparison)."""
    if not given:
        return False
    return any(hmac.compare_digest(given.encode(), k.encode()) for k in keys)


class ApiMiddleware:
    """Request id, size limit and rate limit on the way in; JSON log line and latency on the way out."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: ApiMetrics,
        max_body_bytes: int,
        buckets: TokenBuckets,
        api_keys: tuple[str, ...] = (),
        auth_failures: TokenBuckets | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.buckets = buckets
        self.api_keys = api_keys
        self.auth_failures = auth_failures or TokenBuckets(10.0, 10)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given_id = headers.get(REQUEST_ID_HEADER, "")
        request_id = given_id if _REQUEST_ID.match(given_id) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        api_key = headers.get(API_KEY_HEADER)
        client = scope.get("client")
        address = f"ip:{client[0] if client else '?'}"
        authenticated = valid_key(api_key, self.api_keys)
        identity = key_id(api_key) if api_key and authenticated else address
        scope["state"].update(authenticated=authenticated, client_address=address)
        status = {"code": 500}
        logged = False

        def log_request() -> None:
            # Logged before the last byte of the response leaves: whoever reads the answer can find its line.
            nonlocal logged
            if logged:
                return
            logged = True
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.latency.labels(scope["method"], template, str(status["code"])).observe(elapsed)
            LOGGER.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": template,
                        "status": status["code"],
                        "duration_ms": round(elapsed * 1000, 2),
                        "client": identity if authenticated else (client[0] if client else None),
                    }
                },
            )

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                log_request()
            await send(message)

        try:
            refusal = self._refusal(scope, headers, identity, authenticated, address)
            if refusal is not None:
                code, reason, detail, extra = refusal
                self.metrics.rejected.labels(reason).inc()
                await _send_json(send_with_id, code, {"detail": detail, "request_id": request_id}, extra)
            else:
                await self.app(scope, self._counting(receive), send_with_id)
        finally:
            log_request()

    def _refusal(
        self, scope: Scope, headers: dict[str, str], identity: str, authenticated: bool, address: str
    ) -> tuple[int, str, str, dict[str, str]] | None:
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return 400, "bad_length", "En-tête Content-Length invalide. / Invalid Content-Length.", {}
            if int(length) > self.max_body_bytes:
                return 413, "too_large", _too_large(self.max_body_bytes), {}
        if scope["path"] in WRITE_PATHS and not authenticated:
            # every write without a valid key will fail: after a few, the address waits (key guessing)
            wait = self.auth_failures.take(address)
            if wait > 0:
                return _too_many(wait, "auth_failures")
        if scope["path"] not in UNLIMITED_PATHS:
            wait = self.buckets.take(identity)
            if wait > 0:
                return _too_many(wait, "rate_limited")
        return None

    def _counting(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body_bytes

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # re-raised as is by FastAPI's body reader, answered by the app's exception handlers
                    raise HTTPException(413, _too_large(limit))
            return message

        return counted


def _too_many(wait: float, reason: str) -> tuple[int, str, str, dict[str, str]]:
    detail = f"Trop de requêtes : réessayez dans {wait:.1f} s. / Rate limit exceeded, retry in {wait:.1f} s."
    return 429, reason, detail, {"retry-after": str(max(1, round(wait + 0.5)))}


def _too_large(limit: int) -> str:
    return (
        f"Corps de requête trop gros (maximum {limit} octets). / Request body too large (max {limit} bytes)."
    )


async def _send_json(send: Send, status: int, body: dict[str, Any], extra_headers: dict[str, str]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra_headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
