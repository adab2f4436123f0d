"""The connector's expected failure: the API could not be reached or refused the request."""

from __future__ import annotations

from domain.errors import BassinError


class FranceTravailError(BassinError):
    """The France Travail API failed after every retry, or refused the credentials or a request."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"API France Travail : {detail}. / France Travail API unavailable.")
