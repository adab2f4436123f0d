"""Expected failures of the agent's tools (the engine's own live in ``domain.errors``).

Each becomes a short error ``ToolMessage`` the model can act on; the message is shown to users as is.
"""

from __future__ import annotations

from domain.errors import BassinError, InputFormatError


class ToolNotAllowedError(BassinError):
    """The user's role may not use this tool (candidates cannot search candidates)."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"L'outil {tool} est réservé aux recruteurs. / {tool} is for recruiters only.")
        self.tool = tool


class ServiceUnavailableError(BassinError):
    """A service this deployment does not provide (no candidate index, no scorer)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} n'est pas disponible sur cette installation. / {what}: not available here.")


class OffersApiError(BassinError):
    """The offer-details API could not be reached or answered nonsense."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Le service des offres ne répond pas correctement ({detail}). Réessayez dans un instant. "
            "/ The offers service is unavailable."
        )


class UnknownUploadError(InputFormatError):
    """No uploaded file has this id."""

    def __init__(self, file_id: str) -> None:
        super().__init__(
            f"Aucun fichier déposé ne porte l'identifiant « {file_id} ». Déposez à nouveau votre CV. "
            "/ No uploaded file has this id: upload the CV again."
        )
        self.file_id = file_id


class CandidateNotFoundError(BassinError):
    """No stored candidate has this id, or their CV file is gone."""

    def __init__(self, candidate_id: str) -> None:
        super().__init__(f"Candidat introuvable : {candidate_id}. / Unknown candidate: {candidate_id}.")
        self.candidate_id = candidate_id
