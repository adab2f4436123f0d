"""Domain errors. Each carries a message a user can act on (French first, English second)."""

from __future__ import annotations


class BassinError(Exception):
    """Base class of every expected failure; its message is shown to the user as is."""


class ConfigurationError(BassinError):
    """A setting is missing or inconsistent."""


class MissingExtraError(ConfigurationError):
    """A configured model needs an optional part of Bassin that is not installed."""

    def __init__(self, what: str, extra: str, module: str) -> None:
        super().__init__(
            f"{what} demande l'extra « {extra} » de Bassin (module {module!r} absent) : installez-le avec "
            f'`pip install "bassin[{extra}]"` (dans le dépôt : `uv pip install -e ".[{extra}]"` ou '
            f"`make setup`), ou revenez au modèle par défaut. / {what} needs the optional extra: "
            f'pip install "bassin[{extra}]".'
        )
        self.extra = extra
        self.module = module


class ModelMismatchError(BassinError):
    """An index was built with another embedding model than the one configured."""

    def __init__(self, index_path: str, index_model: str, index_dim: int, model: str, dim: int) -> None:
        super().__init__(
            f"L'index {index_path} a été construit avec le modèle {index_model!r} ({index_dim} dimensions), "
            f"mais le modèle configuré est {model!r} ({dim} dimensions). "
            "Reconstruisez l'index avec `bassin sync --rebuild`, ou remettez BASSIN_EMBEDDING_MODEL "
            f"à {index_model!r}. / The index was built with another embedding model: rebuild it with "
            "`bassin sync --rebuild`."
        )
        self.index_model = index_model
        self.model = model


class UnknownPlaceError(BassinError):
    """A place name could not be geocoded."""

    def __init__(self, place: str, suggestions: list[str] | None = None) -> None:
        hint = f" Vouliez-vous dire : {', '.join(suggestions)} ?" if suggestions else ""
        super().__init__(f"Lieu inconnu : {place!r}.{hint} (commune, code postal, département ou région)")
        self.place = place
        self.suggestions = suggestions or []


class InvalidQueryError(BassinError):
    """A search query or filter is invalid."""


class OfferNotFoundError(BassinError):
    """One or more offer ids do not exist."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(f"Offre(s) introuvable(s) : {', '.join(ids)}")
        self.ids = ids


class InputFormatError(BassinError):
    """An input file cannot be read (format, encoding, JSON)."""


class IndexCorruptedError(BassinError):
    """A persisted index cannot be opened."""


class OffersApiError(BassinError):
    """The offer-details API could not be reached or answered nonsense."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Le service des offres ne répond pas correctement ({detail}). Réessayez dans un instant. "
            "/ The offers service is unavailable."
        )


class CandidateNotFoundError(BassinError):
    """No stored candidate has this id, or their CV file is gone."""

    def __init__(self, candidate_id: str) -> None:
        super().__init__(
            f"Candidat inconnu : {candidate_id!r} (ingérez d'abord le CV avec `bassin ingest cvs`). "
            f"/ Unknown candidate: {candidate_id}."
        )
        self.candidate_id = candidate_id


class ServiceUnavailableError(BassinError):
    """A service this deployment does not provide (no candidate index, no scorer)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} n'est pas disponible sur cette installation. / {what}: not available here.")


class WriterBusyError(BassinError):
    """Another process is already writing to the same stores (ingest, sync, delete, reindex, forget)."""

    def __init__(self, holder: str) -> None:
        super().__init__(
            f"Une autre écriture est en cours sur ces données ({holder}) : attendez sa fin puis relancez. "
            "Rien n'a été écrit. / Another ingest, sync or delete is running on this data: wait for it to "
            "finish, then retry. Nothing was written."
        )
        self.holder = holder
