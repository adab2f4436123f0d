"""The conversation's language in the chat UI, and the UI's own sentences in it (French first, English).

The agent answers in the language of the user's latest message that says one (``agent.graph``); the UI
decides the same way once per turn, so that the cards, buttons and charts under an answer speak its language.
"""

from __future__ import annotations

from typing import Literal

from services.utterance.text import guess_language

UiLang = Literal["fr", "en"]


def ui_lang(value: object) -> UiLang:
    """A stored language as the UI's: "en" stays, anything else (missing, unknown) is French."""
    return "en" if value == "en" else "fr"


def turn_language(message: str, answer: str = "", previous: str | None = None) -> UiLang:
    """The language of a turn: the user's message when it says one, else the conversation's so far (as the
    agent decides), else the answer's, else French.

    >>> turn_language("I'm a Python developer looking for a job near Lyon")
    'en'
    >>> turn_language("2", "Voici l'offre…", previous="en")
    'en'
    """
    said = guess_language(message)
    if said is not None:
        return said
    if previous in ("fr", "en"):
        return ui_lang(previous)
    return guess_language(answer) or "fr"


SENTENCES: dict[UiLang, dict[str, str]] = {
    "fr": {
        "below": "Les voici ci-dessous.",
        "map_around": "Où se trouvent ces offres (km autour du centre de la recherche) :",
        "map": "Où se trouvent ces offres :",
        "gone": "Cette offre n'est plus affichée : relancez la recherche.",
        "no_pending_cv": "Aucun CV en attente : déposez-le à nouveau.",
        "cv_dropped": "CV ignoré : rien n'a été enregistré.",
        "my_cv": "Voici mon CV.",
        "details_of": "Détails de l'offre {id}",
        "saved": "Offre sauvegardée : {title} ({id}).",
        "applied": "Candidature notée : {title} ({id}). Bonne chance !",
        "thumbs_up": "Merci : offre marquée pertinente ({id}).",
        "thumbs_down": "Merci : offre marquée hors sujet ({id}).",
        "recruiters_only": "Réservé aux recruteurs.",
    },
    "en": {
        "below": "Here they are below.",
        "map_around": "Where these offers are (km around the search centre):",
        "map": "Where these offers are:",
        "gone": "This offer is no longer shown: run the search again.",
        "no_pending_cv": "No CV is waiting: please drop it again.",
        "cv_dropped": "CV discarded: nothing was stored.",
        "my_cv": "Here is my CV.",
        "details_of": "Details of offer {id}",
        "saved": "Offer saved: {title} ({id}).",
        "applied": "Application noted: {title} ({id}). Good luck!",
        "thumbs_up": "Thanks: offer marked relevant ({id}).",
        "thumbs_down": "Thanks: offer marked off topic ({id}).",
        "recruiters_only": "For recruiters only.",
    },
}
"""What the chat says by itself (not the agent), per language."""


def say(lang: UiLang, key: str, **values: str) -> str:
    """One of ``SENTENCES`` in ``lang``, with its ``{placeholders}`` filled."""
    return SENTENCES[lang][key].format(**values)
