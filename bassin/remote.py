"""``bassin ask`` through a running ``bassin serve`` (``BASSIN_SERVER_URL``): the engine is already loaded
there, so a turn costs the agent's own work instead of a cold start."""

from __future__ import annotations

from typing import Any

from domain.errors import ConfigurationError

TIMEOUT_S = 300.0  # a turn with a remote LLM can take a while; the server bounds its own work


def ask_server(
    url: str, api_key: str | None, question: str, *, thread_id: str | None, role: str
) -> dict[str, Any]:
    """POST the question to ``{url}/ask`` and return the server's JSON answer.

    Raises:
        ConfigurationError: the server cannot be reached, refuses the key, or has no ``/ask``.
    """
    import httpx

    body: dict[str, Any] = {"question": question, "role": role}
    if thread_id:
        body["thread_id"] = thread_id
    headers = {"X-API-Key": api_key} if api_key else {}
    endpoint = url.rstrip("/") + "/ask"
    try:
        response = httpx.post(endpoint, json=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.TransportError as exc:
        raise ConfigurationError(
            f"Serveur Bassin injoignable ({endpoint}) : lancez `bassin serve`, ou retirez BASSIN_SERVER_URL "
            f"(ou passez --local) pour répondre sans lui. / Server unreachable: {exc}"
        ) from exc
    if response.status_code in (401, 403):
        raise ConfigurationError(
            f"Le serveur {url} refuse la question ({response.status_code}) : donnez une de ses clés "
            "(BASSIN_API_KEYS) dans BASSIN_SERVER_API_KEY. / The server refused the API key."
        )
    if response.status_code == 404:
        raise ConfigurationError(f"Le serveur {url} n'a pas de POST /ask : est-ce bien `bassin serve` ?")
    if response.status_code >= 400:
        detail = response.json().get("detail") if _is_json(response) else response.text[:500]
        raise ConfigurationError(f"Le serveur {url} a répondu {response.status_code} : {detail}")
    answer: dict[str, Any] = response.json()
    return answer


def _is_json(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")
