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


class UnknownUploadError(InputFormatError):
    """No uploaded file has this id."""

    def __init__(self, file_id: str) -> None:
        super().__init__(
            f"Aucun fichier déposé ne porte l'identifiant « {file_id} ». Déposez à nouveau votre CV. "
            "/ No uploaded file has this id: upload the CV again."
        )
        self.file_id = file_id
