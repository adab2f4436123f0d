"""Dialogue evals: YAML suites replayed through the real graph and tools, scored, gated by thresholds.

``bassin eval [SUITE…]`` runs them (``bassin/eval_cli.py``); see ``spec.py`` for the dialogue format.
"""

from evals.dialogues_runner.runner import EvalOutcome, run_evals

__all__ = ["EvalOutcome", "run_evals"]
