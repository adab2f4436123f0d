"""A local France Travail "Offres d'emploi v2" API, as documented, over real offers (no network).

- ``POST /connexion/oauth2/access_token?realm=%2Fpartenaire``: client credentials → a bearer token that
  expires after ``token_ttl`` seconds (requests with an expired or unknown token get 401);
- ``GET /partenaire/offresdemploi/v2/offres/search``: ``minCreationDate`` / ``maxCreationDate`` (both or
  neither, whole seconds, both ends included), ``departement``, ``codeROME``, ``range=a-b`` with at most
  ``page_size`` offers and ``a <= max_start`` (else 400); 206 + ``Content-Range: offres a-b/total``, 200
  when one page holds everything, 204 when nothing matches; newest first;
- ``GET /partenaire/offresdemploi/v2/offres/{id}``: the offer, 204 once withdrawn, 404 when unknown;
- injected faults: the next requests answer the statuses queued in ``faults`` (429 with ``Retry-After``),
  every request after ``fail_after`` searches answers 503, every request can be slowed by ``delay_s``, and
  the next ``stall_next`` ones stalled for ``stall_s``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_PATH = "/partenaire/offresdemploi/v2"
TOKEN_PATH = "/connexion/oauth2/access_token"
CLIENT_ID = "bassin-test"
CLIENT_SECRET = "s3cr3t-never-logged"


def _second(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).replace(microsecond=0)


def departement_of(offer: dict[str, Any]) -> str | None:
    commune = (offer.get("lieuTravail") or {}).get("commune") or ""
    if len(commune) != 5:
        return None
    return commune[:3] if commune.startswith("97") else commune[:2]


class FakeFranceTravail:
    """The server and its state; tests change ``offers``, ``faults``, ``delay_s`` while it runs."""

    def __init__(
        self,
        offers: list[dict[str, Any]],
        *,
        page_size: int = 150,
        max_start: int = 3000,
        token_ttl: float = 1499.0,
        retry_after: str = "1",
    ) -> None:
        self.lock = threading.Lock()
        self.offers: dict[str, dict[str, Any]] = {}
        self.withdrawn: set[str] = set()
        self._keys: dict[str, tuple[datetime, str | None]] = {}
        self.set_offers(offers)
        self.page_size = page_size
        self.max_start = max_start
        self.token_ttl = token_ttl
        self.retry_after = retry_after
        self.faults: deque[int] = deque()
        self.delay_s = 0.0
        self.fail_after: int | None = None
        self.stall_next = 0
        """The next this many API requests take ``stall_s`` seconds (longer than the client waits)."""
        self.stall_s = 1.0
        """Once this many searches were answered, every request answers 503 (an outage mid-pull)."""
        self.tokens: dict[str, float] = {}
        self.requests: Counter[str] = Counter()
        self.bad_requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- state -----------------------------------------------------------------------------------
    def set_offers(self, offers: list[dict[str, Any]]) -> None:
        with self.lock:
            self.offers = {o["id"]: o for o in offers}
            self._keys = {o["id"]: (_second(o["dateCreation"]), departement_of(o)) for o in offers}

    def withdraw(self, ids: list[str]) -> None:
        """Offers filled: gone from search, 204 from the detail endpoint."""
        with self.lock:
            for i in ids:
                self.offers.pop(i, None)
                self._keys.pop(i, None)
                self.withdrawn.add(i)

    def publish(self, offers: list[dict[str, Any]]) -> None:
        with self.lock:
            for o in offers:
                self.offers[o["id"]] = o
                self._keys[o["id"]] = (_second(o["dateCreation"]), departement_of(o))
                self.withdrawn.discard(o["id"])

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH + "?realm=%2Fpartenaire"

    def start(self) -> FakeFranceTravail:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- behaviour -------------------------------------------------------------------------------
    def _token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        ok = (
            form.get("grant_type") == ["client_credentials"]
            and form.get("client_id") == [CLIENT_ID]
            and form.get("client_secret") == [CLIENT_SECRET]
            and "api_offresdemploiv2" in (form.get("scope") or [""])[0].split()
        )
        if not ok:
            return 401, {}, {"error": "invalid_client"}
        with self.lock:
            token = f"tok-{len(self.tokens) + 1}"
            self.tokens[token] = time.monotonic() + self.token_ttl
        return 200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}

    def _authorised(self, header: str | None) -> bool:
        token = (header or "").removeprefix("Bearer ")
        with self.lock:
            expires = self.tokens.get(token)
        return expires is not None and time.monotonic() < expires

    def _search(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        def one(name: str) -> str | None:
            return query[name][0] if name in query else None

        try:
            first, last = (int(x) for x in (one("range") or "0-149").split("-"))
        except ValueError:
            return 400, {}, {"message": "range invalide"}
        if last < first or last - first + 1 > self.page_size or first > self.max_start:
            return 400, {}, {"message": f"range {first}-{last} hors limites"}
        lo, hi = one("minCreationDate"), one("maxCreationDate")
        if (lo is None) != (hi is None):
            return 400, {}, {"message": "minCreationDate et maxCreationDate vont ensemble"}
        lo_d, hi_d = (_second(lo), _second(hi)) if lo and hi else (None, None)
        deps = set((one("departement") or "").split(",")) - {""}
        romes = set((one("codeROME") or "").split(",")) - {""}
        with self.lock:
            hits = [
                o
                for i, o in self.offers.items()
                if (lo_d is None or lo_d <= self._keys[i][0] <= hi_d)  # type: ignore[operator]
                and (not deps or self._keys[i][1] in deps)
                and (not romes or o.get("romeCode") in romes)
            ]
        if not hits:
            return 204, {}, None
        hits.sort(key=lambda o: (o["dateCreation"], o["id"]), reverse=True)
        page = hits[first : last + 1]
        if not page:
            return 416, {}, {"message": "range hors résultats"}
        status = 200 if len(page) == len(hits) else 206
        headers = {
            "Content-Range": f"offres {first}-{first + len(page) - 1}/{len(hits)}",
            "Accept-Range": f"offres {self.page_size}",
        }
        return status, headers, {"resultats": page, "filtresPossibles": []}

    def _detail(self, offer_id: str) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            offer = self.offers.get(offer_id)
            gone = offer_id in self.withdrawn
        if offer is not None:
            return 200, {}, offer
        return (204, {}, None) if gone else (404, {}, {"message": "offre inconnue"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
                data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a stalled response): as a real server would

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                url = urlsplit(self.path)
                fake.requests["token"] += 1
                if url.path != TOKEN_PATH or parse_qs(url.query).get("realm") != ["/partenaire"]:
                    self._send(404, {}, {"error": "not found"})
                    return
                self._send(*fake._token(form))

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                with fake.lock:
                    stall = fake.stall_next > 0
                    fake.stall_next -= 1 if stall else 0
                if stall:
                    fake.requests["stalled"] += 1
                    time.sleep(fake.stall_s)
                if not url.path.startswith(API_PATH + "/offres/"):
                    self._send(404, {}, {"message": "not found"})
                    return
                kind = "search" if url.path == API_PATH + "/offres/search" else "detail"
                fake.requests[kind] += 1
                if not fake._authorised(self.headers.get("Authorization")):
                    fake.requests["401"] += 1
                    self._send(401, {}, {"message": "jeton invalide ou expiré"})
                    return
                with fake.lock:
                    fault = fake.faults.popleft() if fake.faults else None
                    if fake.fail_after is not None and fake.requests["search"] > fake.fail_after:
                        fault = 503
                if fault is not None:
                    fake.requests[str(fault)] += 1
                    headers = {"Retry-After": fake.retry_after} if fault == 429 else {}
                    self._send(fault, headers, {"message": "injected"})
                    return
                if kind == "search":
                    status, headers, body = fake._search(parse_qs(url.query))
                    if status == 400:
                        fake.bad_requests.append(self.path)
                    self._send(status, headers, body)
                else:
                    self._send(*fake._detail(url.path.rsplit("/", 1)[1]))

        return Handler
