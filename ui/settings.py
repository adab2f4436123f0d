"""``UiSettings``: ``Settings`` plus the chat UI's users and session secret (read at the UI edge only)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from app.settings import Settings

UiRole = Literal["candidate", "recruiter"]


class UiUser(BaseModel):
    """A login: name, password (plain, or ``pbkdf2_sha256$…`` from ``ui.auth.hash_password``) and role."""

    name: str = Field(min_length=1, max_length=100)
    password: SecretStr
    role: UiRole = "candidate"


class UiSettings(Settings):
    """``Settings`` plus ``BASSIN_UI_USERS`` (JSON list of ``UiUser``) and ``BASSIN_UI_AUTH_SECRET``.

    Example:
        BASSIN_UI_USERS='[{"name": "camille", "password": "…", "role": "candidate"}]'
    """

    ui_users: list[UiUser] = Field(
        default_factory=list, description="Who may log in, with their role; nobody when empty."
    )
    ui_auth_secret: SecretStr | None = Field(
        default=None,
        description="Signs session tokens; default a random secret kept in <data_dir>/ui/auth_secret.",
    )

    def auth_secret(self) -> str:
        """The configured secret, or one generated once per data dir (sessions survive restarts)."""
        if self.ui_auth_secret is not None:
            return self.ui_auth_secret.get_secret_value()
        path = Path(self.data_dir) / "ui" / "auth_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
