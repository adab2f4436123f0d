"""The dialogue suites replayed offline through the real graph, tools and engine (sample offers + eval CVs).

A regression of the agent (planner, tools, engine) makes a dialogue fail and the gates fail CI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from evals.dialogues_runner import run_evals
from evals.dialogues_runner.report import summary_table
from evals.dialogues_runner.spec import load_suites
from services.utterance.reading import Reading, UtteranceReader
from tests.conftest import report_line


def _settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_suites_are_valid_and_cover_the_issue() -> None:
    suites = load_suites()
    dialogues = [d for s in suites for d in s.dialogues]
    assert len(dialogues) >= 60
    names = {s.suite for s in suites}
    assert {"candidate", "recruiter", "followups", "english", "bad_inputs", "injection"} <= names
    assert any(d.role == "recruiter" for d in dialogues) and any(d.language == "en" for d in dialogues)
    assert any(d.cv for d in dialogues)


async def test_offline_suites_pass_their_thresholds(eval_dir: Path) -> None:
    outcome = await run_evals(
        _settings(), provider="offline", data_dir=eval_dir / "data", report_dir=eval_dir / "report"
    )
    assert outcome.data.offers == 4001 and outcome.data.candidates == 25
    assert outcome.passed, outcome.gate_failures + [f"{k}: {v}" for k, v in outcome.failed_dialogues.items()]
    assert outcome.report is not None and "| candidate |" in outcome.report.read_text()
    assert (eval_dir / "report" / "results.jsonl").read_text().count("\n") == sum(m.turns for m in
                                                                                  outcome.metrics[:-1])  # fmt: skip
    report_line("dialogue evals (offline):\n" + summary_table(outcome.metrics))


async def test_the_data_dir_is_reused(eval_dir: Path) -> None:
    outcome = await run_evals(
        _settings(), suites=["bad_inputs"], provider="offline", data_dir=eval_dir / "data", report_dir=None
    )
    assert outcome.data.reused and outcome.passed


async def test_a_planner_that_drops_contracts_fails_naming_the_dialogues(
    eval_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = UtteranceReader.read

    def without_contracts(self: UtteranceReader, text: str, **kwargs: Any) -> Reading:
        reading = original(self, text, **kwargs)
        reading.contracts, reading.exclude_contracts = [], []
        return reading

    monkeypatch.setattr(UtteranceReader, "read", without_contracts)
    outcome = await run_evals(
        _settings(),
        suites=["candidate", "followups"],
        provider="offline",
        data_dir=eval_dir / "data",
        report_dir=eval_dir / "broken",
    )
    assert not outcome.passed
    failed = set(outcome.failed_dialogues)
    assert {"candidate/cand-cariste-interim-lille", "candidate/cand-comptable-bordeaux-cdi",
            "followups/fu-contract-then-exclude"} <= failed  # fmt: skip
    assert "candidate/cand-aide-soignant-idf" not in failed  # no contract word: unaffected
    assert any(
        "contract" in line for line in outcome.failed_dialogues["candidate/cand-cariste-interim-lille"]
    )
    summary = (eval_dir / "broken" / "summary.md").read_text()
    assert "cand-cariste-interim-lille" in summary and "Gates: FAILED" in summary
