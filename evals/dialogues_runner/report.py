"""Per-suite metrics, the thresholds gate, and the report files (JSONL per turn + markdown summary)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evals.dialogues_runner.replay import DialogueRecord
from evals.dialogues_runner.spec import EVALS_DIR

THRESHOLDS = EVALS_DIR / "thresholds.yaml"
METRICS = (
    "dialogue_pass_rate", "turn_pass_rate", "tool_call_accuracy", "argument_accuracy",
    "constraint_violation_rate", "ndcg_at_10", "faithfulness", "language_accuracy",
)  # fmt: skip
_TITLES = {
    "dialogue_pass_rate": "dialogues passed", "turn_pass_rate": "turns passed",
    "tool_call_accuracy": "tool-call acc.", "argument_accuracy": "argument acc.",
    "constraint_violation_rate": "constraint violations", "ndcg_at_10": "nDCG@10",
    "faithfulness": "faithfulness", "language_accuracy": "answer language",
}  # fmt: skip


@dataclass
class SuiteMetrics:
    """The metrics of one suite (or of all suites together, named ``all``)."""

    suite: str
    dialogues: int
    turns: int
    results_checked: int
    values: dict[str, float | None]
    latency_p50_ms: float
    latency_p95_ms: float
    failed_dialogues: list[str] = field(default_factory=list)


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def suite_metrics(name: str, records: Sequence[DialogueRecord]) -> SuiteMetrics:
    turns = [t for r in records for t in r.turns]
    scores = [t.score for t in turns]
    checked = sum(s.results_checked for s in scores)
    violating = sum(s.results_violating for s in scores)
    latencies = [s.latency_ms for s in scores]
    values: dict[str, float | None] = {
        "dialogue_pass_rate": _mean([float(r.passed) for r in records]),
        "turn_pass_rate": _mean([float(s.passed) for s in scores]),
        "tool_call_accuracy": _mean([s.tool_call for s in scores if s.tool_call is not None]),
        "argument_accuracy": _mean([a for s in scores for a in s.args]),
        "constraint_violation_rate": round(violating / checked, 4) if checked else None,
        "ndcg_at_10": _mean([s.ndcg for s in scores if s.ndcg is not None]),
        "faithfulness": _mean([s.faithfulness for s in scores if s.faithfulness is not None]),
        "language_accuracy": _mean([s.language for s in scores if s.language is not None]),
    }
    return SuiteMetrics(
        suite=name,
        dialogues=len(records),
        turns=len(turns),
        results_checked=checked,
        values=values,
        latency_p50_ms=_quantile(latencies, 0.5),
        latency_p95_ms=_quantile(latencies, 0.95),
        failed_dialogues=[r.dialogue.id for r in records if not r.passed],
    )


def known_gate_profiles(path: Path = THRESHOLDS) -> list[str]:
    """The ``providers`` sections of the thresholds file (what ``--gates`` accepts)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("providers") or {})


def load_thresholds(provider: str, path: Path = THRESHOLDS) -> dict[str, dict[str, dict[str, float]]]:
    """Gates per suite: ``default``, overridden by the provider's section, then by the suite's own.

    Returns a function-like mapping: ``{"*": {metric: {"min"|"max": v}}, suite: {...}}``.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    base = {m: dict(g) for m, g in (data.get("default") or {}).items()}
    for m, g in ((data.get("providers") or {}).get(provider) or {}).items():
        base[m] = dict(g)
    gates = {"*": base}
    for suite, overrides in (data.get("suites") or {}).items():
        merged = {m: dict(g) for m, g in base.items()}
        for m, g in (overrides or {}).items():
            merged[m] = dict(g)
        gates[suite] = merged
    for section in gates.values():
        for metric, gate in section.items():
            if metric not in METRICS or not set(gate) <= {"min", "max"}:
                raise ValueError(f"{path.name}: bad gate {metric}: {gate}")
    return gates


def gate_failures(
    metrics: Sequence[SuiteMetrics], gates: dict[str, dict[str, dict[str, float]]]
) -> list[str]:
    """One line per suite metric outside its gate (metrics a suite does not measure are not gated)."""
    out = []
    for m in metrics:
        for metric, gate in gates.get(m.suite, gates["*"]).items():
            value = m.values.get(metric)
            if value is None:
                continue
            if "min" in gate and value < gate["min"]:
                out.append(f"{m.suite}: {metric} = {value:.3f} < {gate['min']}")
            if "max" in gate and value > gate["max"]:
                out.append(f"{m.suite}: {metric} = {value:.3f} > {gate['max']}")
    return out


def write_report(
    out_dir: Path,
    records: Sequence[DialogueRecord],
    metrics: Sequence[SuiteMetrics],
    failures: Sequence[str],
    header: dict[str, Any],
) -> Path:
    """``results.jsonl`` (one line per turn), ``metrics.json`` and ``summary.md``; returns the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            for t in r.turns:
                line = {
                    "suite": r.suite,
                    "dialogue": r.dialogue.id,
                    "turn": t.index + 1,
                    "say": t.say,
                    "answer": t.answer,
                    "tools": t.tools,
                    "metrics": {k: v for k, v in asdict(t.score).items() if k != "failures"},
                    "failures": t.score.failures,
                }
                fh.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    (out_dir / "metrics.json").write_text(
        json.dumps(
            {**header, "suites": [asdict(m) for m in metrics], "gate_failures": list(failures)},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    summary = out_dir / "summary.md"
    summary.write_text(markdown(records, metrics, failures, header), encoding="utf-8")
    return summary


def summary_table(metrics: Sequence[SuiteMetrics]) -> str:
    """The per-suite markdown table (the README's eval table)."""
    head = ["suite", "dialogues", "turns", *(_TITLES[m] for m in METRICS), "latency p50 / p95"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for m in metrics:
        cells = [f"**{m.suite}**" if m.suite == "all" else m.suite, str(m.dialogues), str(m.turns)]
        for metric in METRICS:
            v = m.values.get(metric)
            if v is None:
                cells.append("–")
            elif metric == "constraint_violation_rate":
                cells.append(f"{v:.1%} of {m.results_checked}")
            else:
                cells.append(f"{v:.2f}" if metric == "ndcg_at_10" else f"{v:.0%}")
        cells.append(f"{m.latency_p50_ms:.0f} / {m.latency_p95_ms:.0f} ms")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(
    records: Sequence[DialogueRecord],
    metrics: Sequence[SuiteMetrics],
    failures: Sequence[str],
    header: dict[str, Any],
) -> str:
    lines = [
        "# Dialogue evals",
        "",
        f"Provider: **{header.get('provider')}** · data: `{header.get('data_dir')}` "
        f"({header.get('offers')} offers, {header.get('candidates')} candidates) · {header.get('date')} · "
        f"{header.get('seconds', 0):.0f} s",
        "",
        summary_table(metrics),
        "",
        "Constraint violations are counted on the returned offers/candidates as stored (not on the tool "
        "arguments); faithfulness = share of cited ids that a tool returned in the thread; nDCG@10 where the "
        "turn grades ROME families.",
        "",
    ]
    lines.append("## Gates: " + ("FAILED" if failures else "passed"))
    lines += [f"- {f}" for f in failures]
    failed = [r for r in records if not r.passed]
    if failed:
        lines += ["", "## Failed dialogues"]
        for r in failed:
            lines.append(f"### {r.suite} / {r.dialogue.id}")
            lines += [f"- {f}" for f in r.failures()]
    return "\n".join(lines) + "\n"
