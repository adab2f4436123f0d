"""``bassin eval``: prepare the eval data dir, replay the suites, gate on thresholds, write the report.

Example:
    >>> outcome = asyncio.run(run_evals(Settings(), suites=["candidate"]))  # doctest: +SKIP
    >>> outcome.passed, outcome.report  # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from agent.llm import Provider, effective_provider
from app.agent import agent_context
from app.runtime import build_engine
from app.settings import Settings
from evals.dialogues_runner.dataset import DEFAULT_DATA_DIR, DataReport, eval_settings, prepare_data_dir
from evals.dialogues_runner.facts import StoreFacts
from evals.dialogues_runner.replay import DialogueRecord, Replayer
from evals.dialogues_runner.report import (
    THRESHOLDS,
    SuiteMetrics,
    gate_failures,
    known_gate_profiles,
    load_thresholds,
    suite_metrics,
    write_report,
)
from evals.dialogues_runner.spec import Suite, load_suites
from tools.uploads import UploadedCVs

DEFAULT_REPORT_DIR = DEFAULT_DATA_DIR.parent / "dialogues-report"


@dataclass
class EvalOutcome:
    """The run: per-suite metrics (plus ``all``), gate failures, failed dialogues with reasons."""

    provider: Provider
    data: DataReport
    records: list[DialogueRecord]
    metrics: list[SuiteMetrics]
    gate_failures: list[str]
    report: Path | None = None
    failed_dialogues: dict[str, list[str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.gate_failures


async def run_evals(
    settings: Settings,
    *,
    suites: list[str] | None = None,
    provider: Provider | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
    report_dir: Path | None = DEFAULT_REPORT_DIR,
    thresholds: Path | None = None,
    dialogues: list[str] | None = None,
    gates: str | None = None,
) -> EvalOutcome:
    """Replay the dialogue suites (all when ``suites`` is empty) on the eval data dir.

    Args:
        settings: read at the edge; the provider, model and keys come from it unless ``provider`` is given.
        data_dir: built on first use from the sample offers and the eval fixtures, then reused.
        report_dir: where ``results.jsonl``, ``metrics.json`` and ``summary.md`` go (None: no files).
        dialogues: only these dialogue ids (a subset of the suites; unknown ids are an error).
        gates: the thresholds section (``providers.<gates>`` of thresholds.yaml) instead of the provider's
            own, e.g. ``local-small`` for a small local model behind ``llm_base_url``.
    """
    started = time.perf_counter()
    loaded = select_dialogues(load_suites(suites), dialogues)
    settings = eval_settings(settings, data_dir)
    if provider is not None:
        settings = settings.model_copy(update={"llm_provider": provider})
    used = effective_provider(settings)
    profile = gates or used
    if gates is not None and gates not in known_gate_profiles(thresholds or THRESHOLDS):
        raise ValueError(
            f"unknown gates {gates!r}; known: {', '.join(known_gate_profiles(thresholds or THRESHOLDS))}"
        )
    gate_map = load_thresholds(profile, thresholds) if thresholds else load_thresholds(profile)
    engine = build_engine(settings)
    context = agent_context(engine, settings)
    try:
        data = prepare_data_dir(engine)
        facts = StoreFacts.load(engine.db)
        replayer = Replayer(context, facts, engine.gazetteer.load(), UploadedCVs(data_dir / "uploads"))
        records = [r for suite in loaded for r in await replayer.suite(suite)]
    finally:
        await context.aclose()
    metrics = [suite_metrics(s.suite, [r for r in records if r.suite == s.suite]) for s in loaded]
    if len(metrics) > 1:
        metrics.append(suite_metrics("all", records))
    failures = gate_failures([m for m in metrics if m.suite != "all"], gate_map)
    outcome = EvalOutcome(
        provider=used,
        data=data,
        records=records,
        metrics=metrics,
        gate_failures=failures,
        failed_dialogues={f"{r.suite}/{r.dialogue.id}": r.failures() for r in records if not r.passed},
    )
    if report_dir is not None:
        header = {
            "provider": used,
            "model": settings.llm_model,
            "mode": settings.llm_mode if used != "offline" else None,
            "base_url": settings.llm_base_url if used != "offline" else None,
            "gates": profile,
            "data_dir": str(data_dir),
            "offers": data.offers,
            "candidates": data.candidates,
            "date": date.today().isoformat(),
            "seconds": round(time.perf_counter() - started, 1),
        }
        outcome.report = write_report(report_dir, records, metrics, failures, header)
    return outcome


def select_dialogues(suites: list[Suite], ids: list[str] | None) -> list[Suite]:
    """The suites cut down to the dialogues ``ids`` (all when None); suites left empty are dropped."""
    if not ids:
        return suites
    known = {d.id for s in suites for d in s.dialogues}
    unknown = sorted(set(ids) - known)
    if unknown:
        raise ValueError(f"unknown dialogue(s): {', '.join(unknown)}")
    wanted = set(ids)
    kept = [s.model_copy(update={"dialogues": [d for d in s.dialogues if d.id in wanted]}) for s in suites]
    return [s for s in kept if s.dialogues]
