"""An async client of France Travail's "Offres d'emploi v2" API: OAuth2 token, rate limit, retries, paging.

The API's documented behaviour this client relies on:

- a token from the OAuth2 endpoint (client credentials grant, form-encoded, ``expires_in`` seconds);
  an expired token is answered 401, and the client fetches a new one and retries;
- ``GET /offres/search?range=a-b`` answers 206 (or 200 when everything fits) with
  ``Content-Range: offres a-b/total``, 204 when nothing matches, at most ``page_size`` offers per page
  and ``range`` starting at ``max_start`` at most (150 and 3,000: a query reaches 3,150 offers);
- ``GET /offres/{id}`` answers the offer, or 204 / 404 when it is no longer published;
- 429 when over the rate limit, with ``Retry-After``; 5xx now and then.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import SecretStr

from ingestion.france_travail.errors import FranceTravailError

LOGGER = logging.getLogger("bassin.ingestion.france_travail")
_CONTENT_RANGE = re.compile(r"(\d+)-(\d+)/(\d+)")
_RETRIED = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ApiConfig:
    """Where and how to reach the API (the secret stays a ``SecretStr`` until the token request)."""

    client_id: str
    client_secret: SecretStr = field(repr=False)
    api_url: str
    token_url: str
    scope: str = "api_offresdemploiv2 o2dsoffre"
    rate_per_second: float = 9.0
    max_retries: int = 6
    timeout_s: float = 30.0
    page_size: int = 150
    max_start: int = 3000
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    concurrency: int = 4

    @property
    def query_cap(self) -> int:
        """The most offers one query can reach through paging."""
        return self.max_start + self.page_size


@dataclass
class RequestStats:
    """What the client did: requests sent, retried answers by reason, tokens fetched."""

    requests: int = 0
    retried: dict[str, int] = field(default_factory=dict)
    tokens: int = 0

    def retry(self, reason: str) -> None:
        self.retried[reason] = self.retried.get(reason, 0) + 1


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and the total the API reports for the whole query."""

    offers: list[dict[str, Any]]
    total: int


class RateLimiter:
    """Spaces request starts by ``1 / per_second`` seconds, whatever the number of concurrent callers."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


class FranceTravailClient:
    """Search and detail requests with a shared token, a rate limit and retries.

    Example:
        >>> async with FranceTravailClient(config) as client:
        ...     page = await client.search({"minCreationDate": "…", "maxCreationDate": "…"}, 0, 149)
    """

    def __init__(self, config: ApiConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.stats = RequestStats()
        self._http = httpx.AsyncClient(timeout=config.timeout_s, transport=transport)
        self._limiter = RateLimiter(config.rate_per_second)
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(config.concurrency)

    async def __aenter__(self) -> FranceTravailClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- token -----------------------------------------------------------------------------------
    async def _bearer(self, *, renew: bool = False) -> str:
        async with self._token_lock:
            if renew or self._token is None or time.monotonic() >= self._token_expires:
                await self._fetch_token()
            assert self._token is not None
            return self._token

    async def _fetch_token(self) -> None:
        cfg = self.config
        data = {
            "grant_type": "client_credentials",
            "client_id": cfg.client_id,
            "client_secret": cfg.client_secret.get_secret_value(),
            "scope": cfg.scope,
        }
        for attempt in range(cfg.max_retries + 1):
            await self._limiter.wait()
            try:
                r = await self._http.post(cfg.token_url, data=data)
            except httpx.TransportError as exc:
                reason = type(exc).__name__
            else:
                if r.status_code == 200:
                    body = r.json()
                    self._token = str(body["access_token"])
                    ttl = float(body.get("expires_in", 1499))
                    # renew a little before expiry: a request must not leave with a token about to lapse
                    self._token_expires = time.monotonic() + max(ttl - min(60.0, ttl / 10), 1.0)
                    self.stats.tokens += 1
                    return
                if r.status_code not in _RETRIED:
                    # the body may echo the request: never log it (it carries the secret)
                    raise FranceTravailError(
                        f"jeton refusé par {_host(cfg.token_url)} (HTTP {r.status_code}) : vérifiez "
                        "BASSIN_FT_CLIENT_ID et BASSIN_FT_CLIENT_SECRET"
                    )
                reason = str(r.status_code)
                if attempt < cfg.max_retries:
                    await asyncio.sleep(self._delay(attempt, r.headers))
                    self.stats.retry("token:" + reason)
                continue
            if attempt < cfg.max_retries:
                self.stats.retry("token:" + reason)
                await asyncio.sleep(self._delay(attempt, {}))
        raise FranceTravailError(f"jeton indisponible après {cfg.max_retries + 1} essais")

    # --- requests --------------------------------------------------------------------------------
    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET with the bearer token; retries 429 / 5xx / timeouts, renews the token on 401."""
        cfg = self.config
        url = cfg.api_url.rstrip("/") + path
        renew = False
        last = ""
        async with self._slots:
            for attempt in range(cfg.max_retries + 1):
                token = await self._bearer(renew=renew)
                renew = False
                await self._limiter.wait()
                self.stats.requests += 1
                headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
                try:
                    r = await self._http.get(url, params=params, headers=headers)
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    last = type(exc).__name__
                    retry_headers: Mapping[str, str] = {}
                else:
                    if r.status_code == 401 and attempt < cfg.max_retries:
                        self.stats.retry("401")
                        renew = True
                        continue
                    if r.status_code not in _RETRIED:
                        return r
                    last = f"HTTP {r.status_code}"
                    retry_headers = r.headers
                if attempt < cfg.max_retries:
                    self.stats.retry(last)
                    delay = self._delay(attempt, retry_headers)
                    LOGGER.info("france travail: %s on %s, retrying in %.2f s", last, path, delay)
                    await asyncio.sleep(delay)
        raise FranceTravailError(f"{path} : {last} après {cfg.max_retries + 1} essais")

    def _delay(self, attempt: int, headers: Mapping[str, str]) -> float:
        """``Retry-After`` when the server gives one, else exponential backoff with jitter."""
        cfg = self.config
        after = _retry_after(headers.get("Retry-After"))
        if after is not None:
            return min(after, cfg.backoff_max_s)
        return min(cfg.backoff_base_s * 2**attempt, cfg.backoff_max_s) * (0.5 + random.random() / 2)

    async def search(self, params: Mapping[str, str], start: int, end: int) -> SearchPage:
        """Offers ``start``..``end`` (inclusive) of a search, and the query's total."""
        r = await self._get("/offres/search", {**params, "range": f"{start}-{end}"})
        if r.status_code == 204:
            return SearchPage([], 0)
        if r.status_code not in (200, 206):
            raise FranceTravailError(f"recherche refusée (HTTP {r.status_code}) : {r.text[:200]}")
        offers = r.json().get("resultats") or []
        match = _CONTENT_RANGE.search(r.headers.get("Content-Range", ""))
        total = int(match.group(3)) if match else start + len(offers)
        return SearchPage(offers, total)

    async def detail(self, offer_id: str) -> dict[str, Any] | None:
        """The offer as published now, or None when the API says it is gone (204 / 404)."""
        r = await self._get(f"/offres/{offer_id}")
        if r.status_code in (204, 404):
            return None
        if r.status_code != 200:
            raise FranceTravailError(f"offre {offer_id} : HTTP {r.status_code}")
        body = r.json()
        return body if isinstance(body, dict) else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _host(url: str) -> str:
    return httpx.URL(url).host
