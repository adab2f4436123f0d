"""Bassin's words in Chainlit's frame: the footer under the composer, true to who writes the answers, and
the login form (a user name, not an e-mail).

Chainlit's footer (« Les LLMs peuvent se tromper ») is a translation string; it would be false when no LLM
runs. ``footer_text`` says which planner or model answers; ``chainlit_app.py`` serves the translations with
``with_bassin_texts`` in place of Chainlit's own (the assets — logo, favicon, theme, CSS — live in ``public/``).
"""

from __future__ import annotations

from typing import Any

FOOTER_KEY = ("chat", "watermark")


def footer_text(provider: str, model: str | None, language: str) -> str:
    """The footer for ``provider`` ("offline", "mistral", "openai") in ``language`` (fr first)."""
    english = language.lower().startswith("en")
    if provider == "offline":
        if english:
            return (
                "**Bassin** · offline planner: answers are computed from the offers, no language model. "
                "Check the details with the employer."
            )
        return (
            "**Bassin** · planificateur hors ligne : réponses calculées à partir des offres, sans modèle de "
            "langage. Vérifiez les détails auprès de l'employeur."
        )
    who = f"{provider} · {model}" if model else provider
    if english:
        return f"**Bassin** · answers written by {who}: a language model can make mistakes, check the offers."
    return f"**Bassin** · réponses rédigées par {who} : un modèle de langage peut se tromper, vérifiez les offres."


# Chainlit's login form asks for an e-mail; Bassin's users log in with a name (BASSIN_UI_USERS).
_LOGIN = {
    "fr": {"title": "Connectez-vous à Bassin", "label": "Identifiant", "placeholder": "votre identifiant",
           "required": "l'identifiant est obligatoire"},
    "en": {"title": "Sign in to Bassin", "label": "User name", "placeholder": "your user name",
           "required": "the user name is required"},
}  # fmt: skip


def with_bassin_texts(translation: dict[str, Any], footer: str, language: str) -> dict[str, Any]:
    """Chainlit's translation for a language with Bassin's footer and login texts in place of its own."""
    section, key = FOOTER_KEY
    out = dict(translation)
    out[section] = {**(translation.get(section) or {}), key: footer}
    words = _LOGIN["en" if language.lower().startswith("en") else "fr"]
    auth = dict(out.get("auth") or {})
    login = dict(auth.get("login") or {})
    form = dict(login.get("form") or {})
    form["email"] = {
        **(form.get("email") or {}),
        "label": words["label"],
        "placeholder": words["placeholder"],
        "required": words["required"],
    }
    login["form"], login["title"] = form, words["title"]
    auth["login"] = login
    out["auth"] = auth
    return out
