"""Synthetic French CVs with a truth file: the CV development set and the demo candidate pool.

Seeded and deterministic (same seed, same texts): real ROME appellations, skills, diplomas, licences and
communes; fake but well-formed names, emails (``example.*``) and phone numbers (ARCEP fiction ranges).
Regenerate with ``python -m offline.cv_generator dev`` and ``python -m offline.cv_generator pool``.
"""

from offline.cv_generator.compose import AS_OF, LAYOUTS, CVDoc, compose
from offline.cv_generator.sets import generate_dev_set, generate_pool

__all__ = ["AS_OF", "LAYOUTS", "CVDoc", "compose", "generate_dev_set", "generate_pool"]
