"""``bassin eval`` against an OpenAI-compatible server: a small subset of the dialogue suites replayed with
the real local model (``local_llm`` fixture) in phrase mode, gated by the ``local-small`` thresholds; and
the options that choose the dialogues and the gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.settings import Settings
from bench.local_llm import MODEL_NAME
from evals.dialogues_runner import run_evals
from evals.dialogues_runner.report import known_gate_profiles, load_thresholds
from evals.dialogues_runner.runner import select_dialogues
from evals.dialogues_runner.spec import load_suites

CI_SUBSET = ["cand-serveur-marseille", "en-accountant-bordeaux", "inj-user-message"]


def test_a_subset_keeps_only_the_named_dialogues() -> None:
    suites = select_dialogues(load_suites(), CI_SUBSET)
    assert sorted(d.id for s in suites for d in s.dialogues) == sorted(CI_SUBSET)
    assert {s.suite for s in suites} == {"candidate", "english", "injection"}
    with pytest.raises(ValueError, match="unknown dialogue"):
        select_dialogues(load_suites(), ["no-such-dialogue"])


def test_local_model_gates_are_apart_from_the_hosted_ones() -> None:
    assert {"local-small", "local-small-agent", "mistral", "openai"} <= set(known_gate_profiles())
    local, hosted = load_thresholds("local-small")["*"], load_thresholds("openai")["*"]
    assert local["argument_accuracy"] == {"min": 1.0} != hosted["argument_accuracy"]  # the planner's args
    assert load_thresholds("local-small-agent")["*"]["faithfulness"] == {"min": 1.0}


async def test_unknown_gates_are_refused(eval_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown gates"):
        await run_evals(Settings(_env_file=None), provider="offline", dialogues=CI_SUBSET[:1],  # type: ignore[call-arg]
                        data_dir=eval_dir / "data", report_dir=None, gates="huge")  # fmt: skip


@pytest.mark.integration
async def test_the_local_model_passes_its_gates_on_a_subset(local_llm: str, eval_dir: Path) -> None:
    settings = Settings(_env_file=None, llm_provider="openai", llm_base_url=local_llm, llm_model=MODEL_NAME,  # type: ignore[call-arg]
                        llm_mode="phrase", llm_timeout_s=900.0, llm_max_retries=0, llm_max_tokens=160)  # fmt: skip
    report = eval_dir / "local-report"
    outcome = await run_evals(settings, dialogues=CI_SUBSET, gates="local-small", data_dir=eval_dir / "data",
                              report_dir=report)  # fmt: skip
    assert outcome.provider == "openai" and [m.suite for m in outcome.metrics][-1] == "all"
    assert outcome.passed, outcome.gate_failures + [f"{k}: {v}" for k, v in outcome.failed_dialogues.items()]
    metrics = json.loads((report / "metrics.json").read_text())
    assert metrics["gates"] == "local-small" and metrics["mode"] == "phrase"
