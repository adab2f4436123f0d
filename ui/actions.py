"""The buttons under the chat's messages (cards, profiles, CV confirmation), labelled in the conversation's
language; ``chainlit_app.py`` answers them by their ``name``."""

from __future__ import annotations

import chainlit as cl

from ui.language import UiLang

# name: (label, tooltip); a thumb has an icon and no label.
_OFFER: dict[UiLang, dict[str, tuple[str | None, str]]] = {
    "fr": {
        "why": ("Pourquoi ?", "L'explication vérifiée du score"),
        "details": ("Voir l'offre", "Le détail de l'offre"),
        "save": ("Sauvegarder", "Garder cette offre"),
        "applied": ("J'ai postulé", "Noter la candidature"),
        "thumbs_up": (None, "Pertinente : elle me correspond"),
        "thumbs_down": (None, "Hors sujet"),
    },
    "en": {
        "why": ("Why?", "The verified explanation of the score"),
        "details": ("See the offer", "The offer's details"),
        "save": ("Save", "Keep this offer"),
        "applied": ("I applied", "Note the application"),
        "thumbs_up": (None, "Relevant: it fits me"),
        "thumbs_down": (None, "Off topic"),
    },
}
_ICONS = {"thumbs_up": "thumbs-up", "thumbs_down": "thumbs-down"}
_PROFILE: dict[UiLang, tuple[str, str]] = {
    "fr": ("Ouvrir le profil", "Afficher les coordonnées du candidat"),
    "en": ("Open the profile", "Show the candidate's contact details"),
}
_CV: dict[UiLang, dict[str, str]] = {
    "fr": {"cv_confirm": "C'est bien moi : chercher des offres", "cv_cancel": "Annuler"},
    "en": {"cv_confirm": "That's me: search for offers", "cv_cancel": "Cancel"},
}


def offer_actions(offer_id: str, lang: UiLang = "fr", *, scored: bool = True) -> list[cl.Action]:
    """An offer card's buttons: why (when the card has a score to explain), details, save, applied, thumbs
    up and down."""
    payload = {"offer_id": offer_id}
    actions = []
    for name, (label, tooltip) in _OFFER[lang].items():
        if name == "why" and not scored:
            continue
        if label is None:
            actions.append(cl.Action(name=name, payload=payload, icon=_ICONS[name], tooltip=tooltip))
        else:
            actions.append(cl.Action(name=name, payload=payload, label=label, tooltip=tooltip))
    return actions


def profile_action(candidate_id: str, lang: UiLang = "fr") -> cl.Action:
    """A candidate card's one button: open the profile (its personal data, for recruiters)."""
    label, tooltip = _PROFILE[lang]
    return cl.Action(
        name="open_profile", payload={"candidate_id": candidate_id}, label=label, tooltip=tooltip
    )


def cv_actions(lang: UiLang = "fr") -> list[cl.Action]:
    """Confirm or cancel a parsed CV before anything is stored."""
    return [cl.Action(name=name, payload={}, label=label) for name, label in _CV[lang].items()]
