"""Occupation understanding: free-text job titles → ranked ROME codes with a confidence."""

from referentials.occupation.classifier import (
    OccupationClassifier,
    OccupationGuess,
    OccupationIndex,
    Relatedness,
    default_occupations,
    relatedness,
)

__all__ = [
    "OccupationClassifier",
    "OccupationGuess",
    "OccupationIndex",
    "Relatedness",
    "default_occupations",
    "relatedness",
]
