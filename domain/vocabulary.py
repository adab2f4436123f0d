"""Bassin's shared vocabulary: who talks to the agent, and France Travail's contract codes.

One place for each: the tools' argument schemas, the CV wishes → offer codes mapping, the stored
candidates' contracts and every label shown to users read from here.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["candidate", "recruiter"]
"""Who the agent serves in a conversation: a job seeker, or a recruiter looking for candidates."""

ContractCode = Literal["CDI", "CDD", "MIS", "DIN", "SAI", "ALT", "LIB"]
"""France Travail ``typeContrat`` codes (``ALT`` marks work-study offers; ``DIN`` is a CDI intérimaire)."""

SearchableContract = Literal["CDI", "CDD", "MIS", "SAI", "ALT", "LIB"]
"""The codes a user can ask for by name (``DIN`` comes with ``MIS``)."""

WishedContract = Literal["CDI", "CDD", "interim", "alternance", "freelance", "stage"]
"""A contract as a CV states a wish for it."""

CODES_OF_WISH: dict[str, tuple[ContractCode, ...]] = {
    "CDI": ("CDI",),
    "CDD": ("CDD",),
    "interim": ("MIS", "DIN"),
    "alternance": ("ALT",),
    "freelance": ("LIB",),
    "stage": (),  # internships are not a France Travail contract type
}
"""CV contract wishes → the offer codes that satisfy them."""

CONTRACT_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "CDI": "CDI",
        "CDD": "CDD",
        "MIS": "intérim",
        "DIN": "CDI intérimaire",
        "SAI": "saisonnier",
        "ALT": "alternance",
        "LIB": "freelance",
    },
    "en": {
        "CDI": "permanent (CDI)",
        "CDD": "fixed-term (CDD)",
        "MIS": "temp work",
        "DIN": "permanent temp-agency contract",
        "SAI": "seasonal",
        "ALT": "work-study",
        "LIB": "freelance",
    },
}
"""Contract codes in words, per language."""


def contract_codes(wishes: list[str] | tuple[str, ...]) -> list[ContractCode]:
    """The offer codes satisfying CV wishes, sorted and without repeats: ``["interim"]`` → ``["DIN", "MIS"]``."""
    return sorted({code for wish in wishes for code in CODES_OF_WISH.get(wish, ())})
