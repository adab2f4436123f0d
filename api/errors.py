"""Expected failures of the HTTP API, each with a message the caller can act on, and its HTTP status."""

from __future__ import annotations

from domain.errors import (
    BassinError,
    CandidateNotFoundError,
    ConfigurationError,
    IndexCorruptedError,
    InvalidQueryError,
    ModelMismatchError,
    OfferNotFoundError,
    WriterBusyError,
)


class VectorDimensionError(InvalidQueryError):
    """A vector of the wrong size for the index's embedding model."""

    def __init__(self, field: str, expected: int, got: int) -> None:
        super().__init__(
            f"{field} doit contenir {expected} valeurs (reçu {got}) : c'est la dimension du modèle "
            f"d'embedding de l'index. / {field} must have {expected} values, got {got}."
        )
        self.expected = expected
        self.got = got


class ZeroVectorError(InvalidQueryError):
    """A null vector has no direction: no cosine similarity can be computed."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} est un vecteur nul. / {field} is a zero vector.")


class UnknownIdsError(BassinError):
    """Ids absent from the store of the collection written to: nothing was written."""

    def __init__(self, collection: str, ids: list[str]) -> None:
        shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
        super().__init__(
            f"Identifiant(s) inconnu(s) dans {collection!r} : {shown}. Rien n'a été écrit. "
            "/ Unknown ids: nothing was written."
        )
        self.ids = ids


class VectorMismatchError(InvalidQueryError):
    """Caller vectors that are not the model's embedding of the stored documents: nothing was written."""

    def __init__(self, ids: list[tuple[str, float]]) -> None:
        shown = ", ".join(f"{i} (cosinus {c:.3f})" for i, c in ids[:10]) + (" …" if len(ids) > 10 else "")
        super().__init__(
            f"Vecteur(s) différent(s) de l'embedding du document stocké : {shown}. L'index ne contient que "
            "les embeddings que le modèle calcule sur les documents de la base (ce que `bassin sync` "
            "reconstruit) : omettez `vector` pour qu'il soit calculé. Rien n'a été écrit. / Vectors differ "
            "from the stored documents' embeddings: omit `vector` to have it computed. Nothing was written."
        )
        self.ids = [i for i, _ in ids]


class CVFileMissingError(BassinError):
    """The candidate exists but its stored CV file is gone: the profile cannot be matched again."""

    def __init__(self, candidate_id: str) -> None:
        super().__init__(
            f"Le fichier CV du candidat {candidate_id!r} est introuvable : ré-ingérez-le. "
            "/ The candidate's stored CV file is missing."
        )


class IndexWritesDisabledError(BassinError):
    """FAISS writes need a single server process: each worker holds its own copy of the index in memory."""

    def __init__(self) -> None:
        super().__init__(
            "Écritures FAISS désactivées : le serveur tourne avec plusieurs workers, chacun avec sa copie "
            "de l'index. Relancez `bassin serve --workers 1`. / FAISS writes need a single worker."
        )


WRITER_BUSY_RETRY_AFTER_S = 5
"""Retry-After of a write refused because another writer holds the data (an ingest, a sync…)."""


def status_of(exc: BassinError) -> int:
    """The HTTP status of an expected failure."""
    if isinstance(exc, OfferNotFoundError | CandidateNotFoundError | UnknownIdsError):
        return 404
    if isinstance(exc, CVFileMissingError | IndexWritesDisabledError | WriterBusyError):
        return 409
    if isinstance(exc, ConfigurationError | IndexCorruptedError | ModelMismatchError):
        return 503
    return 422
