"""Password checks and roles for the chat UI.

Passwords are compared in constant time; a stored ``pbkdf2_sha256$<iterations>$<salt>$<hex>`` is checked by
re-deriving it, so configuration files need not hold clear passwords.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.settings import UiUser
from domain.vocabulary import Role

_PREFIX = "pbkdf2_sha256"
_ITERATIONS = 200_000


def hash_password(password: str, *, iterations: int = _ITERATIONS) -> str:
    """A storable hash of ``password`` (``BASSIN_UI_USERS`` accepts it in place of the password)."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"{_PREFIX}${iterations}${salt}${digest}"


def password_matches(stored: str, given: str) -> bool:
    if stored.startswith(_PREFIX + "$"):
        try:
            _, iterations, salt, digest = stored.split("$", 3)
            derived = hashlib.pbkdf2_hmac("sha256", given.encode(), salt.encode(), int(iterations)).hex()
        except ValueError:
            return False
        return hmac.compare_digest(derived, digest)
    return hmac.compare_digest(stored.encode(), given.encode())


def authenticate(users: list[UiUser], name: str, password: str) -> UiUser | None:
    """The user ``name`` when ``password`` is theirs, else None (unknown names cost the same time)."""
    found = next((u for u in users if u.name == name), None)
    stored = found.password.get_secret_value() if found else hash_password("x", iterations=1)
    ok = password_matches(stored, password)
    return found if found is not None and ok else None


def effective_role(user_role: str | None, chosen_profile: str | None) -> Role:
    """The agent role of a session: recruiter only for a recruiter who chose the recruiter profile.

    The role comes from the authenticated user, never from the client: a candidate who forges the
    recruiter profile still gets the candidate role (and so never candidate search).
    """
    from ui.profiles import RECRUITER_NAMES

    if user_role == "recruiter" and chosen_profile in RECRUITER_NAMES:
        return "recruiter"
    return "candidate"
