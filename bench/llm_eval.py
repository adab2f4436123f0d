"""The dialogue evals with a real local model beside the offline planner, on the same dialogues.

    python -m bench.llm_eval                         # the subset below, offline + phrase + agent
    python -m bench.llm_eval --modes phrase --dialogue cand-serveur-marseille

Starts the llama.cpp server of ``bench.local_llm`` (2 threads), runs ``run_evals`` once per mode with
``--gates local-small`` / ``local-small-agent``, and writes ``bench/results/local_llm.md`` (the README table)
and ``local_llm.json``. Slow on 2 cores: about a minute per model call, more when the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from app.settings import Settings
from bench.local_llm import MODEL_NAME, LocalLlmServer
from evals.dialogues_runner.dataset import DEFAULT_DATA_DIR
from evals.dialogues_runner.runner import EvalOutcome, run_evals

RESULTS = Path(__file__).resolve().parent / "results"
SUBSET = [
    "cand-cariste-interim-lille", "cand-aide-soignant-idf", "cand-data-scientist-remote",
    "cand-serveur-marseille", "en-accountant-bordeaux", "fu-change-city", "inj-user-message",
    "inj-offer-in-results", "bad-unknown-city", "rec-python-juniors",
]  # fmt: skip
GATES = {"phrase": "local-small", "agent": "local-small-agent"}
COLUMNS = ("tool_call_accuracy", "argument_accuracy", "constraint_violation_rate", "faithfulness",
           "language_accuracy", "turn_pass_rate", "dialogue_pass_rate")  # fmt: skip


async def run_mode(mode: str, base_url: str | None, dialogues: list[str], timeout_s: float) -> EvalOutcome:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if mode == "offline":
        return await run_evals(settings, provider="offline", dialogues=dialogues, report_dir=None)
    llm = {"llm_provider": "openai", "llm_base_url": base_url, "llm_model": MODEL_NAME, "llm_mode": mode,
           "llm_timeout_s": timeout_s, "llm_max_retries": 0, "llm_max_tokens": 200}  # fmt: skip
    settings = settings.model_copy(update=llm)
    return await run_evals(
        settings, dialogues=dialogues, gates=GATES[mode], data_dir=DEFAULT_DATA_DIR,
        report_dir=RESULTS / f"local_llm_{mode}",
    )  # fmt: skip


def row(mode: str, outcome: EvalOutcome, seconds: float) -> dict[str, Any]:
    overall = outcome.metrics[-1]
    turns = [t for r in outcome.records for t in r.turns]
    fallbacks = sum(
        1 for t in turns if "planificateur hors ligne" in t.answer or "offline planner" in t.answer
    )
    kept = sum(1 for t in turns if "réponse vérifiée" in t.answer or "checked answer" in t.answer)
    return {
        "mode": mode,
        "dialogues": overall.dialogues,
        "turns": overall.turns,
        **{c: overall.values.get(c) for c in COLUMNS},
        "latency_p50_s": round(overall.latency_p50_ms / 1000, 1),
        "latency_p95_s": round(overall.latency_p95_ms / 1000, 1),
        "planner_fallbacks": fallbacks,
        "drafts_kept": kept,
        "gate_failures": outcome.gate_failures,
        "seconds": round(seconds),
    }


def markdown(rows: list[dict[str, Any]], load: str) -> str:
    def fmt(v: Any) -> str:
        return "–" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    head = ("| answered by | tool-call acc. | argument acc. | constraint violations | faithfulness | "
            "answer language | turns passed | latency p50 / p95 per turn | LLM failures → planner |")  # fmt: skip
    lines = [head, "|" + " --- |" * 9]
    for r in rows:
        who = {"offline": "offline planner", "phrase": f"{MODEL_NAME}, phrase mode",
               "agent": f"{MODEL_NAME}, agent mode"}[r["mode"]]  # fmt: skip
        lines.append(
            f"| {who} | {fmt(r['tool_call_accuracy'])} | {fmt(r['argument_accuracy'])} | "
            f"{fmt(r['constraint_violation_rate'])} | {fmt(r['faithfulness'])} | {fmt(r['language_accuracy'])} | "
            f"{fmt(r['turn_pass_rate'])} | {r['latency_p50_s']} s / {r['latency_p95_s']} s | "
            f"{r['planner_fallbacks']} of {r['turns']} turns |"
        )
    return "\n".join(lines) + f"\n\n{rows[0]['dialogues']} dialogues, {rows[0]['turns']} turns; {load}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_eval")
    parser.add_argument("--modes", nargs="+", default=["offline", "phrase", "agent"])
    parser.add_argument("--dialogue", action="append", default=None)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per model call")
    parser.add_argument(
        "--out", default="local_llm", help="results file names (bench/results/<out>.md, .json)"
    )
    args = parser.parse_args(argv)
    dialogues = args.dialogue or SUBSET
    rows = []
    RESULTS.mkdir(exist_ok=True)
    with LocalLlmServer(log=RESULTS / "local_llm_server.log") as server:
        for mode in args.modes:
            started = time.perf_counter()
            outcome = asyncio.run(run_mode(mode, server.base_url, dialogues, args.timeout))
            rows.append(row(mode, outcome, time.perf_counter() - started))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    load = f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {date.today()}"
    (RESULTS / f"{args.out}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(rows, load))
    print(markdown(rows, load))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
